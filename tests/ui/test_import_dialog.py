"""File → Import and Export in the window: the preview dialog driven by keys and clicks, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QCheckBox, QStyledItemDelegate
from pytestqt.qtbot import QtBot

from cst_directory.domain.contacts import ValidContact
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import StorageError, StorageProblem
from cst_directory.domain.import_preview import Outcome
from cst_directory.storage.contact_book import StoredContactBook
from cst_directory.storage.contact_files import read_import_file
from cst_directory.ui.file_actions import CSV_FILTER, VCARD_FILTER
from cst_directory.ui.import_dialog import ImportDialog
from cst_directory.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory
from tests.ui.memory_book import MemoryBook

CARDS = {
    "Shul security lead": "07911 123456",
    "School office": "020 8457 9999",  # CST's London office: a duplicate of the directory
    "Typo": "12",  # too short: the one bad row
    "Neighbour": "07912 345678",
    "Police again": "101",  # a duplicate of the built-in non-emergency line
}


def vcard(cards: dict[str, str]) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nTEL;TYPE=CELL:{number}\r\nEND:VCARD\r\n"
                   for name, number in cards.items())


@pytest.fixture
def phone_file(tmp_path: Path) -> Path:
    path = tmp_path / "phone.vcf"
    path.write_text(vcard(CARDS), encoding="utf-8")
    return path


class Chooser:
    """Stands in for QFileDialog: answers with the path given and records what it was asked."""

    def __init__(self, path: Path | None, chosen_filter: str = "") -> None:
        self.path = path
        self.chosen_filter = chosen_filter
        self.asked: list[str] = []

    def __call__(self, _parent: object, caption: str, _where: str, _filters: str) -> tuple[str, str]:
        self.asked.append(caption)
        return (str(self.path) if self.path else "", self.chosen_filter)


def open_import(qtbot: QtBot, window: MainWindow) -> ImportDialog:
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    actions = window.file_actions
    assert actions is not None
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible(), timeout=5000)
    assert actions.dialog is not None
    return actions.dialog


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    # On the box itself: a check box only answers clicks on its indicator and its text.
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def row_texts(dialog: ImportDialog) -> dict[str, list[str]]:
    model = dialog.model
    return {str(model.data(model.index(row, 0))): [str(model.data(model.index(row, column)))
                                                   for column in range(1, model.columnCount())]
            for row in range(model.rowCount())}


def personal(entries: Sequence[Entry]) -> dict[str, str]:
    return {entry.name: entry.number.display for entry in entries if not entry.builtin}


def test_the_preview_shows_the_bad_row_with_its_reason(qtbot: QtBot, make_window: WindowFactory,
                                                       phone_file: Path) -> None:
    chooser = Chooser(phone_file)
    window = make_window(choose_open=chooser)
    dialog = open_import(qtbot, window)
    assert chooser.asked == ["Import contacts"]
    assert dialog.windowTitle() == "Import contacts from phone.vcf"
    rows = row_texts(dialog)
    assert rows["card 1"] == ["Shul security lead", "07911 123456", "Add"]
    name, number, happens = rows["card 3"]
    assert (name, number) == ("Typo", "12")
    assert happens.startswith("Skip: ") and "too short" in happens
    assert "already in the directory" in rows["card 5"][2]
    assert dialog.row_detail.text() == "card 1, Shul security lead: added"
    dialog.table.setFocus()
    for _ in range(2):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.row_detail.text() == "card 3, Typo: That number is too short: include the area code."
    assert dialog.summary.text() == dialog.preview.summary()
    assert dialog.summary.text().startswith("2 to add, 2 already in the directory or repeated, 1 not a phone")
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import 2 contacts"
    assert not dialog.allow_unverified.isChecked() and not dialog.include_duplicates.isChecked()
    # A vCard names its own CHARSET: there is no code page to choose.
    assert not dialog.encoding.isVisible()


def test_cancelling_stores_nothing(qtbot: QtBot, make_window: WindowFactory, phone_file: Path,
                                   make_book: Callable[[], StoredContactBook]) -> None:
    window = make_window(choose_open=Chooser(phone_file))
    dialog = open_import(qtbot, window)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert personal(make_book().entries()) == {}
    assert personal(window.contact_list.entries()) == {}
    assert window.confirmation.text() == ""


def test_confirming_stores_the_good_rows_and_shows_them_without_reading_the_book(
        qtbot: QtBot, make_window: WindowFactory, directory: BuiltinDirectory, phone_file: Path) -> None:
    book = MemoryBook(directory.entries)
    window = make_window(book=book, choose_open=Chooser(phone_file))
    dialog = open_import(qtbot, window)
    reads = book.reads
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    expected = {"Shul security lead": "07911 123456", "Neighbour": "07912 345678"}
    assert personal(book.entries()) == expected
    assert book.reads == reads + 1  # the line above: showing them read nothing
    assert personal(window.contact_list.entries()) == expected
    assert window.confirmation.text() == "Added 2 contacts."
    current = window.current_entry()
    assert current is not None and current.name == "Shul security lead"
    window.set_query("neighbour")
    assert [entry.name for entry in window.entries_shown()][:1] == ["Neighbour"]


def test_confirming_stores_in_the_real_store(qtbot: QtBot, make_window: WindowFactory, phone_file: Path,
                                             make_book: Callable[[], StoredContactBook]) -> None:
    window = make_window(choose_open=Chooser(phone_file))
    dialog = open_import(qtbot, window)
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert personal(make_book().entries()) == {"Shul security lead": "07911 123456",
                                               "Neighbour": "07912 345678"}


def test_including_duplicates_changes_the_counts_and_what_is_added(
        qtbot: QtBot, make_window: WindowFactory, phone_file: Path,
        make_book: Callable[[], StoredContactBook]) -> None:
    window = make_window(choose_open=Chooser(phone_file))
    dialog = open_import(qtbot, window)
    assert dialog.summary.text().startswith("2 to add, 2 already in the directory")
    tick(qtbot, dialog.include_duplicates)
    assert dialog.include_duplicates.isChecked()
    assert dialog.summary.text() == "4 to add, 1 not a phone number."
    assert row_texts(dialog)["card 5"][2] == "Add"
    tick(qtbot, dialog.include_duplicates)
    assert dialog.summary.text().startswith("2 to add, 2 already in the directory")
    tick(qtbot, dialog.include_duplicates)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert set(personal(make_book().entries())) == {"Shul security lead", "School office", "Neighbour",
                                                    "Police again"}
    assert window.confirmation.text() == "Added 4 contacts."


def test_saving_unverified_numbers_is_a_choice_in_the_preview(qtbot: QtBot, make_window: WindowFactory,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "drama.vcf"
    path.write_text(vcard({"Drama": "07700 900123"}), encoding="utf-8")
    window = make_window(choose_open=Chooser(path))
    dialog = open_import(qtbot, window)
    assert dialog.preview.rows[0].outcome is Outcome.UNVERIFIED
    assert not dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import"
    qtbot.keyClick(dialog.allow_unverified, Qt.Key.Key_Space)
    assert dialog.summary.text() == "1 to add."
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import 1 contact"


class FullDisk(MemoryBook):
    def add_many(self, contacts: Sequence[ValidContact], *, allow_duplicates: bool = False
                 ) -> tuple[Entry, ...]:
        raise StorageError(StorageProblem.FULL, "The disk is full: free some space and try again.")


def test_a_failed_save_says_so_in_the_dialog_stores_nothing_and_keeps_the_choices(
        qtbot: QtBot, make_window: WindowFactory, directory: BuiltinDirectory, phone_file: Path) -> None:
    book = FullDisk(directory.entries)
    window = make_window(book=book, choose_open=Chooser(phone_file))
    dialog = open_import(qtbot, window)
    tick(qtbot, dialog.include_duplicates)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.failure.isVisible()
    assert dialog.failure.text() == "Nothing was stored: The disk is full: free some space and try again."
    assert dialog.include_duplicates.isChecked()
    assert dialog.summary.text() == "4 to add, 1 not a phone number."
    assert personal(book.entries()) == {}
    assert window.confirmation.text() == ""


def test_a_number_added_meanwhile_stores_nothing_and_the_preview_then_shows_it(
        qtbot: QtBot, make_window: WindowFactory, phone_file: Path,
        make_book: Callable[[], StoredContactBook]) -> None:
    window = make_window(choose_open=Chooser(phone_file))
    dialog = open_import(qtbot, window)
    elsewhere = make_book()
    from cst_directory.domain.contacts import ContactDraft

    elsewhere.add(ContactDraft(name="Added elsewhere", number="07912 345678"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "is already in the directory as “Added elsewhere”" in dialog.failure.text()
    assert "Nothing was stored" in dialog.failure.text()
    assert personal(make_book().entries()) == {"Added elsewhere": "07912 345678"}
    assert dialog.summary.text().startswith("1 to add, 3 already in the directory")


def test_an_unreadable_file_is_one_sentence_and_the_window_goes_on(qtbot: QtBot, make_window: WindowFactory,
                                                                  tmp_path: Path) -> None:
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    window = make_window(choose_open=Chooser(empty))
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window.file_actions is not None and window.file_actions.dialog is None
    assert window.confirmation.text() == ("empty.vcf is empty: export your contacts again and choose the "
                                          "new file.")
    assert window.confirmation.property("warning") is True
    qtbot.keyClicks(window.search_field, "manchester")
    assert window.entries_shown()


def test_choosing_no_file_does_nothing(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(choose_open=Chooser(None))
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window.file_actions is not None and window.file_actions.dialog is None
    assert window.confirmation.text() == ""


def test_names_from_the_file_are_shown_as_plain_text(qtbot: QtBot, make_window: WindowFactory,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "markup.vcf"
    path.write_text(vcard({"<b>999</b>": "07911 123456", "<i>x</i>": "<img src=x>"}), encoding="utf-8")
    window = make_window(choose_open=Chooser(path))
    dialog = open_import(qtbot, window)
    rows = row_texts(dialog)
    assert rows["card 1"][0] == "<b>999</b>"
    assert rows["card 2"][:2] == ["<i>x</i>", "<img src=x>"]
    model = dialog.model
    assert model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole) == "<p>&lt;b&gt;999&lt;/b&gt;</p>"
    # The table's own delegate paints display text as text; a rich-text delegate would be a choice made here.
    assert type(dialog.table.itemDelegate()) is QStyledItemDelegate
    assert dialog.summary.textFormat() == Qt.TextFormat.PlainText
    assert dialog.failure.textFormat() == Qt.TextFormat.PlainText
    assert dialog.row_detail.textFormat() == Qt.TextFormat.PlainText
    assert dialog.row_detail.text() == "card 1, <b>999</b>: added"


def test_a_csv_with_unknown_columns_lets_the_user_choose_them(
        qtbot: QtBot, make_window: WindowFactory, tmp_path: Path,
        make_book: Callable[[], StoredContactBook]) -> None:
    path = tmp_path / "rota.csv"
    path.write_text("Who,Role,Tel\r\nRabbi Cohen,rabbi,07911 123456\r\nGabbai,warden,07912 345678\r\n",
                    encoding="utf-8")
    window = make_window(choose_open=Chooser(path))
    dialog = open_import(qtbot, window)
    assert dialog.columns_note.isVisible()
    # "Tel" is chosen to start with; no column looks like names, so nothing can be imported yet.
    assert dialog.number_column.currentText() == "Tel"
    assert dialog.name_column.currentData() is None
    assert dialog.summary.text() == "Choose the columns that hold the names and the numbers."
    assert not dialog.import_button.isEnabled()
    dialog.name_column.setFocus()
    qtbot.keyClick(dialog.name_column, Qt.Key.Key_Down)
    assert dialog.name_column.currentText() == "Who"
    assert dialog.summary.text() == "2 to add."
    assert row_texts(dialog)["line 2"][:2] == ["Rabbi Cohen", "07911 123456"]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert personal(make_book().entries()) == {"Rabbi Cohen": "07911 123456", "Gabbai": "07912 345678"}


HEBREW_CSV = "Display Name,Mobile Number\r\nשמואל כהן,07911 123456\r\n"


def open_bytes(qtbot: QtBot, make_window: WindowFactory, path: Path, data: bytes) -> ImportDialog:
    path.write_bytes(data)
    return open_import(qtbot, make_window(choose_open=Chooser(path)))


def test_a_csv_file_can_be_read_in_the_code_page_it_was_saved_in(
        qtbot: QtBot, make_window: WindowFactory, tmp_path: Path,
        make_book: Callable[[], StoredContactBook]) -> None:
    hebrew = "שמואל כהן"
    dialog = open_bytes(qtbot, make_window, tmp_path / "hebrew-windows.csv", HEBREW_CSV.encode("cp1255"))
    assert dialog.encoding.isVisible()
    assert dialog.encoding.currentText() == "Found by itself"
    # Not UTF-8, so found by itself it is read as Windows-1252: Latin letters in place of the Hebrew.
    found = row_texts(dialog)["line 2"][0]
    assert found != hebrew and not any("\u0590" <= letter <= "\u05ff" for letter in found)
    dialog.encoding.setFocus()
    qtbot.keyClicks(dialog.encoding, "Hebrew")
    assert dialog.encoding.currentText() == "Hebrew (Windows-1255)"
    assert dialog.choices().encoding == "cp1255"
    assert row_texts(dialog)["line 2"] == [hebrew, "07911 123456", "Add"]
    assert dialog.summary.text() == "1 to add."
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert personal(make_book().entries()) == {hebrew: "07911 123456"}


def test_a_wrong_code_page_is_one_sentence_in_the_preview(qtbot: QtBot, make_window: WindowFactory,
                                                         tmp_path: Path) -> None:
    dialog = open_bytes(qtbot, make_window, tmp_path / "hebrew-windows.csv", HEBREW_CSV.encode("cp1255"))
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("utf-8"))
    assert dialog.summary.text() == ("The file cannot be read as utf-8 text: choose the code page it was "
                                     "saved in.")
    assert not dialog.import_button.isEnabled()
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp1255"))
    assert dialog.summary.text() == "1 to add."


def test_chosen_columns_follow_the_code_page(qtbot: QtBot, make_window: WindowFactory,
                                             tmp_path: Path) -> None:
    dialog = open_bytes(qtbot, make_window, tmp_path / "rota.csv",
                        "שם,טלפון\r\nרב כהן,07911 123456\r\n".encode("cp1255"))
    dialog.name_column.setCurrentIndex(1)
    dialog.number_column.setCurrentIndex(2)
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp1255"))
    assert (dialog.name_column.currentText(), dialog.number_column.currentText()) == ("שם", "טלפון")
    assert row_texts(dialog)["line 2"] == ["רב כהן", "07911 123456", "Add"]


def test_other_files_dropped_are_left_alone(make_window: WindowFactory, tmp_path: Path) -> None:
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "photo.jpg"))])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    window.event(enter)
    assert not enter.isAccepted()
    assert window.file_actions is not None and window.file_actions.dialog is None


def test_a_contacts_file_dropped_on_the_window_opens_its_preview(qtbot: QtBot, make_window: WindowFactory,
                                                                 phone_file: Path) -> None:
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(phone_file))])
    actions = window.file_actions
    assert actions is not None
    # Delivered straight to the window and its search field's filter: QApplication drops a drop event that
    # no drag in progress started.
    deliveries: list[Callable[[QDropEvent], object]] = [
        window.event, lambda event: window.eventFilter(window.search_field, event)]
    for deliver in deliveries:
        drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
        drop.ignore()
        assert deliver(drop)
        assert drop.isAccepted()
        qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible(), timeout=5000)
        assert actions.dialog is not None
        assert actions.dialog.windowTitle() == "Import contacts from phone.vcf"
        actions.dialog.reject()
        qtbot.waitUntil(lambda: actions.dialog is None)
    assert window.search_field.text() == ""


def test_export_writes_a_file_that_reads_back(qtbot: QtBot, make_window: WindowFactory, phone_file: Path,
                                              tmp_path: Path) -> None:
    window = make_window(choose_open=Chooser(phone_file),
                         choose_save=Chooser(tmp_path / "mine", CSV_FILTER))
    dialog = open_import(qtbot, window)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    written = tmp_path / "mine.csv"
    assert window.confirmation.text() == "Exported 2 contacts to mine.csv."
    back = read_import_file(written)
    assert {(row.name, row.number) for row in back.rows} == {("Shul security lead", "07911 123456"),
                                                            ("Neighbour", "07912 345678")}
    # Never over a file that is there already.
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.confirmation.text().startswith("mine.csv already exists")


def test_the_whole_directory_exports_as_vcard_with_sources(make_window: WindowFactory, tmp_path: Path,
                                                           directory: BuiltinDirectory) -> None:
    target = tmp_path / "all.vcf"
    window = make_window(choose_save=Chooser(target, VCARD_FILTER))
    assert window.file_actions is not None
    window.file_actions.export_all_action.trigger()
    assert window.confirmation.text() == f"Exported {len(directory.entries)} entries to all.vcf."
    back = read_import_file(target)
    assert len(back.rows) == len(directory.entries)
    assert b"NOTE" in target.read_bytes() or b"SOURCE" in target.read_bytes()


def test_export_with_no_contacts_of_ones_own_says_so(qtbot: QtBot, make_window: WindowFactory,
                                                     tmp_path: Path) -> None:
    chooser = Chooser(tmp_path / "mine.vcf")
    window = make_window(choose_save=chooser)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert chooser.asked == []
    assert window.confirmation.text().startswith("You have no contacts of your own to export")


def test_the_file_menu_comes_before_contacts(make_window: WindowFactory) -> None:
    window = make_window()
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[:2] == ["&File", "Co&ntacts"]


def test_the_example_in_the_screenshot_shows_every_outcome(qtbot: QtBot, make_window: WindowFactory) -> None:
    example = Path(__file__).resolve().parents[2] / "docs" / "import-example.vcf"
    window = make_window(choose_open=Chooser(example))
    dialog = open_import(qtbot, window)
    assert {row.outcome for row in dialog.preview.rows} == set(Outcome)
    assert dialog.summary.text() == ("4 to add, 2 already in the directory or repeated, 1 not known to be in "
                                     "use, 1 not a phone number, 1 could not be read.")
