"""The tray as the app wires it, in a real launch: closing the window quits where there is no tray (the
offscreen platform has none); where there is one (availability faked, since offscreen cannot show it) and
the window is kept in the tray, closing leaves the app running until the tray's Quit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QSettings

from cst_directory.app import SETTINGS_FILE
from cst_directory.ui.tray import KEEP_RUNNING_KEY

_CLOSE_THE_WINDOW = textwrap.dedent(
    """
    import json
    import sys

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    from cst_directory import app
    from cst_directory.ui.main_window import MainWindow

    qapp = QApplication(sys.argv[:1])
    if sys.argv[2] == "tray":
        QSystemTrayIcon.isSystemTrayAvailable = staticmethod(lambda: True)
    events = []

    def tray_of(window):
        from cst_directory.ui.tray import TrayIcon

        return window.findChild(TrayIcon)

    def step():
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].isVisible() and not events:
            QTimer.singleShot(100, step)
            return
        window = windows[0]
        if not events:
            # Wait for the tray, where there is one, then close the window as the user does.
            if sys.argv[2] == "tray" and tray_of(window) is None:
                QTimer.singleShot(100, step)
                return
            events.append("closing")
            window.close()
            QTimer.singleShot(1000, step)
        elif events == ["closing"]:
            events.append("still running, window hidden" if window.isHidden() else "still running, shown")
            tray = tray_of(window)
            if tray is not None:
                events.append("quit from the tray")
                tray.quit_action.trigger()

    QTimer.singleShot(0, step)
    code = app.main(["--home", sys.argv[1]])
    print(json.dumps({"code": code, "events": events}))
    """
)


def launch_and_close(home: Path, tray: str) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CST_DIRECTORY_RESOURCES", None)
    done = subprocess.run([sys.executable, "-c", _CLOSE_THE_WINDOW, str(home), tray], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(report, dict)
    return report


def keep_in_tray(home: Path) -> None:
    home.mkdir(mode=0o700)
    settings = QSettings(str(home / SETTINGS_FILE), QSettings.Format.IniFormat)
    settings.setValue(KEEP_RUNNING_KEY, True)
    settings.sync()


def test_without_a_tray_closing_the_window_quits(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # Even with the window set to be kept in a tray, on a desktop that once had one.
    keep_in_tray(home)
    assert launch_and_close(home, "none") == {"code": 0, "events": ["closing"]}


def test_kept_in_the_tray_closing_hides_the_window_and_quit_ends_the_app(tmp_path: Path) -> None:
    home = tmp_path / "home"
    keep_in_tray(home)
    assert launch_and_close(home, "tray") == {
        "code": 0, "events": ["closing", "still running, window hidden", "quit from the tray"]}


def test_with_a_tray_but_the_setting_off_closing_quits(tmp_path: Path) -> None:
    assert launch_and_close(tmp_path / "home", "tray") == {"code": 0, "events": ["closing"]}
