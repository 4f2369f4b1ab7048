"""The File menu: contacts brought in from a vCard or CSV file through the preview dialog, or from a file
dropped on the window, and taken out to one. The files themselves are read and written by an injected
ContactFiles, so that no widget touches a file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenuBar, QWidget

from cst_directory.domain.entries import Entry
from cst_directory.domain.import_rows import FileRead, UnreadableFileError
from cst_directory.ui.contact_list import ContactList

if TYPE_CHECKING:
    from cst_directory.domain.import_preview import ImportPreview
    from cst_directory.ui.import_dialog import ImportDialog, PreviewChoices

VCARD_SUFFIXES = (".vcf", ".vcard")
IMPORT_SUFFIXES = (*VCARD_SUFFIXES, ".csv")
VCARD_FILTER = "vCard (*.vcf)"
CSV_FILTER = "CSV (*.csv)"
FILE_MENU_NAME = "fileMenu"

OpenChooser = Callable[[QWidget, str, str, str], tuple[str, str]]
"""(parent, caption, folder, filters) -> (path or "", filter chosen): QFileDialog.getOpenFileName."""
SaveChooser = Callable[[QWidget, str, str, str], tuple[str, str]]
"""(parent, caption, suggested path, filters) -> (path or "", filter chosen): QFileDialog.getSaveFileName."""


class UnknownColumnsError(UnreadableFileError):
    """A CSV file whose columns the readers do not know: the user must say which hold names and numbers,
    choosing among the header cells carried here."""

    def __init__(self, message: str, headers: Sequence[str]) -> None:
        super().__init__(message)
        self.headers: tuple[str, ...] = tuple(headers)


class ContactFiles(Protocol):
    """Reads and writes files of contacts for the window; made by the composition root from storage."""

    def read(self, path: Path, *, name_column: str | None = None, number_column: str | None = None,
             encoding: str | None = None) -> FileRead:
        """What the file holds, a CSV file read in the code page given (None: found by itself);
        UnreadableFileError (one sentence) when it cannot be used, UnknownColumnsError when it is a CSV
        file whose columns must be chosen."""

    def write(self, path: Path, entries: Sequence[Entry], *, file_format: str, with_sources: bool) -> int:
        """Write entries to a new file ("vcard" or "csv") and return how many; FileExistsError when
        something is already there, OSError when it cannot be written."""


def is_contact_file(url: QUrl) -> bool:
    """A local file that could be a phone's or mail program's export, by its name."""
    return url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMPORT_SUFFIXES


class FileActions(QObject):
    """Import and export as actions of the window, the import's preview dialog and its callbacks."""

    said = Signal(str, bool)
    """A sentence for the status line: (text, is_warning)."""

    def __init__(self, contacts: ContactList, files: ContactFiles, host: QWidget, *,
                 choose_open: OpenChooser = QFileDialog.getOpenFileName,
                 choose_save: SaveChooser = QFileDialog.getSaveFileName) -> None:
        super().__init__(host)
        self._contacts = contacts
        self._files = files
        self._host = host
        self._choose_open = choose_open
        self._choose_save = choose_save
        self._folder = str(Path.home())
        self.dialog: ImportDialog | None = None
        self.import_action = QAction(self.tr("&Import contacts…"), host)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.choose_import)
        self.export_action = QAction(self.tr("&Export contacts…"), host)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(lambda: self.choose_export(with_sources=False))
        self.export_all_action = QAction(self.tr("Export the &whole directory, with sources…"), host)
        self.export_all_action.triggered.connect(lambda: self.choose_export(with_sources=True))

    def install(self, menu_bar: QMenuBar) -> None:
        menu = menu_bar.addMenu(self.tr("&File"))
        # Found by this name by what adds its own items to the File menu (the tray's settings).
        menu.setObjectName(FILE_MENU_NAME)
        menu.addAction(self.import_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.addAction(self.export_all_action)
        for action in (self.import_action, self.export_action):
            self._host.addAction(action)

    # Import.

    def choose_import(self) -> None:
        filters = ";;".join((self.tr("Contacts (*.vcf *.vcard *.csv)"), VCARD_FILTER, CSV_FILTER,
                             self.tr("All files (*)")))
        path, _chosen = self._choose_open(self._host, self.tr("Import contacts"), self._folder, filters)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> ImportDialog | None:
        """Read the file and open its preview, or say in one sentence why it cannot be used."""
        self._folder = str(path.parent)
        headers: tuple[str, ...] = ()
        try:
            first = self._files.read(path)
        except UnknownColumnsError as exc:
            headers, first = exc.headers, None
        except UnreadableFileError as exc:
            self.said.emit(str(exc), True)
            return None
        reads: dict[tuple[str | None, str | None, str | None], FileRead] = {}
        if first is not None:
            reads[(None, None, None)] = first

        def preview(choices: PreviewChoices) -> ImportPreview:
            # The file is read again only for other columns or another code page: ticking a box works on
            # what was read.
            key = (choices.name_column, choices.number_column, choices.encoding)
            read = reads.get(key)
            if read is None:
                read = reads[key] = self._files.read(path, name_column=choices.name_column,
                                                     number_column=choices.number_column,
                                                     encoding=choices.encoding)
            from cst_directory.domain.import_preview import preview_import

            return preview_import(read, self._contacts.known_entries(),
                                  allow_unverified=choices.allow_unverified,
                                  include_duplicates=choices.include_duplicates)

        def headers_in(encoding: str | None) -> tuple[str, ...]:
            try:
                self._files.read(path, encoding=encoding)
            except UnknownColumnsError as exc:
                return exc.headers
            return ()

        from cst_directory.ui.import_dialog import ImportDialog

        if self.dialog is not None:
            self.dialog.close()
        # A vCard carries its own CHARSET; a file is one by its name, as the reader first decides.
        csv = path.suffix.lower() not in VCARD_SUFFIXES
        dialog = ImportDialog(path.name, preview, self._contacts.add_many, columns=headers, csv=csv,
                              headers=headers_in, parent=self._host)
        dialog.imported.connect(self._imported)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.setModal(True)
        dialog.open()
        return dialog

    def _imported(self, entries: tuple[Entry, ...]) -> None:
        self._contacts.show_added(entries)
        count = len(entries)
        self.said.emit(self.tr("Added 1 contact.") if count == 1 else self.tr("Added %s contacts.")
                       % f"{count:,}", False)

    def _forget(self, dialog: ImportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    # Export.

    def choose_export(self, *, with_sources: bool) -> None:
        entries = [entry for entry in self._contacts.entries() if with_sources or not entry.builtin]
        if not entries:
            self.said.emit(self.tr("You have no contacts of your own to export yet: add some first, or "
                                   "export the whole directory."), True)
            return
        name = "cst-directory.vcf" if with_sources else "my-contacts.vcf"
        caption = self.tr("Export the whole directory") if with_sources else self.tr("Export contacts")
        path, chosen = self._choose_save(self._host, caption, str(Path(self._folder) / name),
                                         ";;".join((VCARD_FILTER, CSV_FILTER)))
        if path:
            self.export_to(Path(path), entries, with_sources=with_sources, csv=chosen == CSV_FILTER)

    def export_to(self, path: Path, entries: Sequence[Entry], *, with_sources: bool, csv: bool) -> None:
        suffix = path.suffix.lower()
        if suffix in (".csv", ".vcf", ".vcard"):
            # The name typed wins over the filter left selected: "phone.csv" is meant as CSV.
            csv = suffix == ".csv"
        else:
            path = path.with_name(path.name + (".csv" if csv else ".vcf"))
        self._folder = str(path.parent)
        try:
            count = self._files.write(path, entries, file_format="csv" if csv else "vcard",
                                      with_sources=with_sources)
        except FileExistsError:
            self.said.emit(self.tr("%s already exists, and an export never replaces a file: choose "
                                   "another name.") % path.name, True)
            return
        except OSError as exc:
            self.said.emit(self.tr("%s could not be written (%s): choose a folder you can write to.")
                           % (path.name, exc.strerror or exc), True)
            return
        what = self.tr("entries") if with_sources else self.tr("contacts")
        if count == 1:
            what = self.tr("entry") if with_sources else self.tr("contact")
        self.said.emit(self.tr("Exported %s %s to %s.") % (f"{count:,}", what, path.name), False)
