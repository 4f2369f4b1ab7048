"""The tray icon in a real tray: the installed app on its own Xvfb beside a system-tray host (trayer, a small
panel that implements the freedesktop system tray protocol), and the icon found docked in the panel.

Without a tray host Qt reports no tray and the app offers none (tests/ui/test_tray.py and
tests/test_tray_launch.py cover that); here the host is real, so what Qt does with it is what users get.
Needs Xvfb, trayer and xwininfo (.ci/install-system-deps); without them the test skips, or fails when CI=true.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.test_x11_window import (
    app_environment,
    display,
    installed_app,
    require_tools,
    running_app,
    stop,
    wait_for_window,
    x_tool,
)

__all__ = ["display"]  # the fixture, imported so that pytest finds it here

pytestmark = pytest.mark.x11

DOCK_TIMEOUT = 30.0
TRAY_CLASS = '("cst-directory" "CST Directory")'


def panel_subtree(display: str) -> list[str]:
    """The lines of `xwininfo -root -tree` from trayer's panel window down to the next top-level window."""
    tree = x_tool(display, "xwininfo", "-root", "-tree").stdout.splitlines()
    for start, line in enumerate(tree):
        if '("panel" "trayer")' in line:
            depth = len(line) - len(line.lstrip())
            lines = [line]
            for following in tree[start + 1:]:
                if following.strip() and len(following) - len(following.lstrip()) <= depth:
                    break
                lines.append(following)
            return lines
    return []


def test_the_icon_docks_in_a_real_system_tray(display: str, tmp_path: Path) -> None:
    require_tools("Xvfb", "trayer", "xwininfo", "xdotool")
    log = tmp_path / "trayer.log"
    with log.open("wb") as log_file:
        host = subprocess.Popen(["trayer", "--edge", "bottom", "--height", "24", "--widthtype", "request"],
                                env=app_environment(display, tmp_path), stdin=subprocess.DEVNULL,
                                stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + DOCK_TIMEOUT
        while not panel_subtree(display):
            assert host.poll() is None, f"trayer exited: {log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, "trayer's panel never appeared"
            time.sleep(0.2)
        assert not any(TRAY_CLASS in line for line in panel_subtree(display))

        with running_app(display, tmp_path, installed_app()) as app:
            wait_for_window(app, display)
            docked: list[str] = []
            while not docked:
                assert app.process.poll() is None, app.output()
                assert time.monotonic() < deadline + DOCK_TIMEOUT, (
                    "no CST Directory icon docked in the panel:\n" + "\n".join(panel_subtree(display)))
                docked = [line for line in panel_subtree(display) if TRAY_CLASS in line]
                time.sleep(0.2)
            # Docked at the panel's icon size, not a stray 1x1 window or the main window reparented.
            size = docked[0].split(")")[-1].split()[0].split("+")[0]
            width, height = (int(part) for part in size.split("x"))
            assert 16 <= width <= 32 and 16 <= height <= 32, docked[0]
    finally:
        stop(host)
