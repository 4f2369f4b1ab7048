"""The contact list's life: the entries shown, the query and region they are searched with, the model."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from cst_directory.domain.entries import Entry
from cst_directory.domain.search import DirectorySearch, SearchIndex, SearchResult
from cst_directory.ui.entry_model import EntryListModel


class ContactList(QObject):
    """Keeps the searched entries, the query, the preferred region and the model showing their result."""

    result_changed = Signal()
    """The rows shown were worked out again (a new query, region or set of entries)."""

    def __init__(self, search: DirectorySearch, region_names: dict[str | None, str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._index = SearchIndex(())
        self._query = ""
        self._preferred_region: str | None = None
        self._result = SearchResult((), None)
        self.model = EntryListModel(region_names, self)

    @property
    def query(self) -> str:
        return self._query

    @property
    def preferred_region(self) -> str | None:
        return self._preferred_region

    @property
    def result(self) -> SearchResult:
        return self._result

    def entries(self) -> tuple[Entry, ...]:
        """Every entry held, shown or not."""
        return self._index.live_entries()

    def entries_shown(self) -> list[Entry]:
        held = self._index.entries
        return [held[slot] for slot in self._result.rows]

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self._index = SearchIndex(entries)
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
        self._result = self._search.search_in(self._index, self._query, self._preferred_region)
        self.model.show(self._index.entries, self._result.rows)
        self.result_changed.emit()
