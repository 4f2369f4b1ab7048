"""Phone numbers: parsing, validation and every form the app shows or dials, all through phonenumbers.

phonenumbers is imported by the functions that parse or format, not at the top: with its metadata it takes
longer to import than the rest of the domain and storage layers together, and the window's first paint and
`cstdir lookup` need not parse any number, since built-in and stored numbers come with their forms.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cst_directory.domain.text import ascii_digits, has_bidi_controls

if TYPE_CHECKING:
    import phonenumbers
    from phonenumbers import NumberParseException

HOME_REGION = "GB"
HOME_COUNTRY_CODE = 44
# Longer text than this is not a phone number, whatever it holds; refusing it early keeps the parser's
# work bounded.
MAX_NUMBER_CHARS = 64
# Short codes are at most six digits in the UK (116 123); anything longer is parsed as a full number.
MAX_SHORT_CODE_DIGITS = 6
# Valid UK numbers without the leading 0 have nine or ten digits (a few freephone ones seven).
MIN_UK_DIGITS = 9
_ASCII_DIGITS = frozenset("0123456789")
# The letters on a phone keypad (ITU E.161), the only ones that stand for a digit.
_KEYPAD_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# An extension at the end ("x12", "ext. 12", "extension 12", "#12") is words around digits, not letters
# standing for digits: it is set aside before letters are looked for, and never converted.
_EXTENSION_SUFFIX = re.compile(r"\s*(?:x|ext|extn|extension|#)\.?:?\s*\d+\s*$", re.IGNORECASE)


class Problem(enum.Enum):
    """Why a number was refused."""

    NOT_A_NUMBER = "not a number"
    TOO_SHORT = "too short"
    TOO_LONG = "too long"
    NOT_VALID_IN_COUNTRY = "not valid in that country"
    UNVERIFIED = "not a number in use"
    LETTERS = "has letters"


class NumberError(ValueError):
    """A number was refused; the message is a sentence for the user."""

    def __init__(self, problem: Problem, message: str, read_as: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message
        self.read_as = read_as
        """For Problem.LETTERS: the number its letters make on a keypad, as it would be shown."""


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A parsed number in every form the app shows, stores, searches or dials."""

    display: str
    """As the app shows it: national form for UK numbers, international otherwise, digits for short codes."""
    international: str | None
    e164: str | None
    dial: str
    """What to dial from a UK phone, digits only (and a leading 00 abroad)."""
    tel_uri: str
    is_short: bool
    verified: bool
    extension: str | None
    search_digits: str
    """National significant number (or the short code): what digit queries are matched against."""


def parse_number(text: str, *, allow_unverified: bool = False, allow_letters: bool = False) -> PhoneNumber:
    """Parse text as a UK-default phone number, or raise NumberError saying what is wrong. Letters standing
    for keypad digits ("0800 CALL CST") are refused with Problem.LETTERS unless allow_letters is given."""
    # Digits of other scripts are made ASCII first, so that every form stored and shown, and every
    # comparison with the built-in numbers, is in the digits a UK keypad has.
    raw = ascii_digits(text).strip()
    if not raw:
        raise NumberError(Problem.NOT_A_NUMBER, "Enter a phone number.")
    if len(raw) > MAX_NUMBER_CHARS:
        raise NumberError(Problem.TOO_LONG, "That is too long to be a phone number.")
    if has_bidi_controls(raw):
        raise NumberError(Problem.NOT_A_NUMBER,
                          "That number has hidden direction marks in it, which can make its digits show in "
                          "another order: type it rather than pasting it.")
    # Only ASCII digits count: a superscript or circled digit is not one a keypad has.
    if _ASCII_DIGITS.isdisjoint(raw):
        raise NumberError(Problem.NOT_A_NUMBER, "That is not a phone number: it has no digits.")
    body, _ = _split_number(raw)
    if any(ch.isalpha() for ch in body):
        return _parse_letters(raw, body, allow_unverified, allow_letters)
    return _parse_digits(raw, allow_unverified)


def keypad_digits(text: str) -> str:
    """Text with the letters of its number turned into their phone-keypad digits ("0800 CALL CST" ->
    "0800 2255 278"); a label before the number, an extension after it and anything else are left as
    they are."""
    import phonenumbers  # Lazy: see the module docstring.

    raw = ascii_digits(text)
    body, extension = _split_number(raw)
    prefix = raw[: len(raw) - len(body) - len(extension)]
    return prefix + phonenumbers.convert_alpha_characters_in_number(body) + extension


def _split_number(raw: str) -> tuple[str, str]:
    """The number itself, from its first digit or + (phonenumbers ignores a label such as "Tel:" before
    it), and the extension suffix after it, if any."""
    start = next((i for i, ch in enumerate(raw) if ch in _ASCII_DIGITS or ch == "+"), len(raw))
    rest = raw[start:]
    match = _EXTENSION_SUFFIX.search(rest)
    if match is None:
        return rest, ""
    return rest[: match.start()], rest[match.start():]


