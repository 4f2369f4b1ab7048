"""The composition root: reads the command line, loads the data, builds the window and runs it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cst_directory import APP_ID, APP_NAME, __version__
from cst_directory.domain.book import ContactBook
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.errors import StorageError
from cst_directory.domain.search import DirectorySearch
from cst_directory.storage.contact_book import BuiltinOnlyBook, StoredContactBook
from cst_directory.storage.contact_store import ContactStore
from cst_directory.storage.directory_file import DirectoryDataError, load_directory
from cst_directory.storage.paths import DataDirError, data_home
from cst_directory.storage.resources import resources_dir

SETTINGS_FILE = "settings.ini"
EXIT_STORAGE = 3
# If the window has not painted by then something is badly wrong; --exit-after-show must not hang CI.
FIRST_PAINT_TIMEOUT_MS = 30_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cst-directory",
                                     description="CST Directory. In an emergency, call 999 first.")
    parser.add_argument("--home", metavar="DIR", help="keep all user data under DIR")
    parser.add_argument("--exit-after-show", action="store_true",
                        help="show the window, wait for its first paint, then exit")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("query", nargs="?", default="", metavar="QUERY", help="text to search for at launch")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        home = data_home(args.home)
        directory = load_directory(resources_dir())
    except (DataDirError, DirectoryDataError) as exc:
        _report_fatal(str(exc))
        return EXIT_STORAGE

    # Qt is imported only once the data is known to be good, so a bad install fails fast and plainly.
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from cst_directory.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)

    book, problem = open_book(directory, home)
    settings = QSettings(str(home / SETTINGS_FILE), QSettings.Format.IniFormat)
    window = MainWindow(directory, DirectorySearch(directory.region_index()), book, settings)
    window.start()
    if problem is not None:
        print(f"cst-directory: {problem}", file=sys.stderr)
        window.show_warning(problem + " " + window.tr("The built-in numbers are shown; your own contacts "
                                                      "cannot be added or changed until this is fixed."))
    elif book.moved_aside is not None:
        print(f"cst-directory: the damaged contacts file was kept as {book.moved_aside}", file=sys.stderr)
    if args.query:
        window.set_query(args.query)
    if args.exit_after_show:
        window.first_painted.connect(app.quit)
        QTimer.singleShot(FIRST_PAINT_TIMEOUT_MS, lambda: app.exit(1))
    window.show()
    code = app.exec()
    if args.exit_after_show:
        window.close()
    return code


def open_book(directory: BuiltinDirectory, home: Path) -> tuple[ContactBook, str | None]:
    """The user's contacts joined with the built-ins, or the built-ins alone and why, if the store will not
    open: the emergency numbers must show whatever state the user's file is in."""
    try:
        return StoredContactBook(directory, ContactStore(home)), None
    except StorageError as exc:
        return BuiltinOnlyBook(directory, exc), exc.message


def _report_fatal(message: str) -> None:
    print(f"cst-directory: {message}", file=sys.stderr)
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv[:1])
        QMessageBox.critical(None, APP_NAME, message)
        del app
    except Exception:
        # No display or no Qt libraries: stderr already has the sentence.
        pass


def run() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    run()
