"""The list view of entries: laid out a batch at a time, and able to scroll to a row it has not laid out."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QListView, QWidget

# Rows laid out per turn of the event loop: about 4 ms of work at a time, whatever the list's length.
LAYOUT_BATCH = 500


class EntryListView(QListView):
    """A QListView that lays a long list out in batches and scrolls to a row once it is laid out."""

    # QListView lays out every row after each reset or insertion, asking the model for an index of each;
    # for a Python model that is a Python call per row (about 150 ms for 100,000 rows). In batches the
    # first screenful shows at once and the rest follows between keystrokes instead of before the next.

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Uniform sizes spare Qt from asking every row its height: thousands of data() calls per layout.
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self._pending = QPersistentModelIndex()
        # The range changes when a layout's first batch is done and again when its last one is.
        self.verticalScrollBar().rangeChanged.connect(self._scroll_to_pending)

    def reveal(self, index: QModelIndex) -> None:
        """Scroll index into view now, or as soon as the layout reaches it."""
        self._pending = QPersistentModelIndex()
        if not index.isValid():
            return
        if self.visualRect(index).isValid():
            self.scrollTo(index)
        else:
            self._pending = QPersistentModelIndex(index)

    def _scroll_to_pending(self) -> None:
        if not self._pending.isValid():
            return
        index = self.model().index(self._pending.row(), 0)
        if self.visualRect(index).isValid():
            self._pending = QPersistentModelIndex()
            self.scrollTo(index)
