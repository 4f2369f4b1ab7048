"""A phone number as a person reads it aloud, for screen readers: digit by digit, in its groups."""

from __future__ import annotations

import re

from cst_directory.domain.text import ascii_digits

# "Oh", not "zero": that is how a UK number is said, and a listener writing it down hears the groups.
DIGIT_WORDS = ("oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# A screen reader pauses at a comma, so the groups the number is shown in are heard as groups.
GROUP_PAUSE = ", "

# Digit runs, a plus, and words (letters only: punctuation and invisible direction controls are not said).
_TOKENS = re.compile(r"[0-9]+|\+|[^\W\d_]+")
# How the app writes an extension ("020 8457 9999 x12"), and the spellings a stored number may carry.
_EXTENSION_WORDS = frozenset({"x", "ext", "extension"})
# 0800, 0300, 0500...: said "oh eight hundred", as the prefixes are advertised and read out.
_HUNDRED_PREFIX = re.compile(r"0[1-9]00")


def spoken_number(display: str) -> str:
    """The number as shown ("0800 032 3263") as it is said: "oh eight hundred, oh three two, three two six
    three". Every digit is a word of its own, so that a screen reader never reads "three thousand two
    hundred and sixty-three"; "hundred" stands for the two zeros of a prefix such as 0800."""
    groups: list[str] = []
    pending: list[str] = []  # a "plus" or "extension", said with the digits after it
    for token in _TOKENS.findall(ascii_digits(display)):
        if token == "+":
            pending.append("plus")
        elif token.casefold() in _EXTENSION_WORDS:
            pending.append("extension")
        elif token.isdigit():
            groups.append(" ".join([*pending, _spoken_group(token, first=not groups and not pending)]))
            pending = []
        else:
            # A word in a number stored as it was typed: said as it is, so nothing shown goes unheard.
            groups.append(" ".join([*pending, token]))
            pending = []
    if pending:
        groups.append(" ".join(pending))
    return GROUP_PAUSE.join(groups)


def _spoken_group(digits: str, *, first: bool) -> str:
    if first and _HUNDRED_PREFIX.fullmatch(digits):
        return f"{DIGIT_WORDS[0]} {DIGIT_WORDS[int(digits[1])]} hundred"
    return " ".join(DIGIT_WORDS[int(digit)] for digit in digits)
