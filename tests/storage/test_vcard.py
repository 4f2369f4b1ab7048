"""The vCard reader against a corpus written from the published formats, one file per producer, and against
each way a card can be spelt or broken; the 3.0 writer, and round trips through both."""

from __future__ import annotations

import codecs
import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.import_preview import Outcome, preview_import
from cst_directory.domain.import_rows import FileRead, ImportRow, ReadProblem, UnreadableFileError
from cst_directory.domain.phone import PhoneNumber, parse_number
from cst_directory.domain.text import BIDI_CONTROLS, has_bidi_controls, neutralise_bidi
from cst_directory.storage import vcard
from cst_directory.storage.vcard import read_vcard_file, read_vcards, write_vcards

CORPUS = Path(__file__).parent / "corpus" / "vcard"

SCHOOL_RUN = "Parent rep for the school run"
ROTA = "Security rota: Shabbat mornings, and Yom Tov.\nCall the office first."
SHOMER = "Shomer for the Sunday school gate.\nLives two streets away; has the key."
GOLDBERG = "Head of site security\nOut of hours: mobile only"

# Written by hand from the corpus files, not from what the reader returned.
EXPECTED: dict[str, list[ImportRow]] = {
    "iphone.vcf": [
        ImportRow("card 1", "Rabbi David Cohen (mobile)", "07700 900123", "mobile", ROTA),
        ImportRow("card 1", "Rabbi David Cohen (shul office)", "020 7946 0321", "shul office", ROTA),
        ImportRow("card 1", "Rabbi David Cohen (home fax)", "020 7946 0999", "home fax", ROTA),
        ImportRow("card 2", "שרה כהן", "+44 7911 123456", "mobile"),
        # The number is folded across two lines; 3.0 drops the fold's space.
        ImportRow("card 3", "Shomrim 🛡️ North", "0161 496 0777", "main"),
    ],
    "android-2.1.vcf": [
        ImportRow("card 1", "מרים לוי (mobile)", "07700900456", "mobile", SHOMER),
        ImportRow("card 1", "מרים לוי (home)", "01614960789", "home", SHOMER),
        ImportRow("card 2", "Sam Levy (shul gate)", "07700900654", "shul gate"),
        ImportRow("card 2", "Sam Levy (work)", "+441134960123", "work"),
        ImportRow("card 3", "ייִדיש פֿאַרלאַג", "07911123456", "mobile"),
    ],
    "gnome-contacts.vcf": [
        ImportRow("card 1", "Miriam Shapiro (number 1)", "+441614960123 x12", "",
                  "Chair of the security committee"),
        ImportRow("card 1", "Miriam Shapiro (mobile)", "+447700900789", "mobile",
                  "Chair of the security committee"),
        ImportRow("card 2", "Leeds Shul Office", "+441134960456", "work"),
        ImportRow("card 3", "Police non-emergency", "101"),
    ],
    "google.vcf": [
        ImportRow("card 1", "Sarah Levy (mobile)", "+44 7911 123456", "mobile", SCHOOL_RUN),
        ImportRow("card 1", "Sarah Levy (shul)", "020 7946 0456", "shul", SCHOOL_RUN),
        ImportRow("card 2", "Daniel Friedman", "0117 496 0321", "work"),
        # FN is empty: the name is put together from N.
        ImportRow("card 3", "Ruth Katz", "0121 496 0654", "home"),
    ],
    "outlook-2.1.vcf": [
        ImportRow("card 1", "Rachel Goldberg (work)", "0161 496 0345", "work", GOLDBERG),
        ImportRow("card 1", "Rachel Goldberg (mobile)", "07700 900321", "mobile", GOLDBERG),
        ImportRow("card 2", "Zoë Békés", "020 7946 0678", "home"),
        # Windows-1252 text with no CHARSET, as older Outlook writes it.
        ImportRow("card 3", "André Marks", "07911 123456", "mobile"),
    ],
    "outlook-3.0.vcf": [
        ImportRow("card 1", "Hannah Green (mobile)", "07700 900987", "mobile"),
        ImportRow("card 1", "Hannah Green (work)", "0161 496 0901", "work"),
        ImportRow("card 1", "Hannah Green (home)", "0161 496 0902", "home"),
        # No FN and an empty N: the name is the organisation.
        ImportRow("card 2", "Hendon Security Volunteers", "020 7946 0111", "work"),
    ],
}


