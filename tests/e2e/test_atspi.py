"""What a screen reader sees: the real app on its own Xvfb, its own D-Bus session bus and AT-SPI bus, and
the tree read through pyatspi, as Orca reads it, and the announcement a copy sends heard there.

Debian's python3-pyatspi is built for the system Python, not a virtual environment, so the tree is read by
/usr/bin/python3 in a subprocess that prints it as JSON. Needs Xvfb, dbus-daemon, at-spi2-core and
python3-pyatspi (.ci/install-system-deps); without them the test skips, or fails when CI=true.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_x11_window import app_environment, display, require_tools, stop, unavailable

__all__ = ["display"]  # the fixture, imported so that pytest finds it here

pytestmark = pytest.mark.x11

SYSTEM_PYTHON = Path("/usr/bin/python3")
BUS_LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
TREE_TIMEOUT = 60.0
BUS_TIMEOUT = 15.0

# Runs under the system Python, so it may import pyatspi; prints every application's tree as JSON.
READER = r"""
import json
import pyatspi

def walk(node, depth):
    try:
        entry = {"role": node.getRoleName(), "name": node.name or "",
                 "description": node.description or "", "children": []}
        count = node.childCount
    except Exception:
        return None
    if depth < 30:
        for index in range(min(count, 200)):
            child = node.getChildAtIndex(index)
            if child is not None:
                walked = walk(child, depth + 1)
                if walked is not None:
                    entry["children"].append(walked)
    return entry

desktop = pyatspi.Registry.getDesktop(0)
apps = [walk(desktop.getChildAtIndex(i), 0) for i in range(desktop.childCount)]
print(json.dumps([app for app in apps if app is not None]))
"""

Node = dict[str, Any]


def require_accessibility_stack() -> None:
    require_tools("Xvfb", "dbus-daemon")
    missing = [str(path) for path in (SYSTEM_PYTHON, BUS_LAUNCHER) if not path.is_file()]
    if not missing and subprocess.run([str(SYSTEM_PYTHON), "-c", "import pyatspi"], capture_output=True,
                                      check=False).returncode != 0:
        missing.append("pyatspi for the system Python")
    if missing:
        unavailable(f"{', '.join(missing)} not installed (as root, run .ci/install-system-deps)")


@contextmanager
def session_bus(env: dict[str, str]) -> Iterator[str]:
    """A private D-Bus session bus; yields its address."""
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        if not address:
            pytest.fail(f"dbus-daemon exited with {bus.wait(timeout=BUS_TIMEOUT)} before printing "
                        "its address", pytrace=False)
        yield address
    finally:
        stop(bus)


def read_tree(env: dict[str, str]) -> list[Node]:
    result = subprocess.run([str(SYSTEM_PYTHON), "-c", READER], env=env, capture_output=True, text=True,
                            timeout=TREE_TIMEOUT, check=False)
    if result.returncode != 0:
        return []
    loaded: list[Node] = json.loads(result.stdout)
    return loaded


def nodes(node: Node) -> Iterator[Node]:
    yield node
    for child in node["children"]:
        yield from nodes(child)


@contextmanager
def accessible_app(display: str, tmp_path: Path) -> Iterator[tuple[dict[str, str], subprocess.Popen[bytes]]]:
    """The app searching for 999, on its own display, session bus and accessibility bus, with its
    accessibility bridge on as a screen reader would turn it on; yields the environment to read it in."""
    require_accessibility_stack()
    env = app_environment(display, tmp_path)
    env["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1"
    env.pop("NO_AT_BRIDGE", None)
    with session_bus(env) as address:
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        launcher = subprocess.Popen([str(BUS_LAUNCHER), "--launch-immediately"], env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        try:
            with (tmp_path / "app.log").open("wb") as log_file:
                app = subprocess.Popen([sys.executable, "-m", "cst_directory.app", "--home",
                                        str(tmp_path / "cst-home"), "999"], env=env, stdin=subprocess.DEVNULL,
                                       stdout=log_file, stderr=subprocess.STDOUT)
            try:
                yield env, app
            finally:
                stop(app)
        finally:
            stop(launcher)


def wait_for_tree(env: dict[str, str], app: subprocess.Popen[bytes]) -> Node | None:
    """The app's tree once its list is in it, or None."""
    deadline = time.monotonic() + TREE_TIMEOUT
    while time.monotonic() < deadline and app.poll() is None:
        found = [tree for tree in read_tree(env) if tree["name"] == "CST Directory"]
        if found and any(node["name"] == "Directory entries" for node in nodes(found[0])):
            return found[0]
        time.sleep(0.5)
    return None


def test_a_screen_reader_finds_the_list_the_search_field_and_999(display: str, tmp_path: Path) -> None:
    with accessible_app(display, tmp_path) as (env, app):
        ours = wait_for_tree(env, app)
    output = (tmp_path / "app.log").read_text(errors="replace")
    assert ours is not None, (
        f"No application 'CST Directory' with a list in the AT-SPI tree. App output:\n{output}")
    everything = list(nodes(ours))
    lists = [node for node in everything if node["name"] == "Directory entries"]
    assert [node["role"] for node in lists] in (["list"], ["list box"], ["table"]), lists
    searches = [node for node in everything if node["name"] == "Search"]
    assert [node["role"] for node in searches] in (["text"], ["entry"]), searches
    rows = lists[0]["children"]
    assert rows, "The list 'Directory entries' has no rows in the AT-SPI tree"
    spoken = [row["name"] + " " + row["description"] for row in rows]
    assert any("nine nine nine" in text or "999" in text for text in spoken), spoken


# Presses the detail pane's Copy button through AT-SPI, as a screen reader user would, and prints the
# announcements heard in the next two seconds.
LISTENER = r"""
import json
import pyatspi
from gi.repository import GLib

heard = []
pyatspi.Registry.registerEventListener(lambda event: heard.append(str(event.any_data)), "object:announcement")

def find(node):
    if node.getRoleName() == "push button" and node.name == "Copy":
        return node
    for index in range(node.childCount):
        child = node.getChildAtIndex(index)
        found = find(child) if child is not None else None
        if found is not None:
            return found
    return None

desktop = pyatspi.Registry.getDesktop(0)
apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
button = find([app for app in apps if app is not None and app.name == "CST Directory"][0])
GLib.timeout_add(300, lambda: button.queryAction().doAction(0) and False)
GLib.timeout_add(2300, lambda: pyatspi.Registry.stop() or False)
pyatspi.Registry.start()
print(json.dumps(heard))
"""


def test_a_copy_is_announced_to_the_screen_reader(display: str, tmp_path: Path) -> None:
    with accessible_app(display, tmp_path) as (env, app):
        assert wait_for_tree(env, app) is not None, "The app did not appear in the AT-SPI tree"
        result = subprocess.run([str(SYSTEM_PYTHON), "-c", LISTENER], env=env, capture_output=True, text=True,
                                timeout=TREE_TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["Copied 999"], result.stdout
