"""The entries a search runs over, with their texts, numbers and listing orders, changed one at a time."""

# Every per-row pass a keystroke makes here runs inside C (map, compress, bytes, sorted with a built-in
# key), never as a Python loop over the rows; Python runs per hit only where hits are few. A change
# moves one slot in each order already built (a bisection and a list insert) instead of sorting again.

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import attrgetter, contains, itemgetter

from cst_directory.domain.entries import Category, Entry, Role
from cst_directory.domain.phone import PhoneNumber
from cst_directory.domain.text import fold

# Inside a number only from four digits on: "999" must not find every number that contains it.
SUBSTRING_DIGITS = 4
# Words of entry names shorter than this ("CST", "NHS") are left out of the names misspellings are
# compared with: nearly any short typo would be close to one of them.
MIN_SUGGESTION_WORD = 4
_LETTERS = re.compile(r"[^\W\d_]+")
_UK_PREFIX = "44"
# Up to this many hits are sorted one by one into listing order; more are picked out of the order by a
# mask, which costs a pass over the order in C whatever the number of hits.
_FEW_HITS = 256

Hits = list[int] | bytes | bytearray
"""What a search found: a list of slots, or a mask over every slot (1 where the slot matched)."""
OrderKind = tuple[str | None, bool]
"""(the region put first, whether the order is the regional one)."""
_Rank = tuple[int, int, int]
_Profile = tuple[Role | None, bool, bool, str | None, int]
"""The only fields an entry's place in an order depends on besides its name, the category as its rank."""
_ID: Callable[[Entry], str] = attrgetter("id")
_SEARCH_TEXT: Callable[[Entry], str] = attrgetter("search_text")
_SORT_NAME: Callable[[Entry], str] = attrgetter("sort_name")
_NUMBER: Callable[[Entry], PhoneNumber] = attrgetter("number")
_SEARCH_DIGITS: Callable[[PhoneNumber], str] = attrgetter("search_digits")
_DIAL: Callable[[PhoneNumber], str] = attrgetter("dial")
_ALSO_DIAL: Callable[[Entry], tuple[str, ...]] = attrgetter("also_dial")
_E164: Callable[[PhoneNumber], str | None] = attrgetter("e164")
_REGION: Callable[[Entry], str | None] = attrgetter("region")
_ROLE: Callable[[Entry], Role | None] = attrgetter("role")
_BUILTIN: Callable[[Entry], bool] = attrgetter("builtin")
_FAVOURITE: Callable[[Entry], bool] = attrgetter("favourite")
_CATEGORY: Callable[[Entry], Category] = attrgetter("category")
# By the member's id: an Enum's __hash__ is Python code, which a dict lookup per row would run every time.
_RANK_BY_CATEGORY_ID = {id(category): category.rank for category in Category}


def _category_rank(entry: Entry) -> int:
    return _RANK_BY_CATEGORY_ID[id(entry.category)]


def _profile(entry: Entry) -> _Profile:
    return entry.role, entry.builtin, entry.favourite, entry.region, _category_rank(entry)


