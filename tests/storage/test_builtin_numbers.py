"""The built-in numbers, checked against the test's own copy of the published reference table.

The table is kept here on purpose: if the data file and this table disagree, one of them was changed
without checking the source, and the test says so.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import phonenumbers
import pytest
from phonenumbers import shortnumberinfo

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry, Role


class Reference(NamedTuple):
    published: str
    display: str
    e164: str | None


REFERENCE: dict[str, Reference] = {
    "cst-office-south": Reference("0208 457 9999", "020 8457 9999", "+442084579999"),
    "cst-office-north": Reference("0161 792 6666", "0161 792 6666", "+441617926666"),
    "cst-emergency-south": Reference("0800 032 3263", "0800 032 3263", "+448000323263"),
    "cst-emergency-north": Reference("0800 980 0668", "0800 980 0668", "+448009800668"),
    "uk-anti-terrorist-hotline": Reference("0800 789 321", "0800 789321", "+44800789321"),
    "uk-emergency-999": Reference("999", "999", None),
    "uk-police-101": Reference("101", "101", None),
    "uk-nhs-111": Reference("111", "111", None),
    "uk-samaritans": Reference("116 123", "116 123", None),
}
CST_IDS = ("cst-office-south", "cst-office-north", "cst-emergency-south", "cst-emergency-north")
CST_AS_OF = "2015-01-16"
# From the reference's later facts: since the CST blog of 25 March 2020, 0800 032 3263 is CST's
# "National Emergency Number (24-hour)", shown for every region and first among CST's lines. The entry
# keeps its 2015 id: ids are a public contract that favourites and scripts rely on.
NATIONAL_LINE = "cst-emergency-south"
NATIONAL_AS_OF = "2020-03-25"
# 0800 980 0668 is kept for the northern regions, after it, as published in 2015 and not confirmed since.
NORTHERN_2015_LINE = "cst-emergency-north"
EMERGENCY = "uk-emergency-999"
# Which CST entry belongs to which region now (None: national), and the date of its source.
CST_REGIONS = {
    "cst-office-south": ("south", CST_AS_OF),
    "cst-office-north": ("north", CST_AS_OF),
    NATIONAL_LINE: (None, NATIONAL_AS_OF),
    NORTHERN_2015_LINE: ("north", CST_AS_OF),
}


@pytest.fixture(scope="module")
def by_id(directory: BuiltinDirectory) -> dict[str, Entry]:
    return {e.id: e for e in directory.entries}


def test_builtin_ids_are_exactly_the_reference_table(directory: BuiltinDirectory) -> None:
    ids = [e.id for e in directory.entries]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(REFERENCE)


@pytest.mark.parametrize("entry_id", sorted(REFERENCE))
def test_display_and_e164_match_the_reference(by_id: dict[str, Entry], entry_id: str) -> None:
    reference = REFERENCE[entry_id]
    number = by_id[entry_id].number
    assert number.display == reference.display
    assert number.e164 == reference.e164
    assert number.is_short is (reference.e164 is None)
    assert number.verified is True
    assert by_id[entry_id].builtin is True


@pytest.mark.parametrize("entry_id", sorted(REFERENCE))
def test_published_number_is_valid_for_phonenumbers(by_id: dict[str, Entry], entry_id: str) -> None:
    reference = REFERENCE[entry_id]
    parsed = phonenumbers.parse(reference.published, "GB")
    if reference.e164 is None:
        assert shortnumberinfo.is_valid_short_number_for_region(parsed, "GB")
    else:
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == reference.e164
    # And the entry dials the published digits.
    published_digits = "".join(ch for ch in reference.published if ch.isdigit())
    assert by_id[entry_id].number.dial == published_digits


@pytest.mark.parametrize("entry_id", sorted(REFERENCE))
def test_entry_e164_is_valid_for_phonenumbers(by_id: dict[str, Entry], entry_id: str) -> None:
    number = by_id[entry_id].number
    if number.e164 is None:
        parsed = phonenumbers.parse(number.dial, "GB")
        assert shortnumberinfo.is_valid_short_number_for_region(parsed, "GB")
    else:
        assert phonenumbers.is_valid_number(phonenumbers.parse(number.e164, None))


@pytest.mark.parametrize("entry_id", CST_IDS)
def test_cst_entries_cite_the_cst_blog(by_id: dict[str, Entry], entry_id: str) -> None:
    entry = by_id[entry_id]
    assert entry.source is not None
    assert "CST blog" in entry.source
    assert entry.as_of == CST_REGIONS[entry_id][1]
    # Every CST number is older than two years: the row tells the user where to check it.
    assert entry.check_at == "cst.org.uk"


def test_the_national_line_is_national_and_cites_the_2020_blog(
        directory: BuiltinDirectory, by_id: dict[str, Entry]) -> None:
    entry = by_id[NATIONAL_LINE]
    assert directory.national_line_entry == NATIONAL_LINE
    assert entry.name == "CST National Emergency Number (24/7)"
    assert entry.region is None
    assert entry.category is Category.EMERGENCY
    assert entry.role is Role.NATIONAL_LINE
    assert entry.source is not None and "25 March 2020" in entry.source
    assert entry.as_of == NATIONAL_AS_OF
    assert "National Emergency Number (24-hour)" in entry.notes


def test_the_2015_northern_line_says_it_is_not_confirmed(by_id: dict[str, Entry]) -> None:
    entry = by_id[NORTHERN_2015_LINE]
    assert entry.name == ("CST Manchester & northern regions 24/7 line, as published in 2015; "
                          "not confirmed since")
    assert entry.region == "north"
    assert entry.role is None
    assert "cst.org.uk" in entry.notes
    assert "14 November 2015" in entry.notes
    assert "0800 032 3263" in entry.notes


def test_999_is_the_emergency_entry_and_112_reaches_it(directory: BuiltinDirectory,
                                                       by_id: dict[str, Entry]) -> None:
    entry = by_id[EMERGENCY]
    assert directory.emergency_entry == EMERGENCY
    assert entry.role is Role.EMERGENCY
    assert entry.also_dial == ("112",)
    assert shortnumberinfo.is_emergency_number("112", "GB")


@pytest.mark.parametrize("entry_id", sorted(REFERENCE))
def test_every_entry_has_a_source_and_an_iso_date(by_id: dict[str, Entry], entry_id: str) -> None:
    entry = by_id[entry_id]
    assert entry.source is not None
    assert entry.source.strip()
    assert entry.as_of is not None
    assert dt.date.fromisoformat(entry.as_of).isoformat() == entry.as_of


def test_london_office_is_not_shown_as_published(by_id: dict[str, Entry]) -> None:
    number = by_id["cst-office-south"].number
    assert number.display != "0208 457 9999"
    assert number.display == "020 8457 9999"


@pytest.mark.parametrize("entry_id", [NATIONAL_LINE, NORTHERN_2015_LINE])
def test_cst_247_lines_are_badged_24_hours_and_freephone(by_id: dict[str, Entry], entry_id: str) -> None:
    badges = by_id[entry_id].badges
    assert "24 hours" in badges
    assert "Freephone" in badges
    assert "Unverified" not in badges


@pytest.mark.parametrize("entry_id", CST_IDS)
def test_cst_lines_belong_to_their_region(by_id: dict[str, Entry], entry_id: str) -> None:
    assert by_id[entry_id].region == CST_REGIONS[entry_id][0]


@pytest.mark.parametrize("entry_id", [i for i in REFERENCE if i not in CST_IDS])
def test_uk_lines_are_national(by_id: dict[str, Entry], entry_id: str) -> None:
    assert by_id[entry_id].region is None
