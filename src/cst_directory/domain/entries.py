"""Directory entries: the built-in lines and the user's own contacts, and the order they are listed in."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from cst_directory.domain.phone import PhoneNumber
from cst_directory.domain.text import MAX_QUERY_CHARS, fold


class Category(enum.Enum):
    """What kind of line an entry is; also the order the kinds are listed in."""

    # Declaration order is listing order: emergency and 24/7 lines first, then offices, then the rest.
    EMERGENCY = "emergency"
    HELPLINE = "helpline"
    OFFICE = "office"
    SERVICE = "service"
    PERSONAL = "personal"

    @property
    def rank(self) -> int:
        return list(Category).index(self)

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]


class Role(enum.Enum):
    """The two built-in entries the listing order is built around, as the data file names them."""

    EMERGENCY = "emergency"
    """999: first whenever the search is empty, and in every answer that found nothing."""
    NATIONAL_LINE = "national_line"
    """CST's national 24/7 line: first for every place or region, so that Enter copies it."""


# How the built-in lines that belong to no region are labelled, in the list and in search.
NATIONAL_LABEL = "National"

_CATEGORY_LABELS = {
    Category.EMERGENCY: "Emergency",
    Category.HELPLINE: "Helpline",
    Category.OFFICE: "Office",
    Category.SERVICE: "Service",
    Category.PERSONAL: "My contact",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the directory, built-in or the user's own, with what display and search need."""

    id: str
    name: str
    category: Category
    region: str | None
    """A region id ("south", "north") or None for national lines."""
    number: PhoneNumber
    builtin: bool
    notes: str = ""
    source: str | None = None
    as_of: str | None = None
    """ISO date the source was published (built-ins only)."""
    availability: str | None = None
    cost: str | None = None
    favourite: bool = False
    role: Role | None = None
    also_dial: tuple[str, ...] = ()
    """Other numbers that reach the same service (112 for 999), as dialled: found by a number search."""
    check_at: str | None = None
    """Where to check that the number is still current ("cst.org.uk"), for a built-in with an old source."""
    search_text: str = field(default="", compare=False)
    """Folded name, category and notes, precomputed once so that filtering stays cheap per keystroke."""
    sort_name: str = field(default="", compare=False)

    @property
    def badges(self) -> tuple[str, ...]:
        found = [b for b in (self.availability, self.cost) if b]
        if not self.number.verified:
            found.append("Unverified")
        return tuple(found)

    def with_favourite(self, favourite: bool) -> Entry:
        return self if favourite == self.favourite else replace(self, favourite=favourite)

    def to_json(self) -> dict[str, object]:
        """The entry as the public JSON contract describes it."""
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category.value,
            "region": self.region,
            "builtin": self.builtin,
            "display": self.number.display,
            "international": self.number.international,
            "e164": self.number.e164,
            "dial": self.number.dial,
            "tel_uri": self.number.tel_uri,
            "notes": self.notes,
            "source": self.source if self.builtin else None,
            "as_of": self.as_of if self.builtin else None,
            "verified": self.number.verified,
        }


def make_entry(**fields: object) -> Entry:
    """Build an entry with its search text filled in."""
    entry = Entry(**fields)  # type: ignore[arg-type]
    # The row of a built-in national line says "National": typing that word must find what it labels.
    label = NATIONAL_LABEL if entry.builtin and entry.region is None else ""
    text = " ".join(_fold_whole(part) for part in (entry.name, label, entry.category.value,
                                                    entry.category.label, *entry.badges, entry.notes))
    object.__setattr__(entry, "search_text", " ".join(text.split()))
    object.__setattr__(entry, "sort_name", fold(entry.name))
    return entry


def _fold_whole(text: str) -> str:
    """fold() of all of text: fold() itself stops at MAX_QUERY_CHARS, a guard for queries, which would
    leave the end of long notes unsearchable. Cut between words, so that none is split."""
    pieces = []
    while len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
        if cut <= 0:
            cut = MAX_QUERY_CHARS
        pieces.append(fold(text[:cut]))
        text = text[cut:]
    pieces.append(fold(text))
    return " ".join(pieces)
