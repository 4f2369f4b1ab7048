"""The window driven as a person drives it: keys typed into it, the clipboard read back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cst_directory.ui.entry_model import BADGES_ROLE
from cst_directory.ui.main_window import MainWindow
from tests.ui.conftest import RecordingOpener, WindowFactory

NATIONAL_CST = "0800 032 3263"
NORTHERN_CST = {"0800 980 0668", "0161 792 6666"}
SOUTHERN_CST = {"020 8457 9999"}


def type_query(qtbot: QtBot, window: MainWindow, text: str) -> None:
    qtbot.keyClicks(window.search_field, text)


def test_search_has_focus_at_launch(window: MainWindow) -> None:
    assert QApplication.focusWidget() is window.search_field


def test_typing_manchester_and_enter_copies_csts_national_line(qtbot: QtBot, window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("something else")
    type_query(qtbot, window, "manchester")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    copied = QGuiApplication.clipboard().text()
    assert copied == NATIONAL_CST
    assert window.confirmation.text() == f"Copied {copied}"
    assert window.confirmation.isVisible()


def test_region_query_hides_the_other_regions_cst_lines(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "manchester")
    shown = [e.number.display for e in window.entries_shown()]
    assert set(shown) >= NORTHERN_CST
    assert not set(shown) & SOUTHERN_CST
    # The national line, then the 2015 northern line and the Manchester office, then 999.
    assert shown[:4] == [NATIONAL_CST, "0800 980 0668", "0161 792 6666", "999"]


def test_london_postcode_district_selects_the_national_line_then_the_office(
        qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "NW4")
    entry = window.current_entry()
    assert entry is not None
    assert entry.number.display == NATIONAL_CST
    assert "NW4" in window.notice.text()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    office = window.current_entry()
    assert office is not None and office.region == "south"
    assert office.number.display in SOUTHERN_CST


@pytest.mark.parametrize("query", ["Leeds", "NW4", "M7 4JD", "Gol", "0161", "Cardiff", "northern"])
def test_a_region_query_then_enter_copies_the_national_line(qtbot: QtBot, window: MainWindow,
                                                            query: str) -> None:
    QGuiApplication.clipboard().setText("something else")
    type_query(qtbot, window, query)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == NATIONAL_CST


def test_escape_then_enter_copies_999_even_with_a_favourite(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "samaritans")
    qtbot.keyClick(window.search_field, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.current_entry() is not None and window.current_entry().favourite  # type: ignore[union-attr]
    type_query(qtbot, window, " and more")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    QGuiApplication.clipboard().setText("something else")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == "999"
    ids = [e.id for e in window.entries_shown()]
    assert ids[:3] == ["uk-emergency-999", "uk-samaritans", "cst-emergency-south"]


@pytest.mark.parametrize("typed", ["M7 4JD", "N16 5AB", "golders green", "112"])
def test_typing_key_by_key_never_shows_an_empty_list(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    for key in typed:
        qtbot.keyClicks(window.search_field, key)
        text = window.search_field.text()
        assert window.entries_shown(), f"nothing shown for {text!r}"
        assert "No entry matches" not in window.notice.text(), text
        assert window.current_entry() is not None


def test_a_misspelt_place_is_offered_and_its_lines_shown(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "Manchster")
    assert "Did you mean Manchester?" in window.notice.text()
    assert "Manchester is in CST's Manchester & northern regions" in window.notice.text()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == NATIONAL_CST


def test_rows_of_old_sources_say_so(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "0800 980 0668")
    badges = window.model.index(0, 0).data(BADGES_ROLE)
    assert "Source from 2015: check cst.org.uk" in badges


def test_unassigned_place_shows_both_regions_and_says_so(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "Cardiff")
    shown = {e.number.display for e in window.entries_shown()}
    assert shown >= NORTHERN_CST | SOUTHERN_CST
    assert "has not published which office covers Cardiff" in window.notice.text()


def test_escape_clears_the_search_and_shows_everything(qtbot: QtBot, window: MainWindow) -> None:
    everything = len(window.entries_shown())
    type_query(qtbot, window, "samaritans")
    assert len(window.entries_shown()) == 1
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    assert len(window.entries_shown()) == everything
    assert QApplication.focusWidget() is window.search_field


def test_escape_from_the_list_returns_to_an_empty_search(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "cst")
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    assert QApplication.focusWidget() is window.search_field


def test_up_and_down_move_the_selection_and_enter_copies_it(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "cst")
    first = window.current_entry()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    second = window.current_entry()
    assert first is not None and second is not None and first != second
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == second.number.display
    qtbot.keyClick(window.search_field, Qt.Key.Key_Up)
    assert window.current_entry() == first
    qtbot.keyClick(window.search_field, Qt.Key.Key_Up)
    assert window.current_entry() == first


def test_ctrl_f_focuses_and_selects_the_search(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "leeds")
    window.list_view.setFocus()
    assert QApplication.focusWidget() is window.list_view
    qtbot.keyClick(window.list_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_field
    assert window.search_field.selectedText() == "leeds"


def test_enter_in_the_list_copies_the_current_row(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "samaritans")
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == "116 123"


def test_detail_pane_shows_source_date_and_both_forms(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "0161 792 6666")
    pane = window.detail
    assert pane.number_label.text() == "0161 792 6666"
    assert "+44 161 792 6666" in pane.international_label.text()
    assert "CST blog" in pane.source_label.text()
    assert "16 January 2015" in pane.source_label.text()
    assert "Manchester & northern regions" in pane.region_label.text()


def test_copy_buttons_copy_national_and_international_forms(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "0800 032 3263")
    qtbot.mouseClick(window.detail.copy_international_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "+44 800 032 3263"
    qtbot.mouseClick(window.detail.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "0800 032 3263"


def test_short_codes_cannot_be_copied_in_international_form(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "101")
    assert window.current_entry() is not None
    assert not window.detail.copy_international_button.isEnabled()
    assert "dial 101" in window.detail.international_label.text()


def test_call_hands_the_tel_uri_to_the_system(qtbot: QtBot, window: MainWindow,
                                              opener: RecordingOpener) -> None:
    type_query(qtbot, window, "samaritans")
    qtbot.mouseClick(window.detail.call_button, Qt.MouseButton.LeftButton)
    assert opener.urls == ["tel:116123;phone-context=+44"]


def test_call_without_a_handler_says_to_dial(qtbot: QtBot, window: MainWindow,
                                            opener: RecordingOpener) -> None:
    opener.answer = False
    type_query(qtbot, window, "0161 792 6666")
    qtbot.mouseClick(window.detail.call_button, Qt.MouseButton.LeftButton)
    assert "dial 0161 792 6666" in window.confirmation.text()


FALLBACK_IDS = ["uk-emergency-999", "cst-emergency-south"]


def test_no_match_says_so_and_still_shows_999_and_the_national_line(qtbot: QtBot, window: MainWindow) -> None:
    everything = len(window.entries_shown())
    type_query(qtbot, window, "zzzz")
    assert [e.id for e in window.entries_shown()] == FALLBACK_IDS
    assert "No entry matches “zzzz”" in window.notice.text()
    assert "call 999" in window.notice.text()
    assert "CST National Emergency Number (24/7)" in window.notice.text()
    assert "Escape" in window.notice.text()
    assert window.notice.isVisible()
    QGuiApplication.clipboard().setText("unchanged")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == "999"
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == NATIONAL_CST
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert len(window.entries_shown()) == everything


def test_odd_queries_neither_crash_nor_fill_the_window(qtbot: QtBot, window: MainWindow) -> None:
    for query in ("x" * 10_000, "😀🚨", "\x00\x07\x1b[2J", "\u202etnegrme", "{}[]%%"):
        window.set_query(query)
        assert [e.id for e in window.entries_shown()] == FALLBACK_IDS
        assert len(window.notice.text()) < 200
        qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
        assert window.entries_shown()


def test_region_choice_orders_and_is_remembered(qtbot: QtBot, make_window: WindowFactory) -> None:
    first = make_window()
    north = first.region_choice.findData("north")
    first.region_choice.setCurrentIndex(north)
    shown = [e.id for e in first.entries_shown()]
    assert shown[:3] == ["uk-emergency-999", "cst-emergency-south", "cst-emergency-north"]
    assert shown.index("cst-office-north") < shown.index("cst-office-south")
    assert first.current_entry() is not None and first.current_entry().id == "uk-emergency-999"  # type: ignore[union-attr]
    first.resize(777, 555)
    first.close()

    second = make_window()
    assert second.region_choice.currentData() == "north"
    assert second.size().width() == 777 and second.size().height() == 555
    shown = [e.id for e in second.entries_shown()]
    assert shown.index("cst-office-north") < shown.index("cst-office-south")


def test_banner_is_always_visible(qtbot: QtBot, window: MainWindow) -> None:
    for query in ("", "zzzz", "manchester"):
        window.set_query(query)
        assert window.banner.isVisible()
        assert "call 999 first" in window.banner.text()
