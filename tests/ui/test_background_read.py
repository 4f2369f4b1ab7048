"""Contacts read on another thread, as the app starts: the built-in numbers are in the first paint, keys
work meanwhile, and nothing done or written while the contacts are read is lost when they arrive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cst_directory.domain.book import BookSnapshot
from cst_directory.domain.contacts import ContactDraft, validate_contact
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, make_entry
from cst_directory.domain.search import DirectorySearch, SearchIndex
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.storage.contact_rows import as_stored
from cst_directory.storage.contact_store import ContactStore
from cst_directory.ui.contact_dialog import ContactDialog
from cst_directory.ui.contact_list import ContactList
from cst_directory.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory
from tests.ui.memory_book import MemoryBook

CONTACTS = 300
WAIT_MS = 10_000


def stored(data_dir: Path, count: int = CONTACTS) -> None:
    store = ContactStore(data_dir)
    store.add_many([validate_contact(ContactDraft(f"Person {i}", f"07911 {200000 + i:06d}"))
                    for i in range(count)])
    store.close()


class HeldRead:
    """Holds the snapshot, once read, until the test lets it go: what a slow read of a large file does."""

    def __init__(self, book: StoredContactBook) -> None:
        self.read = threading.Event()
        self.release = threading.Event()
        self._reader = book.snapshot_reader

    def __call__(self) -> Callable[[], BookSnapshot]:
        reader = self._reader()

        def held() -> BookSnapshot:
            snapshot = reader()
            self.read.set()
            self.release.wait(WAIT_MS / 1000)
            return snapshot
        return held


def held_window(make_window: WindowFactory, make_book: Callable[[], StoredContactBook]
                ) -> tuple[MainWindow, HeldRead]:
    book = make_book()
    held = HeldRead(book)
    book.snapshot_reader = held  # type: ignore[method-assign]
    window = make_window(in_background=True, book=book)
    assert held.read.wait(WAIT_MS / 1000)
    return window, held


def personal(window: MainWindow) -> list[str]:
    return [e.name for e in window.entries_shown() if not e.builtin]


def test_the_built_in_numbers_show_before_the_contacts_are_read(
        qtbot: QtBot, make_window: WindowFactory, make_book: Callable[[], StoredContactBook],
        data_dir: Path) -> None:
    stored(data_dir)
    window, held = held_window(make_window, make_book)
    assert not window.contact_list.is_loaded
    shown = window.entries_shown()
    assert shown[0].id == "uk-emergency-999" and all(e.builtin for e in shown)
    # Keys work meanwhile: a search, and Enter copying its first number.
    qtbot.keyClicks(window.search_field, "samaritans")
    assert window.current_entry() is not None and window.current_entry().id == "uk-samaritans"  # type: ignore[union-attr]

    held.release.set()
    qtbot.waitUntil(lambda: window.contact_list.is_loaded, timeout=WAIT_MS)
    assert window.search_field.text() == "samaritans"
    window.set_query("")
    assert len(personal(window)) == CONTACTS
    assert window.entries_shown()[0].id == "uk-emergency-999"


def test_a_contact_added_while_the_contacts_are_read_is_kept(
        qtbot: QtBot, make_window: WindowFactory, make_book: Callable[[], StoredContactBook],
        data_dir: Path) -> None:
    stored(data_dir, 20)
    window, held = held_window(make_window, make_book)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [dialog] = [d for d in window.findChildren(ContactDialog) if d.isVisible()]
    qtbot.keyClicks(dialog.name_field, "Neighbour")
    qtbot.keyClicks(dialog.number_field, "07911123456")
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    assert "Neighbour" in personal(window)

    held.release.set()  # the snapshot was read before the contact was saved
    qtbot.waitUntil(lambda: window.contact_list.is_loaded, timeout=WAIT_MS)
    window.set_query("")
    names = personal(window)
    assert "Neighbour" in names and len(names) == 21
    current = window.current_entry()
    assert current is not None


def test_a_change_made_elsewhere_while_the_contacts_are_read_is_shown(
        qtbot: QtBot, make_window: WindowFactory, make_book: Callable[[], StoredContactBook],
        data_dir: Path) -> None:
    stored(data_dir, 20)
    window, held = held_window(make_window, make_book)
    other = make_book()
    other.add(ContactDraft("From elsewhere", "07911 100099"))
    gone = next(e for e in other.entries() if e.name == "Person 3")
    other.remove(gone.id)

    held.release.set()
    qtbot.waitUntil(lambda: window.contact_list.is_loaded, timeout=WAIT_MS)
    names = personal(window)
    assert "From elsewhere" in names and "Person 3" not in names and len(names) == 20


def test_a_list_closed_while_its_contacts_are_read_is_left_alone(qapp: QApplication,
                                                                 directory: BuiltinDirectory) -> None:
    # The reading thread hands its snapshot to a queue, never to a Qt object the window may have deleted
    # meanwhile: hundreds of lists started and deleted at once must neither crash nor raise.
    search = DirectorySearch(directory.region_index())
    for _ in range(300):
        contact_list = ContactList(MemoryBook(directory.entries), search, {None: "National"})
        contact_list.start(in_background=True)
        shiboken6.delete(contact_list)
    qapp.processEvents()


def test_an_entry_with_two_digit_strings_alike_is_listed_once(directory: BuiltinDirectory) -> None:
    # A number that no longer parses is kept as stored; its dialled and national digits start alike.
    stored = as_stored("44441234567890", None)
    entry = make_entry(id="p-1", name="Kept as stored", category=Category.PERSONAL, region=None,
                       number=stored, builtin=False)
    search = DirectorySearch(directory.region_index())
    index = SearchIndex((*directory.entries, entry))
    rows = search.search_in(index, "44", None).rows
    assert len(rows) == len(set(rows))
    assert [index.entries[row].id for row in rows].count("p-1") == 1
