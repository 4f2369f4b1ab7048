"""The main window: the 999 banner, the search field and region choice, the list and the detail pane."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cst_directory import APP_NAME
from cst_directory.domain.book import ContactBook
from cst_directory.domain.contacts import ContactDraft
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import StorageError
from cst_directory.domain.presenting import fallback_sentence, region_sentence, suggestion_sentence
from cst_directory.domain.search import DirectorySearch
from cst_directory.ui.about_dialog import AboutDialog
from cst_directory.ui.contact_actions import ContactActions
from cst_directory.ui.contact_dialog import ContactDialog
from cst_directory.ui.contact_list import ContactList
from cst_directory.ui.detail_pane import DetailPane
from cst_directory.ui.entry_delegate import EntryDelegate
from cst_directory.ui.entry_list_view import EntryListView
from cst_directory.ui.entry_model import ENTRY_ROLE
from cst_directory.ui.warning_bar import WarningBar

REGION_KEY = "region"
GEOMETRY_KEY = "window/geometry"
SPLITTER_KEY = "window/splitter"
# Long enough to read after looking away to dial, short enough not to describe a stale copy.
CONFIRMATION_MS = 8000
# Changes made in another window or by cstdir show within this; data_version makes each check cheap.
WATCH_INTERVAL_MS = 1000

STYLE = """
#emergencyBanner { background: #b00020; color: white; font-weight: bold; padding: 10px 14px; }
#notice { padding: 4px 2px; }
#notice[warning="true"] { color: #8a4b00; font-weight: bold; }
#confirmation { color: #1b7f3b; font-weight: bold; padding: 4px 2px; }
#confirmation[warning="true"] { color: #8a4b00; }
#warning { background: #fff4d6; color: #5a3b00; padding: 6px 14px; }
"""

UrlOpener = Callable[[QUrl], bool]


class MainWindow(QMainWindow):
    number_copied = Signal(str)
    first_painted = Signal()

    def __init__(self, directory: BuiltinDirectory, search: DirectorySearch, book: ContactBook,
                 settings: QSettings, *, open_url: UrlOpener = QDesktopServices.openUrl,
                 data_folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._directory = directory
        self._data_folder = data_folder
        self.about_dialog: AboutDialog | None = None
        self._book = book
        self._removed: Entry | None = None
        self._settings = settings
        self._open_url = open_url
        self._painted = False
        self.setWindowTitle(APP_NAME)
        self.setStyleSheet(STYLE)

        region_names: dict[str | None, str] = {r.id: r.name for r in directory.regions}
        region_names[None] = self.tr("National")
        self.contact_list = ContactList(search, region_names, self)
        self.model = self.contact_list.model
        self._build_search(directory)
        self._build_list(region_names, directory.checked)
        self._build_status()
        self._lay_out()
        self._connect()
        self._restore_settings()
        self.search_field.setFocus()

    def _build_search(self, directory: BuiltinDirectory) -> None:
        self.banner = QLabel(self.tr("In an emergency, call 999 first. "
                                     "If you cannot speak, dial 999 and press 55 when asked."))
        self.banner.setObjectName("emergencyBanner")
        self.banner.setWordWrap(True)

        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(self.tr("Town, postcode, dialling code, number or name"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName(self.tr("Search"))
        self.search_field.installEventFilter(self)
        self.region_choice = QComboBox()
        self.region_choice.setAccessibleName(self.tr("Your region"))
        self.region_choice.addItem(self.tr("All regions"), None)
        for region in directory.regions:
            self.region_choice.addItem(region.short_name, region.id)
        self.add_button = QPushButton(self.tr("&Add contact…"))

    def _build_list(self, region_names: dict[str | None, str], checked: str) -> None:
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)

        self.list_view = EntryListView()
        self.list_view.setObjectName("entryList")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(EntryDelegate(self.list_view))
        self.list_view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list_view.setAccessibleName(self.tr("Directory entries"))
        self.detail = DetailPane(region_names, checked)

    def _build_status(self) -> None:
        self.confirmation = QLabel()
        self.confirmation.setObjectName("confirmation")
        self.undo_button = QPushButton(self.tr("&Undo"))
        self.undo_button.hide()
        self.warning = WarningBar()
        self.contact_actions = ContactActions(self)
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_INTERVAL_MS)
        self._watch_timer.timeout.connect(self._check_for_changes)
        self._confirmation_timer = QTimer(self)
        self._confirmation_timer.setSingleShot(True)
        self._confirmation_timer.setInterval(CONFIRMATION_MS)
        self._confirmation_timer.timeout.connect(self._clear_confirmation)

    def _lay_out(self) -> None:
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_field, 1)
        search_row.addWidget(QLabel(self.tr("Region:")))
        search_row.addWidget(self.region_choice)
        search_row.addWidget(self.add_button)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        body = QVBoxLayout()
        body.setContentsMargins(10, 8, 10, 6)
        body.addLayout(search_row)
        body.addWidget(self.notice)
        body.addWidget(self.splitter, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.confirmation, 1)
        status_row.addWidget(self.undo_button)
        body.addLayout(status_row)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        outer.addWidget(self.warning)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        self.search_field.textChanged.connect(self.contact_list.set_query)
        self.search_field.returnPressed.connect(self.copy_current)
        self.region_choice.currentIndexChanged.connect(self._region_chosen)
        self.contact_list.result_changed.connect(self._show_result)
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)
        self.list_view.activated.connect(self._copy_index)
        self.detail.copy_requested.connect(self.copy_text)
        self.detail.call_requested.connect(self._call)
        self.detail.favourite_requested.connect(self.toggle_favourite)
        self.detail.edit_requested.connect(self.edit_contact)
        self.detail.delete_requested.connect(self.remove_contact)
        self.add_button.clicked.connect(self.add_contact)
        self.undo_button.clicked.connect(self.undo_remove)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.clear_search)
        self.contact_actions.install(self.menuBar(), self.list_view)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = help_menu.addAction(self.tr("&About CST Directory"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self.contact_actions.show_context_menu)

    def _restore_settings(self) -> None:
        # A hand-edited or damaged settings file can hold anything: only real saved states are restored.
        geometry = self._settings.value(GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(1000, 660)
        splitter = self._settings.value(SPLITTER_KEY)
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        saved = self._settings.value(REGION_KEY)
        position = self.region_choice.findData(saved) if saved else 0
        # setCurrentIndex fires _region_chosen only on a change, so apply the region either way.
        self.region_choice.setCurrentIndex(max(position, 0))
        self.contact_list.set_preferred_region(self.region_choice.currentData())
        self.contact_list.refresh()

    def start(self) -> None:
        """Load the entries and begin watching for changes made elsewhere."""
        self.reload_entries()
        if self._book.moved_aside is not None:
            self.add_warning(self.tr("Your contacts file was damaged. It was kept as %s and a new, "
                                     "empty one was started.") % self._book.moved_aside)
        self._watch_timer.start()

    # Public actions, used by the keyboard contract and by tests.

    def set_query(self, text: str) -> None:
        self.search_field.setText(text)

    def bring_forward(self, query: str) -> None:
        """Another launch asked for the window: put it in front, searching for its query if it had one."""
        if query:
            self.set_query(query)
        # Clearing only the minimised flag keeps a maximised window maximised.
        state = self.windowState() & ~Qt.WindowState.WindowMinimized
        self.setWindowState(state | Qt.WindowState.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()
        self.search_field.setFocus()

    def show_about(self) -> None:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self._directory, self._data_folder, open_url=self._open_url,
                                            parent=self)
        self.about_dialog.show()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()

    def entries_shown(self) -> list[Entry]:
        return self.contact_list.entries_shown()

    def set_entries(self, entries: Sequence[Entry], select_id: str | None = None) -> None:
        """Show new entries, keeping the selection on the same entry where it is still shown."""
        current = self.current_entry()
        keep = select_id or (current.id if current else None)
        self.contact_list.set_entries(entries)
        if keep is not None:
            self.select_entry(keep)

    def reload_entries(self, select_id: str | None = None) -> None:
        # entries() never fails: whatever the contacts file holds, the built-in numbers come back, and
        # the book's notice says what could not be read.
        self.set_entries(self._book.entries(), select_id)
        self.warning.set_book_notice(self._book.notice)

    def select_entry(self, entry_id: str) -> bool:
        for row, entry in enumerate(self.contact_list.entries_shown()):
            if entry.id == entry_id:
                index = self.model.index(row, 0)
                self.list_view.setCurrentIndex(index)
                self.list_view.reveal(index)
                return True
        return False

    def add_warning(self, text: str) -> None:
        """Show text after any warning already shown: several things can be wrong at once."""
        self.warning.add_lasting(text)

    # Changing the user's own contacts.

    def add_contact(self) -> None:
        def save(draft: ContactDraft, allow_unverified: bool, allow_duplicate: bool) -> Entry:
            return self._book.add(draft, allow_unverified=allow_unverified, allow_duplicate=allow_duplicate)
        self._run_dialog(ContactDialog(save, self._region_choices(), parent=self))

    def edit_contact(self) -> None:
        entry = self.current_entry()
        if entry is None or entry.builtin:
            return

        def save(draft: ContactDraft, allow_unverified: bool, allow_duplicate: bool) -> Entry:
            return self._book.edit(entry.id, draft, allow_unverified=allow_unverified,
                                   allow_duplicate=allow_duplicate)
        self._run_dialog(ContactDialog(save, self._region_choices(), entry, parent=self))

    def remove_contact(self) -> None:
        entry = self.current_entry()
        if entry is None or entry.builtin:
            return
        try:
            self._removed = self._book.remove(entry.id)
        except (StorageError, LookupError, ValueError) as exc:
            self._confirm(str(exc), warning=True)
            return
        self.reload_entries()
        self._confirm(self.tr("Deleted “%s”.") % entry.name, warning=False)
        self.undo_button.show()

    def undo_remove(self) -> None:
        removed = self._removed
        if removed is None:
            return
        try:
            restored = self._book.restore(removed)
        except (StorageError, ValueError) as exc:
            self._confirm(str(exc), warning=True)
            return
        self._removed = None
        self.reload_entries(select_id=restored.id)
        self._confirm(self.tr("Restored “%s”.") % restored.name, warning=False)

    def toggle_favourite(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        try:
            self._book.set_favourite(entry.id, not entry.favourite)
        except (StorageError, LookupError) as exc:
            self._confirm(str(exc), warning=True)
            return
        self.reload_entries(select_id=entry.id)

    def _run_dialog(self, dialog: ContactDialog) -> None:
        dialog.saved.connect(self._saved)
        dialog.open_entry_requested.connect(self._open_entry)
        dialog.setModal(True)
        dialog.open()

    def _saved(self, entry: Entry) -> None:
        self.reload_entries(select_id=entry.id)
        if not self.select_entry(entry.id):
            # The search hides the new contact: clear it rather than leave the user wondering.
            self.search_field.clear()
            self.select_entry(entry.id)
        self._confirm(self.tr("Saved “%s”.") % entry.name, warning=False)

    def _open_entry(self, entry_id: str) -> None:
        if not self.select_entry(entry_id):
            self.search_field.clear()
            self.select_entry(entry_id)
        self.list_view.setFocus()

    def _region_choices(self) -> list[tuple[str, str]]:
        return [(region.id, region.name) for region in self._directory.regions]

    def _check_for_changes(self) -> None:
        try:
            changed = self._book.has_changed()
        except StorageError as exc:
            self.warning.set_passing(exc.message)
            return
        self.warning.set_passing(None)
        if changed:
            self.reload_entries()

    def current_entry(self) -> Entry | None:
        index = self.list_view.currentIndex()
        entry = index.data(ENTRY_ROLE) if index.isValid() else None
        return entry if isinstance(entry, Entry) else None

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def clear_search(self) -> None:
        self.search_field.clear()
        self.focus_search()

    def copy_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.copy_text(entry.number.display)

    def copy_text(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self._confirm(self.tr("Copied %s") % text, warning=False)
        self.number_copied.emit(text)

    # Internals.

    def _clear_confirmation(self) -> None:
        self.confirmation.clear()
        self.undo_button.hide()

    def _confirm(self, text: str, *, warning: bool) -> None:
        self.undo_button.hide()
        self.confirmation.setProperty("warning", warning)
        self.confirmation.style().polish(self.confirmation)
        self.confirmation.setText(text)
        self._confirmation_timer.start()

    def _copy_index(self, index: QModelIndex) -> None:
        entry = index.data(ENTRY_ROLE)
        if isinstance(entry, Entry):
            self.copy_text(entry.number.display)

    def _call(self, tel_uri: str) -> None:
        entry = self.current_entry()
        if not self._open_url(QUrl(tel_uri)):
            number = entry.number.display if entry else tel_uri
            message = self.tr("No app on this computer can make calls: dial %s from your phone.")
            self._confirm(message % number, warning=True)

    def _region_chosen(self, position: int) -> None:
        region_id = self.region_choice.itemData(position)
        self._settings.setValue(REGION_KEY, region_id or "all")
        self.contact_list.set_preferred_region(region_id)

    def _show_result(self) -> None:
        result = self.contact_list.result
        query = self.contact_list.query
        warning = False
        parts: list[str] = []
        if query.strip() and (result.fallback or not result.rows):
            # Nothing matched: the rows below are 999 and CST's national line, and the sentence says so.
            parts += [fallback_sentence(query, self._directory), self.tr("Press Escape to clear the search.")]
            warning = True
        else:
            if result.suggestion is not None:
                # What is shown is not what was typed: that must stand out.
                parts.append(suggestion_sentence(query, result.suggestion))
                warning = True
            if result.region is not None:
                parts.append(region_sentence(result.region, self._directory))
                warning = warning or result.unassigned
        text = " ".join(parts)
        self.notice.setProperty("warning", warning)
        self.notice.style().polish(self.notice)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        first = self.model.index(0, 0)
        self.list_view.setCurrentIndex(first)
        if first.isValid():
            self.list_view.reveal(first)
        else:
            self.detail.show_entry(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = current.data(ENTRY_ROLE) if current.isValid() else None
        shown = entry if isinstance(entry, Entry) else None
        self.detail.show_entry(shown)
        self.contact_actions.update_for(shown)

    def _move_selection(self, step: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            return
        row = self.list_view.currentIndex().row()
        row = min(max(row + step, 0), count - 1) if row >= 0 else 0
        self.list_view.setCurrentIndex(self.model.index(row, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -5, Qt.Key.Key_PageDown: 5}
            step = steps.get(Qt.Key(event.key()))
            if step is not None:
                self._move_selection(step)
                return True
        return super().eventFilter(watched, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Queued, so that whoever listens (the --exit-after-show path) acts after this paint is done.
            QTimer.singleShot(0, self.first_painted.emit)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        self._settings.sync()
        super().closeEvent(event)
