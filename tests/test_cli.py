"""The cstdir command, run in-process and as a real process."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from cst_directory import cli

JSON_KEYS = {"id", "name", "category", "region", "builtin", "display", "international", "e164", "dial",
             "tel_uri", "notes", "source", "as_of", "verified"}
REPO_DATA = Path(__file__).resolve().parents[1] / "resources" / "directory.toml"


@pytest.fixture(autouse=True)
def shipped_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CLI test reads the shipped data file unless it points elsewhere itself."""
    monkeypatch.delenv("CST_DIRECTORY_RESOURCES", raising=False)


def _run_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cst_directory.cli", *args],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
        env=dict(os.environ) if env is None else env,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- lookup ---------------------------------------------------------------------------------------


def _numbers_in_order(out: str) -> list[str]:
    """The number column of a plain listing: the first field of every other line."""
    return [line[:16].strip() for line in out.splitlines() if line[:1].isdigit()]


def test_lookup_manchester_lists_the_national_line_first_then_northern_lines(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "manchester"])
    out, err = capsys.readouterr()
    assert code == 0
    assert _numbers_in_order(out)[:4] == ["0800 032 3263", "0800 980 0668", "0161 792 6666", "999"]
    assert "020 8457 9999" not in out
    assert "as published in 2015; not confirmed since" in out
    assert "Manchester" in out
    assert err == ""


def test_lookup_query_words_are_joined(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "M7", "4JD"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "postcode m7 4jd" in out.lower()
    assert _numbers_in_order(out)[:2] == ["0800 032 3263", "0800 980 0668"]
    assert "020 8457 9999" not in out


@pytest.mark.parametrize(("query", "first"), [("M7 4", "0800 032 3263"), ("N16 5", "0800 032 3263"),
                                              ("Gol", "0800 032 3263"), ("112", "999"), ("9", "999")])
def test_lookup_of_a_query_still_being_typed_finds_it(capsys: pytest.CaptureFixture[str], query: str,
                                                     first: str) -> None:
    code = cli.main(["lookup", query])
    out, _ = capsys.readouterr()
    assert code == 0
    assert _numbers_in_order(out)[0] == first


def test_lookup_of_a_misspelt_place_offers_and_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "Manchster"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Did you mean Manchester?" in out
    assert _numbers_in_order(out)[:2] == ["0800 032 3263", "0800 980 0668"]
    assert err == ""


def test_lookup_json_of_a_misspelling_keeps_stdout_pure_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "--json", "Samartians"])
    out, err = capsys.readouterr()
    assert code == 0
    assert [row["id"] for row in json.loads(out)] == ["uk-samaritans"]
    assert "Did you mean Samaritans?" in err


def test_lookup_no_match_exits_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "zzz"])
    out, err = capsys.readouterr()
    assert code == 1
    # The window shows 999 and the national line under the sentence; a script gets no rows.
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "No entry matches" in lines[0]
    assert "zzz" in lines[0]
    assert "In an emergency call 999" in lines[0]
    assert "0800 032 3263" in lines[0]


def test_lookup_unassigned_place_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "birmingham"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "CST has not published which office covers Birmingham" in out
    # Both regions' lines are shown.
    assert "0800 980 0668" in out
    assert "0800 032 3263" in out


def test_lookup_json_keeps_stdout_pure_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "--json", "salford"])
    out, err = capsys.readouterr()
    assert code == 0
    rows = json.loads(out)
    assert [row["id"] for row in rows[:3]] == ["cst-emergency-south", "cst-emergency-north",
                                               "cst-office-north"]
    assert rows[0]["region"] is None
    assert rows[0]["name"] == "CST National Emergency Number (24/7)"
    assert "cst-office-south" not in {row["id"] for row in rows}
    assert "Salford" in err


def test_lookup_json_no_match_is_an_empty_array(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["lookup", "--json", "zzz"])
    out, err = capsys.readouterr()
    assert code == 1
    assert json.loads(out) == []
    assert "No entry matches" in err
    assert "999" in err


# --- list -----------------------------------------------------------------------------------------


