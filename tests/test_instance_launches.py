"""The real app with a lock file that is not a file, a data folder other accounts can write to, and no
private folder to be had: the window opens with the built-in numbers, says in one sentence what it found,
and touches nothing it did not make."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from cst_directory import APP_ID
from cst_directory.storage.instance import instance_place
from tests.fault_report import FaultLog
from tests.test_second_launch import START_TIMEOUT, finish, wait_for_line, wait_until_answering


@pytest.fixture
def temp_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short, sticky stand-in for the system's temporary folder, for this process and the app alike,
    with no runtime folder set: the per-user folder is made here, never in the real one."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        root.chmod(0o1777)
        monkeypatch.setattr(tempfile, "tempdir", str(root))
        monkeypatch.setenv("TMPDIR", str(root))
        yield root


def env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def launch(home: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cst_directory.app", "--home", str(home), *args],
                            env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_window(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cst_directory.app", "--home", str(home), *args],
                          env=env(), capture_output=True, text=True, timeout=START_TIMEOUT, check=False)


def sentences(stderr: str) -> list[str]:
    # Qt's offscreen platform adds notes of its own that are no part of what the app says.
    return [line for line in stderr.splitlines() if line.startswith("cst-directory:")]


@pytest.mark.fault
@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "fifo", "directory"])
def test_the_window_opens_beside_a_lock_file_that_is_not_a_file(
        kind: str, qapp: QApplication, tmp_path: Path, fault_log: FaultLog) -> None:
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    target = tmp_path / "someone-elses-file"
    target.write_bytes(b"not yours\n")
    target.chmod(0o644)
    before = (target.read_bytes(), stat.S_IMODE(target.stat().st_mode))
    lock = home / "instance.lock"
    if kind == "symlink":
        lock.symlink_to(target)
    elif kind == "dangling symlink":
        lock.symlink_to(tmp_path / "nothing-here")
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()

    # --exit-after-show ends once the window has painted: a lock that blocked it would time out here.
    shown = run_window(home, "--exit-after-show")
    said = sentences(shown.stderr)
    untouched = ((target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == before
                 and not (tmp_path / "nothing-here").exists())
    fault_log.record("link, pipe or folder in place of instance.lock: the window",
                     shown.returncode == 0 and untouched and len(said) == 1,
                     f"{kind}: exit {shown.returncode}, said {said}")
    assert shown.returncode == 0, shown.stderr
    assert "Traceback" not in shown.stderr
    assert len(said) == 1 and str(lock) in said[0] and "left it alone" in said[0], shown.stderr
    assert untouched


def test_a_window_beside_a_fifo_lock_opens_at_once_and_stays_open(qapp: QApplication,
                                                                  tmp_path: Path) -> None:
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    os.mkfifo(home / "instance.lock")
    process = launch(home)
    try:
        said = wait_for_line(process, "left it alone", timeout=START_TIMEOUT)
        assert "not responding" not in said
        time.sleep(0.5)
        assert process.poll() is None, "the window should be open"
    finally:
        finish(process)


@pytest.mark.fault
def test_a_shared_data_folder_hands_over_through_a_private_folder(
        qapp: QApplication, tmp_path: Path, temp_root: Path, fault_log: FaultLog) -> None:
    home = tmp_path / "shared"
    home.mkdir()
    home.chmod(0o777)
    place = instance_place(APP_ID, home)
    first = launch(home)
    try:
        wait_until_answering(home, first)
        second = run_window(home, "manchester")
        in_data_folder = sorted(p.name for p in home.iterdir()
                                if p.name.startswith("instance"))
        private = place.lock.parent
        kept_private = (in_data_folder == [] and place.lock.is_file()
                        and stat.S_ISSOCK(os.lstat(place.socket).st_mode)
                        and stat.S_IMODE(os.lstat(private).st_mode) == 0o700)
        fault_log.record("shared data folder: lock and socket kept in a private folder",
                         second.returncode == 0 and kept_private,
                         f"a real window and a second launch: exit {second.returncode}")
        assert second.returncode == 0, second.stderr
        assert first.poll() is None
        assert in_data_folder == [], "nothing another account could hold or replace"
        assert kept_private
    finally:
        finish(first)


@pytest.mark.fault
def test_with_no_private_folder_to_be_had_the_window_opens_and_says_why(
        qapp: QApplication, tmp_path: Path, temp_root: Path, fault_log: FaultLog) -> None:
    home = tmp_path / "shared"
    home.mkdir()
    home.chmod(0o777)
    # The per-user folder's name taken by something that is not the user's private folder.
    (temp_root / f"{APP_ID}-{os.getuid()}").write_bytes(b"")

    shown = run_window(home, "--exit-after-show")
    said = sentences(shown.stderr)
    fault_log.record("no private folder for the lock", shown.returncode == 0 and len(said) == 1,
                     f"exit {shown.returncode}, said {said}")
    assert shown.returncode == 0, shown.stderr
    assert "Traceback" not in shown.stderr
    assert len(said) == 1 and "found no folder that only you can use" in said[0], shown.stderr
    assert not (home / "instance.lock").exists()

    # Nothing to wait for, and no window to blame: a normal launch opens at once and stays open.
    process = launch(home)
    try:
        told = wait_for_line(process, "found no folder", timeout=START_TIMEOUT)
        assert "not responding" not in told
        time.sleep(0.5)
        assert process.poll() is None, "the window should be open"
    finally:
        finish(process)
