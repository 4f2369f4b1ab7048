"""What the fault suite tried and what survived, printed at the end of the run for the record."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FaultLog:
    """Each fault tried, under a heading, with whether the user's data and the numbers survived it."""

    tried: Counter[str] = field(default_factory=Counter)
    survived: Counter[str] = field(default_factory=Counter)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def record(self, heading: str, survived: bool, note: str = "") -> None:
        self.tried[heading] += 1
        if survived:
            self.survived[heading] += 1
        if note:
            self.notes.setdefault(heading, []).append(note)

    def lines(self) -> list[str]:
        out = []
        for heading in sorted(self.tried):
            out.append(f"{heading}: tried {self.tried[heading]}, survived {self.survived[heading]}")
            out.extend(f"    {note}" for note in self.notes.get(heading, [])[:5])
        return out


LOG = FaultLog()
