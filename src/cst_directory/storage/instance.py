"""Which running copy of the app owns a data folder: a lock held for the whole life of the process, and
the private place where that copy listens for later launches.

Both live where no other account can reach them: in the data folder when only the user can enter it,
otherwise (a shared --home) in a per-user folder, so another local user can neither hold the lock to
delay the owner nor put a socket of their own where later launches knock. The lock file is handled as a
file someone may have tampered with: never followed through a link, never opened if it is not a plain
file, and never made 0600 through its name.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = "instance.lock"
SOCKET_FILE = "instance.socket"
LOCK_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
# Unix socket paths are cut off at 108 bytes on Linux (104 on macOS); stay clear of both.
MAX_SOCKET_PATH = 100
# The XDG base directory spec lets the runtime folder be cleaned of files untouched for 6 hours, and
# temporary folders are cleaned by age: a window open for days touches its lock and socket well within.
KEEP_FRESH_EVERY_S = 3600.0
# Without O_NOFOLLOW a planted link would send the lock, and a mode change, to its target; without
# O_NONBLOCK opening a FIFO would hang until some writer came along.
_SAFE_FLAGS = (getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


class InstanceError(OSError):
    """This copy cannot claim or find the owner of the data folder; the message is one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.EINVAL, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnsafeLockError(InstanceError):
    """Something other than a plain file of the user's is where the lock file goes; it was left alone."""

    def __init__(self, path: Path, found: str) -> None:
        super().__init__(f"{path} is {found}, not a file: CST Directory left it alone, and until it is moved "
                         "out of the way each launch opens a window of its own.")
        self.path = path
        self.found = found


class NoPrivateFolderError(InstanceError):
    """No folder that only this user can enter could be found or made for the lock and the socket."""


@dataclass(frozen=True)
class InstancePlace:
    """Where the copy owning one data folder holds its lock and listens for later launches."""

    lock: Path
    socket: str


class InstanceLock:
    """An advisory lock on the data folder's lock file. The system drops it when the process ends, however
    it ends, so a crashed window never leaves a lock behind that blocks the next launch."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._touched = 0.0

    @classmethod
    def for_folder(cls, app_id: str, folder: Path) -> InstanceLock:
        """The lock that says who owns folder. Raises NoPrivateFolderError if it has nowhere safe to be."""
        return cls(instance_place(app_id, folder).lock)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """True if no other process holds the lock (it is then held until release or exit). Raises
        UnsafeLockError if a link, pipe, folder or device is in its place, and OSError if there is no
        lock file to take, as in a read-only data folder."""
        fd = _open_lock_file(self.path)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        self._touched = time.monotonic()
        return True

    def keep_fresh(self) -> None:
        """Called now and then by the owner: put the lock file back if it was cleaned away (so that a
        later launch does not take the folder from a live window), and touch it so it is not."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            if _same_file(self.path, self._fd):
                if time.monotonic() - self._touched >= KEEP_FRESH_EVERY_S:
                    os.utime(self._fd)
                    self._touched = time.monotonic()
                return
            fresh = _open_lock_file(self.path)
            try:
                _lock(fresh)
            except OSError:
                # Another launch took the new file first: it owns the folder now, this window goes on.
                os.close(fresh)
                return
            os.close(self._fd)
            self._fd = fresh
            self._touched = time.monotonic()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def instance_place(app_id: str, folder: Path) -> InstancePlace:
    """Where the lock and socket for this data folder are. Raises NoPrivateFolderError if the data folder
    is open to others and no private per-user folder can be had."""
    resolved = folder.resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    if sys.platform == "win32":
        return InstancePlace(folder / LOCK_FILE, f"{app_id}-{digest}")
    runtime = _private_runtime_folder()
    if _is_private_folder(resolved):
        candidates = [runtime / f"{app_id}-{digest}.socket"] if runtime else []
        candidates.append(resolved / SOCKET_FILE)
        socket = next((c for c in candidates if _fits(c)), None)
        if socket is None:
            # A data folder too deep for a socket path: the per-user folder in the temporary folder.
            socket = _temporary_private_folder(app_id) / f"{digest}.socket"
            _require_fits(socket)
        return InstancePlace(folder / LOCK_FILE, str(socket))
    # Anyone who can write in the data folder could hold a lock there or plant a socket.
    if runtime is not None and _fits(runtime / f"{app_id}-{digest}.socket"):
        return InstancePlace(runtime / f"{app_id}-{digest}.lock", str(runtime / f"{app_id}-{digest}.socket"))
    private = _temporary_private_folder(app_id)
    _require_fits(private / f"{digest}.socket")
    return InstancePlace(private / f"{digest}.lock", str(private / f"{digest}.socket"))


def instance_socket(app_id: str, folder: Path) -> str:
    """Where the copy owning this data folder listens: a path inside a folder only the user can enter, so
    another account can neither read the queries sent there nor answer in the app's place. On Windows,
    a pipe name."""
    return instance_place(app_id, folder).socket


