#!/usr/bin/env python3
"""Regenerates docs/screenshot.png for the README: the installed app searching for a place, under a private
Xvfb with a fresh data home, captured window-only with ImageMagick's import.

`make screenshot` runs it with the project's .venv Python, so the cst-directory installed next to that
Python is the one shown. Needs Xvfb, xdotool and import (.ci/install-system-deps installs them).
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WINDOW_NAME = "CST Directory"
START_TIMEOUT = 30.0
WINDOW_TIMEOUT = 60.0
TOOL_TIMEOUT = 15.0


# Xvfb runs no desktop to hand Qt a dark or high-contrast palette: for those pictures the app is started
# through this launcher, which sets the palette a desktop would before the app's own start-up runs.
PALETTE_LAUNCHER = """
import sys
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

SCHEMES = {
    "dark": {"Window": "#2b2b2b", "WindowText": "#e8e8e8", "Base": "#1e1e1e", "AlternateBase": "#262626",
             "Text": "#e8e8e8", "Button": "#3a3a3a", "ButtonText": "#e8e8e8", "Highlight": "#3d6fb4",
             "HighlightedText": "#ffffff", "PlaceholderText": "#a0a0a0", "ToolTipBase": "#3a3a3a",
             "ToolTipText": "#e8e8e8", "Light": "#4a4a4a", "Midlight": "#404040", "Mid": "#303030",
             "Dark": "#202020", "Shadow": "#000000"},
    "high-contrast": {"Window": "#000000", "WindowText": "#ffffff", "Base": "#000000",
                      "AlternateBase": "#000000", "Text": "#ffffff", "Button": "#000000",
                      "ButtonText": "#ffffff", "Highlight": "#1aebff", "HighlightedText": "#000000",
                      "PlaceholderText": "#ffffff", "ToolTipBase": "#000000", "ToolTipText": "#ffffff",
                      "Light": "#ffffff", "Midlight": "#ffffff", "Mid": "#ffffff", "Dark": "#ffffff",
                      "Shadow": "#ffffff"},
}
app = QApplication(sys.argv[:1])
palette = QPalette()
for role, colour in SCHEMES[sys.argv[1]].items():
    palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
