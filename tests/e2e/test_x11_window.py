"""The app as users get it, in a real X11 session: its own Xvfb, typed keys, the real clipboard.

Each test runs twice: once with the command pip installed next to the test's Python (not the source tree)
and once with the PyInstaller bundle that `make package` builds, both on the xcb platform (the rest of
the test session runs Qt offscreen). They need Xvfb, xdotool, xclip and ImageMagick's
import, which .ci/install-system-deps installs. Without them the tests skip, except when CI=true: there
they fail, so CI can never go green by skipping the only test that shows a real window.

Each run leaves a screenshot of the whole screen in .artifacts/x11-window-installed.png and
.artifacts/x11-window-bundle.png.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.x11

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / ".artifacts"
BUNDLE_ENV = "CST_DIRECTORY_BUNDLE"
DEFAULT_BUNDLE = REPO_ROOT / "dist" / "bundle" / "cst-directory" / "cst-directory"
WINDOW_NAME = "CST Directory"
# A place lists CST's national 24/7 line first, in the north as everywhere; the region's lines follow.
EXPECTED_NUMBER = "0800 032 3263"
SCREEN_WIDTH, SCREEN_HEIGHT = 1280, 800
XVFB_START_TIMEOUT = 30.0
WINDOW_TIMEOUT = 60.0
EXIT_AFTER_SHOW_TIMEOUT = 60.0
CLIPBOARD_TIMEOUT = 5.0
TOOL_TIMEOUT = 15.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A blank 1280x800 PNG is a few kilobytes; anything with a window drawn on it is far bigger.
MIN_SCREENSHOT_BYTES = 10_000


def require_tools(*tools: str) -> None:
    """Skip when a tool is missing, or fail when CI=true."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    unavailable(f"{', '.join(missing)} not installed (as root, run .ci/install-system-deps)")


def unavailable(message: str) -> None:
    """Skips the test, or fails it when CI=true, so CI cannot go green by skipping."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so this test may not skip, but {message}", pytrace=False)
    pytest.skip(message)


def installed_app() -> Path:
    app = Path(sys.executable).parent / "cst-directory"
    if not app.is_file():
        pytest.fail(f"{app} does not exist: these tests run the installed command, not the source tree. "
                    "Run `make install` (or pip install '.[test]') first.", pytrace=False)
    return app


def bundled_app() -> Path:
    app = Path(os.environ.get(BUNDLE_ENV) or DEFAULT_BUNDLE)
    if app.is_file() and os.access(app, os.X_OK):
        return app
    message = f"the bundle {app} has not been built (run `make package`, or set {BUNDLE_ENV})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so the bundle's X11 test may not skip, but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(params=["installed", "bundle"])
def app_path(request: pytest.FixtureRequest) -> Path:
    return installed_app() if request.param == "installed" else bundled_app()


@pytest.fixture
def screenshot_path(request: pytest.FixtureRequest) -> Path:
    kind = request.node.callspec.params["app_path"]
    return ARTIFACTS / f"x11-window-{kind}.png"


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def read_display_number(fd: int, server: subprocess.Popen[bytes], log: Path) -> int:
    """What Xvfb writes to -displayfd once it accepts connections."""
    received = b""
    deadline = time.monotonic() + XVFB_START_TIMEOUT
    while b"\n" not in received:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"Xvfb did not start within {XVFB_START_TIMEOUT:.0f} s:\n{log.read_text()}",
                        pytrace=False)
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                server.wait(timeout=5)
                pytest.fail(f"Xvfb exited with {server.returncode} before it was ready:\n{log.read_text()}",
                            pytrace=False)
            received += chunk
    return int(received.strip())


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    """A private Xvfb screen, on the first free display number; yields its DISPLAY value."""
    require_tools("Xvfb")
    log = tmp_path / "xvfb.log"
    read_end, write_end = os.pipe()
    try:
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                 f"{SCREEN_WIDTH}x{SCREEN_HEIGHT}x24", "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_end,), stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT)
        os.close(write_end)
        write_end = -1
        try:
            yield f":{read_display_number(read_end, server, log)}"
        finally:
            stop(server)
    finally:
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)


def app_environment(display: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DISPLAY"] = display
    env["QT_QPA_PLATFORM"] = "xcb"  # the test session sets offscreen; a real window is the point here
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("CST_DIRECTORY_HOME", None)  # --home says where
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    for variable, folder in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                             ("XDG_CACHE_HOME", "cache")):
        env[variable] = str(tmp_path / folder)
    return env


def x_tool(display: str, *command: str) -> subprocess.CompletedProcess[str]:
    """Runs an X client (xdotool, xclip, import) against the test's display, never the user's."""
    return subprocess.run(list(command), env={**os.environ, "DISPLAY": display}, capture_output=True,
                          text=True, timeout=TOOL_TIMEOUT, check=False)


def xdotool(display: str, *arguments: str) -> str:
    result = x_tool(display, "xdotool", *arguments)
    if result.returncode != 0:
        pytest.fail(f"xdotool {' '.join(arguments)} failed with {result.returncode}: {result.stderr}",
                    pytrace=False)
    return result.stdout


@dataclass
class RunningApp:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        text = self.log.read_text(errors="replace").strip()
        return f"cst-directory's output:\n{text}" if text else "cst-directory printed nothing."


@contextmanager
def running_app(display: str, tmp_path: Path, app_path: Path, *arguments: str) -> Iterator[RunningApp]:
    """The app on the test's display, with a fresh data home; killed on the way out."""
    command = [str(app_path), "--home", str(tmp_path / "cst-home"), *arguments]
    log = tmp_path / "app.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, env=app_environment(display, tmp_path), stdin=subprocess.DEVNULL,
                                   stdout=log_file, stderr=subprocess.STDOUT)
    try:
        yield RunningApp(process, log)
    finally:
        stop(process)


