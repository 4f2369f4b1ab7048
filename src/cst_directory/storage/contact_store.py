"""The personal-contact store: one SQLite file in the user's data directory, private to them.

SQLite's atomic commit is what keeps contacts through crashes and power cuts: WAL with synchronous=FULL
makes every reported save durable, and every change is one transaction so two windows, or a window and
the command line, can write at once without losing each other's work.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from cst_directory.domain.contacts import ValidContact
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.errors import EntryNotFoundError, StorageError, StorageProblem
from cst_directory.domain.phone import NumberError, parse_number
from cst_directory.storage.paths import PRIVATE_FILE_MODE, ensure_private_file, keep_aside

STORE_FILE = "contacts.db"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000
FILE_MODE = PRIVATE_FILE_MODE
_T = TypeVar("_T")

# Each step takes the schema from version N to N + 1; a copy of the file is taken before any of them runs.
_MIGRATIONS: tuple[str, ...] = (
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
)


class ContactStore:
    """Reads and writes the user's contacts and favourites. Opening it may move a damaged file aside:
    moved_aside then names where the old file went."""

    def __init__(self, folder: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.path = folder / STORE_FILE
        self.moved_aside: Path | None = None
        self.backup: Path | None = None
        self._clock = clock
        self._busy_timeout_ms = busy_timeout_ms
        self._conn = self._open()

    # Opening, checking and migrating.

    def _open(self) -> sqlite3.Connection:
        self._create_private_file()
        try:
            conn = self._connect()
            damaged = not self._passes_quick_check(conn)
        except sqlite3.DatabaseError as exc:
            if _code(exc) not in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise _storage_error(exc, self.path) from None
            damaged = True
        if damaged:
            self._move_aside()
            self._create_private_file()
            conn = self._connect()
        try:
            self._check_version_and_migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _create_private_file(self) -> None:
        try:
            ensure_private_file(self.path)
        except OSError as exc:
            raise StorageError(StorageProblem.READ_ONLY,
                               f"Cannot open your contacts file {self.path} ({exc.strerror}): "
                               "check that the data folder is yours and writable.") from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout_ms / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        return conn

    @staticmethod
    def _passes_quick_check(conn: sqlite3.Connection) -> bool:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        return rows == [("ok",)]

    def _move_aside(self) -> None:
        target = keep_aside(self.path, "damaged", self._clock().strftime("%Y%m%dT%H%M%S"))
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        self.moved_aside = target

    def _check_version_and_migrate(self, conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StorageError(StorageProblem.NEWER_SCHEMA,
                               f"Your contacts file {self.path} was written by a newer version of CST "
                               "Directory: install that version again; the file was left untouched.")
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
                    for statement in _MIGRATIONS[step].split(";"):
                        if statement.strip():
                            conn.execute(statement)
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
        stamp = self._clock().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.before-v{version + 1}-{stamp}")
        fd = os.open(target, os.O_CREAT | os.O_RDWR, FILE_MODE)
        os.close(fd)
        with sqlite3.connect(target) as copy:
            conn.backup(copy)
        copy.close()
        return target

    # Reading.

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap way to notice edits made elsewhere."""
        return self._guard(lambda: int(self._conn.execute("PRAGMA data_version").fetchone()[0]))

    def contacts(self) -> list[Entry]:
        def read() -> list[Entry]:
            favourites = self._favourites()
            rows = self._conn.execute(
                "SELECT id, name, number, extension, verified, region, notes FROM contacts "
                "ORDER BY name COLLATE NOCASE, id").fetchall()
            return [entry for row in rows if (entry := _row_to_entry(row, favourites)) is not None]
        return self._guard(read)

    def favourites(self) -> set[str]:
        return self._guard(self._favourites)

    def _favourites(self) -> set[str]:
        return {row[0] for row in self._conn.execute("SELECT entry_id FROM favourites")}

    # Writing: each method is one transaction.

    def add(self, contact: ValidContact, *, entry_id: str | None = None, favourite: bool = False) -> Entry:
        new_id = entry_id or f"p-{uuid.uuid4().hex[:12]}"
        now = self._now()

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO contacts (id, name, number, extension, verified, region, notes, created,"
                " updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_id, contact.name, _stored_number(contact), contact.number.extension,
                 int(contact.number.verified), contact.region, contact.notes, now, now))
            if favourite:
                conn.execute("INSERT OR IGNORE INTO favourites (entry_id) VALUES (?)", (new_id,))

        self._write(write)
        return _make_personal(new_id, contact, favourite)

    def update(self, entry_id: str, contact: ValidContact) -> Entry:
        def write(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE contacts SET name = ?, number = ?, extension = ?, verified = ?, region = ?,"
                " notes = ?, updated = ? WHERE id = ?",
                (contact.name, _stored_number(contact), contact.number.extension,
                 int(contact.number.verified), contact.region, contact.notes, self._now(), entry_id))
            favourite = conn.execute("SELECT 1 FROM favourites WHERE entry_id = ?", (entry_id,)).fetchone()
            if cursor.rowcount == 0:
                raise EntryNotFoundError(entry_id)
            return favourite is not None

        favourite = self._write(write)
        return _make_personal(entry_id, contact, favourite)

    def remove(self, entry_id: str) -> None:
        def write(conn: sqlite3.Connection) -> None:
            cursor = conn.execute("DELETE FROM contacts WHERE id = ?", (entry_id,))
            if cursor.rowcount == 0:
                raise EntryNotFoundError(entry_id)
            conn.execute("DELETE FROM favourites WHERE entry_id = ?", (entry_id,))

        self._write(write)

    def set_favourite(self, entry_id: str, favourite: bool) -> None:
        def write(conn: sqlite3.Connection) -> None:
            if favourite:
                conn.execute("INSERT OR IGNORE INTO favourites (entry_id) VALUES (?)", (entry_id,))
            else:
                conn.execute("DELETE FROM favourites WHERE entry_id = ?", (entry_id,))

        self._write(write)

    def close(self) -> None:
        self._conn.close()

    # Plumbing.

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def _write(self, change: Callable[[sqlite3.Connection], _T]) -> _T:
        def run() -> _T:
            with _transaction(self._conn):
                return change(self._conn)
        return self._guard(run)

    def _guard(self, action: Callable[[], _T]) -> _T:
        try:
            return action()
        except sqlite3.Error as exc:
            raise _storage_error(exc, self.path) from None


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


def _stored_number(contact: ValidContact) -> str:
    number = contact.number
    return number.e164 if number.e164 is not None else number.dial


def _make_personal(entry_id: str, contact: ValidContact, favourite: bool) -> Entry:
    return make_entry(id=entry_id, name=contact.name, category=Category.PERSONAL, region=contact.region,
                      number=contact.number, builtin=False, notes=contact.notes, favourite=favourite)


def _row_to_entry(row: tuple[str, str, str, str | None, int, str | None, str], favourites: set[str]
                  ) -> Entry | None:
    entry_id, name, number, extension, verified, region, notes = row
    text = f"{number} x{extension}" if extension else number
    try:
        parsed = parse_number(text, allow_unverified=not verified)
    except NumberError:
        # A row no longer parses (phonenumbers' metadata changed): keep it stored, shown as unverified.
        try:
            parsed = parse_number(text, allow_unverified=True)
        except NumberError:
            return None
    contact = ValidContact(name=name, number=parsed, region=region, notes=notes)
    return _make_personal(entry_id, contact, entry_id in favourites)


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
