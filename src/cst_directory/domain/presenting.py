"""Sentences the app says about search results, shared by the window and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.regions import UNASSIGNED, RegionMatch

# A query quoted back to the user is cut here, so that a pasted page does not fill the window.
MAX_QUOTED_CHARS = 40
# A built-in number whose source is older than this may have changed: its row says so.
SOURCE_AGE_YEARS = 2


def quoted(query: str) -> str:
    shown = " ".join("".join(ch if ch.isprintable() else " " for ch in query).split())
    if len(shown) > MAX_QUOTED_CHARS:
        shown = shown[: MAX_QUOTED_CHARS - 1] + "…"
    return f"“{shown}”"


def region_sentence(match: RegionMatch, directory: BuiltinDirectory) -> str:
    national = directory.national_line.name
    if match.region_id == UNASSIGNED:
        return (f"CST has not published which office covers {match.matched}: the {national} is first, "
                "then both regions' lines.")
    region = directory.region_name(match.region_id)
    if match.matched == region:
        return f"{region}: the {national} first, then the region's CST lines and the national numbers."
    place = match.matched[:1].upper() + match.matched[1:]
    return (f"{place} is in CST's {region}: the {national} first, then the region's CST lines and the "
            "national numbers.")


def no_match_sentence(query: str) -> str:
    return (f"No entry matches {quoted(query)}. Try a town, a postcode, a dialling code or a name.")


def emergency_sentence(directory: BuiltinDirectory) -> str:
    """What to call when the directory had no answer: 999, then CST's national line."""
    national = directory.national_line
    return (f"In an emergency call {directory.emergency.number.display}, then the {national.name} on "
            f"{national.number.display}.")


def fallback_sentence(query: str, directory: BuiltinDirectory) -> str:
    """Above the two rows shown when nothing matched."""
    return (f"No entry matches {quoted(query)}. In an emergency call {directory.emergency.number.display}, "
            f"then the {directory.national_line.name}: both are listed below.")


def suggestion_sentence(query: str, suggestion: str) -> str:
    """When a close spelling was searched for instead of what was typed."""
    return f"Nothing matches {quoted(query)}. Did you mean {suggestion}? Its results are shown."


def age_badge(entry: Entry, today: dt.date) -> str | None:
    """"Source from 2015: check cst.org.uk" for a built-in entry whose source is more than two years old
    on the given day, so that the list row itself warns that the number may have changed."""
    if not entry.builtin or not entry.as_of:
        return None
    try:
        published = dt.date.fromisoformat(entry.as_of)
    except ValueError:
        return None
    if published >= _years_before(today, SOURCE_AGE_YEARS):
        return None
    where = f"check {entry.check_at}" if entry.check_at else "it may have changed"
    return f"Source from {published.year}: {where}"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, in a year that has none.
        return day.replace(year=day.year - years, day=28)


def long_date(iso: str) -> str:
    """16 January 2015: the form a UK reader expects; anything that is not an ISO date is shown as is."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One source of built-in numbers, its date, and the entries taken from it."""

    source: str
    as_of: str
    entry_names: tuple[str, ...]


def source_summaries(directory: BuiltinDirectory) -> list[SourceSummary]:
    """Each source the built-in numbers come from, with its date and the entries taken from it, newest
    first, so the About box can say how old every number is."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for entry in directory.entries:
        if entry.source:
            grouped.setdefault((entry.source, entry.as_of or ""), []).append(entry.name)
    ordered = sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True)
    return [SourceSummary(source, as_of, tuple(names)) for (source, as_of), names in ordered]
