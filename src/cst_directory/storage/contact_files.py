"""Files of contacts brought in or taken out: which format a file is, reading one safely, writing one
without replacing anything."""

from __future__ import annotations

import enum
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from cst_directory.domain.entries import Entry
from cst_directory.domain.import_rows import FileRead, UnreadableFileError
from cst_directory.storage.new_files import write_new_file

# Larger than any phone's or mail program's export of a person's contacts: reading more would only make a
# mistaken choice of file (a video, a disk image) slow to refuse.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class FileFormat(enum.Enum):
    """The formats contacts are brought in and taken out in."""

    VCARD = "vcard"
    CSV = "csv"

    @property
    def suffix(self) -> str:
        return ".vcf" if self is FileFormat.VCARD else ".csv"


def read_import_file(path: Path, *, file_format: FileFormat | None = None, encoding: str | None = None,
                     name_column: str | None = None, number_column: str | None = None) -> FileRead:
    """The rows of a file to import, read as the format given or the one it looks like. Raises
    UnreadableFileError (one sentence) when the file as a whole cannot be used."""
    data = _read_plain_file(path)
    chosen = file_format or format_of(path, data)
    if chosen is FileFormat.VCARD:
        from cst_directory.storage.vcard import read_vcards

        return read_vcards(data)
    from cst_directory.storage.csv_contacts import read_csv_contacts

    return read_csv_contacts(data, encoding=encoding, name_column=name_column, number_column=number_column)


def format_of(path: Path, data: bytes) -> FileFormat:
    """vCard when the file starts like one (or is named .vcf/.vcard), CSV otherwise."""
    if path.suffix.lower() in (".vcf", ".vcard"):
        return FileFormat.VCARD
    head = data[:4096]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    text = head.replace(b"\x00", b"").lstrip().upper()
    return FileFormat.VCARD if text.startswith(b"BEGIN:VCARD") else FileFormat.CSV


def write_export_file(path: Path, entries: Iterable[Entry], *, file_format: FileFormat,
                      with_sources: bool = False) -> int:
    """Write the entries to a new file at path and return how many; FileExistsError if something is
    already there, since an export never replaces a file."""
    if file_format is FileFormat.VCARD:
        from cst_directory.storage.vcard import write_vcards as write
    else:
        from cst_directory.storage.csv_contacts import write_csv_contacts as write
    chosen = list(entries)
    data = write(chosen, with_sources=with_sources)
    write_new_file(path, data)
    return len(chosen)


def _read_plain_file(path: Path) -> bytes:
    name = path.name
    try:
        # O_NONBLOCK: a named pipe chosen by mistake must not hang the window; it is refused below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UnreadableFileError(f"There is no file {path}: check the name and the folder.") from None
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise UnreadableFileError(f"{name} is a folder: choose a file of contacts in it.") from None
        raise UnreadableFileError(f"{name} could not be opened ({exc.strerror}): check that you may "
                                  "read it.") from None
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(source.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError(f"{name} is not a file of contacts: choose a .vcf or .csv file.")
        if info.st_size > MAX_IMPORT_BYTES:
            raise UnreadableFileError(f"{name} is {info.st_size / 1e6:,.0f} MB, larger than any file of "
                                      "contacts: choose the .vcf or .csv file your phone or mail program "
                                      "exported.")
        try:
            data = source.read(MAX_IMPORT_BYTES + 1)
        except OSError as exc:
            raise UnreadableFileError(f"{name} could not be read ({exc.strerror}).") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise UnreadableFileError(f"{name} is larger than any file of contacts: choose the .vcf or .csv "
                                  "file your phone or mail program exported.")
    if not data.strip():
        raise UnreadableFileError(f"{name} is empty: export your contacts again and choose the new file.")
    return data