def _parse_letters(raw: str, body: str, allow_unverified: bool, allow_letters: bool) -> PhoneNumber:
    if any(ch.isalpha() and ch not in _KEYPAD_LETTERS for ch in body):
        raise NumberError(Problem.NOT_A_NUMBER,
                          "That number has letters in it that are not on a phone keypad: type the digits.")
    converted = keypad_digits(raw)
    # Read as the keypad would, whether or not it is in use, so that the sentence can show what it makes.
    try:
        as_read = _parse_digits(converted, allow_unverified=True)
    except NumberError:
        # "0800 032 3263 (24h)": a word beside the number, not letters standing for digits.
        raise NumberError(Problem.NOT_A_NUMBER,
                          "That number has letters in it, and on a keypad they do not make a phone number: "
                          "type only the digits.") from None
    if not allow_letters:
        raise NumberError(Problem.LETTERS,
                          f"That number has letters in it; on a keypad they make {as_read.display}: "
                          "type the digits, or save it as read.",
                          read_as=as_read.display)
    return _parse_digits(converted, allow_unverified)


def _parse_digits(raw: str, allow_unverified: bool) -> PhoneNumber:
    import phonenumbers  # Lazy: see the module docstring.
    from phonenumbers import NumberParseException

    short = _parse_short_code(raw)
    if short is not None:
        return short
    try:
        parsed = phonenumbers.parse(raw, HOME_REGION)
    except NumberParseException as exc:
        raise _parse_error(exc) from None
    return _full_number(parsed, allow_unverified)


def _parse_short_code(raw: str) -> PhoneNumber | None:
    if raw.startswith("+") or not all(ch in _ASCII_DIGITS or ch in " -" for ch in raw):
        return None
    digits = "".join(ch for ch in raw if ch in _ASCII_DIGITS)
    if len(digits) > MAX_SHORT_CODE_DIGITS or digits.startswith("0"):
        return None
    import phonenumbers  # Lazy: see the module docstring.
    from phonenumbers import NumberParseException, shortnumberinfo

    try:
        parsed = phonenumbers.parse(digits, HOME_REGION)
    except NumberParseException:
        return None
    if not (shortnumberinfo.is_valid_short_number_for_region(parsed, HOME_REGION)
            or shortnumberinfo.is_emergency_number(digits, HOME_REGION)):
        return None
    # 116 numbers are the EU's harmonised helplines, always written in two groups of three.
    display = f"{digits[:3]} {digits[3:]}" if len(digits) == 6 and digits.startswith("116") else digits
    return _short_code(digits, display)


def _short_code(digits: str, display: str) -> PhoneNumber:
    return PhoneNumber(
        display=display,
        international=None,
        e164=None,
        dial=digits,
        # RFC 3966 requires a phone-context for numbers that are only meaningful locally.
        tel_uri=f"tel:{digits};phone-context=+{HOME_COUNTRY_CODE}",
        is_short=True,
        verified=True,
        extension=None,
        search_digits=digits,
    )


def number_from_forms(written: str, display: str, international: str | None = None,
                      tel_uri: str | None = None) -> PhoneNumber | None:
    """A valid number rebuilt from the forms parse_number gave it, without loading phonenumbers again:
    written is a UK number in national form or a short code (digits and spaces only), display how it is
    shown, and international and tel_uri its other forms (neither for a short code). None unless every
    form holds exactly the written digits, so that no form can show one number while another is dialled;
    whether the number is valid at all is for whoever recorded the forms to have checked."""
    digits = written.replace(" ", "")
    if not (digits and all(ch in _ASCII_DIGITS for ch in digits) and display.replace(" ", "") == digits):
        return None
    if international is None and tel_uri is None:
        if len(digits) > MAX_SHORT_CODE_DIGITS or digits.startswith("0"):
            return None
        return _short_code(digits, display)
    if international is None or tel_uri is None or not digits.startswith("0") or digits.startswith("00"):
        return None
    national = digits[1:]
    full = f"{HOME_COUNTRY_CODE}{national}"
    if not (international.startswith("+") and international[1:].replace(" ", "") == full
            and tel_uri.startswith("tel:+") and tel_uri[5:].replace("-", "") == full):
        return None
    return PhoneNumber(display=display, international=international, e164=f"+{full}", dial=digits,
                       tel_uri=tel_uri, is_short=False, verified=True, extension=None, search_digits=national)


