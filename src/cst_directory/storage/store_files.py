"""The SQLite file set of the contact store (database, change log, shared memory) and the identity that
ties a change log to the database it was written for."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from cst_directory.storage.data_files import create_private_file

# A change log shorter than its header holds no changes.
WAL_HEADER_BYTES = 32
_MAX_NAME_ATTEMPTS = 1000


def stamp_identity(conn: sqlite3.Connection) -> None:
    """Give the file an identity the first time it is written, and rewrite it in every transaction:
    setting it, even to the same value, puts page 1 into the change log, so any log's latest page 1 tells
    which file the log belongs to. Read inside the write lock, so two programs never pick two ids."""
    identity = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if identity == 0:
        # os.urandom rather than secrets, whose imports (hmac, hashlib) every launch would pay for this.
        identity = int.from_bytes(os.urandom(4), "big") % (2**31 - 1) + 1
    conn.execute(f"PRAGMA application_id = {identity}")


def identity_of(path: Path, mode: str) -> int | None:
    """The store identity in page 1: as the file itself holds it (immutable=1 ignores the change log) or
    as SQLite sees it with the log applied (mode=ro); None if it cannot be read."""
    try:
        with contextlib.closing(connect_uri(path, mode, 0)) as conn:
            return int(conn.execute("PRAGMA application_id").fetchone()[0])
    except sqlite3.Error:
        return None


def connect_uri(path: Path, options: str, busy_timeout_ms: int) -> sqlite3.Connection:
    # SQLite reads "%XX" as an escape and "?" or "#" as the end of the path: only those are escaped (and
    # urllib.parse, with ipaddress behind it, stays out of every launch).
    escaped = str(path.absolute()).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    uri = f"file:{escaped}?{options}"
    conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


def side_files(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def reserve_free_name(wanted: Path) -> Path:
    for attempt in range(1, _MAX_NAME_ATTEMPTS):
        target = wanted if attempt == 1 else wanted.with_name(f"{wanted.name}-{attempt}")
        try:
            create_private_file(target)
        except FileExistsError:
            continue
        return target
    raise FileExistsError(f"no free name for {wanted}")


def copy_to_free_name(source: Path, wanted: Path) -> Path:
    target = reserve_free_name(wanted)
    with open(source, "rb") as src, open(target, "r+b") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return target


