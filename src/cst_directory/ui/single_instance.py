"""One window per data folder: a later launch hands its query to the open window and exits.

The copy that owns the data folder (see storage.instance) listens on a local socket. A later launch
connects, sends its query and waits for a short acknowledgement. While the owner is still starting there
is nobody to connect to yet, so the later launch retries for a moment; an owner that accepts the connection
but never answers is hung, and the later launch then opens a window of its own.

The listening side must keep listening for the life of the window whatever connects to it: a connection
that does not send its line in time is dropped, only a few are served at once, and the socket is taken
again whenever it stops listening or its file is removed.
"""

from __future__ import annotations

import enum
import json
import os
import socket
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from shiboken6 import Shiboken

ACK = b"ok\n"
# A live window answers within milliseconds; a hung one never does. Generous, because a busy machine can
# stall a live window for a while, and this wait is only ever paid when a window really is hung.
ANSWER_TIMEOUT_MS = 3000
RETRY_INTERVAL_S = 0.05
# A query longer than the search field will ever use is not worth buffering.
MAX_MESSAGE_BYTES = 64 * 1024
# A later launch sends its line the moment it connects; one that has said nothing by then never will.
IDLE_TIMEOUT_MS = 2000
# Each connection costs the window a file descriptor. Without a cap, about a thousand idle ones used up
# the process's descriptors, and Qt then closed the server and removed its socket for good.
MAX_CONNECTIONS = 16
# How often the owner checks that it is still listening where later launches knock.
CHECK_INTERVAL_MS = 3000


class Handover(enum.Enum):
    """How a hand-over ended: taken by the open window, unanswered by a hung one, or nobody listening."""

    DONE = "done"
    NO_ANSWER = "no answer"
    NOBODY = "nobody"


class _Turned(enum.Enum):
    """The owner is alive but closed the connection unanswered (it was busy with others): worth retrying."""

    AWAY = "turned away"


def hand_over(name: str, query: str, *, answer_timeout_ms: int = ANSWER_TIMEOUT_MS,
              wait_for_owner_ms: int = 0) -> Handover:
    """Pass the query to the window listening at name. Retries a refused connection for up to
    wait_for_owner_ms, for an owner that is still starting, and one the owner closed unanswered for at
    least answer_timeout_ms, for an owner busy with a flood of other connections."""
    started = time.monotonic()
    starting_deadline = started + wait_for_owner_ms / 1000
    busy_deadline = max(starting_deadline, started + answer_timeout_ms / 1000)
    while True:
        outcome = _try_once(name, query, answer_timeout_ms)
        now = time.monotonic()
        if outcome is _Turned.AWAY:
            if now >= busy_deadline:
                return Handover.NO_ANSWER
        elif outcome is not Handover.NOBODY or now >= starting_deadline:
            return outcome
        time.sleep(RETRY_INTERVAL_S)


def _try_once(name: str, query: str, answer_timeout_ms: int) -> Handover | _Turned:
    message = json.dumps({"query": query}).encode("utf-8") + b"\n"
    if os.name == "posix" and os.path.isabs(name):
        return _try_unix(name, message, answer_timeout_ms / 1000)
    return _try_local_socket(name, message, answer_timeout_ms)


def _try_unix(path: str, message: bytes, timeout_s: float) -> Handover | _Turned:
    # A plain Unix socket rather than QLocalSocket: when the owner closes the connection unanswered,
    # QLocalSocket's blocking wait does not notice and runs to its timeout, as if the owner were hung.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(timeout_s)
        try:
            client.connect(path)
        except BlockingIOError:
            # Its queue of connections not yet accepted is full: alive, perhaps, but not keeping up.
            return _Turned.AWAY
        except OSError:
            return Handover.NOBODY
        reply = b""
        try:
            client.sendall(message)
            while len(reply) < len(ACK):
                chunk = client.recv(len(ACK) - len(reply))
                if not chunk:
                    return _Turned.AWAY
                reply += chunk
        except TimeoutError:
            return Handover.NO_ANSWER
        except OSError:
            return _Turned.AWAY
    return Handover.DONE if reply == ACK else Handover.NO_ANSWER


def _try_local_socket(name: str, message: bytes, answer_timeout_ms: int) -> Handover | _Turned:
    client = QLocalSocket()
    client.connectToServer(name)
    try:
        if not client.waitForConnected(answer_timeout_ms):
            return Handover.NOBODY
        client.write(message)
        if not client.waitForBytesWritten(answer_timeout_ms):
            return _unanswered(client)
        reply = b""
        while len(reply) < len(ACK) and client.waitForReadyRead(answer_timeout_ms):
            reply += bytes(client.readAll().data())
        return Handover.DONE if reply.startswith(ACK) else _unanswered(client)
    finally:
        client.abort()


