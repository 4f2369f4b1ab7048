"""vCard files: the cards phones and address books write (2.1, 3.0 and 4.0) read into rows to import, and
entries written as vCard 3.0 for them to read back.

Only what the app keeps is read (FN, N, ORG, TEL with its label, NOTE); every other property, photos
included, is stepped over without being decoded. The reader is tolerant of each producer's spelling, and a
card it cannot trust is reported and left out rather than stopping the rest of the file.
"""

from __future__ import annotations

import binascii
import codecs
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cst_directory.domain.entries import Entry
from cst_directory.domain.import_rows import FileRead, ImportRow, ReadProblem, UnreadableFileError
from cst_directory.domain.text import neutralise_bidi

MAX_FILE_BYTES = 50 * 1024 * 1024
# RFC 2426 and RFC 6350 both limit a line to 75 octets, not counting its CRLF.
MAX_LINE_OCTETS = 75

_BEGIN = b"BEGIN:VCARD"
_END = b"END:VCARD"
_FOLD = (b" ", b"\t")
# Parameters that 2.1 allows without a name ("TEL;CELL;PREF:"): these four name an encoding, any other
# bare word is a type.
_BARE_ENCODINGS = frozenset({"quoted-printable", "base64", "8bit", "7bit"})
# 2.1 cards carry a base64 photo's lines unindented until a blank line; such a line is only base64 letters.
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
# A property's name and parameters are a few dozen octets; a "head" longer than this is not one, and is
# not worth splitting character by character.
_MAX_HEAD_OCTETS = 4096
_WANTED = frozenset({"FN", "N", "ORG", "TEL", "NOTE", "X-ABLABEL"})
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}
_STRUCTURED = re.compile(r"\\.|;", re.DOTALL)
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_ANDROID_CUSTOM = re.compile(r"X-CUSTOM\((.*)\)", re.IGNORECASE | re.DOTALL)
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_", re.DOTALL)
_APPLE_LABELS = {"homefax": "home fax", "workfax": "work fax", "otherfax": "other fax"}

# How a TEL's types read as a label: where the phone is first, then what kind of line, so that
# "TYPE=CELL,WORK" and "TYPE=WORK,CELL" both say "work mobile". Types that describe no line a person would
# pick (voice, pref, msg...) say nothing.
_PLACE_TYPES = {"home": "home", "work": "work", "main": "main", "other": "other"}
_KIND_TYPES = {"cell": "mobile", "mobile": "mobile", "iphone": "iphone", "fax": "fax", "pager": "pager",
               "textphone": "textphone", "car": "car", "video": "video"}


class _CardError(ValueError):
    """A card that cannot be trusted as a whole; the message is the reason shown in the preview."""


@dataclass(slots=True)
class _RawCard:
    """One card's physical lines, between its BEGIN and its END (if it has one)."""

    number: int
    lines: list[bytes] = field(default_factory=list)
    ended: bool = False


@dataclass(frozen=True, slots=True)
class _Property:
    """One content line, split into its parts; the value is still as written."""

    group: str
    name: str
    params: dict[str, list[str]]
    value: bytes


# Reading ---------------------------------------------------------------------------------------------


def read_vcard_file(path: Path) -> FileRead:
    """read_vcards() of a file, whose size is checked before any of it is read."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise _too_large()
            # Read one byte more than allowed, in case the file grew after it was measured.
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UnreadableFileError(f"{path.name} cannot be read ({reason}).") from None
    return read_vcards(data)


def read_vcards(data: bytes) -> FileRead:
    """Every number on every card of a vCard file (2.1, 3.0 or 4.0), or UnreadableFileError if the file as
    a whole is not one. Cards that cannot be read are in the result's problems, each with its card number."""
    text = _as_text_bytes(data)
    rows: list[ImportRow] = []
    problems: list[ReadProblem] = []
    found = False
    for card in _raw_cards(text):
        found = True
        where = f"card {card.number}"
        if not card.ended:
            problems.append(ReadProblem(where, "This card has no END:VCARD line, so the file may have been "
                                               "cut short here: it was not read."))
            continue
        try:
            card_rows = _card_rows(where, card.lines)
        except _CardError as exc:
            problems.append(ReadProblem(where, str(exc)))
            continue
        if isinstance(card_rows, ReadProblem):
            problems.append(card_rows)
        else:
            rows += card_rows
    if not found:
        raise UnreadableFileError("This file has no contacts in it: it is not a vCard file (there is no "
                                  "BEGIN:VCARD line).")
    return FileRead(rows=tuple(rows), problems=tuple(problems))


def _too_large() -> UnreadableFileError:
    return UnreadableFileError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, far more "
                               "than any address book: choose the file with your contacts.")


