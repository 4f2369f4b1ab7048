"""The search index changed one entry at a time answers every query as an index built afresh would, and a
query typed on from the last one searches only what the last one found."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import PhoneNumber, parse_number
from cst_directory.domain.search import DirectorySearch, SearchIndex

QUERIES = ("", "cohen", "coh", "rabbi cohen", "manchester", "NW4", "Cardiff", "Sto", "0161 7", "07911",
           "+44 7911", "+33 1", "999", "112", "9", "0", "1234", "zzzz", "Manchster", "national", "neighbour",
           "my contact", "samaritans", "016", "07", "+44 16", "79", "11", "+3")
NAMES = ("Rabbi Cohen", "Mrs Cohen", "Neighbour", "School office", "Cohen & Co", "Aaron", "Zelda Levy",
         "Manchester friend")
NUMBERS = tuple(parse_number(text, allow_unverified=True) for text in (
    "07911 123456", "07911 654321", "0161 792 1234", "020 7946 0999", "+33 1 42 68 53 00", "0113 496 0000"))
REGIONS = (None, "north", "south")


def contact(key: int, name: str, number: PhoneNumber, region: str | None, favourite: bool) -> Entry:
    return make_entry(id=f"c{key}", name=name, category=Category.PERSONAL, region=region, number=number,
                      builtin=False, favourite=favourite)


def ids(entries: object, rows: tuple[int, ...]) -> list[str]:
    return [entries[row].id for row in rows]  # type: ignore[index]


def answers(search: DirectorySearch, index: SearchIndex) -> dict[tuple[str, str | None], object]:
    found: dict[tuple[str, str | None], object] = {}
    for region in REGIONS:
        for query in QUERIES:
            result = search.search_in(index, query, region)
            found[query, region] = (ids(index.entries, result.rows), result.region, result.fallback,
                                    result.suggestion)
    return found


def fresh_answers(directory: BuiltinDirectory, index: SearchIndex) -> dict[tuple[str, str | None], object]:
    entries = index.live_entries()
    search = DirectorySearch(directory.region_index())
    found: dict[tuple[str, str | None], object] = {}
    for region in REGIONS:
        for query in QUERIES:
            result = search.search(entries, query, region)
            found[query, region] = (ids(entries, result.rows), result.region, result.fallback,
                                    result.suggestion)
    return found


change = st.tuples(st.sampled_from(("put", "put", "remove", "star builtin")), st.integers(0, 9),
                   st.sampled_from(NAMES), st.sampled_from(NUMBERS), st.sampled_from(REGIONS), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(change, min_size=1, max_size=12))
def test_changes_answer_every_query_as_a_fresh_index_does(
        directory: BuiltinDirectory, changes: list[tuple[str, int, str, PhoneNumber, str | None, bool]]
) -> None:
    start = [contact(k, NAMES[k % len(NAMES)], NUMBERS[k % len(NUMBERS)], REGIONS[k % 3], k == 2)
             for k in range(5)]
    index = SearchIndex((*directory.entries, *start))
    search = DirectorySearch(directory.region_index())
    # Every order and column is built first, so that the changes below update them in place.
    answers(search, index)
    for action, key, name, number, region, favourite in changes:
        if action == "put":
            index.put(contact(key, name, number, region, favourite))
        elif action == "remove":
            index.remove(f"c{key}")
        else:
            builtin = directory.entries[key % len(directory.entries)]
            slot = index.slot_of(builtin.id)
            assert slot is not None
            index.put(index.entries[slot].with_favourite(favourite))
    assert answers(search, index) == fresh_answers(directory, index)


def test_a_removed_entry_is_never_found_and_its_slot_is_not_reused(directory: BuiltinDirectory) -> None:
    index = SearchIndex(directory.entries)
    search = DirectorySearch(directory.region_index())
    rabbi = contact(1, "Rabbi Cohen", NUMBERS[0], None, False)
    slot = index.put(rabbi)
    assert ids(index.entries, search.search_in(index, "rabbi").rows) == ["c1"]
    assert index.remove("c1") == slot
    assert search.search_in(index, "rabbi").fallback
    assert search.search_in(index, "07911").fallback
    assert index.remove("c1") is None
    assert index.put(rabbi) != slot
    assert len(index) == len(directory.entries) + 1


def test_putting_the_same_entry_again_changes_nothing(directory: BuiltinDirectory) -> None:
    index = SearchIndex(directory.entries)
    index.put(contact(1, "Neighbour", NUMBERS[0], None, False))
    version = index.version
    index.put(contact(1, "Neighbour", NUMBERS[0], None, False))
    assert index.version == version
    index.put(contact(1, "Neighbour", NUMBERS[0], None, True))
    assert index.version == version + 1


class CountingIndex(SearchIndex):
    """Counts how often a whole listing order is asked for, which only a full search does."""

    full_scans = 0

    def order(self, kind: tuple[str | None, bool]):  # type: ignore[no-untyped-def]
        self.full_scans += 1
        return super().order(kind)


@pytest.fixture
def counted(directory: BuiltinDirectory) -> CountingIndex:
    people = [contact(k, name, NUMBERS[k % len(NUMBERS)], None, False)
              for k, name in enumerate(("Rabbi Cohen", "Mrs Cohen", "Cohen & Co", "Cowan", "Levy"))]
    return CountingIndex((*directory.entries, *people))


def test_a_query_typed_on_searches_only_the_last_hits(directory: BuiltinDirectory,
                                                      counted: CountingIndex) -> None:
    search = DirectorySearch(directory.region_index())
    assert len(ids(counted.entries, search.search_in(counted, "co").rows)) > 3
    scans = counted.full_scans
    for typed in ("coh", "cohe", "cohen", "cohen ", "cohen r", "cohen ra"):
        result = search.search_in(counted, typed)
        assert counted.full_scans == scans, typed
        fresh = counted.live_entries()
        expected = DirectorySearch(directory.region_index()).search(fresh, typed)
        assert ids(counted.entries, result.rows) == ids(fresh, expected.rows), typed
    assert ids(counted.entries, search.search_in(counted, "cohen ra").rows) == ["c0"]


def test_a_query_that_is_not_typed_on_searches_everything(directory: BuiltinDirectory,
                                                          counted: CountingIndex) -> None:
    search = DirectorySearch(directory.region_index())
    search.search_in(counted, "cohen")
    for typed in ("cowan", "levy", "cohen"):
        scans = counted.full_scans
        found = ids(counted.entries, search.search_in(counted, typed).rows)
        assert counted.full_scans > scans, typed
        assert found, typed


def test_a_change_or_another_region_makes_the_next_query_search_everything(
        directory: BuiltinDirectory, counted: CountingIndex) -> None:
    search = DirectorySearch(directory.region_index())
    search.search_in(counted, "coh")
    counted.put(contact(9, "Cohen again", NUMBERS[1], None, False))
    scans = counted.full_scans
    assert "c9" in ids(counted.entries, search.search_in(counted, "cohe").rows)
    assert counted.full_scans > scans
    scans = counted.full_scans
    search.search_in(counted, "cohen", "north")
    assert counted.full_scans > scans


def test_a_favourite_moves_in_the_listing_without_a_rebuild(directory: BuiltinDirectory) -> None:
    index = SearchIndex(directory.entries)
    search = DirectorySearch(directory.region_index())
    before = ids(index.entries, search.search_in(index, "").rows)
    slot = index.slot_of("uk-samaritans")
    assert slot is not None
    index.put(index.entries[slot].with_favourite(True))
    after = ids(index.entries, search.search_in(index, "").rows)
    assert after[:2] == ["uk-emergency-999", "uk-samaritans"]
    assert sorted(after) == sorted(before)


def test_preparing_builds_what_the_first_query_of_each_kind_uses(
        directory: BuiltinDirectory, monkeypatch: pytest.MonkeyPatch) -> None:
    index = SearchIndex(directory.entries)
    search = DirectorySearch(directory.region_index())
    for step in search.preparations(index, "north"):
        step()
    expected = {query: search.search_in(SearchIndex(directory.entries), query, "north").rows
                for query in ("", "0161 7", "manchester", "NW4", "Cardiff")}

    def never(*_args: object) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr("cst_directory.domain.search_index._Order.build", never)
    monkeypatch.setattr("cst_directory.domain.search_index._NumberColumns.__init__", never)
    for query, rows in expected.items():
        assert search.search_in(index, query, "north").rows == rows, query


def test_many_hits_are_put_in_order_as_few_hits_are(directory: BuiltinDirectory,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    people = [contact(k, NAMES[k % len(NAMES)], NUMBERS[k % len(NUMBERS)], REGIONS[k % 3], k % 4 == 0)
              for k in range(40)]
    entries = (*directory.entries, *people)
    few = answers(DirectorySearch(directory.region_index()), SearchIndex(entries))
    # Every hit list then counts as many: the masks and passes in C answer every query instead.
    monkeypatch.setattr("cst_directory.domain.search_index._FEW_HITS", 0)
    assert answers(DirectorySearch(directory.region_index()), SearchIndex(entries)) == few