app.setPalette(palette)
from cst_directory.app import main
sys.exit(main(sys.argv[2:]))
"""
PALETTES = ("dark", "high-contrast")


class ScreenshotError(Exception):
    """Why no screenshot was taken; printed as one line."""


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def xvfb(screen: str, log: Path) -> Iterator[str]:
    """A private X server on the first free display; yields its DISPLAY value."""
    read_end, write_end = os.pipe()
    try:
        with log.open("wb") as log_file:
            server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", screen,
                                       "-nolisten", "tcp", "-noreset"],
                                      pass_fds=(write_end,), stdin=subprocess.DEVNULL, stdout=log_file,
                                      stderr=subprocess.STDOUT)
        os.close(write_end)
        write_end = -1
        try:
            received = b""
            deadline = time.monotonic() + START_TIMEOUT
            while b"\n" not in received:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ScreenshotError(f"Xvfb did not start within {START_TIMEOUT:.0f} s")
                if select.select([read_end], [], [], remaining)[0]:
                    chunk = os.read(read_end, 64)
                    if not chunk:
                        raise ScreenshotError(f"Xvfb exited early: {log.read_text().strip()}")
                    received += chunk
            yield f":{int(received.strip())}"
        finally:
            stop(server)
    finally:
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)


def x_tool(display: str, *command: str) -> str:
    result = subprocess.run(list(command), env={**os.environ, "DISPLAY": display}, capture_output=True,
                            text=True, timeout=TOOL_TIMEOUT, check=False)
    if result.returncode != 0:
        raise ScreenshotError(f"{' '.join(command)} failed with {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def wait_for_window(app: subprocess.Popen[bytes], display: str, log: Path, name: str = WINDOW_NAME) -> str:
    deadline = time.monotonic() + WINDOW_TIMEOUT
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise ScreenshotError(f"cst-directory exited with {app.returncode} before showing its window: "
                                  f"{log.read_text(errors='replace').strip()}")
        try:
            found = x_tool(display, "xdotool", "search", "--onlyvisible", "--name", name).split()
        except ScreenshotError:
            found = []  # xdotool search exits 1 while nothing matches
        if found:
            return found[0]
        time.sleep(0.2)
    raise ScreenshotError(f"no window named {name!r} appeared within {WINDOW_TIMEOUT:.0f} s")


def play(display: str, steps: Sequence[str]) -> None:
    """Replay "key:ctrl+n" and "type:some text" steps into the focused window."""
    for step in steps:
        kind, _, value = step.partition(":")
        if kind == "key":
            x_tool(display, "xdotool", "key", "--clearmodifiers", value)
        elif kind == "type":
            x_tool(display, "xdotool", "type", "--delay", "40", value)
        else:
            raise ScreenshotError(f"unknown step {step!r}: use key:KEYS or type:TEXT")
        time.sleep(0.3)


def window_size(text: str) -> tuple[int, int]:
    """Parse "WxH" as given to --size."""
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: use WIDTHxHEIGHT, e.g. 500x400")
    return int(width), int(height)


def minimum_size(display: str, window: str) -> tuple[int, int] | None:
    """The minimum size the window asks window managers to keep, if xprop is there to read it."""
    if shutil.which("xprop") is None:
        return None
    hints = x_tool(display, "xprop", "-id", window, "WM_NORMAL_HINTS")
    for line in hints.splitlines():
        if "minimum size:" in line:
            width, _, height = line.split("minimum size:", 1)[1].partition(" by ")
            return int(width), int(height)
    return None


def resize(display: str, window: str, size: tuple[int, int]) -> str:
    """Resize the window as a window manager would and say what it took, minimum size included."""
    # No window manager runs here to keep the window at its minimum size: without one, X would shrink it
    # below, and the picture would show widgets cut off at its edge that no user ever sees.
    least = minimum_size(display, window)
    if least is None:
        print("screenshot: xprop not installed; the window may be shown below its minimum size",
              file=sys.stderr)
    else:
        size = (max(size[0], least[0]), max(size[1], least[1]))
    x_tool(display, "xdotool", "windowsize", window, str(size[0]), str(size[1]))
    # The app answers the resize, and may refuse part of it, after xdotool returns.
    time.sleep(0.5)
    geometry = x_tool(display, "xdotool", "getwindowgeometry", window)
    return next((line.split(":", 1)[1].strip() for line in geometry.splitlines() if "Geometry" in line), "?")


def take(app_command: Path, query: str, output: Path, *, screen: str, settle: float,
         steps: Sequence[str] = (), capture: str = WINDOW_NAME, size: tuple[int, int] | None = None,
         contacts: Path | None = None, palette: str | None = None, large_text: bool = False,
         qt_env: dict[str, str] | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="cst-screenshot-") as scratch:
        tmp = Path(scratch)
        if contacts is not None:
            # A copy, so that whatever the app does to a damaged file never touches the one given.
            (tmp / "home").mkdir(mode=0o700)
            shutil.copyfile(contacts, tmp / "home" / "contacts.db")
            (tmp / "home" / "contacts.db").chmod(0o600)
        if large_text:
            # As a user who turned on View → Large text, high contrast finds it at the next start.
            (tmp / "home").mkdir(mode=0o700, exist_ok=True)
            (tmp / "home" / "settings.ini").write_text("[view]\nlarge_text_high_contrast=true\n")
        runtime = tmp / "runtime"
        runtime.mkdir(mode=0o700)
        with xvfb(screen, tmp / "xvfb.log") as display:
            env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
                   "XDG_RUNTIME_DIR": str(runtime), "XDG_CONFIG_HOME": str(tmp / "config"),
                   "XDG_DATA_HOME": str(tmp / "data"), "XDG_CACHE_HOME": str(tmp / "cache")}
            env.update(qt_env or {})
            env.pop("WAYLAND_DISPLAY", None)
            env.pop("CST_DIRECTORY_HOME", None)
            log = tmp / "app.log"
            command = [str(app_command), "--home", str(tmp / "home"), *([query] if query else [])]
            if palette is not None:
                python = app_command.parent / "python"
                command = [str(python), "-c", PALETTE_LAUNCHER, palette, *command[1:]]
            with log.open("wb") as log_file:
                app = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                                       stderr=subprocess.STDOUT)
            try:
                window = wait_for_window(app, display, log)
                # No window manager runs here: focus the window directly so it is drawn as the active
                # one, and park the pointer in the far corner so no row shows a hover highlight.
                x_tool(display, "xdotool", "windowfocus", "--sync", window)
                x_tool(display, "xdotool", "mousemove", "10000", "10000")
                if size is not None:
                    print(f"screenshot: asked for {size[0]}x{size[1]}, the window is "
                          f"{resize(display, window, size)}")
                play(display, steps)
                if capture != WINDOW_NAME:
                    window = wait_for_window(app, display, log, capture)
                time.sleep(settle)
                output.parent.mkdir(parents=True, exist_ok=True)
                partial = output.with_name(f".{output.name}.partial.png")
                x_tool(display, "import", "-window", window, str(partial))
                partial.replace(output)
            finally:
                stop(app)


def qt_environment(scale: float | None, font_dpi: int | None) -> dict[str, str]:
    env: dict[str, str] = {}
    if scale is not None:
        env["QT_SCALE_FACTOR"] = f"{scale:g}"
    if font_dpi is not None:
        env["QT_FONT_DPI"] = str(font_dpi)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "docs" / "screenshot.png",
                        help="where to write the PNG (default: docs/screenshot.png)")
    parser.add_argument("--query", default="manchester", help="what to search for (default: manchester)")
    parser.add_argument("--screen", default="1280x800x24", help="Xvfb screen, WxHxDEPTH")
    parser.add_argument("--settle", type=float, default=1.5,
                        help="seconds to wait after the window appears, for it to finish drawing")
    parser.add_argument("--app", type=Path, default=Path(sys.executable).parent / "cst-directory",
                        help="the cst-directory command (default: the one installed beside this Python)")
    parser.add_argument("--step", action="append", default=[], metavar="key:KEYS|type:TEXT",
                        help="keys to press or text to type once the window shows, in order")
    parser.add_argument("--size", type=window_size, metavar="WxH",
                        help="resize the main window to this before capturing (it keeps its minimum size)")
    parser.add_argument("--capture", default=WINDOW_NAME,
                        help="title of the window to capture (default: the main window)")
    parser.add_argument("--contacts", type=Path, metavar="FILE",
                        help="start with a copy of FILE as the contacts file (e.g. a damaged one)")
    parser.add_argument("--palette", choices=PALETTES,
                        help="start the app in a dark or high-contrast palette")
    parser.add_argument("--large-text", action="store_true",
                        help="start with View → Large text, high contrast turned on")
    parser.add_argument("--scale", type=float, help="Qt's scale factor (QT_SCALE_FACTOR), e.g. 2")
    parser.add_argument("--font-dpi", type=int,
                        help="the font DPI Qt assumes (QT_FONT_DPI): 192 doubles text")
    args = parser.parse_args(argv)

    missing = [tool for tool in ("Xvfb", "xdotool", "import") if shutil.which(tool) is None]
    if missing:
        print(f"screenshot: {', '.join(missing)} not installed; as root, run .ci/install-system-deps",
              file=sys.stderr)
        return 1
    if not args.app.is_file():
        print(f"screenshot: {args.app} does not exist; run `make install` first", file=sys.stderr)
        return 1
    try:
        take(args.app, args.query, args.output, screen=args.screen, settle=args.settle, steps=args.step,
             capture=args.capture, size=args.size, contacts=args.contacts, palette=args.palette,
             large_text=args.large_text, qt_env=qt_environment(args.scale, args.font_dpi))
    except (ScreenshotError, OSError, subprocess.SubprocessError) as exc:
        print(f"screenshot: {exc}", file=sys.stderr)
        return 1
    print(f"screenshot: wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