def card(*lines: str, version: str = "3.0", end: bool = True) -> str:
    body = ["BEGIN:VCARD", f"VERSION:{version}", *lines]
    if end:
        body.append("END:VCARD")
    return "".join(line + "\r\n" for line in body)


def read(*cards: str) -> FileRead:
    return read_vcards("".join(cards).encode("utf-8"))


def only_row(*lines: str, version: str = "3.0") -> ImportRow:
    result = read(card(*lines, version=version))
    assert result.problems == ()
    assert len(result.rows) == 1
    return result.rows[0]


# The corpus --------------------------------------------------------------------------------------------


def test_the_corpus_has_one_file_per_producer() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.vcf")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_producers_file_reads_as_written(name: str) -> None:
    result = read_vcard_file(CORPUS / name)
    assert result.problems == ()
    assert list(result.rows) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_number_in_the_corpus_is_one_the_app_can_store(name: str) -> None:
    for row in read_vcard_file(CORPUS / name).rows:
        parse_number(row.number, allow_unverified=True)


def test_the_corpus_photos_are_long_enough_to_matter() -> None:
    # The iPhone file's photo must be folded over hundreds of lines, or its test shows little.
    lines = (CORPUS / "iphone.vcf").read_bytes().split(b"\r\n")
    assert sum(1 for line in lines if line.startswith(b" ")) > 300


# Whole files that are not vCard -----------------------------------------------------------------------


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b" \r\n\r\n\t", "empty"),
    (codecs.BOM_UTF8 + b"\r\n", "empty"),
    (codecs.BOM_UTF16_LE, "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"BEGIN:VCARD\r\nFN:A\x00B\r\nEND:VCARD\r\n", "binary"),
    (b"Name,Phone\r\nSarah,07911 123456\r\n", "BEGIN:VCARD"),
    (codecs.BOM_UTF16_LE + b"B\x00\x00\xd8", "UTF-16"),
])
def test_a_file_that_is_not_a_vcard_is_refused_in_one_sentence(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        read_vcards(data)
    message = str(caught.value)
    assert words in message
    assert message.count(". ") == 0 and message.endswith(".")


def test_a_file_larger_than_50_mb_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="50 MB"):
        read_vcards(b"BEGIN:VCARD\r\n" + b" " * vcard.MAX_FILE_BYTES)


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.vcf"
    with path.open("wb") as handle:
        handle.truncate(vcard.MAX_FILE_BYTES + 1)
    monkeypatch.setattr(vcard, "read_vcards", lambda data: pytest.fail("the file was read"))
    with pytest.raises(UnreadableFileError, match="50 MB"):
        read_vcard_file(path)


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match=r"gone\.vcf cannot be read"):
        read_vcard_file(tmp_path / "gone.vcf")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_wide_encodings_are_read(encoding: str) -> None:
    data = card("FN:שרה כהן", "TEL:07911 123456").encode(encoding)
    assert read_vcards(data).rows == (ImportRow("card 1", "שרה כהן", "07911 123456"),)


def test_a_utf8_byte_order_mark_is_skipped() -> None:
    data = codecs.BOM_UTF8 + card("FN:A", "TEL:07911 123456").encode()
    assert read_vcards(data).rows == (ImportRow("card 1", "A", "07911 123456"),)


# Cards that cannot be read, among cards that can ------------------------------------------------------


def test_one_broken_card_is_reported_and_the_rest_are_read() -> None:
    result = read(card("FN:First", "TEL:07911 123456"),
                  card("FN:Broken", "this line is not a property", "TEL:07700 900111"),
                  card("FN:Third", "TEL:020 7946 0123"))
    assert [row.name for row in result.rows] == ["First", "Third"]
    assert [row.where for row in result.rows] == ["card 1", "card 3"]
    assert len(result.problems) == 1
    assert result.problems[0].where == "card 2"
    assert "this line is not a property" in result.problems[0].reason


