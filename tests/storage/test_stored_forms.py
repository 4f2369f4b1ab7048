"""Parse once: the forms display and search need are stored with each contact, version-1 files are carried
forward (with their backup first, all or nothing), and the change feed and the batch add behind a fast
list."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from cst_directory.domain.book import BookChanges, BookSnapshot, DuplicateNumberError
from cst_directory.domain.contacts import ContactDraft, ValidContact, validate_contact
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.errors import StorageError, StorageProblem
from cst_directory.domain.phone import parse_number
from cst_directory.storage import contact_rows, contact_store
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.storage.contact_store import STORE_FILE, ContactStore, DuplicateContactError, StoreReader
from cst_directory.storage.store_files import identity_of
from tests.storage.test_faults_store import child_env, fill, home, small_disk

__all__ = ["home", "small_disk"]  # fixtures, used by name

V1_CONTACTS = 10_000
PROCESS_TIMEOUT_S = 60


def contact(name: str, number: str) -> ValidContact:
    return validate_contact(ContactDraft(name=name, number=number))


def mobile(i: int) -> str:
    return f"07911 {100000 + i:06d}"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every number the stored rows make phonenumbers parse, from now on."""
    seen: list[str] = []

    def counting(text: str, **options: bool) -> object:
        seen.append(text)
        return parse_number(text, **options)
    monkeypatch.setattr(contact_rows, "parse_number", counting)
    yield seen


def write_v1_file(folder: Path, count: int) -> list[tuple[str, str]]:
    """A version-1 file as that version wrote it: E.164 numbers and no stored forms."""
    rows = [(f"p-{i:012x}", f"Person {i} Surname{i % 97}", "+44" + mobile(i).replace(" ", "")[1:])
            for i in range(count)]
    schema = contact_store._MIGRATIONS[0]
    assert isinstance(schema, str)
    with closing(sqlite3.connect(folder / STORE_FILE)) as conn:
        conn.executescript(schema + "PRAGMA user_version = 1;")
        conn.executemany("INSERT INTO contacts (id, name, number, extension, verified, region, notes,"
                         " created, updated) VALUES (?, ?, ?, NULL, 1, NULL, '', '2025-01-01', '2025-01-01')",
                         rows)
        conn.execute("INSERT INTO favourites VALUES (?)", (rows[0][0],))
        conn.commit()
    (folder / STORE_FILE).chmod(0o600)
    return [(entry_id, name) for entry_id, name, _ in rows]


