"""The import preview: every row of a file with what importing does with it, the counts, the two choices,
and one all-or-nothing add when confirmed."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cst_directory.domain.book import DuplicateNumberError
from cst_directory.domain.contacts import ValidContact
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import StorageError
from cst_directory.domain.import_preview import ImportPreview, Outcome, PreviewRow
from cst_directory.domain.import_rows import UnreadableFileError
from cst_directory.ui.appearance import Tints


def _style(tints: Tints) -> str:
    return ("#summary { font-weight: bold; padding: 2px 0; }\n"
            f'QLabel[role="failure"] {{ color: {tints.failure}; font-weight: bold; }}\n')


_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class PreviewChoices:
    """What the user chose in the dialog, for the preview to be worked out with."""

    allow_unverified: bool = False
    include_duplicates: bool = False
    name_column: str | None = None
    number_column: str | None = None
    encoding: str | None = None
    """A CSV file's code page, or None for the reader to find it (UTF-8, UTF-16 with a BOM, else cp1252)."""


ENCODINGS: tuple[tuple[str, str | None], ...] = (
    ("Found by itself", None),
    ("Western (Windows-1252)", "cp1252"),
    ("Hebrew (Windows-1255)", "cp1255"),
    ("Central European (Windows-1250)", "cp1250"),
    ("Cyrillic (Windows-1251)", "cp1251"),
    ("Greek (Windows-1253)", "cp1253"),
    ("Turkish (Windows-1254)", "cp1254"),
    ("Arabic (Windows-1256)", "cp1256"),
    ("UTF-8", "utf-8"),
    ("UTF-16", "utf-16"),
)
"""The code pages offered for a CSV file, by the names a person knows them by: the ones Windows saves a
spreadsheet's CSV in, and the two Unicode forms for a file without a BOM to tell them by."""

Previewer = Callable[[PreviewChoices], ImportPreview]
"""Works the preview out for the choices; UnreadableFileError when the chosen columns or code page cannot
be read."""
HeaderReader = Callable[[str | None], Sequence[str]]
"""The header cells of a CSV file read in a code page (None: found by itself), for the column choices."""
BatchAdder = Callable[[Sequence[ValidContact], bool], tuple[Entry, ...]]
"""Stores the contacts in one transaction, (contacts, allow_duplicates) -> the stored entries; all or
nothing (DuplicateNumberError, StorageError)."""