def test_a_card_with_no_end_is_reported_and_not_read() -> None:
    # What a cut-off card holds may itself be cut off: "07700 9" is not the number that was meant.
    result = read(card("FN:Whole", "TEL:07911 123456"), card("FN:Cut", "TEL:07700 9", end=False))
    assert [row.name for row in result.rows] == ["Whole"]
    assert result.problems == (ReadProblem("card 2", "This card has no END:VCARD line, so the file may have "
                                                     "been cut short here: it was not read."),)


def test_a_card_with_no_end_before_the_next_begin_does_not_swallow_it() -> None:
    result = read(card("FN:Open", "TEL:07911 123456", end=False), card("FN:Next", "TEL:020 7946 0123"))
    assert [(row.where, row.name) for row in result.rows] == [("card 2", "Next")]
    assert [problem.where for problem in result.problems] == ["card 1"]


def test_a_card_with_no_number_is_reported() -> None:
    result = read(card("FN:Rabbi Cohen", "EMAIL:rabbi@example.org"), card("N:;;;;"), card("TEL:"))
    assert result.rows == ()
    assert result.problems == (ReadProblem("card 1", "“Rabbi Cohen” has no phone number."),
                               ReadProblem("card 2", "This card has no phone number."),
                               ReadProblem("card 3", "This card has no phone number."))


@pytest.mark.parametrize(("line", "words"), [
    ("FN;CHARSET=X-NO-SUCH-SET:Anna", "X-NO-SUCH-SET"),
    ("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=FF=FE", "UTF-8"),
    ("FN;CHARSET=ascii:Zo\u00eb", "ascii"),
])
def test_a_card_whose_text_cannot_be_decoded_is_reported(line: str, words: str) -> None:
    result = read(card(line, "TEL:07911 123456"), card("FN:Fine", "TEL:020 7946 0123"))
    assert [row.name for row in result.rows] == ["Fine"]
    assert [problem.where for problem in result.problems] == ["card 1"]
    assert words in result.problems[0].reason


def test_lines_outside_cards_are_ignored() -> None:
    data = "Exported contacts\r\n" + card("FN:A", "TEL:07911 123456") + "trailing words\r\n"
    assert [row.name for row in read_vcards(data.encode()).rows] == ["A"]


# Names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "name"), [
    (("FN:Sarah Levy", "N:Cohen;Sarah;;;", "ORG:Shul"), "Sarah Levy"),
    (("N:Cohen;David;Aryeh;Rabbi;BEM", "ORG:Shul"), "Rabbi David Aryeh Cohen BEM"),
    (("N:Cohen;David", "ORG:Shul"), "David Cohen"),
    (("FN: ", "N:;;;;", "ORG:Hendon Shul;Security"), "Hendon Shul, Security"),
    (("N:O\\;Brien;Pat;;;",), "Pat O;Brien"),
    (("FN:Levy\\, Sam",), "Levy, Sam"),
    (("FN:  Sam \t Levy ",), "Sam Levy"),
    ((), ""),
])
def test_the_name_is_fn_else_n_else_org(lines: tuple[str, ...], name: str) -> None:
    assert only_row(*lines, "TEL:07911 123456").name == name


def test_a_card_with_several_numbers_names_each_row_with_its_label() -> None:
    result = read(card("FN:Rabbi Cohen", "TEL;TYPE=CELL:07700 900111", "TEL;TYPE=CELL:07700 900222",
                       "TEL:020 7946 0123", "item1.TEL:0161 496 0123", "item1.X-ABLabel:Shul"))
    assert [row.name for row in result.rows] == ["Rabbi Cohen (mobile 1)", "Rabbi Cohen (mobile 2)",
                                                 "Rabbi Cohen (number 3)", "Rabbi Cohen (shul)"]
    assert [row.label for row in result.rows] == ["mobile", "mobile", "", "shul"]


def test_a_nameless_card_with_several_numbers_leaves_the_name_to_the_preview() -> None:
    result = read(card("TEL;TYPE=CELL:07700 900111", "TEL;TYPE=HOME:020 7946 0123"))
    assert [(row.name, row.label) for row in result.rows] == [("", "mobile"), ("", "home")]


