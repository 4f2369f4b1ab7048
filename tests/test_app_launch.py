"""The cst-directory command as a process: start-up, --exit-after-show, --version and a damaged install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cst_directory import __version__


def run_app(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "cst_directory.app", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_exit_after_show_paints_and_exits_zero(tmp_path: Path) -> None:
    home = tmp_path / "data"
    result = run_app("--home", str(home), "--exit-after-show", "manchester")
    assert result.returncode == 0, result.stderr
    assert home.is_dir()
    assert (home.stat().st_mode & 0o777) == 0o700
    assert (home / "settings.ini").is_file()
    assert (home / "settings.ini").stat().st_mode & 0o777 == 0o600


def test_version(tmp_path: Path) -> None:
    result = run_app("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_damaged_data_file_stops_with_one_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "resources"
    broken.mkdir()
    (broken / "directory.toml").write_text("format = 1\n[[entries]\n", encoding="utf-8")
    result = run_app("--exit-after-show", env_extra={"CST_DIRECTORY_RESOURCES": str(broken)})
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "reinstall" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_data_file_stops_with_one_sentence(tmp_path: Path) -> None:
    result = run_app("--exit-after-show", env_extra={"CST_DIRECTORY_RESOURCES": str(tmp_path)})
    assert result.returncode == 3
    assert "missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_garbage_contacts_file_is_kept_and_the_app_still_starts(tmp_path: Path) -> None:
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    garbage = os.urandom(4096)
    (home / "contacts.db").write_bytes(garbage)
    result = run_app("--home", str(home), "--exit-after-show")
    assert result.returncode == 0, result.stderr
    kept = list(home.glob("contacts.db.damaged-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == garbage
    assert str(kept[0]) in result.stderr


def test_a_damaged_settings_file_is_kept_aside_and_the_window_opens(tmp_path: Path) -> None:
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    garbage = b"\x00\xff\xfe not settings \x01\n[unclosed\n=\n"
    (home / "settings.ini").write_bytes(garbage)
    result = run_app("--home", str(home), "--exit-after-show")
    assert result.returncode == 0, result.stderr
    kept = list(home.glob("settings.ini.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    assert f"kept as {kept[0]}" in result.stderr
    # The fresh file is a readable settings file again, written when the window closed.
    assert b"geometry" in (home / "settings.ini").read_bytes()


def test_no_display_is_one_sentence_not_a_qt_abort(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    result = subprocess.run([sys.executable, "-m", "cst_directory.app", "--home", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and "no graphical display" in lines[0], result.stderr


def test_missing_x11_libraries_are_named_in_one_sentence(tmp_path: Path) -> None:
    # An unloadable libxcb-cursor stands in for a machine without it: Qt's xcb plugin then cannot load.
    fake = tmp_path / "lib"
    fake.mkdir()
    (fake / "libxcb-cursor.so.0").write_bytes(b"")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0", "LD_LIBRARY_PATH": str(fake)}
    result = subprocess.run([sys.executable, "-m", "cst_directory.app", "--home", str(tmp_path / "data")],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "libxcb-cursor0" in lines[0]
