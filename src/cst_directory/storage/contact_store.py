"""The personal-contact store: one SQLite file in the user's data directory, private to them.

SQLite's atomic commit is what keeps contacts through crashes and power cuts: WAL with synchronous=FULL
makes every reported save durable, and every change is one transaction so two windows, or a window and
the command line, can write at once without losing each other's work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cst_directory.domain.contacts import ValidContact
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import EntryNotFoundError, StorageError, StorageProblem
from cst_directory.storage.contact_rows import (
    FORM_COLUMNS,
    make_personal,
    plain_columns,
    plain_row_to_entry,
    readable_row_filter,
    row_to_entry,
    select_columns,
    stored_forms,
    stored_number,
)
from cst_directory.storage.data_files import (
    PRIVATE_FILE_MODE,
    FileKind,
    UnsafeFileError,
    create_private_file,
    ensure_private_file,
    folder_lock,
    keep_aside,
    kind_of,
    move_to_free_name,
    require_plain_or_missing,
)
from cst_directory.storage.store_files import (
    WAL_HEADER_BYTES,
    connect_uri,
    copy_to_free_name,
    identity_of,
    reserve_free_name,
    side_files,
    stamp_identity,
)

STORE_FILE = "contacts.db"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 10_000
FILE_MODE = PRIVATE_FILE_MODE
_T = TypeVar("_T")
# SQLite allows 999 parameters in one statement in older builds: ids are asked for in slices this big.
_IDS_PER_QUERY = 500
_V1_CONTACTS = {"id", "name", "number", "extension", "verified", "region", "notes", "created", "updated"}
_LAYOUTS = {
    1: {"contacts": _V1_CONTACTS, "favourites": {"entry_id"}},
    2: {"contacts": _V1_CONTACTS | set(FORM_COLUMNS), "favourites": {"entry_id"},
        "changed": {"entry_id", "seq"}},
}


def _store_number_forms(conn: sqlite3.Connection) -> None:
    """Version 2: what display and search need is stored beside each number when it is written, so that
    opening the file never parses thousands of numbers again; a change feed says which entries changed,
    so that another window reads only those. Existing rows are parsed here, once."""
    for column in FORM_COLUMNS:
        conn.execute(f"ALTER TABLE contacts ADD COLUMN {column}")
    conn.execute("CREATE TABLE changed (entry_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)")
    conn.execute("CREATE INDEX changed_by_seq ON changed (seq)")
    conn.execute("CREATE INDEX contacts_by_number ON contacts (number)")
    conn.text_factory = bytes
    try:
        rows = conn.execute(f"SELECT {select_columns()} FROM contacts").fetchall()
    finally:
        conn.text_factory = str
    marks = ", ".join(f"{column} = ?" for column in FORM_COLUMNS)
    # A row that cannot be read keeps no forms: it is skipped and counted when read, as before.
    entries = (row_to_entry(row, set()) for row in rows)
    forms = [(*stored_forms(entry), entry.id) for entry in entries if entry is not None]
    conn.executemany(f"UPDATE contacts SET {marks} WHERE id = ?", forms)


Migration = str | Callable[[sqlite3.Connection], None]

# Each step takes the schema from version N to N + 1, all in one transaction; a copy of the file is taken
# before any of them runs.
_MIGRATIONS: tuple[Migration, ...] = (
    """
    CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        number TEXT NOT NULL,        -- E.164 for full numbers, digits for short codes
        extension TEXT,
        verified INTEGER NOT NULL,
        region TEXT,
        notes TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE favourites (
        entry_id TEXT PRIMARY KEY    -- built-in or personal entry id
    );
    """,
    _store_number_forms,
)


@dataclass(frozen=True, slots=True)
class StoreChanges:
    """The entries written since a point of the change feed."""

    latest: int
    """The feed's position after these changes: ask from here next time."""
    contacts: tuple[Entry, ...]
    """Contacts added or changed, as they now are."""
    favourites: frozenset[str]
    """Which of the changed ids are favourites now."""
    ids: tuple[str, ...]
    """Every id that changed: contacts, removed contacts, and entries whose favourite mark changed."""


