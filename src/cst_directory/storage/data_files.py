"""The files in the user's data folder, handled as files someone else may have tampered with: never
followed through a link, never opened in a way that blocks, created private from the start, and moved
aside without ever replacing another file."""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
# Without O_NOFOLLOW a link planted in the folder would send our writes, or our chmod, to its target;
# without O_NONBLOCK a FIFO would hang the open until some writer came along.
_SAFE_FLAGS = (getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))
_MAX_ASIDE_ATTEMPTS = 1000


class FileKind(enum.Enum):
    MISSING = "missing"
    REGULAR = "a file"
    LINK = "a symbolic link"
    FOLDER = "a folder"
    FIFO = "a named pipe"
    DEVICE = "a device"
    SOCKET = "a socket"
    OTHER = "not an ordinary file"


class UnsafeFileError(OSError):
    """A name in the data folder is not a plain file of the user's; the message is one sentence saying
    what was found and that it was left alone."""

    def __init__(self, path: Path, kind: FileKind, what: str) -> None:
        super().__init__(errno.EINVAL, f"{what} {path} is {kind.value}, not a file: CST Directory left "
                                       "it alone. Move it out of the data folder, then start CST Directory "
                                       "again.")
        self.path = path
        self.kind = kind

    def __str__(self) -> str:
        # The sentence alone: OSError's "[Errno 22]" means nothing to the person reading it.
        return str(self.strerror)


def kind_of(path: Path) -> FileKind:
    """What is at path, without following a link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return FileKind.MISSING
    if stat.S_ISREG(mode):
        return FileKind.REGULAR
    if stat.S_ISLNK(mode):
        return FileKind.LINK
    if stat.S_ISDIR(mode):
        return FileKind.FOLDER
    if stat.S_ISFIFO(mode):
        return FileKind.FIFO
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return FileKind.DEVICE
    if stat.S_ISSOCK(mode):
        return FileKind.SOCKET
    return FileKind.OTHER


def require_plain_or_missing(path: Path, what: str) -> FileKind:
    """MISSING or REGULAR; anything else raises UnsafeFileError before it is ever opened."""
    kind = kind_of(path)
    if kind not in (FileKind.MISSING, FileKind.REGULAR):
        raise UnsafeFileError(path, kind, what)
    return kind


def ensure_private_file(path: Path, what: str = "The file") -> bool:
    """Create path 0600, or make an existing plain file of the user's 0600 through its descriptor.
    Returns False when the file exists but can only be read (a read-only folder or file). Raises
    UnsafeFileError for anything but a plain file, and OSError when it can be neither made nor read."""
    require_plain_or_missing(path, what)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _SAFE_FLAGS, PRIVATE_FILE_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFileError(path, FileKind.LINK, what) from None
        if exc.errno not in (errno.EACCES, errno.EROFS, errno.EPERM):
            raise
        fd = _open_read_only(path, what)
        with contextlib.closing(_Descriptor(fd)):
            _require_regular(fd, path, what)
        return False
    with contextlib.closing(_Descriptor(fd)):
        info = _require_regular(fd, path, what)
        if (info.st_mode & 0o777) != PRIVATE_FILE_MODE and _owned_by_user(info):
            with contextlib.suppress(OSError):
                os.fchmod(fd, PRIVATE_FILE_MODE)
    return True


def create_private_file(path: Path) -> None:
    """Create a new empty file 0600; FileExistsError if the name is taken, by anything at all."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _SAFE_FLAGS, PRIVATE_FILE_MODE)
    os.close(fd)


def read_head(path: Path, size: int) -> bytes:
    """The first size bytes of a plain file, read without following a link or blocking."""
    fd = os.open(path, os.O_RDONLY | _SAFE_FLAGS)
    with contextlib.closing(_Descriptor(fd)):
        return os.pread(fd, size, 0)


def keep_aside(path: Path, label: str, stamp: str) -> Path:
    """Rename path to <name>.<label>-<stamp> under a name nothing else has: the user's file is moved out
    of the way, never deleted, and never moved over another file."""
    return move_to_free_name(path, path.with_name(f"{path.name}.{label}-{stamp}"))


def move_to_free_name(path: Path, wanted: Path) -> Path:
    """Move path to wanted, or to wanted-2, wanted-3... if taken. A hard link to the new name followed by
    removing the old one never replaces an existing file, even when another program picks the same name
    at the same moment; where links are not possible, the new name is reserved with O_EXCL first."""
    for attempt in range(1, _MAX_ASIDE_ATTEMPTS + 1):
        target = wanted if attempt == 1 else wanted.with_name(f"{wanted.name}-{attempt}")
        try:
            os.link(path, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            try:
                create_private_file(target)
            except FileExistsError:
                continue
            os.replace(path, target)
            return target
        os.unlink(path)
        return target
    raise FileExistsError(errno.EEXIST, f"no free name for {wanted}")


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder itself while checking, repairing or creating its files, so
    two programs opening a damaged file at once never both move it aside. A lock that cannot be had (a
    file system without locks) is not a reason to refuse the user's contacts: the steps then run as
    before, unserialised."""
    if sys.platform == "win32":
        yield
        return
    import fcntl

    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _SAFE_FLAGS)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class _Descriptor:
    """A raw file descriptor that contextlib.closing can close."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        os.close(self.fd)


def _open_read_only(path: Path, what: str) -> int:
    try:
        return os.open(path, os.O_RDONLY | _SAFE_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFileError(path, FileKind.LINK, what) from None
        raise


def _require_regular(fd: int, path: Path, what: str) -> os.stat_result:
    # Checked again on the open descriptor: the name may have been swapped since the lstat.
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFileError(path, FileKind.OTHER, what)
    return info


def _owned_by_user(info: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()
