"""A keystroke's Python work does not grow with the number of contacts: the list shows the domain's ordered
result, and nothing in Python is asked about each row it does not show."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import cst_directory
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import parse_number
from cst_directory.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory

# Wherever the app is imported from: the source tree, or the installed package the test command uses.
PACKAGE = str(Path(cst_directory.__file__).resolve().parent)
SURNAMES = ("Cohen", "Levy", "Abrams", "Gold", "Stein", "Rosen", "Katz", "Shapiro")


def contacts(count: int) -> list[Entry]:
    numbers = [parse_number(f"07911 {n:06d}") for n in range(100, 110)]
    return [make_entry(id=f"c{i}", name=f"Member {SURNAMES[i % len(SURNAMES)]} {i}",
                       category=Category.PERSONAL, region=("north", "south", None)[i % 3],
                       number=numbers[i % len(numbers)], builtin=False) for i in range(count)]


@contextmanager
def counting_calls() -> Iterator[Counter[str]]:
    """Counts every call of a Python function of the app while the block runs."""
    calls: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_filename.startswith(PACKAGE):
            calls[frame.f_code.co_qualname] += 1

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)


def typing_work(qtbot: QtBot, window: MainWindow, count: int) -> Counter[str]:
    window.set_entries([*window.contact_list.entries(), *contacts(count)])
    total: Counter[str] = Counter()
    for word in ("cohen", "manchester", "0791"):
        window.set_query("")
        # The first look at a kind of query builds what every later one uses: not a keystroke's work.
        window.set_query(word)
        window.set_query("")
        for key in word:
            with counting_calls() as calls:
                qtbot.keyClicks(window.search_field, key)
                # What the key set off, the list's layout and paint included.
                QApplication.processEvents()
            total.update(calls)
    return total


def test_a_keystroke_asks_python_nothing_per_contact(qtbot: QtBot, make_window: WindowFactory) -> None:
    few = typing_work(qtbot, make_window(), 4_000)
    many = typing_work(qtbot, make_window(), 40_000)
    assert few and many
    grown = {name: (few[name], calls) for name, calls in many.items() if calls > 2 * few[name] + 50}
    assert grown == {}