def test_list_json_has_exactly_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["list", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list)
    assert len(rows) == 9
    for row in rows:
        assert isinstance(row, dict)
        assert set(row) == JSON_KEYS
    by_id = {row["id"]: row for row in rows}
    assert by_id["cst-office-south"]["display"] == "020 8457 9999"
    assert by_id["cst-office-south"]["e164"] == "+442084579999"
    assert by_id["uk-emergency-999"]["e164"] is None
    assert by_id["uk-emergency-999"]["tel_uri"] == "tel:999;phone-context=+44"
    assert by_id["uk-samaritans"]["category"] == "helpline"
    assert by_id["cst-emergency-north"]["region"] == "north"
    assert all(row["builtin"] is True and row["verified"] is True for row in rows)
    # 999 first, then CST's national line.
    assert [row["id"] for row in rows[:2]] == ["uk-emergency-999", "cst-emergency-south"]
    assert by_id["cst-emergency-south"]["region"] is None


def test_list_plain_shows_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["list"])
    out, _ = capsys.readouterr()
    assert code == 0
    for display in ("999", "0800 032 3263", "0800 980 0668", "020 8457 9999", "0161 792 6666", "116 123"):
        assert display in out


# --- data home ------------------------------------------------------------------------------------


def test_home_option_creates_a_private_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "chosen" / "home"
    code = cli.main(["--home", str(home), "list"])
    capsys.readouterr()
    assert code == 0
    assert home.is_dir()
    assert _mode(home) == 0o700


def test_home_environment_creates_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "from-env"
    monkeypatch.setenv("CST_DIRECTORY_HOME", str(home))
    code = cli.main(["list"])
    capsys.readouterr()
    assert code == 0
    assert home.is_dir()
    assert _mode(home) == 0o700


@pytest.mark.parametrize("under", [False, True])
def test_home_on_a_regular_file_exits_3_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], under: bool,
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    home = a_file / "data" if under else a_file
    code = cli.main(["--home", str(home), "list"])
    out, err = capsys.readouterr()
    assert code == 3
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert a_file.is_file()


def test_damaged_data_file_exits_3_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "resources"
    folder.mkdir()
    shutil.copyfile(REPO_DATA, folder / "directory.toml")
    (folder / "directory.toml").write_text("format = 2\n", encoding="utf-8")
    monkeypatch.setenv("CST_DIRECTORY_RESOURCES", str(folder))
    code = cli.main(["list"])
    out, err = capsys.readouterr()
    assert code == 3
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "reinstall" in err


# --- usage and version ----------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["frobnicate"], [], ["lookup"], ["list", "--bogus"]])
def test_bad_command_exits_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    _, err = capsys.readouterr()
    assert caught.value.code == 2
    assert "usage:" in err
    assert "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    out, _ = capsys.readouterr()
    assert caught.value.code == 0
    assert out.strip() == f"cstdir {metadata.version('cst-directory')}"


# --- as a real process ----------------------------------------------------------------------------


def test_process_lookup_manchester(isolated_home: Path) -> None:
    done = _run_process("lookup", "manchester")
    assert done.returncode == 0, done.stderr
    assert _numbers_in_order(done.stdout)[:3] == ["0800 032 3263", "0800 980 0668", "0161 792 6666"]
    assert "020 8457 9999" not in done.stdout
    assert isolated_home.is_dir()
    assert _mode(isolated_home) == 0o700


def test_process_lookup_no_match(isolated_home: Path) -> None:
    done = _run_process("lookup", "zzz")
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "No entry matches" in lines[0]
    assert "999" in lines[0]


def test_process_list_json(isolated_home: Path) -> None:
    done = _run_process("list", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 9
    assert all(set(row) == JSON_KEYS for row in rows)


def test_process_home_under_a_regular_file_exits_3_without_traceback(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    done = _run_process("--home", str(a_file / "data"), "list")
    assert done.returncode == 3
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_process_home_environment_creates_a_private_folder(tmp_path: Path) -> None:
    home = tmp_path / "env-home"
    env = dict(os.environ, CST_DIRECTORY_HOME=str(home))
    done = _run_process("list", env=env)
    assert done.returncode == 0, done.stderr
    assert home.is_dir()
    assert _mode(home) == 0o700


def test_process_bad_command_exits_2() -> None:
    done = _run_process("frobnicate")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_process_version() -> None:
    done = _run_process("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"cstdir {metadata.version('cst-directory')}"
