"""Realistic contacts for the benchmarks, and contact files seeded with them once per size.

Each size is stored once through ContactStore into a template folder, kept between runs while the app's
storage and domain code are unchanged, and copied afresh for every timed run.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import cst_directory
from cst_directory.domain.contacts import ContactDraft, ValidContact, validate_contact
from cst_directory.domain.text import digits_of, fold
from cst_directory.storage.contact_store import ContactStore

# Bump when the generator changes, so that templates seeded by an older one are not reused.
GENERATOR_VERSION = "1"
SURNAME_QUERY = "rosenthal"

FIRST_NAMES = (
    "Aaron", "Abigail", "Adam", "Alice", "Amelia", "Ari", "Benjamin", "Beth", "Chaim", "Charlotte",
    "Daniel", "David", "Deborah", "Dina", "Eli", "Eliza", "Emma", "Esther", "Ezra", "Gabriel", "Grace",
    "Hannah", "Harry", "Isaac", "Jack", "Jacob", "Jonathan", "Joseph", "Joshua", "Judith", "Leah",
    "Lily", "Louis", "Maya", "Meir", "Michael", "Miriam", "Moshe", "Naomi", "Nathan", "Noah", "Olivia",
    "Oscar", "Rachel", "Rebecca", "Reuben", "Ruth", "Sam", "Samuel", "Sarah", "Shira", "Simon", "Sophie",
    "Tamar", "Thomas", "Tova", "Yael", "Yosef", "Zac", "Zoe",
)
# No surname contains another's letters as the query's do, so the surname query narrows to one family.
SURNAMES = (
    "Abrahams", "Adler", "Ansell", "Appleby", "Baker", "Bamberger", "Barnett", "Benjamin", "Berg",
    "Berkovitz", "Bernstein", "Black", "Bloom", "Braun", "Brodie", "Caplan", "Carter", "Chapman",
    "Clarke", "Cohen", "Collins", "Cooper", "Davis", "Diamond", "Dreyfus", "Edwards", "Ehrlich",
    "Elias", "Evans", "Feldman", "Fine", "Fisher", "Fleming", "Frankel", "Freedman", "Friedman",
    "Gabay", "Gold", "Goldberg", "Goldsmith", "Goodman", "Gordon", "Green", "Greenbaum", "Gross",
    "Halpern", "Harris", "Hart", "Hayes", "Heller", "Hirsch", "Hoffman", "Hughes", "Isaacs", "Jacobs",
    "Jaffe", "Joseph", "Kahn", "Kaplan", "Katz", "Kaufman", "King", "Klein", "Kramer", "Landau",
    "Lazarus", "Lee", "Lehrer", "Leigh", "Levene", "Levi", "Levy", "Lewis", "Lipman", "Lyons",
    "Marks", "Martin", "Meyer", "Mitchell", "Mordecai", "Morris", "Moses", "Nathan", "Newman",
    "Oppenheim", "Owen", "Palmer", "Perlman", "Phillips", "Pinto", "Price", "Rabin", "Rapp",
    "Reiss", "Roberts", "Rose", SURNAME_QUERY.title(), "Roth", "Rubin", "Sachs", "Salomon", "Samuels",
    "Schneider", "Schwartz", "Segal", "Shapiro", "Sherman", "Silver", "Simons", "Singer", "Solomon",
    "Spiegel", "Stein", "Stern", "Taylor", "Turner", "Walker", "Ward", "Weiss", "White", "Wolf",
    "Wright", "Young", "Zimmerman",
)
ROLES = ("", "", "", "", "", "", " (work)", " (home)", " (mobile)", " - shul security", " - school office")
NOTES = ("", "", "", "", "", "", "Security rota, Shabbat mornings", "Caretaker, term time only",
         "Ask for the duty manager", "Neighbour, spare key")
# Prefixes phonenumbers accepts as valid whatever digits follow them (checked over thousands of draws),
# each with how many digits follow and how a person would type the number.
MOBILES = ("07400", "07123", "07811", "07542", "07956", "07878", "07449", "07984", "07375", "07392", "07507")
LANDLINES: tuple[tuple[str, int, Callable[[str], str]], ...] = (
    ("0207", 7, lambda n: f"020 {n[3:7]} {n[7:]}"),
    ("0208", 7, lambda n: f"020 {n[3:7]} {n[7:]}"),
    ("0203", 7, lambda n: f"020 {n[3:7]} {n[7:]}"),
    ("0161", 7, lambda n: f"0161 {n[4:7]} {n[7:]}"),
    ("0141", 7, lambda n: f"0141 {n[4:7]} {n[7:]}"),
    ("0151", 7, lambda n: f"0151 {n[4:7]} {n[7:]}"),
    ("01132", 6, lambda n: f"0113 {n[4:7]} {n[7:]}"),
    ("01727", 6, lambda n: f"{n[:5]} {n[5:]}"),
    ("01923", 6, lambda n: f"{n[:5]} {n[5:]}"),
    ("01708", 6, lambda n: f"{n[:5]} {n[5:]}"),
)


def drafts(count: int, seed: int = 9) -> list[ContactDraft]:
    """count contacts as a person would type them: names with surnames, UK mobile and landline numbers
    (no two alike), a region for some, a note for a few. The same count always gives the same contacts."""
    rng = random.Random(f"{seed}:{count}")
    numbers: set[str] = set()
    made: list[ContactDraft] = []
    while len(made) < count:
        if rng.random() < 0.6:
            digits = rng.choice(MOBILES) + "".join(rng.choices("0123456789", k=6))
            typed = f"{digits[:5]} {digits[5:]}" if rng.random() < 0.8 else f"+44 {digits[1:5]} {digits[5:]}"
        else:
            prefix, more, layout = rng.choice(LANDLINES)
            digits = prefix + "".join(rng.choices("0123456789", k=more))
            typed = layout(digits)
        if digits in numbers:
            continue
        numbers.add(digits)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}{rng.choice(ROLES)}"
        region = rng.choices((None, "north", "south"), weights=(6, 2, 2))[0]
        made.append(ContactDraft(name=name, number=typed, region=region, notes=rng.choice(NOTES)))
    return made


def folded_texts(contacts: Iterable[ContactDraft]) -> list[str]:
    """What a plain filter would scan: each contact's name, notes and number digits, folded once."""
    return [fold(f"{d.name} {d.notes} {digits_of(d.number)}") for d in contacts]


