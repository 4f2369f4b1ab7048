"""Which running copy of the app owns a data folder: a lock held for the whole life of the process, and
the private place where that copy listens for later launches."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

LOCK_FILE = "instance.lock"
SOCKET_FILE = "instance.socket"
# Unix socket paths are cut off at 108 bytes on Linux (104 on macOS); stay clear of both.
MAX_SOCKET_PATH = 100


class InstanceLock:
    """An advisory lock on <data folder>/instance.lock. The system drops it when the process ends, however
    it ends, so a crashed window never leaves a lock behind that blocks the next launch."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        """True if no other process holds the lock (it is then held until release or exit). Raises
        OSError if there is no lock file to take, as in a read-only data folder."""
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open for the life of the process
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def instance_socket(app_id: str, folder: Path) -> str:
    """Where the copy owning this data folder listens: a path inside a folder only the user can enter, so
    another account can neither read the queries sent there nor answer in the app's place. On Windows,
    a pipe name."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = f"{app_id}-{digest}"
    if sys.platform == "win32":
        return name
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    candidates = [Path(runtime) / f"{name}.socket"] if runtime else []
    candidates.append(folder.resolve() / SOCKET_FILE)
    for candidate in candidates:
        if len(str(candidate).encode()) <= MAX_SOCKET_PATH and _private_folder(candidate.parent):
            return str(candidate)
    # A data folder too deep for a socket path: the shared temporary folder, where owner_is_someone_else
    # guards against a socket planted by another account.
    return str(Path(tempfile.gettempdir()) / f"{name}-{os.getuid()}.socket")


def owner_is_someone_else(socket: str) -> bool:
    """True if a socket already at that path belongs to another account: never talk to it."""
    if sys.platform == "win32" or not os.path.isabs(socket):
        return False
    try:
        return os.lstat(socket).st_uid != os.getuid()
    except OSError:
        return False


def _private_folder(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and (info.st_mode & 0o077) == 0


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
