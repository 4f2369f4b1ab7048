"""The fault suite for the contacts file: rows that cannot be read, layouts we did not write, a change log
from another file, openers racing over a damaged file, links and pipes in place of our files, read-only
folders and a real full disk. Each test records what it tried in the fault log printed at the end."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from cst_directory.cli import main as cstdir
from cst_directory.domain.contacts import ContactDraft, validate_contact
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.errors import StorageError, StorageProblem
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.storage.contact_store import STORE_FILE, ContactStore
from tests.fault_report import FaultLog

pytestmark = pytest.mark.fault

OPENERS = 8
ROUNDS = 50
PROCESS_TIMEOUT_S = 60


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add(folder: Path, name: str, number: str) -> str:
    store = ContactStore(folder)
    try:
        return store.add(validate_contact(ContactDraft(name, number))).id
    finally:
        store.close()


def run_cstdir(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cstdir(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def child_env(**extra: str) -> dict[str, str]:
    # Children import the same copy of the app as this test process, whichever that is.
    paths = [p for p in sys.path if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "QT_QPA_PLATFORM": "offscreen", **extra}


def run_process(module: str, *args: str, env: dict[str, str] | None = None,
                prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", module, *args], capture_output=True, text=True,
                          env=env or child_env(), timeout=PROCESS_TIMEOUT_S, check=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder


# --- Rows that cannot be read ---------------------------------------------------------------------


def three_contacts(home: Path) -> list[str]:
    return [add(home, "Ann", "020 7946 0001"), add(home, "Bob", "020 7946 0002"),
            add(home, "Cat", "020 7946 0003")]


def tamper(home: Path, sql: str, *parameters: object) -> None:
    with closing(sqlite3.connect(home / STORE_FILE)) as conn:
        conn.execute(sql, parameters)
        conn.commit()


DAMAGED_ROWS = {
    "a name that is not UTF-8": ("UPDATE contacts SET name = CAST(X'FFFE41' AS TEXT) WHERE id = ?", 1),
    "a blob in the number column": ("UPDATE contacts SET number = X'00FF00' WHERE id = ?", 1),
    "a blob in the name column": ("UPDATE contacts SET name = X'414243' WHERE id = ?", 1),
    "a blob id": ("UPDATE contacts SET id = X'00' WHERE id = ?", 1),
    "an empty name": ("UPDATE contacts SET name = '' WHERE id = ?", 1),
    "an unknown region": ("UPDATE contacts SET region = 'east' WHERE id = ?", 0),
    "a verified flag that is text": ("UPDATE contacts SET verified = 'yes' WHERE id = ?", 0),
    "direction marks in the name": ("UPDATE contacts SET name = 'Ann \u202e9990' WHERE id = ?", 0),
}


@pytest.mark.parametrize("damage", sorted(DAMAGED_ROWS))
def test_a_row_that_cannot_be_read_is_skipped_counted_and_left_in_the_file(
        damage: str, home: Path, directory: BuiltinDirectory, capsys: pytest.CaptureFixture[str],
        fault_log: FaultLog) -> None:
    ids = three_contacts(home)
    sql, unreadable = DAMAGED_ROWS[damage]
    tamper(home, sql, ids[0])
    before = sha(home / STORE_FILE)

    book = StoredContactBook(directory, ContactStore(home))
    entries = book.entries()
    book.close()
    shown = {e.id for e in entries}
    assert {e.id for e in directory.entries} <= shown
    assert {ids[1], ids[2]} <= shown
    assert (ids[0] in shown) is (not unreadable)
    if unreadable:
        assert book.notice == "1 of your contacts could not be read; the file is kept as it is."
    else:
        assert book.notice is None
    for entry in entries:
        assert not any(0x202A <= ord(ch) <= 0x202E for ch in entry.name)
    assert sha(home / STORE_FILE) == before, "reading must write nothing to the file"

    code, out, err = run_cstdir(capsys, "--home", str(home), "lookup", "999")
    assert code == 0 and "999" in out
    assert ("could not be read" in err) is bool(unreadable)
    assert sha(home / STORE_FILE) == before
    fault_log.record("contacts file with a damaged row", True, damage)


def test_a_number_that_no_longer_parses_is_shown_as_stored_and_unverified(
        home: Path, directory: BuiltinDirectory, fault_log: FaultLog) -> None:
    ids = three_contacts(home)
    for stored, number in zip(ids, ("+999 555 0100", "12", "banana"), strict=True):
        tamper(home, "UPDATE contacts SET number = ?, verified = 1 WHERE id = ?", number, stored)
    book = StoredContactBook(directory, ContactStore(home))
    mine = {e.id: e for e in book.entries() if not e.builtin}
    book.close()
    assert set(mine) == set(ids)
    assert [mine[i].number.display for i in ids] == ["+999 555 0100", "12", "banana"]
    assert not any(mine[i].number.verified for i in ids)
    assert "Unverified" in mine[ids[0]].badges
    fault_log.record("contacts file with numbers that no longer parse", True, "3 rows, all shown")


@pytest.mark.parametrize("layout", ["other columns", "a missing table", "a view for a table"])
def test_a_file_with_a_layout_we_did_not_write_is_kept_byte_for_byte(
        layout: str, home: Path, directory: BuiltinDirectory, capsys: pytest.CaptureFixture[str],
        fault_log: FaultLog) -> None:
    schema = {
        "other columns": "CREATE TABLE contacts (id TEXT, who TEXT, phone TEXT);"
                         "CREATE TABLE favourites (entry_id TEXT);"
                         "INSERT INTO contacts VALUES ('a', 'b', 'c');",
        "a missing table": "CREATE TABLE contacts (id TEXT PRIMARY KEY, name TEXT, number TEXT,"
                           " extension TEXT, verified INTEGER, region TEXT, notes TEXT, created TEXT,"
                           " updated TEXT);",
        "a view for a table": "CREATE TABLE t (x); CREATE VIEW contacts AS SELECT x AS id FROM t;"
                              "CREATE TABLE favourites (entry_id TEXT);",
    }[layout]
    with closing(sqlite3.connect(home / STORE_FILE)) as conn:
        conn.executescript(schema + "PRAGMA user_version = 1;")
    before = (home / STORE_FILE).read_bytes()

    code, out, err = run_cstdir(capsys, "--home", str(home), "lookup", "999")
    assert code == 0 and "999" in out
    kept = list(home.glob(f"{STORE_FILE}.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == before
    assert str(kept[0]) in err
    book = StoredContactBook(directory, ContactStore(home))
    assert {e.id for e in book.entries()} == {e.id for e in directory.entries}
    book.close()
    fault_log.record("contacts file with an unknown layout", True, layout)


# --- A change log that belongs to another file ----------------------------------------------------


def test_a_change_log_from_another_file_is_kept_aside_not_applied(
        tmp_path: Path, home: Path, directory: BuiltinDirectory, fault_log: FaultLog) -> None:
    ann = add(home, "Ann", "020 7946 0001")
    before = (home / STORE_FILE).read_bytes()
    assert not (home / f"{STORE_FILE}-wal").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = ContactStore(elsewhere)
    for i in range(5):
        other.add(validate_contact(ContactDraft(f"Stranger {i}", f"020 7946 01{i:02d}")))
    foreign = (elsewhere / f"{STORE_FILE}-wal").read_bytes()
    assert len(foreign) > 32
    (home / f"{STORE_FILE}-wal").write_bytes(foreign)
    other.close()

    store = ContactStore(home)
    book = StoredContactBook(directory, store)
    assert [e.id for e in book.entries() if not e.builtin] == [ann]
    assert store.foreign_wal_kept is not None
    assert store.foreign_wal_kept.read_bytes() == foreign
    copy = store.foreign_wal_kept.with_name(store.foreign_wal_kept.name.removesuffix("-wal"))
    assert copy.read_bytes() == before
    assert book.notice is not None and str(store.foreign_wal_kept) in book.notice
    book.add(ContactDraft("Dan", "020 7946 0004"))
    book.close()
    reopened = ContactStore(home)
    assert sorted(e.name for e in reopened.contacts()) == ["Ann", "Dan"]
    assert reopened.foreign_wal_kept is None
    reopened.close()
    fault_log.record("foreign change log beside the contacts file", True, "kept aside, not applied")


def test_a_change_log_left_by_a_crash_of_our_own_is_applied(home: Path, fault_log: FaultLog) -> None:
    add(home, "Ann", "020 7946 0001")
    code = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from cst_directory.domain.contacts import ContactDraft, validate_contact
        from cst_directory.storage.contact_store import ContactStore
        store = ContactStore(Path({str(home)!r}))
        store.add(validate_contact(ContactDraft("Bob", "020 7946 0002")))
        os._exit(0)  # no close: the change log stays, as after a crash
    """)
    subprocess.run([sys.executable, "-c", code], env=child_env(), check=True, timeout=PROCESS_TIMEOUT_S)
    assert (home / f"{STORE_FILE}-wal").stat().st_size > 32
    store = ContactStore(home)
    assert sorted(e.name for e in store.contacts()) == ["Ann", "Bob"]
    assert store.foreign_wal_kept is None
    store.close()
    fault_log.record("our own change log left by a crash", True, "applied")


