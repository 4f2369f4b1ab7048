"""Contacts as CSV: reading the files Google Contacts, Outlook, Thunderbird and spreadsheets write, as rows
to preview, and writing entries as a CSV that spreadsheets open safely and this module reads back exactly.

Reading never parses a number: it finds the cells that hold numbers and names, and leaves checking them to
the preview, so that every row that cannot be used is shown with its reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from cst_directory import APP_NAME, __version__
from cst_directory.domain.entries import Entry
from cst_directory.domain.import_rows import FileRead, ImportRow, ReadProblem, UnreadableFileError
from cst_directory.domain.text import ascii_digits

MAX_FILE_BYTES = 50 * 1024 * 1024
# Google writes several values of one field into one cell with this between them.
MULTI_VALUE_SEPARATOR = ":::"
# A spreadsheet reads a cell that begins with one of these as a formula (or, for ', as a text marker it
# then drops), so every such cell we write is given a leading ' that keeps it as text.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n'")
DELIMITERS = ",;\t"
# Enough lines for the sniffer to see the pattern, without its per-character counting growing with the file.
_SNIFF_CHARS = 16 * 1024

# Our own files carry this column: its header says which program wrote them (and which version), which is
# what tells the reader to undo exactly the quote the writer added, in every cell.
MARKER_HEADER = f"{APP_NAME} {__version__}"
_MARKER = re.compile(rf"^{re.escape(APP_NAME)} \S+$", re.IGNORECASE)
NAME_HEADER = "Name"
NUMBER_HEADER = "Number"
INTERNATIONAL_HEADER = "International"
NOTES_HEADER = "Notes"
SOURCE_HEADERS = ("Region", "Source", "As of")

_GOOGLE_PHONE = re.compile(r"^phone (\d+) - (value|label|type)$")


class ColumnsNeededError(UnreadableFileError):
    """The file's header names no columns this module knows: the caller must say which hold names and
    numbers, choosing among the header cells carried here."""

    def __init__(self, message: str, headers: Sequence[str]) -> None:
        super().__init__(message)
        self.headers: tuple[str, ...] = tuple(headers)


@dataclass(frozen=True, slots=True)
class _Phone:
    """Where one phone column is in a row, and the label its numbers get."""

    column: int
    label: str = ""
    label_column: int | None = None
    """Google's files give each number's label in a column of its own, beside the value."""


@dataclass(frozen=True, slots=True)
class _Layout:
    """Which columns of a producer's file hold what this module reads."""

    names: tuple[tuple[int, ...], ...]
    """Ways of making the name, best first: the first whose columns are not all empty wins."""
    phones: tuple[_Phone, ...]
    notes: int | None
    ours: bool = False

    @property
    def needed(self) -> int:
        """How many cells a row must have to hold every name and phone column."""
        columns = [c for way in self.names for c in way] + [p.column for p in self.phones]
        return max(columns, default=-1) + 1


# Column header (lower case) to label. Fax, telex and the like are left out: nobody rings them.
_OUTLOOK_PHONES = {
    "mobile phone": "mobile",
    "primary phone": "main",
    "home phone": "home",
    "home phone 2": "home",
    "business phone": "work",
    "business phone 2": "work",
    "company main phone": "company",
    "other phone": "other",
    "car phone": "car",
    "assistant's phone": "assistant",
    "callback": "callback",
    "radio phone": "radio",
    "pager": "pager",
    "tty/tdd phone": "text phone",
    "isdn": "isdn",
}
# British English builds of Thunderbird and files people made for it write some of these differently.
_THUNDERBIRD_PHONES = {
    "mobile number": "mobile",
    "mobile phone": "mobile",
    "mobile": "mobile",
    "work phone": "work",
    "work number": "work",
    "home phone": "home",
    "home number": "home",
    "pager number": "pager",
    "pager": "pager",
}


