"""The menu, context-menu and shortcut actions on the list's entries, enabled as the list's rules allow,
and the add and edit dialogs they open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListView, QMenu, QMenuBar, QWidget

from cst_directory.domain.entries import Entry
from cst_directory.ui.contact_list import ContactList
from cst_directory.ui.number_handoff import NumberHandoff

if TYPE_CHECKING:
    from cst_directory.ui.contact_dialog import ContactDialog


class ContactActions(QObject):
    """Add, edit, delete, favourite, undo and copy, as actions with shortcuts, over one contact list."""

    def __init__(self, contacts: ContactList, handoff: NumberHandoff, host: QWidget,
                 regions: list[tuple[str, str]]) -> None:
        super().__init__(host)
        self._contacts = contacts
        self._host = host
        self._handoff = handoff
        self._regions = regions
        self._view: QListView | None = None
        self._context_menu: QMenu | None = None
        self.add = QAction(self.tr("&Add contact…"), host)
        self.add.setShortcut(QKeySequence.StandardKey.New)
        self.add.triggered.connect(self.add_contact)
        self.edit = QAction(self.tr("&Edit contact…"), host)
        # F2 alone: Ctrl+E is the File menu's export.
        self.edit.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit.triggered.connect(self.edit_contact)
        self.remove = QAction(self.tr("&Delete contact"), host)
        self.remove.setShortcut(QKeySequence.StandardKey.Delete)
        # Delete belongs to the search field while it has focus; here it acts on the list only.
        self.remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove.triggered.connect(contacts.remove_current)
        self.favourite = QAction(self.tr("&Favourite"), host)
        self.favourite.setCheckable(True)
        self.favourite.setShortcut(QKeySequence("Ctrl+B"))
        # triggered, not toggled: the list decides the mark, and the check box only shows it.
        self.favourite.triggered.connect(contacts.toggle_favourite)
        self.undo = QAction(self.tr("&Undo delete"), host)
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        # In the search field Ctrl+Z undoes typing; elsewhere in the window it brings back a deleted contact.
        self.undo.triggered.connect(contacts.undo_remove)
        self.undo.setEnabled(contacts.can_undo)
        self.copy = QAction(self.tr("&Copy number"), host)
        self.copy.triggered.connect(self._copy)
        contacts.current_changed.connect(self._update)
        contacts.undo_changed.connect(self.undo.setEnabled)
        self._update()

    def install(self, menu_bar: QMenuBar, list_view: QListView) -> None:
        self._view = list_view
        menu = menu_bar.addMenu(self.tr("Co&ntacts"))
        for action in (self.add, self.edit, self.remove, self.favourite):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.undo)
        for action in (self.add, self.edit, self.favourite, self.undo):
            self._host.addAction(action)
        list_view.addAction(self.remove)
        list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        list_view.customContextMenuRequested.connect(self.show_context_menu)

    def add_contact(self) -> None:
        self._open(_dialog()(self._contacts.saver_for_new(), self._regions, parent=self._host))

    def edit_contact(self) -> None:
        entry = self._contacts.current
        if entry is None or not self._contacts.allowed.edit:
            return
        self._open(_dialog()(self._contacts.saver_for(entry), self._regions, entry, parent=self._host))

    def show_context_menu(self, position: QPoint) -> None:
        view = self._view
        if view is None:
            return
        index = view.indexAt(position)
        if index.isValid():
            self._contacts.select_row(index.row())
        if self._context_menu is None:
            # Made when first asked for: the first paint does not need it.
            self._context_menu = QMenu(view)
            for action in (self.copy, self.favourite, None, self.add, self.edit, self.remove):
                if action is None:
                    self._context_menu.addSeparator()
                else:
                    self._context_menu.addAction(action)
        self._context_menu.popup(view.viewport().mapToGlobal(position))

    def _copy(self) -> None:
        self._handoff.copy_entry(self._contacts.current)

    def _open(self, dialog: ContactDialog) -> None:
        dialog.saved.connect(self._contacts.show_saved)
        dialog.open_entry_requested.connect(self._open_entry)
        dialog.setModal(True)
        dialog.open()

    def _open_entry(self, entry_id: str) -> None:
        self._contacts.reveal(entry_id)
        if self._view is not None:
            self._view.setFocus()

    def _update(self, _entry: Entry | None = None) -> None:
        allowed = self._contacts.allowed
        self.edit.setEnabled(allowed.edit)
        self.remove.setEnabled(allowed.remove)
        self.favourite.setEnabled(allowed.favourite)
        self.favourite.setChecked(allowed.is_favourite)
        self.copy.setEnabled(allowed.copy)


def _dialog() -> type[ContactDialog]:
    # Imported when first opened: first paint does not need the dialog's module.
    from cst_directory.ui.contact_dialog import ContactDialog

    return ContactDialog
