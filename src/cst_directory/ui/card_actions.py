"""File → Print card…: the action, its shortcut, and the card dialog it opens, loaded when first asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from cst_directory.domain.card import default_entries
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.ui.contact_list import ContactList

if TYPE_CHECKING:
    from cst_directory.ui.card_dialog import CardDialog

CardWriter = Callable[[Path, bytes], None]
"""Writes the card's PDF bytes to a new file; made by the composition root from storage."""


class CardActions(QObject):
    """The Print card action over the window's entries and chosen region."""

    def __init__(self, contacts: ContactList, directory: BuiltinDirectory, write: CardWriter, host: QWidget,
                 *, region: Callable[[], str | None], today: Callable[[], dt.date] = dt.date.today,
                 **dialog_options: Any) -> None:
        super().__init__(host)
        self._contacts = contacts
        self._directory = directory
        self._write = write
        self._host = host
        self._region = region
        self._today = today
        self.dialog_options = dialog_options
        """What the dialog is given besides the entries: its file chooser, printers and print runner."""
        self.dialog: CardDialog | None = None
        self.action = QAction(self.tr("&Print card…"), host)
        self.action.setShortcut(QKeySequence.StandardKey.Print)
        self.action.triggered.connect(self.open_dialog)

    def install(self, menu_bar: QMenuBar) -> None:
        """Add the action to the File menu, made here if the window has none."""
        title = self.tr("&File")
        menus = (action.menu() for action in menu_bar.actions() if action.text() == title)
        menu = next((m for m in menus if isinstance(m, QMenu)), None)
        if not isinstance(menu, QMenu):
            menu = menu_bar.addMenu(title)
        menu.addSeparator()
        menu.addAction(self.action)
        self._host.addAction(self.action)

    def open_dialog(self) -> CardDialog:
        from cst_directory.ui.card_dialog import CardDialog

        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        entries = self._contacts.known_entries()
        default = default_entries(entries, self._directory, self._region())
        self.dialog = CardDialog(self._directory, entries, default, write=self._write, today=self._today,
                                 parent=self._host, **self.dialog_options)
        self.dialog.setModal(True)
        self.dialog.open()
        return self.dialog
