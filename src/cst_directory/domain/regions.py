"""Regions and what they cover, and turning a typed place, postcode or dialling code into a region."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cst_directory.domain.text import digits_of, fold

UNASSIGNED = "unassigned"
# A prefix shorter than this ("sa") is as likely the start of a name as of a place: resolve() leaves it
# to the search, which tries entries' text first.
MIN_PLACE_PREFIX = 4
# A postcode is an outward code (area letters, then the district) and an inward code (a digit and two
# letters). While one is typed the inward code is incomplete: "M7 4" is district M7 and the start of "4JD".
_OUTWARD = r"([A-Z]{1,2})(\d[A-Z\d]?)"
# With a space the split is the user's: "M7 4" is never district "M74".
_SPACED_POSTCODE = re.compile(rf"^{_OUTWARD}\s+(\d[A-Z]{{0,2}})$")
# Without one, a whole outward code is taken as it stands ("M74" is a district), a complete postcode by
# its fixed-length inward code, and anything longer as the longest district it starts with.
_UNSPACED_POSTCODES = (
    re.compile(rf"^{_OUTWARD}()$"),
    re.compile(rf"^{_OUTWARD}(\d[A-Z]{{2}})$"),
    re.compile(rf"^{_OUTWARD}(\d[A-Z]?)$"),
)
_INWARD_LENGTH = 3


@dataclass(frozen=True, slots=True)
class Region:
    """A CST region as the data file names it."""

    id: str
    name: str
    short_name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """What one region (or the unassigned parts) covers, as the data file lists it."""

    places: tuple[str, ...]
    postcode_areas: tuple[str, ...]
    postcode_districts: tuple[str, ...]
    dialling_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegionMatch:
    """What a query was recognised as, and the region that covers it."""

    region_id: str
    """A region id, or UNASSIGNED for places CST has not assigned to an office."""
    matched: str
    """What the query was recognised as, for the user: "Salford", "postcode district NW4"."""


class RegionIndex:
    """Answers "which region is this?" for places, postcodes, dialling codes and region names."""

    def __init__(self, regions: list[Region], coverage: dict[str, Coverage]) -> None:
        self.regions = {r.id: r for r in regions}
        self._names: dict[str, str] = {}
        for region in regions:
            for name in (region.name, region.short_name, *region.aliases):
                self._names[fold(name)] = region.id
        self._places: dict[str, tuple[str, str]] = {}
        self._areas: dict[str, str] = {}
        self._districts: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        for region_id, cover in coverage.items():
            for place in cover.places:
                self._places[fold(place)] = (region_id, place)
            self._areas.update((a.upper(), region_id) for a in cover.postcode_areas)
            self._districts.update((d.upper(), region_id) for d in cover.postcode_districts)
            self._codes.update((c, region_id) for c in cover.dialling_codes)
        self._longest_code = max((len(c) for c in self._codes), default=0)

    def resolve(self, query: str) -> RegionMatch | None:
        """The region a query names, or None when it names none."""
        folded = fold(query)
        if not folded:
            return None
        if folded in self._names:
            region_id = self._names[folded]
            return RegionMatch(region_id, self.regions[region_id].name)
        if folded in self._places:
            region_id, place = self._places[folded]
            return RegionMatch(region_id, place)
        return (self._resolve_postcode(query) or self._resolve_dialling_code(query)
                or self._resolve_place_prefix(folded))

    def _resolve_postcode(self, query: str) -> RegionMatch | None:
        compact = query.strip().upper()
        match = _SPACED_POSTCODE.match(compact)
        if match is None:
            match = next((m for pattern in _UNSPACED_POSTCODES if (m := pattern.match(compact))), None)
        if match is None:
            return None
        area, district_rest, inward = match.groups()
        district = area + district_rest
        if district in self._districts:
            region_id = self._districts[district]
        elif area in self._areas:
            region_id = self._areas[area]
        else:
            return None
        if len(inward) == _INWARD_LENGTH:
            return RegionMatch(region_id, f"postcode {district} {inward}")
        return RegionMatch(region_id, f"postcode district {district}")

    def resolve_area(self, query: str) -> RegionMatch | None:
        """A bare two-letter postcode area ("NW").

        Single letters are left out: they are how words start. The search asks this only when no entry's
        text matches, as "sa" is also how "Samaritans" starts.
        """
        area = query.strip().upper()
        if len(area) == 2 and area.isalpha() and area in self._areas:
            return RegionMatch(self._areas[area], f"postcode area {area}")
        return None

    def _resolve_dialling_code(self, query: str) -> RegionMatch | None:
        if any(not (ch.isdigit() or ch in " +-()") for ch in query.strip()):
            return None
        digits = digits_of(query)
        if digits in self._codes:
            return RegionMatch(self._codes[digits], f"dialling code {digits}")
        return None

    def resolve_number_prefix(self, digits: str) -> RegionMatch | None:
        """The region of the longest dialling code a UK number starts with."""
        for length in range(min(self._longest_code, len(digits)), 2, -1):
            code = digits[:length]
            if code in self._codes:
                return RegionMatch(self._codes[code], f"dialling code {code}")
        return None

    def resolve_place_prefix(self, query: str) -> RegionMatch | None:
        """The region of the places a prefix of any length starts ("Gol": Golders Green), when they all
        lie in one region.

        resolve() takes prefixes only from MIN_PLACE_PREFIX letters on; the search asks this for shorter
        ones only when no entry's text matches, as "sa" is also how "Samaritans" starts.
        """
        return self._resolve_place_prefix(fold(query), minimum=1)

    def starts_a_place(self, query: str) -> bool:
        """Whether some place name starts with the query, in whichever regions."""
        folded = fold(query)
        return bool(folded) and any(key.startswith(folded) for key in self._places)

    def suggestion_names(self) -> dict[str, str]:
        """Every place and region name, folded, with the form to show: what a misspelling is compared to."""
        names = {fold(place): place for _, place in self._places.values()}
        for region in self.regions.values():
            names.update((fold(name), name) for name in (region.name, region.short_name, *region.aliases))
        return names

    def _resolve_place_prefix(self, folded: str, minimum: int = MIN_PLACE_PREFIX) -> RegionMatch | None:
        if len(folded) < minimum:
            return None
        hits = {value for key, value in self._places.items() if key.startswith(folded)}
        regions = {region_id for region_id, _ in hits}
        if len(regions) != 1:
            return None
        region_id = regions.pop()
        # One place among several in the same region: name the shortest, which the others extend.
        place = min((place for _, place in hits), key=len)
        return RegionMatch(region_id, place)
