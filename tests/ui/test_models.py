"""Qt's model checker on the list model and the search proxy, through every kind of query."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.search import DirectorySearch
from cst_directory.ui.entry_model import ENTRY_ROLE, NUMBER_ROLE, EntryListModel
from cst_directory.ui.search_proxy import EntrySearchProxy

QUERIES = ("manchester", "NW4", "zzzz", "", "Birmingham", "0800", "cst", "999")


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
