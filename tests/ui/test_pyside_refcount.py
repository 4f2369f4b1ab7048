"""Guards against PySide6 6.12.0 losing a reference to None per void call, which aborts Python 3.11."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 10_000


def test_void_qt_calls_keep_the_reference_count_of_none(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")  # returns void: the buggy release drops a reference to None each time
    after = sys.getrefcount(None)
    # Python 3.12+ makes None immortal (a constant huge count); on 3.11 the count must not fall.
    assert after >= before - 100, f"None lost {before - after} references over {CALLS} void calls"