class SearchIndex:
    """Entries in slots, with what searching them needs, updated one entry at a time."""

    # A slot keeps its number for the index's life: a removed entry leaves its slot empty (never matched,
    # never ordered) and an added one takes a new slot at the end, so result rows never need renumbering.

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries: list[Entry] = list(entries)
        self._live = bytearray(b"\x01") * len(self._entries)
        self._slots = dict(zip(map(_ID, self._entries), range(len(self._entries)), strict=True))
        self._texts: list[str] = list(map(_SEARCH_TEXT, self._entries))
        self._regions: list[str | None] = list(map(_REGION, self._entries))
        self._numbers: _NumberColumns | None = None
        self._name_order: list[int] | None = None
        self._orders: dict[OrderKind, _Order] = {}
        self._region_rows: dict[str, tuple[int, ...]] = {}
        self._roles: dict[Role, int] | None = None
        self._names: dict[str, str] | None = None
        self.version = 0
        """Counts the changes made: whatever was worked out from the index is stale once it moves on."""

    @property
    def entries(self) -> Sequence[Entry]:
        """Every slot's entry, by slot; an emptied slot keeps the entry it last held."""
        return self._entries

    def live_entries(self) -> tuple[Entry, ...]:
        """The entries held, in slot order."""
        return tuple(compress(self._entries, self._live))

    def __len__(self) -> int:
        return len(self._slots)

    def slot_of(self, entry_id: str) -> int | None:
        return self._slots.get(entry_id)

    def put(self, entry: Entry) -> int:
        """Hold entry in place of the one with its id, or in a new slot; the slot either way."""
        slot = self._slots.get(entry.id)
        if slot is None:
            slot = len(self._entries)
            self._entries.append(entry)
            self._live.append(0)
            self._texts.append("")
            self._regions.append(None)
        else:
            old = self._entries[slot]
            # Applying a change twice is harmless, and the second time free.
            if old == entry:
                return slot
            self._take_out(slot, old)
        self._put_in(slot, entry)
        return slot

    def remove(self, entry_id: str) -> int | None:
        """Empty the slot of the entry with this id; the slot it had, or None if none had that id."""
        slot = self._slots.pop(entry_id, None)
        if slot is not None:
            self._take_out(slot, self._entries[slot])
            self._changed()
        return slot

    def order(self, kind: OrderKind) -> _Order:
        order = self._orders.get(kind)
        if order is None:
            order = self._orders[kind] = _Order.build(self._entries, self._names_in_order(), self._texts,
                                                      kind)
        return order

    def region_rows(self, region_id: str) -> tuple[int, ...]:
        """The region's entries and the national ones, in the regional order for that region."""
        rows = self._region_rows.get(region_id)
        if rows is None:
            wanted = {None, region_id}
            order = self.order((region_id, True))
            mask = bytes(map(wanted.__contains__, self._regions))
            rows = self._region_rows[region_id] = order.picked(mask)
        return rows

    def pick(self, hits: Hits, kind: OrderKind) -> tuple[int, ...]:
        """The hits in the order of that kind."""
        order = self.order(kind)
        if isinstance(hits, list):
            if len(hits) <= _FEW_HITS:
                return tuple(sorted(hits, key=order.key_for(self._entries)))
            hits = _mask_of(hits, len(self._entries))
        return order.picked(hits)

    def numbers(self) -> _NumberColumns:
        if self._numbers is None:
            self._numbers = _NumberColumns(self._entries, self._live)
        return self._numbers

    def role_slots(self) -> dict[Role, int]:
        """The slot of the first entry holding each role."""
        if self._roles is None:
            found: dict[Role, int] = {}
            for slot in compress(range(len(self._entries)), self._live):
                role = self._entries[slot].role
                if role is not None and role not in found:
                    found[role] = slot
                    if len(found) == len(Role):
                        break
            self._roles = found
        return self._roles

    def suggestion_names(self, region_names: dict[str, str]) -> dict[str, str]:
        """Folded name -> name as written, of the places, regions and built-in entries."""
        if self._names is None:
            # Places and regions first: "Manchester" the place is offered, not a word of an office's name.
            names = dict(region_names)
            for entry in compress(self._entries, self._live):
                if not entry.builtin:
                    continue
                names.setdefault(entry.sort_name, entry.name)
                for word in _LETTERS.findall(entry.name):
                    if len(word) >= MIN_SUGGESTION_WORD:
                        names.setdefault(fold(word), word)
            self._names = names
        return self._names

    def _take_out(self, slot: int, old: Entry) -> None:
        self._live[slot] = 0
        self._texts[slot] = ""
        self._regions[slot] = None
        if self._name_order is not None:
            del self._name_order[self._name_order.index(slot)]
        for order in self._orders.values():
            order.take_out(slot)
        if self._numbers is not None:
            self._numbers.take_out(slot, old)
        if old.builtin:
            self._names = None

    def _put_in(self, slot: int, entry: Entry) -> None:
        self._entries[slot] = entry
        self._slots[entry.id] = slot
        self._live[slot] = 1
        self._texts[slot] = entry.search_text
        self._regions[slot] = entry.region
        entries = self._entries
        if self._name_order is not None:
            position = bisect.bisect_left(self._name_order, (entry.sort_name, slot),
                                          key=lambda other: (entries[other].sort_name, other))
            self._name_order.insert(position, slot)
        for order in self._orders.values():
            order.put_in(slot, entries)
        if self._numbers is not None:
            self._numbers.put_in(slot, entry)
        if entry.builtin:
            self._names = None
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._region_rows.clear()
        self._roles = None

    def _names_in_order(self) -> list[int]:
        if self._name_order is None:
            names = list(map(_SORT_NAME, self._entries))
            # Stable over slots in order: equal names keep slot order, as an insertion by (name, slot) does.
            self._name_order = sorted(compress(range(len(names)), self._live), key=names.__getitem__)
        return self._name_order


