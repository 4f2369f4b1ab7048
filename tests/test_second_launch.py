"""Launching again while a window is open, crashed or hung: a real process each time, never a stuck user."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from cst_directory import APP_ID
from cst_directory.ui.single_instance import hand_over, instance_name

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def launch(home: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cst_directory.app", "--home", str(home), *args], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_answering(home: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not hand_over(instance_name(APP_ID, home), "", timeout_ms=500):
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the first window never started listening"
        time.sleep(0.1)


def run_second(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cst_directory.app", "--home", str(home), *args], env=ENV,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def first(qapp: QApplication, tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    home = tmp_path / "data"
    process = launch(home)
    try:
        wait_until_answering(home, process)
        yield home, process
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
            process.kill()
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()


def test_a_second_launch_hands_over_and_exits_leaving_the_first_running(
        first: tuple[Path, subprocess.Popen[bytes]]) -> None:
    home, process = first
    started = time.monotonic()
    second = run_second(home, "manchester")
    assert second.returncode == 0, second.stderr
    assert process.poll() is None
    print(f"second launch handed over in {time.monotonic() - started:.2f} s")


def test_a_killed_instance_leaves_nothing_that_blocks_the_next_launch(
        first: tuple[Path, subprocess.Popen[bytes]]) -> None:
    home, process = first
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    name = instance_name(APP_ID, home)
    if os.path.isabs(name):
        assert Path(name).exists(), "a killed instance leaves its socket behind: that is the case tested"

    second = run_second(home, "--exit-after-show")
    assert second.returncode == 0, second.stderr

    # And the new launch is the instance now: a third one hands over to it.
    replacement = launch(home)
    try:
        wait_until_answering(home, replacement)
        assert hand_over(name, "salford")
    finally:
        replacement.kill()
        replacement.wait(timeout=30)
        if replacement.stderr:
            replacement.stderr.close()


def test_a_hung_instance_does_not_stop_the_next_launch(first: tuple[Path, subprocess.Popen[bytes]]) -> None:
    home, process = first
    process.send_signal(signal.SIGSTOP)
    second = run_second(home, "--exit-after-show", "hendon")
    assert second.returncode == 0, second.stderr