def _as_text_bytes(data: bytes) -> bytes:
    """The file's bytes as UTF-8 or an 8-bit character set, each value of which is decoded as its card
    says; UTF-16 and UTF-32 files are turned into UTF-8 first."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    wide = _wide_encoding(data)
    if wide is not None:
        try:
            data = data.decode(wide).encode("utf-8", "surrogatepass")
        except UnicodeError:
            raise UnreadableFileError("The file says it is in UTF-16 or UTF-32 but its text cannot be "
                                      "decoded: export it again.") from None
    data = data.removeprefix(codecs.BOM_UTF8)
    if not data.strip():
        raise UnreadableFileError("The file is empty: there are no contacts in it.")
    if b"\x00" in data:
        raise UnreadableFileError("The file is not text (it holds binary data): it is not a vCard file.")
    return data


def _wide_encoding(data: bytes) -> str | None:
    # UTF-32's byte order marks begin with UTF-16's, so they are looked for first.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # Some Windows programs write UTF-16 without a byte order mark.
    if data.startswith(b"B\x00E\x00G\x00I\x00N\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00B\x00E\x00G\x00I\x00N"):
        return "utf-16-be"
    return None


def _raw_cards(data: bytes) -> Iterator[_RawCard]:
    card: _RawCard | None = None
    number = 0
    for line in data.splitlines():
        key = line.strip().upper()
        if key == _BEGIN:
            if card is not None:
                yield card
            number += 1
            card = _RawCard(number)
        elif card is None:
            continue
        elif key == _END:
            card.ended = True
            yield card
            card = None
        else:
            card.lines.append(line)
    if card is not None:
        yield card


def _card_rows(where: str, lines: list[bytes]) -> list[ImportRow] | ReadProblem:
    fn = ""
    structured_name = ""
    org = ""
    notes: list[str] = []
    # Each number with the label its types give it and its group, whose X-ABLabel may come later.
    tels: list[tuple[str, str, str]] = []
    group_labels: dict[str, str] = {}
    for prop in _properties(lines):
        if prop.name == "TEL":
            number = _tel_number(prop)
            if number:
                tels.append((number, _type_label(prop.params), prop.group))
        elif prop.name == "FN":
            fn = fn or " ".join(_unescape(_decode(prop)).split())
        elif prop.name == "N":
            structured_name = structured_name or _assembled_name(_decode(prop))
        elif prop.name == "ORG":
            org = org or ", ".join(p for p in (" ".join(s.split()) for s in _split_structured(_decode(prop)))
                                   if p)
        elif prop.name == "NOTE":
            note = _unescape(_decode(prop)).replace("\r\n", "\n").replace("\r", "\n").strip()
            if note:
                notes.append(note)
        elif prop.name == "X-ABLABEL" and prop.group:
            group_labels[prop.group] = _apple_label(_unescape(_decode(prop)))
    name = fn or structured_name or org
    if not tels:
        said = f"“{name}” has" if name else "This card has"
        return ReadProblem(where, f"{said} no phone number.")
    note = "\n".join(notes)
    # An Apple label says what the user chose; the types are only the producer's nearest kind.
    labels = [group_labels.get(group, "") or typed if group else typed for _, typed, group in tels]
    if len(tels) == 1:
        return [ImportRow(where=where, name=name, number=tels[0][0], label=labels[0], notes=note)]
    return [ImportRow(where=where, name=f"{name} ({shown})" if name else "", number=number, label=label,
                      notes=note)
            for (number, _, _), label, shown in zip(tels, labels, _distinct_labels(labels), strict=True)]


def _distinct_labels(labels: list[str]) -> list[str]:
    """Each number's label as its row's name shows it: a missing label says which number it is, and a
    label used twice is numbered, so that no two rows of a card are named alike."""
    shown = [label or f"number {i}" for i, label in enumerate(labels, start=1)]
    counts: dict[str, int] = {}
    for label in shown:
        counts[label] = counts.get(label, 0) + 1
    seen: dict[str, int] = {}
    result = []
    for label in shown:
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            result.append(f"{label} {seen[label]}")
        else:
            result.append(label)
    return result


def _properties(lines: list[bytes]) -> Iterator[_Property]:
    """The card's content lines unfolded and split, the ones the app uses only. Version 2.1 keeps the
    white space a line was folded at, as its spec says; 3.0 and 4.0 drop it."""
    keeps_fold_space = any(line.strip().upper() == b"VERSION:2.1" for line in lines)
    # Each content line as the pieces it was written in, joined once at the end: a photo folded over
    # hundreds of thousands of lines would take quadratic time if it were joined line by line.
    logical: list[list[bytes]] = []
    encoding = b""
    for line in lines:
        if logical and line[:1] in _FOLD:
            logical[-1].append(line if keeps_fold_space else line[1:])
        elif logical and _continues(encoding, logical[-1], line):
            continue_with = logical[-1]
            if encoding == b"QUOTED-PRINTABLE":
                continue_with[-1] = continue_with[-1].rstrip(b" \t")[:-1]
            continue_with.append(line)
        elif line.strip():
            logical.append([line])
            encoding = _encoding_of(line)
    for pieces in logical:
        line = b"".join(pieces)
        colon = _colon_of(line)
        if colon < 0:
            shown = line[:40].decode("utf-8", "replace")
            raise _CardError(f"This card could not be read: it has a line that is not a vCard property "
                             f"(“{shown}”).")
        prop = _split_property(line, colon)
        if prop is not None:
            yield prop


def _encoding_of(first_line: bytes) -> bytes:
    """The encoding a content line names in its first line, when it is one whose value can go on past
    that line without being folded."""
    upper = first_line[:_MAX_HEAD_OCTETS].upper()
    head = upper[:upper.find(b":")] if b":" in upper else upper
    if b"QUOTED-PRINTABLE" in head:
        return b"QUOTED-PRINTABLE"
    if b"BASE64" in head or b"ENCODING=B" in head:
        return b"BASE64"
    return b""


def _continues(encoding: bytes, pieces: list[bytes], line: bytes) -> bool:
    """Whether line goes on the content line before it without being folded: a quoted-printable soft line
    break, or a 2.1 base64 value carried on unindented lines."""
    if encoding == b"QUOTED-PRINTABLE":
        return pieces[-1].rstrip(b" \t").endswith(b"=")
    if encoding == b"BASE64":
        return _BASE64_LINE.fullmatch(line.strip()) is not None
    return False


def _colon_of(line: bytes) -> int:
    """Where the value starts: the first colon outside a quoted parameter value, or -1 if there is none
    within a head's length."""
    head = line[:_MAX_HEAD_OCTETS + 1]
    at = 0
    while True:
        colon = head.find(b":", at)
        quote = head.find(b'"', at)
        if quote < 0 or colon < quote:
            return colon
        closing = head.find(b'"', quote + 1)
        if closing < 0:
            return -1
        at = closing + 1


