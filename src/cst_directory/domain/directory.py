"""The built-in directory as one value: its regions, what they cover, and its entries."""

from __future__ import annotations

from dataclasses import dataclass

from cst_directory.domain.entries import NATIONAL_LABEL, Entry
from cst_directory.domain.regions import Coverage, Region, RegionIndex


@dataclass(frozen=True, slots=True)
class BuiltinDirectory:
    """The shipped data file, checked: regions, coverage, entries and the two entries everything hangs on."""

    regions: tuple[Region, ...]
    coverage: dict[str, Coverage]
    derivation: str
    """How the coverage lists were worked out, for the user who wants to know why a place is where it is."""
    checked: str
    """ISO date the data file was last checked against its sources."""
    entries: tuple[Entry, ...]
    emergency_entry: str
    """Id of the entry for 999, named by the data file."""
    national_line_entry: str
    """Id of CST's national 24/7 line, named by the data file."""

    def region_index(self) -> RegionIndex:
        return RegionIndex(list(self.regions), self.coverage)

    def region_name(self, region_id: str | None) -> str:
        for region in self.regions:
            if region.id == region_id:
                return region.name
        return NATIONAL_LABEL

    @property
    def emergency(self) -> Entry:
        return self._entry(self.emergency_entry)

    @property
    def national_line(self) -> Entry:
        return self._entry(self.national_line_entry)

    def _entry(self, entry_id: str) -> Entry:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise LookupError(f"the built-in directory has no entry {entry_id!r}")
