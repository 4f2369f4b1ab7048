"""A second launch hands its query to the open window and brings it forward, then exits; and the
window keeps listening whatever connects to it."""

from __future__ import annotations

import os
import socket as stdlib_socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from cst_directory import APP_ID
from cst_directory.storage.instance import InstanceLock, instance_socket
from cst_directory.ui.main_window import MainWindow
from cst_directory.ui.single_instance import ACK, Handover, InstanceServer, hand_over

from .conftest import WindowFactory


@pytest.fixture
def owned(data_dir: Path) -> Iterator[InstanceLock]:
    """As the app does: the owner of the data folder holds its lock for as long as it runs."""
    lock = InstanceLock.for_folder(APP_ID, data_dir)
    assert lock.acquire()
    yield lock
    lock.release()


def serve(window: MainWindow, data_dir: Path) -> InstanceServer:
    server = InstanceServer(instance_socket(APP_ID, data_dir), window)
    assert server.listen(), server.error_text()
    server.activation_requested.connect(window.bring_forward)
    return server


def connect(server: InstanceServer) -> QLocalSocket:
    """A raw client, for messages hand_over would never send."""
    socket = QLocalSocket()
    socket.connectToServer(server.name)
    assert socket.waitForConnected(2000)
    return socket


def put_another_window_in_front(qtbot: QtBot) -> QWidget:
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other, timeout=5000)
    return other


