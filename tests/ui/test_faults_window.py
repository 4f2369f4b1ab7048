"""The window over files that fail: a real full disk that is freed while the window is open, and a
contacts file with rows it cannot read. The built-in numbers are always shown."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cst_directory.domain.contacts import ContactDraft
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.search import DirectorySearch
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.storage.contact_store import STORE_FILE, ContactStore
from cst_directory.ui.main_window import WATCH_INTERVAL_MS, MainWindow
from tests.fault_report import FaultLog
from tests.storage.test_faults_store import fill, small_disk
from tests.ui.test_contacts_in_window import open_dialog, personal

pytestmark = pytest.mark.fault
__all__ = ["small_disk"]  # the fixture, shared with the store's fault tests


@pytest.fixture
def open_window(qtbot: QtBot, directory: BuiltinDirectory, tmp_path: Path) -> Iterator[
        list[StoredContactBook]]:
    books: list[StoredContactBook] = []
    yield books
    for book in books:
        book.close()


def show_window(qtbot: QtBot, directory: BuiltinDirectory, folder: Path, settings: Path,
                books: list[StoredContactBook]) -> MainWindow:
    book = StoredContactBook(directory, ContactStore(folder))
    books.append(book)
    window = MainWindow(directory, DirectorySearch(directory.region_index()), book,
                        QSettings(str(settings), QSettings.Format.IniFormat), data_folder=str(folder))
    window.start()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


def test_a_window_saves_again_once_a_full_disk_is_freed(
        qtbot: QtBot, directory: BuiltinDirectory, small_disk: Path, tmp_path: Path,
        open_window: list[StoredContactBook], fault_log: FaultLog) -> None:
    folder = small_disk / "data"
    folder.mkdir(mode=0o700)
    window = show_window(qtbot, directory, folder, tmp_path / "settings.ini", open_window)
    filler = fill(small_disk)

    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name_field, "Shul security lead " + "x" * 60)
    dialog.notes_field.setPlainText("n" * 1900)
    qtbot.keyClicks(dialog.number_field, "07911 123456")
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    assert dialog.isVisible(), "a save on a full disk must leave the dialog open"
    assert "full" in dialog.failure_label.text()
    assert dialog.number_field.text() == "07911 123456"
    assert {e.id for e in directory.entries} <= {e.id for e in window.entries_shown()}

    filler.unlink()
    elsewhere = StoredContactBook(directory, ContactStore(folder))
    open_window.append(elsewhere)
    elsewhere.add(ContactDraft("Added elsewhere", "020 7946 0001"))
    qtbot.waitUntil(lambda: any(e.name == "Added elsewhere" for e in personal(window)),
                    timeout=WATCH_INTERVAL_MS * 4)

    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    names = {e.name for e in personal(window)}
    assert names == {"Added elsewhere", "Shul security lead " + "x" * 60}
    assert not window.warning.isVisible() or "full" not in window.warning.text()
    fault_log.record("a real full disk under an open window", True,
                     "refused with the form kept, then saved after freeing space")


def test_the_window_over_unreadable_rows_shows_the_built_ins_and_the_rest(
        qtbot: QtBot, directory: BuiltinDirectory, tmp_path: Path, open_window: list[StoredContactBook],
        fault_log: FaultLog) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    writer = StoredContactBook(directory, ContactStore(folder))
    for i in range(3):
        writer.add(ContactDraft(f"Neighbour {i}", f"020 7946 000{i}"))
    writer.close()
    with closing(sqlite3.connect(folder / STORE_FILE)) as conn:
        conn.execute("UPDATE contacts SET name = CAST(X'FFFE' AS TEXT) WHERE name = 'Neighbour 0'")
        conn.execute("UPDATE contacts SET number = X'00' WHERE name = 'Neighbour 1'")
        conn.commit()

    window = show_window(qtbot, directory, folder, tmp_path / "settings.ini", open_window)
    shown = window.entries_shown()
    assert {e.id for e in directory.entries} <= {e.id for e in shown}
    assert [e.name for e in personal(window)] == ["Neighbour 2"]
    assert window.warning.isVisible()
    assert "2 of your contacts could not be read; the file is kept as it is." in window.warning.text()
    window.set_query("")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert QApplication.clipboard().text() == "999"
    fault_log.record("the window over unreadable rows", True, "built-ins and the readable contact shown")
