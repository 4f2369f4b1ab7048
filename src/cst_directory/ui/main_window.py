"""The main window: the 999 banner, the search field and region choice, the list and the detail pane."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
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
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cst_directory import APP_NAME
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.presenting import quoted, region_sentence
from cst_directory.domain.search import DirectorySearch
from cst_directory.ui.detail_pane import DetailPane
from cst_directory.ui.entry_delegate import EntryDelegate
from cst_directory.ui.entry_model import ENTRY_ROLE, EntryListModel
from cst_directory.ui.search_proxy import EntrySearchProxy

REGION_KEY = "region"
GEOMETRY_KEY = "window/geometry"
SPLITTER_KEY = "window/splitter"
# Long enough to read after looking away to dial, short enough not to describe a stale copy.
CONFIRMATION_MS = 8000

STYLE = """
#emergencyBanner { background: #b00020; color: white; font-weight: bold; padding: 10px 14px; }
#notice { padding: 4px 2px; }
#notice[warning="true"] { color: #8a4b00; font-weight: bold; }
#confirmation { color: #1b7f3b; font-weight: bold; padding: 4px 2px; }
#confirmation[warning="true"] { color: #8a4b00; }
"""

UrlOpener = Callable[[QUrl], bool]


class MainWindow(QMainWindow):
    number_copied = Signal(str)
    first_painted = Signal()

    def __init__(self, directory: BuiltinDirectory, search: DirectorySearch, settings: QSettings,
                 open_url: UrlOpener = QDesktopServices.openUrl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._directory = directory
        self._settings = settings
        self._open_url = open_url
        self._painted = False
        self.setWindowTitle(APP_NAME)
        self.setStyleSheet(STYLE)

        region_names: dict[str | None, str] = {r.id: r.name for r in directory.regions}
        region_names[None] = self.tr("National")
        self.model = EntryListModel(region_names, self)
        self.proxy = EntrySearchProxy(search, self)
        self.proxy.setSourceModel(self.model)

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

        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)

        self.list_view = QListView()
        self.list_view.setObjectName("entryList")
        self.list_view.setModel(self.proxy)
        self.list_view.setItemDelegate(EntryDelegate(self.list_view))
        # Uniform sizes spare Qt from asking every row its height: thousands of data() calls per layout.
        self.list_view.setUniformItemSizes(True)
        self.list_view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list_view.setAccessibleName(self.tr("Directory entries"))
        self.detail = DetailPane(region_names, directory.checked)

        self.confirmation = QLabel()
        self.confirmation.setObjectName("confirmation")
        self._confirmation_timer = QTimer(self)
        self._confirmation_timer.setSingleShot(True)
        self._confirmation_timer.setInterval(CONFIRMATION_MS)
        self._confirmation_timer.timeout.connect(self.confirmation.clear)

        self._lay_out()
        self._connect()
        self._restore_settings()
        self.search_field.setFocus()

    def _lay_out(self) -> None:
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_field, 1)
        search_row.addWidget(QLabel(self.tr("Region:")))
        search_row.addWidget(self.region_choice)
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
        body.addWidget(self.confirmation)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.banner)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        self.search_field.textChanged.connect(self.proxy.set_query)
        self.search_field.returnPressed.connect(self.copy_current)
        self.region_choice.currentIndexChanged.connect(self._region_chosen)
        self.proxy.result_changed.connect(self._show_result)
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)
        self.list_view.activated.connect(self._copy_index)
        self.detail.copy_requested.connect(self.copy_text)
        self.detail.call_requested.connect(self._call)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.clear_search)

    def _restore_settings(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(1000, 660)
        splitter = self._settings.value(SPLITTER_KEY)
        if splitter:
            self.splitter.restoreState(splitter)
        saved = self._settings.value(REGION_KEY)
        position = self.region_choice.findData(saved) if saved else 0
        # setCurrentIndex fires _region_chosen only on a change, so apply the region either way.
        self.region_choice.setCurrentIndex(max(position, 0))
        self.proxy.set_preferred_region(self.region_choice.currentData())
        self.proxy.refresh()

    # Public actions, used by the keyboard contract and by tests.

    def set_query(self, text: str) -> None:
        self.search_field.setText(text)

    def entries_shown(self) -> list[Entry]:
        return [self.proxy.index(row, 0).data(ENTRY_ROLE) for row in range(self.proxy.rowCount())]

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.model.set_entries(entries)

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

    def _confirm(self, text: str, *, warning: bool) -> None:
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
        self.proxy.set_preferred_region(region_id)

    def _show_result(self) -> None:
        result = self.proxy.result
        query = self.proxy.query
        warning = False
        if query.strip() and not result.rows:
            text = self.tr("No entry matches %s. Press Escape to clear the search.") % quoted(query)
            warning = True
        elif result.region is not None:
            text = region_sentence(result.region, self._directory)
            warning = result.unassigned
        else:
            text = ""
        self.notice.setProperty("warning", warning)
        self.notice.style().polish(self.notice)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        first = self.proxy.index(0, 0)
        self.list_view.setCurrentIndex(first)
        if first.isValid():
            self.list_view.scrollTo(first)
        else:
            self.detail.show_entry(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = current.data(ENTRY_ROLE) if current.isValid() else None
        self.detail.show_entry(entry if isinstance(entry, Entry) else None)

    def _move_selection(self, step: int) -> None:
        count = self.proxy.rowCount()
        if count == 0:
            return
        row = self.list_view.currentIndex().row()
        row = min(max(row + step, 0), count - 1) if row >= 0 else 0
        self.list_view.setCurrentIndex(self.proxy.index(row, 0))

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