# --- Many openers of one damaged file -------------------------------------------------------------


OPENER = textwrap.dedent("""
    import contextlib, io, sys
    from cst_directory.cli import main
    home, worker = sys.argv[1], int(sys.argv[2])
    for line in sys.stdin:
        round_number = int(line)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--home", home, "add", "--name", f"w{worker} r{round_number}",
                         "--number", f"020 7946 0{round_number * 8 + worker:03d}", "--json"])
        saved = out.getvalue() if code == 0 else ""
        print(code, saved.replace("\\n", " "), err.getvalue().replace("\\n", " "), sep="\\t", flush=True)
""")


@pytest.fixture
def openers(home: Path) -> Iterator[list[subprocess.Popen[str]]]:
    workers = [subprocess.Popen([sys.executable, "-c", OPENER, str(home), str(i)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, env=child_env())
               for i in range(OPENERS)]
    yield workers
    for worker in workers:
        if worker.stdin:
            worker.stdin.close()
        worker.wait(timeout=PROCESS_TIMEOUT_S)


def test_eight_openers_of_a_damaged_file_lose_nothing_and_keep_it_intact(
        home: Path, openers: list[subprocess.Popen[str]], fault_log: FaultLog) -> None:
    db = home / STORE_FILE
    for round_number in range(ROUNDS):
        for side in home.glob(f"{STORE_FILE}*"):
            side.unlink()
        garbage = os.urandom(8192)
        db.write_bytes(garbage)
        for worker in openers:
            assert worker.stdin is not None
            worker.stdin.write(f"{round_number}\n")
            worker.stdin.flush()
        reported = []
        for worker in openers:
            assert worker.stdout is not None
            code, saved, err = worker.stdout.readline().rstrip("\n").split("\t")
            assert code == "0", err
            reported.append(json.loads(saved)[0]["id"])
        kept = list(home.glob(f"{STORE_FILE}.damaged-*"))
        with closing(sqlite3.connect(db)) as conn:
            stored = {row[0] for row in conn.execute("SELECT id FROM contacts")}
        survived = (set(reported) <= stored and len(kept) == 1 and kept[0].read_bytes() == garbage
                    and not any(k.name.endswith("-wal") for k in home.glob("*.damaged-*")))
        fault_log.record(f"{OPENERS} openers of one damaged file", survived,
                         "" if survived else f"round {round_number}: kept {len(kept)}, "
                                             f"lost {len(set(reported) - stored)}")
        assert set(reported) <= stored, f"round {round_number}: a reported save was lost"
        assert len(kept) == 1, f"round {round_number}: {len(kept)} copies kept"
        assert kept[0].read_bytes() == garbage, f"round {round_number}: the damaged copy changed"
        kept[0].unlink()


# --- Links, pipes, folders and devices in place of our files --------------------------------------


KINDS = ["symlink", "dangling symlink", "fifo", "directory", "device"]
STORE_NAMES = [STORE_FILE, f"{STORE_FILE}-wal", f"{STORE_FILE}-shm"]


def plant(kind: str, path: Path, outside: Path) -> None:
    if kind == "symlink":
        path.symlink_to(outside)
    elif kind == "dangling symlink":
        path.symlink_to(outside.with_name("nothing-here"))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))