def read_csv_contacts(data: bytes, *, encoding: str | None = None, name_column: str | None = None,
                      number_column: str | None = None) -> FileRead:
    """The rows of a CSV file of contacts, one per number, and the lines that gave none. encoding names
    the code page of a file that is in neither UTF-8, UTF-16 nor cp1252; name_column and number_column
    pick columns by their header text (any case), for files whose header this module does not know.
    Raises ColumnsNeededError when such a file needs them, UnreadableFileError for a file that cannot be
    read at all."""
    text = _decode(data, encoding)
    lines = io.StringIO(text, newline="").readlines()
    delimiter = _delimiter(text, lines)
    records = _Records(lines, delimiter)
    header_record = next((r for r in records if r.cells is None or any(c.strip() for c in r.cells)), None)
    if header_record is None:
        raise UnreadableFileError("The file is empty: there are no contacts in it.")
    if header_record.cells is None:
        raise UnreadableFileError("The first line of the file is not a readable row of column names: "
                                  "check its quotes.")
    header = [cell.strip() for cell in header_record.cells]
    body = list(records)
    layout = _layout(header, body, name_column, number_column)
    return _read_rows(body, layout, len(header))


def write_csv_contacts(entries: Iterable[Entry], *, with_sources: bool = False) -> bytes:
    """Entries as a CSV file: UTF-8 with a BOM (which Excel needs to see it is UTF-8), CRLF line ends,
    every field quoted, a header row; with_sources adds each entry's region, source and date."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    header = [NAME_HEADER, NUMBER_HEADER, INTERNATIONAL_HEADER, NOTES_HEADER]
    if with_sources:
        header.extend(SOURCE_HEADERS)
    # Last, so that a spreadsheet shows the name first; its cells are empty, only its header matters.
    header.append(MARKER_HEADER)
    writer.writerow(header)
    for entry in entries:
        cells = [entry.name, entry.number.display, entry.number.international or "", entry.notes]
        if with_sources:
            cells.extend((entry.region or "", entry.source or "", entry.as_of or ""))
        cells.append("")
        writer.writerow([_neutralise(cell) for cell in cells])
    return out.getvalue().encode("utf-8-sig")


def _neutralise(cell: str) -> str:
    return "'" + cell if cell and cell[0] in FORMULA_TRIGGERS else cell


def _restore(cell: str) -> str:
    """Undo _neutralise exactly: only a quote it could have added is taken off."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


def _decode(data: bytes, encoding: str | None) -> str:
    # Measured before anything else, so that a huge file costs nothing more than its length.
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFileError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, too large "
                                  "to be a file of contacts: export fewer contacts at a time.")
    if not data.strip():
        raise UnreadableFileError("The file is empty: there are no contacts in it.")
    if encoding is not None:
        text = _decode_as(data, encoding)
    elif data.startswith(codecs.BOM_UTF8):
        text = _decode_as(data, "utf-8-sig")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_as(data, "utf-16")
    else:
        if b"\x00" in data:
            raise _binary()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise UnreadableFileError(
                    "The file is not in UTF-8 or Windows-1252 text: choose the code page it was saved in "
                    "(such as cp1255 for Hebrew Windows).") from None
    # A BOM left by an explicit code page, or written twice, would otherwise stick to the first header.
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise _binary()
    if not text.strip():
        raise UnreadableFileError("The file is empty: there are no contacts in it.")
    return text


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
        return data.decode(encoding)
    except LookupError:
        # Also what a codec that is not text (base64, rot13) raises from decode.
        raise UnreadableFileError(f"“{encoding}” is not a text encoding this app knows: try one such as "
                                  "utf-8, cp1252 or cp1255.") from None
    except UnicodeDecodeError:
        raise UnreadableFileError(f"The file cannot be read as {encoding} text: choose the code page it was "
                                  "saved in.") from None


def _binary() -> UnreadableFileError:
    return UnreadableFileError("The file is not text (it holds binary data), so it is not a CSV file: "
                               "export the contacts as CSV and choose that file.")


def _delimiter(text: str, lines: Sequence[str]) -> str:
    header = next((line for line in lines if line.strip()), "")
    counts = _count_outside_quotes(header)
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS:
        # A cut line would look like a row with fewer cells than the others.
        sample = sample[: max(sample.rfind("\n"), sample.rfind("\r")) + 1] or sample
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    # The sniffer weighs every line alike and can be swayed by commas in names; the header row has none
    # of those, so a delimiter it never uses is not believed.
    if sniffed and sniffed in DELIMITERS and (counts[sniffed] or not any(counts.values())):
        return sniffed
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return counts


@dataclass(frozen=True, slots=True)
class _Record:
    """One CSV record and the line it starts on; cells is None for one the csv module could not read."""

    line: int
    cells: list[str] | None


