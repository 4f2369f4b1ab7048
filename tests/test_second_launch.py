"""Launching again while a window is open, crashed or hung: a real process each time, never a stuck user
and never a second owner of the same data folder."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from cst_directory import APP_ID
from cst_directory.app import STARTING_OWNER_WAIT_MS
from cst_directory.storage.instance import instance_socket
from cst_directory.ui.single_instance import Handover, hand_over

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
START_TIMEOUT = 60.0


def launch(home: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cst_directory.app", "--home", str(home), *args], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)
        process.kill()
    process.wait(timeout=30)
    if process.stderr:
        process.stderr.close()


def wait_until_answering(home: Path, process: subprocess.Popen[bytes]) -> None:
    socket = instance_socket(APP_ID, home)
    deadline = time.monotonic() + START_TIMEOUT
    while hand_over(socket, "", answer_timeout_ms=2000) is not Handover.DONE:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the window never started listening"
        time.sleep(0.1)


def wait_for_line(process: subprocess.Popen[bytes], text: str, timeout: float = START_TIMEOUT) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.2)
        if ready:
            chunk = os.read(process.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            if text.encode() in seen:
                return seen.decode()
    pytest.fail(f"never said {text!r}; said {seen.decode()!r}", pytrace=False)


def run_second(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cst_directory.app", "--home", str(home), *args], env=ENV,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def first(qapp: QApplication, tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    home = tmp_path / "data"
    # Made here, as the app would make it, so that the test and the app agree on where the socket is.
    home.mkdir(mode=0o700)
    process = launch(home)
    try:
        wait_until_answering(home, process)
        yield home, process
    finally:
        finish(process)


def test_a_second_launch_hands_over_and_exits_leaving_the_first_running(
        first: tuple[Path, subprocess.Popen[bytes]]) -> None:
    home, process = first
    second = run_second(home, "manchester")
    assert second.returncode == 0, second.stderr
    assert process.poll() is None


def test_exit_after_show_paints_its_own_window_even_with_one_open(
        first: tuple[Path, subprocess.Popen[bytes]]) -> None:
    home, process = first
    second = run_second(home, "--exit-after-show")
    assert second.returncode == 0, second.stderr
    # It neither took the open window's place nor disturbed it.
    assert process.poll() is None
    assert hand_over(instance_socket(APP_ID, home), "") is Handover.DONE


def test_a_killed_instance_leaves_nothing_that_blocks_the_next_launch(
        first: tuple[Path, subprocess.Popen[bytes]]) -> None:
    home, process = first
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    socket = instance_socket(APP_ID, home)
    assert Path(socket).exists(), "a killed window leaves its socket behind: that is the case tested"

    replacement = launch(home, "salford")
    try:
        # The new launch owns the folder now: it listens where the dead one did.
        wait_until_answering(home, replacement)
    finally:
        finish(replacement)


def test_a_hung_instance_does_not_stop_the_next_launch_and_keeps_its_place(
        first: tuple[Path, subprocess.Popen[bytes]]) -> None:
    home, process = first
    process.send_signal(signal.SIGSTOP)
    second = launch(home, "hendon")
    try:
        said = wait_for_line(second, "not responding")
        assert "opened separately" in said
        time.sleep(0.5)
        assert second.poll() is None, "the separate window should stay open"
    finally:
        finish(second)
    # Once the hung window recovers, it is still the one later launches reach.
    process.send_signal(signal.SIGCONT)
    assert hand_over(instance_socket(APP_ID, home), "", answer_timeout_ms=5000) is Handover.DONE


def test_two_launches_at_once_end_with_one_window(qapp: QApplication, tmp_path: Path) -> None:
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    launches = [launch(home, "leeds"), launch(home, "leeds")]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while all(p.poll() is None for p in launches):
            assert time.monotonic() < deadline, "neither launch handed over to the other"
            time.sleep(0.1)
        handed_over = [p for p in launches if p.poll() is not None]
        assert len(handed_over) == 1 and handed_over[0].returncode == 0
        time.sleep(0.5)
        assert sum(p.poll() is None for p in launches) == 1
        assert hand_over(instance_socket(APP_ID, home), "") is Handover.DONE
    finally:
        for process in launches:
            finish(process)


def test_without_a_lock_file_the_app_opens_at_once_and_blames_nobody(qapp: QApplication,
                                                                     tmp_path: Path) -> None:
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    (home / "instance.lock").mkdir()  # stands in for a data folder where no file can be made
    process = launch(home, "--exit-after-show")
    try:
        process.wait(timeout=START_TIMEOUT)
        assert process.returncode == 0
    finally:
        finish(process)
    process = launch(home)
    try:
        # Longer than a later launch would wait for a starting owner: had it taken the missing lock for
        # a held one, it would have given up by now and blamed a window that does not exist.
        time.sleep(STARTING_OWNER_WAIT_MS / 1000 + 1)
        assert process.poll() is None, "the window should be open"
    finally:
        process.kill()
        _out, err = process.communicate(timeout=30)
    assert b"not responding" not in err, err.decode()