class StoredRows:
    """Reading contacts and the change feed through one connection: the store's own, or a reader's."""

    path: Path
    unreadable_rows: int
    _conn: sqlite3.Connection

    def contacts(self) -> list[Entry]:
        """Every contact that can be read; unreadable_rows counts the ones that could not."""
        def read() -> list[Entry]:
            favourites = self._favourites()
            entries, unreadable = self._read_entries("1", (), favourites, ordered=True)
            self.unreadable_rows = unreadable
            return entries
        return self._guard(read)

    def find(self, entry_id: str) -> Entry | None:
        """One contact by its id, read on its own."""
        def read() -> Entry | None:
            found, _ = self._read_entries("id = ?", (entry_id,), self._favourites_among([entry_id]))
            return found[0] if found else None
        return self._guard(read)

    def latest_change(self) -> int:
        """Where the change feed stands now; changes_since(it) later gives what was written after."""
        def read() -> int:
            if self._version() < 2:
                return 0
            return int(self._conn.execute("SELECT IFNULL(MAX(seq), 0) FROM changed").fetchone()[0])
        return self._guard(read)

    def changes_since(self, seq: int) -> StoreChanges | None:
        """The entries written after position seq of the change feed, read by their ids through the
        index, or None if the feed cannot say (it went back: the file was replaced or rebuilt)."""
        def read() -> StoreChanges | None:
            if self._version() < 2:
                return None
            conn = self._conn
            with _read_transaction(conn):
                latest = int(conn.execute("SELECT IFNULL(MAX(seq), 0) FROM changed").fetchone()[0])
                if latest < seq:
                    return None
                ids = tuple(str(row[0]) for row in conn.execute(
                    "SELECT entry_id FROM changed WHERE seq > ? ORDER BY seq", (seq,)))
                contacts: list[Entry] = []
                favourites: set[str] = set()
                for start in range(0, len(ids), _IDS_PER_QUERY):
                    some = list(ids[start:start + _IDS_PER_QUERY])
                    marks = ", ".join("?" for _ in some)
                    marked = self._favourites_among(some)
                    favourites |= marked
                    found, _ = self._read_entries(f"id IN ({marks})", tuple(some), marked)
                    contacts += found
            return StoreChanges(latest, tuple(contacts), frozenset(favourites), ids)
        return self._guard(read)

    def favourites(self) -> set[str]:
        return self._guard(self._favourites)

    def is_favourite(self, entry_id: str) -> bool:
        return self._guard(lambda: bool(self._favourites_among([entry_id])))

    def _favourites(self) -> set[str]:
        if not self._has_tables():
            return set()
        return {row[0] for row in self._conn.execute("SELECT entry_id FROM favourites")
                if isinstance(row[0], str)}

    def _favourites_among(self, entry_ids: list[str]) -> set[str]:
        if not self._has_tables():
            return set()
        marks = ", ".join("?" for _ in entry_ids)
        return {row[0] for row in self._conn.execute(
            f"SELECT entry_id FROM favourites WHERE entry_id IN ({marks})", entry_ids)
            if isinstance(row[0], str)}

    def _version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _has_tables(self) -> bool:
        # A read-only file that was never set up (version 0) has no tables: it simply holds no contacts.
        return self._version() > 0

    def _read_entries(self, condition: str, parameters: tuple[str, ...], favourites: set[str], *,
                      ordered: bool = False) -> tuple[list[Entry], int]:
        """The readable contacts that the SQL condition selects, and how many selected rows could not be
        read."""
        if not self._has_tables():
            return [], 0
        order = " ORDER BY name COLLATE NOCASE, id" if ordered else ""
        if self._version() >= 2:
            try:
                return self._read_with_forms(condition, order, parameters, favourites)
            except sqlite3.OperationalError as exc:
                # A name that is not UTF-8 fails the whole fetch: read field by field instead.
                if "decode" not in str(exc):
                    raise
        rows = self._raw_rows(f"WHERE {condition}{order}", parameters)
        entries = [entry for row in rows if (entry := row_to_entry(row, favourites)) is not None]
        return entries, len(rows) - len(entries)

    def _read_with_forms(self, condition: str, order: str, parameters: tuple[str, ...],
                         favourites: set[str]) -> tuple[list[Entry], int]:
        # The rows whose columns have the right storage classes, with their stored forms; the rest are
        # counted, not read. Only a row whose forms disagree with its number is parsed again.
        conn = self._conn
        with _read_transaction(conn):
            total = int(conn.execute(f"SELECT COUNT(*) FROM contacts WHERE {condition}", parameters
                                     ).fetchone()[0])
            # Row by row rather than fetchall(): at 100,000 contacts the rows held all at once, beside the
            # entries made from them, would add a fifth to the memory reading takes.
            rows = conn.execute(f"SELECT {plain_columns()} FROM contacts "
                                f"WHERE ({readable_row_filter()}) AND ({condition}){order}", parameters)
            entries = [entry for row in rows if (entry := plain_row_to_entry(row, favourites)) is not None]
        return entries, total - len(entries)

    def _raw_rows(self, where: str, parameters: tuple[str, ...]) -> list[tuple[object, ...]]:
        # Text is fetched as bytes so that one name that is not UTF-8 makes its own row unreadable
        # instead of failing the whole read; typeof() tells text from a blob that happens to decode.
        columns = select_columns()
        self._conn.text_factory = bytes
        try:
            return self._conn.execute(f"SELECT {columns} FROM contacts {where}", parameters).fetchall()
        finally:
            self._conn.text_factory = str

    def _guard(self, action: Callable[[], _T]) -> _T:
        try:
            return action()
        except sqlite3.Error as exc:
            raise _storage_error(exc, self.path) from None



