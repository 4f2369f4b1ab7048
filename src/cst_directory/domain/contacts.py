"""The user's own contacts: the rules a name, number, region and notes must meet, and duplicate numbers."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from cst_directory.domain.entries import Entry
from cst_directory.domain.phone import NumberError, PhoneNumber, Problem, parse_number
from cst_directory.domain.text import has_bidi_controls

MAX_NAME_CHARS = 100
MAX_NOTES_CHARS = 2000
REGION_IDS = ("south", "north")


class ContactError(ValueError):
    """A contact was refused; field says which input is wrong, message says what to do, in one sentence."""

    def __init__(self, field: str, message: str, problem: Problem | None = None,
                 read_as: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.problem = problem
        self.read_as = read_as
        """For Problem.LETTERS: the number the typed letters make on a keypad, as it would be shown."""


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """What the user typed, before any checking."""

    name: str
    number: str
    region: str | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ValidContact:
    """A contact that passed every rule: clean text and a parsed number."""

    name: str
    number: PhoneNumber
    region: str | None
    notes: str


def validate_contact(draft: ContactDraft, *, allow_unverified: bool = False,
                     allow_letters: bool = False) -> ValidContact:
    """Check a draft, or raise ContactError for the first field that is wrong. allow_letters accepts a
    number typed with letters ("0800 CALL CST") as the keypad digits they make."""
    name = _clean_text("name", draft.name, MAX_NAME_CHARS, multiline=False)
    if not name:
        raise ContactError("name", "Enter a name for this contact.")
    try:
        number = parse_number(draft.number, allow_unverified=allow_unverified, allow_letters=allow_letters)
    except NumberError as exc:
        raise ContactError("number", exc.message, exc.problem, exc.read_as) from None
    region = draft.region or None
    if region is not None and region not in REGION_IDS:
        raise ContactError("region", "Choose London & southern, Manchester & northern, or no region.")
    notes = _clean_text("notes", draft.notes, MAX_NOTES_CHARS, multiline=True)
    return ValidContact(name=name, number=number, region=region, notes=notes)


def _clean_text(field: str, text: str, limit: int, *, multiline: bool) -> str:
    allowed_controls = {"\n", "\t"} if multiline else set()
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in allowed_controls) or category in ("Cs", "Cn"):
            raise ContactError(field, f"The {field} contains characters that are not text: retype it.")
    if has_bidi_controls(text):
        # Refused rather than dropped: what is saved is then exactly what the user sees in the field.
        raise ContactError(field, f"The {field} contains hidden direction marks, which can make the "
                                  "number beside it read differently: type it rather than pasting it.")
    cleaned = text.strip() if multiline else " ".join(text.split())
    if len(cleaned) > limit:
        raise ContactError(field, f"The {field} is too long: keep it under {limit} characters "
                                  f"(it has {len(cleaned):,}).")
    return cleaned


def number_key(number: PhoneNumber) -> str:
    """Two numbers with the same key reach the same line."""
    if number.e164 is None:
        return f"short:{number.dial}"
    return f"{number.e164};ext={number.extension}" if number.extension else number.e164


def find_duplicate(number: PhoneNumber, entries: Iterable[Entry], ignore_id: str | None = None
                   ) -> Entry | None:
    """The entry that already has this number, if any (other than the one being edited)."""
    key = number_key(number)
    for entry in entries:
        if entry.id != ignore_id and number_key(entry.number) == key:
            return entry
    return None
