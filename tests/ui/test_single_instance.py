"""A second launch hands its query to the open window and brings it forward, then exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from cst_directory import APP_ID
from cst_directory.ui.main_window import MainWindow
from cst_directory.ui.single_instance import ACK, InstanceServer, hand_over, instance_name

from .conftest import WindowFactory


def serve(window: MainWindow, data_dir: Path) -> InstanceServer:
    server = InstanceServer(instance_name(APP_ID, data_dir), window)
    assert server.listen(), server.error_text()
    server.activation_requested.connect(window.bring_forward)
    return server


def put_another_window_in_front(qtbot: QtBot) -> QWidget:
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other, timeout=5000)
    return other


def test_a_second_launch_passes_its_query_and_raises_the_window(qtbot: QtBot, make_window: WindowFactory,
                                                                 data_dir: Path) -> None:
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
    assert QApplication.activeWindow() is window
    assert window.search_field.hasFocus()
    current = window.current_entry()
    assert current is not None and current.region == "north"


def test_a_launch_without_a_query_keeps_the_search(qtbot: QtBot, make_window: WindowFactory,
                                                   data_dir: Path) -> None:
    window = make_window()
    server = serve(window, data_dir)
    qtbot.keyClicks(window.search_field, "hendon")
    put_another_window_in_front(qtbot)

    with qtbot.waitSignal(server.activation_requested, timeout=5000) as received:
        socket = QLocalSocket()
        socket.connectToServer(server.name)
        assert socket.waitForConnected(2000)
        socket.write(b'{"query": ""}\n')
        socket.flush()
    assert received.args == [""]
    assert window.search_field.text() == "hendon"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def test_a_garbled_message_still_brings_the_window_forward(qtbot: QtBot, make_window: WindowFactory,
                                                           data_dir: Path) -> None:
    window = make_window()
    server = serve(window, data_dir)
    qtbot.keyClicks(window.search_field, "salford")
    put_another_window_in_front(qtbot)

    socket = QLocalSocket()
    socket.connectToServer(server.name)
    assert socket.waitForConnected(2000)
    with qtbot.waitSignal(server.activation_requested, timeout=5000) as received:
        socket.write(b"\xff\xfe{not json\n")
        socket.flush()
    assert received.args == [""]
    qtbot.waitUntil(lambda: socket.bytesAvailable() >= len(ACK), timeout=5000)
    assert bytes(socket.readAll().data()) == ACK
    assert window.search_field.text() == "salford"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def test_an_oversized_message_is_dropped_without_acting(qtbot: QtBot, make_window: WindowFactory,
                                                        data_dir: Path) -> None:
    window = make_window()
    server = serve(window, data_dir)
    received: list[str] = []
    server.activation_requested.connect(received.append)

    socket = QLocalSocket()
    socket.connectToServer(server.name)
    assert socket.waitForConnected(2000)
    socket.write(b"x" * (200 * 1024))
    socket.flush()
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
    assert received == []
    assert window.search_field.text() == ""


def test_hand_over_is_refused_when_nothing_listens(qapp: QApplication, tmp_path: Path) -> None:
    assert hand_over(instance_name(APP_ID, tmp_path), "manchester", timeout_ms=500) is False


def test_hand_over_gives_up_on_an_instance_that_never_answers(qapp: QApplication, tmp_path: Path) -> None:
    # A listener that accepts connections but never reads them, like a hung window.
    silent = QLocalServer()
    name = instance_name(APP_ID, tmp_path)
    QLocalServer.removeServer(name)
    assert silent.listen(name)
    try:
        assert hand_over(name, "manchester", timeout_ms=300) is False
    finally:
        silent.close()


def test_each_data_folder_is_its_own_instance(tmp_path: Path) -> None:
    first = instance_name(APP_ID, tmp_path / "a")
    assert first == instance_name(APP_ID, tmp_path / "a" / ".." / "a")
    assert first != instance_name(APP_ID, tmp_path / "b")
    # Unix socket paths are limited to about 100 bytes.
    assert len(first.encode()) < 100
