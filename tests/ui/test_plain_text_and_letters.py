"""What is shown is what is dialled: names and notes shown as typed, never as HTML, and a number typed with
letters saved only as the digits the dialog showed, once the user has ticked them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from cst_directory.domain.contacts import ContactDraft
from cst_directory.domain.entries import Category, Entry, make_entry
from cst_directory.domain.phone import parse_number
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.ui.contact_dialog import ContactDialog
from cst_directory.ui.detail_pane import DetailPane
from cst_directory.ui.main_window import MainWindow

HTML_NAME = "<font color=red size=7>999</font>"
HTML_NOTES = "<b>Call</b> <a href='tel:999'>0800 032 3263</a><br>first"
REGIONS = [("south", "London & southern"), ("north", "Manchester & northern")]


def rendered(label: QLabel, text_format: Qt.TextFormat | None = None) -> QImage:
    """The label as drawn, or as a label just like it would draw its text in another format."""
    if text_format is None:
        return label.grab().toImage()
    # A sibling inherits the same style sheet and palette, so the format is the only difference.
    twin = QLabel(label.parentWidget())
    twin.setFont(label.font())
    twin.setWordWrap(label.wordWrap())
    twin.setTextFormat(text_format)
    twin.setText(label.text())
    twin.resize(label.size())
    try:
        return twin.grab().toImage()
    finally:
        twin.deleteLater()


def assert_shown_literally(label: QLabel, typed: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == typed
    image = rendered(label)
    assert image == rendered(label, Qt.TextFormat.PlainText)
    # The comparison can tell the two apart: drawn as HTML, the same text looks different.
    assert image != rendered(label, Qt.TextFormat.RichText)


def personal_entry(name: str, notes: str = "") -> Entry:
    return make_entry(id="p-1", name=name, category=Category.PERSONAL, region=None,
                      number=parse_number("07911 123456"), builtin=False, notes=notes)


# --- the detail pane ------------------------------------------------------------------------------


def test_every_label_of_the_detail_pane_is_plain_text(qtbot: QtBot) -> None:
    pane = DetailPane({None: "National", "south": "London & southern"}, checked="2025-01-01")
    qtbot.addWidget(pane)
    pane.show_entry(personal_entry(HTML_NAME, HTML_NOTES))
    pane.resize(600, 500)
    pane.show()
    qtbot.waitExposed(pane)
    for label in pane.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    assert_shown_literally(pane.name_label, HTML_NAME)
    assert_shown_literally(pane.notes_label, HTML_NOTES)


def test_a_name_typed_with_html_is_shown_literally_once_saved(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [dialog] = [d for d in window.findChildren(ContactDialog) if d.isVisible()]
    qtbot.keyClicks(dialog.name_field, HTML_NAME)
    qtbot.keyClicks(dialog.number_field, "07911123456")
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    current = window.current_entry()
    assert current is not None and current.name == HTML_NAME
    assert window.detail.entry == current
    assert_shown_literally(window.detail.name_label, HTML_NAME)


# --- the dialog -----------------------------------------------------------------------------------


class RecordingSaver:
    """Stores through a real contact book and remembers every draft it was given."""

    def __init__(self, book: StoredContactBook) -> None:
        self.book = book
        self.drafts: list[ContactDraft] = []

    def __call__(self, draft: ContactDraft, allow_unverified: bool, allow_duplicate: bool) -> Entry:
        self.drafts.append(draft)
        return self.book.add(draft, allow_unverified=allow_unverified, allow_duplicate=allow_duplicate)


@pytest.fixture
def saver(make_book: Callable[[], StoredContactBook]) -> RecordingSaver:
    return RecordingSaver(make_book())


@pytest.fixture
def dialog(qtbot: QtBot, saver: RecordingSaver) -> ContactDialog:
    shown = ContactDialog(saver, REGIONS)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    # On its tick box: a check box's middle may lie beyond its text, where a click does nothing.
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type text key by key, as a keyboard of its script would: QTest.keyClicks knows only ASCII."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def test_a_number_with_letters_offers_its_digits_and_saves_only_once_ticked(
        qtbot: QtBot, dialog: ContactDialog, saver: RecordingSaver) -> None:
    qtbot.keyClicks(dialog.name_field, "Freephone office")
    qtbot.keyClicks(dialog.number_field, "0800 CALL CST")
    assert dialog.number_field.text() == "0800 CALL CST"
    assert dialog.number_reason.isVisible()
    assert "0800 225 5278" in dialog.number_reason.text()
    assert dialog.save_as_read.isVisible()
    assert dialog.save_as_read.text() == "Save it as 0800 225 5278"
    assert not dialog.save_as_read.isChecked()
    assert not dialog.save_button.isEnabled()
    # Enter does not save it either: nothing is turned into digits unasked.
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert saver.drafts == []

    tick(qtbot, dialog.save_as_read)
    assert dialog.save_button.isEnabled()
    assert not dialog.number_reason.isVisible()
    assert dialog.save_as_read.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [draft] = saver.drafts
    assert draft.number == "0800 2255 278"
    [stored] = [e for e in saver.book.entries() if not e.builtin]
    assert stored.number.display == "0800 225 5278"
    assert stored.number.verified is True


def test_changing_the_number_after_ticking_asks_again_for_the_new_digits(
        qtbot: QtBot, dialog: ContactDialog) -> None:
    qtbot.keyClicks(dialog.name_field, "Helpline")
    qtbot.keyClicks(dialog.number_field, "0800 CALL CST")
    tick(qtbot, dialog.save_as_read)
    assert dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.number_field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.number_field, "W")
    assert not dialog.save_as_read.isChecked()
    assert not dialog.save_button.isEnabled()
    assert dialog.save_as_read.text() == "Save it as 0800 225 5279"


def test_a_number_of_other_scripts_digits_is_grouped_in_ascii_as_typed(
        qtbot: QtBot, dialog: ContactDialog) -> None:
    qtbot.keyClicks(dialog.name_field, "Neighbour")
    type_text(qtbot, dialog.number_field, "٠٧٩١١١٢٣٤٥٦")
    assert dialog.number_field.text() == "07911 123456"
    assert dialog.save_button.isEnabled()
    assert not dialog.save_as_read.isVisible()


def test_a_name_with_a_direction_control_is_refused_in_the_dialog(
        qtbot: QtBot, dialog: ContactDialog) -> None:
    type_text(qtbot, dialog.name_field, "Police\u202e 999")
    qtbot.keyClicks(dialog.number_field, "07911123456")
    assert not dialog.save_button.isEnabled()
    assert dialog.name_reason.isVisible()
    assert "direction" in dialog.name_reason.text()


def test_the_dialogs_messages_quote_names_as_plain_text(
        qtbot: QtBot, dialog: ContactDialog, saver: RecordingSaver) -> None:
    saver.book.add(ContactDraft(name=HTML_NAME, number="07911 123456"))
    for label in (dialog.name_reason, dialog.number_reason, dialog.notes_reason, dialog.duplicate_label,
                  dialog.failure_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    qtbot.keyClicks(dialog.name_field, "Again")
    qtbot.keyClicks(dialog.number_field, "07911123456")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.duplicate_panel.isVisible()
    assert HTML_NAME in dialog.duplicate_label.text()
    assert_shown_literally(dialog.duplicate_label, dialog.duplicate_label.text())
