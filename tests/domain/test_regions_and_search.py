"""Region resolution and search over the real built-in directory."""

from __future__ import annotations

import datetime as dt

import pytest

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry, Role, make_entry
from cst_directory.domain.phone import parse_number
from cst_directory.domain.presenting import (
    age_badge,
    emergency_sentence,
    fallback_sentence,
    region_sentence,
    suggestion_sentence,
)
from cst_directory.domain.regions import UNASSIGNED, RegionIndex
from cst_directory.domain.search import DirectorySearch, SearchResult

# CST's national 24/7 line keeps the id it had as the southern line: ids are a public contract.
NATIONAL_247 = "cst-emergency-south"
NORTH_2015_247 = "cst-emergency-north"
NORTH_OFFICE = "cst-office-north"
SOUTH_OFFICE = "cst-office-south"
EMERGENCY_999 = "uk-emergency-999"
FALLBACK = [EMERGENCY_999, NATIONAL_247]


@pytest.fixture(scope="module")
def index(directory: BuiltinDirectory) -> RegionIndex:
    return directory.region_index()


@pytest.fixture(scope="module")
def search(index: RegionIndex) -> DirectorySearch:
    return DirectorySearch(index)


def _ids(directory: BuiltinDirectory, result: SearchResult) -> list[str]:
    return [directory.entries[i].id for i in result.rows]


def _run(search: DirectorySearch, directory: BuiltinDirectory, query: str,
         preferred_region: str | None = None) -> tuple[SearchResult, list[str]]:
    result = search.search(directory.entries, query, preferred_region)
    return result, _ids(directory, result)


# --- region resolution ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "region_id"),
    [
        ("northern", "north"),
        ("north", "north"),
        ("southern", "south"),
        ("Salford", "north"),
        ("Hendon", "south"),
        ("M7", "north"),
        ("NW4", "south"),
        ("M7 4JD", "north"),
        ("m74jd", "north"),
        ("m7 4jd", "north"),
        ("NW4 2TA", "south"),
        ("0161", "north"),
        ("020", "south"),
        ("SK17", UNASSIGNED),
        ("SK17 6AA", UNASSIGNED),
        ("SK4", "north"),
        ("Birmingham", UNASSIGNED),
        ("Cardiff", UNASSIGNED),
        ("Belfast", UNASSIGNED),
        ("0121", UNASSIGNED),
        ("M7 4", "north"),
        ("M7 4J", "north"),
        ("N16 5", "south"),
        ("N165A", "south"),
        ("SK175", UNASSIGNED),
        ("SK17 6A", UNASSIGNED),
        # SK1 7xx is Stockport, not the Derbyshire district SK17: the space decides.
        ("SK1 7", "north"),
        ("SK1 7AA", "north"),
    ],
)
def test_region_resolution(index: RegionIndex, query: str, region_id: str) -> None:
    match = index.resolve(query)
    assert match is not None
    assert match.region_id == region_id
    assert match.matched


@pytest.mark.parametrize(
    ("query", "matched"),
    [
        ("Salford", "Salford"),
        ("salford", "Salford"),
        ("M7 4JD", "postcode M7 4JD"),
        ("m74jd", "postcode M7 4JD"),
        ("NW4", "postcode district NW4"),
        ("0161", "dialling code 0161"),
        ("SK17", "postcode district SK17"),
        # A postcode being typed: the district it starts with, never a district made of the space.
        ("M7 4", "postcode district M7"),
        ("M7 4J", "postcode district M7"),
        ("m7  4j", "postcode district M7"),
        ("N16 5", "postcode district N16"),
        ("N16 5A", "postcode district N16"),
        ("N165", "postcode district N16"),
        ("M74J", "postcode district M7"),
        ("M74", "postcode district M74"),
        ("SK17 6", "postcode district SK17"),
        ("SK1 7", "postcode district SK1"),
    ],
)
def test_region_match_says_what_the_query_was_taken_as(index: RegionIndex, query: str, matched: str) -> None:
    match = index.resolve(query)
    assert match is not None
    assert match.matched == matched


@pytest.mark.parametrize("query", ["e", "m", "E", "M", "n", "b", "s", "", "   ", "zzz", "Samaritans"])
def test_single_letters_and_non_places_do_not_resolve(index: RegionIndex, query: str) -> None:
    assert index.resolve(query) is None


