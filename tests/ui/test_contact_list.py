"""The contact list applies one change as that change: the row inserted, removed, moved or changed, the
selected entry kept, and nothing else read again; a change made elsewhere arrives the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from cst_directory.domain.contacts import ContactDraft
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.search import DirectorySearch
from cst_directory.ui.contact_dialog import ContactDialog
from cst_directory.ui.contact_list import ContactList
from cst_directory.ui.main_window import MainWindow
from tests.ui.memory_book import MemoryBook, renamed

NAMES = ("Rabbi Cohen", "School office", "Neighbour", "Mrs Levy", "Shul security lead")


@pytest.fixture
def book(directory: BuiltinDirectory) -> MemoryBook:
    memory = MemoryBook(directory.entries)
    for number, name in enumerate(NAMES):
        memory.add(ContactDraft(name, f"07911 12345{number}"))
    return memory


@pytest.fixture
def contacts(qapp: QApplication, directory: BuiltinDirectory, book: MemoryBook) -> Iterator[ContactList]:
    names: dict[str | None, str] = {None: "National", **{r.id: r.name for r in directory.regions}}
    contact_list = ContactList(book, DirectorySearch(directory.region_index()), names)
    contact_list.start()
    yield contact_list
    contact_list.deleteLater()


def shown_ids(contacts: ContactList) -> list[str]:
    model = contacts.model
    return [model.entry_at(row).id for row in range(model.rowCount())]  # type: ignore[union-attr]


def fresh_ids(directory: BuiltinDirectory, book: MemoryBook, contacts: ContactList) -> list[str]:
    """What a list read afresh from the book shows for the same query."""
    entries = tuple(book._entries.values())
    result = DirectorySearch(directory.region_index()).search(entries, contacts.query)
    return [entries[row].id for row in result.rows]


def entry(book: MemoryBook, name: str) -> Entry:
    return next(e for e in book._entries.values() if e.name == name)


def each_kind_of_change(contacts: ContactList, book: MemoryBook) -> Iterator[str]:
    """Makes every kind of change once, saying which before each; the list is checked after each."""
    yield "add"
    contacts.show_saved(contacts.saver_for_new()(ContactDraft("Aaron Cohen", "07912 345678"), False, False))
    yield "edit, moving the row"
    assert contacts.select_entry(entry(book, "Rabbi Cohen").id)
    current = contacts.current
    assert current is not None
    edited = contacts.saver_for(current)(ContactDraft("Zelig Cohen", "07911 123450"), False, False)
    contacts.show_saved(edited)
    yield "favourite"
    contacts.toggle_favourite()
    yield "favourite again"
    contacts.toggle_favourite()
    yield "remove"
    contacts.remove_current()
    yield "undo"
    contacts.undo_remove()
    yield "added elsewhere"
    book.change_elsewhere(changed=(renamed(entry(book, "Neighbour"), "Cohen next door"),))
    contacts.check_for_changes()
    yield "removed elsewhere"
    book.change_elsewhere(removed=(entry(book, "Mrs Levy").id,))
    contacts.check_for_changes()
    yield "a built-in starred elsewhere"
    samaritans = book.find("uk-samaritans").with_favourite(True)
    book.change_elsewhere(changed=(samaritans,))
    contacts.check_for_changes()
    yield "nothing new (the same change twice)"
    book.change_elsewhere(changed=(samaritans,))
    contacts.check_for_changes()


@pytest.mark.parametrize("query", ["", "cohen", "07911", "manchester"])
def test_the_model_passes_the_model_tester_through_every_kind_of_change(
        contacts: ContactList, qtmodeltester: ModelTester, directory: BuiltinDirectory, book: MemoryBook,
        query: str) -> None:
    contacts.set_query(query)
    qtmodeltester.check(contacts.model, force_py=True)
    for change in each_kind_of_change(contacts, book):
        assert shown_ids(contacts) == fresh_ids(directory, book, contacts), change
    book.change_elsewhere(reload=True)
    contacts.check_for_changes()
    assert shown_ids(contacts) == fresh_ids(directory, book, contacts)


def test_one_change_reads_nothing_else_and_is_told_as_rows(
        qtbot: QtBot, contacts: ContactList, book: MemoryBook) -> None:
    reads = book.reads
    with qtbot.assertNotEmitted(contacts.model.modelReset):
        for _change in each_kind_of_change(contacts, book):
            pass
    assert book.reads == reads
    book.change_elsewhere(reload=True)
    contacts.check_for_changes()
    assert book.reads == reads + 1


@pytest.mark.parametrize(("make_change", "signal"), [
    (lambda c, b: c.show_saved(c.saver_for_new()(ContactDraft("Aaron", "07912 345678"), False, False)),
     "rowsInserted"),
    (lambda c, b: c.remove_current(), "rowsRemoved"),
    (lambda c, b: c.toggle_favourite(), "rowsMoved"),
    (lambda c, b: (b.change_elsewhere(changed=(renamed(c.current, "Neighbour next door"),)),
                   c.check_for_changes()), "dataChanged"),
])
def test_each_change_is_the_rows_it_changes(
        qtbot: QtBot, contacts: ContactList, book: MemoryBook,
        make_change: Callable[[ContactList, MemoryBook], object], signal: str) -> None:
    assert contacts.select_entry(entry(book, "Neighbour").id)
    with qtbot.waitSignal(getattr(contacts.model, signal), timeout=1000):
        make_change(contacts, book)


def test_the_selected_entry_stays_selected_wherever_changes_move_it(
        contacts: ContactList, book: MemoryBook) -> None:
    chosen = entry(book, "School office")
    assert contacts.select_entry(chosen.id)
    book.change_elsewhere(changed=(renamed(entry(book, "Shul security lead"), "Aardvark"),))
    contacts.check_for_changes()
    book.change_elsewhere(removed=(entry(book, "Mrs Levy").id,))
    contacts.check_for_changes()
    contacts.toggle_favourite()
    assert contacts.current is not None and contacts.current.id == chosen.id
    assert contacts.current.favourite
    row = contacts.selection.currentIndex().row()
    assert shown_ids(contacts)[row] == chosen.id
    # Changed elsewhere, it is shown as it now is, still selected.
    book.change_elsewhere(changed=(renamed(contacts.current, "School office (new)"),))
    contacts.check_for_changes()
    assert contacts.current is not None and contacts.current.name == "School office (new)"
    # Removed elsewhere, another entry is selected, never none while the list shows any.
    book.change_elsewhere(removed=(chosen.id,))
    contacts.check_for_changes()
    assert contacts.current is not None and contacts.current.id != chosen.id


def test_the_window_applies_its_own_changes_without_reading_the_book(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    book = window.contact_list.book
    reads: list[int] = []
    read = book.entries
    def counted() -> tuple[Entry, ...]:
        reads.append(1)
        return read()
    monkeypatch.setattr(book, "entries", counted)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [dialog] = [d for d in window.findChildren(ContactDialog) if d.isVisible()]
    qtbot.keyClicks(dialog.name_field, "Neighbour")
    qtbot.keyClicks(dialog.number_field, "07911123456")
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    current = window.current_entry()
    assert current is not None and current.name == "Neighbour"
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert [e.id for e in window.entries_shown()[:2]] == ["uk-emergency-999", current.id]
    assert window.current_entry() is not None and window.current_entry().favourite  # type: ignore[union-attr]
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert current.id not in {e.id for e in window.entries_shown()}
    qtbot.keyClick(window.list_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.current_entry() is not None and window.current_entry().id == current.id  # type: ignore[union-attr]
    assert reads == []
