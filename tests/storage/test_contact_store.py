"""ContactStore: the SQLite file holding the user's contacts, through restarts, damage, crashes and rivals."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from cst_directory.domain.contacts import ContactDraft, ValidContact, validate_contact
from cst_directory.domain.errors import EntryNotFoundError, StorageError, StorageProblem
from cst_directory.storage import contact_store
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.storage.contact_store import SCHEMA_VERSION, STORE_FILE, ContactStore
from cst_directory.storage.directory_file import load_directory
from cst_directory.storage.resources import resources_dir

StoreFactory = Callable[..., ContactStore]
FIXED_NOW = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def contact(name: str, number: str = "020 8457 9999", region: str | None = None, notes: str = "",
            *, allow_unverified: bool = False) -> ValidContact:
    return validate_contact(ContactDraft(name=name, number=number, region=region, notes=notes),
                            allow_unverified=allow_unverified)


def db_path(folder: Path) -> Path:
    return folder / STORE_FILE


def query(folder: Path, sql: str) -> list[tuple[object, ...]]:
    """Run sql on a connection of the test's own, as another program would."""
    with closing(sqlite3.connect(db_path(folder))) as conn:
        return conn.execute(sql).fetchall()


def stored_rows(folder: Path) -> list[tuple[object, ...]]:
    return query(folder, "SELECT * FROM contacts ORDER BY id") + query(
        folder, "SELECT 'favourite', entry_id FROM favourites ORDER BY entry_id")


def stored_names(folder: Path) -> list[str]:
    return [str(row[0]) for row in query(folder, "SELECT name FROM contacts ORDER BY name")]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[StoreFactory]:
    """ContactStore(folder, ...) with tmp_path as the default folder; everything opened is closed after."""
    opened: list[ContactStore] = []

    def factory(folder: Path = tmp_path, **options: object) -> ContactStore:
        store = ContactStore(folder, **options)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def permissive_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(previous)


# --- Round trips ----------------------------------------------------------------------------------


def test_a_new_folder_opens_empty(open_store: StoreFactory, tmp_path: Path) -> None:
    store = open_store()
    assert store.contacts() == []
    assert store.favourites() == set()
    assert store.moved_aside is None
    assert store.backup is None
    assert store.path == db_path(tmp_path)


def test_contacts_survive_a_restart_exactly(open_store: StoreFactory, tmp_path: Path) -> None:
    store = open_store()
    added = [
        store.add(contact("Ann Smith", "07911 123456", "north", "Line one\nLine two")),
        store.add(contact("קהילה", "+33 1 42 68 53 00")),
        store.add(contact("Extension", "020 8457 9999 x12", "south")),
        store.add(contact("Samaritans again", "116 123")),
        store.add(contact("Unverified", "07700 900123", allow_unverified=True)),
    ]
    store.close()

    reopened = open_store()
    assert sorted(reopened.contacts(), key=lambda e: e.id) == sorted(added, key=lambda e: e.id)
    by_name = {e.name: e for e in reopened.contacts()}
    assert by_name["Ann Smith"].notes == "Line one\nLine two"
    assert by_name["Ann Smith"].region == "north"
    assert by_name["קהילה"].number.display == "+33 1 42 68 53 00"
    assert by_name["Extension"].number.extension == "12"
    assert by_name["Samaritans again"].number.display == "116 123"
    assert by_name["Unverified"].number.verified is False
    assert all(not e.builtin and e.id.startswith("p-") for e in added)
    assert len({e.id for e in added}) == len(added)


def test_update_remove_and_favourite_survive_a_restart(open_store: StoreFactory) -> None:
    store = open_store()
    keep = store.add(contact("Keep", "0161 792 6666"))
    change = store.add(contact("Change", "07911 123456"))
    gone = store.add(contact("Gone", "999"))
    store.set_favourite(change.id, True)
    store.set_favourite(gone.id, True)
    store.set_favourite("cst-office-north", True)
    updated = store.update(change.id, contact("Changed", "+33 1 42 68 53 00", "south", "new notes"))
    store.remove(gone.id)
    store.close()

    reopened = open_store()
    assert updated.id == change.id
    assert updated.favourite is True
    assert reopened.contacts() == [updated, keep]
    assert reopened.favourites() == {change.id, "cst-office-north"}

    reopened.set_favourite(change.id, False)
    reopened.set_favourite(change.id, False)
    reopened.close()
    assert open_store().favourites() == {"cst-office-north"}