class ContactStore(StoredRows):
    """Reads and writes the user's contacts and favourites. Opening it may move a damaged file aside
    (moved_aside then names where it went), set aside a change log that belongs to another file
    (foreign_wal_kept), or open the file read-only (read_only says why)."""

    def __init__(self, folder: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.folder = folder
        self.path = folder / STORE_FILE
        self.moved_aside: Path | None = None
        self.backup: Path | None = None
        self.foreign_wal_kept: Path | None = None
        self.read_only: str | None = None
        """Why changes cannot be saved, when the file could only be opened for reading."""
        self.unreadable_rows = 0
        """How many stored contacts the last read had to skip."""
        self._reader_options = "mode=rw"
        self._clock = clock
        self._busy_timeout_ms = busy_timeout_ms
        # Every opener checks and repairs under one lock, so two programs opening a damaged file at once
        # never both move it aside, and none moves aside the fresh file another has just made.
        with folder_lock(folder):
            self._conn = self._open()
            # The file opened, so that a reader opened later can tell it from one put in its place.
            self._identity = _file_identity(self.path)

    # Opening, checking and migrating.

    def _open(self) -> sqlite3.Connection:
        writable = self._prepare_files()
        if not writable:
            return self._open_read_only()
        self._set_aside_foreign_wal()
        conn: sqlite3.Connection | None = None
        try:
            conn = self._connect()
            # quick_check reads every page, yet costs about 50 ms at 100,000 contacts (a twentieth of
            # reading them): it is what lets a damaged page be found, and the file kept aside, before
            # anything is shown from it.
            damaged = not self._passes_quick_check(conn) or not _layout_is_known(conn)
        except sqlite3.DatabaseError as exc:
            if _code(exc) not in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise _storage_error(exc, self.path) from None
            damaged = True
        if damaged or conn is None:
            if conn is not None:
                conn.close()
            self._move_aside()
            self._create_fresh_file()
            conn = self._connect()
        try:
            self._check_version_and_migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _prepare_files(self) -> bool:
        """Make sure the database and its side files are plain files of the user's, created private;
        False if the database exists but can only be read."""
        try:
            wal, shm = side_files(self.path)
            require_plain_or_missing(wal, "Your contacts file's change log")
            require_plain_or_missing(shm, "Your contacts file's shared-memory file")
            writable = ensure_private_file(self.path, "Your contacts file")
        except UnsafeFileError as exc:
            raise StorageError(StorageProblem.UNSAFE, str(exc)) from None
        except OSError as exc:
            raise StorageError(StorageProblem.READ_ONLY,
                               f"Cannot open your contacts file {self.path} ({exc.strerror}): "
                               "check that the data folder is yours and writable.") from None
        # SQLite writes its change log and shared-memory file beside the database, so a writable file in
        # a read-only folder can still only be read.
        return writable and os.access(self.folder, os.W_OK | os.X_OK)

    def _create_fresh_file(self) -> None:
        try:
            create_private_file(self.path)
        except OSError as exc:
            raise StorageError(StorageProblem.UNRECOVERABLE,
                               f"Cannot start a new contacts file {self.path} ({exc.strerror}): "
                               "check that the data folder is yours and writable.") from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout_ms / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        self.read_only = (f"Your contacts file {self.path} can only be read (the file or its folder is "
                          "read-only): your contacts are shown but cannot be changed until it is writable.")
        try:
            conn = connect_uri(self.path, "mode=ro", self._busy_timeout_ms)
            try:
                _layout_is_known(conn)
            except sqlite3.OperationalError:
                # A file in WAL mode needs its -shm beside it to be read normally; in a read-only folder
                # where none exists, reading the file as it stands is all that can be done.
                conn.close()
                conn = connect_uri(self.path, "immutable=1", self._busy_timeout_ms)
                self._reader_options = "immutable=1"
            else:
                self._reader_options = "mode=ro"
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                conn.close()
                raise self._newer_schema()
            if not _layout_is_known(conn):
                conn.close()
                raise StorageError(StorageProblem.UNRECOVERABLE,
                                   f"Your contacts file {self.path} is damaged and its folder is read-only, "
                                   "so it was left as it is: make the folder writable to keep it aside "
                                   "and start a new one.")
        except sqlite3.Error as exc:
            raise _storage_error(exc, self.path) from None
        return conn

    def _set_aside_foreign_wal(self) -> None:
        """A change log left beside the file by another database (say, a backup copied back over
        contacts.db) would be applied by SQLite without a word, replacing the user's contacts with
        another file's pages. Each store carries its identity in page 1, which every change rewrites, so a
        log whose latest page 1 names another store is not ours: it is kept aside, unapplied."""
        wal = side_files(self.path)[0]
        if not _has_logged_changes(wal):
            return
        own = identity_of(self.path, "immutable=1")
        if not own:
            return
        seen = identity_of(self.path, "mode=ro")
        if seen == own or seen is None:
            return
        stamp = self._stamp()
        try:
            copy = copy_to_free_name(self.path, self.path.with_name(f"{self.path.name}.foreign-wal-{stamp}"))
            moved = move_to_free_name(wal, copy.with_name(copy.name + "-wal"))
            shm = side_files(self.path)[1]
            if shm.exists():
                move_to_free_name(shm, copy.with_name(copy.name + "-shm"))
        except OSError as exc:
            raise StorageError(StorageProblem.UNRECOVERABLE,
                               f"A change log beside your contacts file belongs to another file and could "
                               f"not be moved aside ({exc.strerror}): move {wal} out of the data folder, "
                               "then start CST Directory again.") from None
        self.foreign_wal_kept = moved

    @staticmethod
    def _passes_quick_check(conn: sqlite3.Connection) -> bool:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        return rows == [("ok",)]

    def _move_aside(self) -> None:
        try:
            target = keep_aside(self.path, "damaged", self._stamp())
            for side in side_files(self.path):
                if kind_of(side) is FileKind.REGULAR:
                    move_to_free_name(side, target.with_name(target.name + side.name[len(self.path.name):]))
        except OSError as exc:
            raise StorageError(StorageProblem.UNRECOVERABLE,
                               f"Your contacts file {self.path} is damaged and could not be moved aside "
                               f"({exc.strerror}): move it out of the data folder, then start CST "
                               "Directory again.") from None
        self.moved_aside = target

    def _newer_schema(self) -> StorageError:
        return StorageError(StorageProblem.NEWER_SCHEMA,
                            f"Your contacts file {self.path} was written by a newer version of CST "
                            "Directory: install that version again; the file was left untouched.")

    def _check_version_and_migrate(self, conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise self._newer_schema()
        try:
            self._enable_wal(conn)
            conn.execute("PRAGMA synchronous = FULL")
            if version == SCHEMA_VERSION:
                return
            if version > 0:
                self.backup = self._take_backup(conn, version)
            with _transaction(conn):
                # Re-read inside the write lock: another process may have migrated meanwhile.
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                for step in range(version, SCHEMA_VERSION):
                    migration = _MIGRATIONS[step]
                    if isinstance(migration, str):
                        for statement in migration.split(";"):
                            if statement.strip():
                                conn.execute(statement)
                    else:
                        migration(conn)
                    conn.execute(f"PRAGMA user_version = {step + 1}")
        except sqlite3.Error as exc:
            raise _storage_error(exc, self.path) from None

    def _enable_wal(self, conn: sqlite3.Connection) -> None:
        # Switching to WAL needs the file to itself. While another process is still creating it SQLite
        # reports "busy" at once rather than calling the busy handler (waiting could deadlock), so the
        # wait happens here, bounded by the same timeout.
        deadline = time.monotonic() + self._busy_timeout_ms / 1000
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if _code(exc) != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    def _take_backup(self, conn: sqlite3.Connection, version: int) -> Path:
        wanted = self.path.with_name(f"{self.path.name}.before-v{version + 1}-{self._stamp()}")
        target = reserve_free_name(wanted)
        with contextlib.closing(sqlite3.connect(target)) as copy:
            conn.backup(copy)
        return target

    def _stamp(self) -> str:
        return self._clock().strftime("%Y%m%dT%H%M%S")

    # Reading.

    def open_reader(self) -> StoreReader:
        """Another connection to this file, for reading it elsewhere (another thread) without waiting for
        or getting in the way of this one."""
        return StoreReader(self.path, self._reader_options, self._identity, self._busy_timeout_ms)

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap way to notice edits made elsewhere."""
        return self._guard(lambda: int(self._conn.execute("PRAGMA data_version").fetchone()[0]))

    # Writing: each method is one transaction.

    def add(self, contact: ValidContact, *, entry_id: str | None = None, favourite: bool = False,
            refuse_duplicate: bool = False) -> Entry:
        """Store a contact. With refuse_duplicate, DuplicateContactError names a stored contact with the
        same number; the check and the insert are one transaction, so two programs cannot both pass it."""
        entry = make_personal(entry_id or _new_id(), contact, favourite)
        self._write(lambda conn: self._insert(conn, entry, contact, refuse_duplicate))
        return entry

    def add_many(self, contacts: Sequence[ValidContact], *, refuse_duplicates: bool = True
                 ) -> list[Entry]:
        """Store many contacts in one transaction: all of them, or (on a duplicate or any failure) none.
        With refuse_duplicates, a number already stored, or given twice, raises DuplicateContactError."""
        entries = [make_personal(_new_id(), contact, False) for contact in contacts]

        def write(conn: sqlite3.Connection) -> None:
            for entry, contact in zip(entries, contacts, strict=True):
                self._insert(conn, entry, contact, refuse_duplicates)

        self._write(write)
        return entries

    def update(self, entry_id: str, contact: ValidContact, *, refuse_duplicate: bool = False) -> Entry:
        def write(conn: sqlite3.Connection) -> bool:
            if refuse_duplicate:
                self._refuse_duplicate(conn, contact, entry_id)
            favourite = conn.execute("SELECT 1 FROM favourites WHERE entry_id = ?", (entry_id,)).fetchone()
            entry = make_personal(entry_id, contact, favourite is not None)
            marks = ", ".join(f"{column} = ?" for column in FORM_COLUMNS)
            cursor = conn.execute(
                "UPDATE contacts SET name = ?, number = ?, extension = ?, verified = ?, region = ?,"
                f" notes = ?, updated = ?, {marks} WHERE id = ?",
                (contact.name, stored_number(contact), contact.number.extension,
                 int(contact.number.verified), contact.region, contact.notes, self._now(),
                 *stored_forms(entry), entry_id))
            if cursor.rowcount == 0:
                raise EntryNotFoundError(entry_id)
            _record_change(conn, entry_id)
            return favourite is not None

        favourite = self._write(write)
        return make_personal(entry_id, contact, favourite)

    def remove(self, entry_id: str) -> None:
        def write(conn: sqlite3.Connection) -> None:
            cursor = conn.execute("DELETE FROM contacts WHERE id = ?", (entry_id,))
            if cursor.rowcount == 0:
                raise EntryNotFoundError(entry_id)
            conn.execute("DELETE FROM favourites WHERE entry_id = ?", (entry_id,))
            _record_change(conn, entry_id)

        self._write(write)

    def set_favourite(self, entry_id: str, favourite: bool) -> None:
        def write(conn: sqlite3.Connection) -> None:
            if favourite:
                conn.execute("INSERT OR IGNORE INTO favourites (entry_id) VALUES (?)", (entry_id,))
            else:
                conn.execute("DELETE FROM favourites WHERE entry_id = ?", (entry_id,))
            _record_change(conn, entry_id)

        self._write(write)

    def _insert(self, conn: sqlite3.Connection, entry: Entry, contact: ValidContact,
                refuse_duplicate: bool) -> None:
        if refuse_duplicate:
            self._refuse_duplicate(conn, contact, None)
        now = self._now()
        columns = ", ".join(FORM_COLUMNS)
        marks = ", ".join("?" for _ in FORM_COLUMNS)
        conn.execute(
            "INSERT INTO contacts (id, name, number, extension, verified, region, notes, created, updated,"
            f" {columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {marks})",
            (entry.id, contact.name, stored_number(contact), contact.number.extension,
             int(contact.number.verified), contact.region, contact.notes, now, now, *stored_forms(entry)))
        if entry.favourite:
            conn.execute("INSERT OR IGNORE INTO favourites (entry_id) VALUES (?)", (entry.id,))
        _record_change(conn, entry.id)

    def close(self) -> None:
        self._conn.close()

    # Plumbing.

    def _refuse_duplicate(self, conn: sqlite3.Connection, contact: ValidContact, editing: str | None) -> None:
        row = conn.execute(
            "SELECT id FROM contacts WHERE number = ? AND IFNULL(extension, '') = ? AND id IS NOT ? LIMIT 1",
            (stored_number(contact), contact.number.extension or "", editing)).fetchone()
        if row is None:
            return
        existing = self.find(str(row[0]))
        if existing is not None:
            raise DuplicateContactError(existing)

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def _write(self, change: Callable[[sqlite3.Connection], _T]) -> _T:
        if self.read_only is not None:
            raise StorageError(StorageProblem.READ_ONLY, self.read_only)

        def run() -> _T:
            with _transaction(self._conn):
                stamp_identity(self._conn)
                return change(self._conn)
        return self._guard(run)

class StoreReader(StoredRows):
    """A read-only connection of its own to a store already open and checked, for another thread."""

    def __init__(self, path: Path, uri_options: str, identity: tuple[int, int] | None,
                 busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = path
        self.unreadable_rows = 0
        # Opened by name, later than the store's checks: whatever is at that name now must be the very
        # file the store checked and opened, never a link or another file put in its place meanwhile.
        self._require_same_file(identity)
        try:
            self._conn = connect_uri(path, f"{uri_options}&nofollow=1", busy_timeout_ms)
            self._conn.execute("PRAGMA query_only = ON")
            self._conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error as exc:
            raise _storage_error(exc, path) from None
        try:
            self._require_same_file(identity)
        except StorageError:
            self._conn.close()
            raise

    def _require_same_file(self, identity: tuple[int, int] | None) -> None:
        if identity is None or _file_identity(self.path) != identity:
            raise StorageError(StorageProblem.UNSAFE,
                               f"Your contacts file {self.path} was replaced while CST Directory was open, "
                               "so it was not read: close CST Directory and start it again.")

    def close(self) -> None:
        self._conn.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the plain file at path, or None if there is none (a link, a pipe...)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


class DuplicateContactError(ValueError):
    """A stored contact already has the number; it is attached."""

    def __init__(self, existing: Entry) -> None:
        super().__init__(existing.name)
        self.existing = existing


def _new_id() -> str:
    # os.urandom rather than uuid: the same 48 random bits, without uuid's imports on every launch.
    return f"p-{os.urandom(6).hex()}"


def _record_change(conn: sqlite3.Connection, entry_id: str) -> None:
    """Move the entry to the head of the change feed, inside the write that changed it."""
    conn.execute("INSERT INTO changed (entry_id, seq)"
                 " VALUES (?, (SELECT IFNULL(MAX(seq), 0) + 1 FROM changed))"
                 " ON CONFLICT (entry_id) DO UPDATE SET seq = excluded.seq", (entry_id,))


@contextmanager
def _read_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # Several statements see one state of the file (rows and their count, the feed and its rows), even
    # while another program writes.
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so a busy database waits (busy_timeout) instead of failing
    # half-way through a read-then-write.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        # Some errors (a full disk, an I/O error) make SQLite roll back by itself; a second ROLLBACK
        # would then fail and hide the error that explains what happened. A COMMIT that failed (busy)
        # leaves the transaction open, holding the write lock, so that one is rolled back here too.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _layout_is_known(conn: sqlite3.Connection) -> bool:
    """False for a file whose tables are not the ones this version writes: rows read from it would be
    guesses, so it is treated as damaged. A file not yet set up (version 0) has no tables to check."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == 0 or version > SCHEMA_VERSION:
        return True
    for table, columns in _LAYOUTS[version].items():
        found = {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}
        if found != columns:
            return False
    return True


def _has_logged_changes(wal: Path) -> bool:
    try:
        return os.lstat(wal).st_size >= WAL_HEADER_BYTES
    except FileNotFoundError:
        return False


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF


def _storage_error(exc: sqlite3.Error, path: Path) -> StorageError:
    code = _code(exc)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH):
        return StorageError(StorageProblem.READ_ONLY,
                            f"Your contacts file {path} cannot be written: make its folder writable, "
                            "then try again.")
    if code == sqlite3.SQLITE_FULL:
        return StorageError(StorageProblem.FULL,
                            "The disk holding your contacts is full: free some space, then try again.")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StorageError(StorageProblem.LOCKED,
                            "Your contacts file is busy in another window or program: try again in a moment.")
    return StorageError(StorageProblem.UNRECOVERABLE,
                        f"Your contacts file {path} could not be used ({exc}): nothing was changed.")
