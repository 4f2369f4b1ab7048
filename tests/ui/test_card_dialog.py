"""File → Print card… driven as a user drives it: entries ticked with the keyboard, 999 that cannot be
unticked, saving through an injected chooser, the sentence when there is no printer or too much to fit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cst_directory.app import write_card_file
from cst_directory.domain.card import Card, default_entries
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.presenting import long_date
from cst_directory.ui.card_dialog import CardChoiceModel, CardDialog
from cst_directory.ui.card_pages import CardFormat
from tests.domain.test_card import contact
from tests.pdf_reading import pdf_info, pdf_pages_text, require_poppler
from tests.ui.conftest import WindowFactory

TODAY = dt.date(2026, 12, 1)


class Chooser:
    """A save chooser that answers with a fixed file and records that it was asked."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, _parent: QWidget, _caption: str, suggested: str, _filters: str) -> tuple[str, str]:
        self.asked.append(suggested)
        return self.answer, "PDF (*.pdf)"


class PrintRecorder:
    """A print runner that records what it was given to print."""

    def __init__(self) -> None:
        self.printed: list[tuple[Card, CardFormat]] = []

    def __call__(self, card: Card, card_format: CardFormat, _parent: QWidget) -> bool:
        self.printed.append((card, card_format))
        return True


def row_of(model: CardChoiceModel, entry_id: str) -> int:
    return next(row for row in range(model.rowCount())
                if str(model.index(row).data()).startswith(entry_number(entry_id)))


def entry_number(entry_id: str) -> str:
    return {"uk-samaritans": "116 123", "cst-office-north": "0161 792 6666"}[entry_id]


def ticked_ids(dialog: CardDialog) -> list[str]:
    return [e.id for e in dialog.model.ticked()]


def make_dialog(qtbot: QtBot, directory: BuiltinDirectory, entries: list[Entry], default: list[Entry],
                **options: object) -> CardDialog:
    options.setdefault("write", write_card_file)
    dialog = CardDialog(directory, entries, default, today=lambda: TODAY, **options)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_choice_model_passes_the_model_tester(qtmodeltester: object, directory: BuiltinDirectory) -> None:
    model = CardChoiceModel(directory.entries, [directory.emergency], directory.emergency.id)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_ctrl_p_opens_the_card_with_the_regions_lines_ticked_and_999_cannot_be_unticked(
        make_window: WindowFactory, qtbot: QtBot, directory: BuiltinDirectory, tmp_path: Path) -> None:
    require_poppler()
    window = make_window(write_card=write_card_file)
    assert window.card_actions is not None
    chooser = Chooser(str(tmp_path / "for-volunteers"))
    window.card_actions.dialog_options.update(choose_save=chooser)
    window.region_choice.setCurrentIndex(window.region_choice.findData("north"))
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.card_actions.dialog
    assert isinstance(dialog, CardDialog)
    qtbot.waitExposed(dialog)
    expected = [e.id for e in default_entries(directory.entries, directory, "north")]
    assert ticked_ids(dialog) == expected

    view = dialog.list_view
    view.setFocus()
    # Space on 999 leaves it ticked: it is on every card.
    view.setCurrentIndex(dialog.model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert ticked_ids(dialog)[0] == "uk-emergency-999"
    # Space on Samaritans ticks it, and it goes on the card after the default choice.
    view.setCurrentIndex(dialog.model.index(row_of(dialog.model, "uk-samaritans")))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert ticked_ids(dialog) == [*expected, "uk-samaritans"]
    # And Space on the Manchester office takes it off.
    view.setCurrentIndex(dialog.model.index(row_of(dialog.model, "cst-office-north")))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert "cst-office-north" not in ticked_ids(dialog)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "for-volunteers.pdf"
    assert dialog.status.text() == "Saved the card as for-volunteers.pdf."
    info = pdf_info(saved)
    assert (round(info.width), round(info.height), info.pages) == (243, 153, 1)
    text = " ".join(pdf_pages_text(saved)[0].split())
    printed = f"Printed {long_date(dt.date.today().isoformat())}"
    for number in ("999", "0800 032 3263", "0800 980 0668", "116 123", printed):
        assert number in text
    assert "0161 792 6666" not in text
    # Saving over it again is refused, and the file stays as it was.
    before = saved.read_bytes()
    chooser.answer = str(saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "for-volunteers.pdf already exists" in dialog.status.text()
    assert saved.read_bytes() == before


def test_with_no_printer_print_says_so_and_offers_the_pdf(qtbot: QtBot, directory: BuiltinDirectory) -> None:
    recorder = PrintRecorder()
    dialog = make_dialog(qtbot, directory, list(directory.entries), [directory.emergency],
                         printers=lambda: [], print_card=recorder)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text().startswith("No printer is set up on this computer: save the card as a PDF")
    assert recorder.printed == []
    assert dialog.focusWidget() is dialog.save_button


def test_with_a_printer_the_card_is_printed(qtbot: QtBot, directory: BuiltinDirectory) -> None:
    recorder = PrintRecorder()
    dialog = make_dialog(qtbot, directory, list(directory.entries), [directory.emergency],
                         printers=lambda: ["Office"], print_card=recorder)
    qtbot.mouseClick(dialog.poster, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.poster.height() // 2))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert [(card.lines[0].number, fmt) for card, fmt in recorder.printed] == [("999", CardFormat.POSTER)]
    assert dialog.status.text() == "Sent the card to the printer."


def test_too_many_for_the_card_says_how_many_are_left_out_and_offers_the_poster(
        qtbot: QtBot, directory: BuiltinDirectory, tmp_path: Path) -> None:
    own = [contact(n) for n in range(1, 41)]
    chooser = Chooser(str(tmp_path / "all.pdf"))
    dialog = make_dialog(qtbot, directory, [*directory.entries, *own], [directory.emergency, *own],
                         choose_save=chooser)
    said = dialog.status.text()
    assert (" of the 41 entries do not fit on both sides of the wallet card: untick some, or make a poster"
            in said)
    assert dialog.poster_button.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert chooser.asked == [] and not (tmp_path / "all.pdf").exists()
    qtbot.mouseClick(dialog.poster_button, Qt.MouseButton.LeftButton)
    assert dialog.poster.isChecked()
    assert dialog.status.text() == "All 41 entries fit on the poster."
    assert not dialog.poster_button.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "all.pdf").exists()


@pytest.mark.parametrize("write_fails", [PermissionError(13, "Permission denied")])
def test_a_file_that_cannot_be_written_is_one_sentence(qtbot: QtBot, directory: BuiltinDirectory,
                                                       tmp_path: Path, write_fails: OSError) -> None:
    def refuse(_path: Path, _data: bytes) -> None:
        raise write_fails

    dialog = make_dialog(qtbot, directory, list(directory.entries), [directory.emergency], write=refuse,
                         choose_save=Chooser(str(tmp_path / "card.pdf")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == ("card.pdf could not be written (Permission denied): choose a folder you "
                                    "can write to.")
