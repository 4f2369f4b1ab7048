"""The main window: the 999 banner, search field, region choice, list and detail pane, laid out and wired."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
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
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cst_directory import APP_NAME
from cst_directory.domain.book import ContactBook
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.presenting import fallback_sentence, region_sentence, suggestion_sentence
from cst_directory.domain.search import DirectorySearch
from cst_directory.ui.appearance import Appearance, window_style, with_readable_selection
from cst_directory.ui.card_actions import CardActions, CardWriter
from cst_directory.ui.contact_actions import ContactActions
from cst_directory.ui.contact_list import WATCH_INTERVAL_MS, ContactList
from cst_directory.ui.detail_pane import DetailPane
from cst_directory.ui.entry_delegate import EntryDelegate
from cst_directory.ui.entry_list_view import EntryListView
from cst_directory.ui.file_actions import ContactFiles, FileActions, OpenChooser, SaveChooser, is_contact_file
from cst_directory.ui.number_handoff import NumberHandoff, UrlOpener
from cst_directory.ui.status_line import CONFIRMATION_MS, StatusLine
from cst_directory.ui.warning_bar import WarningBar

if TYPE_CHECKING:
    from cst_directory.ui.about_dialog import AboutDialog
    from cst_directory.ui.guide_dialog import GuideDialog

__all__ = ["CONFIRMATION_MS", "WATCH_INTERVAL_MS", "MainWindow"]

REGION_KEY = "region"
GEOMETRY_KEY = "window/geometry"
SPLITTER_KEY = "window/splitter"
_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
_MOVES = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -5, Qt.Key.Key_PageDown: 5}



def _use_focus_rings() -> None:
    from cst_directory.ui.focus_ring import use_focus_rings

    use_focus_rings()


class MainWindow(QMainWindow):
    """Lays out the window and wires its widgets to the contact list, the actions and the clipboard."""

    number_copied = Signal(str)
    first_painted = Signal()

    def __init__(self, directory: BuiltinDirectory, search: DirectorySearch, book: ContactBook,
                 settings: QSettings, *, open_url: UrlOpener = QDesktopServices.openUrl,
                 data_folder: str = "", files: ContactFiles | None = None,
                 choose_open: OpenChooser | None = None, choose_save: SaveChooser | None = None,
                 write_card: CardWriter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._directory = directory
        self._data_folder = data_folder
        self._settings = settings
        self._open_url = open_url
        self._painted = False
        self.about_dialog: AboutDialog | None = None
        self.guide_dialog: GuideDialog | None = None
        self.setWindowTitle(APP_NAME)
        self.appearance = Appearance(settings, self)
        # Before any widget is made: a font set later does not reach widgets not yet shown.
        self.appearance.restore()
        self._window_style = ""

        region_names: dict[str | None, str] = {r.id: r.name for r in directory.regions}
        region_names[None] = self.tr("National")
        self.contact_list = ContactList(book, search, region_names, self)
        self.model = self.contact_list.model
        self.handoff = NumberHandoff(open_url, self)
        self._build_search(directory)
        self._build_list(region_names, directory.checked)
        self.status = StatusLine()
        self.confirmation = self.status.confirmation
        self.undo_button = self.status.undo_button
        self.warning = WarningBar()
        regions = [(region.id, region.name) for region in directory.regions]
        self.contact_actions = ContactActions(self.contact_list, self.handoff, self, regions)
        self.file_actions: FileActions | None = None
        if files is not None:
            choosers = {name: chooser for name, chooser in (("choose_open", choose_open),
                                                            ("choose_save", choose_save)) if chooser}
            self.file_actions = FileActions(self.contact_list, files, self, **choosers)
            self.setAcceptDrops(True)
        self.card_actions = None if write_card is None else CardActions(
            self.contact_list, directory, write_card, self, region=self.region_choice.currentData)
        self._lay_out()
        self._restyle()
        self._connect()
        self._restore_settings()
        self.search_field.setFocus()

    def _build_search(self, directory: BuiltinDirectory) -> None:
        self.banner = QLabel(self.tr("In an emergency, call 999 first. "
                                     "If you cannot speak, dial 999 and press 55 when asked."))
        self.banner.setObjectName("emergencyBanner")
        self.banner.setWordWrap(True)
        self.guide_button = QPushButton(self.tr("Which number?"))
        self.guide_button.setObjectName("guideButton")
        self.guide_button.setAccessibleName(self.tr("Which number do I call?"))
        self.guide_button.setToolTip(self.tr("Which number do I call? (F1)"))

        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(self.tr("Town, postcode, dialling code, number or name"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName(self.tr("Search"))
        self.search_field.setAccessibleDescription(self.tr(
            "A town, postcode, dialling code, number or name. Up and Down choose a line, Enter copies "
            "its number."))
        # Qt's clear button is an icon alone: unnamed, a screen reader says only "button".
        for button in self.search_field.findChildren(QToolButton):
            button.setAccessibleName(self.tr("Clear the search"))
        self.search_field.installEventFilter(self)
        self.region_choice = QComboBox()
        self.region_choice.setAccessibleName(self.tr("Your region"))
        self.region_choice.setAccessibleDescription(self.tr(
            "Its lines are listed first when the search is empty."))
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
        # The list's own selection: what is selected is decided in one place, whoever asks for it.
        default_selection = self.list_view.selectionModel()
        self.list_view.setSelectionModel(self.contact_list.selection)
        default_selection.deleteLater()
        self.list_view.setItemDelegate(EntryDelegate(self.list_view))
        self.list_view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list_view.setAccessibleName(self.tr("Directory entries"))
        self.list_view.setAccessibleDescription(self.tr(
            "Enter copies the selected number. Ctrl+B marks it a favourite."))
        self.detail = DetailPane(region_names, checked)
        self.detail.follow(self.contact_list)

    def _lay_out(self) -> None:
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_field, 1)
        region_label = QLabel(self.tr("Region:"))
        # On Linux a combo box's name is its current item; its label reaches a screen reader as the
        # label relation, which Qt finds through the buddy.
        region_label.setBuddy(self.region_choice)
        search_row.addWidget(region_label)
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
        body.addWidget(self.status)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        # The button sits on the banner's red, so the row reads as one band with the 999 sentence.
        banner_row = QWidget()
        banner_row.setObjectName("bannerRow")
        banner_row.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        banner_layout = QHBoxLayout(banner_row)
        banner_layout.setContentsMargins(0, 0, 10, 0)
        banner_layout.addWidget(self.banner, 1)
        banner_layout.addWidget(self.guide_button)
        outer.addWidget(banner_row)
        outer.addWidget(self.warning)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        # Reading order, not creation order: find, narrow, act on the list, then the guide and undo, which
        # sit apart from the flow (top right, bottom right).
        pane = self.detail
        chain = [self.search_field, self.region_choice, self.add_button, self.list_view, pane.scroll_area,
                 pane.copy_button, pane.copy_international_button, pane.call_button, pane.favourite_button,
                 pane.edit_button, pane.delete_button, self.guide_button, self.undo_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        contacts = self.contact_list
        self.search_field.textChanged.connect(contacts.set_query)
        self.search_field.returnPressed.connect(self.copy_current)
        contacts.query_changed.connect(self.search_field.setText)
        self.region_choice.currentIndexChanged.connect(self._region_chosen)
        contacts.result_changed.connect(self._show_result)
        contacts.row_revealed.connect(self.list_view.reveal)
        self.list_view.activated.connect(self._copy_index)
        contacts.contact_saved.connect(lambda entry: self._confirm(self.tr("Saved “%s”.") % entry.name))
        contacts.contact_removed.connect(
            lambda entry: self.status.confirm(self.tr("Deleted “%s”.") % entry.name, undo=True))
        contacts.contact_restored.connect(
            lambda entry: self._confirm(self.tr("Restored “%s”.") % entry.name))
        contacts.change_failed.connect(lambda text: self.status.confirm(text, warning=True))
        contacts.notice_changed.connect(self.warning.set_book_notice)
        contacts.watch_failed.connect(self.warning.set_passing)
        self.handoff.number_copied.connect(lambda text: self._confirm(self.tr("Copied %s") % text))
        self.handoff.number_copied.connect(self.number_copied)
        self.handoff.call_failed.connect(lambda number: self.status.confirm(
            self.tr("No app on this computer can make calls: dial %s from your phone.") % number,
            warning=True))
        self.detail.copy_requested.connect(self.handoff.copy)
        self.detail.call_requested.connect(self.handoff.call)
        self.detail.edit_requested.connect(self.contact_actions.edit_contact)
        self.add_button.clicked.connect(self.contact_actions.add_contact)
        self.undo_button.clicked.connect(contacts.undo_remove)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.clear_search)
        if self.file_actions is not None:
            self.file_actions.install(self.menuBar())
            self.file_actions.said.connect(lambda text, warning: self.status.confirm(text, warning=warning))
        if self.card_actions is not None:
            self.card_actions.install(self.menuBar())
        self.contact_actions.install(self.menuBar(), self.list_view)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.large_text_action = view_menu.addAction(self.tr("&Large text, high contrast"))
        self.large_text_action.setCheckable(True)
        self.large_text_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.large_text_action.toggled.connect(self.appearance.set_large_text)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.guide_action = help_menu.addAction(self.tr("&Which number do I call?"))
        self.guide_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.guide_action.triggered.connect(self.show_guide)
        self.guide_button.clicked.connect(self.show_guide)
        self.about_action = help_menu.addAction(self.tr("&About CST Directory"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)

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
        self.large_text_action.setChecked(self.appearance.large_text)

    def start(self, *, in_background: bool = False) -> None:
        """Load the entries and begin watching for changes made elsewhere; in the background, the
        built-in numbers are shown at once and the contacts join them when read."""
        self.contact_list.start(in_background=in_background)
        book = self.contact_list.book
        if book.moved_aside is not None:
            self.add_warning(self.tr("Your contacts file was damaged. It was kept as %s and a new, "
                                     "empty one was started.") % book.moved_aside)

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
            # Imported when first asked for: first paint does not need it.
            from cst_directory.ui.about_dialog import AboutDialog

            self.about_dialog = AboutDialog(self._directory, self._data_folder, open_url=self._open_url,
                                            parent=self)
        self.about_dialog.show()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()

    def show_guide(self) -> None:
        if self.guide_dialog is None:
            # Imported when first asked for, as the About box is: first paint does not need it.
            from cst_directory.ui.guide_dialog import GuideDialog

            self.guide_dialog = GuideDialog(self._directory, copy=self.handoff.copy, open_url=self._open_url,
                                            parent=self)
        self.guide_dialog.show()
        self.guide_dialog.raise_()
        self.guide_dialog.activateWindow()

    def entries_shown(self) -> list[Entry]:
        return self.contact_list.entries_shown()

    def current_entry(self) -> Entry | None:
        return self.contact_list.current

    def set_entries(self, entries: Sequence[Entry]) -> None:
        """Show these entries instead of the book's (for layout checks), the selection kept where shown."""
        self.contact_list.set_entries(entries)

    def add_warning(self, text: str) -> None:
        """Show text after any warning already shown: several things can be wrong at once."""
        self.warning.add_lasting(text)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def clear_search(self) -> None:
        self.search_field.clear()
        self.focus_search()

    def copy_current(self) -> None:
        self.handoff.copy_entry(self.contact_list.current)

    # Internals.

    def _confirm(self, text: str) -> None:
        self.status.confirm(text)

    def _copy_index(self, index: QModelIndex) -> None:
        self.handoff.copy_entry(self.model.entry_at(index.row()))

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

    def import_file(self, path: str) -> None:
        """Open the import preview for a file, as File → Import and dropping the file on the window do."""
        if self.file_actions is not None:
            self.file_actions.import_file(Path(path))

    def _dropped_file(self, event: QDropEvent | QDragEnterEvent) -> str | None:
        """The one contacts file being dragged, if that is what it is and the window can import it."""
        mime = event.mimeData()
        urls = mime.urls() if mime.hasUrls() else []
        if self.file_actions is None or len(urls) != 1 or not is_contact_file(urls[0]):
            return None
        return urls[0].toLocalFile()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        # After the drop has returned: the file manager that started the drag is not kept waiting while
        # the file is read and the dialog opens.
        QTimer.singleShot(0, lambda: self.import_file(path))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_field and event.type() in _DRAG_EVENTS:
            # The search field takes any dropped text, a file's address too: a contacts file dropped on it
            # is imported, as anywhere else in the window.
            assert isinstance(event, QDropEvent)
            if self._dropped_file(event) is not None:
                if event.type() == QEvent.Type.Drop:
                    self.dropEvent(event)
                else:
                    event.acceptProposedAction()
                return True
        if watched is self.search_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = _MOVES.get(Qt.Key(event.key()))
            if step is not None:
                self.contact_list.move_selection(step)
                return True
        return super().eventFilter(watched, event)

    def _restyle(self) -> None:
        # The list's selection is drawn from the window's palette, darkened where its text would not read.
        selection = with_readable_selection(self.palette())
        if selection != self.list_view.palette():
            self.list_view.setPalette(selection)
        style = window_style(self.palette())
        # Setting a style sheet re-polishes every child: only when the palette really changed its colours.
        if style != self._window_style:
            self._window_style = style
            self.setStyleSheet(style)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # The desktop switched between light, dark or high contrast, or the built-in mode was toggled.
            self._restyle()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Queued, so that whoever listens (the --exit-after-show path) acts after this paint is done.
            QTimer.singleShot(0, self.first_painted.emit)
            # The ring shows only once the keyboard is used, so it can wait for the first paint: defining
            # the style's Python overrides costs about 12 ms.
            QTimer.singleShot(0, _use_focus_rings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        self._settings.sync()
        super().closeEvent(event)