class _Lines:
    """The file's lines for csv.reader, from a position that can be moved back after a bad record."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.next = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        line = self.lines[self.next]
        self.next += 1
        return line


class _Records:
    """The records of the file; after a record csv cannot read, reading goes on from the line after the
    one it began on, so that a quote never closed does not swallow every row after it."""

    def __init__(self, lines: Sequence[str], delimiter: str) -> None:
        self._lines = _Lines(lines)
        self._delimiter = delimiter
        self._reader = self._new_reader()

    def _new_reader(self) -> Iterator[list[str]]:
        return csv.reader(self._lines, delimiter=self._delimiter, quotechar='"', doublequote=True,
                          skipinitialspace=False, strict=True)

    def __iter__(self) -> Iterator[_Record]:
        return self

    def __next__(self) -> _Record:
        while True:
            start = self._lines.next
            try:
                cells = next(self._reader)
            except csv.Error:
                self._lines.next = start + 1
                self._reader = self._new_reader()
                return _Record(start + 1, None)
            if cells:  # csv gives [] for a blank line
                return _Record(start + 1, cells)


def _layout(header: list[str], body: list[_Record], name_column: str | None,
            number_column: str | None) -> _Layout:
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        index.setdefault(cell.lower(), i)
    ours = any(_MARKER.match(cell) for cell in header)
    found = _our_layout(index) if ours else _producer_layout(index)
    if name_column is None and number_column is None and found is not None:
        return found
    if found is None and (name_column is None or number_column is None):
        if not _any_number_column(body, len(header)):
            raise UnreadableFileError("No column of the file holds phone numbers, so there is nothing in "
                                      "it to add.")
        raise ColumnsNeededError("The file's columns are not ones this app knows: choose which column "
                                 "holds the names and which the numbers.", header)
    names = found.names if found is not None else ()
    phones = found.phones if found is not None else ()
    if name_column is not None:
        names = ((_chosen(index, name_column, header),),)
    if number_column is not None:
        phones = (_Phone(_chosen(index, number_column, header)),)
    notes = found.notes if found is not None else _first(index, "notes", "note", "comments", "comment")
    return _Layout(names=names, phones=phones, notes=notes, ours=ours)


def _chosen(index: dict[str, int], column: str, header: list[str]) -> int:
    found = index.get(column.strip().lower())
    if found is None:
        raise ColumnsNeededError(f"The file has no column called “{column}”: choose one of its columns.",
                                 header)
    return found


def _first(index: dict[str, int], *names: str) -> int | None:
    return next((index[n] for n in names if n in index), None)


def _ways(index: dict[str, int], *ways: tuple[str, ...]) -> tuple[tuple[int, ...], ...]:
    found = (tuple(index[n] for n in way if n in index) for way in ways)
    return tuple(way for way in found if way)


def _our_layout(index: dict[str, int]) -> _Layout:
    if "name" not in index or ("number" not in index and "international" not in index):
        raise UnreadableFileError(f"The file says {APP_NAME} wrote it, but its Name or Number column is "
                                  "missing: export the contacts again.")
    phones = tuple(_Phone(index[n]) for n in ("number", "international") if n in index)
    return _Layout(names=((index["name"],),), phones=phones, notes=index.get("notes"), ours=True)


def _producer_layout(index: dict[str, int]) -> _Layout | None:
    """The layout of a file from a program this module knows, told by its header, or None."""
    google = _google_phones(index)
    if google is not None:
        new_style = "first name" in index or "last name" in index
        names = (_ways(index, ("name prefix", "first name", "middle name", "last name", "name suffix"),
                       ("nickname",), ("file as",), ("organization name",))
                 if new_style else
                 _ways(index, ("name",),
                       ("name prefix", "given name", "additional name", "family name", "name suffix"),
                       ("nickname",), ("organization 1 - name",)))
        return _Layout(names=names, phones=google, notes=index.get("notes"))
    if "display name" in index and any(h in index for h in _THUNDERBIRD_PHONES):
        return _Layout(
            names=_ways(index, ("display name",), ("first name", "last name"), ("nickname",),
                        ("organization",), ("organisation",)),
            phones=_fixed_phones(index, _THUNDERBIRD_PHONES),
            notes=index.get("notes"))
    if any(h in index for h in _OUTLOOK_PHONES) and ("first name" in index or "last name" in index):
        return _Layout(
            names=_ways(index, ("title", "first name", "middle name", "last name", "suffix"),
                        ("nickname",), ("company",)),
            phones=_fixed_phones(index, _OUTLOOK_PHONES),
            notes=index.get("notes"))
    return None


def _google_phones(index: dict[str, int]) -> tuple[_Phone, ...] | None:
    values: dict[int, int] = {}
    labels: dict[int, int] = {}
    for header, column in index.items():
        match = _GOOGLE_PHONE.match(header)
        if match is not None:
            target = values if match.group(2) == "value" else labels
            target.setdefault(int(match.group(1)), column)
    if not values or not labels:
        return None
    return tuple(_Phone(values[n], label_column=labels.get(n)) for n in sorted(values))


def _fixed_phones(index: dict[str, int], labels: dict[str, str]) -> tuple[_Phone, ...]:
    # In the order of the file's own columns, which is the order its program shows the numbers in.
    found = sorted((index[h], label) for h, label in labels.items() if h in index)
    return tuple(_Phone(column, label) for column, label in found)


def _any_number_column(body: list[_Record], width: int) -> bool:
    for record in body:
        if record.cells is not None and any(_looks_like_number(c) for c in record.cells[:width]):
            return True
    return False


def _looks_like_number(cell: str) -> bool:
    digits = sum(ch.isdigit() for ch in ascii_digits(cell))
    others = sum(1 for ch in cell if not ch.isdigit() and not ch.isspace() and ch not in "+-().'/")
    return digits >= 3 and others <= 4


def _read_rows(body: list[_Record], layout: _Layout, width: int) -> FileRead:
    rows: list[ImportRow] = []
    problems: list[ReadProblem] = []
    needed = layout.needed
    for record in body:
        where = f"line {record.line}"
        cells = record.cells
        if cells is None:
            problems.append(ReadProblem(where, "This line's quotes do not match, so its cells cannot be "
                                               "told apart: check the quotes in it."))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < needed:
            problems.append(ReadProblem(where, f"This line has {_cells(len(cells))} where the first line "
                                               f"has {width}: some of its cells are missing."))
            continue
        if any(cell.strip() for cell in cells[width:]):
            problems.append(ReadProblem(where, f"This line has {_cells(len(cells))} where the first line "
                                               f"has {width}: a comma or semicolon in it may need quotes."))
            continue
        if layout.ours:
            cells = [_restore(cell) for cell in cells]
        rows_before = len(rows)
        problem = _contact_rows(where, cells, layout, rows)
        if problem is not None:
            problems.append(ReadProblem(where, problem))
        elif len(rows) == rows_before:
            problems.append(ReadProblem(where, "This line has no phone number."))
    return FileRead(rows=tuple(rows), problems=tuple(problems))


def _cells(count: int) -> str:
    return "1 cell" if count == 1 else f"{count} cells"


def _contact_rows(where: str, cells: list[str], layout: _Layout, rows: list[ImportRow]) -> str | None:
    """Add the rows of one contact, or say why it has none."""
    numbers: list[tuple[str, str]] = []
    for phone in layout.phones:
        cell = cells[phone.column] if phone.column < len(cells) else ""
        if layout.ours:
            # The international form is only a fall-back, for a file edited to leave Number empty.
            if cell:
                numbers.append((cell, ""))
                break
            continue
        label = phone.label
        if phone.label_column is not None and phone.label_column < len(cells):
            label = cells[phone.label_column].strip().removeprefix("* ").strip().lower()
        for value in cell.split(MULTI_VALUE_SEPARATOR):
            # A spreadsheet user's ' keeps a leading + or 0 from being eaten; it is not part of the number.
            number = value.strip().removeprefix("'").strip()
            if number:
                numbers.append((number, label))
    name = _name(cells, layout)
    if numbers and not name.strip():
        return f"This line has a number ({numbers[0][0]}) but no name."
    notes = ""
    if layout.notes is not None and layout.notes < len(cells):
        notes = cells[layout.notes] if layout.ours else cells[layout.notes].strip()
    if any("\n" in number or "\r" in number for number, _ in numbers):
        return "This line's number runs over several lines: a quote in the file may be missing."
    several = len(numbers) > 1
    rows.extend(ImportRow(where=where, name=f"{name} ({label})" if several and label else name,
                          number=number, label=label, notes=notes)
                for number, label in numbers)
    return None


def _name(cells: list[str], layout: _Layout) -> str:
    for way in layout.names:
        if layout.ours:
            return cells[way[0]]
        name = " ".join(" ".join(cells[c].split()) for c in way if c < len(cells) and cells[c].strip())
        if name:
            return name
    return ""
