"""Sentences the app says about search results, shared by the window and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.regions import UNASSIGNED, RegionMatch

# A query quoted back to the user is cut here, so that a pasted page does not fill the window.
MAX_QUOTED_CHARS = 40


def quoted(query: str) -> str:
    shown = " ".join("".join(ch if ch.isprintable() else " " for ch in query).split())
    if len(shown) > MAX_QUOTED_CHARS:
        shown = shown[: MAX_QUOTED_CHARS - 1] + "…"
    return f"“{shown}”"


def region_sentence(match: RegionMatch, directory: BuiltinDirectory) -> str:
    if match.region_id == UNASSIGNED:
        return (f"CST has not published which office covers {match.matched}: "
                "both regions' lines are shown.")
    region = directory.region_name(match.region_id)
    if match.matched == region:
        return f"{region}: CST's lines for the region, then the national numbers."
    place = match.matched[:1].upper() + match.matched[1:]
    return f"{place} is in CST's {region}: their lines first, then the national numbers."


def no_match_sentence(query: str) -> str:
    return (f"No entry matches {quoted(query)}. Try a town, a postcode, a dialling code or a name.")


def long_date(iso: str) -> str:
    """16 January 2015: the form a UK reader expects; anything that is not an ISO date is shown as is."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class SourceSummary:
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
