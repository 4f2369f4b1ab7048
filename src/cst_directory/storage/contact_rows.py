"""Stored contact rows read back as entries, and the forms written beside each number so that reading
never parses it again.

Any program can write to the file, so every field is checked: a row that cannot be read is skipped (and
counted by the caller), never a reason to fail. The stored forms (display, international, dial...) are
used only when a checksum over them and the row's own columns matches; a row that another program
changed has its number parsed again, so an edit of the file does not make a row show one number and dial
another.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from cst_directory.domain.contacts import REGION_IDS, ValidContact
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import (
    HOME_COUNTRY_CODE,
    MAX_SHORT_CODE_DIGITS,
    NumberError,
    PhoneNumber,
    parse_number,
    query_digits,
)
from cst_directory.domain.text import BIDI_CONTROLS, ascii_digits, neutralise_bidi

ROW_COLUMNS = ("id", "name", "number", "extension", "verified", "region", "notes")
# What display and search need, worked out with phonenumbers and fold() when the contact is written.
FORM_COLUMNS = ("display", "international", "dial", "tel_uri", "is_short", "search_digits", "search_text",
                "sort_name", "forms_key")


def select_columns() -> str:
    """The SELECT list for row_to_entry: each column followed by its storage class."""
    return ", ".join(f"{c}, typeof({c})" for c in ROW_COLUMNS)


def plain_columns() -> str:
    """The SELECT list for plain_row_to_entry: the row's own columns, its stored forms, and the text its
    checksum is taken over, joined by SQLite rather than in Python for every row."""
    joined = " || char(31) || ".join(f"IFNULL({column}, char(0))" for column in _CHECKED_COLUMNS)
    return ", ".join((*ROW_COLUMNS, *FORM_COLUMNS, joined))


def readable_row_filter() -> str:
    """A WHERE clause keeping the rows whose own columns have the storage classes this version writes;
    the others are read one field at a time by row_to_entry."""
    return ("typeof(id) = 'text' AND typeof(name) = 'text' AND typeof(number) = 'text'"
            " AND typeof(extension) IN ('text', 'null') AND typeof(region) IN ('text', 'null')"
            " AND typeof(notes) = 'text'")


_HOME = str(HOME_COUNTRY_CODE)
# What phonenumbers puts between the digits of the forms it writes, dropped before comparing digits.
_SEPARATORS = str.maketrans("", "", " -()+x")

# What the checksum covers: the row's own columns that display and search depend on, then its forms.
_CHECKED_COLUMNS = ("name", "number", "extension", "verified", "notes", *FORM_COLUMNS[:-1])


def stored_number(contact: ValidContact) -> str:
    return stored_number_of(contact.number)


def stored_number_of(number: PhoneNumber) -> str:
    return number.e164 if number.e164 is not None else number.dial


def stored_forms(entry: Entry) -> tuple[object, ...]:
    """The FORM_COLUMNS values for a contact about to be written."""
    number = entry.number
    forms = (number.display, number.international, number.dial, number.tel_uri, int(number.is_short),
             number.search_digits, entry.search_text, entry.sort_name)
    own = (entry.name, stored_number_of(number), number.extension, int(number.verified), entry.notes)
    return (*forms, forms_key(own, forms))


def forms_key(own: Sequence[object], forms: Sequence[object]) -> int:
    """A checksum of a row's own columns and its stored forms together (_CHECKED_COLUMNS, joined as SQLite
    joins them). The forms are used only when it matches: a row changed in any way by another program (its
    number, its name, or a form alone) is worked out again from its number, so what is shown is always
    what the number dials."""
    return _checksum("\x1f".join("\x00" if value is None else str(value) for value in (*own, *forms)))


def _checksum(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def make_personal(entry_id: str, contact: ValidContact, favourite: bool) -> Entry:
    return make_entry(id=entry_id, name=contact.name, category=Category.PERSONAL, region=contact.region,
                      number=contact.number, builtin=False, notes=contact.notes, favourite=favourite)


def plain_row_to_entry(row: Sequence[object], favourites: set[str]) -> Entry | None:
    """The contact a row of plain_columns() holds, from its stored forms when their checksum matches, or
    None if the row cannot be read. The row's own columns are already known to be text (see
    readable_row_filter)."""
    entry_id, name, number, extension, verified_value, region, notes = row[:7]
    assert isinstance(entry_id, str) and isinstance(name, str) and isinstance(number, str)
    assert isinstance(notes, str)
    if region not in REGION_IDS:
        region = None
    joined = row[16]
    display, international, dial, tel_uri, is_short, search_digits, search_text, sort_name = row[7:15]
    ext = extension if isinstance(extension, str) and extension else None
    # The checksum says the row is as this version wrote it; a checksum anyone can recompute does not
    # say the forms are honest, so their digits are checked against the number too (string operations
    # in C, no phonenumbers), and the text for direction controls.
    if (row[15] == (_checksum(joined) if isinstance(joined, str) else None)
            and isinstance(display, str) and isinstance(dial, str) and isinstance(tel_uri, str)
            and isinstance(search_digits, str) and isinstance(search_text, str)
            and isinstance(sort_name, str) and (international is None or isinstance(international, str))
            and type(is_short) is int
            and _forms_agree(number, ext, display=display, international=international, dial=dial,
                             tel_uri=tel_uri, is_short=is_short)
            and BIDI_CONTROLS.isdisjoint(name) and BIDI_CONTROLS.isdisjoint(notes)):
        number_forms = PhoneNumber(display=display, international=international,
                                   e164=None if is_short else number, dial=dial, tel_uri=tel_uri,
                                   is_short=bool(is_short), verified=verified_value == 1, extension=ext,
                                   search_digits=search_digits)
        return Entry(id=entry_id, name=name, category=Category.PERSONAL, region=region, number=number_forms,
                     builtin=False, notes=notes, favourite=entry_id in favourites,
                     search_text=search_text, sort_name=sort_name)
    # Written by another program, or by a version that stored no forms: worked out again, as in a file
    # read for the first time.
    if not name.strip() or not entry_id.strip() or not number.strip():
        return None
    verified = verified_value == 1 and type(verified_value) is int
    contact = ValidContact(name=neutralise_bidi(" ".join(name.split())),
                           number=_stored_phone_number(number, ext, verified), region=region,
                           notes=neutralise_bidi(notes))
    return make_personal(entry_id, contact, entry_id in favourites)


def _forms_agree(number: str, ext: str | None, *, display: str, international: str | None, dial: str,
                 tel_uri: str, is_short: int) -> bool:
    """Whether the stored forms hold exactly the number's digits: shown, copied, dialled and called."""
    tail = ext or ""
    if is_short:
        return (is_short == 1 and number.isascii() and number.isdigit() and not tail and international is None
                and display.translate(_SEPARATORS) == number and dial == number
                and tel_uri == f"tel:{number};phone-context=+{_HOME}")
    digits = number[1:]
    if not (is_short == 0 and number.startswith("+") and digits.isascii() and digits.isdigit()
            and international is not None):
        return False
    home = digits.startswith(_HOME)
    dialled = "0" + digits[len(_HOME):] if home else "00" + digits
    shown = dialled if home else digits
    uri, _, uri_ext = tel_uri.partition(";ext=")
    return (display.translate(_SEPARATORS) == shown + tail
            and international.translate(_SEPARATORS) == digits + tail
            and dial == dialled and uri.startswith("tel:+") and uri[5:].translate(_SEPARATORS) == digits
            and uri_ext == tail)