class _Order:
    """One listing order of the held slots, each slot's search text beside it, in the same order."""

    # With the texts in listing order, a text query's hits come out of one pass already in order.

    def __init__(self, kind: OrderKind, slots: list[int], texts: list[str]) -> None:
        self.kind = kind
        self.slots = slots
        self.texts = texts
        self._frozen: tuple[int, ...] | None = None
        self._getter: Callable[[Sequence[int]], tuple[int, ...]] | None = None

    def frozen(self) -> tuple[int, ...]:
        """The slots as a tuple, kept until the order changes: an empty query asks for it every time."""
        if self._frozen is None:
            self._frozen = tuple(self.slots)
        return self._frozen

    def picked(self, mask: bytes | bytearray) -> tuple[int, ...]:
        """The slots marked in mask (indexed by slot), in this order."""
        if len(self.slots) < 2:
            return tuple(slot for slot in self.slots if mask[slot])
        if self._getter is None:
            # One itemgetter reads the mask in this order in C, twice as fast as a map of its __getitem__.
            self._getter = itemgetter(*self.slots)
        return tuple(compress(self.slots, self._getter(mask)))

    @classmethod
    def build(cls, entries: Sequence[Entry], name_order: Sequence[int], texts: Sequence[str],
              kind: OrderKind) -> _Order:
        """A stable sort of the name order by rank. An entry's rank depends on a few fields only, so each
        distinct set of them is ranked once and every pass over the rows runs in C: zip reuses one tuple
        throughout, where a tuple made per row would wake the garbage collector over and over."""
        category_ranks = map(_RANK_BY_CATEGORY_ID.__getitem__, map(id, map(_CATEGORY, entries)))
        columns = (list(map(_ROLE, entries)), list(map(_BUILTIN, entries)), list(map(_FAVOURITE, entries)),
                   list(map(_REGION, entries)), list(category_ranks))
        ranks = {profile: _rank(profile, kind) for profile in set(zip(*columns, strict=True))}
        places = {rank: place for place, rank in enumerate(sorted(set(ranks.values())))}
        by_profile = {profile: places[rank] for profile, rank in ranks.items()}
        keys = list(map(by_profile.__getitem__, zip(*columns, strict=True)))
        slots = sorted(name_order, key=keys.__getitem__)
        return cls(kind, slots, list(map(texts.__getitem__, slots)))

    def key_for(self, entries: Sequence[Entry]) -> Callable[[int], tuple[_Rank, str, int]]:
        kind = self.kind

        def key(slot: int) -> tuple[_Rank, str, int]:
            entry = entries[slot]
            return _rank(_profile(entry), kind), entry.sort_name, slot
        return key

    def take_out(self, slot: int) -> None:
        self._frozen = self._getter = None
        position = self.slots.index(slot)
        del self.slots[position]
        del self.texts[position]

    def put_in(self, slot: int, entries: Sequence[Entry]) -> None:
        self._frozen = self._getter = None
        key = self.key_for(entries)
        position = bisect.bisect_left(self.slots, key(slot), key=key)
        self.slots.insert(position, slot)
        self.texts.insert(position, entries[slot].search_text)


