"""The composition root: reads the command line, loads the data, builds the window and runs it."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cst_directory import APP_ID, APP_NAME, __version__
from cst_directory.domain.book import ContactBook
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Entry
from cst_directory.domain.errors import StorageError
from cst_directory.domain.import_rows import FileRead
from cst_directory.domain.search import DirectorySearch
from cst_directory.storage.contact_book import BuiltinOnlyBook, StoredContactBook
from cst_directory.storage.contact_store import ContactStore
from cst_directory.storage.data_files import UnsafeFileError, ensure_private_file, keep_aside
from cst_directory.storage.directory_file import DirectoryDataError, load_directory
from cst_directory.storage.instance import InstanceLock, instance_socket, owner_is_someone_else
from cst_directory.storage.paths import HOME_ENV, DataDirError, data_home
from cst_directory.storage.resources import resources_dir

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from cst_directory.ui.main_window import MainWindow
    from cst_directory.ui.single_instance import InstanceServer
    from cst_directory.ui.tray import LoginStart, TrayIcon

SETTINGS_FILE = "settings.ini"
EXIT_STORAGE = 3
EXIT_NO_DISPLAY = 4
# If the window has not painted by then something is badly wrong; --exit-after-show must not hang CI.
FIRST_PAINT_TIMEOUT_MS = 30_000
# A later launch waits this long for a window that is still starting to begin listening.
STARTING_OWNER_WAIT_MS = 10_000
# The owner begins listening at its first paint, or after this if it has not painted by then.
LISTEN_AT_THE_LATEST_MS = 2_000
# Where there is no tray at first, it is looked for this often, this many times (a minute in all).
TRAY_LOOK_INTERVAL_MS = 5_000
TRAY_LOOKS = 12


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cst-directory",
                                     description="CST Directory. In an emergency, call 999 first.")
    parser.add_argument("--home", metavar="DIR", help="keep all user data under DIR")
    parser.add_argument("--exit-after-show", action="store_true",
                        help="show the window, wait for its first paint, then exit")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("query", nargs="?", default="", metavar="QUERY", help="text to search for at launch")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        home = data_home(args.home)
        resources = resources_dir()
        directory = load_directory(resources)
    except (DataDirError, DirectoryDataError) as exc:
        _report_fatal(str(exc))
        return EXIT_STORAGE

    # Qt is imported only once the data is known to be good, so a bad install fails fast and plainly.
    from PySide6.QtCore import QTimer

    from cst_directory.ui.main_window import MainWindow

    app = _create_application()
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon(resources))

    claim = _claim_data_folder(home, args.query, hand_over_allowed=not args.exit_after_show)
    if claim is None:
        return 0
    lock, owner, socket, separate = claim

    book, problem = open_book(directory, home)
    scratch = _ScratchFolder()
    settings, settings_problem = _open_settings(home, scratch.path)
    window = MainWindow(directory, DirectorySearch(directory.region_index()), book, settings,
                        data_folder=str(home), files=ContactFileAccess(), write_card=write_card_file)
    window.start(in_background=True)
    _report_start_problems(window, book, problem, settings_problem, separate)
    told = book.notice

    def tell_what_the_read_found() -> None:
        # Rows that could not be read are known only once the contacts have been read, after first paint.
        if book.notice and book.notice != told:
            print(f"cst-directory: {book.notice}", file=sys.stderr)
    window.contact_list.loaded.connect(tell_what_the_read_found)

    listener = _LaunchListener(lock, socket, window, app)
    if owner:
        # On the event loop's next turn after the first paint: the server's modules (QtNetwork among them)
        # take over 10 ms to load, and a later launch waits for a window that is still starting anyway.
        # --exit-after-show has quit by then: listening is not part of start-up.
        window.first_painted.connect(lambda: QTimer.singleShot(0, listener.start))
        # A window that is never painted (started minimised, say) must still be found by later launches.
        QTimer.singleShot(LISTEN_AT_THE_LATEST_MS, listener.start)

    tray = _TrayStarter(window, directory, settings, app, _start_at_login(args.home))
    # After the first paint, as the listener: the tray's modules are not needed to show the numbers.
    window.first_painted.connect(lambda: QTimer.singleShot(0, tray.start))
    QTimer.singleShot(LISTEN_AT_THE_LATEST_MS, tray.start)

    if args.query:
        window.set_query(args.query)
    if args.exit_after_show:
        window.first_painted.connect(app.quit)
        QTimer.singleShot(FIRST_PAINT_TIMEOUT_MS, lambda: app.exit(1))
    window.show()
    code = app.exec()
    listener.close()
    lock.release()
    if args.exit_after_show:
        window.close()
    scratch.remove()
    return code


class _LaunchListener:
    """The owner's answer to later launches: a server started once the window is up, closed at exit."""

    def __init__(self, lock: InstanceLock, socket: str, window: MainWindow, app: QApplication) -> None:
        self._lock = lock
        self._socket = socket
        self._window = window
        self._app = app
        self._server: InstanceServer | None = None
        self._closed = False

    def start(self) -> None:
        if self._server is not None or self._closed:
            return
        from cst_directory.storage.instance import keep_claim
        from cst_directory.ui.single_instance import InstanceServer

        lock, socket = self._lock, self._socket
        # The check keeps the lock and socket where later launches look, however long the window is open.
        server = InstanceServer(socket, self._app, on_check=lambda: keep_claim(lock, APP_ID, socket))
        server.activation_requested.connect(self._window.bring_forward)
        self._server = server
        if not server.listen():
            # The window still works; until a later check can listen, a later launch opens its own.
            print(f"cst-directory: cannot listen for later launches yet ({server.error_text()}); "
                  "trying again every few seconds.", file=sys.stderr)

    def close(self) -> None:
        self._closed = True
        if self._server is not None:
            self._server.close()


