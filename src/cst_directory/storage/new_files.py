"""Files the app writes where the user chose: created new, never over another file, never through a link."""

from __future__ import annotations

import os
from pathlib import Path


def write_new_file(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write data to a file created at path; FileExistsError if anything is already there (a file, a link,
    a folder), OSError if it cannot be written, and then no part-written file is left behind."""
    # O_EXCL: never over another file; O_NOFOLLOW: never through a link left at that name.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(fd, "wb") as out:
            fd = -1
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        if fd != -1:
            os.close(fd)
        path.unlink(missing_ok=True)
        raise