def _rank(profile: _Profile, kind: OrderKind) -> _Rank:
    """Where an entry with this profile goes in an order, before its name.

    Listing order (an empty search, names, numbers): 999; favourites; CST's national line; then the rest.
    Regional order (a place, postcode, dialling code or region): CST's national line, so that Enter
    copies it while 999 stands in the banner above; the region's own CST lines (for an unassigned place
    both regions'); 999; favourites; the rest.
    Within a tier: emergency lines, helplines, offices, services, own contacts; within each kind the focus
    region's lines, then national ones, then the other region's.
    """
    focus_region, regional = kind
    role, builtin, favourite, region, category_rank = profile
    if regional:
        if role is Role.NATIONAL_LINE:
            tier = 0
        elif builtin and region is not None and focus_region in (None, region):
            tier = 1
        elif role is Role.EMERGENCY:
            tier = 2
        else:
            tier = 3 if favourite else 4
    elif role is Role.EMERGENCY:
        tier = 0
    elif favourite:
        tier = 1
    else:
        tier = 2 if role is Role.NATIONAL_LINE else 3
    place = (1 if focus_region else 0) if region is None else 0 if region == focus_region else 2
    return tier, category_rank, place


class _NumberColumns:
    """Every slot's number digits, and the digit strings entries are dialled by, sorted for bisection."""

    # A prefix finds the numbers it starts by bisection; the numbers holding it are found by a pass in C.

    def __init__(self, entries: Sequence[Entry], live: bytearray) -> None:
        numbers = list(map(_NUMBER, entries))
        self.national: list[str] = list(map(_SEARCH_DIGITS, numbers))
        """National significant digits (or the short code) by slot."""
        self.e164 = [full[1:] if full else "" for full in map(_E164, numbers)]
        """International digits without the "+" by slot; "" for short codes."""
        uk = bytes(map(str.startswith, self.e164, repeat(_UK_PREFIX)))
        self.uk_national = [national if is_uk else ""
                            for national, is_uk in zip(self.national, uk, strict=True)]
        """The same for full UK numbers only: short codes are never dialled with a 0 or +44 in front."""
        empty = bytes(map((1).__sub__, live))
        for column in (self.national, self.e164, self.uk_national):
            # An empty slot holds no digits: no query, which always has some, finds it.
            for slot in compress(range(len(entries)), empty):
                column[slot] = ""
        held = list(compress(range(len(entries)), live))
        # Only short codes and built-ins with other numbers (112 for 999) are dialled by digits a query
        # of this kind can start; the national digits of every slot are indexed as they are.
        local = bytes(map((1).__sub__, map(str.startswith, map(_DIAL, numbers), repeat("0"))))
        others = bytes(map(bool, map(len, map(_ALSO_DIAL, entries))))
        extra = [(digits, slot) for slot in compress(range(len(entries)), map(max, local, others))
                 if live[slot] for digits in _dialled(entries[slot]) if digits != self.national[slot]]
        self._extra = extra
        digits = [*self.national, *(digits for digits, _ in extra)]
        owners = [*range(len(entries)), *(slot for _, slot in extra)]
        # Sorted by a key rather than as (digits, slot) pairs: a tuple per row would be many thousands of
        # objects for the garbage collector to walk.
        ordered = sorted([*held, *range(len(entries), len(digits))], key=digits.__getitem__)
        self._any = _PrefixIndex(list(map(digits.__getitem__, ordered)),
                                 list(map(owners.__getitem__, ordered)))
        # The UK index is the part of that order that holds UK national digits: no second sort.
        is_uk = [*map(bool, self.uk_national), *repeat(False, len(extra))]
        ordered = list(compress(ordered, map(is_uk.__getitem__, ordered)))
        self._uk = _PrefixIndex(list(map(digits.__getitem__, ordered)), ordered)

    def uk(self, national: str) -> Hits:
        if len(national) >= SUBSTRING_DIGITS:
            # A number that starts with the digits also holds them: the one pass finds both.
            return bytes(map(contains, self.uk_national, repeat(national)))
        starting = self._uk.starting(national)
        if len(starting) <= _FEW_HITS:
            return starting
        # Many hits ("07" finds every mobile) are marked by one pass in C rather than one by one.
        if not national:
            return bytes(map(bool, self.uk_national))
        return bytes(map(str.startswith, self.uk_national, repeat(national)))

    def short_or_national(self, digits: str) -> Hits:
        starting = self._any.starting(digits)
        # Inside a number only from four digits on: "999" must not find every number that contains it.
        if len(digits) < SUBSTRING_DIGITS:
            if len(starting) <= _FEW_HITS:
                # One entry can have two digit strings that start alike (its dialled and its national
                # digits): it is listed once.
                return list(dict.fromkeys(starting))
            mask = bytearray(map(str.startswith, self.national, repeat(digits)))
        else:
            mask = bytearray(map(contains, self.national, repeat(digits)))
        # Short codes and other numbers of built-ins (112) besides the national digits: few, marked singly.
        _mark(mask, (slot for digits_, slot in self._extra if digits_.startswith(digits)))
        return mask

    def international(self, digits: str) -> Hits:
        """Numbers whose international form starts with digits (not empty)."""
        return bytes(map(str.startswith, self.e164, repeat(digits)))

    def take_out(self, slot: int, entry: Entry) -> None:
        if self.uk_national[slot]:
            self._uk.discard(self.uk_national[slot], slot)
        for digits in {self.national[slot], *_dialled(entry)}:
            self._any.discard(digits, slot)
        self._extra = [(digits, owner) for digits, owner in self._extra if owner != slot]
        self.national[slot] = self.uk_national[slot] = self.e164[slot] = ""

    def put_in(self, slot: int, entry: Entry) -> None:
        for column in (self.national, self.uk_national, self.e164):
            if len(column) <= slot:
                column.extend([""] * (slot + 1 - len(column)))
        number = entry.number
        full = (number.e164 or "")[1:]
        self.national[slot] = number.search_digits
        self.e164[slot] = full
        self.uk_national[slot] = number.search_digits if full.startswith(_UK_PREFIX) else ""
        if self.uk_national[slot]:
            self._uk.add(self.uk_national[slot], slot)
        for digits in {number.search_digits, *_dialled(entry)}:
            self._any.add(digits, slot)
        self._extra += [(digits, slot) for digits in _dialled(entry) if digits != number.search_digits]


