"""One window per user and data folder: a second launch hands its query to the first window and exits.

The first instance listens on a local socket. A second launch connects, sends its query and waits for a
short acknowledgement. No answer (the first instance is hung) or no listener (it was killed and left its
socket behind) means the second launch becomes the instance itself: a stale socket never blocks anyone.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACK = b"ok\n"
# A live window answers within milliseconds; a hung one never does. Long enough for a loaded machine,
# short enough that the user does not notice the wait before a fresh window opens.
HANDOVER_TIMEOUT_MS = 1500
# A query longer than the search field will ever use is not worth buffering.
MAX_MESSAGE_BYTES = 64 * 1024


def instance_name(app_id: str, data_folder: Path) -> str:
    """The socket for one user's one data folder, so that a portable copy with its own --home is a
    separate instance. Inside XDG_RUNTIME_DIR when there is one: that folder is private to the user."""
    digest = hashlib.sha256(str(data_folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = f"{app_id}-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.name == "posix" and Path(runtime).is_dir():
        return str(Path(runtime) / f"{name}.socket")
    return name


def hand_over(name: str, query: str, timeout_ms: int = HANDOVER_TIMEOUT_MS) -> bool:
    """Pass the query to a running instance. True only if it acknowledged, i.e. it has its window up."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    try:
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(json.dumps({"query": query}).encode("utf-8") + b"\n")
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while len(reply) < len(ACK) and socket.waitForReadyRead(timeout_ms):
            reply += bytes(socket.readAll().data())
        return reply.startswith(ACK)
    finally:
        socket.abort()


class InstanceServer(QObject):
    """Listens for later launches; each one arrives as activation_requested(query)."""

    activation_requested = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Take over the name. Only called once hand_over failed, so whatever holds it is gone or hung."""
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def error_text(self) -> str:
        return self._server.errorString()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE_BYTES:
                socket.abort()
                self._forget(socket)
            else:
                self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        self.activation_requested.emit(_query_of(line))

    def _forget(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is not None:
            socket.deleteLater()


def _query_of(line: bytes) -> str:
    # Whatever arrives, the user asked for the window: a garbled message still brings it forward.
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    query = message.get("query") if isinstance(message, dict) else None
    return query if isinstance(query, str) else ""
