"""The tray icon, on the offscreen platform, which has no tray: with none (as there) nothing is offered and
closing the window quits; with one (availability injected) the menu copies 999 and the region's CST lines
through the window's own copy path, follows the region, and closing the window can keep the app running."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from cst_directory import APP_NAME, __version__
from cst_directory.app import StartAtLogin, app_icon
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.quick_lines import quick_lines
from cst_directory.storage.autostart import autostart_file
from cst_directory.storage.resources import resources_dir
from cst_directory.ui.file_actions import FILE_MENU_NAME
from cst_directory.ui.main_window import GEOMETRY_KEY, MainWindow
from cst_directory.ui.tray import KEEP_RUNNING_KEY, LoginStart, TrayIcon, install_tray
from tests.packaging.test_desktop_integration import desktop_entry, require_tool
from tests.storage.test_autostart import exec_arguments
from tests.ui.conftest import WindowFactory

# Qt's own tray code looks for a signal that only the X11 platform has; offscreen it says so once, at the
# first show of an icon. Nothing of ours is involved.
TRAY_SIGNAL_WARNING = "No such signal QPlatformNativeInterface::systemTrayWindowChanged"
pytestmark = pytest.mark.qt_log_ignore(TRAY_SIGNAL_WARNING)

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
    """Stands in for quitting the application and records that it was asked to."""

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
    def make(window: MainWindow, *, available: bool = True, login_start: LoginStart | None = None,
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


# A popup menu grabs the keyboard, which the offscreen platform cannot do and says so.
@pytest.mark.qt_log_ignore(TRAY_SIGNAL_WARNING, "does not support grabbing the keyboard")
def test_choosing_an_item_copies_its_number_and_says_so(qtbot: QtBot, window: MainWindow,
                                                        make_tray: TrayFactory,
                                                        directory: BuiltinDirectory) -> None:
    choose_region(qtbot, window, "north")
    tray = make_tray(window)
    assert tray is not None
    QGuiApplication.clipboard().setText("something else")
    said: list[str] = []
    tray.said.connect(said.append)
    # As a user does: open the menu, go down to the third item (the region's 24/7 line), press Enter.
    tray.menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(tray.menu)
    for _ in range(3):
        qtbot.keyClick(tray.menu, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.number_copied, timeout=2000) as copied:
        qtbot.keyClick(tray.menu, Qt.Key.Key_Return)
    number = displays(directory, NORTH_LINES[0])[0]
    assert copied.args == [number]
    assert QGuiApplication.clipboard().text() == number
    # Confirmed in the window, as any copy is, and by the tray itself.
    assert window.confirmation.text() == f"Copied {number}"
    assert len(said) == 1
    assert said[0].startswith(f"Copied {number}: ")


def test_999_is_copied_from_the_first_item(qtbot: QtBot, window: MainWindow, make_tray: TrayFactory,
                                           directory: BuiltinDirectory) -> None:
    tray = make_tray(window)
    assert tray is not None
    QGuiApplication.clipboard().clear()
    tray.number_actions[0].trigger()
    assert QGuiApplication.clipboard().text() == directory.emergency.number.display == "999"
    assert window.confirmation.text() == "Copied 999"


def settings_action(window: MainWindow, text: str) -> QAction:
    menu = window.menuBar().findChild(QMenu, FILE_MENU_NAME)
    assert menu is not None
    found = [action for action in menu.actions() if action.text() == text]
    assert len(found) == 1, f"no File menu item {text!r} in {file_menu_texts(window)}"
    return found[0]


KEEP = "&Keep running in the tray when closed"
LOGIN = "&Start at login"


def test_the_settings_are_in_the_file_menu_and_off_by_default(qtbot: QtBot, window: MainWindow,
                                                              make_tray: TrayFactory) -> None:
    tray = make_tray(window, login_start=FakeLoginStart())
    assert tray is not None
    keep, login = settings_action(window, KEEP), settings_action(window, LOGIN)
    assert keep.isCheckable() and not keep.isChecked()
    assert login.isCheckable() and not login.isChecked()
    assert file_menu_texts(window)[-1] == "&Quit CST Directory"
    assert not tray.keeps_running
    # Off: closing the window quits, as without a tray.
    window.close()
    assert QGuiApplication.quitOnLastWindowClosed()


def test_closing_the_window_keeps_it_in_the_tray_when_chosen(qtbot: QtBot, window: MainWindow,
                                                             make_tray: TrayFactory,
                                                             settings_path: Path) -> None:
    quit_app = QuitRecorder()
    tray = make_tray(window, quit_app=quit_app)
    assert tray is not None
    said: list[str] = []
    tray.said.connect(said.append)
    settings_action(window, KEEP).trigger()
    assert tray.keeps_running
    assert not QGuiApplication.quitOnLastWindowClosed()
    assert "running in the tray" in window.confirmation.text()

    window.close()
    assert window.isHidden()
    qtbot.waitUntil(lambda: len(said) == 1, timeout=2000)
    assert said[0].startswith("CST Directory is still running: ")
    # Its size and place were kept, as on any close.
    stored = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert stored.value(GEOMETRY_KEY) is not None
    assert quit_app.calls == 0

    tray.open_action.trigger()
    qtbot.waitExposed(window)
    assert window.isVisible()
    window.close()
    qtbot.wait(50)
    assert window.isHidden()
    assert len(said) == 1, "the tray says once that the app is still running, not at every close"

    tray.quit_action.trigger()
    assert quit_app.calls == 1
    assert not tray.icon.isVisible()


def test_quit_in_the_tray_closes_the_shown_window_and_quits(qtbot: QtBot, window: MainWindow,
                                                            make_tray: TrayFactory,
                                                            settings_path: Path) -> None:
    quit_app = QuitRecorder()
    tray = make_tray(window, quit_app=quit_app)
    assert tray is not None
    settings_action(window, KEEP).trigger()
    said: list[str] = []
    tray.said.connect(said.append)
    window.resize(777, 555)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert quit_app.calls == 1
    assert window.isHidden()
    qtbot.wait(50)
    assert said == []
    reopened = QSettings(str(settings_path), QSettings.Format.IniFormat).value(GEOMETRY_KEY)
    assert reopened is not None


def test_the_keep_running_setting_is_remembered(qtbot: QtBot, make_window: WindowFactory,
                                                make_tray: TrayFactory) -> None:
    first = make_window()
    tray = make_tray(first)
    assert tray is not None
    settings_action(first, KEEP).trigger()
    first.close()
    again = make_window()
    later = make_tray(again)
    assert later is not None
    assert settings_action(again, KEEP).isChecked()
    assert later.keeps_running
    settings_action(again, KEEP).trigger()
    assert QGuiApplication.quitOnLastWindowClosed()
    third = make_window()
    last = make_tray(third)
    assert last is not None
    assert not settings_action(third, KEEP).isChecked()


def test_a_damaged_setting_is_off(qtbot: QtBot, window: MainWindow, make_tray: TrayFactory,
                                  settings_path: Path) -> None:
    QSettings(str(settings_path), QSettings.Format.IniFormat).setValue(KEEP_RUNNING_KEY, "maybe")
    tray = make_tray(window)
    assert tray is not None
    assert not settings_action(window, KEEP).isChecked()


def test_start_at_login_shows_and_changes_whether_the_entry_exists(qtbot: QtBot, window: MainWindow,
                                                                   make_tray: TrayFactory) -> None:
    login = FakeLoginStart(on=True)
    tray = make_tray(window, login_start=login)
    assert tray is not None
    action = settings_action(window, LOGIN)
    assert action.isChecked()
    action.trigger()
    assert login.turned == [False]
    assert not action.isChecked()
    assert window.confirmation.text() == "CST Directory will no longer start when you log in."
    action.trigger()
    assert login.turned == [False, True]
    assert action.isChecked()
    assert window.confirmation.text() == "CST Directory will start when you log in."


def test_start_at_login_that_fails_says_why_and_stays_as_it_was(qtbot: QtBot, window: MainWindow,
                                                                make_tray: TrayFactory) -> None:
    sentence = "There is a file at that name that CST Directory did not write."
    login = FakeLoginStart(on=False, failure=sentence)
    tray = make_tray(window, login_start=login)
    assert tray is not None
    action = settings_action(window, LOGIN)
    action.trigger()
    assert login.turned == [True]
    assert not action.isChecked()
    assert window.confirmation.text() == sentence
    assert window.confirmation.property("warning") is True


def test_which_number_and_open_bring_the_window_back(qtbot: QtBot, window: MainWindow,
                                                     make_tray: TrayFactory) -> None:
    tray = make_tray(window)
    assert tray is not None
    settings_action(window, KEEP).trigger()
    window.close()
    assert window.isHidden()
    tray.guide_action.trigger()
    assert window.isVisible()
    assert window.guide_dialog is not None
    qtbot.waitExposed(window.guide_dialog)
    window.guide_dialog.close()
    window.close()
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert window.isVisible()


def test_start_at_login_writes_an_entry_that_starts_this_installation(
        qtbot: QtBot, window: MainWindow, make_tray: TrayFactory, isolated_home: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = autostart_file()
    tray = make_tray(window, login_start=StartAtLogin(None))
    assert tray is not None and tray.login_action is not None
    menu = window.menuBar().findChild(QMenu, FILE_MENU_NAME)
    assert menu is not None and tray.login_action in menu.actions()
    assert not tray.login_action.isChecked()

    tray.login_action.trigger()
    assert tray.login_action.isChecked()
    validate = require_tool("desktop-file-validate")
    checked = subprocess.run([validate, str(entry)], capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout + checked.stderr
    command = exec_arguments(desktop_entry(entry)["Exec"])
    # The data folder this window uses (the tests name it in the environment, which login will not).
    assert command[-2:] == ["--home", str(isolated_home)]
    started = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120,
                             check=False, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"{APP_NAME} {__version__}"

    tray.login_action.trigger()
    assert not tray.login_action.isChecked()
    assert not os.path.lexists(entry)