def _parse_error(exc: NumberParseException) -> NumberError:
    from phonenumbers import NumberParseException  # Lazy: see the module docstring.

    kind = exc.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return NumberError(Problem.NOT_VALID_IN_COUNTRY,
                           "That country code is not in use: check the digits after the +.")
    if kind in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return NumberError(Problem.TOO_SHORT, "That number is too short: include the area code.")
    if kind == NumberParseException.TOO_LONG:
        return NumberError(Problem.TOO_LONG, "That number is too long: check for extra digits.")
    return NumberError(Problem.NOT_A_NUMBER,
                       "That is not a phone number: use digits, spaces and a leading +.")


def _full_number(parsed: phonenumbers.PhoneNumber, allow_unverified: bool) -> PhoneNumber:
    import phonenumbers  # Lazy: see the module docstring.
    from phonenumbers import PhoneNumberFormat, ValidationResult

    verified = phonenumbers.is_valid_number(parsed)
    if not verified:
        reason = phonenumbers.is_possible_number_with_reason(parsed)
        if reason in (ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
            raise NumberError(Problem.TOO_SHORT, "That number is too short: include the area code.")
        if reason == ValidationResult.TOO_LONG:
            raise NumberError(Problem.TOO_LONG, "That number is too long: check for extra digits.")
        if reason == ValidationResult.INVALID_COUNTRY_CODE:
            raise NumberError(Problem.NOT_VALID_IN_COUNTRY,
                              "That country code is not in use: check the digits after the +.")
        if reason != ValidationResult.IS_POSSIBLE:
            raise NumberError(Problem.NOT_VALID_IN_COUNTRY,
                              f"That number has the wrong number of digits for {_country(parsed)}.")
        if (parsed.country_code == HOME_COUNTRY_CODE
                and len(phonenumbers.national_significant_number(parsed)) < MIN_UK_DIGITS):
            # phonenumbers calls a six-digit UK number "possible"; to a person it is one with digits missing.
            raise NumberError(Problem.TOO_SHORT, "That number is too short: include the area code.")
        if not allow_unverified:
            raise NumberError(Problem.UNVERIFIED,
                              f"That is not a number in use in {_country(parsed)}: check the digits.")
    is_home = parsed.country_code == HOME_COUNTRY_CODE
    display_format = PhoneNumberFormat.NATIONAL if is_home else PhoneNumberFormat.INTERNATIONAL
    without_ext = phonenumbers.PhoneNumber(country_code=parsed.country_code,
                                           national_number=parsed.national_number,
                                           italian_leading_zero=parsed.italian_leading_zero,
                                           number_of_leading_zeros=parsed.number_of_leading_zeros)
    dial_form = phonenumbers.format_out_of_country_calling_number(without_ext, HOME_REGION)
    # One spelling of the extension for every country, the UK's (phonenumbers writes Peru's as "Anexo"),
    # so that what is shown is read back as the same number with the same extension.
    suffix = f" x{parsed.extension}" if parsed.extension else ""
    return PhoneNumber(
        display=phonenumbers.format_number(without_ext, display_format) + suffix,
        international=phonenumbers.format_number(without_ext, PhoneNumberFormat.INTERNATIONAL) + suffix,
        e164=phonenumbers.format_number(parsed, PhoneNumberFormat.E164),
        dial="".join(ch for ch in dial_form if ch.isdigit()),
        tel_uri=phonenumbers.format_number(parsed, PhoneNumberFormat.RFC3966),
        is_short=False,
        verified=verified,
        extension=parsed.extension or None,
        search_digits=phonenumbers.national_significant_number(parsed),
    )


def _country(parsed: phonenumbers.PhoneNumber) -> str:
    if parsed.country_code == HOME_COUNTRY_CODE:
        return "the UK"
    return f"country code +{parsed.country_code}"


def format_as_you_type(text: str) -> str:
    """Group a number as it is typed ("07911 123456"); text with anything but digits, spaces and a leading
    + (an extension, a typo) is returned unchanged rather than mangled."""
    # A space just typed is kept: regrouping would swallow it, and "0800 CALL CST" would become
    # "0800CALL CST" under the user's fingers.
    if len(text) > MAX_NUMBER_CHARS or text[-1:].isspace():
        return text
    # Digits of other scripts are grouped as the ASCII ones they will be saved as, so that the field shows
    # the number that will be kept.
    typed = ascii_digits(text)
    if not all(ch in _ASCII_DIGITS or ch in " +-()" for ch in typed):
        return text
    digits = "".join(ch for ch in typed if ch in _ASCII_DIGITS or ch == "+")
    if not digits:
        return text
    import phonenumbers  # Lazy: see the module docstring.

    formatter = phonenumbers.AsYouTypeFormatter(HOME_REGION)
    formatted = text
    for ch in digits:
        formatted = formatter.input_digit(ch)
    return str(formatted)


def query_digits(digits: str) -> str:
    """Digits of a number query with any UK or international prefix removed, to match search_digits."""
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and len(digits) > len(prefix) + 2:
            return digits[len(prefix):].removeprefix("0")
    if digits.startswith("00"):
        return digits[2:]
    return digits.removeprefix("0")
