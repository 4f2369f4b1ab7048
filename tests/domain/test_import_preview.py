"""The import preview: every row with what the import does with it, before anything is stored."""

from __future__ import annotations

from collections.abc import Iterable

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, make_entry
from cst_directory.domain.import_preview import Outcome, PreviewRow, preview_import
from cst_directory.domain.import_rows import FileRead, ImportRow, ReadProblem

ROWS = (
    ImportRow("card 1", "Rabbi Cohen (mobile)", "07911 123456", "mobile"),
    ImportRow("card 1", "Rabbi Cohen (work)", "020 7946 0018", "work"),
    ImportRow("card 2", "Shul office", "not a number"),
    ImportRow("card 3", "Police", "101"),
    ImportRow("card 4", "Again", "+44 7911 123456"),
    ImportRow("card 5", "Drama", "07700 900123"),
    ImportRow("card 6", "\u200fשרה כהן\u200f", "07911 123457", notes="  gabbai  "),
)


def outcomes(preview_rows: Iterable[PreviewRow]) -> list[tuple[str, Outcome]]:
    return [(row.where, row.outcome) for row in preview_rows]


def test_every_row_gets_its_outcome_and_reason(directory: BuiltinDirectory) -> None:
    read = FileRead(ROWS, (ReadProblem("card 7", "This card has no END line."),))
    preview = preview_import(read, directory.entries)
    assert outcomes(preview.rows) == [
        ("card 1", Outcome.ADD), ("card 1", Outcome.ADD), ("card 2", Outcome.INVALID),
        ("card 3", Outcome.DUPLICATE), ("card 4", Outcome.DUPLICATE), ("card 5", Outcome.UNVERIFIED),
        ("card 6", Outcome.ADD), ("card 7", Outcome.UNREADABLE)]
    by_where = {row.where: row for row in preview.rows}
    assert "already in the directory as “Police non-emergency”" in by_where["card 3"].reason
    assert by_where["card 4"].reason == "07911 123456 is already in this file, at card 1."
    assert by_where["card 7"].reason == "This card has no END line."
    assert [c.name for c in preview.to_add] == ["Rabbi Cohen (mobile)", "Rabbi Cohen (work)", "שרה כהן"]
    assert preview.to_add[2].notes == "gabbai"
    assert preview.summary() == ("3 to add, 2 already in the directory or repeated, 1 not known to be in "
                                 "use, 1 not a phone number, 1 could not be read.")


def test_the_choices_add_unverified_numbers_and_duplicates(directory: BuiltinDirectory) -> None:
    preview = preview_import(FileRead(ROWS), directory.entries, allow_unverified=True,
                             include_duplicates=True)
    assert [row.where for row in preview.rows if row.outcome.added] == [
        "card 1", "card 1", "card 3", "card 4", "card 5", "card 6"]
    assert not preview.to_add[4].number.verified


def test_a_contact_already_stored_is_a_duplicate(directory: BuiltinDirectory) -> None:
    first = preview_import(FileRead(ROWS[:1]), directory.entries)
    assert first.count(Outcome.ADD) == 1
    contact = first.to_add[0]
    stored = make_entry(id="p-1", name=contact.name, category=Category.PERSONAL, region=None,
                        number=contact.number, builtin=False)
    again = preview_import(FileRead(ROWS[:1]), (*directory.entries, stored))
    assert outcomes(again.rows) == [("card 1", Outcome.DUPLICATE)]
