"""Stored contact rows read back as entries. Any program can write to the file, so every field is
checked: a row that cannot be read is skipped (and counted by the caller), never a reason to fail."""

from __future__ import annotations

from cst_directory.domain.contacts import REGION_IDS, ValidContact
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import (
    MAX_SHORT_CODE_DIGITS,
    NumberError,
    PhoneNumber,
    parse_number,
    query_digits,
)
from cst_directory.domain.text import ascii_digits, neutralise_bidi

ROW_COLUMNS = ("id", "name", "number", "extension", "verified", "region", "notes")


def select_columns() -> str:
    """The SELECT list for row_to_entry: each column followed by its storage class."""
    return ", ".join(f"{c}, typeof({c})" for c in ROW_COLUMNS)


def stored_number(contact: ValidContact) -> str:
    number = contact.number
    return number.e164 if number.e164 is not None else number.dial


def make_personal(entry_id: str, contact: ValidContact, favourite: bool) -> Entry:
    return make_entry(id=entry_id, name=contact.name, category=Category.PERSONAL, region=contact.region,
                      number=contact.number, builtin=False, notes=contact.notes, favourite=favourite)


def row_to_entry(row: tuple[object, ...], favourites: set[str]) -> Entry | None:
    """The contact a stored row holds, or None if the row cannot be read as one. Every field is checked,
    since any program can write to the file."""
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
        return _as_stored(number, extension)


def _as_stored(number: str, extension: str | None) -> PhoneNumber:
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
