"""The detail pane at the smallest window: every line shown whole, none over another, and a long badge or
region wraps instead of making the window wider."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel

from cst_directory.ui.main_window import MainWindow

# The smallest window a user can have: the window keeps its minimum size, so asking for less gives that.
SMALLEST = (1, 1)


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def select(window: MainWindow, entry_id: str) -> None:
    window.set_query("")
    for row in range(window.model.rowCount()):
        index = window.model.index(row, 0)
        if window.entries_shown()[row].id == entry_id:
            window.list_view.setCurrentIndex(index)
            settle()
            return
    raise AssertionError(f"{entry_id} is not listed")


def label_rect(window: MainWindow, label: QLabel) -> QRect:
    return QRect(label.mapTo(window.detail, QPoint(0, 0)), label.size())


def test_every_line_of_the_pane_is_whole_and_apart_at_the_smallest_window(window: MainWindow) -> None:
    window.show()
    window.resize(*SMALLEST)
    settle()
    for entry in window.entries_shown():
        select(window, entry.id)
        shown = [label for label in window.detail.text_labels() if label.text()]
        for label in shown:
            if label.wordWrap():
                assert label.height() >= label.heightForWidth(label.width()), (entry.id, label.text())
            else:
                assert label.width() >= label.sizeHint().width(), (entry.id, label.text())
        rects = [label_rect(window, label) for label in shown]
        for upper, lower in itertools.pairwise(rects):
            assert upper.bottom() < lower.top(), (entry.id, upper, lower)
        # Whatever does not fit the pane's height is reached by scrolling, not squeezed away.
        scroll = window.detail.scroll_area
        content = scroll.widget()
        assert content is not None
        assert content.height() >= content.minimumSizeHint().height()


def test_a_long_badge_wraps_instead_of_widening_the_window(window: MainWindow) -> None:
    window.show()
    window.resize(*SMALLEST)
    settle()
    # Both numbers take the same digits' width; only the 2015 line has the long "not confirmed" badge.
    select(window, "cst-emergency-south")
    width = window.width()
    select(window, "cst-emergency-north")
    assert window.width() == width
    assert window.detail.badges_label.height() >= window.detail.badges_label.heightForWidth(
        window.detail.badges_label.width())
