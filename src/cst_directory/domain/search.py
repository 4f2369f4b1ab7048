"""Search over the directory: which entries a query shows, in what order, and what to tell the user."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cst_directory.domain.entries import Category, Entry, Role
from cst_directory.domain.regions import UNASSIGNED, RegionIndex, RegionMatch
from cst_directory.domain.text import digits_of, fold

# Inside a number only from four digits on: "999" must not find every number that contains it.
SUBSTRING_DIGITS = 4
# Misspellings are looked for only in queries this long: a shorter one is close to too many names.
MIN_SUGGESTION_CHARS = 4
# difflib's similarity ratio a name must reach to be offered: "Manchster" scores 0.95 against
# "Manchester", "lodnon" 0.83 against "london"; unrelated words stay well below.
SUGGESTION_CUTOFF = 0.8
# Words of entry names shorter than this ("CST", "NHS") are left out of the names misspellings are
# compared with: nearly any short typo would be close to one of them.
MIN_SUGGESTION_WORD = 4
_NUMBER_CHARS = frozenset("0123456789 +-().")
_LETTERS = re.compile(r"[^\W\d_]+")
_UK_PREFIX = "44"
# Hits fewer than one in this many entries are sorted into order; more are picked out of the order.
_FEW_HITS = 8


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The rows a query shows, in order, and how the query was understood."""

    rows: tuple[int, ...]
    """Indexes into the searched entries, in the order they are to be listed."""
    region: RegionMatch | None
    """The region the query was recognised as, if any."""
    fallback: bool = False
    """Nothing matched: the rows are 999 and CST's national line, shown beneath a sentence saying so."""
    suggestion: str | None = None
    """Nothing matched the query as typed; the rows are those for this close spelling of a name."""

    @property
    def unassigned(self) -> bool:
        return self.region is not None and self.region.region_id == UNASSIGNED


class DirectorySearch:
    """Filters and orders a list of entries for a query and the user's preferred region."""

    def __init__(self, regions: RegionIndex) -> None:
        self.regions = regions
        self._region_names = regions.suggestion_names()
        self._prepared = _Prepared(())

    def search(self, entries: Sequence[Entry], query: str, preferred_region: str | None = None
               ) -> SearchResult:
        prepared = self._prepare(entries)
        result = self._search(prepared, query, preferred_region)
        if result is not None:
            return result
        suggestion = self._suggestion(prepared, fold(query.strip()))
        if suggestion is not None:
            result = self._search(prepared, suggestion, preferred_region)
            if result is not None:
                return SearchResult(result.rows, result.region, suggestion=suggestion)
        return SearchResult(prepared.fallback(), None, fallback=True)

    def _prepare(self, entries: Sequence[Entry]) -> _Prepared:
        # The window and cstdir search one tuple many times: what depends on it alone is worked out once.
        # A list may change between calls, so it is never kept.
        if isinstance(entries, tuple) and entries is self._prepared.entries:
            return self._prepared
        prepared = _Prepared(entries)
        if isinstance(entries, tuple):
            self._prepared = prepared
        return prepared

    def _search(self, prepared: _Prepared, query: str, preferred_region: str | None
                ) -> SearchResult | None:
        """The result for the query as typed, or None when nothing matches it."""
        stripped = query.strip()
        if not stripped:
            return SearchResult(prepared.listing(preferred_region), None)
        if _looks_like_number(stripped):
            match = self.regions.resolve(stripped)
            if match is not None:
                return self._by_region(prepared, match)
            return self._by_number(prepared, stripped, preferred_region)
        folded = fold(stripped)
        if not folded:
            return None

        match = self.regions.resolve(stripped)
        if match is not None:
            return self._by_region(prepared, match)

        hits = prepared.text_hits(folded.split())
        if hits:
            return SearchResult(prepared.pick(hits, preferred_region), None)
        # Short prefixes of places and two-letter postcode areas only now: while "sa" is being typed,
        # "Samaritans" wins over Salford and over the postcode area SA.
        match = self.regions.resolve_place_prefix(stripped) or self.regions.resolve_area(stripped)
        if match is not None:
            return self._by_region(prepared, match)
        if self.regions.starts_a_place(stripped):
            # "Sto" starts Stockport (north) and Stoke (not assigned): no region yet, but while the rest
            # is typed every CST line is shown, the national line first, rather than nothing.
            return SearchResult(prepared.regional(None), None)
        return None

    def _by_region(self, prepared: _Prepared, match: RegionMatch) -> SearchResult:
        if match.region_id == UNASSIGNED:
            # CST has not said which office covers this place: show every line rather than guess.
            return SearchResult(prepared.regional(None), match)
        region_id = match.region_id
        hits = [i for i, region in enumerate(prepared.regions) if region is None or region == region_id]
        return SearchResult(prepared.pick(hits, region_id, regional=True), match)

    def _by_number(self, prepared: _Prepared, query: str, preferred_region: str | None
                   ) -> SearchResult | None:
        hits, national = prepared.number_hits(query)
        if hits:
            return SearchResult(prepared.pick(hits, preferred_region), None)
        # An unknown number still tells where it is: "0161 555 1234" is a Manchester number.
        if national:
            match = self.regions.resolve_number_prefix("0" + national)
            if match is not None:
                return self._by_region(prepared, match)
        return None

    def _suggestion(self, prepared: _Prepared, folded: str) -> str | None:
        """The place, region or built-in name closest to a query that matched nothing, if one is close.

        Only these few hundred names are compared, never the user's contacts: difflib over every contact
        on every keystroke would make typing slow in a large directory.
        """
        if len(folded) < MIN_SUGGESTION_CHARS or any(ch.isdigit() for ch in folded):
            return None
        names = prepared.suggestion_names(self._region_names)
        close = difflib.get_close_matches(folded, names, n=1, cutoff=SUGGESTION_CUTOFF)
        return names[close[0]] if close else None


