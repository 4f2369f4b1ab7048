"""The user's directory as the app uses it: the built-in entries joined with the contact store."""

from __future__ import annotations

from pathlib import Path

from cst_directory.domain.book import DuplicateNumberError
from cst_directory.domain.contacts import ContactDraft, ValidContact, find_duplicate, validate_contact
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import EntryNotFoundError, ReadOnlyEntryError, StorageError
from cst_directory.storage.contact_store import ContactStore


class StoredContactBook:
    """Implements domain.book.ContactBook over a ContactStore."""

    def __init__(self, directory: BuiltinDirectory, store: ContactStore) -> None:
        self._directory = directory
        self._store = store
        self._seen_version = store.data_version()

    @property
    def moved_aside(self) -> Path | None:
        return self._store.moved_aside

    @property
    def store_path(self) -> Path:
        return self._store.path

    def entries(self) -> tuple[Entry, ...]:
        favourites = self._store.favourites()
        builtins = (entry.with_favourite(entry.id in favourites) for entry in self._directory.entries)
        return (*builtins, *self._store.contacts())

    def find(self, entry_id: str) -> Entry:
        for entry in self.entries():
            if entry.id == entry_id:
                return entry
        raise EntryNotFoundError(entry_id)

    def add(self, draft: ContactDraft, *, allow_unverified: bool = False,
            allow_duplicate: bool = False) -> Entry:
        contact = self._checked(draft, None, allow_unverified, allow_duplicate)
        return self._store.add(contact)

    def edit(self, entry_id: str, draft: ContactDraft, *, allow_unverified: bool = False,
             allow_duplicate: bool = False) -> Entry:
        self._personal(entry_id)
        contact = self._checked(draft, entry_id, allow_unverified, allow_duplicate)
        return self._store.update(entry_id, contact)

    def remove(self, entry_id: str) -> Entry:
        entry = self._personal(entry_id)
        self._store.remove(entry_id)
        return entry

    def restore(self, entry: Entry) -> Entry:
        contact = ValidContact(name=entry.name, number=entry.number, region=entry.region, notes=entry.notes)
        return self._store.add(contact, entry_id=entry.id, favourite=entry.favourite)

    def set_favourite(self, entry_id: str, favourite: bool) -> None:
        self.find(entry_id)
        self._store.set_favourite(entry_id, favourite)

    def has_changed(self) -> bool:
        version = self._store.data_version()
        changed = version != self._seen_version
        self._seen_version = version
        return changed

    def close(self) -> None:
        self._store.close()

    def _personal(self, entry_id: str) -> Entry:
        entry = self.find(entry_id)
        if entry.builtin:
            raise ReadOnlyEntryError(entry.name)
        return entry

    def _checked(self, draft: ContactDraft, editing: str | None, allow_unverified: bool,
                 allow_duplicate: bool) -> ValidContact:
        contact = validate_contact(draft, allow_unverified=allow_unverified)
        if not allow_duplicate:
            existing = find_duplicate(contact.number, self.entries(), ignore_id=editing)
            if existing is not None:
                raise DuplicateNumberError(existing)
        return contact


class BuiltinOnlyBook:
    """The directory without the user's contacts, for when their store cannot be opened: the emergency
    numbers must still be there. Every change is refused with the reason the store could not open."""

    moved_aside: Path | None = None

    def __init__(self, directory: BuiltinDirectory, reason: StorageError) -> None:
        self._directory = directory
        self.reason = reason

    def entries(self) -> tuple[Entry, ...]:
        return self._directory.entries

    def add(self, draft: ContactDraft, *, allow_unverified: bool = False,
            allow_duplicate: bool = False) -> Entry:
        raise self.reason

    def edit(self, entry_id: str, draft: ContactDraft, *, allow_unverified: bool = False,
             allow_duplicate: bool = False) -> Entry:
        raise self.reason

    def remove(self, entry_id: str) -> Entry:
        raise self.reason

    def restore(self, entry: Entry) -> Entry:
        raise self.reason

    def set_favourite(self, entry_id: str, favourite: bool) -> None:
        raise self.reason

    def has_changed(self) -> bool:
        return False