def outside_file(tmp_path: Path) -> Path:
    # A real database outside the data folder: the most tempting target a link could point at.
    target = tmp_path / "outside.db"
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("CREATE TABLE precious (x)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
        conn.commit()
    target.chmod(0o644)
    return target


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", STORE_NAMES)
def test_a_link_pipe_folder_or_device_in_place_of_the_contacts_files(
        name: str, kind: str, tmp_path: Path, home: Path, fault_log: FaultLog) -> None:
    if name != STORE_FILE:
        add(home, "Ann", "020 7946 0001")
    outside = outside_file(tmp_path)
    before = (outside.read_bytes(), stat.S_IMODE(outside.stat().st_mode))
    planted = home / name
    plant(kind, planted, outside)

    lookup = run_process("cst_directory.cli", "--home", str(home), "lookup", "999")
    change = run_process("cst_directory.cli", "--home", str(home), "add", "--name", "Bob",
                         "--number", "020 7946 0002")
    survived = (lookup.returncode == 0 and "999" in lookup.stdout and change.returncode == 3
                and (outside.read_bytes(), stat.S_IMODE(outside.stat().st_mode)) == before
                and not outside.with_name("nothing-here").exists())
    fault_log.record("link, pipe, folder or device in place of a contacts file", survived,
                     f"{name} as {kind}: lookup {lookup.returncode}, add {change.returncode}")
    assert lookup.returncode == 0, lookup.stderr
    assert "999" in lookup.stdout
    assert "left it alone" in lookup.stderr and str(planted) in lookup.stderr
    assert "Traceback" not in lookup.stderr + change.stderr
    assert change.returncode == 3, change.stderr
    assert len(change.stderr.strip().splitlines()) == 1
    assert change.stderr.startswith("cstdir: Your contacts file"), change.stderr
    assert lookup.stderr.startswith("cstdir: Your contacts file"), lookup.stderr
    assert (outside.read_bytes(), stat.S_IMODE(outside.stat().st_mode)) == before
    assert not outside.with_name("nothing-here").exists()
    assert planted.is_symlink() or not planted.is_file()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["settings.ini", "instance.lock"])
