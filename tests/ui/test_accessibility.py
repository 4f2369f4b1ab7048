"""What a screen reader is told: every control of every window and dialog has a name of its own, a row says
its number in digit groups, and a number is found and copied with the keyboard alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QStyle,
    QTextEdit,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from cst_directory.domain.contacts import ContactDraft
from cst_directory.ui.contact_dialog import ContactDialog
from cst_directory.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory
from tests.ui.test_contacts_in_window import open_dialog
from tests.ui.test_import_dialog import CARDS, Chooser, open_import, vcard

# The kinds of widget a person operates; anything else that takes focus from the keyboard counts too.
CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox, QAbstractSlider,
            QTextEdit, QPlainTextEdit)


def controls(root: QWidget) -> Iterator[QWidget]:
    """Every control in root, hidden ones included (they are shown when needed), and the buttons Qt adds
    (a line edit's clear button); not the parts of a list, table or combo box (headers, popups), which
    a screen reader meets as the cells and items of that control's own interface, nor a scroll area's
    scroll bars or the menu bar's overflow button (its menus' items are checked on their own)."""
    for widget in [root, *root.findChildren(QWidget)]:
        if _part_of_a_view(widget, root):
            continue
        if isinstance(widget, CONTROLS) or widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            yield widget


def _part_of_a_view(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView | QMenuBar):
            return True
        if isinstance(parent, QAbstractScrollArea) and widget in (parent.verticalScrollBar(),
                                                                  parent.horizontalScrollBar()):
            return True
        parent = parent.parentWidget()
    return False


def unnamed(root: QWidget) -> list[str]:
    """A line for each control that a screen reader could not name."""
    found = []
    for widget in controls(root):
        interface = QAccessible.queryAccessibleInterface(widget)
        where = f"{type(widget).__name__} {widget.objectName() or '(no object name)'}"
        if interface is None or not interface.isValid():
            found.append(f"{where}: no accessible interface")
            continue
        name = interface.text(QAccessible.Text.Name).replace("&", "").strip()
        shown = _shown_text(widget)
        labels = interface.relations(QAccessible.RelationFlag.Label)
        if isinstance(widget, QComboBox):
            # On Linux Qt gives a combo box its current item as its name; what it is for reaches a
            # screen reader as a label relation (a buddy label), elsewhere as its accessible name.
            if not (widget.accessibleName() and labels):
                found.append(f"{where} ({shown!r}): needs an accessible name and a label (a buddy)")
        elif isinstance(widget, QAbstractButton) and not widget.text() and not widget.accessibleName():
            # Some platforms fall back on the tooltip; it is shown only to a mouse, and is not a name.
            found.append(f"{where}: an icon-only button; its tooltip {widget.toolTip()!r} is not a name")
        elif not name:
            found.append(f"{where} ({shown!r}): no accessible name")
        elif isinstance(widget, QLineEdit) and name == widget.placeholderText() \
                and not widget.accessibleName():
            found.append(f"{where}: named only by its placeholder {name!r}, which goes when typing starts")
    return found


def _shown_text(widget: QWidget) -> str:
    for attribute in ("text", "placeholderText", "currentText", "toolTip"):
        value = getattr(widget, attribute, None)
        if callable(value):
            text = value()
            if isinstance(text, str) and text:
                return text
    return ""


def assert_all_named(root: QWidget) -> None:
    found = unnamed(root)
    assert not found, f"{len(found)} controls without an accessible name:\n" + "\n".join(found)


def test_every_control_of_the_main_window_has_a_name(window: MainWindow) -> None:
    assert list(controls(window)), "the walk found no controls: it would prove nothing"
    assert_all_named(window)


def test_every_control_of_the_contact_dialog_has_a_name(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialogs = [d for d in window.findChildren(ContactDialog) if d.isVisible()]
    assert len(dialogs) == 1
    assert_all_named(dialogs[0])


def test_every_control_of_the_about_box_has_a_name(qtbot: QtBot, window: MainWindow) -> None:
    window.about_action.trigger()
    dialog = window.about_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert_all_named(dialog)


def test_every_control_of_the_import_preview_has_a_name(qtbot: QtBot, make_window: WindowFactory,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "phone.vcf"
    path.write_text(vcard(CARDS), encoding="utf-8")
    dialog = open_import(qtbot, make_window(choose_open=Chooser(path)))
    assert_all_named(dialog)


def test_every_control_of_the_import_preview_of_an_unknown_csv_has_a_name(
        qtbot: QtBot, make_window: WindowFactory, tmp_path: Path) -> None:
    # Columns the app does not know: the preview asks which hold the names and numbers, in combo boxes.
    path = tmp_path / "members.csv"
    path.write_text("Who,Phone\nShul security lead,07911 123456\n", encoding="utf-8")
    dialog = open_import(qtbot, make_window(choose_open=Chooser(path)))
    assert_all_named(dialog)


def test_the_walk_finds_an_icon_only_button_named_by_its_tooltip_alone(qtbot: QtBot) -> None:
    # The check itself: a button showing only an icon, with a tooltip, is an offender, and is listed.
    holder = QWidget()
    qtbot.addWidget(holder)
    button = QToolButton(holder)
    button.setObjectName("copyIcon")
    button.setIcon(holder.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
    button.setToolTip("Copy")
    QLineEdit(holder).setObjectName("unlabelled")
    found = unnamed(holder)
    assert any("copyIcon" in line and "tooltip" in line for line in found), found
    assert any("unlabelled" in line for line in found), found
    button.setAccessibleName("Copy the number")
    assert not any("copyIcon" in line for line in unnamed(holder))


def test_every_menu_item_has_a_name(window: MainWindow) -> None:
    bar = window.menuBar()
    items = [(menu.title(), action) for menu in bar.findChildren(QMenu) for action in menu.actions()]
    assert items
    unnamed_items = [title for title, action in items if not action.isSeparator() and not action.text()]
    assert not unnamed_items, f"menu items without a name in {unnamed_items}"


def test_a_row_is_read_out_with_its_number_in_digit_groups(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search_field, "samaritans")
    view = QAccessible.queryAccessibleInterface(window.list_view)
    assert view is not None and view.childCount() >= 1
    row = view.child(0)
    assert row.text(QAccessible.Text.Name) == "Samaritans, one one six, one two three"


def test_form_labels_take_the_keyboard_to_their_fields(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = next(d for d in window.findChildren(ContactDialog) if d.isVisible())
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    for key, field in ((Qt.Key.Key_U, dialog.number_field), (Qt.Key.Key_O, dialog.notes_field),
                       (Qt.Key.Key_R, dialog.region_choice), (Qt.Key.Key_N, dialog.name_field)):
        qtbot.keyClick(QApplication.focusWidget(), key, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is field, key


def press(qtbot: QtBot, key: Qt.Key | str) -> None:
    """A key (or text) typed into whatever has the focus, as a keyboard does."""
    focused = QApplication.focusWidget()
    assert focused is not None
    if isinstance(key, str):
        qtbot.keyClicks(focused, key)
    else:
        qtbot.keyClick(focused, key)


def test_from_launch_a_number_is_found_and_copied_with_keys_alone(qtbot: QtBot, window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("something else")
    press(qtbot, "salford")
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    # Salford's lines: CST's national line first, then the northern regions' 2015 line.
    assert QGuiApplication.clipboard().text() == "0800 980 0668"
    assert window.confirmation.text() == "Copied 0800 980 0668"


def test_tab_reaches_the_list_where_arrows_and_enter_copy(qtbot: QtBot, window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("something else")
    press(qtbot, "samaritans")
    for _ in range(10):
        if QApplication.focusWidget() is window.list_view:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.list_view
    press(qtbot, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == "116 123"


def test_every_control_of_the_edit_contact_dialog_has_a_name(qtbot: QtBot, window: MainWindow) -> None:
    window.contact_list.book.add(ContactDraft("Neighbour", "07911 123456", "south", "Spare key"))
    window.contact_list.reload()
    window.set_query("neighbour")
    window.list_view.setFocus()
    dialog = open_dialog(qtbot, window, Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier)
    assert dialog.name_field.text() == "Neighbour"
    assert_all_named(dialog)


def test_every_control_of_the_guide_has_a_name(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.guide_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert list(controls(dialog)), "the walk found no controls in the guide: it would prove nothing"
    assert_all_named(dialog)
