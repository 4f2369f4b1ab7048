"""What may be done with the selected entry: the one place the enable rules of buttons and actions live."""

from __future__ import annotations

from dataclasses import dataclass

from cst_directory.domain.entries import Entry


@dataclass(frozen=True, slots=True)
class Allowed:
    """What the selected entry allows; every button, menu item and shortcut is enabled from this."""

    copy: bool = False
    copy_international: bool = False
    call: bool = False
    favourite: bool = False
    is_favourite: bool = False
    edit: bool = False
    remove: bool = False

    @classmethod
    def for_entry(cls, entry: Entry | None) -> Allowed:
        if entry is None:
            return cls()
        # Built-in entries are the published numbers: only the user's own contacts can change.
        personal = not entry.builtin
        return cls(copy=True, copy_international=entry.number.international is not None, call=True,
                   favourite=True, is_favourite=entry.favourite, edit=personal, remove=personal)
