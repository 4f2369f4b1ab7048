"""CSV contacts: every producer's file in the corpus read to the rows written out here by hand, our own
export read back exactly, and the files that cannot be read refused in one sentence."""

from __future__ import annotations

import codecs
import csv
import io
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.import_rows import ImportRow, ReadProblem, UnreadableFileError
from cst_directory.domain.phone import PhoneNumber, parse_number
from cst_directory.storage.csv_contacts import (
    MARKER_HEADER,
    MAX_FILE_BYTES,
    ColumnsNeededError,
    read_csv_contacts,
    write_csv_contacts,
)

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


# Every kind of number the app keeps: UK national, foreign (shown in international form, so beginning
# with +), with extensions, short codes, and one possible but not in use.
NUMBERS = ("07911 123456", "020 7946 0123", "0161 496 0456", "+33 1 42 68 53 00", "+972 2 123 4567",
           "020 8457 9999 x12", "+49 30 1234567 ext 5", "+1 212 736 5000 x7", "999", "101", "116 123",
           "07700 900123")
PARSED = {text: parse_number(text, allow_unverified=True) for text in NUMBERS}


def entry(name: str, number: str, notes: str = "", *, index: int = 0, region: str | None = None,
          source: str | None = None, as_of: str | None = None) -> Entry:
    return make_entry(id=f"c{index}", name=name, category=Category.PERSONAL, region=region,
                      number=PARSED.get(number) or parse_number(number, allow_unverified=True),
                      builtin=False, notes=notes, source=source, as_of=as_of)


def cells_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


GOLDEN = [
    entry("Rabbi Cohen", "07911 123456", "Shul security lead"),
    entry("Paris office", "+33 1 42 68 53 00", '=HYPERLINK("http://example.org")'),
    entry("Police (non-emergency)", "101"),
    entry("London office", "020 8457 9999 x12", "'quoted' in the notes"),
    entry("@home", "0161 496 0456", "-2 floors down, 'stairs'"),
]


def test_our_export_is_written_exactly_as_the_corpus_file() -> None:
    expected = corpus("cst_directory.csv").replace(b"CST Directory 0.1.0", MARKER_HEADER.encode())
    assert write_csv_contacts(GOLDEN) == expected


def test_our_export_from_any_version_is_read_back_exactly() -> None:
    read = read_csv_contacts(corpus("cst_directory.csv"))
    assert [(r.name, r.number, r.notes) for r in read.rows] == [
        (e.name, e.number.display, e.notes) for e in GOLDEN]
    assert [r.where for r in read.rows] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert read.problems == ()


def test_export_is_utf8_with_bom_crlf_every_field_quoted() -> None:
    data = write_csv_contacts([entry("שרה\nכהן", "07911 123456", "two\nlines")])
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[0] == '"Name","Number","International","Notes","' + MARKER_HEADER + '"'
    assert text.endswith("\r\n")
    # The line break inside a cell is the cell's own; only rows end in CRLF.
    assert text.count("\r\n") == 2
    assert text.split("\r\n")[1] == '"שרה\nכהן","07911 123456","\'+44 7911 123456","two\nlines",""'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n", "'"])
def test_every_cell_a_spreadsheet_would_read_as_a_formula_gets_a_quote(start: str) -> None:
    written = cells_of(write_csv_contacts([entry(f"{start}name", "020 7946 0123", f"{start}notes")]))
    assert written[1][0] == f"'{start}name"
    assert written[1][3] == f"'{start}notes"
    # International numbers begin with +, which a spreadsheet turns into a number.
    assert written[1][2] == "'+44 20 7946 0123"


def test_cells_a_spreadsheet_reads_as_text_are_written_as_they_are() -> None:
    written = cells_of(write_csv_contacts([entry("Rabbi 'Yossi'", "101", "a=b, 1+1")]))
    assert written[1][:4] == ["Rabbi 'Yossi'", "101", "", "a=b, 1+1"]


