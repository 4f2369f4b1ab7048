"""What a file to import was read as, whatever its format: one row per number found, and what could not
be read, each with where it was in the file. The preview and the batch add work from this alone."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One number found in a file, as written there, before it is checked."""

    where: str
    """Where it was, as the preview names it: "card 3", "line 12"."""
    name: str
    """The contact's name, with the number's label added when the card or row has several numbers
    ("Rabbi Cohen (mobile)")."""
    number: str
    """The number as written in the file (a tel: URI already turned into its digits and extension)."""
    label: str = ""
    """The number's label as the file gives it ("mobile", "work"), lower case, or ""."""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A part of the file that gave no row, and why, in a sentence for the preview."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class FileRead:
    """Everything a reader got from one file."""

    rows: tuple[ImportRow, ...]
    problems: tuple[ReadProblem, ...] = ()


class UnreadableFileError(ValueError):
    """The file as a whole cannot be read as the format (empty, binary, too large, not that format): one
    sentence saying what was wrong and what to do."""
