"""The built-in directory as one value: its regions, what they cover, and its entries."""

from __future__ import annotations

from dataclasses import dataclass

from cst_directory.domain.entries import Entry
from cst_directory.domain.regions import Coverage, Region, RegionIndex


@dataclass(frozen=True, slots=True)
class BuiltinDirectory:
    regions: tuple[Region, ...]
    coverage: dict[str, Coverage]
    derivation: str
    """How the coverage lists were worked out, for the user who wants to know why a place is where it is."""
    checked: str
    """ISO date the data file was last checked against its sources."""
    entries: tuple[Entry, ...]

    def region_index(self) -> RegionIndex:
        return RegionIndex(list(self.regions), self.coverage)

    def region_name(self, region_id: str | None) -> str:
        for region in self.regions:
            if region.id == region_id:
                return region.name
        return "National"
