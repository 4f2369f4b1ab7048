"""The menu, context-menu and shortcut actions for the user's own contacts, enabled to suit the selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListView, QMenu, QMenuBar

from cst_directory.domain.entries import Entry

if TYPE_CHECKING:
    from cst_directory.ui.main_window import MainWindow


class ContactActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.add = QAction(self.tr("&Add contact…"), window)
        self.add.setShortcut(QKeySequence.StandardKey.New)
        self.add.triggered.connect(window.add_contact)
        self.edit = QAction(self.tr("&Edit contact…"), window)
        self.edit.setShortcuts([QKeySequence(Qt.Key.Key_F2), QKeySequence("Ctrl+E")])
        self.edit.triggered.connect(window.edit_contact)
        self.remove = QAction(self.tr("&Delete contact"), window)
        self.remove.setShortcut(QKeySequence.StandardKey.Delete)
        # Delete belongs to the search field while it has focus; here it acts on the list only.
        self.remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove.triggered.connect(window.remove_contact)
        self.favourite = QAction(self.tr("&Favourite"), window)
        self.favourite.setCheckable(True)
        self.favourite.setShortcut(QKeySequence("Ctrl+B"))
        self.favourite.triggered.connect(window.toggle_favourite)
        self.undo = QAction(self.tr("&Undo delete"), window)
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        # In the search field Ctrl+Z undoes typing; elsewhere in the window it brings back a deleted contact.
        self.undo.triggered.connect(window.undo_remove)
        self.copy = QAction(self.tr("&Copy number"), window)
        self.copy.triggered.connect(window.copy_current)

    def install(self, menu_bar: QMenuBar, list_view: QListView) -> None:
        menu = menu_bar.addMenu(self.tr("Co&ntacts"))
        for action in (self.add, self.edit, self.remove, self.favourite):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.undo)
        for action in (self.add, self.edit, self.favourite, self.undo):
            self._window.addAction(action)
        list_view.addAction(self.remove)

    def update_for(self, entry: Entry | None) -> None:
        personal = entry is not None and not entry.builtin
        self.edit.setEnabled(personal)
        self.remove.setEnabled(personal)
        self.favourite.setEnabled(entry is not None)
        self.favourite.setChecked(bool(entry and entry.favourite))
        self.copy.setEnabled(entry is not None)

    def show_context_menu(self, position: QPoint) -> None:
        view = self._window.list_view
        index = view.indexAt(position)
        if index.isValid():
            view.setCurrentIndex(index)
        menu = QMenu(view)
        for action in (self.copy, self.favourite, None, self.add, self.edit, self.remove):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.popup(view.viewport().mapToGlobal(position))
