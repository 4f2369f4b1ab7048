"""One window per data folder: a later launch hands its query to the open window and exits.

The copy that owns the data folder (see storage.instance) listens on a local socket. A later launch
connects, sends its query and waits for a short acknowledgement. While the owner is still starting there
is nobody to connect to yet, so the later launch retries for a moment; an owner that accepts the connection
but never answers is hung, and the later launch then opens a window of its own.
"""

from __future__ import annotations

import enum
import json
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACK = b"ok\n"
# A live window answers within milliseconds; a hung one never does. Generous, because a busy machine can
# stall a live window for a while, and this wait is only ever paid when a window really is hung.
ANSWER_TIMEOUT_MS = 3000
RETRY_INTERVAL_S = 0.05
# A query longer than the search field will ever use is not worth buffering.
MAX_MESSAGE_BYTES = 64 * 1024


class Handover(enum.Enum):
    DONE = "done"
    NO_ANSWER = "no answer"
    NOBODY = "nobody"


def hand_over(name: str, query: str, *, answer_timeout_ms: int = ANSWER_TIMEOUT_MS,
              wait_for_owner_ms: int = 0) -> Handover:
    """Pass the query to the window listening at name. Retries a refused connection for up to
    wait_for_owner_ms, for an owner that is still starting."""
    deadline = time.monotonic() + wait_for_owner_ms / 1000
    while True:
        outcome = _try_once(name, query, answer_timeout_ms)
        if outcome is not Handover.NOBODY or time.monotonic() >= deadline:
            return outcome
        time.sleep(RETRY_INTERVAL_S)


def _try_once(name: str, query: str, answer_timeout_ms: int) -> Handover:
    socket = QLocalSocket()
    socket.connectToServer(name)
    try:
        if not socket.waitForConnected(answer_timeout_ms):
            return Handover.NOBODY
        socket.write(json.dumps({"query": query}).encode("utf-8") + b"\n")
        if not socket.waitForBytesWritten(answer_timeout_ms):
            return Handover.NO_ANSWER
        reply = b""
        while len(reply) < len(ACK) and socket.waitForReadyRead(answer_timeout_ms):
            reply += bytes(socket.readAll().data())
        return Handover.DONE if reply.startswith(ACK) else Handover.NO_ANSWER
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
        """Take the name. Called only by the owner of the data folder, so a socket already there was left
        by a copy that has since died."""
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
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or JSON nested too deep to parse
        return ""
    query = message.get("query") if isinstance(message, dict) else None
    return query if isinstance(query, str) else ""
