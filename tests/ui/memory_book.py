"""A contact book in memory that counts whole reads and lets a test say what changed elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from cst_directory.domain.book import BookChanges, BookSnapshot
from cst_directory.domain.contacts import ContactDraft, ValidContact, validate_contact
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.errors import EntryNotFoundError, ReadOnlyEntryError


class MemoryBook:
    """Implements domain.book.ContactBook over a dict; reads counts the calls of entries()."""

    moved_aside: Path | None = None
    notice: str | None = None

    def __init__(self, builtins: tuple[Entry, ...], contacts: list[Entry] | None = None) -> None:
        self._entries = {entry.id: entry for entry in (*builtins, *(contacts or []))}
        self._next = len(self._entries)
        self.pending: list[BookChanges] = []
        self.reads = 0

    def entries(self) -> tuple[Entry, ...]:
        self.reads += 1
        return tuple(self._entries.values())

    def builtin_entries(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self._entries.values() if entry.builtin)

    def snapshot_reader(self) -> Callable[[], BookSnapshot]:
        return lambda: BookSnapshot(self.entries(), 0, 0, None)

    def adopt(self, snapshot: BookSnapshot) -> tuple[Entry, ...]:
        return snapshot.entries

    def catch_up(self) -> BookChanges | None:
        return None

    def add(self, draft: ContactDraft, *, allow_unverified: bool = False,
            allow_duplicate: bool = False) -> Entry:
        self._next += 1
        return self._store(f"m{self._next}", draft, allow_unverified, favourite=False)

    def add_many(self, contacts: Sequence[ValidContact], *, allow_duplicates: bool = False
                 ) -> tuple[Entry, ...]:
        added = []
        for contact in contacts:
            self._next += 1
            entry = make_entry(id=f"m{self._next}", name=contact.name, category=Category.PERSONAL,
                               region=contact.region, number=contact.number, builtin=False,
                               notes=contact.notes)
            self._entries[entry.id] = entry
            added.append(entry)
        return tuple(added)

    def edit(self, entry_id: str, draft: ContactDraft, *, allow_unverified: bool = False,
             allow_duplicate: bool = False) -> Entry:
        current = self.find(entry_id)
        if current.builtin:
            raise ReadOnlyEntryError(current.name)
        return self._store(entry_id, draft, allow_unverified, favourite=current.favourite)

    def remove(self, entry_id: str) -> Entry:
        entry = self.find(entry_id)
        if entry.builtin:
            raise ReadOnlyEntryError(entry.name)
        del self._entries[entry_id]
        return entry

    def restore(self, entry: Entry) -> Entry:
        self._entries[entry.id] = entry
        return entry

    def set_favourite(self, entry_id: str, favourite: bool) -> Entry:
        entry = self._entries[entry_id] = self.find(entry_id).with_favourite(favourite)
        return entry

    def find(self, entry_id: str) -> Entry:
        if entry_id not in self._entries:
            raise EntryNotFoundError(entry_id)
        return self._entries[entry_id]

    def has_changed(self) -> bool:
        return bool(self.pending)

    def changes(self) -> BookChanges | None:
        return self.pending.pop(0) if self.pending else None

    def change_elsewhere(self, *, changed: tuple[Entry, ...] = (), removed: tuple[str, ...] = (),
                         reload: bool = False) -> None:
        """What another window did: stored here, and reported by the next changes()."""
        for entry in changed:
            self._entries[entry.id] = entry
        for entry_id in removed:
            self._entries.pop(entry_id, None)
        self.pending.append(BookChanges(changed, removed, reload))

    def _store(self, entry_id: str, draft: ContactDraft, allow_unverified: bool, *, favourite: bool
               ) -> Entry:
        contact = validate_contact(draft, allow_unverified=allow_unverified)
        entry = make_entry(id=entry_id, name=contact.name, category=Category.PERSONAL, region=contact.region,
                           number=contact.number, builtin=False, notes=contact.notes, favourite=favourite)
        self._entries[entry_id] = entry
        return entry


def renamed(entry: Entry, name: str) -> Entry:
    """The entry under another name, its search text made again."""
    return make_entry(**{field: getattr(entry, field) for field in (
        "id", "category", "region", "number", "builtin", "notes", "favourite")}, name=name)

