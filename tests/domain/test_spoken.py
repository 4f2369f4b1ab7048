"""spoken_number: a number read aloud in its groups, every digit a word, never as one large number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.phone import parse_number
from cst_directory.domain.spoken import DIGIT_WORDS, spoken_number
from cst_directory.domain.text import digits_of

# What each word stands for when the spoken text is written down again.
_DIGIT_OF = {word: str(digit) for digit, word in enumerate(DIGIT_WORDS)} | {"hundred": "00"}


def heard_digits(spoken: str) -> str:
    """The digits a listener writes down, in the order heard."""
    return "".join(_DIGIT_OF.get(word, "") for word in spoken.replace(",", " ").split())


@pytest.mark.parametrize(
    ("display", "spoken"),
    [("0800 032 3263", "oh eight hundred, oh three two, three two six three"),
     ("999", "nine nine nine"),
     ("020 8457 9999", "oh two oh, eight four five seven, nine nine nine nine"),
     ("116 123", "one one six, one two three"),
     ("07911 123456", "oh seven nine one one, one two three four five six"),
     ("0800 789 321", "oh eight hundred, seven eight nine, three two one"),
     ("0300 123 4567", "oh three hundred, one two three, four five six seven"),
     ("0808 800 5000", "oh eight oh eight, eight oh oh, five oh oh oh"),
     ("0161 792 6666", "oh one six one, seven nine two, six six six six")],
)
def test_a_number_is_said_group_by_group(display: str, spoken: str) -> None:
    assert spoken_number(display) == spoken


def test_only_a_leading_prefix_is_said_in_hundreds() -> None:
    # "eight hundred" in the middle of a number would be heard as the digits 8, 0, 0 in another place.
    assert spoken_number("020 0800 1234") == "oh two oh, oh eight oh oh, one two three four"
    assert spoken_number("+44 800 032 3263").startswith("plus four four, eight oh oh,")


def test_an_international_number_says_its_plus() -> None:
    assert spoken_number("+33 1 42 68 53 00") == (
        "plus three three, one, four two, six eight, five three, oh oh")


def test_an_extension_is_said_as_one() -> None:
    assert spoken_number("020 8457 9999 x12") == (
        "oh two oh, eight four five seven, nine nine nine nine, extension one two")


def test_a_number_stored_as_typed_is_said_without_its_punctuation() -> None:
    # Unverified numbers are shown as they were stored; brackets and dashes are not read out as symbols.
    assert spoken_number("(0161) 792-6666") == "oh one six one, seven nine two, six six six six"
    assert spoken_number("٩٩٩") == "nine nine nine"
    assert spoken_number("\u202e999") == "nine nine nine"


def test_nothing_to_say_is_empty() -> None:
    assert spoken_number("") == ""


def test_every_built_in_number_is_heard_digit_for_digit(directory: BuiltinDirectory) -> None:
    for entry in directory.entries:
        spoken = spoken_number(entry.number.display)
        assert heard_digits(spoken) == digits_of(entry.number.display), entry.number.display
        assert spoken.count(",") == entry.number.display.count(" "), entry.number.display


@given(st.text(alphabet="0123456789 +-()x", max_size=40))
def test_every_digit_is_said_in_order_as_its_word(display: str) -> None:
    spoken = spoken_number(display)
    assert heard_digits(spoken) == digits_of(display)
    # One word per digit (or "hundred" for two zeros): never a figure such as "3263".
    assert not any(ch.isdigit() for ch in spoken)


@given(st.from_regex(r"0[1-9][0-9]{8,9}", fullmatch=True))
def test_a_parsed_uk_number_is_said_in_the_groups_it_is_shown_in(typed: str) -> None:
    try:
        number = parse_number(typed, allow_unverified=True)
    except ValueError:
        return
    spoken = spoken_number(number.display)
    assert heard_digits(spoken) == digits_of(number.display)
    assert len(spoken.split(", ")) == len(number.display.split())