class _TrayStarter:
    """Puts the icon in the tray once the window is up, looking again for a while where there is none yet."""

    # A desktop's tray may come up after the app when both start at login.

    def __init__(self, window: MainWindow, directory: BuiltinDirectory, settings: QSettings,
                 app: QApplication, login_start: LoginStart | None) -> None:
        self._window = window
        self._directory = directory
        self._settings = settings
        self._app = app
        self._login_start = login_start
        self._looks_left = TRAY_LOOKS
        self.tray: TrayIcon | None = None

    def start(self) -> None:
        if self.tray is not None or self._looks_left <= 0:
            return
        self._looks_left -= 1
        from PySide6.QtCore import QTimer

        from cst_directory.ui.tray import install_tray

        self.tray = install_tray(self._window, self._directory, self._settings, self._app.windowIcon(),
                                 login_start=self._login_start)
        if self.tray is None and self._looks_left > 0:
            QTimer.singleShot(TRAY_LOOK_INTERVAL_MS, self.start)


class StartAtLogin:
    """Starts this installation at login, with the same data folder, through storage's XDG autostart entry."""

    def __init__(self, home_option: str | None) -> None:
        # A data folder named on the command line or in the environment is not known at login otherwise.
        chosen = home_option or os.environ.get(HOME_ENV)
        self._home = os.path.abspath(Path(chosen).expanduser()) if chosen else None

    def command(self) -> list[str]:
        from cst_directory.storage.autostart import launch_command

        command = launch_command(frozen=bool(getattr(sys, "frozen", False)), executable=sys.executable,
                                 argv0=sys.argv[0] if sys.argv else "")
        return [*command, "--home", self._home] if self._home else command

    def is_on(self) -> bool:
        from cst_directory.storage.autostart import AutostartState, autostart_file, state_of

        try:
            return state_of(autostart_file()) is not AutostartState.OFF
        except OSError:
            # The folder cannot be looked in, so nothing can be written there either: shown as off.
            return False

    def turn(self, on: bool) -> None:
        from cst_directory.storage.autostart import autostart_file, disable, enable

        if on:
            enable(autostart_file(), self.command())
        else:
            disable(autostart_file())


def _start_at_login(home_option: str | None) -> StartAtLogin | None:
    """Where the desktop reads XDG autostart entries (not Windows or macOS), what starts the app at login."""
    return None if sys.platform in ("win32", "darwin") else StartAtLogin(home_option)


