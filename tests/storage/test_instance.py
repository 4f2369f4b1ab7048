"""The lock that says which running copy owns a data folder, and where that copy listens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from cst_directory import APP_ID
from cst_directory.storage.instance import (
    MAX_SOCKET_PATH,
    InstanceLock,
    instance_socket,
    owner_is_someone_else,
)

_HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from cst_directory.storage.instance import InstanceLock
    lock = InstanceLock(Path(sys.argv[1]))
    print("held" if lock.acquire() else "refused", flush=True)
    time.sleep(600)
""")


def hold_in_another_process(folder: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(folder)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_only_one_process_holds_the_lock(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path)
    try:
        assert InstanceLock(tmp_path).acquire() is False
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_killed_holder_leaves_no_lock_behind(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert (tmp_path / "instance.lock").exists()
    lock = InstanceLock(tmp_path)
    assert lock.acquire() is True
    lock.release()


def test_a_released_lock_can_be_taken_again(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path)
    assert first.acquire()
    first.release()
    second = InstanceLock(tmp_path)
    assert second.acquire()
    second.release()


def test_a_folder_where_no_lock_file_can_be_made_is_an_error_not_a_held_lock(tmp_path: Path) -> None:
    # Told apart from "held", so that a read-only data folder does not pass for a hung window.
    with pytest.raises(OSError):
        InstanceLock(tmp_path / "missing").acquire()
    (tmp_path / "instance.lock").mkdir()
    with pytest.raises(OSError):
        InstanceLock(tmp_path).acquire()


def test_the_socket_is_in_a_private_folder_and_short_enough(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    home = tmp_path / "d"
    home.mkdir(mode=0o700)
    socket = instance_socket(APP_ID, home)
    assert socket == str(home.resolve() / "instance.socket")
    assert len(socket.encode()) <= MAX_SOCKET_PATH


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


def test_a_shared_or_too_deep_folder_falls_back_to_a_per_user_name(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    deep = tmp_path / ("x" * 120)
    deep.mkdir(mode=0o700)
    for home in (shared, deep):
        socket = instance_socket(APP_ID, home)
        assert socket.endswith(f"-{os.getuid()}.socket")
        assert len(socket.encode()) <= MAX_SOCKET_PATH
    assert instance_socket(APP_ID, shared) != instance_socket(APP_ID, deep)


def test_a_socket_planted_by_another_account_is_never_used(tmp_path: Path) -> None:
    planted = tmp_path / "planted.socket"
    planted.write_bytes(b"")
    assert owner_is_someone_else(str(planted)) is False
    assert owner_is_someone_else(str(tmp_path / "absent.socket")) is False
    if os.getuid() == 0:
        # Only root can give a file away; CI runs as root, so there this half runs too.
        os.chown(planted, 65534, 65534)
        assert owner_is_someone_else(str(planted)) is True


def test_the_lock_holds_against_a_second_open_in_the_same_process(tmp_path: Path) -> None:
    lock = InstanceLock(tmp_path)
    assert lock.acquire()
    time.sleep(0.05)
    assert InstanceLock(tmp_path).acquire() is False
    lock.release()
