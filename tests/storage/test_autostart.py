"""The start-at-login entry: a valid desktop file that starts this installation, written atomically, and
never written through a link, over a file the app did not write, or removed when it is not the app's."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from cst_directory import APP_ID
from cst_directory.storage.autostart import (
    MARKER_KEY,
    AutostartError,
    AutostartState,
    autostart_file,
    disable,
    enable,
    exec_value,
    launch_command,
    state_of,
)
from tests.packaging.test_desktop_integration import desktop_entry, require_tool

COMMAND = ["/opt/cst-directory/cst-directory"]
# A path with every kind of character the Desktop Entry specification makes special.
AWKWARD = ["/home/ann o'neil/My $Apps (2)/cst-directory", "--home", '/data/"quoted"\\back%slash`tick']
FOREIGN_ENTRY = "[Desktop Entry]\nType=Application\nName=My own start-up\nExec=cst-directory\n"


@pytest.fixture
def entry(tmp_path: Path) -> Path:
    return autostart_file({"XDG_CONFIG_HOME": str(tmp_path / "config")})


def exec_arguments(value: str) -> list[str]:
    """An Exec value taken apart as the specification says a desktop does: the string escapes first, then
    the quoting (inside double quotes a backslash escapes ", `, $ and itself), then %% to %."""
    text = value.replace("\\\\", "\\")
    arguments: list[str] = []
    current: list[str] = []
    started = quoted = False
    position = 0
    while position < len(text):
        character = text[position]
        if quoted and character == "\\" and text[position + 1] in '"`$\\':
            position += 1
            current.append(text[position])
        elif character == '"':
            quoted, started = not quoted, True
        elif character == " " and not quoted:
            if started:
                arguments.append("".join(current))
            current, started = [], False
        else:
            assert quoted or character not in "\\\"'`$<>~|&;*?#()", f"{character!r} unquoted in {value!r}"
            current.append(character)
            started = True
        position += 1
    assert not quoted, f"unclosed quote in {value!r}"
    if started:
        arguments.append("".join(current))
    return [argument.replace("%%", "%") for argument in arguments]


def validate(path: Path) -> None:
    tool = require_tool("desktop-file-validate")
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_entry_lives_in_the_xdg_autostart_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert autostart_file({"XDG_CONFIG_HOME": "/cfg"}, home) == Path("/cfg/autostart") / f"{APP_ID}.desktop"
    # Unset or relative: the specification says to use ~/.config.
    for environ in ({}, {"XDG_CONFIG_HOME": ""}, {"XDG_CONFIG_HOME": "relative/cfg"}):
        assert autostart_file(environ, home) == home / ".config" / "autostart" / f"{APP_ID}.desktop"


def test_turning_it_on_writes_a_valid_entry_that_starts_the_app(entry: Path) -> None:
    assert state_of(entry) is AutostartState.OFF
    enable(entry, COMMAND)
    assert state_of(entry) is AutostartState.ON
    info = os.lstat(entry)
    assert stat.S_ISREG(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o644
    validate(entry)
    keys = desktop_entry(entry)
    assert keys["Type"] == "Application"
    assert keys["Name"] == "CST Directory"
    assert keys["Icon"] == APP_ID
    assert keys[MARKER_KEY] == "true"
    assert exec_arguments(keys["Exec"]) == COMMAND
    assert keys["TryExec"] == COMMAND[0]
    # Nothing half-written is left beside it.
    assert sorted(p.name for p in entry.parent.iterdir()) == [entry.name]


def test_an_awkward_path_is_quoted_so_that_it_comes_back_whole(entry: Path) -> None:
    enable(entry, AWKWARD)
    validate(entry)
    assert exec_arguments(desktop_entry(entry)["Exec"]) == AWKWARD


def test_a_control_character_in_a_path_is_refused_in_one_sentence(entry: Path) -> None:
    with pytest.raises(AutostartError) as caught:
        enable(entry, ["/opt/odd\nname/cst-directory"])
    assert "control character" in str(caught.value)
    assert state_of(entry) is AutostartState.OFF
    with pytest.raises(ValueError, match="program"):
        exec_value([])


def test_its_own_entry_is_replaced_in_one_step(entry: Path) -> None:
    enable(entry, COMMAND)
    before = os.stat(entry).st_ino
    enable(entry, AWKWARD)
    assert exec_arguments(desktop_entry(entry)["Exec"]) == AWKWARD
    # Renamed over, not rewritten in place: a reader at login sees the old file or the new, never half.
    assert os.stat(entry).st_ino != before
    assert sorted(p.name for p in entry.parent.iterdir()) == [entry.name]


def test_turning_it_off_removes_only_its_own_entry(entry: Path) -> None:
    disable(entry)  # Nothing there: nothing to do.
    enable(entry, COMMAND)
    disable(entry)
    assert not os.path.lexists(entry)
    assert state_of(entry) is AutostartState.OFF


def test_a_file_it_did_not_write_is_never_replaced_or_removed(entry: Path) -> None:
    entry.parent.mkdir(parents=True)
    entry.write_text(FOREIGN_ENTRY)
    assert state_of(entry) is AutostartState.FOREIGN
    with pytest.raises(AutostartError) as caught:
        enable(entry, COMMAND)
    assert "did not write" in str(caught.value) and str(entry) in str(caught.value)
    with pytest.raises(AutostartError):
        disable(entry)
    assert entry.read_text() == FOREIGN_ENTRY


def test_the_marker_counts_only_in_the_entry_group(entry: Path) -> None:
    entry.parent.mkdir(parents=True)
    entry.write_text(FOREIGN_ENTRY + f"[Desktop Action extra]\n{MARKER_KEY}=true\n")
    assert state_of(entry) is AutostartState.FOREIGN
    entry.write_text(FOREIGN_ENTRY + f"{MARKER_KEY}=false\n")
    assert state_of(entry) is AutostartState.FOREIGN


def test_a_link_is_never_followed_even_to_its_own_entry(entry: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.desktop"
    enable(target, COMMAND)
    original = target.read_bytes()
    entry.parent.mkdir(parents=True)
    entry.symlink_to(target)
    assert state_of(entry) is AutostartState.FOREIGN
    with pytest.raises(AutostartError) as caught:
        enable(entry, AWKWARD)
    assert "symbolic link" in str(caught.value)
    with pytest.raises(AutostartError):
        disable(entry)
    assert entry.is_symlink()
    assert target.read_bytes() == original


def test_a_dangling_link_is_not_written_through(entry: Path, tmp_path: Path) -> None:
    target = tmp_path / "planted.desktop"
    entry.parent.mkdir(parents=True)
    entry.symlink_to(target)
    with pytest.raises(AutostartError):
        enable(entry, COMMAND)
    assert not target.exists()


def test_a_pipe_at_the_name_does_not_hang_and_is_left_alone(entry: Path) -> None:
    entry.parent.mkdir(parents=True)
    os.mkfifo(entry)
    assert state_of(entry) is AutostartState.FOREIGN
    with pytest.raises(AutostartError):
        enable(entry, COMMAND)
    assert stat.S_ISFIFO(os.lstat(entry).st_mode)


def test_a_folder_it_cannot_write_to_is_said_in_one_sentence(entry: Path) -> None:
    # A file where the autostart folder should be: refused as a read-only folder is, and root too.
    entry.parent.parent.mkdir(parents=True)
    entry.parent.write_text("not a folder")
    with pytest.raises(AutostartError) as caught:
        enable(entry, COMMAND)
    assert str(caught.value).startswith(f"Cannot write {entry}")
    assert entry.parent.read_text() == "not a folder"


def make_program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_bundle_starts_its_own_program(tmp_path: Path) -> None:
    bundle = make_program(tmp_path / "bundle" / "cst-directory")
    assert launch_command(frozen=True, executable=str(bundle), argv0="whatever") == [str(bundle)]


def test_the_installed_script_starts_the_app_it_started(tmp_path: Path) -> None:
    script = make_program(tmp_path / "bin" / "cst-directory")
    python = tmp_path / "venv" / "bin" / "python"
    assert launch_command(frozen=False, executable=str(python), argv0=str(script)) == [str(script)]


def test_without_the_script_the_one_beside_python_or_python_itself(tmp_path: Path) -> None:
    python = make_program(tmp_path / "venv" / "bin" / "python")
    # Started with python -m: argv[0] is the module's file.
    argv0 = str(tmp_path / "app.py")
    assert launch_command(frozen=False, executable=str(python), argv0=argv0) == [
        str(python), "-m", "cst_directory.app"]
    beside = make_program(python.parent / "cst-directory")
    assert launch_command(frozen=False, executable=str(python), argv0=argv0) == [str(beside)]
    # A cst-directory that cannot be run is not one.
    beside.chmod(0o644)
    assert launch_command(frozen=False, executable=str(python), argv0=argv0)[1:] == ["-m",
                                                                                  "cst_directory.app"]
