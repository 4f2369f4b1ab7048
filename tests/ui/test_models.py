"""Qt's model checker on the list model and the search proxy, through every kind of query."""

from __future__ import annotations

import datetime as dt

from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from pytestqt.modeltest import ModelTester

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, make_entry
from cst_directory.domain.phone import parse_number
from cst_directory.domain.search import DirectorySearch
from cst_directory.ui.entry_model import BADGES_ROLE, ENTRY_ROLE, NUMBER_ROLE, EntryListModel
from cst_directory.ui.search_proxy import EntrySearchProxy

QUERIES = ("manchester", "NW4", "zzzz", "", "Birmingham", "0800", "cst", "999", "Manchster", "Sto", "M7 4")


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


def test_proxy_passes_the_model_tester_through_every_query(qtmodeltester: ModelTester,
                                                           directory: BuiltinDirectory) -> None:
    model = EntryListModel(region_names(directory))
    model.set_entries(directory.entries)
    proxy = EntrySearchProxy(DirectorySearch(directory.region_index()))
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    for query in QUERIES:
        proxy.set_query(query)
        expected = [directory.entries[i] for i in proxy.result.rows]
        assert [proxy.index(r, 0).data(ENTRY_ROLE) for r in range(proxy.rowCount())] == expected
    for region in ("north", "south", None):
        proxy.set_preferred_region(region)
    model.set_entries(directory.entries[:3])
    assert proxy.rowCount() == len(proxy.result.rows) <= 3


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
