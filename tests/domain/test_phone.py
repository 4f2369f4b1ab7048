"""parse_number and query_digits: how typed numbers are read, refused and shown."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import unicodedata

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cst_directory.domain.phone import (
    NumberError,
    PhoneNumber,
    Problem,
    format_as_you_type,
    keypad_digits,
    number_from_forms,
    parse_number,
    query_digits,
)

# --- UK and foreign numbers -----------------------------------------------------------------------


def test_uk_number_as_published_is_shown_in_national_format() -> None:
    number = parse_number("0208 457 9999")
    assert number.display == "020 8457 9999"
    assert number.e164 == "+442084579999"
    assert number.international == "+44 20 8457 9999"
    assert number.dial == "02084579999"
    assert number.tel_uri == "tel:+44-20-8457-9999"
    assert number.is_short is False
    assert number.verified is True
    assert number.extension is None
    assert number.search_digits == "2084579999"


@pytest.mark.parametrize(
    "text",
    ["0208 457 9999", "020 8457 9999", "02084579999", "+44 20 8457 9999", "+44 (0)20 8457 9999",
     "0044 20 8457 9999", "020-8457-9999", "  020 8457 9999  "],
)
def test_every_way_of_writing_a_uk_number_gives_the_same_number(text: str) -> None:
    number = parse_number(text)
    assert number.display == "020 8457 9999"
    assert number.e164 == "+442084579999"


def test_foreign_number_is_shown_in_international_form() -> None:
    number = parse_number("+33 1 42 68 53 00")
    assert number.display == "+33 1 42 68 53 00"
    assert number.international == "+33 1 42 68 53 00"
    assert number.e164 == "+33142685300"
    # Dialled from a UK phone with the international prefix.
    assert number.dial == "0033142685300"
    assert number.is_short is False
    assert number.verified is True


def test_foreign_number_written_with_00_is_the_same_as_with_plus() -> None:
    assert parse_number("0033 1 42 68 53 00").e164 == "+33142685300"


# --- short codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "display", "digits"),
    [("999", "999", "999"), ("112", "112", "112"), ("101", "101", "101"), ("111", "111", "111"),
     ("116 123", "116 123", "116123"), ("116123", "116 123", "116123"), (" 999 ", "999", "999")],
)
def test_short_codes_are_accepted_as_short_codes(text: str, display: str, digits: str) -> None:
    number = parse_number(text)
    assert number.is_short is True
    assert number.verified is True
    assert number.e164 is None
    assert number.international is None
    assert number.extension is None
    assert number.display == display
    assert number.dial == digits
    assert number.search_digits == digits
    assert number.tel_uri == f"tel:{digits};phone-context=+44"


@pytest.mark.parametrize("text", ["999", "112", "101", "111", "116 123"])
def test_short_code_is_never_turned_into_a_plus_44_number(text: str) -> None:
    number = parse_number(text)
    digits = text.replace(" ", "")
    for value in dataclasses.astuple(number):
        if isinstance(value, str):
            assert f"+44{digits}" not in value.replace(" ", "").replace("-", "")
            assert f"+44-{digits}" not in value


def test_plus_44_before_a_short_code_is_not_a_short_code() -> None:
    with pytest.raises(NumberError) as caught:
        parse_number("+44 999")
    assert caught.value.problem is Problem.TOO_SHORT


# --- extensions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["020 8457 9999 x12", "020 8457 9999 ext. 12", "+44 20 8457 9999 ext 12"])
def test_extension_is_kept(text: str) -> None:
    number = parse_number(text)
    assert number.extension == "12"
    assert number.display == "020 8457 9999 x12"
    assert number.e164 == "+442084579999"
    assert number.tel_uri == "tel:+44-20-8457-9999;ext=12"
    # The extension is not dialled with the number.
    assert number.dial == "02084579999"


# --- numbers reserved for drama (Ofcom) -----------------------------------------------------------


@pytest.mark.parametrize("text", ["07700 900123", "01632 960123"])
def test_drama_numbers_are_refused_as_unverified(text: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert caught.value.problem is Problem.UNVERIFIED
    assert caught.value.message == str(caught.value)
    assert caught.value.message


@pytest.mark.parametrize(
    ("text", "display", "e164"),
    [("07700 900123", "07700 900123", "+447700900123"), ("01632 960123", "01632 960123", "+441632960123")],
)
def test_drama_numbers_are_kept_unverified_when_allowed(text: str, display: str, e164: str) -> None:
    number = parse_number(text, allow_unverified=True)
    assert number.verified is False
    assert number.display == display
    assert number.e164 == e164
    assert number.is_short is False


def test_allow_unverified_does_not_mark_real_numbers_unverified() -> None:
    assert parse_number("0161 792 6666", allow_unverified=True).verified is True


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.NOT_A_NUMBER),
        ("   ", Problem.NOT_A_NUMBER),
        ("abc", Problem.NOT_A_NUMBER),
        ("Samaritans", Problem.NOT_A_NUMBER),
        ("12", Problem.TOO_SHORT),
        ("1234", Problem.TOO_SHORT),
        ("020 845", Problem.TOO_SHORT),
        ("0161 79", Problem.TOO_SHORT),
        ("020 8457 99999999", Problem.TOO_LONG),
        ("123456789012345678", Problem.TOO_LONG),
        ("1" * 65, Problem.TOO_LONG),
        ("+999 123456", Problem.NOT_VALID_IN_COUNTRY),
        ("+0 1234 5678", Problem.NOT_VALID_IN_COUNTRY),
    ],
)
def test_refusals_say_what_is_wrong(text: str, problem: Problem) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert caught.value.problem is problem
    assert caught.value.message.strip()
    assert "\n" not in caught.value.message


# --- query_digits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("08009800668", "8009800668"),
        ("448009800668", "8009800668"),
        ("00448009800668", "8009800668"),
        ("4408009800668", "8009800668"),
        ("004408009800668", "8009800668"),
        ("8009800668", "8009800668"),
        ("0033142685300", "33142685300"),
        ("999", "999"),
        ("116123", "116123"),
        ("0161", "161"),
    ],
)
def test_query_digits_strips_uk_prefixes(digits: str, expected: str) -> None:
    assert query_digits(digits) == expected


def test_query_digits_matches_search_digits_whatever_the_prefix() -> None:
    number = parse_number("0800 980 0668")
    for written in ("0800 980 0668", "+44 800 980 0668", "0044 800 980 0668", "08009800668"):
        digits = "".join(ch for ch in written if ch.isdigit())
        assert query_digits(digits) == number.search_digits


# --- properties -----------------------------------------------------------------------------------

_NUMBERISH = st.text(alphabet="0123456789 +x", max_size=24)
_PREFIXED = st.builds(
    lambda prefix, body, ext: prefix + body + ext,
    st.sampled_from(["", "+", "0", "00", "+44", "+44 ", "0044", "44", "+1", "+33", "+353", "+972", "+7"]),
    st.text(alphabet="0123456789 ", min_size=3, max_size=16),
    st.sampled_from(["", " x12", "x1", " ext 5"]),
)


def _example_text(region: str, style: int) -> str:
    example = phonenumbers.example_number(region)
    return "" if example is None else phonenumbers.format_number(example, style)


_EXAMPLES = st.builds(
    _example_text,
    st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    st.sampled_from([phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                     phonenumbers.PhoneNumberFormat.NATIONAL]),
)


def _check_round_trip(text: str) -> None:
    try:
        number = parse_number(text)
    except NumberError as exc:
        assert isinstance(exc.problem, Problem)
        return
    assert isinstance(number, PhoneNumber)
    if number.e164 is None:
        assert number.is_short
        assert number.international is None
        return
    assert not number.is_short
    assert number.e164.startswith("+")
    assert parse_number(number.e164).e164 == number.e164
    assert parse_number(number.display).e164 == number.e164
    assert number.international is not None
    assert parse_number(number.international).e164 == number.e164


@settings(deadline=None)
@given(st.text())
def test_any_text_is_parsed_or_refused_with_number_error(text: str) -> None:
    _check_round_trip(text)


@settings(deadline=None, max_examples=300)
@given(st.one_of(_NUMBERISH, _PREFIXED))
def test_number_like_text_is_parsed_or_refused_and_round_trips(text: str) -> None:
    _check_round_trip(text)


@settings(deadline=None, max_examples=300)
@given(_EXAMPLES)
def test_real_example_numbers_round_trip(text: str) -> None:
    _check_round_trip(text)


# --- digits of other scripts ----------------------------------------------------------------------

# Every character Unicode calls a decimal digit, by its value: Arabic-Indic, Devanagari, fullwidth,
# mathematical bold and some sixty more.
_DECIMAL_DIGITS = {
    value: [ch for code in range(sys.maxunicode + 1)
            if unicodedata.decimal(ch := chr(code), None) == value]
    for value in range(10)
}


def _assert_ascii(number: PhoneNumber) -> None:
    for value in dataclasses.astuple(number):
        if isinstance(value, str):
            assert value.isascii(), value


@pytest.mark.parametrize(
    ("text", "display"),
    [("٩٩٩", "999"), ("۹۹۹", "999"), ("９９９", "999"), ("११२", "112"), ("১০১", "101"),
     ("١١٦ ١٢٣", "116 123"), ("٩9٩", "999")],
)
def test_short_codes_in_other_scripts_digits_are_read_as_ascii(text: str, display: str) -> None:
    number = parse_number(text)
    assert number.is_short is True
    assert number.display == display
    assert number.dial == display.replace(" ", "")
    assert number.search_digits == number.dial
    assert number.tel_uri == f"tel:{number.dial};phone-context=+44"
    _assert_ascii(number)


@pytest.mark.parametrize(
    "text",
    ["٠٨٠٠ ٠٣٢ ٣٢٦٣", "۰۸۰۰ ۰۳۲ ۳۲۶۳", "０８００ ０３２ ３２６３", "＋４４ ８００ ０３２ ３２６３",
     "＋44 800 032 3263", "०८०० ०३२ ३२६३"],
)
def test_full_numbers_in_other_scripts_digits_are_stored_and_shown_in_ascii(text: str) -> None:
    number = parse_number(text)
    assert number.display == "0800 032 3263"
    assert number.e164 == "+448000323263"
    _assert_ascii(number)


def test_digits_that_are_not_decimal_are_not_read_as_a_number() -> None:
    # A superscript two looks like a digit but is not one a keypad has.
    with pytest.raises(NumberError) as caught:
        parse_number("²²²")
    assert caught.value.problem is Problem.NOT_A_NUMBER


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(["999", "112", "101", "111", "116123", "116 123"]), st.data())
def test_a_short_code_in_any_decimal_digits_parses_to_its_ascii_form(code: str, data: st.DataObject) -> None:
    typed = "".join(
        ch if ch == " " else data.draw(st.sampled_from(_DECIMAL_DIGITS[int(ch)]), label=f"digit {ch}")
        for ch in code
    )
    number = parse_number(typed)
    assert number == parse_number(code)
    _assert_ascii(number)


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_a_full_number_in_any_decimal_digits_parses_to_the_same_number(data: st.DataObject) -> None:
    code = "0161 792 6666"
    typed = "".join(
        ch if ch == " " else data.draw(st.sampled_from(_DECIMAL_DIGITS[int(ch)]), label=f"digit {ch}")
        for ch in code
    )
    number = parse_number(typed)
    assert number == parse_number(code)
    _assert_ascii(number)


def test_as_you_type_grouping_turns_other_digits_into_ascii() -> None:
    assert format_as_you_type("٠٧٩١١١٢٣٤٥٦") == "07911 123456"
    assert format_as_you_type("٩٩٩") == "999"


def test_as_you_type_grouping_keeps_a_space_just_typed() -> None:
    assert format_as_you_type("0800 ") == "0800 "
    assert format_as_you_type("0800 C") == "0800 C"
    assert format_as_you_type("0800 0") == "0800 0"


# --- direction marks ------------------------------------------------------------------------------


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2067", "\u200f", "\u200e", "\u061c"])
def test_a_number_with_direction_marks_is_refused(mark: str) -> None:
    # "0800 032 3263" with an override after the first group would show its last groups reversed.
    with pytest.raises(NumberError) as caught:
        parse_number(f"0800{mark} 032 3263")
    assert caught.value.problem is Problem.NOT_A_NUMBER
    assert "direction" in caught.value.message


# --- letters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "read_as"),
    [("0800 CALL CST", "0800 225 5278"), ("0800 CST HELP", "0800 278 4357"),
     ("0800 call cst", "0800 225 5278"),
     # A letter O for a zero is what phonenumbers used to drop without a word, dialling another number.
     ("0800 O32 3263", "0800 632 3263"),
     ("0800 CALL CST x12", "0800 225 5278 x12"), ("0800 CALL CST ext. 12", "0800 225 5278 x12"),
     ("0800 CALL CST extension 12", "0800 225 5278 x12"), ("0800 CALL CST #12", "0800 225 5278 x12")],
)
def test_a_number_with_letters_is_refused_with_the_digits_it_makes(text: str, read_as: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert caught.value.problem is Problem.LETTERS
    assert caught.value.read_as == read_as
    assert caught.value.message == (f"That number has letters in it; on a keypad they make {read_as}: "
                                    "type the digits, or save it as read.")


def test_a_number_with_letters_is_refused_even_when_unverified_numbers_are_allowed() -> None:
    with pytest.raises(NumberError) as caught:
        parse_number("0800 CALL CST", allow_unverified=True)
    assert caught.value.problem is Problem.LETTERS


@pytest.mark.parametrize(
    ("text", "display", "extension"),
    [("0800 CALL CST", "0800 225 5278", None), ("0800 CST HELP", "0800 278 4357", None),
     ("0800 CALL CST ext 12", "0800 225 5278 x12", "12")],
)
def test_a_number_with_letters_is_read_as_keypad_digits_when_allowed(
        text: str, display: str, extension: str | None) -> None:
    number = parse_number(text, allow_letters=True)
    assert number.display == display
    assert number.extension == extension
    assert number.verified is True
    assert number == parse_number(keypad_digits(text))


def test_letters_allowed_still_refuse_digits_not_in_use() -> None:
    with pytest.raises(NumberError) as caught:
        parse_number("07700 CALL12", allow_letters=True)
    assert caught.value.problem is Problem.UNVERIFIED
    assert parse_number("07700 CALL12", allow_letters=True, allow_unverified=True).verified is False


@pytest.mark.parametrize("text", ["020 8457 9999 x12", "020 8457 9999 ext. 12", "020 8457 9999 extension 12",
                                  "020 8457 9999 #12", "Tel: 020 8457 9999", "+44 20 8457 9999 EXT 12"])
def test_an_extension_or_a_label_is_not_letters(text: str) -> None:
    assert parse_number(text).e164 == "+442084579999"


@pytest.mark.parametrize("text", ["020 8457 9999 (office)", "0800 032 3263 (24h)", "0800 АБВ 123",
                                  "0800 ＣＡＬＬ ＣＳＴ"])
def test_letters_that_make_no_number_are_refused_whatever_is_allowed(text: str) -> None:
    for allow in (False, True):
        with pytest.raises(NumberError) as caught:
            parse_number(text, allow_letters=allow, allow_unverified=allow)
        assert caught.value.problem is Problem.NOT_A_NUMBER
        assert "letters" in caught.value.message


@pytest.mark.parametrize(
    ("text", "digits"),
    [("0800 CALL CST", "0800 2255 278"), ("0800 cst help", "0800 278 4357"),
     ("0800 CALL CST ext. 12", "0800 2255 278 ext. 12"), ("Tel: 0800 CALL", "Tel: 0800 2255"),
     ("020 8457 9999", "020 8457 9999"), ("٩٩٩", "999")],
)
def test_keypad_digits_converts_only_the_letters_of_the_number(text: str, digits: str) -> None:
    assert keypad_digits(text) == digits


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZabcxt.#+", max_size=24))
def test_allowing_letters_is_the_same_as_typing_their_keypad_digits(text: str) -> None:
    def outcome(typed: str, **allow: bool) -> PhoneNumber | Problem:
        try:
            return parse_number(typed, **allow)
        except NumberError as exc:
            return exc.problem

    allowed = outcome(text, allow_letters=True)
    refused = outcome(text)
    if refused is not Problem.LETTERS:
        # Without letters standing for digits, the flag changes nothing.
        assert allowed == refused
    else:
        assert allowed == outcome(keypad_digits(text))
        assert outcome(keypad_digits(text)) is not Problem.LETTERS


# --- numbers rebuilt from their recorded forms ----------------------------------------------------


def _forms(number: PhoneNumber) -> tuple[str, str | None, str | None]:
    return number.display, number.international, None if number.is_short else number.tel_uri


@pytest.mark.parametrize("text", ["0208 457 9999", "0161 792 6666", "0800 789 321", "01624 612345",
                                  "07911 123456", "999", "112", "116 123", "101"])
def test_forms_of_a_parsed_number_give_it_back(text: str) -> None:
    number = parse_number(text)
    assert number_from_forms(text, *_forms(number)) == number


@settings(deadline=None, max_examples=200)
@given(st.sampled_from(["FIXED_LINE", "MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "VOIP",
                        "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL"]),
       st.sampled_from(["GB", "IM", "JE", "GG"]))
def test_forms_of_every_kind_of_uk_number_give_it_back(kind: str, region: str) -> None:
    example = phonenumbers.example_number_for_type(region, getattr(phonenumbers.PhoneNumberType, kind))
    if example is None:
        return
    written = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    number = parse_number(written)
    assert number_from_forms(written, *_forms(number)) == number


@pytest.mark.parametrize(
    ("written", "display", "international", "tel_uri"),
    [
        # A form with other digits than the number written: shown one way, dialled another.
        ("0161 792 6666", "0161 792 6667", "+44 161 792 6666", "tel:+44-161-792-6666"),
        ("0161 792 6666", "0161 792 6666", "+44 161 792 6667", "tel:+44-161-792-6666"),
        ("0161 792 6666", "0161 792 6666", "+44 161 792 6666", "tel:+44-161-792-6667"),
        ("0161 792 6666", "0161 792 6666", "+33 161 792 6666", "tel:+33-161-792-6666"),
        ("999", "998", None, None),
        # Anything but digits and spaces in the number or how it is shown.
        ("0161 792 6666", "0161\u202e792 6666", "+44 161 792 6666", "tel:+44-161-792-6666"),
        ("+44 161 792 6666", "0161 792 6666", "+44 161 792 6666", "tel:+44-161-792-6666"),
        ("0161 792 6666 x12", "0161 792 6666 x12", "+44 161 792 6666 x12", "tel:+44-161-792-6666;ext=12"),
        ("٩٩٩", "٩٩٩", None, None),
        ("", "", None, None),
        # A full number without its other forms, and a short code with them.
        ("0161 792 6666", "0161 792 6666", None, None),
        ("0161 792 6666", "0161 792 6666", "+44 161 792 6666", None),
        ("999", "999", "+44 999", "tel:+44-999"),
        # Not a UK number in national form, or too long for a short code.
        ("00 33 1 42 68 53 00", "00 33 1 42 68 53 00", "+33 1 42 68 53 00", "tel:+33-1-42-68-53-00"),
        ("1617926666", "1617926666", None, None),
    ],
)
def test_forms_that_do_not_hold_the_written_digits_give_nothing(
        written: str, display: str, international: str | None, tel_uri: str | None) -> None:
    assert number_from_forms(written, display, international, tel_uri) is None


def test_forms_of_a_number_never_need_phonenumbers() -> None:
    code = ("import sys\n"
            "from cst_directory.domain.phone import number_from_forms\n"
            "assert number_from_forms('0161 792 6666', '0161 792 6666', '+44 161 792 6666', "
            "'tel:+44-161-792-6666') is not None\n"
            "assert number_from_forms('999', '999') is not None\n"
            "assert 'phonenumbers' not in sys.modules, 'phonenumbers was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("typed", ["+5110000000x0", "+1 201 555 0123 ext 5", "020 7946 0001 extension 12"])
def test_an_extension_is_shown_one_way_and_read_back_as_the_same_number(typed: str) -> None:
    # phonenumbers spells extensions per country ("Anexo" for Peru); what is shown must parse back.
    number = parse_number(typed, allow_unverified=True)
    assert number.display.endswith(f" x{number.extension}")
    assert parse_number(number.display, allow_unverified=True) == number