def test_contacts_are_listed_by_name_ignoring_case(open_store: StoreFactory) -> None:
    store = open_store()
    for name in ["bravo", "Charlie", "alpha", "Alpha"]:
        store.add(contact(name))
    assert [e.name.lower() for e in store.contacts()] == ["alpha", "alpha", "bravo", "charlie"]


def test_update_of_an_unknown_id_raises_and_changes_nothing(open_store: StoreFactory, tmp_path: Path) -> None:
    store = open_store()
    store.add(contact("Ann"))
    before = stored_rows(tmp_path)
    with pytest.raises(EntryNotFoundError) as caught:
        store.update("p-nosuch", contact("Bob"))
    assert caught.value.entry_id == "p-nosuch"
    assert stored_rows(tmp_path) == before
    store.add(contact("Still writable", "999"))
    assert len(store.contacts()) == 2


def test_remove_of_an_unknown_id_raises_and_changes_nothing(open_store: StoreFactory, tmp_path: Path) -> None:
    store = open_store()
    ann = store.add(contact("Ann"))
    store.set_favourite(ann.id, True)
    before = stored_rows(tmp_path)
    with pytest.raises(EntryNotFoundError):
        store.remove("p-nosuch")
    with pytest.raises(EntryNotFoundError):
        store.remove("cst-office-north")
    assert stored_rows(tmp_path) == before
    store.remove(ann.id)
    with pytest.raises(EntryNotFoundError):
        store.remove(ann.id)
    assert store.contacts() == []
    assert store.favourites() == set()


def test_restore_through_the_book_keeps_the_id_and_favourite(open_store: StoreFactory,
                                                             tmp_path: Path) -> None:
    directory = load_directory(resources_dir())
    book = StoredContactBook(directory, open_store())
    ann = book.add(ContactDraft("Ann", "07911 123456", "north", "notes"))
    book.set_favourite(ann.id, True)
    removed = book.remove(ann.id)
    assert removed.favourite is True
    assert ann.id not in {e.id for e in book.entries()}

    restored = book.restore(removed)
    assert restored.id == ann.id
    assert restored.favourite is True
    book.close()

    again = StoredContactBook(directory, open_store())
    found = again.find(ann.id)
    assert (found.name, found.number.display, found.region, found.notes, found.favourite) == (
        "Ann", "07911 123456", "north", "notes", True)


def test_the_clock_stamps_created_and_updated(open_store: StoreFactory, tmp_path: Path) -> None:
    times = iter([FIXED_NOW, FIXED_NOW + dt.timedelta(days=1)])
    store = open_store(clock=lambda: next(times))
    ann = store.add(contact("Ann"))
    store.update(ann.id, contact("Ann B"))
    assert query(tmp_path, "SELECT created, updated FROM contacts") == [
        ("2025-01-02T03:04:05+00:00", "2025-01-03T03:04:05+00:00")]


# --- Settings and file modes ----------------------------------------------------------------------


