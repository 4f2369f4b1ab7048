"""Which number to call: the situations a user may be in, in order, and what to do in each.

The guidance names built-in entries by id rather than repeating their numbers, so that a number corrected
in the data file is corrected here too, and what the guide shows is exactly what the list shows and copies.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry

REPORT_ADDRESS = "incidents@cst.org.uk"
REPORT_WEBSITE = "www.cst.org.uk"
ACT_WEBSITE = "gov.uk/ACT"
RELAY_UK_PREFIX = "18000"
REPORT_SUBJECT = "Reporting an antisemitic incident"

# What CST needs to know about an incident, as headings the reporter fills in.
REPORT_TEMPLATE = (
    "When it happened (date and time):\n"
    "\n"
    "Where it happened (address or place):\n"
    "\n"
    "What happened:\n"
    "\n"
    "The people involved (what they looked like, wore and said):\n"
    "\n"
    "Any vehicles (make, colour, registration):\n"
)


class StepKind(enum.Enum):
    """What a step of the guidance is, and so what choosing it does."""

    CALL = "call"
    """A built-in entry's number: copied as the list copies it."""
    DIAL = "dial"
    """Digits that are not an entry of their own (the Relay UK prefix): copied as they are."""
    EMAIL = "email"
    """An address to write to: opens a mail program with the report template."""
    WEB = "web"
    """A web address, shown to be typed or copied; the app opens no network connection itself."""
    NOTE = "note"
    """Advice with nothing to copy."""


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do in a situation, with the number or address it needs, as shown."""

    kind: StepKind
    text: str
    shown: str = ""
    """The number as the entry displays it, the digits, the address, or empty for a note."""
    entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class Situation:
    """A situation the user may be in, with the steps to take in the order to take them."""

    id: str
    title: str
    steps: tuple[Step, ...]


EMERGENCY_ID = "uk-emergency-999"
POLICE_101_ID = "uk-police-101"
ANTI_TERRORIST_ID = "uk-anti-terrorist-hotline"
OFFICE_SOUTH_ID = "cst-office-south"
OFFICE_NORTH_ID = "cst-office-north"


def guidance(directory: BuiltinDirectory) -> tuple[Situation, ...]:
    """The situations in the order they are shown: the most urgent first."""
    entries = {entry.id: entry for entry in directory.entries}

    def call(entry_id: str, text: str) -> Step:
        entry = entries.get(entry_id)
        if entry is None:
            raise LookupError(f"the built-in directory has no entry {entry_id!r}")
        return _call(entry, text)

    national = directory.national_line
    emergency = directory.emergency
    south, north = entries[OFFICE_SOUTH_ID], entries[OFFICE_NORTH_ID]
    return (
        Situation("danger", "Someone is in danger now", (
            _call(emergency, "Call 999 first: police, fire, ambulance."),
            _call(national, "Then call CST's 24-hour national emergency line."),
        )),
        Situation("not-emergency", "It is not an emergency", (
            call(POLICE_101_ID, "Call the police non-emergency number."),
            _call(south, f"Then tell CST. {directory.region_name(south.region)}: the London office."),
            _call(north, f"{directory.region_name(north.region)}: the Manchester office."),
        )),
        Situation("suspicious", "Suspicious activity, or an attack you think is being planned", (
            call(ANTI_TERRORIST_ID, "Tell the Anti-Terrorist Hotline: confidential, 24 hours."),
            Step(StepKind.WEB, "Or report it online.", ACT_WEBSITE),
            _call(emergency, "Always dial 999 in an emergency."),
        )),
        Situation("incident", "An antisemitic incident has happened", (
            Step(StepKind.EMAIL, "Report it to CST by email.", REPORT_ADDRESS),
            Step(StepKind.WEB, "Or report it through CST's website.", REPORT_WEBSITE),
            Step(StepKind.NOTE, "Say when and where it happened, what happened, and describe the people "
                                "and any vehicles."),
        )),
        Situation("silent", "You cannot speak or hear on a 999 call", (
            # 55 is pressed during the call, not dialled or copied: the step copies 999 and says when
            # to press it.
            _call(emergency, "Silent Solution: dial 999 and, if you cannot speak, press 55 when asked."),
            _call(emergency, 'emergencySMS: deaf or speech-impaired people register first by texting '
                             '"register" to 999.'),
            Step(StepKind.DIAL, "Relay UK: dial 18000 from a textphone or the Relay UK app.",
                 RELAY_UK_PREFIX),
            Step(StepKind.NOTE, "999 BSL: for British Sign Language users."),
        )),
    )


def _call(entry: Entry, text: str) -> Step:
    return Step(StepKind.CALL, text, entry.number.display, entry.id)


def report_mailto() -> str:
    """A mailto: address for CST's incident reports, with the subject and the template filled in."""
    from urllib.parse import quote  # Only writing a report needs it, not every start.

    return (f"mailto:{REPORT_ADDRESS}?subject={quote(REPORT_SUBJECT)}"
            f"&body={quote(REPORT_TEMPLATE)}")


def no_mail_sentence() -> str:
    """What to do when no mail program took the report: the template is on the clipboard."""
    return (f"No mail program opened. The report template is on the clipboard: paste it into an email to "
            f"{REPORT_ADDRESS}, or report through {REPORT_WEBSITE}.")


def guide_text(situations: Sequence[Situation]) -> str:
    """The guidance as plain text, a number column beside each step, for a terminal or a printout."""
    lines = ["Which number do I call?", ""]
    for situation in situations:
        lines.append(situation.title)
        for step in situation.steps:
            lines.append(f"  {step.shown:<20}  {step.text}".rstrip())
            if step.kind is StepKind.EMAIL:
                lines.extend(f"  {'':<20}  | {line}" for line in REPORT_TEMPLATE.splitlines() if line)
        lines.append("")
    return "\n".join(lines)
