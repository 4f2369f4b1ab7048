"""The filter proxy: shows the rows a domain search picked, in the order it picked them."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Signal

from cst_directory.domain.search import DirectorySearch, SearchResult
from cst_directory.ui.entry_model import EntryListModel

_Index = QModelIndex | QPersistentModelIndex


class EntrySearchProxy(QSortFilterProxyModel):
    """Runs the search once per query over precomputed text, then answers Qt's per-row questions from a
    dictionary: matching in filterAcceptsRow itself would redo the work for every row."""

    result_changed = Signal()

    def __init__(self, search: DirectorySearch, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._query = ""
        self._preferred_region: str | None = None
        self._rank: dict[int, int] = {}
        self._result = SearchResult((), None)
        self.setDynamicSortFilter(False)

    @property
    def query(self) -> str:
        return self._query

    @property
    def result(self) -> SearchResult:
        return self._result

    def setSourceModel(self, source: EntryListModel) -> None:  # type: ignore[override]
        super().setSourceModel(source)
        source.modelReset.connect(self.refresh)
        self.refresh()

    def set_query(self, query: str) -> None:
        if query != self._query:
            self._query = query
            self.refresh()

    def set_preferred_region(self, region_id: str | None) -> None:
        if region_id != self._preferred_region:
            self._preferred_region = region_id
            self.refresh()

    def refresh(self) -> None:
        source = self.sourceModel()
        entries = source.entries if isinstance(source, EntryListModel) else ()
        self.beginFilterChange()
        self._result = self._search.search(entries, self._query, self._preferred_region)
        self._rank = {row: rank for rank, row in enumerate(self._result.rows)}
        self.endFilterChange()
        self.sort(0)
        self.result_changed.emit()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        return source_row in self._rank

    def lessThan(self, left: _Index, right: _Index) -> bool:
        return self._rank.get(left.row(), 0) < self._rank.get(right.row(), 0)
