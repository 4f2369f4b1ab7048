"""The status line's confirmations reach a screen reader as announcements, not only as label text."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cst_directory.ui.status_line import StatusLine

Politeness = QAccessible.AnnouncementPoliteness


class Recorder:
    """Keeps each announcement the status line asks for."""

    def __init__(self) -> None:
        self.heard: list[tuple[QWidget, str, QAccessible.AnnouncementPoliteness]] = []

    def __call__(self, widget: QWidget, text: str, politeness: QAccessible.AnnouncementPoliteness) -> None:
        self.heard.append((widget, text, politeness))


def test_a_confirmation_is_announced_politely_from_the_label(qtbot: QtBot) -> None:
    recorder = Recorder()
    line = StatusLine(announce=recorder)
    qtbot.addWidget(line)
    line.confirm("Copied 0800 032 3263.")
    assert recorder.heard == [(line.confirmation, "Copied 0800 032 3263.", Politeness.Polite)]
    assert line.confirmation.text() == "Copied 0800 032 3263."


def test_a_failure_is_announced_assertively(qtbot: QtBot) -> None:
    recorder = Recorder()
    line = StatusLine(announce=recorder)
    qtbot.addWidget(line)
    line.confirm("Could not save.", warning=True)
    assert [(text, politeness) for _, text, politeness in recorder.heard] == [
        ("Could not save.", Politeness.Assertive)]

