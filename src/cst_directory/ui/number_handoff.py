"""Handing a number on: to the clipboard, or to whatever app this computer calls numbers with."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication

from cst_directory.domain.entries import Entry

UrlOpener = Callable[[QUrl], bool]


class NumberHandoff(QObject):
    """Copies numbers and hands tel: links to the system, saying what happened in past-tense signals."""

    number_copied = Signal(str)
    call_failed = Signal(str)
    """No app took the tel: link; the number, as shown, to dial by hand."""

    def __init__(self, open_url: UrlOpener = QDesktopServices.openUrl, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_url = open_url

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.number_copied.emit(text)

    def copy_entry(self, entry: Entry | None) -> None:
        if entry is not None:
            self.copy(entry.number.display)

    def call(self, entry: Entry | None) -> None:
        if entry is not None and not self._open_url(QUrl(entry.number.tel_uri)):
            self.call_failed.emit(entry.number.display)
