"""Sentences the app says about search results, shared by the window and the command line."""

from __future__ import annotations

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