def validated(contacts: Iterable[ContactDraft]) -> list[ValidContact]:
    return [validate_contact(draft) for draft in contacts]


def store_contacts(store: ContactStore, contacts: list[ValidContact]) -> str:
    """Add them through the store's batch call where it has one, else one add() each; says which."""
    add_many = getattr(store, "add_many", None)
    if callable(add_many):
        add_many(contacts)
        return "ContactStore.add_many"
    for contact in contacts:
        store.add(contact)
    return "a loop of ContactStore.add"


@dataclass(frozen=True, slots=True)
class Template:
    """A data folder holding a seeded contacts file, to be copied for each run."""

    folder: Path
    size: int
    method: str
    """How it was stored: the batch call or a loop of add()."""
    seconds: float
    """How long storing took when it was seeded (0 for an empty one)."""
    reused: bool

    def copy_to(self, target: Path) -> Path:
        """A fresh data folder with the seeded file: the runs never share a file or its change log."""
        shutil.copytree(self.folder, target, ignore=shutil.ignore_patterns("instance.lock", "settings.ini"))
        target.chmod(0o700)
        return target


def code_key() -> str:
    """Changes whenever the code that writes or reads contact files does."""
    package = Path(cst_directory.__file__).parent
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for path in sorted([*package.glob("storage/*.py"), *package.glob("domain/*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def template(size: int, cache: Path, *, reuse: bool = True) -> Template:
    """The template folder for size, seeded now unless one seeded by the same code is kept in cache."""
    key = f"{code_key()}-{size}"
    folder = cache / key
    facts = cache / f"{key}.json"
    if reuse and folder.is_dir() and facts.is_file():
        known = json.loads(facts.read_text(encoding="utf-8"))
        return Template(folder, size, str(known["method"]), float(known["seconds"]), reused=True)
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{key}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    contacts = validated(drafts(size))
    store = ContactStore(partial)
    start = time.perf_counter()
    method = store_contacts(store, contacts) if contacts else "nothing to store"
    seconds = time.perf_counter() - start
    store.close()
    # Whatever the first open of a file does once (a migration, filling new columns) is done here, so
    # that it never falls in a timed run.
    ContactStore(partial).close()
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    facts.write_text(json.dumps({"method": method, "seconds": seconds}), encoding="utf-8")
    return Template(folder, size, method, seconds, reused=False)


def prune(cache: Path) -> None:
    """Remove templates seeded by other versions of the code: each can be tens of megabytes."""
    if not cache.is_dir():
        return
    current = code_key()
    for path in cache.iterdir():
        if not path.name.startswith(current + "-"):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