def _unanswered(client: QLocalSocket) -> Handover | _Turned:
    # Still connected means the owner never got round to us: hung. Closed means it is alive and chose to.
    if client.state() == QLocalSocket.LocalSocketState.ConnectedState:
        return Handover.NO_ANSWER
    return _Turned.AWAY


class _Caller:
    """One connection from a later launch: what it has sent so far, and the timer that ends it."""

    def __init__(self, timer: QTimer) -> None:
        self.timer = timer
        self.data = b""
        self.answered = False


class InstanceServer(QObject):
    """Listens for later launches; each one arrives as activation_requested(query)."""

    activation_requested = Signal(str)
    listening_restored = Signal()

    def __init__(self, name: str, parent: QObject | None = None, *, idle_timeout_ms: int = IDLE_TIMEOUT_MS,
                 max_connections: int = MAX_CONNECTIONS, check_interval_ms: int = CHECK_INTERVAL_MS,
                 on_check: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._idle_timeout_ms = idle_timeout_ms
        self._max_connections = max(1, max_connections)
        self._on_check = on_check
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        # Oldest first: when the cap is reached, the one that has waited longest without a word goes.
        self._callers: dict[QLocalSocket, _Caller] = {}
        self._wanted = False
        self._check = QTimer(self)
        self._check.setInterval(check_interval_ms)
        self._check.timeout.connect(self._checked)

    def listen(self) -> bool:
        """Take the name, and keep it until close(). Called only by the owner of the data folder, so a
        socket already there was left by a copy that has since died. If it cannot be taken now, it is
        tried again at every check."""
        self._wanted = True
        self._check.start()
        return self._take_name()

    def is_listening(self) -> bool:
        return self._server.isListening()

    def connection_count(self) -> int:
        return len(self._callers)

    def error_text(self) -> str:
        return self._server.errorString()

    def close(self) -> None:
        self._wanted = False
        self._check.stop()
        self._server.close()
        for connection in list(self._callers):
            self._drop(connection)

    def _take_name(self) -> bool:
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def _checked(self) -> None:
        if self._on_check is not None:
            self._on_check()
        self._restore_if_lost()

    def _restore_if_lost(self) -> None:
        if not self._wanted or (self._server.isListening() and self._name_is_there()):
            return
        # Qt closes the server by itself when accepting fails (out of descriptors), and a cleaner may
        # remove the socket's file: either way later launches can no longer reach this window.
        self._server.close()
        if self._take_name():
            self.listening_restored.emit()

    def _name_is_there(self) -> bool:
        # A Windows pipe name is not a file; a Unix socket's path is.
        return not os.path.isabs(self.name) or os.path.lexists(self.name)

    def _accept(self) -> None:
        while (connection := self._server.nextPendingConnection()) is not None:
            if len(self._callers) >= self._max_connections:
                self._drop(self._least_promising())
            timer = QTimer(connection)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda s=connection: self._drop(s))
            self._callers[connection] = _Caller(timer)
            connection.readyRead.connect(lambda s=connection: self._read(s))
            connection.disconnected.connect(lambda s=connection: self._drop(s))
            timer.start(self._idle_timeout_ms)
            if connection.bytesAvailable():
                self._read(connection)

    def _least_promising(self) -> QLocalSocket:
        # A later launch writes as soon as it connects, so one that has sent nothing yet is likelier to be
        # idle or abusive than one that has started its line.
        for connection, caller in self._callers.items():
            if not caller.data and not caller.answered:
                return connection
        return next(iter(self._callers))

    def _read(self, connection: QLocalSocket) -> None:
        caller = self._callers.get(connection)
        if caller is None or caller.answered:
            return
        caller.data += bytes(connection.readAll().data())
        if b"\n" not in caller.data:
            if len(caller.data) > MAX_MESSAGE_BYTES:
                self._drop(connection)
            return
        line = caller.data.split(b"\n", 1)[0]
        caller.answered = True
        caller.data = b""
        connection.write(ACK)
        connection.flush()
        connection.disconnectFromServer()
        self.activation_requested.emit(_query_of(line))

    def _drop(self, connection: QLocalSocket) -> None:
        caller = self._callers.pop(connection, None)
        if caller is None:
            return
        if not Shiboken.isValid(connection):
            # Qt is already destroying it (the server going with the window): nothing left to free.
            return
        caller.timer.stop()
        # abort() frees the descriptor now; it may emit disconnected, which finds nothing left to drop.
        connection.abort()
        connection.deleteLater()
        self._restore_if_lost()


def _query_of(line: bytes) -> str:
    # Whatever arrives, the user asked for the window: a garbled message still brings it forward.
    try:
        message = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or JSON nested too deep to parse
        return ""
    query = message.get("query") if isinstance(message, dict) else None
    return query if isinstance(query, str) else ""
