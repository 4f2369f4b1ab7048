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
from cst_directory.domain.entries import Entry


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
    assert entry.as_of == CST_AS_OF


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


@pytest.mark.parametrize("entry_id", ["cst-emergency-south", "cst-emergency-north"])
def test_cst_247_lines_are_badged_24_hours_and_freephone(by_id: dict[str, Entry], entry_id: str) -> None:
    badges = by_id[entry_id].badges
    assert "24 hours" in badges
    assert "Freephone" in badges
    assert "Unverified" not in badges


@pytest.mark.parametrize(
    ("entry_id", "region"),
    [("cst-emergency-south", "south"), ("cst-office-south", "south"),
     ("cst-emergency-north", "north"), ("cst-office-north", "north")],
)
def test_cst_lines_belong_to_their_region(by_id: dict[str, Entry], entry_id: str, region: str) -> None:
    assert by_id[entry_id].region == region


@pytest.mark.parametrize("entry_id", [i for i in REFERENCE if i not in CST_IDS])
def test_uk_lines_are_national(by_id: dict[str, Entry], entry_id: str) -> None:
    assert by_id[entry_id].region is None
