"""The user's directory as the app uses it: the built-in entries joined with the contact store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from cst_directory.domain.book import BookChanges, BookSnapshot, DuplicateNumberError
from cst_directory.domain.contacts import (
    ContactDraft,
    ValidContact,
    find_duplicate,
    number_key,
    validate_contact,
)
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import EntryNotFoundError, ReadOnlyEntryError, StorageError
from cst_directory.storage.contact_store import ContactStore, DuplicateContactError, StoredRows

# Beyond this many entries changed at once (an import in another window), reading everything again costs
# no more than reading each change, and the list is rebuilt in one step.
RELOAD_ABOVE = 1000


class StoredContactBook:
    """Implements domain.book.ContactBook over a ContactStore. Reading never fails: whatever the file
    holds, the built-in numbers are there, with every contact that could be read."""

    def __init__(self, directory: BuiltinDirectory, store: ContactStore) -> None:
        self._directory = directory
        self._builtins = {entry.id: entry for entry in directory.entries}
        self._store = store
        self._read_failure: str | None = None
        self._unreadable = 0
        self._seen_version = self._data_version_or(0)
        self._seen_change = 0
        self._reload_due = False

    @property
    def moved_aside(self) -> Path | None:
        return self._store.moved_aside

    @property
    def store_path(self) -> Path:
        return self._store.path

    @property
    def notice(self) -> str | None:
        """What the user should know about their contacts as last read, in sentences, or None."""
        sentences: list[str] = []
        if self._store.foreign_wal_kept is not None:
            sentences.append(
                f"A leftover change log beside your contacts file belonged to another file, so it was not "
                f"applied: it was kept as {self._store.foreign_wal_kept} and your contacts are shown as "
                "they were last saved.")
        if self._read_failure is not None:
            sentences.append(self._read_failure)
        skipped = self._unreadable
        if skipped:
            subject = "1 of your contacts" if skipped == 1 else f"{skipped:,} of your contacts"
            sentences.append(f"{subject} could not be read; the file is kept as it is.")
        if self._store.read_only is not None:
            sentences.append(self._store.read_only)
        return " ".join(sentences) or None

    def entries(self) -> tuple[Entry, ...]:
        # What is read now includes every commit so far: none of them is a change still to report.
        self._seen_version = self._data_version_or(self._seen_version)
        return self.adopt(self._read(self._store))

    def builtin_entries(self) -> tuple[Entry, ...]:
        try:
            favourites = self._store.favourites()
        except StorageError:
            favourites = set()
        return tuple(entry.with_favourite(entry.id in favourites) for entry in self._directory.entries)

    def snapshot_reader(self) -> Callable[[], BookSnapshot]:
        def read() -> BookSnapshot:
            try:
                reader = self._store.open_reader()
            except StorageError as exc:
                return self._failed_read(exc)
            try:
                return self._read(reader)
            finally:
                reader.close()
        return read

    def adopt(self, snapshot: BookSnapshot) -> tuple[Entry, ...]:
        self._seen_change = snapshot.latest_change
        self._unreadable = snapshot.unreadable
        self._read_failure = snapshot.read_failure
        # A read that failed holds no contacts to apply changes to: the next catch-up reads them all.
        self._reload_due = snapshot.read_failure is not None
        return snapshot.entries

    def catch_up(self) -> BookChanges | None:
        if self._reload_due:
            self._reload_due = False
            return BookChanges(reload=True)
        return self._changes_since_seen()

    def _read(self, rows: StoredRows) -> BookSnapshot:
        try:
            # Taken first: a change written while the rest is read is then reported again, never missed.
            latest = rows.latest_change()
            favourites = rows.favourites()
            contacts = rows.contacts()
        except StorageError as exc:
            return self._failed_read(exc)
        builtins = (entry.with_favourite(entry.id in favourites) for entry in self._directory.entries)
        return BookSnapshot((*builtins, *contacts), latest, rows.unreadable_rows, None)

    def _failed_read(self, exc: StorageError) -> BookSnapshot:
        # The emergency numbers matter most exactly when something else is wrong.
        return BookSnapshot(self._directory.entries, self._seen_change, 0,
                            f"{exc.message} The built-in numbers are shown.")

    def find(self, entry_id: str) -> Entry:
        builtin = self._builtins.get(entry_id)
        if builtin is not None:
            return builtin.with_favourite(self._store.is_favourite(entry_id))
        found = self._store.find(entry_id)
        if found is None:
            raise EntryNotFoundError(entry_id)
        return found

    def add(self, draft: ContactDraft, *, allow_unverified: bool = False,
            allow_duplicate: bool = False) -> Entry:
        contact = self._checked(draft, allow_unverified, allow_duplicate)
        try:
            return self._store.add(contact, refuse_duplicate=not allow_duplicate)
        except DuplicateContactError as exc:
            raise DuplicateNumberError(exc.existing) from None

    def edit(self, entry_id: str, draft: ContactDraft, *, allow_unverified: bool = False,
             allow_duplicate: bool = False) -> Entry:
        current = self._personal(entry_id)
        contact = validate_contact(draft, allow_unverified=allow_unverified)
        # Two contacts may already share a number (saved with "anyway"): editing one's name or notes
        # must not ask about a duplicate the user is not creating.
        unchanged = number_key(contact.number) == number_key(current.number)
        check = not (allow_duplicate or unchanged)
        if check:
            self._refuse_builtin_duplicate(contact)
        try:
            return self._store.update(entry_id, contact, refuse_duplicate=check)
        except DuplicateContactError as exc:
            raise DuplicateNumberError(exc.existing) from None

    def remove(self, entry_id: str) -> Entry:
        entry = self._personal(entry_id)
        self._store.remove(entry_id)
        return entry

    def restore(self, entry: Entry) -> Entry:
        contact = ValidContact(name=entry.name, number=entry.number, region=entry.region, notes=entry.notes)
        return self._store.add(contact, entry_id=entry.id, favourite=entry.favourite)

    def set_favourite(self, entry_id: str, favourite: bool) -> Entry:
        entry = self.find(entry_id)
        self._store.set_favourite(entry_id, favourite)
        return entry.with_favourite(favourite)

    def has_changed(self) -> bool:
        version = self._store.data_version()
        changed = version != self._seen_version
        self._seen_version = version
        return changed

    def changes(self) -> BookChanges | None:
        if not self.has_changed():
            return None
        # The file changed, but if not through this app's writes (which all go through the change feed),
        # only a full read can tell how: the sqlite3 shell, say.
        return self._changes_since_seen() or BookChanges(reload=True)

    def _changes_since_seen(self) -> BookChanges | None:
        try:
            found = self._store.changes_since(self._seen_change)
        except StorageError:
            # entries() says what went wrong, and still gives the built-in numbers.
            return BookChanges(reload=True)
        if found is None or len(found.ids) > RELOAD_ABOVE:
            return BookChanges(reload=True)
        self._seen_change = found.latest
        if not found.ids:
            return None
        contacts = {entry.id: entry for entry in found.contacts}
        changed: list[Entry] = []
        removed: list[str] = []
        for entry_id in found.ids:
            builtin = self._builtins.get(entry_id)
            if builtin is not None:
                changed.append(builtin.with_favourite(entry_id in found.favourites))
            elif entry_id in contacts:
                changed.append(contacts[entry_id])
            else:
                removed.append(entry_id)
        return BookChanges(changed=tuple(changed), removed=tuple(removed))

    def add_many(self, contacts: Sequence[ValidContact], *, allow_duplicates: bool = False
                 ) -> tuple[Entry, ...]:
        """Store many validated contacts in one transaction: all of them or, if one is refused, none.
        DuplicateNumberError names the first number already in the directory, unless allow_duplicates."""
        if not allow_duplicates:
            for contact in contacts:
                self._refuse_builtin_duplicate(contact)
        try:
            return tuple(self._store.add_many(contacts, refuse_duplicates=not allow_duplicates))
        except DuplicateContactError as exc:
            raise DuplicateNumberError(exc.existing) from None

    def close(self) -> None:
        self._store.close()

    def _data_version_or(self, fallback: int) -> int:
        try:
            return self._store.data_version()
        except StorageError:
            return fallback

    def _personal(self, entry_id: str) -> Entry:
        entry = self.find(entry_id)
        if entry.builtin:
            raise ReadOnlyEntryError(entry.name)
        return entry

    def _checked(self, draft: ContactDraft, allow_unverified: bool, allow_duplicate: bool) -> ValidContact:
        contact = validate_contact(draft, allow_unverified=allow_unverified)
        if not allow_duplicate:
            self._refuse_builtin_duplicate(contact)
        return contact

    def _refuse_builtin_duplicate(self, contact: ValidContact) -> None:
        # The built-ins never change, so checking them outside the store's transaction is safe; the
        # user's own contacts are checked inside it.
        existing = find_duplicate(contact.number, self._directory.entries)
        if existing is not None:
            raise DuplicateNumberError(existing)


class BuiltinOnlyBook:
    """The directory without the user's contacts, for when their store cannot be opened: the emergency
    numbers must still be there. Every change is refused with the reason the store could not open."""

    moved_aside: Path | None = None

    def __init__(self, directory: BuiltinDirectory, reason: StorageError) -> None:
        self._directory = directory
        self.reason = reason

    @property
    def notice(self) -> str | None:
        return None

    def entries(self) -> tuple[Entry, ...]:
        return self._directory.entries

    def builtin_entries(self) -> tuple[Entry, ...]:
        return self._directory.entries

    def snapshot_reader(self) -> Callable[[], BookSnapshot]:
        entries = self._directory.entries
        return lambda: BookSnapshot(entries, 0, 0, None)

    def adopt(self, snapshot: BookSnapshot) -> tuple[Entry, ...]:
        return snapshot.entries

    def catch_up(self) -> BookChanges | None:
        return None

    def add(self, draft: ContactDraft, *, allow_unverified: bool = False,
            allow_duplicate: bool = False) -> Entry:
        raise self.reason

    def add_many(self, contacts: Sequence[ValidContact], *, allow_duplicates: bool = False
                 ) -> tuple[Entry, ...]:
        raise self.reason

    def edit(self, entry_id: str, draft: ContactDraft, *, allow_unverified: bool = False,
             allow_duplicate: bool = False) -> Entry:
        raise self.reason

    def remove(self, entry_id: str) -> Entry:
        raise self.reason

    def restore(self, entry: Entry) -> Entry:
        raise self.reason

    def set_favourite(self, entry_id: str, favourite: bool) -> Entry:
        raise self.reason

    def find(self, entry_id: str) -> Entry:
        for entry in self._directory.entries:
            if entry.id == entry_id:
                return entry
        raise EntryNotFoundError(entry_id)

    def has_changed(self) -> bool:
        return False

    def changes(self) -> BookChanges | None:
        return None
