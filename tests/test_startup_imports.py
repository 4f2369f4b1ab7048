"""What start-up leaves for later: modules the window's first paint and `cstdir lookup` do not need are not
imported before them, and what waits for the first paint still happens without one. A regression here
costs every launch time; the benchmarks say how much."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from cst_directory import APP_ID
from cst_directory.app import LISTEN_AT_THE_LATEST_MS
from cst_directory.storage.instance import instance_socket
from cst_directory.ui.single_instance import Handover, hand_over

# phonenumbers with its metadata, the single-instance server's Qt networking, the dialogs, and the tray
# icon with its start-at-login entry.
NOT_BEFORE_FIRST_PAINT = ("phonenumbers", "PySide6.QtNetwork", "cst_directory.ui.single_instance",
                          "cst_directory.ui.contact_dialog", "cst_directory.ui.about_dialog",
                          "cst_directory.ui.guide_dialog", "cst_directory.ui.card_dialog",
                          "cst_directory.ui.card_pages", "PySide6.QtPrintSupport", "cst_directory.ui.tray",
                          "cst_directory.storage.autostart", "cst_directory.ui.focus_ring",
                          "cst_directory.ui.import_dialog", "cst_directory.storage.contact_files")
NOT_FOR_A_LOOKUP = ("phonenumbers", "json", "platformdirs")

_FIRST_PAINT = textwrap.dedent(
    """
    import json
    import sys

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from cst_directory import app

    class FirstPaint(QObject):
        seen = None

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and self.seen is None:
                self.seen = sorted(sys.modules)
            return False

    # The app takes this QApplication as its own, so the filter sees every paint of its window.
    qapp = QApplication(sys.argv[:1])
    watcher = FirstPaint()
    qapp.installEventFilter(watcher)
    code = app.main(["--home", sys.argv[1], "--exit-after-show"])
    print(json.dumps({"code": code, "at_first_paint": watcher.seen}))
    """
)

_LOOKUP = textwrap.dedent(
    """
    import contextlib
    import io
    import sys

    from cst_directory import cli

    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["--home", sys.argv[1], "lookup", "manchester"])
    loaded = sorted(sys.modules)
    import json  # Only now: the lookup itself must not need it.

    print(json.dumps({"code": code, "loaded": loaded}))
    """
)


# The window is built but never shown, so it never paints: as a window started minimised may not.
_NEVER_PAINTED = textwrap.dedent(
    """
    import sys

    from cst_directory import app
    from cst_directory.ui.main_window import MainWindow

    MainWindow.show = lambda self: None
    sys.exit(app.main(["--home", sys.argv[1]]))
    """
)


def _run(script: str, home: Path) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CST_DIRECTORY_RESOURCES", None)
    done = subprocess.run([sys.executable, "-c", script, str(home)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(report, dict)
    return report


def _among(modules: object, names: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if m in names or m.startswith(tuple(f"{n}." for n in names))]


def test_the_first_paint_waits_for_neither_phonenumbers_nor_the_instance_server(tmp_path: Path) -> None:
    report = _run(_FIRST_PAINT, tmp_path / "home")
    assert report["code"] == 0
    assert report["at_first_paint"] is not None, "the window never painted"
    # That the window still listens for later launches, once painted, is what test_second_launch shows.
    assert _among(report["at_first_paint"], NOT_BEFORE_FIRST_PAINT) == []


def test_a_lookup_loads_only_what_it_needs(tmp_path: Path) -> None:
    report = _run(_LOOKUP, tmp_path / "home")
    assert report["code"] == 0
    assert _among(report["loaded"], NOT_FOR_A_LOOKUP) == []


def test_a_window_that_never_paints_still_answers_later_launches(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "-c", _NEVER_PAINTED, str(home)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # Within a later launch's wait for a starting window, with room for a slow start.
        deadline = time.monotonic() + LISTEN_AT_THE_LATEST_MS / 1000 + 30
        while hand_over(instance_socket(APP_ID, home), "salford") is not Handover.DONE:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the unpainted window never listened"
            time.sleep(0.1)
    finally:
        process.kill()
        process.communicate(timeout=30)
