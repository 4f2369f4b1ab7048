"""A second launch hands its query to the open window and brings it forward, then exits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
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
    lock = InstanceLock(data_dir)
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
    current = window.current_entry()
    assert current is not None and current.region == "north"


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
    lock = InstanceLock(data_dir)
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
