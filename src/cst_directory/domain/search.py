"""Search over the directory: which entries a query shows, in what order, and what to tell the user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cst_directory.domain.entries import Entry
from cst_directory.domain.phone import query_digits
from cst_directory.domain.regions import UNASSIGNED, RegionIndex, RegionMatch
from cst_directory.domain.text import digits_of, fold

# A digit query shorter than this ("0", "01") would match nearly every number.
MIN_NUMBER_DIGITS = 3
SUBSTRING_DIGITS = 4
_NUMBER_CHARS = frozenset("0123456789 +-().")


@dataclass(frozen=True, slots=True)
class SearchResult:
    rows: tuple[int, ...]
    """Indexes into the searched entries, in the order they are to be listed."""
    region: RegionMatch | None
    """The region the query was recognised as, if any."""

    @property
    def unassigned(self) -> bool:
        return self.region is not None and self.region.region_id == UNASSIGNED


class DirectorySearch:
    """Filters and orders a list of entries for a query and the user's preferred region."""

    def __init__(self, regions: RegionIndex) -> None:
        self.regions = regions

    def search(self, entries: Sequence[Entry], query: str, preferred_region: str | None = None
               ) -> SearchResult:
        stripped = query.strip()
        if not stripped:
            return SearchResult(_ordered(entries, range(len(entries)), preferred_region), None)
        folded = fold(stripped)
        if not folded:
            return SearchResult((), None)

        match = self.regions.resolve(stripped)
        if match is not None:
            return self._by_region(entries, match)

        if _looks_like_number(stripped):
            return self._by_number(entries, stripped, preferred_region)

        words = folded.split()
        hits = [i for i, e in enumerate(entries) if all(w in e.search_text for w in words)]
        if not hits:
            area = self.regions.resolve_area(stripped)
            if area is not None:
                return self._by_region(entries, area)
        return SearchResult(_ordered(entries, hits, preferred_region), None)

    def _by_region(self, entries: Sequence[Entry], match: RegionMatch) -> SearchResult:
        if match.region_id == UNASSIGNED:
            # CST has not said which office covers this place: show every line rather than guess.
            return SearchResult(_ordered(entries, range(len(entries)), None), match)
        hits = [i for i, e in enumerate(entries) if e.region in (None, match.region_id)]
        return SearchResult(_ordered(entries, hits, match.region_id), match)

    def _by_number(self, entries: Sequence[Entry], query: str, preferred_region: str | None
                   ) -> SearchResult:
        digits = digits_of(query)
        if len(digits) < MIN_NUMBER_DIGITS:
            return SearchResult((), None)
        wanted = query_digits(digits)
        hits = [i for i, e in enumerate(entries) if _number_matches(e, digits, wanted)]
        if hits:
            return SearchResult(_ordered(entries, hits, preferred_region), None)
        # An unknown number still tells where it is: "0161 555 1234" is a Manchester number.
        if digits.startswith("0") and not digits.startswith("00"):
            match = self.regions.resolve_number_prefix(digits)
            if match is not None:
                return self._by_region(entries, match)
        return SearchResult((), None)


def _number_matches(entry: Entry, digits: str, wanted: str) -> bool:
    number = entry.number
    if number.search_digits.startswith(wanted) or number.dial.startswith(digits):
        return True
    # Inside a number only from four digits on: "999" must not find every number that contains it.
    return len(wanted) >= SUBSTRING_DIGITS and wanted in number.search_digits


def _looks_like_number(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and all(ch in _NUMBER_CHARS for ch in text)


def _ordered(entries: Sequence[Entry], rows: Sequence[int] | range, focus_region: str | None
             ) -> tuple[int, ...]:
    """Favourites first; then emergency lines, helplines, offices, services, own contacts; within each, the
    focus region's lines, then national ones, then the other region's."""

    def key(i: int) -> tuple[bool, int, int, str]:
        entry = entries[i]
        if entry.region is None:
            place = 1 if focus_region else 0
        elif entry.region == focus_region:
            place = 0
        else:
            place = 2
        return (not entry.favourite, entry.category.rank, place, entry.sort_name)

    return tuple(sorted(rows, key=key))