def _dialled(entry: Entry) -> set[str]:
    """The digit strings besides the national digits that a number query can start: a dialled form
    starting with 0 never is one (such a query is read as a UK number)."""
    return {digits for digits in (entry.number.dial, *entry.also_dial) if not digits.startswith("0")}


class _PrefixIndex:
    """Digit strings in sorted order, each with the slot it belongs to."""

    def __init__(self, digits: list[str], slots: list[int]) -> None:
        """digits in sorted order, and the slot each belongs to."""
        self._digits = digits
        self._slots = slots

    def starting(self, prefix: str) -> list[int]:
        # ":" sorts just after "9": every string of digits that starts with prefix lies in this range.
        low = bisect.bisect_left(self._digits, prefix)
        high = bisect.bisect_left(self._digits, prefix + ":", low)
        return self._slots[low:high]

    def add(self, digits: str, slot: int) -> None:
        position = bisect.bisect_right(self._digits, digits)
        self._digits.insert(position, digits)
        self._slots.insert(position, slot)

    def discard(self, digits: str, slot: int) -> None:
        low = bisect.bisect_left(self._digits, digits)
        high = bisect.bisect_right(self._digits, digits, low)
        for position in range(low, high):
            if self._slots[position] == slot:
                del self._digits[position]
                del self._slots[position]
                return


def _mask_of(slots: list[int], size: int) -> bytearray:
    mask = bytearray(size)
    _mark(mask, slots)
    return mask


def _mark(mask: bytearray, slots: Iterable[int]) -> None:
    # Sets mask[slot] = 1 for every slot, the loop run by deque in C rather than by the interpreter.
    deque(map(mask.__setitem__, slots, repeat(1)), maxlen=0)