class ContactFileAccess:
    """The window's reading and writing of contacts files, through storage: the widgets never open a file."""

    def read(self, path: Path, *, name_column: str | None = None, number_column: str | None = None,
             encoding: str | None = None) -> FileRead:
        # Imported when a file is first chosen: the window's first paint needs none of this.
        from cst_directory.storage.contact_files import read_import_file
        from cst_directory.storage.csv_contacts import ColumnsNeededError
        from cst_directory.ui.file_actions import UnknownColumnsError

        try:
            return read_import_file(path, encoding=encoding, name_column=name_column,
                                    number_column=number_column)
        except ColumnsNeededError as exc:
            raise UnknownColumnsError(str(exc), exc.headers) from None

    def write(self, path: Path, entries: Sequence[Entry], *, file_format: str, with_sources: bool) -> int:
        from cst_directory.storage.contact_files import FileFormat, write_export_file

        return write_export_file(path, entries, file_format=FileFormat(file_format),
                                 with_sources=with_sources)


def write_card_file(path: Path, data: bytes) -> None:
    """The card's PDF written for the window, as a new file only: the widgets never open a file."""
    from cst_directory.storage.new_files import write_new_file

    write_new_file(path, data)


class _ScratchFolder:
    """A private temporary folder made only if something needs one, removed when the app ends."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def path(self) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="cst-directory-")
        return Path(self._folder.name)

    def remove(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()


def _report_start_problems(window: MainWindow, book: ContactBook, store_problem: str | None,
                           *others: str | None) -> None:
    """Everything found wrong at start-up, in the window and on stderr for whoever started it there."""
    if store_problem is not None:
        store_problem += " " + window.tr("The built-in numbers are shown; your own contacts cannot be added "
                                         "or changed until this is fixed.")
    elif book.moved_aside is not None:
        print(f"cst-directory: the damaged contacts file was kept as {book.moved_aside}", file=sys.stderr)
    if book.notice:
        # The window shows this one already, and keeps it current.
        print(f"cst-directory: {book.notice}", file=sys.stderr)
    for text in (store_problem, *others):
        if text:
            print(f"cst-directory: {text}", file=sys.stderr)
            window.add_warning(text)


def _claim_data_folder(home: Path, query: str, *, hand_over_allowed: bool
                       ) -> tuple[InstanceLock, bool, str, str | None] | None:
    """Whether this copy owns the data folder, or None once the query went to the copy that does.
    The owner holds the lock and listens for later launches; a copy that is not the owner opens a
    window of its own only when the owner does not answer, and then says so."""
    from cst_directory.storage.instance import LOCK_FILE, InstanceError

    try:
        socket = instance_socket(APP_ID, home)
        lock = InstanceLock.for_folder(APP_ID, home)
    except InstanceError as exc:
        # Nowhere that only this user can reach (a shared data folder and no private folder to be had):
        # no lock to hold and no socket to trust, so this window runs on its own and says why. The lock
        # returned is never taken, so releasing it at exit does nothing.
        return InstanceLock(home / LOCK_FILE), False, "", exc.message
    problem: str | None = None
    try:
        owner = lock.acquire()
        wait_ms = STARTING_OWNER_WAIT_MS
    except OSError as exc:
        # No lock file can be made (a read-only data folder) or something else is in its place: nobody
        # can own the folder, so only a window that is already listening can be reached, and there is
        # nothing to wait for.
        owner, wait_ms = False, 0
        problem = exc.message if isinstance(exc, InstanceError) else None
    if owner or not hand_over_allowed or owner_is_someone_else(socket):
        return lock, owner, socket, problem
    # Only a launch that is not the owner talks to another window: the owner's first paint need not wait
    # for these modules.
    from cst_directory.ui.single_instance import Handover, hand_over

    outcome = hand_over(socket, query, wait_for_owner_ms=wait_ms)
    if outcome is Handover.DONE:
        return None
    if outcome is Handover.NOBODY and wait_ms == 0:
        return lock, owner, socket, problem
    return lock, owner, socket, ("The CST Directory window already open is not responding, so this one "
                                 "opened separately: close the other one when it comes back.")


def open_book(directory: BuiltinDirectory, home: Path) -> tuple[ContactBook, str | None]:
    """The user's contacts joined with the built-ins, or the built-ins alone and why, if the store will not
    open: the emergency numbers must show whatever state the user's file is in."""
    try:
        return StoredContactBook(directory, ContactStore(home)), None
    except StorageError as exc:
        return BuiltinOnlyBook(directory, exc), exc.message


