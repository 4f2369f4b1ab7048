"""The line under the list: what was just done (copied, saved, deleted), for a while, and the undo button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

# Long enough to read after looking away to dial, short enough not to describe a stale copy.
CONFIRMATION_MS = 8000

Announce = Callable[[QWidget, str, QAccessible.AnnouncementPoliteness], None]


def announce_to_screen_reader(widget: QWidget, text: str,
                              politeness: QAccessible.AnnouncementPoliteness) -> None:
    """Sends text to assistive technology (AT-SPI's announcement on Linux), spoken without moving focus."""
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(politeness)
    QAccessible.updateAccessibility(event)


class StatusLine(QWidget):
    """Says what the last action did, in green (or amber when it failed), until the next or for a while."""

    def __init__(self, parent: QWidget | None = None, *,
                 announce: Announce = announce_to_screen_reader) -> None:
        super().__init__(parent)
        self._announce = announce
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
        # Focus stays in the list or the search field, so a screen reader would not read the label by itself.
        # A confirmation waits for the speech in progress (the row just read); a failure interrupts it.
        politeness = QAccessible.AnnouncementPoliteness.Assertive if warning else \
            QAccessible.AnnouncementPoliteness.Polite
        self._announce(self.confirmation, text, politeness)
        self._timer.start()

    def clear(self) -> None:
        self.confirmation.clear()
        self.undo_button.hide()
