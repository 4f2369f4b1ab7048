"""The printable card: which entries go on it and in what order, which carry a warning that their source is
old, and which fit on the sides the renderer measured."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Category, Entry
from cst_directory.domain.presenting import long_date

EMERGENCY_LINE = "In an emergency, call 999 first"
CHECK_SITE = "cst.org.uk"
# A card stays in a wallet or on a wall for a year or more, so it warns sooner than a list row does (two
# years): a source already a year old when the card is printed is older still when the card is read.
CARD_SOURCE_AGE_MONTHS = 12
# The wallet card has a front and a back; what does not fit on them is left out and counted.
WALLET_SIDES = 2
_CST_LINES = (Category.EMERGENCY, Category.OFFICE)


@dataclass(frozen=True, slots=True)
class CardLine:
    """One entry as the card prints it: its name, its number as displayed, and any warning about its age."""

    entry_id: str
    name: str
    number: str
    emergency: bool = False
    """The 999 line: first, and printed larger than the rest."""
    source_year: int | None = None
    """The year of the entry's source, set only when that source is old on the day the card is printed."""
    check_at: str | None = None

    @property
    def note(self) -> str:
        """"Source from 2015: check cst.org.uk" under an entry whose source is old; otherwise empty."""
        if self.source_year is None:
            return ""
        return f"Source from {self.source_year}: check {self.check_at or CHECK_SITE}"


@dataclass(frozen=True, slots=True)
class Card:
    """What a card prints: its lines, 999 first, and the day it is printed."""

    lines: tuple[CardLine, ...]
    printed_on: dt.date

    @property
    def printed(self) -> str:
        return f"Printed {long_date(self.printed_on.isoformat())}"

    @property
    def has_old_sources(self) -> bool:
        return any(line.source_year is not None for line in self.lines)


@dataclass(frozen=True, slots=True)
class CardFit:
    """Which lines go on which side (indexes into Card.lines, in order) and how many were left out."""

    sides: tuple[tuple[int, ...], ...]
    left_out: int
    total: int

    @property
    def fits(self) -> bool:
        return self.left_out == 0


def default_entries(entries: Sequence[Entry], directory: BuiltinDirectory, region: str | None
                    ) -> list[Entry]:
    """The card's entries when the user has chosen none: 999, CST's national 24/7 line, the region's CST
    lines (both regions' when none is chosen, as a lookup of a place CST has not assigned shows them),
    then the user's favourites, each once.

    entries are the book's, with favourites marked; the built-in lines are taken from it so that their
    marks are the user's."""
    chosen: dict[str, Entry] = {}
    by_id = {entry.id: entry for entry in entries if entry.builtin}
    for wanted in (directory.emergency, directory.national_line):
        chosen[wanted.id] = by_id.get(wanted.id, wanted)
    regional = [entry for entry in directory.entries
                if entry.region is not None and entry.category in _CST_LINES
                and (region is None or entry.region == region)]
    # 24/7 lines before offices, and a region's lines together in the data file's order of regions.
    region_order = {r.id: position for position, r in enumerate(directory.regions)}
    regional.sort(key=lambda entry: (entry.category.rank, region_order.get(entry.region or "", 0)))
    for entry in regional:
        chosen.setdefault(entry.id, by_id.get(entry.id, entry))
    for entry in entries:
        if entry.favourite:
            chosen.setdefault(entry.id, entry)
    return list(chosen.values())


def with_emergency_first(chosen: Iterable[Entry], directory: BuiltinDirectory) -> list[Entry]:
    """A chosen set of entries (a search's results, the boxes ticked) as the card lists them: 999 first
    whether or not it was chosen, then the rest in the order given, each once."""
    emergency = directory.emergency
    ordered: dict[str, Entry] = {emergency.id: emergency}
    for entry in chosen:
        if entry.id == emergency.id:
            ordered[emergency.id] = entry
        else:
            ordered.setdefault(entry.id, entry)
    return list(ordered.values())


def make_card(chosen: Iterable[Entry], directory: BuiltinDirectory, printed_on: dt.date) -> Card:
    """The card for these entries printed on this day, 999 first."""
    emergency_id = directory.emergency.id
    lines = tuple(card_line(entry, printed_on, emergency=entry.id == emergency_id)
                  for entry in with_emergency_first(chosen, directory))
    return Card(lines, printed_on)


def card_line(entry: Entry, printed_on: dt.date, *, emergency: bool = False) -> CardLine:
    published = source_date(entry)
    old = published is not None and published < months_before(printed_on, CARD_SOURCE_AGE_MONTHS)
    return CardLine(entry_id=entry.id, name=entry.name, number=entry.number.display, emergency=emergency,
                    source_year=published.year if old and published else None,
                    check_at=entry.check_at if old else None)


def source_date(entry: Entry) -> dt.date | None:
    """When a built-in entry's source was published; None for the user's own contacts, which have none."""
    if not entry.builtin or not entry.as_of:
        return None
    try:
        return dt.date.fromisoformat(entry.as_of)
    except ValueError:
        return None


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month, months earlier; the month's last day where it has fewer days."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has at least 28 days")


def fit_lines(heights: Sequence[float], first_side: float, other_sides: float,
              max_sides: int | None = WALLET_SIDES) -> CardFit:
    """Lines of the measured heights laid out in order on sides with this much room (the first side's
    heading may take more of it), on at most max_sides sides (None: as many as needed).

    Lines are never reordered to fill a gap: what does not fit is the end of the list, so favourites go
    before the CST lines and 999, which is first, goes last. A line taller than an empty side cannot be
    printed at all; it and those after it are left out, so that nothing is cut through."""
    sides: list[tuple[int, ...]] = []
    current: list[int] = []
    room = first_side
    index = 0
    while index < len(heights):
        height = heights[index]
        if height <= room:
            current.append(index)
            room -= height
            index += 1
            continue
        sides.append(tuple(current))
        current, room = [], other_sides
        if (max_sides is not None and len(sides) >= max_sides) or height > room:
            break
    if current:
        sides.append(tuple(current))
    return CardFit(tuple(sides), left_out=len(heights) - index, total=len(heights))


def left_out_sentence(fit: CardFit) -> str:
    """The start of what the user is told when the wallet card is too small for what was chosen."""
    verb = "does" if fit.left_out == 1 else "do"
    return f"{fit.left_out} of the {fit.total} entries {verb} not fit on both sides of the wallet card"
