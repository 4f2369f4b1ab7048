"""The "Print card" dialog: the entries to put on the card ticked in a list (999 always), wallet card or
poster, then saved as a PDF through an injected writer or printed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cst_directory.domain.card import Card, left_out_sentence, make_card
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.ui.card_pages import CardFormat, card_pdf, measure_card

SaveChooser = Callable[[QWidget, str, str, str], tuple[str, str]]
CardWriter = Callable[[Path, bytes], None]
"""Writes the PDF bytes to a new file; FileExistsError if something is there, OSError if it cannot."""
PrinterNames = Callable[[], list[str]]
PrintRunner = Callable[[Card, CardFormat, QWidget], bool]
"""Asks which printer (QPrintDialog) and prints; False when the user cancelled."""
PDF_FILTER = "PDF (*.pdf)"
_Index = QModelIndex | QPersistentModelIndex


def available_printers() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo

    return [printer.printerName() for printer in QPrinterInfo.availablePrinters()]


def run_print_dialog(card: Card, card_format: CardFormat, parent: QWidget) -> bool:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from cst_directory.ui.card_pages import paint_card

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    paint_card(card, card_format, printer)
    return True


def _save_without_asking_to_replace(parent: QWidget, caption: str, path: str, filters: str
                                    ) -> tuple[str, str]:
    # The card never replaces a file: asking "replace it?" first would promise what is then refused.
    return QFileDialog.getSaveFileName(parent, caption, path, filters,
                                       options=QFileDialog.Option.DontConfirmOverwrite)


class CardChoiceModel(QAbstractListModel):
    """The entries that may go on the card, each ticked or not; 999 is ticked and cannot be unticked."""

    ticks_changed = Signal()

    def __init__(self, entries: Sequence[Entry], ticked: Sequence[Entry], emergency_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        first = {entry.id: entry for entry in ticked}
        # The default choice first, in the card's order, then the rest as listed: the list reads as the card.
        self._entries = [*first.values(), *(e for e in entries if e.id not in first)]
        self._ticked = set(first) | {emergency_id}
        self._emergency_id = emergency_id

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{entry.number.display}  {entry.name}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if entry.id in self._ticked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._entries[index.row()].id != self._emergency_id:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        entry = self._entries[index.row()]
        if entry.id == self._emergency_id:
            return False
        if value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value):
            self._ticked.add(entry.id)
        else:
            self._ticked.discard(entry.id)
        self.dataChanged.emit(index, index, [role])
        self.ticks_changed.emit()
        return True

    def ticked(self) -> list[Entry]:
        return [entry for entry in self._entries if entry.id in self._ticked]


class CardDialog(QDialog):
    """Chooses the card's entries and format, then saves it as a PDF or prints it."""

    def __init__(self, directory: BuiltinDirectory, entries: Sequence[Entry], default: Sequence[Entry], *,
                 write: CardWriter, today: Callable[[], dt.date] = dt.date.today,
                 choose_save: SaveChooser = _save_without_asking_to_replace,
                 printers: PrinterNames = available_printers, print_card: PrintRunner = run_print_dialog,
                 folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Print card"))
        self._directory = directory
        self._write = write
        self._today = today
        self._choose_save = choose_save
        self._printers = printers
        self._print_card = print_card
        self._folder = folder or str(Path.home())
        intro = QLabel(self.tr("Tick the numbers to put on the card. 999 is always on it, first."))
        intro.setWordWrap(True)
        self.model = CardChoiceModel(entries, default, directory.emergency.id, self)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setAccessibleName(self.tr("Entries on the card"))
        self.list_view.setUniformItemSizes(True)
        intro.setBuddy(self.list_view)
        self.wallet = QRadioButton(self.tr("&Wallet card (85.6 by 54 mm, front and back)"))
        self.poster = QRadioButton(self.tr("A4 &poster"))
        self.wallet.setChecked(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName(self.tr("What fits"))
        self.poster_button = QPushButton(self.tr("Make a poster &instead"))
        self.save_button = QPushButton(self.tr("&Save as PDF…"))
        self.print_button = QPushButton(self.tr("P&rint…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.save_button, self.print_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.list_view, self.wallet, self.poster, self.status, self.poster_button,
                       buttons):
            layout.addWidget(widget)
        self.model.ticks_changed.connect(self._update)
        self.wallet.toggled.connect(self._update)
        self.poster_button.clicked.connect(lambda: self.poster.setChecked(True))
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_now)
        self.resize(560, 520)
        self._update()

    @property
    def card_format(self) -> CardFormat:
        return CardFormat.POSTER if self.poster.isChecked() else CardFormat.WALLET

    def card(self) -> Card:
        return make_card(self.model.ticked(), self._directory, self._today())

    def _fits(self, card: Card) -> bool:
        fit = measure_card(card, self.card_format)
        too_many = not fit.fits and self.card_format is CardFormat.WALLET
        self.poster_button.setVisible(too_many)
        if too_many:
            self._say(self.tr("%s: untick some, or make a poster, which holds them all.")
                      % left_out_sentence(fit))
        elif self.card_format is CardFormat.WALLET:
            sides = self.tr("front and back") if len(fit.sides) > 1 else self.tr("one side")
            self._say(self.tr("All %s entries fit on the card (%s).") % (len(card.lines), sides))
        else:
            self._say(self.tr("All %s entries fit on the poster.") % len(card.lines))
        return fit.fits

    def _update(self) -> None:
        self._fits(self.card())

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def save_pdf(self) -> None:
        card = self.card()
        if not self._fits(card):
            return
        name = "cst-poster.pdf" if self.card_format is CardFormat.POSTER else "cst-card.pdf"
        chosen, _filter = self._choose_save(self, self.tr("Save the card as PDF"),
                                            str(Path(self._folder) / name), PDF_FILTER)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._folder = str(path.parent)
        try:
            self._write(path, card_pdf(card, self.card_format).data)
        except FileExistsError:
            self._say(self.tr("%s already exists, and the card never replaces a file: choose another name.")
                      % path.name)
            return
        except OSError as exc:
            self._say(self.tr("%s could not be written (%s): choose a folder you can write to.")
                      % (path.name, exc.strerror or exc))
            return
        self._say(self.tr("Saved the card as %s.") % path.name)

    def print_now(self) -> None:
        card = self.card()
        if not self._fits(card):
            return
        if not self._printers():
            self._say(self.tr("No printer is set up on this computer: save the card as a PDF instead, and "
                              "print it from a computer that has one."))
            self.save_button.setFocus()
            return
        if self._print_card(card, self.card_format, self):
            self._say(self.tr("Sent the card to the printer."))
