"""Tab moves through the main window in reading order, and every control is reached without a mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from cst_directory.ui.main_window import MainWindow

# More than one full cycle through the window's controls.
PRESSES = 30


def tab_cycle(qtbot: QtBot, window: MainWindow, presses: int = PRESSES) -> list[QWidget]:
    """The widgets that hold the focus after each Tab, starting from the search field."""
    window.search_field.setFocus()
    reached: list[QWidget] = []
    for _ in range(presses):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not None
        reached.append(now)
    return reached


def test_tab_from_the_search_field_goes_in_reading_order(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search_field, "999")
    pane = window.detail
    expected = [window.region_choice, window.add_button, window.list_view, pane.scroll_area, pane.copy_button,
                pane.call_button, pane.favourite_button, window.guide_button, window.search_field]
    assert tab_cycle(qtbot, window, len(expected)) == expected


def test_every_enabled_control_of_the_main_window_is_reached_by_tab(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search_field, "contact")
    window.status.confirm("Deleted “x”.", undo=True)  # shows Undo, which is otherwise hidden
    controls: list[QWidget] = [widget for widget in window.findChildren(QWidget)
                if isinstance(widget, QAbstractButton | QLineEdit | QComboBox)
                and widget.isVisibleTo(window) and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus]
    controls.append(window.list_view)
    reached = set(tab_cycle(qtbot, window))
    missed = [f"{type(w).__name__} {w.accessibleName()!r}" for w in controls if w not in reached]
    assert window.undo_button in controls
    assert not missed, f"Not reached by Tab within {PRESSES} presses: {missed}"


# An open menu grabs the keyboard, which the offscreen platform cannot do; the menu opens all the same.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_menus_open_with_alt_and_their_letter(qtbot: QtBot, window: MainWindow) -> None:
    actions = window.menuBar().actions()
    assert actions
    for action in actions:
        menu = action.menu()
        assert isinstance(menu, QMenu)
        text = action.text()
        assert "&" in text, f"The menu {text!r} has no mnemonic letter"
        letter = text[text.index("&") + 1]
        qtbot.keyClick(window, letter, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(menu.isVisible, timeout=2000)
        menu.hide()
