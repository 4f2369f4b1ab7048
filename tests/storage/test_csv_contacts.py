"""CSV contacts: every producer's file in the corpus read to the rows written out here by hand, our own
export read back exactly, and the files that cannot be read refused in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from cst_directory.domain.import_rows import ImportRow, ReadProblem, UnreadableFileError
from cst_directory.storage.csv_contacts import ColumnsNeededError, read_csv_contacts

CORPUS = Path(__file__).parent / "corpus" / "csv"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def row(line: int, name: str, number: str, label: str = "", notes: str = "") -> ImportRow:
    return ImportRow(where=f"line {line}", name=name, number=number, label=label, notes=notes)


def no_number(line: int) -> ReadProblem:
    return ReadProblem(f"line {line}", "This line has no phone number.")


def test_google_contacts_today() -> None:
    read = read_csv_contacts(corpus("google_new.csv"))
    assert read.rows == (
        row(2, "Rabbi David Cohen (mobile)", "07911 123456", "mobile", "Shul security lead"),
        # One cell, two numbers, one label for both.
        row(2, "Rabbi David Cohen (work)", "020 7946 0123", "work", "Shul security lead"),
        row(2, "Rabbi David Cohen (work)", "020 7946 0124", "work", "Shul security lead"),
        row(3, "Miriam Levy", "+44 161 496 0456", "mobile"),
        row(4, "Example Shul Office", "020 7946 0555", "work", "Gate code on request\nCall after 6pm"),
        # The notes above run over two lines: the lines named are still the file's own.
        row(7, "שרה כהן", "07700 900123", "mobile"),
    )
    assert read.problems == (no_number(6),)


def test_google_contacts_older_export_in_utf16() -> None:
    assert corpus("google_old.csv")[:2] == b"\xff\xfe"
    read = read_csv_contacts(corpus("google_old.csv"))
    assert read.rows == (
        row(2, "Yossi Friedman (mobile)", "07911 654321", "mobile"),
        row(2, "Yossi Friedman (work)", "0161 496 0789", "work"),
        # No Name: given and family names.
        row(3, "Chana Gold", "020 7946 0987", "home", "Neighbour, spare key"),
        # No person's name at all: the organisation.
        row(4, "North Example School (work)", "0161 496 0321", "work"),
        row(4, "North Example School (work)", "0161 496 0322", "work"),
        # Google marks the primary number's type with "* ".
        row(5, "Dov \U0001f54e Klein", "+44 7911 123457", "mobile"),
    )
    assert read.problems == ()


def test_outlook_in_the_windows_code_page() -> None:
    read = read_csv_contacts(corpus("outlook.csv"))
    notes = "Café owner, keeps the £20 float"
    assert read.rows == (
        row(2, "Mr. Avi Shapiro (work)", "020 7946 0111", "work", notes),
        row(2, "Mr. Avi Shapiro (mobile)", "07911 123458", "mobile", notes),
        row(3, "Rivka Stern", "0161 496 0654", "home"),
        row(4, "Example Kosher Deli", "020 7946 0222", "company"),
    )
    # Eli Rosen has only a fax number, which is not one to ring.
    assert read.problems == (no_number(5),)


def test_outlook_on_hebrew_windows_needs_its_code_page() -> None:
    data = corpus("outlook_hebrew_cp1255.csv")
    read = read_csv_contacts(data, encoding="cp1255")
    assert read.rows == (
        row(2, "יעקב לוי", "07911 123464", "mobile", "גבאי"),
        row(3, "בית כנסת לדוגמה", "0161 496 0777", "work"),
    )
    # Without it the bytes are read as cp1252, which accepts them all: letters, but not these.
    guessed = read_csv_contacts(data)
    assert [r.number for r in guessed.rows] == ["07911 123464", "0161 496 0777"]
    assert guessed.rows[0].name != "יעקב לוי"


def test_thunderbird() -> None:
    read = read_csv_contacts(corpus("thunderbird.csv"))
    assert read.rows == (
        row(2, "Shira Katz (CST volunteer) (work)", "020 7946 0333", "work"),
        row(2, "Shira Katz (CST volunteer) (mobile)", "07911 123459", "mobile"),
        row(3, "Moshe Adler", "0161 496 0111", "home"),
        row(4, "חיים פֿרידמאַן", "07911 123460", "mobile", "Speaks Yiddish"),
        # A spreadsheet's quote before the + is not part of the number.
        row(5, "Leah Baum", "+44 20 7946 0444", "home"),
    )
    assert read.problems == ()


def test_thunderbird_in_british_english_tab_separated() -> None:
    read = read_csv_contacts(corpus("thunderbird_uk.tsv"))
    assert read.rows == (
        row(2, "Example Jewish Primary School", "0161 496 0999", "work"),
        row(3, "Benjamin Gross (home)", "020 7946 0666", "home"),
        row(3, "Benjamin Gross (mobile)", "07911 123461", "mobile"),
        row(4, "Gross, Hannah", "07911 123462", "mobile"),
    )
    assert read.problems == ()


def test_other_files_need_their_columns_chosen() -> None:
    data = corpus("spreadsheet_semicolon.csv")
    with pytest.raises(ColumnsNeededError) as raised:
        read_csv_contacts(data)
    assert raised.value.headers == ("Who", "Phone", "Comment")
    read = read_csv_contacts(data, name_column="who", number_column="PHONE")
    assert read.rows == (
        row(2, "Cohen, Ruth", "+447911123463", notes="school run"),
        row(3, "Caretaker", "0161 496 0888", notes="evenings; weekends"),
    )
    assert read.problems == (no_number(4),)


def test_a_column_that_is_not_there_is_asked_for_again() -> None:
    with pytest.raises(ColumnsNeededError, match="no column called “Mobile”") as raised:
        read_csv_contacts(corpus("spreadsheet_semicolon.csv"), name_column="Who", number_column="Mobile")
    assert raised.value.headers == ("Who", "Phone", "Comment")


def test_a_known_producer_can_be_told_which_numbers_to_take() -> None:
    read = read_csv_contacts(corpus("outlook.csv"), number_column="mobile phone")
    assert [(r.name, r.number) for r in read.rows] == [("Mr. Avi Shapiro", "07911 123458")]
    assert [p.where for p in read.problems] == ["line 3", "line 4", "line 5"]


def test_unreadable_is_an_error_of_its_own_kind() -> None:
    assert issubclass(ColumnsNeededError, UnreadableFileError)
