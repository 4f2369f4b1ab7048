"""Adding, editing, deleting and starring contacts in the window, by keys and clicks, with a real store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cst_directory.domain.contacts import ContactDraft
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import StorageError, StorageProblem
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.ui.contact_dialog import ContactDialog
from cst_directory.ui.main_window import WATCH_INTERVAL_MS, MainWindow
from tests.ui.conftest import WindowFactory

BookFactory = Callable[[], StoredContactBook]


def open_dialog(qtbot: QtBot, window: MainWindow, key: Qt.Key = Qt.Key.Key_N,
                modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.ControlModifier) -> ContactDialog:
    qtbot.keyClick(window, key, modifier)
    dialogs = [d for d in window.findChildren(ContactDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def personal(window: MainWindow) -> list[Entry]:
    return [e for e in window.entries_shown() if not e.builtin]


def test_add_by_keyboard_formats_as_you_type_and_saves(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.name_field, "Shul security lead")
    qtbot.keyClicks(dialog.number_field, "07911123456")
    assert dialog.number_field.text() == "07911 123456"
    assert dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    added = personal(window)
    assert [(e.name, e.number.display) for e in added] == [("Shul security lead", "07911 123456")]
    current = window.current_entry()
    assert current is not None and current.name == "Shul security lead"
    assert "Saved" in window.confirmation.text()


def test_the_reason_shows_under_the_number_and_save_stays_off(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name_field, "School office")
    for typed, reason in (("12", "too short"), ("abc", "not a phone number"),
                          ("0161 792 66666666", "too long")):
        dialog.number_field.clear()
        qtbot.keyClicks(dialog.number_field, typed)
        assert not dialog.save_button.isEnabled()
        assert dialog.number_reason.isVisible()
        assert reason in dialog.number_reason.text()


def test_unverified_number_needs_the_save_anyway_box(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name_field, "Drama number")
    qtbot.keyClicks(dialog.number_field, "07700900123")
    assert not dialog.save_button.isEnabled()
    assert dialog.save_anyway.isVisible()
    assert "not a number in use" in dialog.number_reason.text()
    qtbot.mouseClick(dialog.save_anyway, Qt.MouseButton.LeftButton, pos=dialog.save_anyway.rect().center())
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [entry] = personal(window)
    assert not entry.number.verified
    assert "Unverified" in entry.badges


def test_a_duplicate_points_to_the_entry_and_can_open_it(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name_field, "Manchester")
    qtbot.keyClicks(dialog.number_field, "+44 161 792 6666")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.duplicate_panel.isVisible()
    assert "CST Manchester office" in dialog.duplicate_label.text()
    assert personal(window) == []
    qtbot.mouseClick(dialog.open_existing_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    current = window.current_entry()
    assert current is not None and current.id == "cst-office-north"


def test_a_duplicate_can_be_saved_anyway(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name_field, "Office again")
    qtbot.keyClicks(dialog.number_field, "0161 792 6666")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_duplicate_button, Qt.MouseButton.LeftButton)
    assert [e.name for e in personal(window)] == ["Office again"]


def test_a_failing_store_keeps_the_dialog_and_everything_typed(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args: object, **_kwargs: object) -> Entry:
        raise StorageError(StorageProblem.FULL, "The disk holding your contacts is full: free some space.")

    monkeypatch.setattr(window.contact_list.book, "add", full)
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name_field, "Neighbour")
    qtbot.keyClicks(dialog.number_field, "07911123456")
    dialog.region_choice.setCurrentIndex(dialog.region_choice.findData("south"))
    qtbot.keyClicks(dialog.notes_field, "Spare key")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "disk holding your contacts is full" in dialog.failure_label.text()
    assert dialog.draft() == ContactDraft("Neighbour", "07911 123456", "south", "Spare key")


def test_edit_delete_and_undo_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    window.contact_list.book.add(ContactDraft("Neighbour", "07911 123456"))
    window.contact_list.reload()
    window.set_query("neighbour")
    window.list_view.setFocus()
    dialog = open_dialog(qtbot, window, Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier)
    assert dialog.name_field.text() == "Neighbour"
    dialog.name_field.clear()
    qtbot.keyClicks(dialog.name_field, "Next-door neighbour")
    qtbot.keyClick(dialog.name_field, Qt.Key.Key_Return)
    window.set_query("")
    assert [e.name for e in personal(window)] == ["Next-door neighbour"]

    window.set_query("next door")
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert personal(window) == []
    assert window.undo_button.isVisible()
    assert "Deleted" in window.confirmation.text()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.name for e in personal(window)] == ["Next-door neighbour"]


def test_undo_button_restores_with_the_same_id(qtbot: QtBot, window: MainWindow) -> None:
    added = window.contact_list.book.add(ContactDraft("Neighbour", "07911 123456"))
    window.contact_list.reload()
    assert window.contact_list.select_entry(added.id)
    qtbot.mouseClick(window.detail.delete_button, Qt.MouseButton.LeftButton)
    assert personal(window) == []
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert [e.id for e in personal(window)] == [added.id]


def test_built_ins_cannot_be_edited_or_deleted(qtbot: QtBot, window: MainWindow) -> None:
    window.set_query("samaritans")
    window.list_view.setFocus()
    count = len(window.entries_shown())
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    qtbot.keyClick(window.list_view, Qt.Key.Key_F2)
    assert len(window.entries_shown()) == count
    assert not [d for d in window.findChildren(ContactDialog) if d.isVisible()]
    assert not window.contact_actions.edit.isEnabled()
    assert not window.detail.delete_button.isVisible()


def test_favourites_come_right_after_999_and_persist(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.set_query("samaritans")
    qtbot.keyClick(window.search_field, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    window.set_query("")
    # 999 stays first on an empty search; favourites come right after it.
    shown = window.entries_shown()
    assert [e.id for e in shown[:2]] == ["uk-emergency-999", "uk-samaritans"] and shown[1].favourite
    window.close()
    again = make_window()
    assert [e.id for e in again.entries_shown()[:2]] == ["uk-emergency-999", "uk-samaritans"]


def test_changes_from_elsewhere_appear_and_keep_search_and_selection(
        qtbot: QtBot, window: MainWindow, make_book: BookFactory) -> None:
    window.set_query("07911")
    # Nothing matches yet, so only the fallback lines are shown: 999 and CST's national line.
    assert [e.id for e in window.entries_shown()] == ["uk-emergency-999", "cst-emergency-south"]
    window.set_query("")
    window.set_query("cst")
    window.list_view.setCurrentIndex(window.model.index(2, 0))
    chosen = window.current_entry()
    other = make_book()
    other.add(ContactDraft("CST volunteer", "07911 123456"))
    qtbot.waitUntil(lambda: any(e.name == "CST volunteer" for e in window.entries_shown()),
                    timeout=WATCH_INTERVAL_MS * 3)
    assert window.search_field.text() == "cst"
    assert window.current_entry() == chosen


def test_a_damaged_store_is_reported_in_the_window(qtbot: QtBot, make_window: WindowFactory,
                                                   data_dir: Path) -> None:
    garbage = b"not a database " * 400
    (data_dir / "contacts.db").write_bytes(garbage)
    window = make_window()
    assert window.warning.isVisible()
    assert "damaged" in window.warning.text()
    kept = list(data_dir.glob("contacts.db.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    assert str(kept[0]) in window.warning.text()
    # A second problem found at start-up joins the first instead of hiding it.
    window.add_warning("Your window settings file was damaged.")
    assert str(kept[0]) in window.warning.text()
    assert window.warning.text().endswith("Your window settings file was damaged.")


def test_bad_text_in_every_field_is_refused_without_a_crash(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    for text in ("", "   ", "x" * 100_000, "\x00\x01binary\xff", "\u202e\u05e7\u05d4\u05d9\u05dc\u05d4"):
        dialog.name_field.setText(text)
        dialog.number_field.setText(text)
        assert not dialog.save_button.isEnabled()
    assert personal(window) == []
    QGuiApplication.clipboard().setText("kept")
    assert QApplication.clipboard().text() == "kept"


def test_a_contact_without_a_region_is_not_called_national(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name_field, "Paris cousin")
    qtbot.keyClicks(dialog.number_field, "+33 1 42 68 53 00")
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    current = window.current_entry()
    assert current is not None and current.name == "Paris cousin" and current.region is None
    assert window.detail.region_label.text() == "Region: none chosen"
    window.set_query("999")
    assert window.detail.region_label.text() == "Region: National"
