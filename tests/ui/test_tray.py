"""The tray icon, on the offscreen platform, which has no tray: with none (as there) nothing is offered and
closing the window quits; with one (availability injected) the menu copies 999 and the region's CST lines
through the window's own copy path, follows the region, and closing the window can keep the app running."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from cst_directory.app import app_icon
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.quick_lines import quick_lines
from cst_directory.storage.resources import resources_dir
from cst_directory.ui.file_actions import FILE_MENU_NAME
from cst_directory.ui.main_window import GEOMETRY_KEY, MainWindow
from cst_directory.ui.tray import KEEP_RUNNING_KEY, TrayIcon, install_tray
from tests.ui.conftest import WindowFactory

# Qt's own tray code looks for a signal that only the X11 platform has; offscreen it says so once, at the
# first show of an icon. Nothing of ours is involved.
pytestmark = pytest.mark.qt_log_ignore("No such signal QPlatformNativeInterface::systemTrayWindowChanged")

NORTH_LINES = ("cst-emergency-north", "cst-office-north")
SOUTH_LINES = ("cst-office-south",)


class FakeLoginStart:
    """Starting at login, remembered in memory; fails with a sentence when told to."""

    def __init__(self, on: bool = False, failure: str | None = None) -> None:
        self.on = on
        self.failure = failure
        self.turned: list[bool] = []

    def is_on(self) -> bool:
        return self.on

    def turn(self, on: bool) -> None:
        self.turned.append(on)
        if self.failure is not None:
            raise OSError(self.failure)
        self.on = on


class QuitRecorder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.fixture(autouse=True)
def quit_flag_restored() -> Iterator[None]:
    before = QGuiApplication.quitOnLastWindowClosed()
    yield
    QGuiApplication.setQuitOnLastWindowClosed(before)


@pytest.fixture(scope="module")
def icon() -> QIcon:
    return app_icon(resources_dir())


TrayFactory = Callable[..., TrayIcon | None]


@pytest.fixture
def make_tray(directory: BuiltinDirectory, settings_path: Path, icon: QIcon) -> TrayFactory:
    def make(window: MainWindow, *, available: bool = True, login_start: FakeLoginStart | None = None,
             quit_app: QuitRecorder | None = None) -> TrayIcon | None:
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        return install_tray(window, directory, settings, icon, login_start=login_start,
                            available=lambda: available, quit_app=quit_app or QuitRecorder())
    return make


def file_menu_texts(window: MainWindow) -> list[str]:
    menu = window.menuBar().findChild(QMenu, FILE_MENU_NAME)
    assert menu is not None
    return [action.text() for action in menu.actions() if not action.isSeparator()]


def displays(directory: BuiltinDirectory, *ids: str) -> list[str]:
    entries = {entry.id: entry for entry in directory.entries}
    return [entries[entry_id].number.display for entry_id in ids]


def choose_region(qtbot: QtBot, window: MainWindow, region_id: str | None) -> None:
    """Pick the region in the window's own region box, with the keyboard."""
    combo = window.region_choice
    combo.setFocus()
    target = combo.findData(region_id)
    assert target >= 0
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


# Where there is no tray.

def test_without_a_tray_there_is_no_icon_and_no_setting(qtbot: QtBot, window: MainWindow,
                                                         make_tray: TrayFactory) -> None:
    before = file_menu_texts(window)
    login = FakeLoginStart()
    assert make_tray(window, available=False, login_start=login) is None
    assert window.findChildren(QSystemTrayIcon) == []
    assert file_menu_texts(window) == before
    assert not [text for text in before if "tray" in text.lower() or "login" in text.lower()]
    assert login.turned == []


def test_without_a_tray_closing_the_window_quits_as_before(qtbot: QtBot, window: MainWindow,
                                                            make_tray: TrayFactory,
                                                            settings_path: Path) -> None:
    # Even with the setting left on from a desktop that had a tray.
    QSettings(str(settings_path), QSettings.Format.IniFormat).setValue(KEEP_RUNNING_KEY, True)
    assert make_tray(window, available=False) is None
    window.close()
    assert window.isHidden()
    assert QGuiApplication.quitOnLastWindowClosed()


# With a tray.

def test_the_menu_lists_999_first_then_cst_lines_with_their_numbers(qtbot: QtBot, window: MainWindow,
                                                                     make_tray: TrayFactory,
                                                                     directory: BuiltinDirectory) -> None:
    choose_region(qtbot, window, "north")
    tray = make_tray(window)
    assert tray is not None
    assert window.findChildren(QSystemTrayIcon) == [tray.icon]
    assert tray.icon.isVisible()
    assert tray.icon.contextMenu() is tray.menu
    texts = [action.text() for action in tray.number_actions]
    assert texts[0].startswith("Copy 999:")
    shown = [directory.emergency.number.display, directory.national_line.number.display,
             *displays(directory, *NORTH_LINES)]
    assert len(texts) == len(shown)
    for text, number in zip(texts, shown, strict=True):
        assert f"Copy {number}: " in text
    # The southern office is not the northern region's.
    assert not any(displays(directory, *SOUTH_LINES)[0] in text for text in texts)
    menu = [action.text() for action in tray.menu.actions() if not action.isSeparator()]
    assert menu[len(texts):] == ["Open CST Directory", "Which number do I call?", "&Quit CST Directory"]
    # Every item can be read out: none is an icon or a blank.
    assert all(text.strip() for text in menu)


def test_the_menu_follows_the_region(qtbot: QtBot, window: MainWindow, make_tray: TrayFactory,
                                     directory: BuiltinDirectory) -> None:
    choose_region(qtbot, window, "north")
    tray = make_tray(window)
    assert tray is not None
    choose_region(qtbot, window, "south")
    texts = [action.text() for action in tray.number_actions]
    south = displays(directory, *SOUTH_LINES)
    assert [text.split(":")[0] for text in texts] == [
        f"Copy {number}" for number in (directory.emergency.number.display,
                                        directory.national_line.number.display, *south)]
    choose_region(qtbot, window, None)
    every = [text.split(":")[0] for text in (action.text() for action in tray.number_actions)]
    for number in (*displays(directory, *NORTH_LINES), *south):
        assert f"Copy {number}" in every


def test_each_item_reads_as_the_entry_and_an_ampersand_is_shown_not_taken_as_a_shortcut(
        qtbot: QtBot, window: MainWindow, make_tray: TrayFactory, directory: BuiltinDirectory) -> None:
    choose_region(qtbot, window, "north")
    tray = make_tray(window)
    assert tray is not None
    entries = quick_lines(directory, "north")
    assert any("&" in entry.name for entry in entries), "the northern 24/7 line's name has an &"
    for action, entry in zip(tray.number_actions, entries, strict=True):
        # A lone & would underline the next letter and vanish from what is shown and read out.
        assert re.search(r"(?<!&)&(?!&)", action.text()) is None
        assert action.text().replace("&&", "&") == f"Copy {entry.number.display}: {entry.name}"