def _split_property(line: bytes, colon: int) -> _Property | None:
    parts = _split_unquoted(line[:colon].decode("utf-8", "replace"), ";")
    group, _, name = parts[0].strip().rpartition(".")
    name = name.upper()
    if name not in _WANTED:
        return None
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        _add_param(params, part.strip())
    return _Property(group.lower(), name, params, line[colon + 1:])


def _add_param(params: dict[str, list[str]], part: str) -> None:
    custom = _ANDROID_CUSTOM.fullmatch(part)
    if custom is not None:
        # Android's own label spelling: X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE,<label>).
        pieces = custom.group(1).split(",")
        label = pieces[-1]
        if any(p.strip().upper() == "ENCODING=QUOTED-PRINTABLE" for p in pieces[:-1]):
            label = binascii.a2b_qp(label.encode("utf-8")).decode("utf-8", "replace")
        params.setdefault("x-custom", []).append(label)
        return
    key, equals, value = part.partition("=")
    if not equals:
        bare = key.strip().lower()
        params.setdefault("encoding" if bare in _BARE_ENCODINGS else "type", []).append(bare)
        return
    values = [v.strip().strip('"') for v in _split_unquoted(value, ",")]
    params.setdefault(key.strip().lower(), []).extend(v for v in values if v)


def _split_unquoted(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts: list[str] = []
    current: list[str] = []
    inside = False
    for ch in text:
        if ch == '"':
            inside = not inside
            current.append(ch)
        elif ch == separator and not inside:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _decode(prop: _Property) -> str:
    """The value as text: quoted-printable undone, then decoded in the character set the property names,
    or UTF-8, or (for the 8-bit exports of older Windows programs, which name none) Windows-1252."""
    raw = prop.value
    encodings = {e.lower() for e in prop.params.get("encoding", ())}
    if "quoted-printable" in encodings:
        raw = binascii.a2b_qp(raw)
    charsets = prop.params.get("charset")
    if charsets:
        try:
            return raw.decode(charsets[0])
        except LookupError:
            raise _CardError(f"This card could not be read: it is written in a character set this app does "
                             f"not know ({charsets[0]}).") from None
        except UnicodeDecodeError:
            raise _CardError(f"This card could not be read: its text is not in the character set it names "
                             f"({charsets[0]}).") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise _CardError("This card could not be read: its text is neither UTF-8 nor Windows text; "
                         "export it again as UTF-8.") from None


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    # A backslash before anything else is kept as written: a note may hold a Windows path.
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(0)), text)


def _split_structured(text: str) -> list[str]:
    """The components of N or ORG: split at each unescaped semicolon, then unescaped."""
    if "\\" not in text:
        return text.split(";")
    parts: list[str] = []
    start = 0
    for match in _STRUCTURED.finditer(text):
        if match.group() == ";":
            parts.append(_unescape(text[start:match.start()]))
            start = match.end()
    parts.append(_unescape(text[start:]))
    return parts


