"""Search over the directory: which entries a query shows, in what order, and what to tell the user."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress, repeat
from operator import contains

from cst_directory.domain.entries import Entry, Role
from cst_directory.domain.regions import UNASSIGNED, RegionIndex, RegionMatch
from cst_directory.domain.search_index import SUBSTRING_DIGITS, Hits, OrderKind, SearchIndex
from cst_directory.domain.text import digits_of, fold

__all__ = ["SUBSTRING_DIGITS", "DirectorySearch", "SearchIndex", "SearchResult"]

# Misspellings are looked for only in queries this long: a shorter one is close to too many names.
MIN_SUGGESTION_CHARS = 4
# difflib's similarity ratio a name must reach to be offered: "Manchster" scores 0.95 against
# "Manchester", "lodnon" 0.83 against "london"; unrelated words stay well below.
SUGGESTION_CUTOFF = 0.8
_NUMBER_CHARS = frozenset("0123456789 +-().")
_UK_PREFIX = "44"


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The rows a query shows, in order, and how the query was understood."""

    rows: tuple[int, ...]
    """Indexes into the searched entries (slots of a SearchIndex), in the order they are to be listed."""
    region: RegionMatch | None
    """The region the query was recognised as, if any."""
    fallback: bool = False
    """Nothing matched: the rows are 999 and CST's national line, shown beneath a sentence saying so."""
    suggestion: str | None = None
    """Nothing matched the query as typed; the rows are those for this close spelling of a name."""

    @property
    def unassigned(self) -> bool:
        return self.region is not None and self.region.region_id == UNASSIGNED


class _TextHits:
    """The last text query's hits in listing order, with their texts: what a query typed on filters."""

    def __init__(self, *, index: SearchIndex, kind: OrderKind, folded: str, words: frozenset[str],
                 rows: tuple[int, ...], scanned: list[str], mask: bytes | None) -> None:
        self.index = index
        self.version = index.version
        self.kind = kind
        self.folded = folded
        self.words = words
        self.rows = rows
        # The hits' texts are picked out of the texts scanned only if a query typed on needs them:
        # most keys of a long result are followed by another key that narrows it anyway.
        self._scanned = scanned
        self._mask = mask

    def texts(self) -> list[str]:
        if self._mask is not None:
            self._scanned = list(compress(self._scanned, self._mask))
            self._mask = None
        return self._scanned


