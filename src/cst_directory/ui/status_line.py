"""The line under the list: what was just done (copied, saved, deleted), for a while, and the undo button."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

# Long enough to read after looking away to dial, short enough not to describe a stale copy.
CONFIRMATION_MS = 8000


class StatusLine(QWidget):
    """Says what the last action did, in green (or amber when it failed), until the next or for a while."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.confirmation = QLabel()
        self.confirmation.setObjectName("confirmation")
        self.undo_button = QPushButton(self.tr("&Undo"))
        self.undo_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.confirmation, 1)
        layout.addWidget(self.undo_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CONFIRMATION_MS)
        self._timer.timeout.connect(self.clear)

    def confirm(self, text: str, *, warning: bool = False, undo: bool = False) -> None:
        self.undo_button.setVisible(undo)
        self.confirmation.setProperty("warning", warning)
        self.confirmation.style().polish(self.confirmation)
        self.confirmation.setText(text)
        self._timer.start()

    def clear(self) -> None:
        self.confirmation.clear()
        self.undo_button.hide()