def file_state(path: Path) -> tuple[int, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        return version, conn.execute("SELECT id, name, number FROM contacts ORDER BY id").fetchall()


# --- Parse once ------------------------------------------------------------------------------------


def test_reading_contacts_back_parses_no_number(home: Path, parses: list[str]) -> None:
    store = ContactStore(home)
    written = store.add_many([contact(f"Person {i}", mobile(i)) for i in range(500)])
    store.close()

    again = ContactStore(home)
    read = again.contacts()
    again.close()
    assert parses == []
    assert sorted(read, key=lambda e: e.id) == sorted(written, key=lambda e: e.id)
    # What was read is what parsing would give, form for form.
    for entry in read[:50]:
        assert entry.number == parse_number(entry.number.display)


def test_a_version_1_file_of_10000_contacts_migrates_with_its_backup_and_lists_all(
        home: Path, parses: list[str], directory: BuiltinDirectory) -> None:
    written = write_v1_file(home, V1_CONTACTS)
    before = file_state(home / STORE_FILE)

    store = ContactStore(home)
    assert store.backup is not None and file_state(store.backup) == before
    assert len(parses) == V1_CONTACTS  # once, to carry the file forward
    parses.clear()
    book = StoredContactBook(directory, store)
    listed = {e.id: e for e in book.entries() if not e.builtin}
    assert {entry_id: listed[entry_id].name for entry_id, _ in written} == dict(written)
    assert listed[written[0][0]].favourite
    assert listed[written[1][0]].number.display == "07911 100001"
    assert parses == []
    book.close()

    reopened = ContactStore(home)
    assert reopened.backup is None and len(reopened.contacts()) == V1_CONTACTS
    assert parses == []
    reopened.close()


def test_a_migration_that_runs_out_of_disk_leaves_the_file_as_it_was(small_disk: Path) -> None:
    home = small_disk / "data"
    home.mkdir(mode=0o700)
    write_v1_file(home, 3000)
    before = file_state(home / STORE_FILE)
    size = (home / STORE_FILE).stat().st_size
    filler = fill(small_disk)
    # Room for the backup, not for the migration that follows it.
    os.truncate(filler, max(filler.stat().st_size - size - 96 * 1024, 0))

    with pytest.raises(StorageError) as caught:
        ContactStore(home)
    assert caught.value.problem is StorageProblem.FULL
    assert "full" in caught.value.message
    assert file_state(home / STORE_FILE) == before

    filler.unlink()
    store = ContactStore(home)
    assert len(store.contacts()) == 3000
    store.close()


def test_a_migration_killed_half_way_leaves_the_file_as_it_was(home: Path) -> None:
    write_v1_file(home, 2000)
    before = file_state(home / STORE_FILE)
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from cst_directory.storage import contact_store
        step = contact_store._store_number_forms
        def slow(conn):
            step(conn)
            print("written", flush=True)  # every row rewritten, nothing committed yet
            time.sleep(60)
        contact_store._MIGRATIONS = (contact_store._MIGRATIONS[0], slow)
        contact_store.ContactStore(Path({str(home)!r}))
    """)
    child = subprocess.Popen([sys.executable, "-c", script], env=child_env(), stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "written"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=PROCESS_TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert file_state(home / STORE_FILE) == before

    store = ContactStore(home)
    assert len(store.contacts()) == 2000
    store.close()


# --- Rows changed by another program ----------------------------------------------------------------


def tamper(home: Path, sql: str, *parameters: object) -> None:
    with closing(sqlite3.connect(home / STORE_FILE)) as conn:
        conn.execute(sql, parameters)
        conn.commit()


def test_a_stored_form_changed_by_another_program_is_not_shown(home: Path, parses: list[str]) -> None:
    store = ContactStore(home)
    ann = store.add(contact("Ann", "020 7946 0001"))
    store.close()
    tamper(home, "UPDATE contacts SET display = '999', tel_uri = 'tel:999;phone-context=+44' WHERE id = ?",
           ann.id)

    reread = ContactStore(home).contacts()
    assert [e.number.display for e in reread] == ["020 7946 0001"]
    assert reread[0].number.tel_uri == ann.number.tel_uri
    assert parses  # worked out again from the number


def test_a_number_or_name_changed_by_another_program_is_shown_and_found_as_it_now_is(home: Path) -> None:
    store = ContactStore(home)
    ann = store.add(contact("Ann", "020 7946 0001"))
    store.close()
    tamper(home, "UPDATE contacts SET number = '+442079460002', name = 'Beatrice' WHERE id = ?", ann.id)

    entry = ContactStore(home).contacts()[0]
    assert entry.number.display == "020 7946 0002"
    assert entry.number.dial == "02079460002"
    assert "beatrice" in entry.search_text and "ann" not in entry.search_text.split()


# --- The change feed -------------------------------------------------------------------------------


def test_the_change_feed_names_what_another_connection_wrote(home: Path) -> None:
    mine, theirs = ContactStore(home), ContactStore(home)
    start = mine.latest_change()
    ann = theirs.add(contact("Ann", "020 7946 0001"))
    bob = theirs.add(contact("Bob", "020 7946 0002"))
    theirs.remove(bob.id)
    theirs.set_favourite("uk-samaritans", True)

    found = mine.changes_since(start)
    assert found is not None
    assert set(found.ids) == {ann.id, bob.id, "uk-samaritans"}
    assert [e.id for e in found.contacts] == [ann.id]
    assert found.favourites == {"uk-samaritans"}
    nothing_new = mine.changes_since(found.latest)
    assert nothing_new is not None and nothing_new.ids == ()
    mine.close()
    theirs.close()


def test_a_feed_that_went_back_asks_for_a_reload(home: Path) -> None:
    store = ContactStore(home)
    store.add(contact("Ann", "020 7946 0001"))
    assert store.changes_since(store.latest_change() + 5) is None
    store.close()


def test_the_book_reports_changes_made_elsewhere_as_entries(home: Path, directory: BuiltinDirectory) -> None:
    mine = StoredContactBook(directory, ContactStore(home))
    theirs = StoredContactBook(directory, ContactStore(home))
    kept = theirs.add(ContactDraft("Ann", "020 7946 0001"))
    gone = theirs.add(ContactDraft("Bob", "020 7946 0002"))
    mine.entries()
    assert mine.changes() is None

    edited = theirs.edit(kept.id, ContactDraft("Ann Smith", "020 7946 0001"))
    theirs.remove(gone.id)
    theirs.set_favourite("uk-police-101", True)
    changes = mine.changes()
    assert changes is not None and not changes.reload
    assert {e.id: e for e in changes.changed} == {
        kept.id: edited, "uk-police-101": mine.find("uk-police-101")}
    assert mine.find("uk-police-101").favourite
    assert changes.removed == (gone.id,)
    assert mine.changes() is None
    mine.close()
    theirs.close()


def test_a_large_change_elsewhere_is_one_reload(home: Path, directory: BuiltinDirectory) -> None:
    mine = StoredContactBook(directory, ContactStore(home))
    mine.entries()
    theirs = ContactStore(home)
    theirs.add_many([contact(f"Person {i}", mobile(i)) for i in range(1500)])
    assert mine.changes() == BookChanges(reload=True)
    theirs.close()
    mine.close()


# --- Batch add -------------------------------------------------------------------------------------


def test_a_batch_is_one_transaction(home: Path) -> None:
    store = ContactStore(home)
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    store.add_many([contact(f"Person {i}", mobile(i)) for i in range(300)])
    assert statements.count("COMMIT") == 1
    assert len(store.contacts()) == 300
    store.close()


def test_a_batch_with_a_duplicate_stores_nothing(home: Path, directory: BuiltinDirectory) -> None:
    store = ContactStore(home)
    store.add(contact("Ann", mobile(5)))
    with pytest.raises(DuplicateContactError):
        store.add_many([contact("New", mobile(1)), contact("Again", mobile(5))])
    with pytest.raises(DuplicateContactError):
        store.add_many([contact("One", mobile(7)), contact("Twice", mobile(7))])
    assert [e.name for e in store.contacts()] == ["Ann"]

    book = StoredContactBook(directory, store)
    with pytest.raises(DuplicateNumberError):
        book.add_many([contact("New", mobile(2)), contact("Police", "101")])
    added = book.add_many([contact("One", mobile(7)), contact("Twice", mobile(7))], allow_duplicates=True)
    assert [e.name for e in added] == ["One", "Twice"]
    assert sorted(e.name for e in store.contacts()) == ["Ann", "One", "Twice"]
    book.close()


def test_a_folder_named_with_uri_characters_is_read_as_itself(tmp_path: Path) -> None:
    # The read-only and change-log checks open the file by URI, where "?", "#" and "%41" mean something.
    folder = tmp_path / "what? #1 %41"
    folder.mkdir(mode=0o700)
    (tmp_path / "what").mkdir(mode=0o700)  # where a URI cut at "?" would point
    store = ContactStore(folder)
    store.add(contact("Ann", "020 7946 0001"))
    store.close()
    with closing(sqlite3.connect(folder / STORE_FILE)) as conn:
        identity = int(conn.execute("PRAGMA application_id").fetchone()[0])
    assert identity != 0
    assert identity_of(folder / STORE_FILE, "mode=ro") == identity
    assert identity_of(folder / STORE_FILE, "immutable=1") == identity
    assert not (tmp_path / "what" / STORE_FILE).exists()


# --- Reading on another thread ----------------------------------------------------------------------


def test_a_snapshot_read_on_another_thread_is_what_the_book_reads(home: Path,
                                                                  directory: BuiltinDirectory) -> None:
    store = ContactStore(home)
    store.add_many([contact(f"Person {i}", mobile(i)) for i in range(200)])
    store.set_favourite("uk-samaritans", True)
    book = StoredContactBook(directory, store)
    read: list[BookSnapshot] = []
    worker = threading.Thread(target=lambda: read.append(book.snapshot_reader()()))
    worker.start()
    book.add(ContactDraft("Written meanwhile", mobile(500)))  # the owner's connection keeps working
    worker.join(PROCESS_TIMEOUT_S)
    [snapshot] = read
    assert snapshot.read_failure is None
    adopted = book.adopt(snapshot)
    assert {e.id for e in adopted} <= {e.id for e in book.entries()}
    assert next(e for e in adopted if e.id == "uk-samaritans").favourite
    # Whatever the snapshot missed comes as changes, not as another full read.
    book.adopt(snapshot)
    caught = book.catch_up()
    missed = {e.id for e in book.entries()} - {e.id for e in snapshot.entries}
    assert ({e.id for e in caught.changed} if caught else set()) >= missed
    book.close()


def test_a_file_that_can_only_be_read_as_it_stands_is_read_by_a_reader(home: Path) -> None:
    store = ContactStore(home)
    store.add(contact("Ann", "020 7946 0001"))
    store.close()
    info = os.lstat(home / STORE_FILE)
    reader = StoreReader(home / STORE_FILE, "immutable=1", (info.st_dev, info.st_ino))
    assert [e.name for e in reader.contacts()] == ["Ann"]
    reader.close()


# --- Forms another program wrote on purpose --------------------------------------------------------


def forge(home: Path, entry_id: str, **columns: object) -> None:
    """Rewrite some columns of a row and give it the checksum that makes it look as this version wrote
    it: what someone who read the code could do to the file."""
    marks = ", ".join(f"{column} = ?" for column in columns)
    with closing(sqlite3.connect(home / STORE_FILE)) as conn:
        if columns:
            conn.execute(f"UPDATE contacts SET {marks} WHERE id = ?", (*columns.values(), entry_id))
        joined = conn.execute(f"SELECT {contact_rows.plain_columns()} FROM contacts WHERE id = ?",
                              (entry_id,)).fetchone()[-1]
        conn.execute("UPDATE contacts SET forms_key = ? WHERE id = ?",
                     (zlib.crc32(joined.encode("utf-8")), entry_id))
        conn.commit()


def test_forged_forms_with_a_matching_checksum_still_show_what_is_dialled(home: Path) -> None:
    store = ContactStore(home)
    mine = store.add(contact("Ann", "07911 123456"))
    store.close()
    forge(home, mine.id, display="0800 032 3263", international="+44 800 032 3263")

    [entry] = ContactStore(home).contacts()
    assert entry.number.display == "07911 123456"
    assert entry.number.international == "+44 7911 123456"
    assert entry.number.tel_uri == mine.number.tel_uri

    forge(home, mine.id, name="CST National \u202eEmergency")
    [entry] = ContactStore(home).contacts()
    assert entry.name == "CST National Emergency"


def test_forms_stored_as_other_types_are_worked_out_again(home: Path) -> None:
    store = ContactStore(home)
    mine = store.add(contact("Ann", "07911 123456"))
    store.close()
    with closing(sqlite3.connect(home / STORE_FILE)) as conn:
        conn.execute("UPDATE contacts SET display = CAST(display AS BLOB), is_short = CAST(is_short AS TEXT)")
        conn.commit()
    forge(home, mine.id)

    [entry] = ContactStore(home).contacts()
    assert entry.number == mine.number


def test_a_file_put_in_place_of_the_open_one_is_not_read_and_everything_is_read_again(
        home: Path, tmp_path: Path, directory: BuiltinDirectory) -> None:
    book = StoredContactBook(directory, ContactStore(home))
    book.add(ContactDraft("Ann", "07911 123456"))
    other = tmp_path / "other"
    other.mkdir(mode=0o700)
    ContactStore(other).add(contact("Someone else's", "07911 123457"))
    (home / STORE_FILE).rename(tmp_path / "moved.db")
    (home / STORE_FILE).symlink_to(other / STORE_FILE)

    snapshot = book.snapshot_reader()()
    assert snapshot.read_failure is not None and "was replaced" in snapshot.read_failure
    assert all(entry.builtin for entry in snapshot.entries)
    book.adopt(snapshot)
    # Not changes on top of nothing: the whole book again, through the store's own connection.
    assert book.catch_up() == BookChanges(reload=True)
    assert [e.name for e in book.entries() if not e.builtin] == ["Ann"]
    book.close()


def test_a_change_made_outside_the_app_is_a_reload(home: Path, directory: BuiltinDirectory) -> None:
    book = StoredContactBook(directory, ContactStore(home))
    book.add(ContactDraft("Ann", "07911 123456"))
    book.entries()
    tamper(home, "UPDATE contacts SET name = 'Ann Smith'")
    assert book.changes() == BookChanges(reload=True)
    assert [e.name for e in book.entries() if not e.builtin] == ["Ann Smith"]
    book.close()