class PreviewModel(QAbstractTableModel):
    """The preview's rows as a table: where, name, number, what happens. Display text only, so that a
    name from a file is never read as markup."""

    HEADERS = ("Where", "Name", "Number", "What happens")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Amber that is readable on this palette's background, light or dark.
        self._skipped = QColor(Tints(QGuiApplication.palette()).caution)
        self._rows: tuple[PreviewRow, ...] = ()

    def show(self, rows: tuple[PreviewRow, ...]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> PreviewRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
                   ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            # Qt shows a tooltip that looks like markup as markup: escaped, it is always shown as typed.
            return "<p>" + html.escape(self.text(row, index.column())) + "</p>"
        if role == Qt.ItemDataRole.ForegroundRole and row.outcome is not Outcome.ADD:
            return self._skipped
        return None

    def text(self, row: PreviewRow, column: int) -> str:
        if column == 0:
            return row.where
        if column == 1:
            return row.name
        if column == 2:
            return row.number
        if row.outcome is Outcome.ADD:
            return self.tr("Add")
        return self.tr("Skip: %s") % row.reason


class ImportDialog(QDialog):
    """Previews a file's contacts and, when confirmed, adds every row marked Add in one transaction."""

    imported = Signal(object)
    """The entries stored, as a tuple, once the batch add succeeded."""

    def __init__(self, file_name: str, preview: Previewer, add_many: BatchAdder, *,
                 columns: Sequence[str] = (), csv: bool = False, headers: HeaderReader | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preview_for = preview
        self._add_many = add_many
        self._preview = ImportPreview(())
        self._headers_for = headers
        self._csv = csv
        self.setWindowTitle(self.tr("Import contacts from %s") % file_name)
        self.setStyleSheet(_style(Tints(self.palette())))
        self.resize(960, 480)
        self._build(columns)
        self._lay_out()
        self.allow_unverified.toggled.connect(self.refresh)
        self.include_duplicates.toggled.connect(self.refresh)
        self.name_column.currentIndexChanged.connect(self.refresh)
        self.number_column.currentIndexChanged.connect(self.refresh)
        self.encoding.currentIndexChanged.connect(self._encoding_chosen)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        self.refresh()
        self.table.setFocus()

    def _build(self, columns: Sequence[str]) -> None:
        self.intro = _plain_label(self.tr("Nothing is added until you choose Import. Rows marked Skip are "
                                          "left out, and why is said beside each."))
        self.columns_note = _plain_label(self.tr("CST Directory does not know this file's columns: choose "
                                                 "the ones that hold the names and the numbers."))
        unchosen = self.tr("Choose a column…")
        self.name_column = _column_choice(columns, unchosen, ("name", "display", "full", "contact"))
        self.number_column = _column_choice(columns, unchosen, ("phone", "mobile", "number", "tel", "cell"))
        self.name_column.setAccessibleName(self.tr("Column of the names"))
        self.number_column.setAccessibleName(self.tr("Column of the numbers"))
        self._choosing_columns = bool(columns)
        self.encoding = QComboBox()
        for label, encoding in ENCODINGS:
            self.encoding.addItem(self.tr(label), encoding)
        self.encoding.setAccessibleName(self.tr("The file's characters (code page)"))
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("What the import would do with each row"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((64, 220, 130)):
            header.resizeSection(column, width)
        # A long reason is cut short in its cell: the selected row's is said in full here, for the keyboard
        # as well as the mouse (whose tooltip says it too).
        self.row_detail = _plain_label("")
        self.row_detail.setObjectName("rowDetail")
        self.summary = _plain_label("")
        self.summary.setObjectName("summary")
        self.allow_unverified = QCheckBox(self.tr("Save &unverified numbers anyway"))
        self.include_duplicates = QCheckBox(self.tr("Include &duplicates"))
        self.failure = _plain_label("")
        self.failure.setProperty("role", "failure")
        self.failure.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(self.tr("&Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        # A vCard names its own CHARSET, so only a CSV file has a code page to choose.
        if self._csv:
            characters = QFormLayout()
            characters.addRow(self.tr("&Characters:"), self.encoding)
            layout.addLayout(characters)
        else:
            self.encoding.hide()
        if self._choosing_columns:
            form = QFormLayout()
            form.addRow(self.tr("&Names in"), self.name_column)
            form.addRow(self.tr("N&umbers in"), self.number_column)
            layout.addWidget(self.columns_note)
            layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.row_detail)
        layout.addWidget(self.summary)
        layout.addWidget(self.allow_unverified)
        layout.addWidget(self.include_duplicates)
        layout.addWidget(self.failure)
        layout.addWidget(self.buttons)

    @property
    def preview(self) -> ImportPreview:
        return self._preview

    def choices(self) -> PreviewChoices:
        return PreviewChoices(allow_unverified=self.allow_unverified.isChecked(),
                              include_duplicates=self.include_duplicates.isChecked(),
                              name_column=self.name_column.currentData(),
                              number_column=self.number_column.currentData(),
                              encoding=self.encoding.currentData())

    def refresh(self) -> None:
        """Work the preview out again for the choices as they now are."""
        choices = self.choices()
        self.failure.hide()
        if self._choosing_columns and (choices.name_column is None or choices.number_column is None):
            self._show(ImportPreview(()), self.tr("Choose the columns that hold the names and the numbers."))
            return
        try:
            preview = self._preview_for(choices)
        except UnreadableFileError as exc:
            self._show(ImportPreview(()), str(exc))
            return
        self._show(preview, preview.summary())

    def _encoding_chosen(self) -> None:
        if self._choosing_columns and self._headers_for is not None:
            try:
                headers = self._headers_for(self.encoding.currentData())
            except UnreadableFileError:
                headers = ()  # refresh() says why, reading the file in that code page as well
            # The header cells were read in the old code page: the same columns, spelt as this one reads them.
            for choice in (self.name_column, self.number_column):
                _rename_columns(choice, headers)
        self.refresh()

    def confirm(self) -> bool:
        """Add every row marked Add in one transaction; on failure nothing is stored and the dialog stays
        open with its choices, saying why."""
        contacts = self._preview.to_add
        if not contacts:
            return False
        try:
            added = self._add_many(contacts, self.include_duplicates.isChecked())
        except DuplicateNumberError as exc:
            # Added elsewhere since the preview was made: the preview as it now is shows which one.
            self.refresh()
            self._fail(self.tr("%s Nothing was stored: the preview now shows it as a duplicate.") % exc)
            return False
        except StorageError as exc:
            self._fail(self.tr("Nothing was stored: %s") % exc.message)
            return False
        except (LookupError, ValueError) as exc:
            self._fail(self.tr("Nothing was stored: %s") % exc)
            return False
        self.imported.emit(added)
        self.accept()
        return True

    def _show(self, preview: ImportPreview, sentence: str) -> None:
        self._preview = preview
        self.model.show(preview.rows)
        if preview.rows:
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self.row_detail.clear()
        self.summary.setText(sentence)
        count = len(preview.to_add)
        self.import_button.setEnabled(count > 0)
        if count == 0:
            self.import_button.setText(self.tr("&Import"))
        elif count == 1:
            self.import_button.setText(self.tr("&Import 1 contact"))
        else:
            self.import_button.setText(self.tr("&Import %s contacts") % f"{count:,}")

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not current.isValid():
            self.row_detail.clear()
            return
        row = self.model.row_at(current.row())
        what = self.tr("added") if row.outcome is Outcome.ADD else row.reason
        self.row_detail.setText(self.tr("%s, %s: %s") % (row.where, row.name or row.number or "-", what))

    def _fail(self, text: str) -> None:
        self.failure.setText(text)
        self.failure.show()


def _plain_label(text: str) -> QLabel:
    label = QLabel(text)
    # What is shown can quote a file's names or header cells; QLabel would otherwise render them as HTML.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _rename_columns(choice: QComboBox, headers: Sequence[str]) -> None:
    named = [header for header in headers if header.strip()]
    if len(named) != choice.count() - 1:
        return  # another number of columns: the file's reader will say the chosen one is not there
    # Quietly: refresh() follows, once, for all the choices.
    blocked = choice.blockSignals(True)
    try:
        for position, header in enumerate(named, start=1):
            choice.setItemText(position, header)
            choice.setItemData(position, header)
    finally:
        choice.blockSignals(blocked)


def _column_choice(columns: Sequence[str], unchosen: str, hints: Sequence[str]) -> QComboBox:
    choice = QComboBox()
    choice.addItem(unchosen, None)
    for header in columns:
        if header.strip():
            choice.addItem(header, header)
    # A likely column is chosen to start with: most such files name theirs "Name" and "Phone".
    for position in range(1, choice.count()):
        if any(hint in choice.itemText(position).lower() for hint in hints):
            choice.setCurrentIndex(position)
            break
    return choice
