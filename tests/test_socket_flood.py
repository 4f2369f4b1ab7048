"""Floods of idle connections on the open window's socket: a real process each time, and a later launch
must still hand over to that window quickly instead of waiting and opening a second one."""

from __future__ import annotations

import errno
import os
import resource
import select
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from cst_directory import APP_ID
from cst_directory.storage.instance import instance_socket
from cst_directory.ui.single_instance import Handover, hand_over
from tests.fault_report import FaultLog
from tests.test_second_launch import ENV, START_TIMEOUT, finish, wait_until_answering

# The usual soft limit on open files. Set on the window explicitly, because CI containers often allow a
# million, and the flood must be the same everywhere: larger than the window's limit.
WINDOW_FILE_LIMIT = 1024
FLOOD_BEYOND_LIMIT = 200
# What a later launch says when it gave up on the open window and opened one of its own.
SEPARATE_WINDOW_SENTENCE = "opened separately"
STREAM_HELD = 500

_LAUNCHER = """
import resource, runpy, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
limit = int(sys.argv[1]) if hard == resource.RLIM_INFINITY else min(int(sys.argv[1]), hard)
resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
sys.argv = ["cst-directory", *sys.argv[2:]]
runpy.run_module("cst_directory.app", run_name="__main__", alter_sys=True)
"""


@pytest.fixture
def file_room() -> Iterator[int]:
    """Room in this process for the client end of every flooding connection, restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * WINDOW_FILE_LIMIT
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    try:
        yield max(soft, wanted)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
def window(qapp: QApplication, tmp_path: Path,
           file_room: int) -> Iterator[tuple[Path, int, subprocess.Popen[bytes]]]:
    """The real app, owning a fresh data folder, with a known limit on its open files."""
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    # Leave this process enough descriptors to outnumber the window's.
    limit = min(WINDOW_FILE_LIMIT, file_room - FLOOD_BEYOND_LIMIT - 200)
    process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(limit), "--home", str(home)], env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_answering(home, process)
        yield home, limit, process
    finally:
        finish(process)


def open_idle(path: str, count: int, timeout: float = 30.0) -> tuple[list[socket.socket], Counter[str]]:
    """count raw connections that never send a byte, as fast as the window lets them in; how each one
    that failed to connect failed."""
    clients: list[socket.socket] = []
    failures: Counter[str] = Counter()
    deadline = time.monotonic() + timeout
    for _ in range(count):
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.setblocking(False)
        while True:
            try:
                client.connect(path)
            except BlockingIOError:
                # The listen backlog is full: the window has not accepted the earlier ones yet.
                if time.monotonic() < deadline:
                    time.sleep(0.001)
                    continue
                failures["backlog full"] += 1
            except OSError as exc:
                failures[errno.errorcode.get(exc.errno or 0, str(exc))] += 1
            else:
                clients.append(client)
                break
            client.close()
            break
    return clients, failures


def second_launch(home: Path, query: str) -> tuple[str, float]:
    """Launch again and tell how it ended: "handed over" (it exited 0), "opened separately" (it said so
    and stayed open), or how else; and after how many seconds."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "cst_directory.app", "--home", str(home), query],
                               env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    said = b""
    # poll, not select: the flood's descriptors push this one past what select can watch.
    watch = select.poll()
    watch.register(process.stderr, select.POLLIN)
    try:
        while time.monotonic() - started < START_TIMEOUT:
            if watch.poll(100):
                said += os.read(process.stderr.fileno(), 4096)
            if SEPARATE_WINDOW_SENTENCE.encode() in said:
                return "opened separately", time.monotonic() - started
            if process.poll() is not None:
                took = time.monotonic() - started
                return ("handed over" if process.returncode == 0 else f"exit {process.returncode}"), took
        return "still running", time.monotonic() - started
    finally:
        finish(process)


def timed_hand_over(path: str, query: str) -> tuple[Handover, float]:
    started = time.monotonic()
    outcome = hand_over(path, query)
    return outcome, time.monotonic() - started


@pytest.mark.fault
def test_a_flood_of_idle_connections_does_not_switch_off_hand_over(
        window: tuple[Path, int, subprocess.Popen[bytes]], fault_log: FaultLog) -> None:
    home, limit, process = window
    path = instance_socket(APP_ID, home)
    clients, failures = open_idle(path, limit + FLOOD_BEYOND_LIMIT)
    try:
        # Asked while every flooding connection is still open and silent.
        during, during_s = timed_hand_over(path, "hendon")
        launched, launched_s = second_launch(home, "manchester")
    finally:
        for client in clients:
            client.close()
    after, after_s = timed_hand_over(path, "leeds")

    survived = (during is Handover.DONE and launched == "handed over" and after is Handover.DONE
                and process.poll() is None)
    fault_log.record("socket flood", survived,
                     f"{len(clients)} idle connections against a window limited to {limit} open files "
                     f"(refused: {dict(failures) or 'none'}); hand-over during the flood {during.value} in "
                     f"{during_s * 1000:.0f} ms, a second launch {launched} in {launched_s:.1f} s, "
                     f"hand-over after it {after.value} in {after_s * 1000:.0f} ms")
    assert len(clients) > limit, f"the flood never outnumbered the window's files: {failures}"
    assert during is Handover.DONE
    assert launched == "handed over", f"{launched} after {launched_s:.1f} s"
    assert after is Handover.DONE
    assert process.poll() is None


@pytest.mark.fault
def test_a_steady_stream_of_idle_connections_does_not_stop_a_later_launch(
        window: tuple[Path, int, subprocess.Popen[bytes]], fault_log: FaultLog) -> None:
    # Connections keep coming, and each one is held open, while the later launch is trying to hand over.
    home, _limit, process = window
    path = instance_socket(APP_ID, home)
    stop = threading.Event()
    opened: list[socket.socket] = []
    counted = Counter[str]()

    def stream() -> None:
        while not stop.is_set():
            batch, failed = open_idle(path, 20, timeout=1.0)
            opened.extend(batch)
            counted["opened"] += len(batch)
            counted.update(failed)
            # Far more than a window would ever serve at once, but within this process's own limit.
            while len(opened) > STREAM_HELD:
                opened.pop(0).close()

    flooder = threading.Thread(target=stream, daemon=True)
    flooder.start()
    try:
        time.sleep(0.2)
        launched, launched_s = second_launch(home, "salford")
    finally:
        stop.set()
        flooder.join(timeout=30)
        for client in opened:
            client.close()
    after, _after_s = timed_hand_over(path, "")
    refused = {kind: n for kind, n in counted.items() if kind != "opened"}
    fault_log.record("socket flood", launched == "handed over" and after is Handover.DONE,
                     f"a stream of {counted['opened']} idle connections, {STREAM_HELD} held at a time "
                     f"(refused: {refused or 'none'}): a second launch {launched} in "
                     f"{launched_s:.1f} s, hand-over after it {after.value}")
    assert launched == "handed over", f"{launched} after {launched_s:.1f} s"
    assert after is Handover.DONE
    assert process.poll() is None