def test_the_file_is_in_wal_mode_with_full_sync_and_current_schema(open_store: StoreFactory,
                                                                    tmp_path: Path) -> None:
    store = open_store()
    store.add(contact("Ann"))
    # journal_mode is stored in the file: any other connection sees it.
    assert query(tmp_path, "PRAGMA journal_mode") == [("wal",)]
    assert query(tmp_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    # synchronous is per connection: it must be set on the store's own.
    assert store._conn.execute("PRAGMA synchronous").fetchone() == (2,)
    assert store._conn.execute("PRAGMA busy_timeout").fetchone() == (contact_store.BUSY_TIMEOUT_MS,)
    store.close()
    reopened = open_store()
    assert reopened._conn.execute("PRAGMA synchronous").fetchone() == (2,)
    assert reopened._conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_busy_timeout_is_the_one_asked_for(open_store: StoreFactory) -> None:
    assert open_store(busy_timeout_ms=200)._conn.execute("PRAGMA busy_timeout").fetchone() == (200,)


def test_the_database_and_its_wal_and_shm_are_private(permissive_umask: int, open_store: StoreFactory,
                                                      tmp_path: Path) -> None:
    store = open_store()
    for i in range(5):
        store.add(contact(f"Person {i}"))
    store.set_favourite("cst-office-north", True)
    files = [db_path(tmp_path), tmp_path / f"{STORE_FILE}-wal", tmp_path / f"{STORE_FILE}-shm"]
    assert all(f.exists() for f in files), listing(tmp_path)
    assert {f.name: mode_of(f) for f in files} == {f.name: 0o600 for f in files}


def test_an_existing_readable_file_is_made_private(open_store: StoreFactory, tmp_path: Path) -> None:
    open_store().close()
    db_path(tmp_path).chmod(0o644)
    open_store().add(contact("Ann"))
    assert mode_of(db_path(tmp_path)) == 0o600


# --- Damaged files --------------------------------------------------------------------------------


def test_a_garbage_file_is_moved_aside_intact_and_a_fresh_store_started(open_store: StoreFactory,
                                                                         tmp_path: Path) -> None:
    garbage = os.urandom(4096)
    db_path(tmp_path).write_bytes(garbage)

    store = open_store(clock=lambda: FIXED_NOW)
    assert store.contacts() == []
    assert store.moved_aside is not None
    assert store.moved_aside.exists()
    assert store.moved_aside.parent == tmp_path
    assert "damaged-" in store.moved_aside.name
    assert store.moved_aside.name == f"{STORE_FILE}.damaged-20250102T030405"
    assert store.moved_aside.read_bytes() == garbage
    assert mode_of(db_path(tmp_path)) == 0o600

    ann = store.add(contact("Ann"))
    assert store.contacts() == [ann]
    assert query(tmp_path, "PRAGMA integrity_check") == [("ok",)]
    assert store.moved_aside.read_bytes() == garbage


def test_a_second_damaged_file_does_not_overwrite_the_first(open_store: StoreFactory, tmp_path: Path) -> None:
    first, second = os.urandom(4096), os.urandom(4096)
    db_path(tmp_path).write_bytes(first)
    store = open_store(clock=lambda: FIXED_NOW)
    store.close()
    db_path(tmp_path).write_bytes(second)
    again = open_store(clock=lambda: FIXED_NOW)
    assert store.moved_aside is not None
    assert again.moved_aside is not None
    assert again.moved_aside != store.moved_aside
    assert store.moved_aside.read_bytes() == first
    assert again.moved_aside.read_bytes() == second


def _make_fifty(folder: Path) -> bytes:
    store = ContactStore(folder)
    for i in range(50):
        store.add(contact(f"Person {i:03d}", notes="n" * 300))
    store.close()
    # The last connection to close checkpoints the WAL into the file and deletes it.
    assert listing(folder) == [STORE_FILE]
    return db_path(folder).read_bytes()


@pytest.mark.parametrize("page", [1, 5, 8])
def test_a_database_with_a_garbage_page_is_moved_aside_byte_for_byte(open_store: StoreFactory, tmp_path: Path,
                                                                    page: int) -> None:
    good = _make_fifty(tmp_path)
    page_size = 4096
    assert len(good) // page_size > page
    damaged = bytearray(good)
    damaged[page * page_size:(page + 1) * page_size] = random.Random(page).randbytes(page_size)
    db_path(tmp_path).write_bytes(bytes(damaged))

    store = open_store()  # must not raise
    assert store.moved_aside is not None
    assert store.moved_aside.read_bytes() == bytes(damaged)
    assert store.contacts() == []
    store.add(contact("Fresh start"))
    assert [e.name for e in store.contacts()] == ["Fresh start"]


@pytest.mark.parametrize("keep", [100, 4096, 3 * 4096, 5 * 4096 + 17])
def test_a_truncated_database_is_moved_aside_byte_for_byte(open_store: StoreFactory, tmp_path: Path,
                                                           keep: int) -> None:
    truncated = _make_fifty(tmp_path)[:keep]
    db_path(tmp_path).write_bytes(truncated)

    store = open_store()
    assert store.moved_aside is not None
    assert store.moved_aside.read_bytes() == truncated
    assert store.contacts() == []


def test_an_empty_file_is_a_new_store_not_a_damaged_one(open_store: StoreFactory, tmp_path: Path) -> None:
    db_path(tmp_path).touch()
    store = open_store()
    assert store.moved_aside is None
    assert listing(tmp_path) == [STORE_FILE, f"{STORE_FILE}-shm", f"{STORE_FILE}-wal"]


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_a_file_from_a_newer_version_is_refused_and_left_untouched(open_store: StoreFactory, tmp_path: Path,
                                                                   journal_mode: str) -> None:
    with closing(sqlite3.connect(db_path(tmp_path))) as conn:
        conn.execute(f"PRAGMA journal_mode = {journal_mode}")
        conn.execute("CREATE TABLE future (x TEXT)")
        conn.execute("INSERT INTO future VALUES ('from the future')")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.commit()
    assert listing(tmp_path) == [STORE_FILE]
    before = db_path(tmp_path).read_bytes()
    mtime = db_path(tmp_path).stat().st_mtime_ns

    with pytest.raises(StorageError) as caught:
        open_store()
    assert caught.value.problem is StorageProblem.NEWER_SCHEMA
    assert "newer version" in caught.value.message
    assert db_path(tmp_path).read_bytes() == before
    assert db_path(tmp_path).stat().st_mtime_ns == mtime
    assert listing(tmp_path) == [STORE_FILE]


# --- Migrations -----------------------------------------------------------------------------------


def test_a_version_0_file_with_no_tables_is_migrated_without_a_backup(open_store: StoreFactory,
                                                                      tmp_path: Path) -> None:
    with closing(sqlite3.connect(db_path(tmp_path))) as conn:
        conn.execute("CREATE TABLE scratch (x)")
        conn.execute("DROP TABLE scratch")
        conn.commit()
    assert query(tmp_path, "PRAGMA user_version") == [(0,)]
    assert db_path(tmp_path).stat().st_size > 0

    store = open_store()
    assert store.backup is None
    assert store.moved_aside is None
    assert not [name for name in listing(tmp_path) if "before-" in name]
    assert query(tmp_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    store.add(contact("Ann"))


NEXT = SCHEMA_VERSION + 1


def _with_next_version(monkeypatch: pytest.MonkeyPatch, step: str, new_column: str) -> None:
    """A version after this one, whose migration is step and whose contacts table gains new_column."""
    layouts = dict(contact_store._LAYOUTS)
    current = layouts[SCHEMA_VERSION]
    layouts[NEXT] = {**current, "contacts": current["contacts"] | {new_column}}
    monkeypatch.setattr(contact_store, "_MIGRATIONS", (*contact_store._MIGRATIONS, step))
    monkeypatch.setattr(contact_store, "_LAYOUTS", layouts)
    monkeypatch.setattr(contact_store, "SCHEMA_VERSION", NEXT)


def test_migrating_a_file_with_data_takes_a_private_backup_first(
        permissive_umask: int, open_store: StoreFactory, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    old = open_store()
    ann = old.add(contact("Ann", "07911 123456"))
    old.set_favourite(ann.id, True)
    old.close()
    old_rows = stored_rows(tmp_path)

    _with_next_version(monkeypatch, "ALTER TABLE contacts ADD COLUMN x TEXT", "x")
    store = open_store(clock=lambda: FIXED_NOW)

    assert store.backup is not None
    assert store.backup.name == f"{STORE_FILE}.before-v{NEXT}-20250102T030405"
    assert f"before-v{NEXT}-" in store.backup.name
    assert mode_of(store.backup) == 0o600
    with closing(sqlite3.connect(store.backup)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert (conn.execute("SELECT * FROM contacts ORDER BY id").fetchall()
                + conn.execute("SELECT 'favourite', entry_id FROM favourites").fetchall()) == old_rows

    assert query(tmp_path, "PRAGMA user_version") == [(NEXT,)]
    assert "x" in [row[1] for row in query(tmp_path, "PRAGMA table_info(contacts)")]
    assert store.contacts() == [ann.with_favourite(True)]
    assert store.favourites() == {ann.id}


def test_a_failed_migration_leaves_the_file_at_its_old_version(
        open_store: StoreFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = open_store()
    ann = old.add(contact("Ann"))
    old.close()
    old_rows = stored_rows(tmp_path)

    _with_next_version(monkeypatch, "ALTER TABLE contacts ADD COLUMN y TEXT; ALTER TABLE no_such_table ADD z",
                       "y")
    with pytest.raises(StorageError) as caught:
        open_store()
    assert caught.value.problem is StorageProblem.UNRECOVERABLE
    assert query(tmp_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert "y" not in [row[1] for row in query(tmp_path, "PRAGMA table_info(contacts)")]
    assert stored_rows(tmp_path) == old_rows

    monkeypatch.undo()
    assert open_store().contacts() == [ann]


def test_a_current_file_is_not_backed_up_again(open_store: StoreFactory, tmp_path: Path) -> None:
    open_store().add(contact("Ann"))
    assert open_store().backup is None
    assert not [name for name in listing(tmp_path) if "before-" in name]


# --- Failing writes -------------------------------------------------------------------------------


def test_a_full_disk_is_reported_as_full_and_loses_nothing_saved(open_store: StoreFactory,
                                                                 tmp_path: Path) -> None:
    store = open_store()
    store.add(contact("Before the limit"))
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")

    saved = ["Before the limit"]
    for i in range(200):
        name = f"Person {i:03d}"
        try:
            store.add(contact(name, notes="n" * 1900))
        except StorageError as exc:
            assert exc.problem is StorageProblem.FULL, exc.message
            assert "full" in exc.message
            refused = name
            break
        saved.append(name)
    else:
        pytest.fail("the database never filled up")

    assert store._conn.in_transaction is False
    assert sorted(e.name for e in store.contacts()) == sorted(saved)
    store.close()
    assert refused not in stored_names(tmp_path)
    assert stored_names(tmp_path) == sorted(saved)
    reopened = open_store()
    assert sorted(e.name for e in reopened.contacts()) == sorted(saved)
    reopened.add(contact(refused))


def test_a_read_only_database_is_reported_and_nothing_stored(open_store: StoreFactory,
                                                             tmp_path: Path) -> None:
    store = open_store()
    ann = store.add(contact("Ann"))
    store._conn.execute("PRAGMA query_only = 1")
    before = stored_rows(tmp_path)

    with pytest.raises(StorageError) as caught:
        store.add(contact("Bob", "999"))
    assert caught.value.problem is StorageProblem.READ_ONLY
    with pytest.raises(StorageError) as caught:
        store.update(ann.id, contact("Ann B"))
    assert caught.value.problem is StorageProblem.READ_ONLY
    with pytest.raises(StorageError) as caught:
        store.set_favourite(ann.id, True)
    assert caught.value.problem is StorageProblem.READ_ONLY

    assert store._conn.in_transaction is False
    assert stored_rows(tmp_path) == before
    assert store.contacts() == [ann]


def test_a_folder_that_cannot_be_written_is_reported_as_read_only(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        ContactStore(tmp_path / "no" / "such" / "folder")
    assert caught.value.problem is StorageProblem.READ_ONLY


def test_a_locked_database_is_reported_then_writable_once_released(open_store: StoreFactory,
                                                                   tmp_path: Path) -> None:
    store = open_store(busy_timeout_ms=200)
    with closing(sqlite3.connect(db_path(tmp_path), isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            store.add(contact("Ann"))
        waited = time.monotonic() - started
        assert caught.value.problem is StorageProblem.LOCKED
        assert 0.15 <= waited < 5
        assert store._conn.in_transaction is False
        other.execute("COMMIT")

    ann = store.add(contact("Ann"))
    assert store.contacts() == [ann]
    assert stored_names(tmp_path) == ["Ann"]


def test_a_failed_commit_leaves_no_transaction_open(open_store: StoreFactory, tmp_path: Path) -> None:
    """Where WAL is unavailable, COMMIT itself can meet a reader and fail: the store must roll back."""
    store = open_store(busy_timeout_ms=200)
    assert store._conn.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    with closing(sqlite3.connect(db_path(tmp_path), isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM contacts").fetchall()
        with pytest.raises(StorageError) as caught:
            store.add(contact("Ann"))
        assert caught.value.problem is StorageProblem.LOCKED
        # "Nothing was changed": the refused contact must not show, and the write lock must be let go.
        assert store._conn.in_transaction is False
        assert store.contacts() == []
        reader.execute("COMMIT")

    bob = store.add(contact("Bob", "999"))
    store.close()
    assert stored_names(tmp_path) == ["Bob"]
    assert bob.name == "Bob"


def test_opening_waits_for_another_window_creating_the_file(open_store: StoreFactory, tmp_path: Path) -> None:
    """Two windows started together both create the file: the second must wait, not fail at once."""
    db_path(tmp_path).touch()
    creator = sqlite3.connect(db_path(tmp_path), isolation_level=None, check_same_thread=False)
    creator.execute("BEGIN IMMEDIATE")
    creator.execute("CREATE TABLE being_created (x)")
    release = threading.Timer(0.3, lambda: creator.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        store = open_store(busy_timeout_ms=5000)
        assert time.monotonic() - started >= 0.2
    finally:
        release.join()
        creator.close()
    store.add(contact("Ann"))
    assert stored_names(tmp_path) == ["Ann"]


# --- Other connections ----------------------------------------------------------------------------

_ADDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from cst_directory.domain.contacts import ContactDraft, validate_contact
    from cst_directory.storage.contact_store import ContactStore

    folder, tag, start = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    store = ContactStore(folder)
    print("ready", flush=True)
    deadline = time.monotonic() + 20
    while not start.exists():
        if time.monotonic() > deadline:
            sys.exit("never started")
        time.sleep(0.001)
    for i in range(100):
        store.add(validate_contact(ContactDraft(f"{tag} {i:03d}", "020 8457 9999")))
    store.close()
    print("done", flush=True)
""")


def test_two_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    ContactStore(tmp_path).close()
    start = tmp_path / "start"
    children = [subprocess.Popen([sys.executable, "-c", _ADDER, str(tmp_path), tag, str(start)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for tag in ("Alpha", "Bravo")]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n", child.communicate(timeout=20)[1]
        start.touch()
        results = [child.communicate(timeout=30) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert [child.returncode for child in children] == [0, 0], [err for _, err in results]
    assert [out for out, _ in results] == ["done\n", "done\n"]

    expected = sorted(f"{tag} {i:03d}" for tag in ("Alpha", "Bravo") for i in range(100))
    assert stored_names(tmp_path) == expected
    assert query(tmp_path, "PRAGMA integrity_check") == [("ok",)]
    store = ContactStore(tmp_path)
    assert len(store.contacts()) == 200
    store.close()


_CRASHER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from cst_directory.domain.contacts import ContactDraft, validate_contact
    from cst_directory.storage.contact_store import ContactStore

    store = ContactStore(Path(sys.argv[1]))
    for i in range(100_000):
        name = f"Crash {i:06d}"
        store.add(validate_contact(ContactDraft(name, "020 8457 9999", notes="n" * 200)))
        print(name, flush=True)
""")


def test_a_killed_writer_leaves_a_sound_file_with_every_reported_contact(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", _CRASHER, str(tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(30, child.kill)
    watchdog.start()
    reported: list[str] = []
    try:
        assert child.stdout is not None
        while len(reported) < 50:
            line = child.stdout.readline()
            assert line.endswith("\n"), f"the writer stopped early: {child.communicate()[1]}"
            reported.append(line.rstrip("\n"))
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate(timeout=10)
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    # Lines written before the kill were each printed after their save returned: they count too.
    reported += [line for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    reported = [line.rstrip("\n") for line in reported]
    assert len(reported) >= 50

    assert query(tmp_path, "PRAGMA integrity_check") == [("ok",)]
    store = ContactStore(tmp_path)
    try:
        assert store.moved_aside is None
        names = {e.name for e in store.contacts()}
    finally:
        store.close()
    assert set(reported) <= names
    assert len(names) - len(reported) <= 1


def test_a_change_made_elsewhere_is_noticed_once(open_store: StoreFactory, tmp_path: Path) -> None:
    directory = load_directory(resources_dir())
    mine = StoredContactBook(directory, open_store())
    theirs = StoredContactBook(directory, open_store())
    assert mine.has_changed() is False

    added = theirs.add(ContactDraft("Ann", "07911 123456"))
    assert mine.has_changed() is True
    assert mine.has_changed() is False
    assert added.id in {e.id for e in mine.entries()}

    theirs.set_favourite("cst-office-north", True)
    assert mine.has_changed() is True
    assert mine.has_changed() is False
    assert mine.find("cst-office-north").favourite is True

    # A window's own saves are not news to it.
    mine.add(ContactDraft("Bob", "0161 123 4567"))
    assert mine.has_changed() is False
    assert theirs.has_changed() is True
    assert theirs.has_changed() is False


def test_data_version_moves_only_for_other_connections(open_store: StoreFactory) -> None:
    first = open_store()
    second = open_store()
    seen = first.data_version()
    first.add(contact("Ann"))
    assert first.data_version() == seen
    second.add(contact("Bob", "999"))
    assert first.data_version() != seen
