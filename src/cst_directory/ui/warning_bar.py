"""The warning strip under the 999 banner: what is wrong with the user's files, kept current."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class WarningBar(QLabel):
    """Shows three kinds of sentence together: what was found at start-up (it stays), what the contacts
    file says as last read (replaced on every read), and the latest failed check for changes (cleared as
    soon as a check succeeds, so a freed disk or a released lock stops being reported)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warning")
        self.setWordWrap(True)
        # File names and the user's own text may hold anything: never let them be read as markup.
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lasting: list[str] = []
        self._book_notice: str | None = None
        self._passing: str | None = None
        self._refresh()

    def add_lasting(self, text: str) -> None:
        if text and text not in self._lasting:
            self._lasting.append(text)
            self._refresh()

    def set_book_notice(self, text: str | None) -> None:
        if text != self._book_notice:
            self._book_notice = text
            self._refresh()

    def set_passing(self, text: str | None) -> None:
        if text != self._passing:
            self._passing = text
            self._refresh()

    def _refresh(self) -> None:
        parts = [*self._lasting, self._book_notice, self._passing]
        text = " ".join(part for part in parts if part)
        self.setText(text)
        self.setVisible(bool(text))