def test_an_apple_label_may_come_before_its_number() -> None:
    row = only_row("FN:A", "item7.X-ABLabel:_$!<Pager>!$_", "ITEM7.TEL:07700 900111")
    assert row.label == "pager"


# Numbers and their labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "version", "label"), [
    ("TEL;TYPE=CELL,VOICE,pref:07911 123456", "3.0", "mobile"),
    ("TEL;type=cell;type=pref:07911 123456", "3.0", "mobile"),
    ('TEL;TYPE="work,voice":07911 123456', "3.0", "work"),
    ("TEL;CELL;PREF:07911 123456", "2.1", "mobile"),
    ("TEL;WORK;VOICE:07911 123456", "2.1", "work"),
    ("TEL;TYPE=HOME;TYPE=FAX:07911 123456", "3.0", "home fax"),
    ("TEL;TYPE=CELL,WORK:07911 123456", "3.0", "work mobile"),
    ("TEL;TYPE=WORK,CELL:07911 123456", "3.0", "work mobile"),
    ("TEL;TYPE=voice;TYPE=pref:07911 123456", "3.0", ""),
    ("TEL;TYPE=X-SHUL:07911 123456", "3.0", ""),
    ("TEL;PREF=1;TYPE=cell:07911 123456", "4.0", "mobile"),
    ('TEL;VALUE=uri;TYPE="voice,cell":tel:+44-7911-123456', "4.0", "mobile"),
    ("tel;Type=Cell:07911 123456", "3.0", "mobile"),
    ("TEL;X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE,=D7=A9=D7=95=D7=9C):07911 123456", "2.1", "שול"),
    ("item1.TEL:07911 123456\r\nitem1.X-ABLabel:_$!<Mobile>!$_", "3.0", "mobile"),
    ("item1.TEL;type=pref:07911 123456\r\nitem1.X-ABLabel:_$!<WorkFAX>!$_", "3.0", "work fax"),
    ("item1.TEL;TYPE=HOME:07911 123456\r\nitem1.X-ABLabel:Shul Office", "3.0", "shul office"),
])
def test_every_spelling_of_a_tel_type_gives_its_label(line: str, version: str, label: str) -> None:
    row = only_row("FN:A", line, version=version)
    assert row.label == label
    assert row.number.replace(" ", "").replace("-", "") in ("07911123456", "+447911123456")


@pytest.mark.parametrize(("value", "number"), [
    ("TEL;VALUE=uri:tel:+44-20-7946-0123;ext=12", "+442079460123 x12"),
    ("TEL;VALUE=uri:tel:+44.20.7946.0123", "+442079460123"),
    ("TEL;VALUE=uri:TEL:+44%2020%207946%200123", "+442079460123"),
    ("TEL;VALUE=uri:tel:116123;phone-context=+44", "116123"),
    ("TEL;VALUE=uri:tel:+44-20-7946-0123;ext=", "+442079460123"),
    ("TEL:+44 20\r\n 7946 0123", "+44 207946 0123"),
    ("TEL:+44 20 \r\n\t7946 0123", "+44 20 7946 0123"),
    ("TEL:\u202a+44 7911 123456\u202c", "+44 7911 123456"),
    ("TEL:  07911   123456  ", "07911 123456"),
])
def test_numbers_are_read_as_dialled(value: str, number: str) -> None:
    assert only_row("FN:A", value, version="4.0").number == number


def test_a_tel_uri_with_an_extension_parses_to_that_extension() -> None:
    row = only_row("FN:A", "TEL;VALUE=uri:tel:+44-161-496-0123;ext=12", version="4.0")
    parsed = parse_number(row.number)
    assert parsed.extension == "12"
    assert parsed.e164 == "+441614960123"


# Values: escapes, folding, encodings ------------------------------------------------------------------


def test_escaped_characters_are_undone() -> None:
    row = only_row("FN:A\\;B\\,C\\\\D", "TEL:07911 123456", "NOTE:one\\ntwo\\Nthree\\, and \\\\ \\; end")
    assert row.name == "A;B,C\\D"
    assert row.notes == "one\ntwo\nthree, and \\ ; end"


