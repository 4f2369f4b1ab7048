"""Qt's model checker on the list model, shown alone and showing search results of every kind."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, make_entry
from cst_directory.domain.phone import parse_number
from cst_directory.domain.search import DirectorySearch, SearchResult
from cst_directory.ui.contact_list import ContactList
from cst_directory.ui.entry_model import BADGES_ROLE, ENTRY_ROLE, NUMBER_ROLE, EntryListModel
from tests.ui.memory_book import MemoryBook

# Every kind of query, with the kind of result it gives.
QUERIES = {"": "everything", "cst": "text", "samaritans": "text", "manchester": "region", "NW4": "region",
           "M7 4": "region", "M7 4JD": "region", "0161": "region", "Birmingham": "region",
           "Sto": "everything", "0800": "number", "999": "number", "zzzz": "fallback",
           "Manchster": "suggestion"}


def region_names(directory: BuiltinDirectory) -> dict[str | None, str]:
    return {None: "National", **{r.id: r.name for r in directory.regions}}


def test_list_model_passes_the_model_tester(qtmodeltester: ModelTester,
                                            directory: BuiltinDirectory) -> None:
    model = EntryListModel(region_names(directory))
    model.set_entries(directory.entries)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(directory.entries)
    assert model.index(0, 0).data(ENTRY_ROLE) == directory.entries[0]
    assert model.index(0, 0).data(NUMBER_ROLE) == directory.entries[0].number.display
    assert model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == directory.entries[0].name


@pytest.fixture
def contacts(qapp: QApplication, directory: BuiltinDirectory) -> ContactList:
    contact_list = ContactList(MemoryBook(directory.entries), DirectorySearch(directory.region_index()),
                               region_names(directory))
    contact_list.start()
    return contact_list


# The list is asked for before the model tester, so that it outlives the tester's last look at its model.
def test_the_list_passes_the_model_tester_through_every_kind_of_query(
        contacts: ContactList, qtmodeltester: ModelTester, directory: BuiltinDirectory) -> None:
    model = contacts.model
    qtmodeltester.check(model, force_py=True)
    for query, kind in QUERIES.items():
        contacts.set_query(query)
        result = contacts.result
        assert query_kind(query, result, len(directory.entries)) == kind, query
        expected = [directory.entries[i] for i in result.rows]
        assert [model.index(r, 0).data(ENTRY_ROLE) for r in range(model.rowCount())] == expected
    for region in ("north", "south", None):
        contacts.set_preferred_region(region)
    contacts.set_entries(directory.entries[:3])
    assert model.rowCount() == len(contacts.result.rows) <= 3


def query_kind(query: str, result: SearchResult, held: int) -> str:
    if result.fallback:
        return "fallback"
    if result.suggestion is not None:
        return "suggestion"
    if result.region is not None:
        return "region"
    if len(result.rows) == held:
        return "everything"
    return "number" if query[0].isdigit() else "text"


def _row(model: EntryListModel, entry_id: str) -> QModelIndex:
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(ENTRY_ROLE).id == entry_id:
            return index
    raise AssertionError(f"no row for {entry_id}")


def test_rows_of_old_sources_carry_an_age_badge(directory: BuiltinDirectory) -> None:
    model = EntryListModel(region_names(directory), today=dt.date(2026, 12, 3))
    model.set_entries(directory.entries)
    northern = _row(model, "cst-emergency-north").data(BADGES_ROLE)
    assert northern == ["24 hours", "Freephone", "Source from 2015: check cst.org.uk"]
    assert "Source from 2020: check cst.org.uk" in _row(model, "cst-emergency-south").data(BADGES_ROLE)
    assert _row(model, "uk-emergency-999").data(BADGES_ROLE) == ["24 hours"]
    # The day is the model's, given once: the same entries a year after their check are not yet old.
    young = EntryListModel(region_names(directory), today=dt.date(2017, 1, 16))
    young.set_entries(directory.entries)
    assert _row(young, "cst-office-north").data(BADGES_ROLE) == []


def test_the_model_takes_todays_date_by_default(directory: BuiltinDirectory) -> None:
    model = EntryListModel(region_names(directory))
    model.set_entries(directory.entries)
    # Every CST source is from 2015 or 2020: more than two years before any day this test runs on.
    assert "Source from 2015: check cst.org.uk" in _row(model, "cst-office-south").data(BADGES_ROLE)


def test_tooltips_are_plain_text_whatever_a_name_holds(directory: BuiltinDirectory) -> None:
    own = make_entry(id="c1", name="<b>999</b> & <i>co</i>", category=Category.PERSONAL, region=None,
                     number=parse_number("07911 123456"), builtin=False)
    model = EntryListModel(region_names(directory))
    model.set_entries([own])
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    # Always taken as rich text, so Qt never guesses; and as rich text it reads as the name typed.
    assert QtGui.Qt.mightBeRichText(tip)
    document = QTextDocument()
    document.setHtml(tip)
    assert document.toPlainText() == "<b>999</b> & <i>co</i>\n07911 123456"


def test_a_rows_spoken_text_reads_the_number_in_digit_groups(directory: BuiltinDirectory) -> None:
    own = make_entry(id="c1", name="Shul security lead", category=Category.PERSONAL, region=None,
                     number=parse_number("07911 123456"), builtin=False)
    model = EntryListModel(region_names(directory))
    model.set_entries([*directory.entries, own])
    spoken = Qt.ItemDataRole.AccessibleTextRole
    national = _row(model, "cst-emergency-south")
    assert national.data(spoken) == (f"{directory.national_line.name}, "
                                     "oh eight hundred, oh three two, three two six three")
    assert _row(model, "uk-emergency-999").data(spoken).endswith(", nine nine nine")
    assert _row(model, "cst-office-south").data(spoken).endswith(
        ", oh two oh, eight four five seven, nine nine nine nine")
    assert _row(model, "uk-samaritans").data(spoken) == "Samaritans, one one six, one two three"
    assert _row(model, "c1").data(spoken) == (
        "Shul security lead, oh seven nine one one, one two three four five six")