def row_to_entry(row: tuple[object, ...], favourites: set[str]) -> Entry | None:
    """The contact a row of select_columns() holds (fetched as bytes), or None if the row cannot be read
    as one. Every field is checked, since any program can write to the file; the number is parsed."""
    # typeof() comes back as bytes too, under the bytes text factory.
    kinds = [kind.decode("ascii", "replace") if isinstance(kind, bytes) else str(kind) for kind in row[1::2]]
    values = dict(zip(ROW_COLUMNS, zip(row[0::2], kinds, strict=True), strict=True))
    try:
        entry_id = _text(values["id"], required=True)
        name = _text(values["name"], required=True)
        number = _text(values["number"], required=True)
        extension = _text(values["extension"]) or None
        notes = _text(values["notes"])
        region = _text(values["region"]) or None
    except _UnreadableFieldError:
        return None
    verified_value, verified_type = values["verified"]
    verified = verified_type == "integer" and verified_value == 1
    if region not in REGION_IDS:
        region = None
    parsed = _stored_phone_number(number, extension, verified)
    contact = ValidContact(name=neutralise_bidi(" ".join(name.split())), number=parsed, region=region,
                           notes=neutralise_bidi(notes))
    return make_personal(entry_id, contact, entry_id in favourites)


class _UnreadableFieldError(ValueError):
    """A stored value is not text this version can read."""


def _text(field: tuple[object, object], *, required: bool = False) -> str:
    value, kind = field
    if kind == "null" and not required:
        return ""
    if kind != "text" or not isinstance(value, bytes):
        raise _UnreadableFieldError(kind)
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        raise _UnreadableFieldError("not UTF-8") from None
    if required and not text.strip():
        raise _UnreadableFieldError("empty")
    return text


def _stored_phone_number(number: str, extension: str | None, verified: bool) -> PhoneNumber:
    text = f"{number} x{extension}" if extension else number
    try:
        return parse_number(text, allow_unverified=not verified)
    except NumberError:
        pass
    try:
        # phonenumbers' metadata has changed since it was saved: keep it, shown as unverified.
        return parse_number(text, allow_unverified=True)
    except NumberError:
        return as_stored(number, extension)


def as_stored(number: str, extension: str | None) -> PhoneNumber:
    """A number that no longer parses at all, shown exactly as it was stored and marked unverified, so
    that the user still sees it and can correct it: hiding it would lose what they saved. Its digits are
    shown as ASCII and its direction controls dropped, so what is shown is what would be dialled."""
    number = ascii_digits(neutralise_bidi(number))
    extension = ascii_digits(neutralise_bidi(extension)) if extension else None
    digits = "".join(ch for ch in number if ch in "0123456789")
    international = number.startswith("+")
    dial = f"00{digits}" if international else digits
    return PhoneNumber(
        display=f"{number} x{extension}" if extension else number,
        international=number if international else None,
        e164=number if international and digits else None,
        dial=dial,
        tel_uri=f"tel:+{digits}" if international else f"tel:{digits};phone-context=+44",
        is_short=not international and len(digits) <= MAX_SHORT_CODE_DIGITS,
        verified=False,
        extension=extension,
        search_digits=query_digits(dial),
    )
