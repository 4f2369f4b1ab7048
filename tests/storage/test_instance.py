"""The lock that says which running copy owns a data folder, and where that copy listens: a lock file
that is never followed through a link nor opened when it is not a plain file, and a lock and socket that
stay out of reach of other accounts whatever folder the data is in."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cst_directory import APP_ID
from cst_directory.storage.instance import (
    MAX_SOCKET_PATH,
    InstanceLock,
    NoPrivateFolderError,
    UnsafeLockError,
    instance_place,
    instance_socket,
    keep_claim,
    owner_is_someone_else,
)
from tests.fault_report import FaultLog

NOBODY = 65534
_HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from cst_directory.storage.instance import InstanceLock
    lock = InstanceLock(Path(sys.argv[1]))
    print("held" if lock.acquire() else "refused", flush=True)
    time.sleep(600)
""")
# Run in a child with a timeout, so that a lock file that blocks on open fails the test, not hangs it.
_ACQUIRE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from cst_directory.storage.instance import InstanceLock, UnsafeLockError
    try:
        print("held" if InstanceLock(Path(sys.argv[1])).acquire() else "refused")
    except UnsafeLockError as exc:
        print("unsafe:", exc)
""")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another account")


def hold_in_another_process(lock_file: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(lock_file)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def acquire_in_a_child(lock_file: Path) -> str:
    done = subprocess.run([sys.executable, "-c", _ACQUIRE, str(lock_file)], capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def temp_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short, sticky, world-writable stand-in for the system's temporary folder, with no runtime
    folder set, so the per-user folder is made here and not in the real one."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        root.chmod(0o1777)
        monkeypatch.setattr(tempfile, "tempdir", str(root))
        yield root


def private_folder_in(root: Path) -> Path:
    return root / f"{APP_ID}-{os.getuid()}"


def shared_home(tmp_path: Path) -> Path:
    """A data folder every local account can write to, as a careless --home on a shared drive is."""
    home = tmp_path / "shared"
    home.mkdir()
    home.chmod(0o777)
    return home


def outside_file(tmp_path: Path) -> tuple[Path, tuple[bytes, int]]:
    target = tmp_path / "someone-elses-file"
    target.write_bytes(b"not yours\n")
    target.chmod(0o644)
    return target, (target.read_bytes(), stat.S_IMODE(target.stat().st_mode))


def test_only_one_process_holds_the_lock(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path / "instance.lock")
    try:
        assert InstanceLock(tmp_path / "instance.lock").acquire() is False
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_killed_holder_leaves_no_lock_behind(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path / "instance.lock")
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert (tmp_path / "instance.lock").exists()
    lock = InstanceLock(tmp_path / "instance.lock")
    assert lock.acquire() is True
    lock.release()


def test_a_released_lock_can_be_taken_again(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "instance.lock")
    assert first.acquire()
    first.release()
    second = InstanceLock(tmp_path / "instance.lock")
    assert second.acquire()
    second.release()


def test_the_lock_holds_against_a_second_open_in_the_same_process(tmp_path: Path) -> None:
    lock = InstanceLock(tmp_path / "instance.lock")
    assert lock.acquire()
    time.sleep(0.05)
    assert InstanceLock(tmp_path / "instance.lock").acquire() is False
    lock.release()


def test_a_folder_where_no_lock_file_can_be_made_is_an_error_not_a_held_lock(tmp_path: Path) -> None:
    # Told apart from "held", so that a read-only data folder does not pass for a hung window.
    with pytest.raises(OSError):
        InstanceLock(tmp_path / "missing" / "instance.lock").acquire()


def test_the_lock_file_is_made_private_from_the_start(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        lock = InstanceLock(tmp_path / "instance.lock")
        assert lock.acquire()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "instance.lock").stat().st_mode) == 0o600
    lock.release()


def test_a_lock_file_left_open_to_others_is_made_private_through_its_descriptor(tmp_path: Path) -> None:
    # An older version made it with the default mode: anyone could open it and hold the lock.
    path = tmp_path / "instance.lock"
    path.write_bytes(b"")
    path.chmod(0o644)
    lock = InstanceLock(path)
    assert lock.acquire()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lock.release()


@pytest.mark.fault
@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "fifo", "directory", "device"])
def test_something_other_than_a_file_in_place_of_the_lock_is_left_alone(
        kind: str, tmp_path: Path, fault_log: FaultLog) -> None:
    target, before = outside_file(tmp_path)
    path = tmp_path / "data" / "instance.lock"
    path.parent.mkdir(mode=0o700)
    if kind == "symlink":
        path.symlink_to(target)
    elif kind == "dangling symlink":
        path.symlink_to(tmp_path / "nothing-here")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))

    said = acquire_in_a_child(path)
    untouched = ((target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == before
                 and not (tmp_path / "nothing-here").exists())
    fault_log.record("link, pipe, folder or device in place of instance.lock",
                     said.startswith("unsafe:") and untouched, f"{kind}: {said}")
    assert said.startswith("unsafe:"), said
    assert str(path) in said and "left it alone" in said
    assert untouched
    assert path.is_symlink() or not path.is_file()


def test_the_error_for_a_linked_lock_is_one_sentence(tmp_path: Path) -> None:
    target, _ = outside_file(tmp_path)
    (tmp_path / "instance.lock").symlink_to(target)
    with pytest.raises(UnsafeLockError) as caught:
        InstanceLock(tmp_path / "instance.lock").acquire()
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message
    assert "a symbolic link" in message


def test_the_socket_is_in_a_private_folder_and_short_enough(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    home = tmp_path / "d"
    home.mkdir(mode=0o700)
    place = instance_place(APP_ID, home)
    assert place.socket == str(home.resolve() / "instance.socket")
    assert place.lock == home / "instance.lock"
    assert len(place.socket.encode()) <= MAX_SOCKET_PATH


def test_the_runtime_folder_is_preferred_when_private(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A short folder, like /run/user/<uid>: pytest's own folders are too deep for a socket name.
    with tempfile.TemporaryDirectory() as runtime:
        Path(runtime).chmod(0o700)
        monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
        home = tmp_path / "d"
        home.mkdir(mode=0o700)
        socket = instance_socket(APP_ID, home)
        assert Path(socket).parent == Path(runtime)
        assert socket != instance_socket(APP_ID, tmp_path)  # another data folder, another owner


def test_a_runtime_folder_open_to_others_is_not_used(tmp_path: Path, temp_root: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with tempfile.TemporaryDirectory() as runtime:
        Path(runtime).chmod(0o755)
        monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
        place = instance_place(APP_ID, shared_home(tmp_path))
        assert place.lock.parent == private_folder_in(temp_root)
        assert Path(place.socket).parent == private_folder_in(temp_root)


@pytest.mark.fault
def test_a_data_folder_others_can_write_to_keeps_neither_lock_nor_socket(tmp_path: Path, temp_root: Path,
                                                                        fault_log: FaultLog) -> None:
    home = shared_home(tmp_path)
    place = instance_place(APP_ID, home)
    private = private_folder_in(temp_root)
    lock = InstanceLock(place.lock)
    assert lock.acquire()
    try:
        info = os.lstat(private)
        kept_out = (place.lock.parent == private and Path(place.socket).parent == private
                    and list(home.iterdir()) == [])
        fault_log.record("shared data folder: lock and socket kept in a private folder", kept_out,
                         f"data folder 0777, lock and socket in a folder {stat.filemode(info.st_mode)}")
        assert kept_out
        assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
        assert stat.S_IMODE(info.st_mode) == 0o700
        assert stat.S_IMODE(place.lock.stat().st_mode) == 0o600
        assert len(place.socket.encode()) <= MAX_SOCKET_PATH
        # Named by the data folder, so every launch for it agrees, and another folder has another owner.
        assert instance_place(APP_ID, home) == place
        other = tmp_path / "other"
        other.mkdir(mode=0o777)
        other.chmod(0o777)
        assert instance_place(APP_ID, other).lock != place.lock
    finally:
        lock.release()


def test_a_data_folder_readable_by_others_also_keeps_its_lock_elsewhere(tmp_path: Path,
                                                                        temp_root: Path) -> None:
    home = tmp_path / "readable"
    home.mkdir()
    home.chmod(0o755)
    assert instance_place(APP_ID, home).lock.parent == private_folder_in(temp_root)


@needs_root
def test_a_data_folder_of_another_account_keeps_neither_lock_nor_socket(tmp_path: Path,
                                                                        temp_root: Path) -> None:
    home = tmp_path / "theirs"
    home.mkdir(mode=0o700)
    os.chown(home, NOBODY, NOBODY)
    place = instance_place(APP_ID, home)
    assert place.lock.parent == private_folder_in(temp_root)
    assert Path(place.socket).parent == private_folder_in(temp_root)


def test_a_too_deep_data_folder_puts_its_socket_in_the_private_folder(tmp_path: Path,
                                                                      temp_root: Path) -> None:
    deep = tmp_path / ("x" * 120)
    deep.mkdir(mode=0o700)
    place = instance_place(APP_ID, deep)
    assert place.lock == deep / "instance.lock"  # a private data folder keeps its own lock
    assert Path(place.socket).parent == private_folder_in(temp_root)
    assert len(place.socket.encode()) <= MAX_SOCKET_PATH
    assert not list(temp_root.glob("*.socket")), "never a bare socket in the shared temporary folder"


@pytest.mark.fault
@pytest.mark.parametrize("squat", ["symlink", "file", "folder open to all", "folder of another account"])
def test_a_private_folder_name_taken_by_someone_else_is_refused(
        squat: str, tmp_path: Path, temp_root: Path, fault_log: FaultLog) -> None:
    private = private_folder_in(temp_root)
    decoy = tmp_path / "decoy"
    decoy.mkdir(mode=0o755)
    if squat == "symlink":
        private.symlink_to(decoy, target_is_directory=True)
    elif squat == "file":
        private.write_bytes(b"")
    elif squat == "folder open to all":
        if os.geteuid() != 0:
            pytest.skip("only root can plant a folder under another account's name here")
        private.mkdir()
        private.chmod(0o777)
        os.chown(private, NOBODY, NOBODY)
    else:
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder to another account")
        private.mkdir(mode=0o700)
        os.chown(private, NOBODY, NOBODY)

    with pytest.raises(NoPrivateFolderError) as caught:
        instance_place(APP_ID, shared_home(tmp_path))
    message = str(caught.value)
    refused = message.endswith(".") and "\n" not in message and str(private) in message
    untouched = stat.S_IMODE(decoy.stat().st_mode) == 0o755 and list(decoy.iterdir()) == []
    fault_log.record("private folder for the lock squatted", refused and untouched, squat)
    assert refused, message
    assert untouched


def test_an_own_private_folder_with_a_loose_mode_is_tightened(tmp_path: Path, temp_root: Path) -> None:
    private = private_folder_in(temp_root)
    private.mkdir()
    private.chmod(0o755)
    instance_place(APP_ID, shared_home(tmp_path))
    assert stat.S_IMODE(os.lstat(private).st_mode) == 0o700


def test_a_temporary_folder_anyone_can_rename_in_is_refused(tmp_path: Path, temp_root: Path) -> None:
    # Without the sticky bit, another account could move our folder away and put theirs in its place.
    temp_root.chmod(0o777)
    with pytest.raises(NoPrivateFolderError):
        instance_place(APP_ID, shared_home(tmp_path))


def test_a_temporary_folder_too_deep_for_a_socket_is_refused_in_one_sentence(
        tmp_path: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = temp_root / ("y" * 90)
    deep.mkdir()
    deep.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with pytest.raises(NoPrivateFolderError) as caught:
        instance_place(APP_ID, shared_home(tmp_path))
    assert "too deep" in str(caught.value) and "\n" not in str(caught.value)


def test_the_owner_puts_back_a_lock_and_folder_that_were_cleaned_away(tmp_path: Path,
                                                                      temp_root: Path) -> None:
    # A clean-up of the temporary folder under a window open for days takes the folder and all in it.
    place = instance_place(APP_ID, shared_home(tmp_path))
    lock = InstanceLock(place.lock)
    assert lock.acquire()
    try:
        place.lock.unlink()
        place.lock.parent.rmdir()
        keep_claim(lock, APP_ID, place.socket)
        assert stat.S_IMODE(os.lstat(place.lock.parent).st_mode) == 0o700
        assert place.lock.is_file()
        # And it is the window's again: a later launch finds it held.
        assert InstanceLock(place.lock).acquire() is False
    finally:
        lock.release()


def test_a_socket_planted_by_another_account_is_never_used(tmp_path: Path) -> None:
    planted = tmp_path / "planted.socket"
    planted.write_bytes(b"")
    assert owner_is_someone_else(str(planted)) is False
    assert owner_is_someone_else(str(tmp_path / "absent.socket")) is False
    if os.getuid() == 0:
        # Only root can give a file away; CI runs as root, so there this half runs too.
        os.chown(planted, NOBODY, NOBODY)
        assert owner_is_someone_else(str(planted)) is True
