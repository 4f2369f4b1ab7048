"""The PyInstaller bundle that `make package` builds, run as a user runs it: start-up, version, and the
one-sentence errors for a machine or data folder it cannot use. Its real X11 window is tested with the
installed app's in test_x11_window.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cst_directory import __version__

from .test_x11_window import bundled_app


def run_bundle(*args: str, env_extra: dict[str, str] | None = None,
               drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update({"QT_QPA_PLATFORM": "offscreen", **(env_extra or {})})
    env.pop("CST_DIRECTORY_HOME", None)
    return subprocess.run([str(bundled_app()), *args], capture_output=True, text=True, env=env, timeout=120,
                          check=False)


def test_the_bundle_paints_its_window_and_exits_0(tmp_path: Path) -> None:
    home = tmp_path / "data"
    result = run_bundle("--home", str(home), "--exit-after-show", "manchester")
    assert result.returncode == 0, result.stderr
    assert (home / "contacts.db").stat().st_mode & 0o777 == 0o600


def test_the_bundle_knows_its_version() -> None:
    result = run_bundle("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"CST Directory {__version__}"


def test_the_bundle_without_a_display_says_so_in_one_sentence(tmp_path: Path) -> None:
    result = run_bundle("--home", str(tmp_path), env_extra={"QT_QPA_PLATFORM": "xcb"},
                        drop=("DISPLAY", "WAYLAND_DISPLAY"))
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no graphical display" in lines[0], result.stderr


def test_the_bundle_with_an_unusable_data_folder_says_so_in_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder's parent should be\n", encoding="utf-8")
    result = run_bundle("--home", str(blocker / "data"), "--exit-after-show")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(blocker / "data") in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_the_bundle_starts_over_a_damaged_settings_file(tmp_path: Path) -> None:
    home = tmp_path / "data"
    home.mkdir(mode=0o700)
    (home / "settings.ini").write_bytes(b"\x00\xff\xfe[broken\n=\n")
    result = run_bundle("--home", str(home), "--exit-after-show")
    assert result.returncode == 0, result.stderr
    assert "settings file was damaged" in result.stderr
    assert len(list(home.glob("settings.ini.damaged-*"))) == 1
