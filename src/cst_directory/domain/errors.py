"""Errors every layer may raise or show, with their message already a sentence for the user."""

from __future__ import annotations

import enum


class StorageProblem(enum.Enum):
    READ_ONLY = "read-only"
    FULL = "full"
    LOCKED = "locked"
    NEWER_SCHEMA = "newer schema"
    UNSAFE = "not a plain file"
    UNRECOVERABLE = "unrecoverable"


class StorageError(Exception):
    """Saving or loading the user's data failed; nothing they had was changed."""

    def __init__(self, problem: StorageProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


class EntryNotFoundError(LookupError):
    def __init__(self, entry_id: str) -> None:
        super().__init__(f"No entry has the ID {entry_id!r}: see 'cstdir list' for the IDs.")
        self.entry_id = entry_id


class ReadOnlyEntryError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"“{name}” is part of the built-in directory and cannot be changed; "
                         "add your own contact instead.")
