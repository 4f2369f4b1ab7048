"""What the window and the command line may ask of the user's directory, whatever keeps it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cst_directory.domain.contacts import ContactDraft, ValidContact
from cst_directory.domain.entries import Entry


class DuplicateNumberError(ValueError):
    """The number is already in the directory; the entry that has it is attached."""

    def __init__(self, existing: Entry) -> None:
        super().__init__(f"{existing.number.display} is already in the directory as “{existing.name}”.")
        self.existing = existing


@dataclass(frozen=True, slots=True)
class BookChanges:
    """What changed in the stored contacts since the book last looked, as entries rather than a reload."""

    changed: tuple[Entry, ...] = ()
    """Contacts added or edited, and entries (built-in ones too) whose favourite mark changed, as they
    now are."""
    removed: tuple[str, ...] = ()
    """Ids of contacts that are no longer stored (or can no longer be read)."""
    reload: bool = False
    """Too much changed to say as changes (the file was replaced, or could not be read): read entries()
    again instead."""


@dataclass(frozen=True, slots=True)
class BookSnapshot:
    """The whole book as read at one moment, possibly on another thread; adopt() makes it current."""

    entries: tuple[Entry, ...]
    latest_change: int
    """Where the book's change feed stood when it was read."""
    unreadable: int
    """How many stored contacts could not be read."""
    read_failure: str | None
    """Why no contacts could be read at all, if so: the entries are then the built-in ones."""


class ContactBook(Protocol):
    @property
    def moved_aside(self) -> Path | None:
        """Where a damaged contacts file was moved when the book was opened, if it was."""

    @property
    def notice(self) -> str | None:
        """Sentences about the contacts as last read (some could not be read, they cannot be changed),
        or None when all is well."""

    def entries(self) -> tuple[Entry, ...]:
        """Built-in entries and the user's contacts, favourites marked. Never fails for want of the
        user's file: the built-in numbers are always there."""

    def builtin_entries(self) -> tuple[Entry, ...]:
        """The built-in entries alone, favourites marked: what can be shown before the contacts are read."""

    def snapshot_reader(self) -> Callable[[], BookSnapshot]:
        """A function that reads the whole book through a connection of its own, safe to call on another
        thread while this book goes on being used; it never raises."""

    def adopt(self, snapshot: BookSnapshot) -> tuple[Entry, ...]:
        """Take a snapshot read by snapshot_reader() as what the book last read; its entries."""

    def catch_up(self) -> BookChanges | None:
        """What changed since the last read or adopted snapshot, here or elsewhere, or None."""

    def add(self, draft: ContactDraft, *, allow_unverified: bool = False,
            allow_duplicate: bool = False) -> Entry:
        """Store a new contact; ContactError, DuplicateNumberError or StorageError if it cannot be."""

    def add_many(self, contacts: Sequence[ValidContact], *, allow_duplicates: bool = False
                 ) -> tuple[Entry, ...]:
        """Store checked contacts in one transaction: all of them, or none (DuplicateNumberError,
        StorageError)."""

    def edit(self, entry_id: str, draft: ContactDraft, *, allow_unverified: bool = False,
             allow_duplicate: bool = False) -> Entry:
        """Replace a contact's details; built-ins raise ReadOnlyEntryError."""

    def remove(self, entry_id: str) -> Entry:
        """Delete a contact and return it, so that the deletion can be undone with restore()."""

    def restore(self, entry: Entry) -> Entry:
        """Put back a removed contact under its old id."""

    def set_favourite(self, entry_id: str, favourite: bool) -> Entry:
        """Mark or unmark an entry as a favourite and return it as it now is."""

    def find(self, entry_id: str) -> Entry:
        """One entry by id, without reading the others; EntryNotFoundError if there is none."""

    def has_changed(self) -> bool:
        """True once after another window or process changed the stored contacts."""

    def changes(self) -> BookChanges | None:
        """What another window or process changed since the last call (this book's own changes may be
        among them: applying a change twice is harmless), or None if nothing did. Cheap when nothing
        changed, and proportional to what changed otherwise, never to the whole store."""