def wait_for_window(app: RunningApp, display: str) -> str:
    """The id of the app's visible top-level window, once it is mapped."""
    deadline = time.monotonic() + WINDOW_TIMEOUT
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"cst-directory exited with {app.process.returncode} before showing a window "
                        f"named {WINDOW_NAME!r}. {app.output()}", pytrace=False)
        found = x_tool(display, "xdotool", "search", "--onlyvisible", "--name", WINDOW_NAME)
        if found.returncode == 0 and found.stdout.split():
            return found.stdout.split()[0]
        time.sleep(0.2)
    pytest.fail(f"No visible window named {WINDOW_NAME!r} within {WINDOW_TIMEOUT:.0f} s. {app.output()}",
                pytrace=False)


def focus(display: str, window: str) -> None:
    """Give the window the keyboard. Xvfb runs no window manager, so windowactivate (which asks one) fails
    harmlessly there, and windowfocus sets the X input focus directly."""
    x_tool(display, "xdotool", "windowactivate", "--sync", window)
    xdotool(display, "windowraise", window)
    xdotool(display, "windowfocus", "--sync", window)


def read_clipboard(display: str) -> str:
    """The CLIPBOARD selection's text, polled until it holds the expected number or the time is up."""
    text = ""
    deadline = time.monotonic() + CLIPBOARD_TIMEOUT
    while time.monotonic() < deadline:
        result = x_tool(display, "xclip", "-o", "-selection", "clipboard")
        if result.returncode == 0:
            text = result.stdout
            if text == EXPECTED_NUMBER:
                break
        time.sleep(0.2)
    return text


def screenshot(display: str, path: Path) -> str | None:
    """Saves the whole screen as a PNG; returns why it could not, or None. Never raises, so a failed
    screenshot cannot hide the failure that a test is reporting."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        result = x_tool(display, "import", "-window", "root", str(path))
    except (OSError, subprocess.SubprocessError) as exc:
        return f"import could not run: {exc}"
    if result.returncode != 0:
        return f"import failed with {result.returncode}: {result.stderr}"
    return None


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_typing_a_place_and_pressing_enter_copies_cst_national_line(display: str, tmp_path: Path,
                                                                    app_path: Path,
                                                                    screenshot_path: Path) -> None:
    require_tools("xdotool", "xclip", "import")
    with running_app(display, tmp_path, app_path) as app:
        screenshot_error: str | None
        try:
            window = wait_for_window(app, display)
            focus(display, window)
            xdotool(display, "type", "--delay", "50", "manchester")
            time.sleep(0.5)  # let the list filter and select its first match
            xdotool(display, "key", "Return")
            copied = read_clipboard(display)  # on X11 the app owns the clipboard: read it while it runs
            still_running = app.process.poll() is None
        finally:
            # Also after a failure: the picture shows what the window was doing.
            screenshot_error = screenshot(display, screenshot_path)
        assert copied == EXPECTED_NUMBER, (
            f"After typing 'manchester' and Enter the clipboard held {copied!r}, expected "
            f"{EXPECTED_NUMBER}. Screen: {screenshot_path}. {app.output()}")
        assert still_running, (f"cst-directory exited with {app.process.returncode} after copying; it must "
                               f"keep running. {app.output()}")

    assert screenshot_error is None, f"Could not save {screenshot_path}: {screenshot_error}"
    assert screenshot_path.stat().st_size > MIN_SCREENSHOT_BYTES, f"{screenshot_path} is suspiciously small"
    assert png_size(screenshot_path) == (SCREEN_WIDTH, SCREEN_HEIGHT)


def test_exit_after_show_exits_0_on_a_real_display(display: str, tmp_path: Path, app_path: Path) -> None:
    command = [str(app_path), "--home", str(tmp_path / "cst-home"), "--exit-after-show"]
    try:
        result = subprocess.run(command, env=app_environment(display, tmp_path), stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=EXIT_AFTER_SHOW_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"cst-directory --exit-after-show was still running after {exc.timeout:.0f} s "
                    f"and was killed. Output: {exc.stderr!r}", pytrace=False)
    assert result.returncode == 0, (
        f"cst-directory --exit-after-show exited with {result.returncode}.\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
