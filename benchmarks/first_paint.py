"""Start-up to first paint, run as a child process: the app, or a bare PySide6 window with a four-row list.

    python benchmarks/first_paint.py bare
    python benchmarks/first_paint.py app --home DIR
    python benchmarks/first_paint.py app-listed --home DIR

"app-listed" waits, after the first paint, until the contacts read in the background are listed too.

Each prints time.monotonic() on a line of its own once its window has painted and its event loop has
returned, then leaves at once: what the interpreter does at exit is not start-up. The app is started
through cst_directory.app.main, exactly as the cst-directory command starts it, with --exit-after-show.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# What the bare window lists: four rows like the app's, so that it draws a list, not an empty frame.
BARE_ROWS = (
    "Police, fire, ambulance, coastguard    999",
    "CST National Emergency Number (24/7)    0800 032 3263",
    "Police non-emergency    101",
    "Samaritans    116 123",
)


def bare_window(on_first_paint: Callable[[], object] | None = None) -> QWidget:
    """A plain window with a list of four rows, the least a window like the app's can be."""
    from PySide6.QtCore import QStringListModel, QTimer
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QListView, QVBoxLayout, QWidget

    class BareWindow(QWidget):
        """A window that says when it has first painted, as the app's MainWindow does."""

        def __init__(self) -> None:
            super().__init__()
            self._painted = False
            self.setWindowTitle("Bare window")
            self.model = QStringListModel(list(BARE_ROWS), self)
            self.list_view = QListView()
            self.list_view.setModel(self.model)
            self.list_view.setUniformItemSizes(True)
            layout = QVBoxLayout(self)
            layout.addWidget(self.list_view)
            self.resize(1000, 660)

        def paintEvent(self, event: QPaintEvent) -> None:
            super().paintEvent(event)
            if not self._painted and on_first_paint is not None:
                self._painted = True
                # Queued, as the app queues its first_painted signal: the paint itself finishes first.
                QTimer.singleShot(0, on_first_paint)

    return BareWindow()


def run_bare() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    window = bare_window(app.quit)
    window.show()
    return app.exec()


def run_app(argv: list[str]) -> int:
    from cst_directory.app import main

    return main([*argv, "--exit-after-show"])


def run_app_until_listed(argv: list[str]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cst_directory.ui.main_window import MainWindow

    start = MainWindow.start

    def start_then_quit_when_listed(window: MainWindow, *, in_background: bool = False) -> None:
        # Queued, as first paint is: the list has taken the contacts in before the loop returns.
        window.contact_list.loaded.connect(lambda: QTimer.singleShot(0, QApplication.quit))
        start(window, in_background=in_background)

    MainWindow.start = start_then_quit_when_listed  # type: ignore[method-assign,assignment]
    from cst_directory.app import main

    return main(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["bare"]:
        code = run_bare()
    elif sys.argv[1:2] == ["app"]:
        code = run_app(sys.argv[2:])
    elif sys.argv[1:2] == ["app-listed"]:
        code = run_app_until_listed(sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    print(time.monotonic(), flush=True)
    os._exit(code)