def test_a_bare_area_resolves_only_when_no_entry_text_matches(
        search: DirectorySearch, directory: BuiltinDirectory) -> None:
    result, _ = _run(search, directory, "NW")
    assert result.region is not None
    assert (result.region.region_id, result.region.matched) == ("south", "postcode area NW")
    # "SA" is a Welsh postcode area, and also how "Samaritans" starts: the text wins while typing.
    result, ids = _run(search, directory, "sa")
    assert result.region is None
    assert "uk-samaritans" in ids
    assert index_resolves_nothing(search, "NW")


def index_resolves_nothing(search: DirectorySearch, query: str) -> bool:
    return search.regions.resolve(query) is None


def test_a_district_listed_as_unassigned_wins_over_its_area(index: RegionIndex) -> None:
    area = index.resolve_area("SK")
    district = index.resolve("SK17")
    assert area is not None and district is not None
    assert area.region_id == "north"
    assert district.region_id == UNASSIGNED


# --- search by region -----------------------------------------------------------------------------


OTHER_REGIONS_LINES = {"north": (SOUTH_OFFICE,), "south": (NORTH_2015_247, NORTH_OFFICE)}
# After the national line, the region's own CST lines: the 2015 northern line, then the office.
REGION_LINES = {"north": [NORTH_2015_247, NORTH_OFFICE], "south": [SOUTH_OFFICE]}