def _assembled_name(value: str) -> str:
    """N (family; given; additional; prefixes; suffixes) in the order a name is said: "Rabbi David Cohen"."""
    parts = [" ".join(p.replace(",", " ").split()) for p in _split_structured(value)]
    parts += [""] * (5 - len(parts))
    family, given, additional, prefix, suffix = parts[:5]
    return " ".join(p for p in (prefix, given, additional, family, suffix) if p)


def _tel_number(prop: _Property) -> str:
    # Direction marks around a number (some phones wrap it in them) change how it is shown, never what is
    # dialled: the digits are kept, the marks dropped.
    value = neutralise_bidi(_unescape(_decode(prop))).strip()
    if value[:4].lower() == "tel:":
        return _from_tel_uri(value[4:])
    return " ".join(value.split())


def _from_tel_uri(uri: str) -> str:
    """A tel: URI (RFC 3966) as digits and extension: "+44-20-7946-0123;ext=12" -> "+442079460123 x12"."""
    body, *params = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), uri).split(";")
    digits = "".join(ch for ch in body if ch.isdigit() or ch in "+*#")
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "ext" and value.strip():
            extension = "".join(ch for ch in value if ch.isdigit())
            return f"{digits} x{extension}" if extension else digits
    return digits


def _type_label(params: dict[str, list[str]]) -> str:
    custom = params.get("x-custom")
    if custom:
        return " ".join(custom[0].split()).lower()
    types = [t.lower() for value in params.get("type", ()) for t in value.split(",")]
    places = [_PLACE_TYPES[t] for t in types if t in _PLACE_TYPES]
    kinds = [_KIND_TYPES[t] for t in types if t in _KIND_TYPES]
    return " ".join(dict.fromkeys(places + kinds))


def _apple_label(text: str) -> str:
    """An X-ABLabel as a label: Apple's own ("_$!<Mobile>!$_") or one the user typed ("Shul office")."""
    text = " ".join(text.split())
    match = _APPLE_LABEL.fullmatch(text)
    if match is None:
        return text.lower()
    word = match.group(1).lower()
    return _APPLE_LABELS.get(word, word)


# Writing ---------------------------------------------------------------------------------------------


def write_vcards(entries: Iterable[Entry], *, with_sources: bool = False) -> bytes:
    """Entries as vCard 3.0, the version every phone and address book reads: CRLF, lines folded at 75
    octets. Direction marks are left out of names and notes, as the app shows them. with_sources adds the
    source and date of each built-in entry to its note."""
    out: list[str] = []
    for entry in entries:
        name = neutralise_bidi(entry.name)
        escaped_name = _escape(name)
        out += ["BEGIN:VCARD", "VERSION:3.0", f"FN:{escaped_name}",
                # N holds the whole name as given: splitting a name into given and family is a guess, and
                # phones that show N rather than FN then still show the name the user chose.
                f"N:;{escaped_name};;;",
                f"TEL;TYPE={_tel_type(entry)}:{_escape(_tel_text(entry))}"]
        note = neutralise_bidi(entry.notes)
        if with_sources and entry.builtin and entry.source:
            source = f"Source: {entry.source}" + (f", {entry.as_of}" if entry.as_of else "")
            note = f"{note}\n{source}" if note else source
        if note:
            out.append(f"NOTE:{_escape(note)}")
        out.append("END:VCARD")
    return b"".join(_folded(line) + b"\r\n" for line in out)


def _tel_text(entry: Entry) -> str:
    number = entry.number
    if number.e164:
        return f"{number.e164} x{number.extension}" if number.extension else number.e164
    if number.is_short:
        return number.dial
    # A stored number that no longer parses: written as the app shows it.
    return number.display


def _tel_type(entry: Entry) -> str:
    e164 = entry.number.e164 or ""
    # UK mobiles are +447 numbers, except personal numbers (070) and pagers (076).
    if e164.startswith("+447") and e164[4:5] not in ("0", "6"):
        return "CELL"
    return "VOICE"


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n"))


def _folded(line: str) -> bytes:
    raw = line.encode("utf-8")
    if len(raw) <= MAX_LINE_OCTETS:
        return raw
    pieces = []
    start = 0
    limit = MAX_LINE_OCTETS
    while len(raw) - start > limit:
        cut = start + limit
        # Back off to the first byte of a UTF-8 character, so that no line holds half of one.
        while raw[cut] & 0xC0 == 0x80:
            cut -= 1
        pieces.append(raw[start:cut])
        start = cut
        # A continuation line's leading space counts towards its 75 octets.
        limit = MAX_LINE_OCTETS - 1
    pieces.append(raw[start:])
    return b"\r\n ".join(pieces)