def _create_application() -> QApplication:
    """The QApplication; if Qt cannot open a window, the process ends here with one sentence saying why.
    Qt itself would print several lines about plugins and abort, which tells a user nothing to act on."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    seen: list[str] = []

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            print(f"cst-directory: {_no_window_sentence([*seen, message])}", file=sys.stderr, flush=True)
            os._exit(EXIT_NO_DISPLAY)
        seen.append(message)

    previous = qInstallMessageHandler(handler)
    try:
        app = QApplication(sys.argv[:1])
    finally:
        qInstallMessageHandler(previous)
    # What Qt said while starting but that did not stop it (a theme or font warning) is still worth seeing.
    for message in seen:
        print(message, file=sys.stderr)
    return app


def _no_window_sentence(messages: Sequence[str]) -> str:
    said = " ".join(messages)
    if ("could not connect to display" in said or "Could not connect to any X display" in said
            or "Failed to create wl_display" in said):
        return ("cannot open a window: no graphical display was found. Start CST Directory from your "
                "desktop, or set DISPLAY (X11) or WAYLAND_DISPLAY to a running display.")
    if "Could not find the Qt platform plugin" in said:
        chosen = os.environ.get("QT_QPA_PLATFORM", "")
        if chosen:
            return (f"cannot open a window: QT_QPA_PLATFORM is set to \"{chosen}\", which this copy of Qt "
                    "does not have; unset it and start CST Directory again.")
        return ("cannot open a window: this copy of CST Directory is missing part of Qt; install it "
                "again.")
    if "xcb-cursor0" in said or "Could not load the Qt platform plugin" in said:
        return ("cannot open a window: system libraries that Qt needs are missing. On Debian or Ubuntu "
                "install them with: sudo apt install libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1.")
    first = messages[-1].strip().splitlines()[0] if messages and messages[-1].strip() else "unknown error"
    return f"cannot open a window: Qt stopped with \"{first}\"."


def app_icon(resources: Path) -> QIcon:
    """Every size of the app's icon shipped in resources/, so each place that shows it picks a sharp one."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for png in sorted((resources / "icons" / "hicolor").glob(f"*/apps/{APP_ID}.png")):
        icon.addFile(str(png))
    return icon


def _open_settings(home: Path, scratch: Callable[[], Path]) -> tuple[QSettings, str | None]:
    """The window's settings, or fresh ones if the file cannot be read; a damaged file is kept aside.
    A link, pipe or folder in its place is never opened: QSettings would follow the link, block on the
    pipe, and replace whatever is there when it saves, so the window then keeps its settings in a private
    scratch folder for this run only."""
    from PySide6.QtCore import QSettings

    path = home / SETTINGS_FILE
    try:
        ensure_private_file(path, "Your window settings file")
    except UnsafeFileError as exc:
        return (QSettings(str(scratch() / SETTINGS_FILE), QSettings.Format.IniFormat),
                f"{exc.strerror} Until then the defaults are used and window changes are not kept.")
    except OSError:
        pass  # Unreadable or not creatable: the status check below says so.
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    settings.allKeys()  # QSettings reads lazily; its status is only known after a read.
    if settings.status() == QSettings.Status.NoError:
        return settings, None
    if settings.status() == QSettings.Status.AccessError:
        # Unreadable is not damaged: the file stays where it is, for the user to fix.
        return settings, (f"Your window settings in {path} cannot be read: check that the file is yours; "
                          "until then the defaults are used.")
    del settings
    try:
        kept = keep_aside(path, "damaged", dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S"))
    except OSError as exc:
        return (QSettings(str(path), QSettings.Format.IniFormat),
                f"Your window settings in {path} cannot be read ({exc.strerror}): defaults are used.")
    with contextlib.suppress(OSError):
        ensure_private_file(path, "Your window settings file")
    return (QSettings(str(path), QSettings.Format.IniFormat),
            f"Your window settings file was damaged: it was kept as {kept} and the defaults are used.")


def _report_fatal(message: str) -> None:
    print(f"cst-directory: {message}", file=sys.stderr)
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv[:1])
        QMessageBox.critical(None, APP_NAME, message)
        del app
    except Exception:
        # No display or no Qt libraries: stderr already has the sentence.
        pass


def run() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    run()