def test_a_backslash_before_anything_else_is_kept() -> None:
    assert only_row("FN:A", "TEL:07911 123456", "NOTE:C:\\Users\\shul").notes == "C:\\Users\\shul"


def test_several_notes_are_kept_in_order() -> None:
    assert only_row("FN:A", "TEL:07911 123456", "NOTE:first", "NOTE:", "NOTE:second").notes == "first\nsecond"


def test_folded_lines_are_joined_for_each_version() -> None:
    # 3.0 and 4.0 fold anywhere and drop the fold's white space; 2.1 folds at white space and keeps it.
    assert only_row("FN:Rabbi Co\r\n hen", "TEL:07911 123456").name == "Rabbi Cohen"
    assert only_row("FN:Rabbi\r\n Cohen", "TEL:07911 123456", version="2.1").name == "Rabbi Cohen"
    assert only_row("FN:Rab\r\n\tbi", "TEL:07911 123456", version="4.0").name == "Rabbi"


def test_a_line_folded_before_its_value_starts_is_read() -> None:
    row = only_row("FN:A", "item1.TEL;TY\r\n PE=CE\r\n LL:07911\r\n  123456", "item1.X-AB\r\n Label:Shul")
    assert (row.number, row.label) == ("07911 123456", "shul")


def test_lf_and_cr_line_endings_are_read() -> None:
    text = card("FN:Sam Le", " vy", "TEL:07911 123456")
    for ending in ("\n", "\r"):
        assert read_vcards(text.replace("\r\n", ending).encode()).rows[0].name == "Sam Levy"


def test_quoted_printable_with_soft_line_breaks() -> None:
    value = "=D7=A9=D7=A8=D7=94 =\r\n=D7=9B=D7=94=D7=9F"
    row = only_row(f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{value}", "TEL;CELL:07911123456",
                   "NOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0Aline=20=\r\ntwo", version="2.1")
    assert row.name == "שרה כהן"
    assert row.notes == "line one\nline two"


def test_quoted_printable_as_a_bare_2_1_parameter() -> None:
    row = only_row("FN;QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Zo=EB", "TEL:07911123456", version="2.1")
    assert row.name == "Zoë"


def test_photos_are_never_read_whatever_they_hold() -> None:
    noise = "".join(chr(33 + (i * 7) % 90) for i in range(40_000)).replace(":", "x")
    folded = "\r\n ".join(noise[i:i + 74] for i in range(0, len(noise), 74))
    result = read(card("FN:A", f"PHOTO;ENCODING=b;TYPE=JPEG:{folded}", "TEL:07911 123456"),
                  card("FN:B", "PHOTO;VALUE=uri:data:image/jpeg;base64,\xff\xfe", "TEL:020 7946 0123"))
    assert result.problems == ()
    assert [row.name for row in result.rows] == ["A", "B"]


def test_a_2_1_photo_on_unindented_lines_is_stepped_over() -> None:
    photo = "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQ\r\nAAAQABAAD/2wBDAAgGBgcGBQgHBwcJ\r\n"
    row = only_row("FN:A", photo, "TEL;CELL:07911123456", version="2.1")
    assert row.name == "A"


def test_properties_it_does_not_use_are_never_decoded() -> None:
    row = only_row("FN:A", "ADR;CHARSET=NO-SUCH-SET:x", "X-THING;ENCODING=QUOTED-PRINTABLE:=FF",
                   "TEL:07911 123456")
    assert row.name == "A"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_in_a_sentence(data: bytes) -> None:
    with contextlib.suppress(UnreadableFileError):
        read_vcards(b"BEGIN:VCARD\r\n" + data)


_PIECES = st.sampled_from(["BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "FN:A", "TEL:07911 123456", " ",
                           "\t", "=", ";", ":", '"', "TEL;ENCODING=QUOTED-PRINTABLE:=", "item1.", "\r\n",
                           "\n", "N:;;", "X-ABLabel:", "PHOTO;ENCODING=b:AAA", "\\", "CHARSET=", "é"])