def test_a_link_pipe_folder_or_device_in_place_of_the_window_files(
        name: str, kind: str, tmp_path: Path, home: Path, fault_log: FaultLog) -> None:
    outside = outside_file(tmp_path)
    before = (outside.read_bytes(), stat.S_IMODE(outside.stat().st_mode))
    plant(kind, home / name, outside)

    window = run_process("cst_directory.app", "--home", str(home), "--exit-after-show")
    survived = (window.returncode == 0
                and (outside.read_bytes(), stat.S_IMODE(outside.stat().st_mode)) == before
                and not outside.with_name("nothing-here").exists())
    fault_log.record("link, pipe, folder or device in place of a window file", survived,
                     f"{name} as {kind}: window exit {window.returncode}")
    assert window.returncode == 0, window.stderr
    assert "Traceback" not in window.stderr
    assert (outside.read_bytes(), stat.S_IMODE(outside.stat().st_mode)) == before
    assert not outside.with_name("nothing-here").exists()


# --- Read-only data, as an ordinary user ----------------------------------------------------------


def as_ordinary_user(home: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    """How to run a command as a user without root's right to write anywhere. As root, that is the
    nobody account, keeping only the right to read (so it can load this checkout's Python)."""
    if os.geteuid() != 0:
        return (), child_env()
    if shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is needed to run as an ordinary user")
    nobody = 65534
    scratch = home.parent / "nobody-home"
    scratch.mkdir()
    for path in (home, *home.iterdir(), scratch):
        os.chown(path, nobody, nobody)
    prefix = ("setpriv", f"--reuid={nobody}", f"--regid={nobody}", "--clear-groups",
              "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search")
    env = child_env(HOME=str(scratch))
    env.pop("XDG_RUNTIME_DIR", None)
    # Reading a checkout inside a folder only root may enter works through the kept capability, but Qt
    # looks for its plugins with access(), which ignores capabilities: tell it where they are.
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.origin is not None:
        env["QT_PLUGIN_PATH"] = str(Path(spec.origin).parent / "Qt" / "plugins")
    return prefix, env


@pytest.mark.parametrize("what", ["folder", "file"])
def test_read_only_contacts_are_still_shown_and_refuse_changes(
        what: str, home: Path, fault_log: FaultLog) -> None:
    add(home, "Ann the security lead", "020 7946 0001")
    prefix, env = as_ordinary_user(home)
    db = home / STORE_FILE
    if what == "folder":
        home.chmod(0o500)
    else:
        db.chmod(0o400)
    before = sha(db)
    try:
        listing = run_process("cst_directory.cli", "--home", str(home), "list", env=env, prefix=prefix)
        change = run_process("cst_directory.cli", "--home", str(home), "add", "--name", "Bob", "--number",
                             "020 7946 0002", env=env, prefix=prefix)
        window = run_process("cst_directory.app", "--home", str(home), "--exit-after-show", env=env,
                             prefix=prefix)
    finally:
        home.chmod(0o700)
    survived = (listing.returncode == 0 and "Ann the security lead" in listing.stdout
                and change.returncode == 3 and window.returncode == 0 and sha(db) == before)
    fault_log.record("read-only contacts as an ordinary user", survived,
                     f"read-only {what}: list {listing.returncode}, add {change.returncode}, "
                     f"window {window.returncode}")
    assert listing.returncode == 0, listing.stderr
    assert "Ann the security lead" in listing.stdout and "999" in listing.stdout
    assert "can only be read" in listing.stderr
    assert change.returncode == 3 and "can only be read" in change.stderr, change.stderr
    assert window.returncode == 0, window.stderr
    assert "can only be read" in window.stderr
    assert sha(db) == before


# --- A real full disk -----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs: a disk that really fills up. Mounting needs root, which CI has."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount_point)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        message = f"cannot mount a small tmpfs here: {result.stderr.strip()}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b"\0")
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_refuses_then_saves_again_once_space_is_freed(
        small_disk: Path, directory: BuiltinDirectory, fault_log: FaultLog) -> None:
    folder = small_disk / "data"
    folder.mkdir(mode=0o700)
    book = StoredContactBook(directory, ContactStore(folder))
    book.add(ContactDraft("Before", "020 7946 0001"))
    filler = fill(small_disk)
    refused = 0
    for i in range(20):
        try:
            book.add(ContactDraft(f"During {i} " + "x" * 90, f"020 7946 01{i:02d}", notes="n" * 1900))
        except StorageError as exc:
            assert exc.problem is StorageProblem.FULL
            refused += 1
    assert refused, "the disk never filled"
    assert any(e.name == "Before" for e in book.entries())
    filler.unlink()
    book.add(ContactDraft("After", "020 7946 0002"))
    names = {e.name for e in book.entries() if not e.builtin}
    book.close()
    assert {"Before", "After"} <= names
    fault_log.record("a real full disk (tmpfs)", True, f"{refused} saves refused while full, then saved")