def test_export_with_sources() -> None:
    written = cells_of(write_csv_contacts(
        [entry("CST London office", "020 8457 9999", region="south", source="CST blog", as_of="2015-01-16"),
         entry("Neighbour", "07911 123456")], with_sources=True))
    assert written[0] == ["Name", "Number", "International", "Notes", "Region", "Source", "As of",
                          MARKER_HEADER]
    assert written[1] == ["CST London office", "020 8457 9999", "'+44 20 8457 9999", "", "south",
                          "CST blog", "2015-01-16", ""]
    assert written[2][4:7] == ["", "", ""]
    read = read_csv_contacts(write_csv_contacts([GOLDEN[0]], with_sources=True))
    assert [(r.name, r.number) for r in read.rows] == [("Rabbi Cohen", "07911 123456")]


def test_only_our_own_files_have_every_quote_undone() -> None:
    ours = write_csv_contacts([entry("'Quoted'", "+33 1 42 68 53 00", "'-note")])
    assert [(r.name, r.number, r.notes) for r in read_csv_contacts(ours).rows] == [
        ("'Quoted'", "+33 1 42 68 53 00", "'-note")]
    # The same cells in a file someone else wrote: the quote is only taken off the number.
    theirs = ours.replace(MARKER_HEADER.encode(), b"Something else")
    read = read_csv_contacts(theirs, name_column="name", number_column="number")
    assert [(r.name, r.number, r.notes) for r in read.rows] == [
        ("''Quoted'", "+33 1 42 68 53 00", "''-note")]


def test_a_number_left_empty_in_our_file_is_read_from_its_international_form() -> None:
    data = write_csv_contacts([entry("Paris office", "+33 1 42 68 53 00")])
    edited = data.replace(b'"Paris office","\'+33 1 42 68 53 00"', b'"Paris office",""')
    assert [r.number for r in read_csv_contacts(edited).rows] == ["+33 1 42 68 53 00"]


# Text as people write it in names and notes: Hebrew with points, Yiddish ligatures, emoji (some joined),
# direction marks, quotes and the delimiters, and the characters that start a formula.
PIECES = ("שלום", "רבי", "כֹּהֵן", "ײַ", "װ", "פֿ", "\U0001f54e", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
          "\u200f", "\u200e", "\u202b", '"', "'", ",", ";", "\t", " ::: ", "=", "+", "-", "@", "Cohen", " ")
text_piece = st.one_of(st.sampled_from(PIECES),
                       st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                               max_size=3))
names = st.lists(text_piece, min_size=1, max_size=6).map("".join).filter(lambda t: bool(t.strip()))
notes = st.one_of(st.just(""), st.lists(st.one_of(text_piece, st.sampled_from(("\n", "\r\n", "\r"))),
                                        max_size=8).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(names, st.sampled_from(NUMBERS), notes), min_size=1, max_size=12),
       st.booleans())
def test_written_then_read_is_what_was_written(contacts: list[tuple[str, str, str]],
                                               with_sources: bool) -> None:
    entries = [entry(name, number, note, index=i) for i, (name, number, note) in enumerate(contacts)]
    read = read_csv_contacts(write_csv_contacts(entries, with_sources=with_sources))
    assert read.problems == ()
    assert [(r.name, r.notes) for r in read.rows] == [(e.name, e.notes) for e in entries]
    assert [r.number for r in read.rows] == [e.number.display for e in entries]
    # And the number read is the number written, with every form the same.
    reparsed: list[PhoneNumber] = [parse_number(r.number, allow_unverified=True) for r in read.rows]
    assert reparsed == [e.number for e in entries]


@pytest.mark.parametrize(("data", "says"), [
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (codecs.BOM_UTF8, "empty"),
    (codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le"), "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"Name,Number\r\nA,07911 123456\x00\r\n", "binary"),
    (codecs.BOM_UTF16_LE + "Name,Number\r\n\x00".encode("utf-16-le"), "binary"),
    # 0x81 is in neither UTF-8 nor cp1252.
    (b"Name,Number\r\nA\x81,07911 123456\r\n", "choose the code page"),
    (b"Name,Email\r\nRuth,ruth@example.org\r\nCaretaker,\r\n", "No column of the file holds phone numbers"),
    (b'"Name,Number\r\nRuth,07911 123456\r\n', "first line"),
])
def test_files_that_cannot_be_read_say_why_in_one_sentence(data: bytes, says: str) -> None:
    with pytest.raises(UnreadableFileError, match=says) as raised:
        read_csv_contacts(data)
    assert not isinstance(raised.value, ColumnsNeededError)
    message = str(raised.value)
    assert message.endswith(".") and "\n" not in message