@settings(max_examples=300)
@given(st.lists(_PIECES, max_size=40))
def test_any_arrangement_of_vcard_pieces_is_read_or_refused(pieces: list[str]) -> None:
    try:
        result = read_vcards("".join(pieces).encode())
    except UnreadableFileError:
        return
    for row in result.rows:
        assert row.where.startswith("card ")


# Writing -----------------------------------------------------------------------------------------------


def personal(name: str, number: str, notes: str = "", entry_id: str = "c1") -> Entry:
    return make_entry(id=entry_id, name=name, category=Category.PERSONAL, region=None,
                      number=parse_number(number, allow_unverified=True), builtin=False, notes=notes)


def builtin(name: str, number: str, source: str, as_of: str) -> Entry:
    return make_entry(id="cst-office", name=name, category=Category.OFFICE, region="north",
                      number=parse_number(number), builtin=True, source=source, as_of=as_of)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    # Every line break is a CRLF: no bare CR or LF is left inside a line.
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    return lines


def test_an_entry_is_written_as_a_vcard_3_0() -> None:
    data = write_vcards([personal("Rabbi Cohen", "07911 123456", "Shul; rota, Sundays\nand Yom Tov")])
    assert data == (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Rabbi Cohen\r\nN:;Rabbi Cohen;;;\r\n"
                    b"TEL;TYPE=CELL:+447911123456\r\nNOTE:Shul\\; rota\\, Sundays\\nand Yom Tov\r\n"
                    b"END:VCARD\r\n")


def test_nothing_to_write_is_an_empty_file() -> None:
    assert write_vcards([]) == b""


@pytest.mark.parametrize(("number", "tel"), [
    ("020 7946 0123", b"TEL;TYPE=VOICE:+442079460123"),
    ("0161 496 0123 x12", b"TEL;TYPE=VOICE:+441614960123 x12"),
    ("+33 1 42 68 53 00", b"TEL;TYPE=VOICE:+33142685300"),
    ("07700 900123", b"TEL;TYPE=CELL:+447700900123"),
    ("07624 123456", b"TEL;TYPE=VOICE:+447624123456"),
    ("999", b"TEL;TYPE=VOICE:999"),
    ("116 123", b"TEL;TYPE=VOICE:116123"),
])
def test_numbers_are_written_in_international_form(number: str, tel: bytes) -> None:
    assert tel + b"\r\n" in write_vcards([personal("A", number)])


def test_a_stored_number_that_no_longer_parses_is_written_as_shown() -> None:
    shown = PhoneNumber(display="0161 496 01;23", international=None, e164=None, dial="016149623",
                        tel_uri="tel:016149623", is_short=False, verified=False, extension=None,
                        search_digits="16149623")
    entry = make_entry(id="c1", name="A", category=Category.PERSONAL, region=None, number=shown,
                       builtin=False)
    assert b"TEL;TYPE=VOICE:0161 496 01\\;23\r\n" in write_vcards([entry])


def test_sources_are_added_to_built_in_entries_only_when_asked() -> None:
    office = builtin("CST Manchester office", "0161 792 6666", "CST blog", "2015-01-16")
    mine = personal("Mine", "07911 123456")
    assert b"NOTE" not in write_vcards([office, mine])
    with_sources = write_vcards([office, mine], with_sources=True)
    assert with_sources.count(b"NOTE") == 1
    assert b"NOTE:Source: CST blog\\, 2015-01-16\r\n" in with_sources
    rows = read_vcards(with_sources).rows
    assert [row.notes for row in rows] == ["Source: CST blog, 2015-01-16", ""]


def test_a_note_is_kept_before_the_source() -> None:
    office = make_entry(id="x", name="Samaritans", category=Category.HELPLINE, region=None,
                        number=parse_number("116 123"), builtin=True, notes="Free, 24 hours",
                        source="Samaritans", as_of="2026-11-21")
    assert read_vcards(write_vcards([office], with_sources=True)).rows[0].notes == (
        "Free, 24 hours\nSource: Samaritans, 2026-11-21")


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    # Three-byte and four-byte characters put a character boundary at every possible cut.
    name = "שלום" * 30 + "🛡️" * 20 + "ABC" * 30
    data = write_vcards([personal(name, "07911 123456", "ת" * 500)])
    lines = physical_lines(data)
    assert max(len(line) for line in lines) == 75
    folds = [line for line in lines if line.startswith(b" ")]
    assert len(folds) > 10
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")
    assert read_vcards(data).rows[0].name == name


