"""validate_contact, number_key and find_duplicate: the rules a personal contact must meet."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cst_directory.domain.contacts import (
    MAX_NAME_CHARS,
    MAX_NOTES_CHARS,
    ContactDraft,
    ContactError,
    ValidContact,
    find_duplicate,
    number_key,
    validate_contact,
)
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import Problem, parse_number
from cst_directory.domain.text import neutralise_bidi

UK_NUMBER = "020 8457 9999"


def valid(name: str = "Rabbi Cohen", number: str = UK_NUMBER, region: str | None = None, notes: str = "",
          *, allow_unverified: bool = False) -> ValidContact:
    return validate_contact(ContactDraft(name=name, number=number, region=region, notes=notes),
                            allow_unverified=allow_unverified)


def refused(name: str = "Rabbi Cohen", number: str = UK_NUMBER, region: str | None = None, notes: str = "",
            *, allow_unverified: bool = False) -> ContactError:
    with pytest.raises(ContactError) as caught:
        valid(name, number, region, notes, allow_unverified=allow_unverified)
    return caught.value


def assert_sentence(message: str) -> None:
    assert message[:1].isupper(), message
    assert message.endswith("."), message
    assert "\n" not in message


# --- Name -----------------------------------------------------------------------------------------


def test_a_plain_contact_is_accepted_as_typed() -> None:
    contact = valid("Shul security", "07911 123456", "north", "Ask for David.")
    assert contact.name == "Shul security"
    assert contact.number.display == "07911 123456"
    assert contact.region == "north"
    assert contact.notes == "Ask for David."


@pytest.mark.parametrize("name", ["", " ", "   \u00a0  ", "\u2003\u3000"])
def test_an_empty_or_blank_name_is_refused(name: str) -> None:
    error = refused(name)
    assert error.field == "name"
    assert error.problem is None
    assert_sentence(error.message)
    assert str(error) == error.message


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("  Ann Smith  ", "Ann Smith"),
     ("Ann     Smith", "Ann Smith"),
     ("Ann\u00a0\u00a0Smith", "Ann Smith"),
     ("\u2003Ann \u3000 Smith\u2003", "Ann Smith"),
     ("  Beth  Din  of  London ", "Beth Din of London")],
)
def test_a_name_is_trimmed_and_its_inner_spaces_collapsed(typed: str, kept: str) -> None:
    assert valid(typed).name == kept


def test_a_name_of_exactly_the_limit_is_accepted_even_with_padding() -> None:
    name = "a" * MAX_NAME_CHARS
    assert MAX_NAME_CHARS == 100
    assert valid(f"   {name}   ").name == name


def test_a_name_one_character_too_long_is_refused_with_a_sentence() -> None:
    error = refused("a" * (MAX_NAME_CHARS + 1))
    assert error.field == "name"
    assert_sentence(error.message)
    assert "100" in error.message
    assert "101" in error.message


def test_a_name_counts_its_length_after_collapsing_spaces() -> None:
    # 50 + 1 + 50 characters once the run of spaces is collapsed: too long by one.
    error = refused("a" * 50 + " " * 30 + "b" * 50)
    assert error.field == "name"
    assert valid("a" * 50 + " " * 30 + "b" * 49).name == "a" * 50 + " " + "b" * 49


def test_a_hundred_thousand_character_name_is_refused_quickly_with_its_length() -> None:
    error = refused("x" * 100_000)
    assert error.field == "name"
    assert_sentence(error.message)
    assert "100,000" in error.message


@pytest.mark.parametrize(
    "name",
    ["Ann\x00Smith", "\x07bell", "\x1b[31mred", "del\x7f", "next\u0085line", "two\nlines", "car\rriage",
     "tab\tbed", "lone \ud800 surrogate", "unassigned \U000e0080",
     b"\x00\xff".decode("latin-1"), bytes(range(32)).decode("latin-1")],
)
def test_a_name_with_control_or_binary_characters_is_refused(name: str) -> None:
    error = refused(name)
    assert error.field == "name"
    assert_sentence(error.message)
    assert "not text" in error.message


@pytest.mark.parametrize(
    "name",
    ["קהילה", "בית הכנסת הגדול", "مجتمع", "الجالية اليهودية", "CST קהילה office", "Zoë Ünal-Łukasz", "北京"],
)
def test_right_to_left_and_other_scripts_are_accepted_and_kept(name: str) -> None:
    assert valid(name).name == name


BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                 "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_a_name_with_a_direction_control_is_refused_with_a_sentence(control: str) -> None:
    # After U+202E the rest of a line shows reversed: a name could make the number beside it read as another.
    error = refused(f"Police{control} 999")
    assert error.field == "name"
    assert_sentence(error.message)
    assert "direction" in error.message
    assert "name" in error.message


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_notes_with_a_direction_control_are_refused_with_a_sentence(control: str) -> None:
    error = refused(notes=f"Call {control}0800 032 3263 first")
    assert error.field == "notes"
    assert_sentence(error.message)
    assert "direction" in error.message


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_a_neutralised_name_is_accepted(control: str) -> None:
    assert valid(neutralise_bidi(f"קהילה{control} office")).name == "קהילה office"


def test_the_first_wrong_field_is_reported_name_before_number() -> None:
    assert refused("", "abc").field == "name"
    assert refused("Ann", "abc", "east").field == "number"
    assert refused("Ann", UK_NUMBER, "east", "\x00").field == "region"


# --- Number ---------------------------------------------------------------------------------------


def test_a_uk_mobile_is_shown_in_national_form() -> None:
    number = valid(number="07911 123456").number
    assert number.display == "07911 123456"
    assert number.e164 == "+447911123456"
    assert number.verified is True
    assert number.is_short is False


def test_a_foreign_number_is_shown_in_international_form() -> None:
    number = valid(number="+33 1 42 68 53 00").number
    assert number.display == "+33 1 42 68 53 00"
    assert number.international == "+33 1 42 68 53 00"
    assert number.e164 == "+33142685300"
    assert number.verified is True


@pytest.mark.parametrize(
    ("typed", "display"),
    [("999", "999"), ("112", "112"), ("101", "101"), ("111", "111"), ("116 123", "116 123"),
     ("116123", "116 123")],
)
def test_uk_short_codes_are_accepted(typed: str, display: str) -> None:
    number = valid(number=typed).number
    assert number.is_short is True
    assert number.display == display
    assert number.e164 is None
    assert number.dial == display.replace(" ", "")
    assert number.verified is True


def test_an_extension_is_kept() -> None:
    number = valid(number="020 8457 9999 x12").number
    assert number.extension == "12"
    assert number.e164 == "+442084579999"
    assert number.display.startswith("020 8457 9999")
    assert number.display.endswith("12")


@pytest.mark.parametrize(("typed", "display"), [("٩٩٩", "999"), ("９９９", "999"), ("११२", "112"),
                                               ("٠١٦١ ٧٩٢ ٦٦٦٦", "0161 792 6666")])
def test_numbers_in_other_scripts_digits_are_kept_in_ascii(typed: str, display: str) -> None:
    assert valid(number=typed).number.display == display


def test_a_number_typed_with_letters_is_refused_with_the_digits_it_makes() -> None:
    error = refused(number="0800 CALL CST")
    assert error.field == "number"
    assert error.problem is Problem.LETTERS
    assert error.read_as == "0800 225 5278"
    assert error.message == ("That number has letters in it; on a keypad they make 0800 225 5278: "
                             "type the digits, or save it as read.")
    assert refused(number="0800 CALL CST", allow_unverified=True).problem is Problem.LETTERS


def test_a_number_typed_with_letters_is_accepted_as_its_digits_when_allowed() -> None:
    contact = validate_contact(ContactDraft(name="Office", number="0800 CST HELP"), allow_letters=True)
    assert contact.number.display == "0800 278 4357"
    assert contact.number.verified is True


def test_a_number_not_in_use_is_refused_as_unverified() -> None:
    error = refused(number="07700 900123")
    assert error.field == "number"
    assert error.problem is Problem.UNVERIFIED
    assert_sentence(error.message)


def test_a_number_not_in_use_is_accepted_when_allowed_and_marked_unverified() -> None:
    number = valid(number="07700 900123", allow_unverified=True).number
    assert number.verified is False
    assert number.display == "07700 900123"
    assert number.e164 == "+447700900123"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("abc", Problem.NOT_A_NUMBER),
     ("", Problem.NOT_A_NUMBER),
     ("   ", Problem.NOT_A_NUMBER),
     ("12", Problem.TOO_SHORT),
     ("020 845", Problem.TOO_SHORT),
     ("1" * 20, Problem.TOO_LONG),
     ("0" + "7" * 19, Problem.TOO_LONG),
     ("+999 123456", Problem.NOT_VALID_IN_COUNTRY)],
)
def test_a_wrong_number_is_refused_with_its_precise_problem(typed: str, problem: Problem) -> None:
    error = refused(number=typed)
    assert error.field == "number"
    assert error.problem is problem
    assert_sentence(error.message)


@pytest.mark.parametrize("typed", ["12", "020 845", "1" * 20, "+999 123456", "abc"])
def test_allowing_unverified_numbers_does_not_let_malformed_ones_through(typed: str) -> None:
    assert refused(number=typed, allow_unverified=True).problem is not Problem.UNVERIFIED


# --- Region and notes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("region", "kept"),
                         [(None, None), ("", None), ("south", "south"), ("north", "north")])
def test_a_region_may_be_none_south_or_north(region: str | None, kept: str | None) -> None:
    assert valid(region=region).region == kept


@pytest.mark.parametrize("region", ["east", "South", "NORTH", " north", "london", "midlands", "0"])
def test_any_other_region_is_refused(region: str) -> None:
    error = refused(region=region)
    assert error.field == "region"
    assert_sentence(error.message)


def test_notes_may_hold_newlines_and_tabs_and_are_trimmed() -> None:
    notes = "Line one\n\tLine two\n\nLine four"
    assert valid(notes=f"\n  {notes}  \n").notes == notes


def test_notes_of_exactly_the_limit_are_accepted() -> None:
    assert MAX_NOTES_CHARS == 2000
    assert valid(notes="n" * MAX_NOTES_CHARS).notes == "n" * MAX_NOTES_CHARS


def test_notes_over_the_limit_are_refused_with_a_sentence() -> None:
    error = refused(notes="n" * (MAX_NOTES_CHARS + 1))
    assert error.field == "notes"
    assert_sentence(error.message)
    assert "2000" in error.message
    assert "2,001" in error.message


@pytest.mark.parametrize("notes", ["bad\x00byte", "\x1b[2J", b"\x00\xff".decode("latin-1"), "half \udc80"])
def test_notes_with_control_or_binary_characters_are_refused(notes: str) -> None:
    error = refused(notes=notes)
    assert error.field == "notes"
    assert "not text" in error.message


def test_right_to_left_notes_are_kept() -> None:
    assert valid(notes="שומרים על הקהילה\nحماية المجتمع").notes == "שומרים על הקהילה\nحماية المجتمع"


# --- Duplicates -----------------------------------------------------------------------------------


def entry(entry_id: str, number: str) -> Entry:
    return make_entry(id=entry_id, name=f"Entry {entry_id}", category=Category.PERSONAL, region=None,
                      number=parse_number(number), builtin=False)


@pytest.mark.parametrize("other", ["0161 792 6666", "+44 161 792 6666", "01617926666", "0044 161 792 6666",
                                   "+44 (0)161 792 6666", "0161-792-6666"])
def test_the_same_number_written_differently_has_the_same_key(other: str) -> None:
    assert number_key(parse_number(other)) == number_key(parse_number("0161 792 6666")) == "+441617926666"


def test_the_same_number_written_differently_is_a_duplicate() -> None:
    existing = entry("p-1", "0161 792 6666")
    found = find_duplicate(parse_number("+44 161 792 6666"), [entry("p-0", "999"), existing])
    assert found is existing


def test_a_different_extension_is_not_a_duplicate() -> None:
    entries = [entry("p-1", "0161 792 6666"), entry("p-2", "0161 792 6666 x12")]
    assert number_key(parse_number("0161 792 6666 x12")) != number_key(parse_number("0161 792 6666 x13"))
    assert find_duplicate(parse_number("0161 792 6666 x13"), entries) is None
    assert find_duplicate(parse_number("0161 792 6666 x12"), entries) is entries[1]
    assert find_duplicate(parse_number("0161 792 6666"), entries) is entries[0]


def test_short_codes_are_duplicates_of_themselves_only() -> None:
    entries = [entry("p-1", "116 123"), entry("p-2", "999")]
    assert find_duplicate(parse_number("116123"), entries) is entries[0]
    assert find_duplicate(parse_number("112"), entries) is None


def test_the_entry_being_edited_is_not_its_own_duplicate() -> None:
    editing = entry("p-1", "0161 792 6666")
    number = parse_number("+44 161 792 6666")
    assert find_duplicate(number, [editing], ignore_id="p-1") is None
    assert find_duplicate(number, [editing], ignore_id="p-2") is editing
    other = entry("p-2", "0161 792 6666")
    assert find_duplicate(number, [editing, other], ignore_id="p-1") is other


@pytest.mark.parametrize("typed", ["٩٩٩", "۹۹۹", "９９９", "٩9٩"])
def test_999_in_other_scripts_digits_is_a_duplicate_of_the_builtin_999(typed: str,
                                                                       directory: BuiltinDirectory) -> None:
    found = find_duplicate(valid(number=typed).number, directory.entries)
    assert found is not None
    assert found.builtin
    assert found.number.display == "999"


def test_112_in_devanagari_digits_is_a_duplicate_of_a_contact_with_112() -> None:
    existing = entry("p-1", "112")
    assert find_duplicate(parse_number("११२"), [entry("p-0", "999"), existing]) is existing


def test_no_entries_means_no_duplicate() -> None:
    assert find_duplicate(parse_number(UK_NUMBER), []) is None


# --- Anything typed -------------------------------------------------------------------------------

_number_like = st.text(alphabet="0123456789+ -()x#*.ext٠١٢٣٤٥٦٧٨٩０１２²", max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(max_size=2000),
    number=st.one_of(st.text(max_size=2000), _number_like),
    region=st.one_of(st.none(), st.sampled_from(["south", "north"]), st.text(max_size=2000)),
    notes=st.text(max_size=2500),
    allow_unverified=st.booleans(),
    allow_letters=st.booleans(),
)
def test_any_text_in_any_field_is_accepted_or_refused_with_contact_error(
        name: str, number: str, region: str | None, notes: str, allow_unverified: bool,
        allow_letters: bool) -> None:
    draft = ContactDraft(name=name, number=number, region=region, notes=notes)
    try:
        contact = validate_contact(draft, allow_unverified=allow_unverified, allow_letters=allow_letters)
    except ContactError as error:
        assert error.field in {"name", "number", "region", "notes"}
        assert_sentence(error.message)
        return
    assert contact.name
    assert contact.name == " ".join(contact.name.split())
    assert len(contact.name) <= MAX_NAME_CHARS
    assert len(contact.notes) <= MAX_NOTES_CHARS
    assert contact.region in (None, "south", "north")
    assert contact.number.verified or allow_unverified
    assert neutralise_bidi(contact.name) == contact.name
    assert neutralise_bidi(contact.notes) == contact.notes
    assert contact.number.display.isascii()