def test_a_file_over_50_mb_is_refused_before_it_is_looked_at() -> None:
    # Binary as well, so that the sentence shows which check came first.
    data = b"\x00" * (MAX_FILE_BYTES + 1)
    with pytest.raises(UnreadableFileError, match="larger than 50 MB"):
        read_csv_contacts(data)
    with pytest.raises(UnreadableFileError, match="binary"):
        read_csv_contacts(data[:MAX_FILE_BYTES])


@pytest.mark.parametrize("name", ["klingon", "base64", "rot13"])
def test_an_encoding_that_is_not_one_is_a_sentence(name: str) -> None:
    with pytest.raises(UnreadableFileError, match="not a text encoding"):
        read_csv_contacts(b"Name,Number\r\n", encoding=name)


def test_a_chosen_encoding_that_does_not_fit_is_a_sentence() -> None:
    with pytest.raises(UnreadableFileError, match="cannot be read as utf-8"):
        read_csv_contacts("Name,Number\r\nLévy,07911 123456\r\n".encode("cp1252"), encoding="utf-8")


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: t.encode("utf-8-sig"),
    lambda t: t.encode("utf-16"),
    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    lambda t: t.encode("cp1252"),
])
def test_every_encoding_found_without_being_told(encode: object) -> None:
    text = "Display Name,Mobile Number\r\nLévy “Ruth”,07911 123456\r\n"
    read = read_csv_contacts(encode(text))  # type: ignore[operator]
    assert [(r.name, r.number) for r in read.rows] == [("Lévy “Ruth”", "07911 123456")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found(delimiter: str) -> None:
    lines = [["First Name", "Last Name", "Mobile Phone", "Notes"],
             ["Ruth", "Cohen, Dr", "07911 123456", "a; b, c\td"],
             ["Ari", "Levy", "020 7946 0123", ""]]
    text = "\r\n".join(delimiter.join(f'"{c}"' if any(d in c for d in ",;\t") else c for c in line)
                       for line in lines)
    read = read_csv_contacts(text.encode())
    assert [(r.name, r.number, r.notes) for r in read.rows] == [
        ("Ruth Cohen, Dr", "07911 123456", "a; b, c\td"), ("Ari Levy", "020 7946 0123", "")]


@pytest.mark.parametrize("notes", ['"code; \'A\'; gate"', "'a';'b';'c'"])
def test_the_delimiter_is_the_header_rows_whatever_the_sniffer_makes_of_the_notes(notes: str) -> None:
    # csv.Sniffer takes these for semicolon-separated, quoted with '.
    read = read_csv_contacts(f"Display Name,Mobile Number,Notes\r\nRuth,07911 123456,{notes}\r\n".encode())
    assert [(r.name, r.number) for r in read.rows] == [("Ruth", "07911 123456")]


def test_a_single_column_file_of_numbers() -> None:
    read = read_csv_contacts(b"Phone\r\n07911 123456\r\n", name_column="phone", number_column="phone")
    assert [(r.name, r.number) for r in read.rows] == [("07911 123456", "07911 123456")]


def test_headers_are_matched_in_any_case() -> None:
    read = read_csv_contacts(b"FIRST NAME,LAST NAME,MOBILE PHONE\r\nruth,cohen,07911 123456\r\n")
    assert read.rows == (row(2, "ruth cohen", "07911 123456", "mobile"),)


def test_one_bad_line_among_good_ones() -> None:
    data = (b"Display Name,Mobile Number,Notes\r\n"
            b"Ruth,07911 123456,\r\n"
            b'"Bad"quote,07911 123457,\r\n'
            b"Short\r\n"
            b"Long,07911 123458,notes,unquoted, comma\r\n"
            b",07911 123459,no name\r\n"
            b"Empty,,\r\n"
            b",,\r\n"
            b"\r\n"
            b"Ari,020 7946 0123,\r\n")
    read = read_csv_contacts(data)
    assert read.rows == (row(2, "Ruth", "07911 123456", "mobile"), row(10, "Ari", "020 7946 0123", "mobile"))
    assert [p.where for p in read.problems] == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    reasons = [p.reason for p in read.problems]
    assert "quotes" in reasons[0]
    assert "has 1 cell where the first line has 3" in reasons[1]
    assert "5 cells where the first line has 3" in reasons[2]
    assert "no name" in reasons[3]
    assert reasons[4] == "This line has no phone number."


def test_a_trailing_delimiter_is_not_a_cell_too_many() -> None:
    read = read_csv_contacts(b"Display Name,Mobile Number\r\nRuth,07911 123456,,\r\n")
    assert read.rows == (row(2, "Ruth", "07911 123456", "mobile"),)


def test_a_quote_never_closed_swallows_only_its_own_line() -> None:
    data = (b"Display Name,Mobile Number\r\n"
            b'Ruth,"07911 123456\r\n'
            b"Ari,020 7946 0123\r\n"
            b"Dov,0161 496 0456\r\n")
    read = read_csv_contacts(data)
    assert [r.name for r in read.rows] == ["Ari", "Dov"]
    assert [p.where for p in read.problems] == ["line 2"]


def test_a_quote_never_closed_in_a_long_file_swallows_only_its_own_line() -> None:
    # Past csv's limit on one cell, which it reports before the end of the file.
    lines = [f"Person {i},07911 {100000 + i}" for i in range(20_000)]
    lines[5] = 'Person 5,"07911 100005'
    read = read_csv_contacts(("Display Name,Mobile Number\r\n" + "\r\n".join(lines)).encode())
    assert len(read.rows) == 19_999
    assert [p.where for p in read.problems] == ["line 7"]


def test_a_quote_that_closes_lines_later_is_caught_in_the_number() -> None:
    data = (b"Display Name,Mobile Number\r\n"
            b'Ruth,"07911 123456\r\n'
            b'Ari,020 7946 0123"\r\n'
            b"Dov,0161 496 0456\r\n")
    read = read_csv_contacts(data)
    assert [r.name for r in read.rows] == ["Dov"]
    assert read.problems == (ReadProblem("line 2", "This line's number runs over several lines: a quote in "
                                                   "the file may be missing."),)


def test_a_header_only_file_has_no_rows() -> None:
    assert read_csv_contacts(write_csv_contacts([])).rows == ()
    assert read_csv_contacts(b"Display Name,Mobile Number\r\n").rows == ()


CONTACTS_MEASURED = 10_000


def test_ten_thousand_contacts_written_and_read_back(capsys: pytest.CaptureFixture[str]) -> None:
    entries = [entry(f"Contact {i} כהן", NUMBERS[i % len(NUMBERS)], f"note {i}" if i % 3 else "", index=i)
               for i in range(CONTACTS_MEASURED)]
    started = time.perf_counter()
    data = write_csv_contacts(entries, with_sources=True)
    written = time.perf_counter()
    read = read_csv_contacts(data)
    done = time.perf_counter()
    assert len(read.rows) == CONTACTS_MEASURED and read.problems == ()
    assert read.rows[-1].name == entries[-1].name
    header = "First Name,Last Name,Notes,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value\r\n"
    google = (header + "".join(
        f"Person,{i},,Mobile,07911 {100000 + i} ::: 020 7946 {i % 10000:04},Work,0161 496 0000\r\n"
        for i in range(CONTACTS_MEASURED))).encode()
    google_started = time.perf_counter()
    google_read = read_csv_contacts(google)
    google_done = time.perf_counter()
    assert len(google_read.rows) == 3 * CONTACTS_MEASURED
    with capsys.disabled():
        print(f"\n{CONTACTS_MEASURED} contacts: written in {written - started:.3f} s ({len(data)} bytes), "
              f"read back in {done - written:.3f} s; a Google file of as many contacts with three numbers "
              f"each read in {google_done - google_started:.3f} s")


def test_a_file_marked_ours_without_our_columns_is_a_sentence() -> None:
    with pytest.raises(UnreadableFileError, match="Name or Number column is missing"):
        read_csv_contacts(f'"Who","Phone","{MARKER_HEADER}"\r\n"Ruth","07911 123456",""\r\n'.encode())