@pytest.mark.parametrize(
    ("query", "region_id"),
    [("northern", "north"), ("Salford", "north"), ("M7 4JD", "north"), ("0161", "north"),
     ("Hendon", "south"), ("NW4", "south"), ("020", "south"), ("Leeds", "north"), ("Gol", "south")],
)
def test_region_query_lists_that_region_and_national_lines_only(
    search: DirectorySearch, directory: BuiltinDirectory, query: str, region_id: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert result.region is not None
    assert result.region.region_id == region_id
    assert result.unassigned is False
    assert result.fallback is False
    expected = {e.id for e in directory.entries if e.region in (None, region_id)}
    assert set(ids) == expected
    assert len(ids) == len(set(ids))
    for other in OTHER_REGIONS_LINES[region_id]:
        assert other not in ids
    # CST's national line first (Enter copies it; 999 is in the banner), the region's lines, then 999.
    own = REGION_LINES[region_id]
    assert ids[: 1 + len(own) + 1] == [NATIONAL_247, *own, EMERGENCY_999]


@pytest.mark.parametrize("preferred", [None, "north", "south"])
def test_region_query_order_ignores_the_preferred_region(
    search: DirectorySearch, directory: BuiltinDirectory, preferred: str | None,
) -> None:
    _, ids = _run(search, directory, "Salford", preferred)
    assert ids[:4] == [NATIONAL_247, NORTH_2015_247, NORTH_OFFICE, EMERGENCY_999]


def test_region_query_never_shows_the_other_regions_cst_lines(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    result = search.search(directory.entries, "Manchester")
    regions = {directory.entries[i].region for i in result.rows}
    assert regions == {"north", None}


@pytest.mark.parametrize("query", ["Birmingham", "Cardiff", "Belfast", "SK17", "0121"])
def test_unassigned_place_lists_both_regions_and_says_so(
    search: DirectorySearch, directory: BuiltinDirectory, query: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert result.unassigned is True
    assert set(ids) == {e.id for e in directory.entries}
    for line in (NORTH_2015_247, NATIONAL_247, NORTH_OFFICE, SOUTH_OFFICE):
        assert line in ids
    assert ids[0] == NATIONAL_247
    # Both regions' CST lines before 999 and the other national numbers.
    assert set(ids[1:4]) == {NORTH_2015_247, NORTH_OFFICE, SOUTH_OFFICE}
    assert ids[4] == EMERGENCY_999


def test_assigned_place_is_not_unassigned(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    result, _ = _run(search, directory, "Salford")
    assert result.unassigned is False


# --- search by number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["0800 980 0668", "+44 800 980 0668", "08009800668", "0044 800 980 0668", "0800-980-0668",
              "+44 (0) 800 980 0668", "980 0668"],
)
def test_number_in_any_form_finds_the_northern_emergency_line(
    search: DirectorySearch, directory: BuiltinDirectory, query: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert ids == [NORTH_2015_247]
    assert result.region is None


def test_published_form_of_london_office_finds_it(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    _, ids = _run(search, directory, "0208 457 9999")
    assert ids == [SOUTH_OFFICE]


def test_999_finds_the_999_entry_but_not_numbers_containing_999(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    _, ids = _run(search, directory, "999")
    assert "uk-emergency-999" in ids
    assert SOUTH_OFFICE not in ids  # 020 8457 9999


def test_short_code_queries_find_their_entries(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    assert _run(search, directory, "101")[1] == ["uk-police-101"]
    assert _run(search, directory, "111")[1] == ["uk-nhs-111"]
    assert _run(search, directory, "116 123")[1] == ["uk-samaritans"]


def test_112_finds_the_999_entry(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    result, ids = _run(search, directory, "112")
    assert ids == [EMERGENCY_999]
    assert result.fallback is False


@pytest.mark.parametrize("query", ["9", "99", "999", "1", "11", "112"])
def test_every_prefix_of_999_and_112_finds_999_first(
    search: DirectorySearch, directory: BuiltinDirectory, query: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert ids[0] == EMERGENCY_999
    assert result.fallback is False


def test_a_one_digit_query_matches_only_numbers_that_start_with_it(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    _, ids = _run(search, directory, "9")
    assert ids == [EMERGENCY_999]
    _, ids = _run(search, directory, "0")
    # Every full UK number, none of the short codes (they are never dialled with a 0 in front).
    assert set(ids) == {e.id for e in directory.entries if not e.number.is_short}


@pytest.mark.parametrize(
    ("query", "found"),
    [("07911", {"c-mobile"}), ("+44 7911", {"c-mobile"}), ("0044 7911 12", {"c-mobile"}),
     ("7911 123", {"c-mobile"}), ("123456", {"c-mobile"}), ("+33 1 42", {"c-paris"}),
     ("0033 142 68", {"c-paris"}), ("+3", {"c-paris"}), ("4268 5300", {"c-paris"}),
     ("+4", {"c-mobile", "c-999"}), ("999", {EMERGENCY_999}), ("0", {"c-mobile", "c-999"})],
)
def test_number_queries_find_contacts_by_any_prefix_or_inner_digits(
    search: DirectorySearch, directory: BuiltinDirectory, query: str, found: set[str],
) -> None:
    contacts = [
        make_entry(id="c-mobile", name="Mobile", category=Category.PERSONAL, region=None,
                   number=parse_number("07911 123456"), builtin=False),
        make_entry(id="c-paris", name="Paris", category=Category.PERSONAL, region=None,
                   number=parse_number("+33 1 42 68 53 00"), builtin=False),
        # 999 inside a number is not the emergency number: a three-digit query never matches inside.
        make_entry(id="c-999", name="Shop", category=Category.PERSONAL, region=None,
                   number=parse_number("020 7946 0999"), builtin=False),
    ]
    entries = (*directory.entries, *contacts)
    result = search.search(entries, query)
    ids = {entries[i].id for i in result.rows}
    assert result.fallback is False
    assert ids & {c.id for c in contacts} | (ids & {EMERGENCY_999}) == found


def test_unknown_number_with_a_known_dialling_code_shows_its_region(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    for query in ("0161 555 1234", "+44 161 555 1234", "0044 161 555 1234"):
        result, ids = _run(search, directory, query)
        assert result.region is not None
        assert result.region.region_id == "north"
        assert ids[:2] == [NATIONAL_247, NORTH_2015_247]
        assert SOUTH_OFFICE not in ids


# --- search by name and text folding --------------------------------------------------------------


@pytest.mark.parametrize("query", ["Samaritans", "samaritans", "SAMARITANS", "samaritans!"])
def test_entry_names_match(search: DirectorySearch, directory: BuiltinDirectory, query: str) -> None:
    result, ids = _run(search, directory, query)
    assert ids == ["uk-samaritans"]
    assert result.region is None


def test_words_must_all_match(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    _, ids = _run(search, directory, "anti terrorist")
    assert ids == ["uk-anti-terrorist-hotline"]


@pytest.mark.parametrize("query", ["SALFORD", "Sálford", "salford!", "  salford  ", "SaLfOrD"])
def test_case_accents_and_punctuation_are_folded(
    search: DirectorySearch, directory: BuiltinDirectory, query: str,
) -> None:
    expected_result, expected = _run(search, directory, "Salford")
    result, ids = _run(search, directory, query)
    assert ids == expected
    assert result.region == expected_result.region
    assert result.region is not None
    assert result.region.region_id == "north"


@pytest.mark.parametrize("query", ["zzz", "\N{GRINNING FACE}", "\x00\x07\x1b", "\u200b", "qwertyuiop", "-",
                                   "z", "+1 999 999 9999"])
def test_no_match_falls_back_to_999_and_the_national_line(
    search: DirectorySearch, directory: BuiltinDirectory, query: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert result.fallback is True
    assert ids == FALLBACK
    assert result.region is None
    assert result.suggestion is None


def test_the_fallback_rows_are_found_by_role_wherever_they_are(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    entries = tuple(reversed(directory.entries))
    result = search.search(entries, "zzz")
    assert [entries[i].id for i in result.rows] == FALLBACK


def test_a_match_is_never_a_fallback(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    for query in ("", "samaritans", "999", "manchester", "0800 980 0668"):
        assert search.search(directory.entries, query).fallback is False


@pytest.mark.parametrize(
    "query", ["x" * 10_000, "9" * 10_000, "0" * 10_000, "salford " * 1_250, "M7 4JD" * 1_700,
              "\N{GRINNING FACE}" * 10_000, "+44 " * 2_500],
)
def test_very_long_query_completes(search: DirectorySearch, directory: BuiltinDirectory, query: str) -> None:
    result = search.search(directory.entries, query)
    assert len(set(result.rows)) == len(result.rows)
    assert all(0 <= i < len(directory.entries) for i in result.rows)
    assert result.rows
    if query.startswith(("x", "9", "\N{GRINNING FACE}")):
        assert result.fallback is True
        assert _ids(directory, result) == FALLBACK


def test_national_finds_the_national_lines(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    result, ids = _run(search, directory, "national")
    assert result.fallback is False
    assert set(ids) == {e.id for e in directory.entries if e.region is None}
    assert ids[:2] == [EMERGENCY_999, NATIONAL_247]


def test_national_does_not_find_the_users_contacts_without_a_region(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    mum = make_entry(id="c1", name="Mum", category=Category.PERSONAL, region=None,
                     number=parse_number("07911 123456"), builtin=False)
    entries = (*directory.entries, mum)
    result = search.search(entries, "national")
    assert "c1" not in [entries[i].id for i in result.rows]


def test_long_notes_are_searched_to_their_end(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    # The 999 entry's notes end, well past the first 200 characters, with British Sign Language.
    notes = next(e.notes for e in directory.entries if e.id == EMERGENCY_999)
    assert len(notes) > 200 and notes.rstrip(".").endswith("999 BSL")
    _, ids = _run(search, directory, "bsl")
    assert ids == [EMERGENCY_999]


# --- typed one key at a time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["manchester", "golders green", "M7 4JD", "N16 5AB", "national", "samaritans", "Hendon", "leeds",
     "0800 032 3263", "0161 792 6666", "+44 161 792 6666", "999", "112", "116 123"],
)
def test_typed_one_key_at_a_time_never_dead_ends(
    search: DirectorySearch, directory: BuiltinDirectory, typed: str,
) -> None:
    for end in range(1, len(typed) + 1):
        prefix = typed[:end]
        result = search.search(directory.entries, prefix)
        assert result.rows, f"{prefix!r} (typing {typed!r}) shows nothing"
        assert not result.fallback, f"{prefix!r} (typing {typed!r}) matched nothing"


@pytest.mark.parametrize(
    ("typed", "region_from", "region_id"),
    [("manchester", 4, "north"), ("golders green", 3, "south"), ("M7 4JD", 2, "north"),
     ("N16 5AB", 2, "south"),
     # "SK" is also in the 999 entry's text ("ask"), which wins while two letters are typed.
     ("SK17 6AA", 3, "north")],
)
def test_typed_places_and_postcodes_resolve_at_every_length(
    search: DirectorySearch, directory: BuiltinDirectory, typed: str, region_from: int, region_id: str,
) -> None:
    for end in range(region_from, len(typed) + 1):
        prefix = typed[:end]
        result = search.search(directory.entries, prefix)
        assert result.region is not None, f"{prefix!r} is not taken as a place"
        # SK17 is unassigned while SK1 is Stockport: the region may only change where the data says so.
        expected = UNASSIGNED if prefix.upper().startswith("SK17") else region_id
        assert result.region.region_id == expected, prefix
        assert _ids(directory, result)[0] == NATIONAL_247


@pytest.mark.parametrize(("query", "place"), [("Gol", "Golders Green"), ("gol", "Golders Green"),
                                              ("Gold", "Golders Green"), ("Hend", "Hendon"),
                                              ("Manc", "Manchester"), ("Stoc", "Stockport")])
def test_short_place_prefixes_resolve_when_no_entry_text_matches(
    search: DirectorySearch, directory: BuiltinDirectory, query: str, place: str,
) -> None:
    result, _ = _run(search, directory, query)
    assert result.region is not None
    assert result.region.matched == place


def test_a_short_prefix_of_places_in_two_regions_does_not_resolve(index: RegionIndex) -> None:
    # "Ch": Cheetham Hill and Chester are northern, Chigwell and Chelmsford southern.
    assert index.resolve_place_prefix("Ch") is None
    assert index.resolve_place_prefix("Gol") is not None


def test_a_prefix_of_places_in_several_regions_shows_every_cst_line(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    # "Sto" starts Stockport (northern) and Stoke (not assigned): no region is guessed, nothing is hidden.
    result, ids = _run(search, directory, "Sto")
    assert result.region is None
    assert result.fallback is False
    assert set(ids) == {e.id for e in directory.entries}
    assert ids[0] == NATIONAL_247


def test_every_place_in_the_data_file_typed_one_key_at_a_time_never_dead_ends(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    dead_ends = []
    for cover in directory.coverage.values():
        for place in cover.places:
            for end in range(1, len(place) + 1):
                result = search.search(directory.entries, place[:end])
                if result.fallback or not result.rows:
                    dead_ends.append(place[:end])
    assert dead_ends == []


# --- misspellings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "suggestion", "region_id"),
    [("Manchster", "Manchester", "north"), ("Golders Gren", "Golders Green", "south"),
     ("Lodnon", "London", "south"), ("Birmingam", "Birmingham", UNASSIGNED)],
)
def test_misspelt_places_are_matched_and_offered(
    search: DirectorySearch, directory: BuiltinDirectory, query: str, suggestion: str, region_id: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert result.suggestion == suggestion
    assert result.fallback is False
    assert result.region is not None and result.region.region_id == region_id
    assert ids[0] == NATIONAL_247


@pytest.mark.parametrize(("query", "suggestion", "first"),
                         [("Samartians", "Samaritans", "uk-samaritans"),
                          ("ambulence", "ambulance", EMERGENCY_999),
                          ("hotlne", "Hotline", "uk-anti-terrorist-hotline")])
def test_misspelt_names_are_matched_and_offered(
    search: DirectorySearch, directory: BuiltinDirectory, query: str, suggestion: str, first: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert result.suggestion == suggestion
    assert result.fallback is False
    assert ids[0] == first


@pytest.mark.parametrize("query", ["Manchester", "samaritans", "Gol", "sa", "999"])
def test_nothing_is_offered_when_the_query_matched(
    search: DirectorySearch, directory: BuiltinDirectory, query: str,
) -> None:
    assert search.search(directory.entries, query).suggestion is None


def test_the_entries_searched_are_never_stale(search: DirectorySearch, directory: BuiltinDirectory) -> None:
    # The search keeps what it worked out for a tuple of entries; a list can change between calls.
    entries = list(directory.entries)
    assert search.search(entries, "rabbi").fallback is True
    entries.append(make_entry(id="c1", name="Rabbi Cohen", category=Category.PERSONAL, region=None,
                              number=parse_number("07911 123456"), builtin=False))
    result = search.search(entries, "rabbi")
    assert [entries[i].id for i in result.rows] == ["c1"]
    fresh = (*directory.entries, entries[-1])
    assert [fresh[i].id for i in search.search(fresh, "rabbi").rows] == ["c1"]


# --- empty query and ordering ---------------------------------------------------------------------


def test_empty_query_lists_everything_999_first(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    result, ids = _run(search, directory, "")
    assert sorted(ids) == sorted(e.id for e in directory.entries)
    assert result.region is None
    assert result.fallback is False
    assert ids[:3] == [EMERGENCY_999, NATIONAL_247, NORTH_2015_247]
    categories = [directory.entries[i].category for i in result.rows]
    ranks = [c.rank for c in categories]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(("preferred", "order"),
                         [("north", [NORTH_2015_247, NORTH_OFFICE, SOUTH_OFFICE]),
                          ("south", [NORTH_2015_247, SOUTH_OFFICE, NORTH_OFFICE]),
                          (None, [NORTH_2015_247, SOUTH_OFFICE, NORTH_OFFICE])])
def test_preferred_region_orders_cst_lines_after_999_and_the_national_line(
    search: DirectorySearch, directory: BuiltinDirectory, preferred: str | None, order: list[str],
) -> None:
    _, ids = _run(search, directory, "", preferred_region=preferred)
    assert ids[:2] == [EMERGENCY_999, NATIONAL_247]
    assert [i for i in ids if i in order] == order
    assert sorted(ids) == sorted(e.id for e in directory.entries)


def _favourite(directory: BuiltinDirectory, *entry_ids: str) -> tuple[Entry, ...]:
    return tuple(e.with_favourite(e.id in entry_ids) for e in directory.entries)


@pytest.mark.parametrize("preferred", [None, "north", "south"])
def test_favourites_come_right_after_999(
    search: DirectorySearch, directory: BuiltinDirectory, preferred: str | None,
) -> None:
    entries = _favourite(directory, "uk-samaritans", "uk-police-101")
    result = search.search(entries, "", preferred)
    ids = [entries[i].id for i in result.rows]
    assert ids[:4] == [EMERGENCY_999, "uk-samaritans", "uk-police-101", NATIONAL_247]


def test_a_favourite_999_or_national_line_keeps_its_place(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    entries = _favourite(directory, EMERGENCY_999, NORTH_OFFICE)
    ids = [entries[i].id for i in search.search(entries, "").rows]
    assert ids[:3] == [EMERGENCY_999, NORTH_OFFICE, NATIONAL_247]
    entries = _favourite(directory, NATIONAL_247, "uk-samaritans")
    ids = [entries[i].id for i in search.search(entries, "").rows]
    assert ids[:3] == [EMERGENCY_999, NATIONAL_247, "uk-samaritans"]


def test_a_region_query_keeps_the_national_line_first_over_favourites(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    entries = _favourite(directory, "uk-samaritans")
    ids = [entries[i].id for i in search.search(entries, "Salford").rows]
    assert ids[:5] == [NATIONAL_247, NORTH_2015_247, NORTH_OFFICE, EMERGENCY_999, "uk-samaritans"]


def test_a_name_query_lists_the_national_line_first_among_cst_lines(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    _, ids = _run(search, directory, "cst", preferred_region="north")
    assert ids[:3] == [NATIONAL_247, NORTH_2015_247, NORTH_OFFICE]


def _entry(entry_id: str, category: Category, region: str | None = None, role: Role | None = None,
           favourite: bool = False) -> Entry:
    return make_entry(id=entry_id, name=f"Line {entry_id}", category=category, region=region,
                      number=parse_number("101"), builtin=category is not Category.PERSONAL, role=role,
                      favourite=favourite)


def test_ordering_is_emergency_helpline_office_service_whatever_the_input_order(index: RegionIndex) -> None:
    entries = [
        _entry("personal", Category.PERSONAL),
        _entry("service", Category.SERVICE),
        _entry("office", Category.OFFICE),
        _entry("helpline", Category.HELPLINE),
        _entry("emergency", Category.EMERGENCY),
    ]
    result = DirectorySearch(index).search(entries, "")
    assert [entries[i].id for i in result.rows] == ["emergency", "helpline", "office", "service", "personal"]


def test_within_a_category_focus_region_then_national_then_other(index: RegionIndex) -> None:
    entries = [
        _entry("a-south", Category.EMERGENCY, "south"),
        _entry("b-national", Category.EMERGENCY, None),
        _entry("c-north", Category.EMERGENCY, "north"),
    ]
    result = DirectorySearch(index).search(entries, "", preferred_region="north")
    assert [entries[i].id for i in result.rows] == ["c-north", "b-national", "a-south"]
    # Without a focus region national lines come first, then by name.
    result = DirectorySearch(index).search(entries, "")
    assert [entries[i].id for i in result.rows] == ["b-national", "a-south", "c-north"]


def test_roles_order_entries_whatever_their_ids_and_names(index: RegionIndex) -> None:
    entries = (
        _entry("a-own", Category.PERSONAL, favourite=True),
        _entry("b-line", Category.EMERGENCY, "north"),
        _entry("c-national", Category.EMERGENCY, role=Role.NATIONAL_LINE),
        _entry("d-office", Category.OFFICE, "north"),
        _entry("z-emergency", Category.EMERGENCY, role=Role.EMERGENCY),
    )
    search = DirectorySearch(index)
    listing = [entries[i].id for i in search.search(entries, "").rows]
    assert listing == ["z-emergency", "a-own", "c-national", "b-line", "d-office"]
    regional = [entries[i].id for i in search.search(entries, "Salford").rows]
    assert regional == ["c-national", "b-line", "d-office", "z-emergency", "a-own"]
    assert [entries[i].id for i in search.search(entries, "zzz").rows] == ["z-emergency", "c-national"]


# --- what the user is told ------------------------------------------------------------------------


TODAY = dt.date(2026, 12, 3)


def _by_id(directory: BuiltinDirectory, entry_id: str) -> Entry:
    return next(e for e in directory.entries if e.id == entry_id)


@pytest.mark.parametrize(
    ("entry_id", "badge"),
    [(NORTH_2015_247, "Source from 2015: check cst.org.uk"),
     (NORTH_OFFICE, "Source from 2015: check cst.org.uk"),
     (SOUTH_OFFICE, "Source from 2015: check cst.org.uk"),
     (NATIONAL_247, "Source from 2020: check cst.org.uk"),
     (EMERGENCY_999, None), ("uk-samaritans", None)],
)
def test_age_badge_marks_sources_over_two_years_old(directory: BuiltinDirectory, entry_id: str,
                                                    badge: str | None) -> None:
    assert age_badge(_by_id(directory, entry_id), TODAY) == badge


def test_age_badge_counts_two_whole_years(directory: BuiltinDirectory) -> None:
    national = _by_id(directory, NATIONAL_247)  # published 25 March 2020
    assert age_badge(national, dt.date(2022, 3, 25)) is None
    assert age_badge(national, dt.date(2022, 3, 26)) == "Source from 2020: check cst.org.uk"
    leap = make_entry(id="x", name="x", category=Category.SERVICE, region=None, number=parse_number("101"),
                      builtin=True, source="s", as_of="2022-02-28")
    assert age_badge(leap, dt.date(2024, 2, 29)) is None
    assert age_badge(leap, dt.date(2024, 3, 1)) == "Source from 2022: it may have changed"


def test_age_badge_is_for_builtins_only(directory: BuiltinDirectory) -> None:
    own = make_entry(id="c1", name="Mum", category=Category.PERSONAL, region=None,
                     number=parse_number("07911 123456"), builtin=False, as_of="2001-01-01")
    assert age_badge(own, TODAY) is None
    assert age_badge(_by_id(directory, EMERGENCY_999), dt.date(2030, 1, 1)) == (
        "Source from 2026: it may have changed")


def test_sentences_name_999_and_the_national_line(directory: BuiltinDirectory, index: RegionIndex) -> None:
    reminder = emergency_sentence(directory)
    assert "999" in reminder and "0800 032 3263" in reminder
    fallback = fallback_sentence("zzz", directory)
    assert "“zzz”" in fallback and "999" in fallback and "CST National Emergency Number (24/7)" in fallback
    assert suggestion_sentence("Manchster", "Manchester") == (
        "Nothing matches “Manchster”. Did you mean Manchester? Its results are shown.")
    match = index.resolve("Salford")
    assert match is not None
    assert "CST National Emergency Number (24/7) first" in region_sentence(match, directory)
