"""The list model: a thin Qt adapter over a tuple of domain entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from cst_directory.domain.entries import Entry

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 2
BADGES_ROLE = Qt.ItemDataRole.UserRole + 3
REGION_ROLE = Qt.ItemDataRole.UserRole + 4

_Index = QModelIndex | QPersistentModelIndex


class EntryListModel(QAbstractListModel):
    def __init__(self, region_names: dict[str | None, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: tuple[Entry, ...] = ()
        self._region_names = region_names
        self._own_label = self.tr("My contact")

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.beginResetModel()
        self._entries = tuple(entries)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"★ {entry.name}" if entry.favourite else entry.name
        if role == NUMBER_ROLE:
            return entry.number.display
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{entry.name}, {entry.number.display}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.name}\n{entry.number.display}"
        if role == BADGES_ROLE:
            return list(entry.badges)
        if role == REGION_ROLE:
            region = self._region_names.get(entry.region, "")
            if entry.builtin:
                return region
            return f"{self._own_label} · {region}" if entry.region else self._own_label
        if role == ENTRY_ROLE:
            return entry
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