class _Prepared:
    """What depends only on one tuple of entries, worked out when first needed: the columns a keystroke
    scans, the listing orders, and the names misspellings are compared with.

    A keystroke then costs one pass over a plain list of strings, and putting its hits in order one pass
    over an order sorted once, instead of a sort of the hits every time."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        self.texts = [e.search_text for e in entries]
        self.regions = [e.region for e in entries]
        self._numbers: _NumberColumns | None = None
        self._name_order: list[int] | None = None
        self._orders: dict[tuple[str | None, bool], tuple[int, ...]] = {}
        self._places: dict[tuple[str | None, bool], list[int]] = {}
        self._names: dict[str, str] | None = None

    def listing(self, focus_region: str | None) -> tuple[int, ...]:
        """Everything, as an empty search lists it."""
        return self._order(focus_region, regional=False)

    def regional(self, focus_region: str | None) -> tuple[int, ...]:
        """Everything, as a place or region query lists it."""
        return self._order(focus_region, regional=True)

    def pick(self, hits: Sequence[int], focus_region: str | None, *, regional: bool = False
             ) -> tuple[int, ...]:
        """The hits in listing order."""
        key = (focus_region, regional)
        order = self._order(focus_region, regional=regional)
        if len(hits) == len(order):
            return order
        if len(hits) * _FEW_HITS < len(order):
            # A few hits: sorting them by their place in the order beats walking the whole order.
            if key not in self._places:
                place = [0] * len(order)
                for position, i in enumerate(order):
                    place[i] = position
                self._places[key] = place
            return tuple(sorted(hits, key=self._places[key].__getitem__))
        wanted = bytearray(len(order))
        for i in hits:
            wanted[i] = 1
        return tuple(i for i in order if wanted[i])

    def text_hits(self, words: list[str]) -> list[int]:
        # The longest word first: it rules out the most, and the others are checked on its hits only.
        first, *others = sorted(words, key=len, reverse=True)
        texts = self.texts
        hits = [i for i, text in enumerate(texts) if first in text]
        for word in others:
            hits = [i for i in hits if word in texts[i]]
        return hits

    def number_hits(self, query: str) -> tuple[list[int], str | None]:
        """The entries a number query finds, and the UK national digits it gives (without the leading
        0), if it is a UK number. Every prefix of a number finds something: "9" and "99" find 999, "0"
        and "+4" every full UK number."""
        if self._numbers is None:
            self._numbers = _NumberColumns(self.entries)
        columns = self._numbers
        stripped = query.strip()
        digits = digits_of(stripped)
        if stripped.startswith("+") or digits.startswith("00"):
            rest = digits if stripped.startswith("+") else digits[2:]
            if _UK_PREFIX.startswith(rest):
                national = ""
            elif rest.startswith(_UK_PREFIX):
                # "+44 (0) 800 ..." as some print it: the 0 is not dialled after 44.
                national = rest[len(_UK_PREFIX):].removeprefix("0")
            else:
                return [i for i, full in enumerate(columns.e164) if full and full.startswith(rest)], None
        elif digits.startswith("0"):
            national = digits[1:]
        else:
            return columns.short_or_national(digits), None
        return columns.uk(national), national

    def fallback(self) -> tuple[int, ...]:
        """999, then CST's national line: what is shown when nothing matched."""
        found: dict[Role, int] = {}
        for i, entry in enumerate(self.entries):
            if entry.role is not None and entry.role not in found:
                found[entry.role] = i
                if len(found) == len(Role):
                    break
        return tuple(found[role] for role in (Role.EMERGENCY, Role.NATIONAL_LINE) if role in found)

    def suggestion_names(self, region_names: dict[str, str]) -> dict[str, str]:
        if self._names is None:
            # Places and regions first: "Manchester" the place is offered, not a word of an office's name.
            names = dict(region_names)
            for entry in self.entries:
                if not entry.builtin:
                    continue
                names.setdefault(entry.sort_name, entry.name)
                for word in _LETTERS.findall(entry.name):
                    if len(word) >= MIN_SUGGESTION_WORD:
                        names.setdefault(fold(word), word)
            self._names = names
        return self._names

    def _order(self, focus_region: str | None, *, regional: bool) -> tuple[int, ...]:
        key = (focus_region, regional)
        order = self._orders.get(key)
        if order is None:
            if self._name_order is None:
                names = [e.sort_name for e in self.entries]
                self._name_order = sorted(range(len(names)), key=names.__getitem__)
            order = _ordered(self.entries, self._name_order, focus_region, regional=regional)
            self._orders[key] = order
        return order