def test_direction_marks_are_left_out_as_the_app_shows_the_name() -> None:
    entry = personal("\u202eשרה\u200f Cohen", "07911 123456", "note\u2067 here")
    data = write_vcards([entry])
    assert not has_bidi_controls(data.decode("utf-8"))
    row = read_vcards(data).rows[0]
    assert (row.name, row.notes) == ("שרה Cohen", "note here")


_NAME_CHARS = st.one_of(
    st.characters(categories=["L", "M", "N", "P", "S", "Zs"]),
    st.sampled_from(["ש", "ל", "ו", "ם", "ײ", "ױ", "װ", "\u05b7", "\u05bc", "פֿ", "🛡️", "👨‍👩‍👧", "🕎",
                     ";", ",", "\\", ":", '"', "=", " ", "\\n", *sorted(BIDI_CONTROLS)]),
)
_NOTE_CHARS = st.one_of(_NAME_CHARS, st.sampled_from(["\n", "\t", "\n\n"]))
_NUMBERS = ["07911 123456", "+44 7911 123456", "020 7946 0123", "0161 496 0123 x12", "020 8457 9999 ext. 345",
            "+33 1 42 68 53 00", "+1 202 555 0143 x9", "07700 900123", "999", "101", "116 123"]


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    # Pieces rather than characters: an emoji with its variation selector or joiners is one piece.
    name = " ".join("".join(draw(st.lists(_NAME_CHARS, min_size=1, max_size=40))).split())
    if not neutralise_bidi(name).strip():
        name = "A" + name
    notes = "".join(draw(st.lists(_NOTE_CHARS, max_size=120))).strip()
    return personal(name, draw(st.sampled_from(_NUMBERS)), notes, entry_id=f"c{draw(st.integers(0, 99))}")


@settings(max_examples=200, deadline=None)
@given(st.lists(entries(), min_size=1, max_size=5))
def test_writing_then_reading_gives_the_same_names_numbers_and_notes(written: list[Entry]) -> None:
    data = write_vcards(written)
    for line in physical_lines(data):
        assert len(line) <= 75
    result = read_vcards(data)
    assert result.problems == ()
    assert len(result.rows) == len(written)
    for entry, row in zip(written, result.rows, strict=True):
        assert row.name == " ".join(neutralise_bidi(entry.name).split())
        if not has_bidi_controls(entry.name):
            assert row.name == entry.name
        assert row.notes == neutralise_bidi(entry.notes).strip()
        number = parse_number(row.number, allow_unverified=True)
        assert number == entry.number


@settings(max_examples=100, deadline=None)
@given(st.lists(entries(), min_size=1, max_size=5))
def test_export_then_import_into_an_empty_directory_gives_the_same_contacts(written: list[Entry]) -> None:
    preview = preview_import(read_vcards(write_vcards(written)), existing=[], allow_unverified=True,
                             include_duplicates=True)
    assert [row.outcome for row in preview.rows] == [Outcome.ADD] * len(written)
    imported = preview.to_add
    assert [c.number for c in imported] == [e.number for e in written]
    assert [c.name for c in imported] == [" ".join(neutralise_bidi(e.name).split()) for e in written]
    assert [c.notes for c in imported] == [neutralise_bidi(e.notes).strip() for e in written]


def test_the_corpus_read_written_and_read_again_keeps_every_number() -> None:
    for name in sorted(EXPECTED):
        rows = read_vcard_file(CORPUS / name).rows
        again = read_vcards(write_vcards(personal(row.name, row.number, row.notes) for row in rows)).rows
        assert [(row.name, row.notes) for row in again] == [(row.name, row.notes) for row in rows]
        assert ([parse_number(row.number, allow_unverified=True) for row in again]
                == [parse_number(row.number, allow_unverified=True) for row in rows])