class DirectorySearch:
    """Filters and orders a list of entries for a query and the user's preferred region."""

    def __init__(self, regions: RegionIndex) -> None:
        self.regions = regions
        self._region_names = regions.suggestion_names()
        self._tuple: tuple[Entry, ...] = ()
        self._tuple_index = SearchIndex(())
        self._last_text: _TextHits | None = None

    def search(self, entries: Sequence[Entry], query: str, preferred_region: str | None = None
               ) -> SearchResult:
        """The result for entries as given; rows index into entries."""
        return self.search_in(self._index_for(entries), query, preferred_region)

    def search_in(self, index: SearchIndex, query: str, preferred_region: str | None = None
                  ) -> SearchResult:
        """The result over an index that the caller keeps up to date; rows are its slots."""
        result = self._search(index, query, preferred_region)
        if result is not None:
            return result
        suggestion = self._suggestion(index, fold(query.strip()))
        if suggestion is not None:
            result = self._search(index, suggestion, preferred_region)
            if result is not None:
                return SearchResult(result.rows, result.region, suggestion=suggestion)
        return SearchResult(_fallback(index), None, fallback=True)

    def preparations(self, index: SearchIndex, preferred_region: str | None = None
                     ) -> list[Callable[[], object]]:
        """What the first query of each kind would otherwise build, as steps to run one at a time while
        nobody is typing: the listing order, the number columns and each region's rows."""
        steps: list[Callable[[], object]] = [lambda: index.order((preferred_region, False)), index.numbers,
                                             lambda: index.order((None, True))]
        steps += [partial(index.region_rows, region_id) for region_id in self.regions.regions]
        return steps

    def _index_for(self, entries: Sequence[Entry]) -> SearchIndex:
        # The window and cstdir search one tuple many times: what depends on it alone is worked out once.
        # A list may change between calls, so it is never kept.
        if isinstance(entries, tuple) and entries is self._tuple:
            return self._tuple_index
        index = SearchIndex(entries)
        if isinstance(entries, tuple):
            self._tuple, self._tuple_index = entries, index
        return index

    def _search(self, index: SearchIndex, query: str, preferred_region: str | None) -> SearchResult | None:
        """The result for the query as typed, or None when nothing matches it."""
        stripped = query.strip()
        if not stripped:
            return SearchResult(index.order((preferred_region, False)).frozen(), None)
        if _looks_like_number(stripped):
            match = self.regions.resolve(stripped)
            if match is not None:
                return _by_region(index, match)
            return self._by_number(index, stripped, preferred_region)
        folded = fold(stripped)
        if not folded:
            return None

        match = self.regions.resolve(stripped)
        if match is not None:
            return _by_region(index, match)

        rows = self._text_rows(index, folded, (preferred_region, False))
        if rows:
            return SearchResult(rows, None)
        # Short prefixes of places and two-letter postcode areas only now: while "sa" is being typed,
        # "Samaritans" wins over Salford and over the postcode area SA.
        match = self.regions.resolve_place_prefix(stripped) or self.regions.resolve_area(stripped)
        if match is not None:
            return _by_region(index, match)
        if self.regions.starts_a_place(stripped):
            # "Sto" starts Stockport (north) and Stoke (not assigned): no region yet, but while the rest
            # is typed every CST line is shown, the national line first, rather than nothing.
            return SearchResult(index.order((None, True)).frozen(), None)
        return None

    def _text_rows(self, index: SearchIndex, folded: str, kind: OrderKind) -> tuple[int, ...]:
        """The entries whose text holds every word, in listing order.

        A query that starts with the previous one (a key typed at the end) can only match fewer: only the
        previous hits are scanned, and only for the words that are new."""
        words = folded.split()
        last = self._last_text
        if (last is not None and last.index is index and last.version == index.version
                and last.kind == kind and folded.startswith(last.folded)):
            rows, texts = last.rows, last.texts()
            wanted = [word for word in words if word not in last.words]
        else:
            order = index.order(kind)
            rows, texts = order.frozen(), order.texts
            wanted = words
        # The longest word first: it rules out the most, and the others are checked on its hits only.
        wanted.sort(key=len, reverse=True)
        masks: list[bytes] = []
        for position, word in enumerate(wanted):
            mask = bytes(map(contains, texts, repeat(word)))
            rows = tuple(compress(rows, mask))
            if position + 1 < len(wanted):
                texts = list(compress(texts, mask))
            else:
                masks.append(mask)
        self._last_text = _TextHits(index=index, kind=kind, folded=folded, words=frozenset(words), rows=rows,
                                    scanned=texts, mask=masks[0] if masks else None)
        return rows

    def _by_number(self, index: SearchIndex, query: str, preferred_region: str | None
                   ) -> SearchResult | None:
        hits, national = _number_hits(index, query)
        rows = index.pick(hits, (preferred_region, False))
        if rows:
            return SearchResult(rows, None)
        # An unknown number still tells where it is: "0161 555 1234" is a Manchester number.
        if national:
            match = self.regions.resolve_number_prefix("0" + national)
            if match is not None:
                return _by_region(index, match)
        return None

    def _suggestion(self, index: SearchIndex, folded: str) -> str | None:
        """The place, region or built-in name closest to a query that matched nothing, if one is close.

        Only these few hundred names are compared, never the user's contacts: difflib over every contact
        on every keystroke would make typing slow in a large directory.
        """
        if len(folded) < MIN_SUGGESTION_CHARS or any(ch.isdigit() for ch in folded):
            return None
        names = index.suggestion_names(self._region_names)
        close = difflib.get_close_matches(folded, names, n=1, cutoff=SUGGESTION_CUTOFF)
        return names[close[0]] if close else None


def _by_region(index: SearchIndex, match: RegionMatch) -> SearchResult:
    if match.region_id == UNASSIGNED:
        # CST has not said which office covers this place: show every line rather than guess.
        return SearchResult(index.order((None, True)).frozen(), match)
    return SearchResult(index.region_rows(match.region_id), match)


def _number_hits(index: SearchIndex, query: str) -> tuple[Hits, str | None]:
    """The entries a number query finds, and the UK national digits it gives (without the leading 0), if
    it is a UK number. Every prefix of a number finds something: "9" and "99" find 999, "0" and "+4"
    every full UK number."""
    columns = index.numbers()
    digits = digits_of(query)
    if query.startswith("+") or digits.startswith("00"):
        rest = digits if query.startswith("+") else digits[2:]
        if _UK_PREFIX.startswith(rest):
            national = ""
        elif rest.startswith(_UK_PREFIX):
            # "+44 (0) 800 ..." as some print it: the 0 is not dialled after 44.
            national = rest[len(_UK_PREFIX):].removeprefix("0")
        else:
            return columns.international(rest), None
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return columns.short_or_national(digits), None
    return columns.uk(national), national


def _fallback(index: SearchIndex) -> tuple[int, ...]:
    """999, then CST's national line: what is shown when nothing matched."""
    found = index.role_slots()
    return tuple(found[role] for role in (Role.EMERGENCY, Role.NATIONAL_LINE) if role in found)


def _looks_like_number(text: str) -> bool:
    # isdecimal, not the ASCII set: digits of other scripts are numbers too, as far as digits_of reads them.
    if not all(ch in _NUMBER_CHARS or ch.isdecimal() for ch in text):
        return False
    return bool(digits_of(text)) or text.startswith("+")
