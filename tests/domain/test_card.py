"""The printable card's choices: which entries go on it and in what order, which warn that their source is
old, and how lines fill the sides, what is left out being the end of the list."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cst_directory.domain.card import (
    CARD_SOURCE_AGE_MONTHS,
    EMERGENCY_LINE,
    card_line,
    default_entries,
    fit_lines,
    left_out_sentence,
    make_card,
    months_before,
    with_emergency_first,
)
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import parse_number

RECENT = dt.date(2026, 12, 1)
FAR_FUTURE = dt.date(2060, 1, 1)


def contact(number: int, *, favourite: bool = False, region: str | None = None) -> Entry:
    return make_entry(id=f"c{number}", name=f"Volunteer {number}", category=Category.PERSONAL, region=region,
                      number=parse_number(f"0161 496 0{number:03d}"), builtin=False, favourite=favourite)


def ids(entries: list[Entry]) -> list[str]:
    return [entry.id for entry in entries]


def test_the_default_card_for_a_region_is_999_the_national_line_then_the_regions_cst_lines(
        directory: BuiltinDirectory) -> None:
    north = default_entries(directory.entries, directory, "north")
    assert ids(north) == ["uk-emergency-999", "cst-emergency-south", "cst-emergency-north",
                          "cst-office-north"]
    south = default_entries(directory.entries, directory, "south")
    assert ids(south) == ["uk-emergency-999", "cst-emergency-south", "cst-office-south"]


def test_with_no_region_the_default_card_has_both_regions_lines_24_7_lines_before_offices(
        directory: BuiltinDirectory) -> None:
    chosen = default_entries(directory.entries, directory, None)
    assert ids(chosen) == ["uk-emergency-999", "cst-emergency-south", "cst-emergency-north",
                           "cst-office-south", "cst-office-north"]
    # Every CST line of a region is on it, and nothing that is not a CST line.
    regional = {e.id for e in directory.entries if e.region is not None}
    assert regional <= set(ids(chosen))


def test_favourites_follow_the_regions_lines_built_in_or_own_each_once(directory: BuiltinDirectory) -> None:
    samaritans = next(e for e in directory.entries if e.id == "uk-samaritans").with_favourite(True)
    office = next(e for e in directory.entries if e.id == "cst-office-south").with_favourite(True)
    book = [*(e for e in directory.entries if e.id not in (samaritans.id, office.id)), samaritans, office,
            contact(1, favourite=True), contact(2), contact(3, favourite=True)]
    chosen = default_entries(book, directory, "south")
    assert ids(chosen) == ["uk-emergency-999", "cst-emergency-south", "cst-office-south", "uk-samaritans",
                           "c1", "c3"]
    # The book's entry is the one used: its favourite mark is the user's.
    assert chosen[2].favourite


def test_a_chosen_set_replaces_the_default_but_999_stays_first(directory: BuiltinDirectory) -> None:
    results = [contact(5), contact(6)]
    assert ids(with_emergency_first(results, directory)) == ["uk-emergency-999", "c5", "c6"]
    # Chosen in the middle, 999 still comes first, once.
    chosen = [contact(5), directory.emergency, contact(6), contact(5)]
    assert ids(with_emergency_first(chosen, directory)) == ["uk-emergency-999", "c5", "c6"]


entry_ids = st.lists(st.integers(min_value=0, max_value=40), max_size=30)


@given(numbers=entry_ids, emergency_at=st.integers(min_value=-1, max_value=30))
def test_any_choice_puts_999_first_once_and_keeps_the_rest_in_order(
        directory: BuiltinDirectory, numbers: list[int], emergency_at: int) -> None:
    chosen: list[Entry] = [contact(n) for n in numbers]
    if emergency_at >= 0:
        chosen.insert(min(emergency_at, len(chosen)), directory.emergency)
    card = make_card(chosen, directory, RECENT)
    assert card.lines[0].entry_id == directory.emergency.id and card.lines[0].emergency
    assert [line.emergency for line in card.lines].count(True) == 1
    expected = list(dict.fromkeys(f"c{n}" for n in numbers))
    assert [line.entry_id for line in card.lines[1:]] == expected


def test_the_999_line_says_call_999_first_and_every_number_is_shown_as_displayed(
        directory: BuiltinDirectory) -> None:
    card = make_card(default_entries(directory.entries, directory, "north"), directory, RECENT)
    assert EMERGENCY_LINE == "In an emergency, call 999 first"
    by_id = {e.id: e for e in directory.entries}
    shown = [by_id[line.entry_id].number.display for line in card.lines]
    assert [line.number for line in card.lines] == shown
    assert card.printed == "Printed 1 December 2026"


def test_an_old_source_says_check_cst_org_uk_and_a_recent_one_says_nothing(
        directory: BuiltinDirectory) -> None:
    national = directory.national_line  # Published 25 March 2020.
    assert national.as_of == "2020-03-25"
    assert card_line(national, dt.date(2021, 3, 25)).note == ""
    assert card_line(national, dt.date(2021, 3, 26)).note == "Source from 2020: check cst.org.uk"
    emergency = directory.emergency
    assert card_line(emergency, RECENT).note == ""
    assert card_line(emergency, FAR_FUTURE).note.endswith("check cst.org.uk")
    # The user's own contacts have no source, so no warning, however late the card is printed.
    assert card_line(contact(1), FAR_FUTURE).note == ""
    assert not make_card([contact(1)], directory, RECENT).has_old_sources
    assert make_card([contact(1)], directory, FAR_FUTURE).has_old_sources


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 12, 3), dt.date(2025, 12, 3)),
    (dt.date(2024, 2, 29), dt.date(2023, 2, 28)),
    (dt.date(2026, 3, 31), dt.date(2025, 3, 31)),
])
def test_twelve_months_before(day: dt.date, expected: dt.date) -> None:
    assert CARD_SOURCE_AGE_MONTHS == 12
    assert months_before(day, CARD_SOURCE_AGE_MONTHS) == expected


def test_months_before_lands_on_the_months_last_day() -> None:
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


def test_lines_fill_the_front_then_the_back_and_the_rest_is_left_out() -> None:
    fit = fit_lines([30, 10, 10, 10, 10, 10, 10], first_side=50, other_sides=25)
    assert fit.sides == ((0, 1, 2), (3, 4))
    assert fit.left_out == 2 and not fit.fits and fit.total == 7
    assert left_out_sentence(fit) == "2 of the 7 entries do not fit on both sides of the wallet card"
    assert fit_lines([30, 10], 50, 25).sides == ((0, 1),)
    assert fit_lines([30, 10], 50, 25).fits
    one = fit_lines([30, 10, 10, 10, 10, 10], 50, 25)
    assert left_out_sentence(one) == "1 of the 6 entries does not fit on both sides of the wallet card"


def test_a_poster_takes_as_many_pages_as_it_needs() -> None:
    fit = fit_lines([30] + [10] * 20, first_side=50, other_sides=40, max_sides=None)
    assert fit.fits
    assert [len(side) for side in fit.sides] == [3, 4, 4, 4, 4, 2]


def test_a_line_taller_than_a_side_is_left_out_with_those_after_it_never_cut() -> None:
    fit = fit_lines([10, 60, 10], first_side=50, other_sides=50, max_sides=None)
    assert fit.sides == ((0,),)
    assert fit.left_out == 2


@given(heights=st.lists(st.floats(min_value=1, max_value=60), max_size=40),
       first=st.floats(min_value=20, max_value=100), other=st.floats(min_value=20, max_value=100),
       max_sides=st.one_of(st.none(), st.integers(min_value=1, max_value=3)))
def test_fitting_keeps_order_fills_no_side_beyond_its_room_and_drops_only_the_end(
        heights: list[float], first: float, other: float, max_sides: int | None) -> None:
    fit = fit_lines(heights, first, other, max_sides)
    placed = [index for side in fit.sides for index in side]
    assert placed == list(range(len(placed)))
    assert fit.left_out == len(heights) - len(placed)
    for number, side in enumerate(fit.sides):
        assert sum(heights[i] for i in side) <= (first if number == 0 else other) + 1e-9
    if max_sides is not None:
        assert len(fit.sides) <= max_sides
    if fit.left_out:
        # Left out only when every side allowed was used, or when it could not fit even an empty side.
        assert heights[len(placed)] > other or len(fit.sides) == max_sides
