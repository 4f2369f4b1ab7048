"""Region resolution and search over the real built-in directory."""

from __future__ import annotations

import pytest

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import parse_number
from cst_directory.domain.regions import UNASSIGNED, RegionIndex
from cst_directory.domain.search import DirectorySearch, SearchResult

NORTH_247 = "cst-emergency-north"
SOUTH_247 = "cst-emergency-south"
NORTH_OFFICE = "cst-office-north"
SOUTH_OFFICE = "cst-office-south"


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


OWN_247 = {"north": NORTH_247, "south": SOUTH_247}
OTHER_REGIONS_LINES = {"north": (SOUTH_247, SOUTH_OFFICE), "south": (NORTH_247, NORTH_OFFICE)}


@pytest.mark.parametrize(
    ("query", "region_id"),
    [("northern", "north"), ("Salford", "north"), ("M7 4JD", "north"), ("0161", "north"),
     ("Hendon", "south"), ("NW4", "south"), ("020", "south")],
)
def test_region_query_lists_that_region_and_national_lines_only(
    search: DirectorySearch, directory: BuiltinDirectory, query: str, region_id: str,
) -> None:
    result, ids = _run(search, directory, query)
    assert result.region is not None
    assert result.region.region_id == region_id
    assert result.unassigned is False
    expected = {e.id for e in directory.entries if e.region in (None, region_id)}
    assert set(ids) == expected
    assert len(ids) == len(set(ids))
    for other in OTHER_REGIONS_LINES[region_id]:
        assert other not in ids
    assert ids[0] == OWN_247[region_id]


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
    for line in (NORTH_247, SOUTH_247, NORTH_OFFICE, SOUTH_OFFICE):
        assert line in ids


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
    assert ids == [NORTH_247]
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


def test_unknown_number_with_a_known_dialling_code_shows_its_region(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    result, ids = _run(search, directory, "0161 555 1234")
    assert result.region is not None
    assert result.region.region_id == "north"
    assert ids[0] == NORTH_247
    assert SOUTH_247 not in ids


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


@pytest.mark.parametrize("query", ["zzz", "\N{GRINNING FACE}", "\x00\x07\x1b", "\u200b", "qwertyuiop"])
def test_no_match_queries_return_no_rows(
    search: DirectorySearch, directory: BuiltinDirectory, query: str,
) -> None:
    result = search.search(directory.entries, query)
    assert result.rows == ()
    assert result.region is None


@pytest.mark.parametrize(
    "query",
    ["x" * 10_000, "9" * 10_000, "0" * 10_000, "salford " * 1_250, "M7 4JD" * 1_700,
     "\N{GRINNING FACE}" * 10_000, "+44 " * 2_500],
)
def test_very_long_query_completes(search: DirectorySearch, directory: BuiltinDirectory, query: str) -> None:
    result = search.search(directory.entries, query)
    assert len(set(result.rows)) == len(result.rows)
    assert all(0 <= i < len(directory.entries) for i in result.rows)
    if query.startswith(("x", "9", "\N{GRINNING FACE}")):
        assert result.rows == ()


# --- empty query and ordering ---------------------------------------------------------------------


def test_empty_query_lists_everything_emergency_first(
    search: DirectorySearch, directory: BuiltinDirectory,
) -> None:
    result, ids = _run(search, directory, "")
    assert sorted(ids) == sorted(e.id for e in directory.entries)
    assert result.region is None
    categories = [directory.entries[i].category for i in result.rows]
    emergencies = sum(1 for c in categories if c is Category.EMERGENCY)
    assert emergencies >= 3
    assert all(c is Category.EMERGENCY for c in categories[:emergencies])
    ranks = [c.rank for c in categories]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(("preferred", "first", "second"), [("north", NORTH_247, SOUTH_247),
                                                            ("south", SOUTH_247, NORTH_247)])
def test_preferred_region_puts_its_247_line_first(
    search: DirectorySearch, directory: BuiltinDirectory, preferred: str, first: str, second: str,
) -> None:
    _, ids = _run(search, directory, "", preferred_region=preferred)
    assert ids.index(first) < ids.index(second)
    assert ids[0] == first
    assert sorted(ids) == sorted(e.id for e in directory.entries)


def _entry(entry_id: str, category: Category, region: str | None = None) -> Entry:
    return make_entry(id=entry_id, name=f"Line {entry_id}", category=category, region=region,
                      number=parse_number("101"), builtin=category is not Category.PERSONAL)


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
