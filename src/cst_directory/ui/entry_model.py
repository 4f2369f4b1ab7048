"""The list model: a thin Qt adapter that shows a search result, rows picked and ordered by the domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import compress, count
from operator import ne
from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from cst_directory.domain.entries import Entry
from cst_directory.domain.presenting import age_badge
from cst_directory.domain.spoken import spoken_number

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 2
BADGES_ROLE = Qt.ItemDataRole.UserRole + 3
REGION_ROLE = Qt.ItemDataRole.UserRole + 4

_Index = QModelIndex | QPersistentModelIndex


class EntryListModel(QAbstractListModel):
    """Shows entries[rows[0]], entries[rows[1]], ...: a search result exactly as the search ordered it."""

    def __init__(self, region_names: dict[str | None, str], parent: QObject | None = None, *,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self._entries: Sequence[Entry] = ()
        self._rows: Sequence[int] = ()
        self._region_names = region_names
        self._own_label = self.tr("My contact")
        # Taken once: a badge that changed while the window is open would only surprise.
        self._today = today if today is not None else dt.date.today()

    @property
    def rows(self) -> Sequence[int]:
        return self._rows

    def entry_at(self, row: int) -> Entry | None:
        return self._entries[self._rows[row]] if 0 <= row < len(self._rows) else None

    def row_of(self, slot: int) -> int:
        """The row showing entries[slot], or -1."""
        try:
            return self._rows.index(slot)
        except ValueError:
            return -1

    def set_entries(self, entries: Sequence[Entry]) -> None:
        """Show every entry, in the order given."""
        self.show(entries, range(len(entries)))

    def show(self, entries: Sequence[Entry], rows: Sequence[int]) -> None:
        """Show entries[row] for each of rows, in that order. Qt is told the list was replaced: a keystroke
        costs the view one reset and the data() calls of the rows it paints."""
        self.beginResetModel()
        self._entries = entries
        self._rows = rows
        self.endResetModel()

    def update(self, entries: Sequence[Entry], rows: Sequence[int], changed: Iterable[int]) -> bool:
        """Show rows in place of the current ones, told to Qt as the rows inserted, removed or moved, and
        the changed slots' rows as changed: selections and scroll positions then follow the entries.
        False when the difference is more than one run of rows, and the list was reset instead."""
        old = self._rows
        shorter = min(len(old), len(rows))
        same_start = _common_length(old, rows, shorter)
        same_end = min(_common_length(reversed(old), reversed(rows), shorter), shorter - same_start)
        gone = old[same_start:len(old) - same_end]
        came = rows[same_start:len(rows) - same_end]
        top = QModelIndex()
        self._entries = entries
        if gone and came:
            last = same_start + len(gone) - 1
            if len(gone) == len(came) and gone[0] == came[-1] and gone[1:] == came[:-1]:
                self.beginMoveRows(top, same_start, same_start, top, last + 1)
            elif len(gone) == len(came) and gone[-1] == came[0] and gone[:-1] == came[1:]:
                self.beginMoveRows(top, last, last, top, same_start)
            else:
                self.show(entries, rows)
                return False
            self._rows = rows
            self.endMoveRows()
        elif gone:
            self.beginRemoveRows(top, same_start, same_start + len(gone) - 1)
            self._rows = rows
            self.endRemoveRows()
        elif came:
            self.beginInsertRows(top, same_start, same_start + len(came) - 1)
            self._rows = rows
            self.endInsertRows()
        else:
            self._rows = rows
        for slot in changed:
            row = self.row_of(slot)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
        return True

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._entries[self._rows[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"★ {entry.name}" if entry.favourite else entry.name
        if role == NUMBER_ROLE:
            return entry.number.display
        if role == Qt.ItemDataRole.AccessibleTextRole:
            # What a screen reader says for the row: the number in its groups, digit by digit, where the
            # shown text would be read as "three thousand two hundred and sixty-three".
            return f"{entry.name}, {spoken_number(entry.number.display)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            # Qt renders a tooltip that looks like HTML as HTML: a contact named "<b>999</b>" would show
            # bold. Converted text is always taken as rich text, with every character of it escaped.
            return QtGui.Qt.convertFromPlainText(f"{entry.name}\n{entry.number.display}")
        if role == BADGES_ROLE:
            badges = list(entry.badges)
            old = age_badge(entry, self._today)
            return [*badges, old] if old else badges
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


def _common_length(first: Iterable[int], second: Iterable[int], shorter: int) -> int:
    """How many items the two start with alike (shorter: the length of the shorter), compared in C."""
    return next(compress(count(), map(ne, first, second)), shorter)