class _NumberColumns:
    """Every entry's number digits, sorted, so that a number query finds the numbers a prefix starts by
    bisection rather than by a pass over every contact."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        national = [e.number.search_digits for e in entries]
        self.national = national
        self.e164 = [(e.number.e164 or "")[1:] for e in entries]
        # Short codes are never dialled with a 0 or +44 in front: only full UK numbers answer those.
        self._is_uk = [full.startswith(_UK_PREFIX) for full in self.e164]
        self._uk = _PrefixIndex((digits, i) for i, digits in enumerate(national) if self._is_uk[i])
        self._any = _PrefixIndex(
            (digits, i) for i, e in enumerate(entries)
            for digits in {e.number.dial, e.number.search_digits, *e.also_dial})

    def uk(self, national: str) -> list[int]:
        hits = set(self._uk.starting(national))
        if len(national) >= SUBSTRING_DIGITS:
            is_uk = self._is_uk
            hits.update(i for i, digits in enumerate(self.national) if national in digits and is_uk[i])
        return sorted(hits)

    def short_or_national(self, digits: str) -> list[int]:
        hits = set(self._any.starting(digits))
        # Inside a number only from four digits on: "999" must not find every number that contains it.
        if len(digits) >= SUBSTRING_DIGITS:
            hits.update(i for i, national in enumerate(self.national) if digits in national)
        return sorted(hits)


class _PrefixIndex:
    """Digit strings in sorted order, each with the entry it belongs to."""

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        ordered = sorted(pairs)
        self._digits = [digits for digits, _ in ordered]
        self._rows = [row for _, row in ordered]

    def starting(self, prefix: str) -> list[int]:
        # ":" sorts just after "9": every string of digits that starts with prefix lies in this range.
        low = bisect.bisect_left(self._digits, prefix)
        high = bisect.bisect_left(self._digits, prefix + ":", low)
        return self._rows[low:high]


_CATEGORY_RANK = {category: category.rank for category in Category}


def _ordered(entries: Sequence[Entry], name_order: Sequence[int], focus_region: str | None, *,
             regional: bool) -> tuple[int, ...]:
    """Every entry's index in listing order.

    Listing order (an empty search, names, numbers): 999; favourites; CST's national line; then the rest.
    Regional order (a place, postcode, dialling code or region): CST's national line, so that Enter
    copies it while 999 stands in the banner above; the region's own CST lines (for an unassigned place
    both regions'); 999; favourites; the rest.
    Within a tier: emergency lines, helplines, offices, services, own contacts; within each kind the focus
    region's lines, then national ones, then the other region's; then by name.

    Entries are taken in name order and dealt into a few buckets, so this is linear after that one sort.
    """
    buckets: dict[tuple[int, int, int], list[int]] = {}
    national_place = 1 if focus_region else 0
    for i in name_order:
        entry = entries[i]
        role = entry.role
        if regional:
            if role is Role.NATIONAL_LINE:
                tier = 0
            elif entry.builtin and entry.region is not None and focus_region in (None, entry.region):
                tier = 1
            elif role is Role.EMERGENCY:
                tier = 2
            else:
                tier = 3 if entry.favourite else 4
        elif role is Role.EMERGENCY:
            tier = 0
        elif entry.favourite:
            tier = 1
        else:
            tier = 2 if role is Role.NATIONAL_LINE else 3
        region = entry.region
        place = national_place if region is None else 0 if region == focus_region else 2
        bucket_key = (tier, _CATEGORY_RANK[entry.category], place)
        bucket = buckets.get(bucket_key)
        if bucket is None:
            bucket = buckets[bucket_key] = []
        bucket.append(i)
    return tuple(i for bucket_key in sorted(buckets) for i in buckets[bucket_key])


def _looks_like_number(text: str) -> bool:
    # isdecimal, not the ASCII set: digits of other scripts are numbers too, as far as digits_of reads them.
    if not all(ch in _NUMBER_CHARS or ch.isdecimal() for ch in text):
        return False
    return bool(digits_of(text)) or text.startswith("+")
