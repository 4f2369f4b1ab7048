"""The icon in the desktop's tray: a menu that copies 999 and the region's CST lines, brings the window
back or opens the guide, and the two settings that go with it (keep running when the window is closed,
start at login). Where the desktop has no tray there is no icon and neither setting is offered."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QSystemTrayIcon

from cst_directory import APP_NAME
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.quick_lines import quick_lines
from cst_directory.ui.file_actions import FILE_MENU_NAME

if TYPE_CHECKING:
    from cst_directory.ui.main_window import MainWindow

KEEP_RUNNING_KEY = "tray/keep_running"
# Long enough to read the number back, short enough not to cover the screen while dialling.
MESSAGE_MS = 5000

TrayAvailable = Callable[[], bool]
"""Whether the desktop has a tray to put the icon in: QSystemTrayIcon.isSystemTrayAvailable."""


class LoginStart(Protocol):
    """Starting the app when the user logs in; made by the composition root from storage."""

    def is_on(self) -> bool:
        """Whether something already starts the app at login."""

    def turn(self, on: bool) -> None:
        """Start the app at login, or stop doing so; OSError with one sentence when it cannot."""


class TrayIcon(QObject):
    """The tray icon with its menu of numbers, and the keep-running and start-at-login settings."""

    said = Signal(str)
    """A sentence the tray showed as its message."""

    def __init__(self, window: MainWindow, directory: BuiltinDirectory, settings: QSettings, icon: QIcon, *,
                 login_start: LoginStart | None = None,
                 quit_app: Callable[[], None] = QCoreApplication.quit) -> None:
        super().__init__(window)
        self._window = window
        self._directory = directory
        self._settings = settings
        self._login_start = login_start
        self._quit_app = quit_app
        self._quitting = False
        self._told_still_running = False
        self.number_actions: list[QAction] = []

        self.menu = QMenu(window)
        self.menu.setTitle(APP_NAME)
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setToolTip(self.tr("CST Directory: in an emergency, call 999 first"))
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)

        self.open_action = QAction(self.tr("Open CST Directory"), self)
        self.open_action.triggered.connect(lambda: window.bring_forward(""))
        self.guide_action = QAction(self.tr("Which number do I call?"), self)
        self.guide_action.triggered.connect(self._show_guide)
        self.quit_action = QAction(self.tr("&Quit CST Directory"), self)
        # Not StandardKey.Quit: some platforms (and desktops without a theme plugin) bind nothing to it.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.quit)

        self.keep_running_action = QAction(self.tr("&Keep running in the tray when closed"), self)
        self.keep_running_action.setCheckable(True)
        self.keep_running_action.setChecked(_is_true(settings.value(KEEP_RUNNING_KEY, False)))
        self.keep_running_action.triggered.connect(self._keep_running_chosen)
        self.login_action: QAction | None = None
        if login_start is not None:
            self.login_action = QAction(self.tr("&Start at login"), self)
            self.login_action.setCheckable(True)
            # triggered, not toggled: whether an entry exists decides the mark, and the box only shows it.
            self.login_action.triggered.connect(self._login_chosen)
            self._show_login_state()

        self._build_menu()
        window.region_choice.currentIndexChanged.connect(self._build_menu)
        window.installEventFilter(self)
        self.icon.show()
        self._apply_keep_running()

    @property
    def keeps_running(self) -> bool:
        """Whether closing the window leaves the app running in the tray."""
        return self.keep_running_action.isChecked() and self.icon.isVisible()

    def install(self, menu_bar: QMenuBar) -> None:
        """The settings and Quit at the end of the window's File menu, made if the window has none."""
        menu = menu_bar.findChild(QMenu, FILE_MENU_NAME)
        if menu is None:
            menu = QMenu(self.tr("&File"), menu_bar)
            menu.setObjectName(FILE_MENU_NAME)
            actions = menu_bar.actions()
            if actions:
                menu_bar.insertMenu(actions[0], menu)
            else:
                menu_bar.addMenu(menu)
        menu.addSeparator()
        menu.addAction(self.keep_running_action)
        if self.login_action is not None:
            menu.addAction(self.login_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        # With the window kept in the tray, closing it no longer quits: Ctrl+Q must still.
        self._window.addAction(self.quit_action)

    def copy(self, entry: Entry) -> None:
        """Copy the entry's number as the window copies it, and say so in the tray as well."""
        self._window.handoff.copy_entry(entry)
        self._tell(self.tr("Copied %s") % entry.number.display, entry.name)

    def quit(self) -> None:
        """Close the window as the user would (its size and place are kept), then end the app."""
        self._quitting = True
        self._window.close()
        self.icon.hide()
        self._quit_app()

    # Internals.

    def _build_menu(self) -> None:
        self.menu.clear()
        self.number_actions = []
        region = self._window.region_choice.currentData()
        for entry in quick_lines(self._directory, region):
            # & would otherwise make the next letter a shortcut key and vanish from the text read out.
            text = self.tr("Copy %s: %s") % (entry.number.display, entry.name)
            action = self.menu.addAction(text.replace("&", "&&"))
            action.setToolTip(text)
            action.triggered.connect(lambda _checked=False, chosen=entry: self.copy(chosen))
            self.number_actions.append(action)
        self.menu.addSeparator()
        self.menu.addAction(self.open_action)
        self.menu.addAction(self.guide_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self._window.bring_forward("")

    def _show_guide(self) -> None:
        # The guide belongs to the window: a guide over a window still hidden in the tray may not show.
        self._window.bring_forward("")
        self._window.show_guide()

    def _keep_running_chosen(self, on: bool) -> None:
        self._settings.setValue(KEEP_RUNNING_KEY, on)
        self._settings.sync()
        self._apply_keep_running()
        self._window.status.confirm(
            self.tr("Closing the window now leaves CST Directory running in the tray.") if on
            else self.tr("Closing the window now quits CST Directory."))

    def _apply_keep_running(self) -> None:
        # Only while the window is kept in the tray: otherwise closing it must quit, as it always has.
        QGuiApplication.setQuitOnLastWindowClosed(not self.keeps_running)

    def _login_chosen(self, on: bool) -> None:
        assert self._login_start is not None
        try:
            self._login_start.turn(on)
        except OSError as exc:
            self._window.status.confirm(str(exc), warning=True)
        else:
            self._window.status.confirm(
                self.tr("CST Directory will start when you log in.") if on
                else self.tr("CST Directory will no longer start when you log in."))
        self._show_login_state()

    def _show_login_state(self) -> None:
        assert self._login_start is not None and self.login_action is not None
        self.login_action.setChecked(self._login_start.is_on())

    def _tell(self, title: str, text: str) -> None:
        if QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
        self.said.emit(f"{title}: {text}")

    def _say_still_running(self) -> None:
        if self._told_still_running or self._quitting or not self._window.isHidden():
            return
        self._told_still_running = True
        self._tell(self.tr("CST Directory is still running"),
                   self.tr("Its tray menu copies 999 and CST's lines. Choose Quit there to close it."))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close and self.keeps_running:
            # The window closes as always (saving its size and place); after it has, the app stays.
            QTimer.singleShot(0, self._say_still_running)
        return super().eventFilter(watched, event)


def install_tray(window: MainWindow, directory: BuiltinDirectory, settings: QSettings, icon: QIcon, *,
                 login_start: LoginStart | None = None,
                 available: TrayAvailable = QSystemTrayIcon.isSystemTrayAvailable,
                 quit_app: Callable[[], None] = QCoreApplication.quit) -> TrayIcon | None:
    """The tray icon with its settings in the window's File menu, or None where the desktop has no tray."""
    if not available():
        return None
    tray = TrayIcon(window, directory, settings, icon, login_start=login_start, quit_app=quit_app)
    tray.install(window.menuBar())
    return tray


def _is_true(value: object) -> bool:
    # A hand-edited settings file can hold anything: only a clear yes turns the setting on.
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))
