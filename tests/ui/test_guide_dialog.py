"""The "Which number do I call?" dialog: opened by F1 and the banner's button, numbers copied with Enter,
the report email through the opener, and the template copied when no mail program opens."""

from __future__ import annotations

from urllib.parse import unquote

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.guidance import REPORT_ADDRESS, REPORT_TEMPLATE, StepKind
from cst_directory.ui.guide_dialog import GuideDialog
from cst_directory.ui.main_window import MainWindow

from .conftest import RecordingOpener, WindowFactory


def _open_with_f1(qtbot: QtBot, window: MainWindow) -> GuideDialog:
    qtbot.keyClick(window.search_field, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.guide_dialog is not None and window.guide_dialog.isVisible(),
                    timeout=5000)
    dialog = window.guide_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def test_f1_opens_the_guide_and_the_banner_button_opens_the_same_one(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    assert window.guide_dialog is None
    dialog = _open_with_f1(qtbot, window)
    assert dialog.windowTitle() == "Which number do I call?"
    dialog.close()
    qtbot.mouseClick(window.guide_button, Qt.MouseButton.LeftButton)
    assert window.guide_dialog is dialog and dialog.isVisible()


def test_arrowing_to_cst_national_line_and_enter_copies_it(
        qtbot: QtBot, make_window: WindowFactory, directory: BuiltinDirectory) -> None:
    window = make_window()
    copied: list[str] = []
    window.number_copied.connect(copied.append)
    dialog = _open_with_f1(qtbot, window)
    national = directory.national_line.id
    target = next(row for row, step in dialog.step_rows() if step.entry_id == national)
    for _ in range(50):
        if dialog.steps.currentRow() == target:
            break
        qtbot.keyClick(dialog.steps, Qt.Key.Key_Down)
    assert dialog.steps.currentRow() == target
    qtbot.keyClick(dialog.steps, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == "0800 032 3263"
    assert dialog.confirmation.text() == "Copied 0800 032 3263"
    # Through the window's copy path: the window confirms it as it confirms any copy.
    assert copied == ["0800 032 3263"]
    assert window.confirmation.text() == "Copied 0800 032 3263"
    # Enter copied; it did not close the dialog through a default button.
    assert dialog.isVisible()


def test_headings_are_stepped_over_by_the_arrows(qtbot: QtBot, directory: BuiltinDirectory) -> None:
    dialog = GuideDialog(directory, copy=lambda text: None)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = [row for row, _ in dialog.step_rows()]
    assert dialog.steps.currentRow() == rows[0]
    seen = [dialog.steps.currentRow()]
    for _ in rows[1:]:
        qtbot.keyClick(dialog.steps, Qt.Key.Key_Down)
        seen.append(dialog.steps.currentRow())
    assert seen == rows


def test_the_mail_row_opens_a_prefilled_mailto(qtbot: QtBot, make_window: WindowFactory,
                                               opener: RecordingOpener) -> None:
    window = make_window()
    dialog = _open_with_f1(qtbot, window)
    row = next(row for row, step in dialog.step_rows() if step.kind is StepKind.EMAIL)
    dialog.steps.setCurrentRow(row)
    qtbot.keyClick(dialog.steps, Qt.Key.Key_Return)
    assert len(opener.urls) == 1
    url = opener.urls[0]
    assert url.startswith(f"mailto:{REPORT_ADDRESS}?")
    assert "When it happened" in unquote(url)
    assert REPORT_ADDRESS in dialog.confirmation.text()


def test_without_a_mail_program_the_template_is_copied_and_the_dialog_says_where_to_send_it(
        qtbot: QtBot, directory: BuiltinDirectory) -> None:
    opener = RecordingOpener(answer=False)
    dialog = GuideDialog(directory, copy=lambda text: None, open_url=opener)
    qtbot.addWidget(dialog)
    dialog.show()
    QGuiApplication.clipboard().setText("something else")
    row = next(row for row, step in dialog.step_rows() if step.kind is StepKind.EMAIL)
    dialog.steps.setCurrentRow(row)
    qtbot.keyClick(dialog.steps, Qt.Key.Key_Return)
    assert opener.urls and opener.urls[0].startswith("mailto:")
    assert QGuiApplication.clipboard().text() == REPORT_TEMPLATE
    said = dialog.confirmation.text()
    assert "clipboard" in said and REPORT_ADDRESS in said
    assert dialog.confirmation.property("warning") is True


def test_every_number_shown_is_the_built_in_entrys_display(qtbot: QtBot,
                                                           directory: BuiltinDirectory) -> None:
    dialog = GuideDialog(directory, copy=lambda text: None)
    qtbot.addWidget(dialog)
    by_id = {entry.id: entry for entry in directory.entries}
    calls = [(row, step) for row, step in dialog.step_rows() if step.kind is StepKind.CALL]
    shown_ids = {step.entry_id for _, step in calls}
    assert {"uk-emergency-999", "cst-emergency-south", "uk-police-101", "cst-office-south",
            "cst-office-north", "uk-anti-terrorist-hotline"} <= shown_ids
    for row, step in calls:
        assert step.entry_id is not None
        display = by_id[step.entry_id].number.display
        assert step.shown == display
        assert dialog.steps.item(row).text().startswith(display + " ")


def test_labels_are_plain_text(qtbot: QtBot, directory: BuiltinDirectory) -> None:
    dialog = GuideDialog(directory, copy=lambda text: None)
    qtbot.addWidget(dialog)
    labels = dialog.findChildren(QLabel)
    assert labels
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