def keep_claim(lock: InstanceLock, app_id: str, socket: str) -> None:
    """Called now and then by the owner while it runs: put back the per-user folder, the lock file and
    the socket's freshness that a clean-up of runtime or temporary folders would take from a live
    window, so that later launches still find it (the server takes the socket again itself)."""
    if sys.platform == "win32":
        return
    _restore_temporary_folder(app_id, Path(socket).parent)
    lock.keep_fresh()
    with contextlib.suppress(OSError):
        if time.time() - os.lstat(socket).st_mtime >= KEEP_FRESH_EVERY_S:
            os.utime(socket, follow_symlinks=False)


def owner_is_someone_else(socket: str) -> bool:
    """True if a socket already at that path belongs to another account: never talk to it."""
    if sys.platform == "win32" or not os.path.isabs(socket):
        return False
    try:
        return os.lstat(socket).st_uid != os.getuid()
    except OSError:
        return False


def _open_lock_file(path: Path) -> int:
    # Looked at first so that a device or FIFO is never opened at all (opening some devices has effects);
    # checked again on the descriptor, since the name may have been swapped in between.
    try:
        found = _kind(os.lstat(path).st_mode)
    except FileNotFoundError:
        found = None
    if found is not None:
        raise UnsafeLockError(path, found)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _SAFE_FLAGS, LOCK_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeLockError(path, "a symbolic link") from None
        if exc.errno == errno.EISDIR:
            raise UnsafeLockError(path, "a folder") from None
        raise
    try:
        info = os.fstat(fd)
        found = _kind(info.st_mode)
        if found is not None:
            raise UnsafeLockError(path, found)
        if sys.platform != "win32":
            if info.st_uid != os.getuid():
                raise UnsafeLockError(path, "a file of another account")
            if stat.S_IMODE(info.st_mode) != LOCK_MODE:
                # Made by an older version with the default mode, which let others open it and hold it.
                os.fchmod(fd, LOCK_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _kind(mode: int) -> str | None:
    """None for a plain file; otherwise what it is, as a sentence says it."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def _same_file(path: Path, fd: int) -> bool:
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _is_private_folder(folder: Path) -> bool:
    """A real folder of the user's that nobody else can enter."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and stat.S_IMODE(info.st_mode) & 0o077 == 0)


def _private_runtime_folder() -> Path | None:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime or not os.path.isabs(runtime):
        return None
    return Path(runtime) if _is_private_folder(Path(runtime)) else None


def _restore_temporary_folder(app_id: str, folder: Path) -> None:
    # Only the folder this module makes in the temporary folder; any other is the user's business.
    if folder.name == _temporary_folder_name(app_id) and not os.path.lexists(folder):
        with contextlib.suppress(InstanceError):
            _temporary_private_folder(app_id)


def _temporary_folder_name(app_id: str) -> str:
    return f"{app_id}-{os.getuid()}"


def _temporary_private_folder(app_id: str) -> Path:
    """<temporary folder>/<app id>-<uid>, made 0700 if missing and checked to be the user's own real
    folder that nobody else can enter or swap."""
    base = Path(tempfile.gettempdir())
    folder = base / _temporary_folder_name(app_id)
    refusal = NoPrivateFolderError(
        f"CST Directory found no folder that only you can use for its instance lock ({folder} is not a "
        "folder of yours that others can neither enter nor replace), so a later launch will open a second "
        "window instead of using this one: move what is there out of the way, or set XDG_RUNTIME_DIR to a "
        "folder only you can enter.")
    try:
        base_info = os.stat(base)
        os.mkdir(folder, PRIVATE_FOLDER_MODE)
    except FileExistsError:
        pass
    except OSError as exc:
        raise NoPrivateFolderError(
            f"CST Directory cannot make a private folder for its instance lock in {base} ({exc.strerror}), "
            "so a later launch will open a second window instead of using this one: set XDG_RUNTIME_DIR "
            "to a folder only you can enter.") from None
    # In a folder others may write to without the sticky bit, they could rename ours and put theirs there.
    if base_info.st_mode & 0o022 and not base_info.st_mode & stat.S_ISVTX:
        raise refusal
    try:
        info = os.lstat(folder)
    except OSError:
        raise refusal from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise refusal
    if stat.S_IMODE(info.st_mode) != PRIVATE_FOLDER_MODE:
        _make_folder_private(folder, refusal)
    return folder


def _make_folder_private(folder: Path, refusal: NoPrivateFolderError) -> None:
    # Through a descriptor of the folder itself, checked again, so no link can redirect the change.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _SAFE_FLAGS)
    except OSError:
        raise refusal from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise refusal
        os.fchmod(fd, PRIVATE_FOLDER_MODE)
    except OSError:
        raise refusal from None
    finally:
        os.close(fd)


def _fits(socket: Path) -> bool:
    return len(str(socket).encode("utf-8", "surrogateescape")) <= MAX_SOCKET_PATH


def _require_fits(socket: Path) -> None:
    if not _fits(socket):
        raise NoPrivateFolderError(
            f"The temporary folder {socket.parent.parent} is too deep for CST Directory's instance socket, "
            "so a later launch will open a second window instead of using this one: set TMPDIR or "
            "XDG_RUNTIME_DIR to a shorter folder only you can enter.")


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
