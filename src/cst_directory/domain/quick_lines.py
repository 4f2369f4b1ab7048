"""The few lines offered where there is no room for the list (the tray's menu): 999, CST's national 24/7
line, and the chosen region's CST lines."""

from __future__ import annotations

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry


def quick_lines(directory: BuiltinDirectory, region_id: str | None) -> tuple[Entry, ...]:
    """999 first, then CST's national line, then the built-in lines of the region (every region's, in the
    data file's order, when none is chosen), each region's 24/7 line before its office."""
    first = (directory.emergency, directory.national_line)
    order = [region.id for region in directory.regions]
    regional = [entry for entry in directory.entries
                if entry.builtin and entry.region is not None and entry not in first
                and (region_id is None or entry.region == region_id)]
    regional.sort(key=lambda entry: (order.index(entry.region) if entry.region in order else len(order),
                                     entry.category.rank))
    return (*first, *regional)