def test_a_second_launch_passes_its_query_and_raises_the_window(qtbot: QtBot, make_window: WindowFactory,
                                                                 data_dir: Path, owned: InstanceLock) -> None:
    window = make_window()
    serve(window, data_dir)
    put_another_window_in_front(qtbot)

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    second = subprocess.Popen([sys.executable, "-m", "cst_directory.app", "--home", str(data_dir),
                               "manchester"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Had it opened a window of its own, it would still be running: it exits only after handing over.
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
    finally:
        if second.poll() is None:
            second.kill()
        _out, err = second.communicate()
    assert second.returncode == 0, err.decode()

    assert window.search_field.text() == "manchester"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    assert window.search_field.hasFocus()
    assert window.current_entry() is not None


def test_a_launch_without_a_query_keeps_the_search(qtbot: QtBot, make_window: WindowFactory,
                                                   data_dir: Path, owned: InstanceLock) -> None:
    window = make_window()
    server = serve(window, data_dir)
    qtbot.keyClicks(window.search_field, "hendon")
    put_another_window_in_front(qtbot)

    with qtbot.waitSignal(server.activation_requested, timeout=5000) as received:
        socket = connect(server)
        socket.write(b'{"query": ""}\n')
        socket.flush()
    assert received.args == [""]
    assert window.search_field.text() == "hendon"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def test_a_garbled_message_still_brings_the_window_forward(qtbot: QtBot, make_window: WindowFactory,
                                                           data_dir: Path, owned: InstanceLock) -> None:
    window = make_window()
    server = serve(window, data_dir)
    qtbot.keyClicks(window.search_field, "salford")
    put_another_window_in_front(qtbot)

    socket = connect(server)
    with qtbot.waitSignal(server.activation_requested, timeout=5000) as received:
        socket.write(b"\xff\xfe{not json\n")
        socket.flush()
    assert received.args == [""]
    qtbot.waitUntil(lambda: socket.bytesAvailable() >= len(ACK), timeout=5000)
    assert bytes(socket.readAll().data()) == ACK
    assert window.search_field.text() == "salford"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def test_an_oversized_message_is_dropped_without_acting(qtbot: QtBot, make_window: WindowFactory,
                                                        data_dir: Path, owned: InstanceLock) -> None:
    window = make_window()
    server = serve(window, data_dir)
    received: list[str] = []
    server.activation_requested.connect(received.append)

    socket = connect(server)
    socket.write(b"x" * (200 * 1024))
    socket.flush()
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
    assert received == []
    assert window.search_field.text() == ""


def test_hand_over_finds_nobody_when_nothing_listens(qapp: QApplication, tmp_path: Path) -> None:
    assert hand_over(str(tmp_path / "nobody.socket"), "manchester") is Handover.NOBODY


def test_a_later_launch_waits_for_an_owner_that_is_still_starting(qtbot: QtBot, data_dir: Path) -> None:
    # This process owns the data folder but starts listening only after the later launch began knocking.
    lock = InstanceLock.for_folder(APP_ID, data_dir)
    assert lock.acquire()
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        command = [sys.executable, "-m", "cst_directory.app", "--home", str(data_dir), "leeds"]
        later = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            qtbot.wait(1500)
            assert later.poll() is None, "the later launch gave up on an owner that was still starting"
            server = InstanceServer(instance_socket(APP_ID, data_dir))
            received: list[str] = []
            server.activation_requested.connect(received.append)
            assert server.listen(), server.error_text()
            qtbot.waitUntil(lambda: later.poll() is not None, timeout=60_000)
        finally:
            if later.poll() is None:
                later.kill()
            _out, err = later.communicate()
        assert later.returncode == 0, err.decode()
        assert received == ["leeds"]
        server.close()
    finally:
        lock.release()


def test_hand_over_gives_up_on_an_owner_that_never_answers(qapp: QApplication, tmp_path: Path) -> None:
    # A listener that accepts connections but never reads them, like a hung window.
    silent = QLocalServer()
    name = str(tmp_path / "hung.socket")
    assert silent.listen(name)
    try:
        started = time.monotonic()
        assert hand_over(name, "manchester", answer_timeout_ms=300, wait_for_owner_ms=5000) \
            is Handover.NO_ANSWER
        # A hung owner is not retried as if it were still starting.
        assert time.monotonic() - started < 4
    finally:
        silent.close()


# --- Keeping the socket usable whatever connects to it -----------------------------------------------

ServerFactory = Callable[..., InstanceServer]


@pytest.fixture
def socket_path() -> Iterator[str]:
    # Short, like a runtime folder: pytest's own folders can be too deep for a socket name.
    with tempfile.TemporaryDirectory() as folder:
        yield os.path.join(folder, "instance.socket")


@pytest.fixture
def make_server(qapp: QApplication, socket_path: str) -> Iterator[ServerFactory]:
    servers: list[InstanceServer] = []

    def make(**options: object) -> InstanceServer:
        server = InstanceServer(socket_path, **options)  # type: ignore[arg-type]
        assert server.listen(), server.error_text()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()
        server.deleteLater()


def idle_client(path: str) -> stdlib_socket.socket:
    """A raw connection that never says anything, as a stuck or hostile program would hold one."""
    client = stdlib_socket.socket(stdlib_socket.AF_UNIX, stdlib_socket.SOCK_STREAM)
    client.settimeout(5)
    client.connect(path)
    client.setblocking(False)
    return client


def closed_by_server(client: stdlib_socket.socket) -> bool:
    try:
        return client.recv(1) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


def answered(client: stdlib_socket.socket) -> bytes:
    try:
        return client.recv(16)
    except (BlockingIOError, ConnectionResetError):
        return b""


def test_a_connection_that_sends_nothing_is_dropped_after_the_idle_timeout(
        qtbot: QtBot, make_server: ServerFactory, socket_path: str) -> None:
    server = make_server(idle_timeout_ms=300)
    client = idle_client(socket_path)
    qtbot.waitUntil(lambda: server.connection_count() == 1, timeout=5000)
    started = time.monotonic()
    qtbot.waitUntil(lambda: closed_by_server(client), timeout=5000)
    assert time.monotonic() - started >= 0.2
    assert server.connection_count() == 0
    client.close()


def test_a_line_sent_a_byte_at_a_time_does_not_keep_a_connection_alive(
        qtbot: QtBot, make_server: ServerFactory, socket_path: str) -> None:
    # The deadline runs from the connection, not from the last byte: trickling cannot hold a slot.
    server = make_server(idle_timeout_ms=400)
    received: list[str] = []
    server.activation_requested.connect(received.append)
    client = idle_client(socket_path)
    dropped = False
    for byte in b'{"query": "manchester"}':
        try:
            client.send(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            dropped = True
            break
        qtbot.wait(50)
    qtbot.waitUntil(lambda: dropped or closed_by_server(client), timeout=5000)
    assert received == []
    assert server.connection_count() == 0
    client.close()


def test_connections_beyond_the_cap_push_out_the_oldest_silent_one(
        qtbot: QtBot, make_server: ServerFactory, socket_path: str) -> None:
    server = make_server(max_connections=4, idle_timeout_ms=60_000)
    clients = []
    for count in range(1, 13):
        clients.append(idle_client(socket_path))
        expected = min(count, 4)
        qtbot.waitUntil(lambda: server.connection_count() == expected, timeout=5000)  # noqa: B023 - waited on here, never later
    # Each one beyond the cap was let in by closing the one that had waited longest, so the window
    # never holds more than four descriptors for them, and the newest are the ones still served.
    qtbot.waitUntil(lambda: all(closed_by_server(c) for c in clients[:8]), timeout=5000)
    assert not any(closed_by_server(c) for c in clients[8:])
    assert server.connection_count() == 4
    for client in clients:
        client.close()


def test_a_launch_that_has_started_its_line_is_not_the_one_pushed_out(
        qtbot: QtBot, make_server: ServerFactory, socket_path: str) -> None:
    server = make_server(max_connections=2, idle_timeout_ms=60_000)
    received: list[str] = []
    server.activation_requested.connect(received.append)
    talking = idle_client(socket_path)
    talking.send(b'{"query": ')
    qtbot.waitUntil(lambda: server.connection_count() == 1, timeout=5000)
    qtbot.wait(100)
    silent = [idle_client(socket_path), idle_client(socket_path)]
    qtbot.waitUntil(lambda: closed_by_server(silent[0]), timeout=5000)
    talking.send(b'"hendon"}\n')
    qtbot.waitUntil(lambda: received == ["hendon"], timeout=5000)
    qtbot.waitUntil(lambda: answered(talking) == ACK, timeout=5000)
    for client in (talking, *silent):
        client.close()


def test_a_real_hand_over_gets_through_while_idle_connections_fill_every_slot(
        qtbot: QtBot, make_server: ServerFactory, socket_path: str) -> None:
    server = make_server(max_connections=4, idle_timeout_ms=60_000)
    received: list[str] = []
    server.activation_requested.connect(received.append)
    idle = [idle_client(socket_path) for _ in range(40)]
    qtbot.waitUntil(lambda: server.connection_count() == 4, timeout=5000)
    qtbot.wait(100)

    launch = QLocalSocket()
    launch.connectToServer(socket_path)
    assert launch.waitForConnected(2000)
    launch.write(b'{"query": "leeds"}\n')
    launch.flush()
    qtbot.waitUntil(lambda: launch.bytesAvailable() >= len(ACK), timeout=5000)
    assert bytes(launch.readAll().data()) == ACK
    assert received == ["leeds"]
    launch.abort()
    for client in idle:
        client.close()


def test_the_socket_is_taken_again_when_its_file_is_removed(
        qtbot: QtBot, make_server: ServerFactory, socket_path: str) -> None:
    # As a clean-up of the runtime or temporary folder would do under a window open for days.
    server = make_server(check_interval_ms=100)
    received: list[str] = []
    server.activation_requested.connect(received.append)
    with qtbot.waitSignal(server.listening_restored, timeout=5000):
        os.unlink(socket_path)
    assert os.path.exists(socket_path)
    client = idle_client(socket_path)
    client.send(b'{"query": "salford"}\n')
    qtbot.waitUntil(lambda: received == ["salford"], timeout=5000)
    client.close()


def test_the_socket_is_taken_again_when_the_server_stops_listening(
        qtbot: QtBot, make_server: ServerFactory, socket_path: str) -> None:
    # What Qt does by itself when accepting a connection fails, for instance out of descriptors: it
    # closes the server and removes the socket, and nothing of Qt's ever listens again.
    server = make_server(check_interval_ms=100)
    with qtbot.waitSignal(server.listening_restored, timeout=5000):
        server._server.close()
    assert server.is_listening()
    client = idle_client(socket_path)
    qtbot.waitUntil(lambda: server.connection_count() == 1, timeout=5000)
    client.close()


def test_closing_the_server_stops_it_for_good(qtbot: QtBot, make_server: ServerFactory,
                                              socket_path: str) -> None:
    checks: list[None] = []
    server = make_server(check_interval_ms=50, on_check=lambda: checks.append(None))
    qtbot.waitUntil(lambda: len(checks) >= 2, timeout=5000)
    client = idle_client(socket_path)
    qtbot.waitUntil(lambda: server.connection_count() == 1, timeout=5000)
    server.close()
    seen = len(checks)
    qtbot.wait(300)
    assert len(checks) == seen
    assert not server.is_listening()
    assert not os.path.exists(socket_path)
    assert server.connection_count() == 0
    qtbot.waitUntil(lambda: closed_by_server(client), timeout=5000)
    client.close()


def fussy_owner(path: str, turn_away: int | None) -> tuple[threading.Thread, threading.Event]:
    """An owner that closes the first turn_away connections unanswered (None: every one), as a window
    busy with a flood does, then answers."""
    listener = stdlib_socket.socket(stdlib_socket.AF_UNIX, stdlib_socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(8)
    listener.settimeout(0.1)
    stop = threading.Event()

    def run() -> None:
        turned = 0
        with listener:
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                with connection:
                    if turn_away is None or turned < turn_away:
                        turned += 1
                        continue
                    connection.settimeout(5)
                    line = b""
                    while b"\n" not in line:
                        line += connection.recv(1024)
                    connection.sendall(ACK)
                    return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, stop


def test_a_later_launch_turned_away_by_a_busy_owner_tries_again(qapp: QApplication,
                                                                socket_path: str) -> None:
    thread, stop = fussy_owner(socket_path, turn_away=3)
    try:
        assert hand_over(socket_path, "leeds", wait_for_owner_ms=0) is Handover.DONE
    finally:
        stop.set()
        thread.join(timeout=10)


def test_an_owner_that_keeps_turning_a_launch_away_is_given_up_on(qapp: QApplication,
                                                                  socket_path: str) -> None:
    thread, stop = fussy_owner(socket_path, turn_away=None)
    try:
        started = time.monotonic()
        assert hand_over(socket_path, "leeds", answer_timeout_ms=500) is Handover.NO_ANSWER
        took = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=10)
    # Retried for about the answer timeout, not given up at the first refusal nor tried for ever.
    assert 0.4 <= took < 10
