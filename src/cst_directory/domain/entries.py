"""Directory entries: the built-in lines and the user's own contacts, and the order they are listed in."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from cst_directory.domain.phone import PhoneNumber
from cst_directory.domain.text import fold


class Category(enum.Enum):
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


_CATEGORY_LABELS = {
    Category.EMERGENCY: "Emergency",
    Category.HELPLINE: "Helpline",
    Category.OFFICE: "Office",
    Category.SERVICE: "Service",
    Category.PERSONAL: "My contact",
}


@dataclass(frozen=True, slots=True)
class Entry:
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
    text = fold(" ".join([entry.name, entry.category.value, entry.category.label, entry.notes,
                          *entry.badges]))
    object.__setattr__(entry, "search_text", text)
    object.__setattr__(entry, "sort_name", fold(entry.name))
    return entry
