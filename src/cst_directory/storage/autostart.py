"""Starting CST Directory when the user logs in: the XDG autostart entry, written and removed only when it
is the app's own, never through a link and never over a file someone else put there."""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import stat
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from cst_directory import APP_ID, APP_NAME
from cst_directory.storage.data_files import FileKind, kind_of

COMMAND = "cst-directory"
MARKER_KEY = "X-CST-Directory-Autostart"
ENTRY_MODE = 0o644
# Far larger than any desktop entry: a bigger file at that name is not one the app wrote.
_MAX_ENTRY_BYTES = 64 * 1024
_SAFE_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(
    os, "O_CLOEXEC", 0)
# The Desktop Entry specification's reserved characters: an argument holding one must be quoted.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = set('"`$\\')


class AutostartState(enum.Enum):
    """What is at the autostart entry's name."""

    OFF = "off"
    ON = "on"
    """The app's own entry: it may rewrite or remove it."""
    FOREIGN = "foreign"
    """Something the app did not write (the user's own entry, a link, a folder): never touched."""


class AutostartError(OSError):
    """The entry cannot be written or removed; the message is one sentence saying why and what to do."""

    def __str__(self) -> str:
        return str(self.strerror)


def autostart_file(environ: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """$XDG_CONFIG_HOME/autostart/<APP_ID>.desktop, or under ~/.config when that is unset or relative (the
    XDG Base Directory specification says a relative path is to be ignored)."""
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and os.path.isabs(config) else (home or Path.home()) / ".config"
    return base / "autostart" / f"{APP_ID}.desktop"


def launch_command(*, frozen: bool, executable: str, argv0: str) -> list[str]:
    """The command that starts this installation of the app: the bundle's own program, the cst-directory
    script it was started by or that was installed beside its Python, or else that Python running the app
    module. Paths are made absolute but links are kept: a link on PATH is the name meant to stay put."""
    if frozen:
        return [os.path.abspath(executable)]
    for candidate in (argv0, str(Path(executable).parent / COMMAND)):
        if candidate and Path(candidate).name == COMMAND and _is_program(candidate):
            return [os.path.abspath(candidate)]
    return [os.path.abspath(executable), "-m", "cst_directory.app"]


def entry_text(command: Sequence[str]) -> str:
    """The desktop entry that runs command at login, marked as the app's own."""
    lines = [
        "# Written by CST Directory when \"Start at login\" was turned on; turning it off removes this file.",
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        f"Name={APP_NAME}",
        "Comment=Find the CST and UK emergency lines and copy a number with one key. In an emergency, "
        "call 999 first",
        f"Exec={exec_value(command)}",
        # A program that has since been moved or removed is then skipped at login, not reported as broken.
        f"TryExec={_string_value(command[0])}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        f"{MARKER_KEY}=true",
    ]
    return "\n".join(lines) + "\n"


def exec_value(command: Sequence[str]) -> str:
    """An Exec= value, quoted as the Desktop Entry specification says: an argument holding a reserved
    character in double quotes with ", `, $ and \\ escaped; % doubled; then backslashes escaped again as
    in any string value."""
    if not command:
        raise ValueError("an Exec line needs a program")
    parts = []
    for argument in command:
        if any(ord(character) < 0x20 or character == "\x7f" for character in argument):
            raise AutostartError(errno.EINVAL, f"The path {argument!r} holds a control character, which a "
                                               "start-at-login entry cannot hold: move CST Directory to a "
                                               "plainer path.")
        quoted = argument.replace("%", "%%")
        if any(character in _RESERVED for character in argument) or not argument:
            quoted = '"' + "".join("\\" + c if c in _ESCAPED_IN_QUOTES else c for c in quoted) + '"'
        parts.append(quoted)
    return _string_value(" ".join(parts))


def state_of(path: Path) -> AutostartState:
    """Whether the entry is there and the app's own; AutostartError when its folder cannot be looked in."""
    try:
        kind = kind_of(path)
    except NotADirectoryError:
        # A file where a folder on the way should be: nothing can be at the name.
        return AutostartState.OFF
    except OSError as exc:
        raise AutostartError(exc.errno or errno.EIO, f"Cannot look at {path} ({exc.strerror}): check that "
                                                     "you may open that folder.") from None
    if kind is FileKind.MISSING:
        return AutostartState.OFF
    if kind is FileKind.REGULAR and _is_own_entry(path):
        return AutostartState.ON
    return AutostartState.FOREIGN


def enable(path: Path, command: Sequence[str]) -> None:
    """Write the entry, atomically: a new file is linked into place (which never replaces anything), the
    app's own earlier entry is replaced by rename. Raises AutostartError for anything else at that name."""
    text = entry_text(command).encode("utf-8")
    state = state_of(path)
    if state is AutostartState.FOREIGN:
        raise _foreign(path, "start at login")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staged = _stage(path, text)
    except OSError as exc:
        raise AutostartError(exc.errno or errno.EIO, f"Cannot write {path} ({exc.strerror}): check that "
                                                     "you may write to that folder.") from None
    try:
        if state is AutostartState.OFF:
            try:
                os.link(staged, path, follow_symlinks=False)
            except FileExistsError:
                # Put there since the check, by something else: its file, not ours.
                raise _foreign(path, "start at login") from None
        else:
            os.replace(staged, path)
    except OSError as exc:
        if isinstance(exc, AutostartError):
            raise
        raise AutostartError(exc.errno or errno.EIO, f"Cannot write {path} ({exc.strerror}): check that "
                                                     "you may write to that folder.") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staged)


def disable(path: Path) -> None:
    """Remove the app's own entry; nothing there is fine; anything else there is left alone."""
    state = state_of(path)
    if state is AutostartState.OFF:
        return
    if state is AutostartState.FOREIGN:
        raise _foreign(path, "stop starting at login")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise AutostartError(exc.errno or errno.EIO, f"Cannot remove {path} ({exc.strerror}): remove it "
                                                     "yourself to stop CST Directory starting at "
                                                     "login.") from None


def _foreign(path: Path, wanted: str) -> AutostartError:
    what = {FileKind.LINK: "a symbolic link", FileKind.FOLDER: "a folder"}.get(kind_of(path), "a file")
    return AutostartError(errno.EEXIST, f"{path} is {what} that CST Directory did not write, so it was left "
                                        f"alone: to let CST Directory {wanted}, move it away first.")


def _stage(path: Path, data: bytes) -> str:
    # mkstemp creates the file with O_EXCL in the same folder, so the rename or link is atomic.
    fd, staged = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), ENTRY_MODE)
            os.fsync(out.fileno())
    except BaseException:
        os.unlink(staged)
        raise
    return staged


def _is_own_entry(path: Path) -> bool:
    """Whether the plain file at path is an entry the app wrote: read without following a link or
    blocking on a pipe, and looked for the marker in its [Desktop Entry] group."""
    try:
        fd = os.open(path, _SAFE_READ)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as source:
        if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
            return False
        data = source.read(_MAX_ENTRY_BYTES + 1)
    if len(data) > _MAX_ENTRY_BYTES:
        return False
    group = None
    for line in data.decode("utf-8", errors="replace").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            group = stripped
        elif group == "[Desktop Entry]" and "=" in stripped:
            key, _, value = stripped.partition("=")
            if key.strip() == MARKER_KEY:
                return value.strip() == "true"
    return False


def _is_program(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _string_value(text: str) -> str:
    return text.replace("\\", "\\\\")
