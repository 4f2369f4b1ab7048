"""What an import would do, before anything is stored: every row that would be added, every row that
would not and why, worked out from what the file was read as and the entries already in the directory."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from cst_directory.domain.contacts import (
    ContactDraft,
    ContactError,
    ValidContact,
    number_key,
    validate_contact,
)
from cst_directory.domain.entries import Entry
from cst_directory.domain.import_rows import FileRead, ImportRow
from cst_directory.domain.text import neutralise_bidi


class Outcome(enum.Enum):
    """What the import does with one row of the file."""

    ADD = "add"
    UNVERIFIED = "not a number in use"
    """Looks possible but is not known to be in use: added only with "save unverified numbers anyway"."""
    DUPLICATE = "duplicate"
    """The number is already in the directory, or earlier in the file: added only with "include
    duplicates"."""
    INVALID = "not a number"
    UNREADABLE = "could not be read"

    @property
    def added(self) -> bool:
        return self is Outcome.ADD


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One row of the preview: where it was in the file, what it shows, and what the import does with it."""

    where: str
    name: str
    number: str
    """As it would be shown once saved, or as written in the file when it is not a number."""
    outcome: Outcome
    reason: str
    """Why it is not added (one sentence), or "" for a row that is."""
    contact: ValidContact | None = None


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """Every row of the file with its outcome, and the contacts that confirming would store."""

    rows: tuple[PreviewRow, ...]

    @property
    def to_add(self) -> tuple[ValidContact, ...]:
        return tuple(row.contact for row in self.rows if row.outcome.added and row.contact is not None)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def skipped(self) -> int:
        return sum(1 for row in self.rows if not row.outcome.added)

    def summary(self) -> str:
        """The counts in one sentence, as the preview and the command line say them."""
        added = len(self.to_add)
        parts = [f"{added:,} to add" if added != 1 else "1 to add"]
        for outcome, label in ((Outcome.DUPLICATE, "already in the directory or repeated"),
                               (Outcome.UNVERIFIED, "not known to be in use"),
                               (Outcome.INVALID, "not a phone number"),
                               (Outcome.UNREADABLE, "could not be read")):
            count = self.count(outcome)
            if count:
                parts.append(f"{count:,} {label}")
        return ", ".join(parts) + "."


def preview_import(read: FileRead, existing: Iterable[Entry], *, allow_unverified: bool = False,
                   include_duplicates: bool = False) -> ImportPreview:
    """What importing the rows read from a file would do, given the entries already in the directory."""
    known = {number_key(entry.number): entry for entry in existing}
    seen: dict[str, str] = {}
    rows: list[PreviewRow] = []
    for row in read.rows:
        rows.append(_row_outcome(row, known, seen, allow_unverified, include_duplicates))
    rows += [PreviewRow(problem.where, "", "", Outcome.UNREADABLE, problem.reason)
             for problem in read.problems]
    return ImportPreview(tuple(rows))


def _row_outcome(row: ImportRow, known: dict[str, Entry], seen: dict[str, str], allow_unverified: bool,
                 include_duplicates: bool) -> PreviewRow:
    # A file's names may carry direction marks (a Hebrew name typed on a phone): they are dropped, as for
    # any stored text, rather than refusing the contact.
    name = neutralise_bidi(" ".join(row.name.split()))
    notes = neutralise_bidi(row.notes.strip())
    try:
        contact = validate_contact(ContactDraft(name=name or row.number, number=row.number, notes=notes),
                                   allow_unverified=True)
    except ContactError as exc:
        return PreviewRow(row.where, name, row.number.strip(), Outcome.INVALID, exc.message)
    shown = contact.number.display
    if not contact.number.verified and not allow_unverified:
        return PreviewRow(row.where, contact.name, shown, Outcome.UNVERIFIED,
                          "This number is not known to be in use: check it, or choose to save unverified "
                          "numbers anyway.", contact)
    key = number_key(contact.number)
    if not include_duplicates:
        existing = known.get(key)
        if existing is not None:
            return PreviewRow(row.where, contact.name, shown, Outcome.DUPLICATE,
                              f"{shown} is already in the directory as “{existing.name}”.", contact)
        earlier = seen.get(key)
        if earlier is not None:
            return PreviewRow(row.where, contact.name, shown, Outcome.DUPLICATE,
                              f"{shown} is already in this file, at {earlier}.", contact)
    seen.setdefault(key, row.where)
    return PreviewRow(row.where, contact.name, shown, Outcome.ADD, "", contact)
