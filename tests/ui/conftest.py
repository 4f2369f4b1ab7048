"""Fixtures for window tests: the real built-in data, a private settings file, a recorded tel: opener."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cst_directory.app import ContactFileAccess
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.search import DirectorySearch
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.storage.contact_store import ContactStore
from cst_directory.ui.main_window import MainWindow


class RecordingOpener:
    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.urls: list[str] = []

    def __call__(self, url: QUrl) -> bool:
        self.urls.append(url.toString())
        return self.answer


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def opener() -> RecordingOpener:
    return RecordingOpener()


WindowFactory = Callable[..., MainWindow]
"""make_window(in_background=False, book=None, **options): with True, contacts are read on another thread,
as the app does; options (choose_open, choose_save, files) go to the window."""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def make_book(directory: BuiltinDirectory, data_dir: Path) -> Iterator[Callable[[], StoredContactBook]]:
    books: list[StoredContactBook] = []

    def make() -> StoredContactBook:
        book = StoredContactBook(directory, ContactStore(data_dir))
        books.append(book)
        return book

    yield make
    for book in books:
        book.close()


@pytest.fixture
def make_window(qtbot: QtBot, directory: BuiltinDirectory, settings_path: Path, data_dir: Path,
                opener: RecordingOpener, make_book: Callable[[], StoredContactBook]) -> WindowFactory:
    def make(*, in_background: bool = False, book: StoredContactBook | None = None,
             **options: object) -> MainWindow:
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        options.setdefault("files", ContactFileAccess())
        window = MainWindow(directory, DirectorySearch(directory.region_index()), book or make_book(),
                            settings, open_url=opener, data_folder=str(data_dir),
                            **options)  # type: ignore[arg-type]
        window.start(in_background=in_background)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        # Window shortcuts (Ctrl+F, Ctrl+N, Escape...) only fire in the active window.
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        return window

    return make


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()
