"""Loading the shipped data file, refusing damaged copies of it, and the user's data directory."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.entries import Role
from cst_directory.domain.phone import number_from_forms, parse_number
from cst_directory.storage.directory_file import DATA_FILE, DirectoryDataError, load_directory
from cst_directory.storage.paths import HOME_ENV, DataDirError, data_home
from cst_directory.storage.resources import RESOURCES_ENV, resources_dir

REPO_DATA = Path(__file__).resolve().parents[2] / "resources" / DATA_FILE


@pytest.fixture
def shipped_text() -> str:
    return REPO_DATA.read_text(encoding="utf-8")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A folder holding an unchanged copy of resources/directory.toml."""
    folder = tmp_path / "resources"
    folder.mkdir()
    shutil.copyfile(REPO_DATA, folder / DATA_FILE)
    return folder


def _write_changed(folder: Path, text: str, old: str, new: str, count: int = 1) -> None:
    assert old in text, f"the data file no longer contains {old!r}: update this test"
    (folder / DATA_FILE).write_text(text.replace(old, new, count), encoding="utf-8")


def _assert_user_message(error: DirectoryDataError) -> str:
    message = str(error)
    assert message.strip()
    assert "\n" not in message
    assert "reinstall" in message
    return message


# --- the shipped file -----------------------------------------------------------------------------


def test_resources_dir_finds_the_data_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RESOURCES_ENV, raising=False)
    folder = resources_dir()
    assert (folder / DATA_FILE).is_file()


def test_copy_of_the_shipped_file_loads(data_copy: Path) -> None:
    directory = load_directory(data_copy)
    assert len(directory.entries) == 9
    assert {r.id for r in directory.regions} == {"south", "north"}
    assert set(directory.coverage) == {"south", "north", "unassigned"}
    assert directory.derivation
    assert directory.checked
    assert directory.region_name("north") == "Manchester & northern regions"
    assert directory.region_name(None) == "National"
    assert directory.emergency.id == directory.emergency_entry == "uk-emergency-999"
    assert directory.national_line.id == directory.national_line_entry == "cst-emergency-south"
    assert directory.emergency.role is Role.EMERGENCY
    assert directory.national_line.role is Role.NATIONAL_LINE
    assert [e.id for e in directory.entries if e.role is not None] == ["uk-emergency-999",
                                                                       "cst-emergency-south"]
    assert directory.emergency.also_dial == ("112",)


def test_roles_follow_the_data_file_not_the_ids(data_copy: Path, shipped_text: str) -> None:
    # Naming another national emergency line moves the role: nothing in the code knows the ids.
    changed = shipped_text.replace('national_line_entry = "cst-emergency-south"',
                                   'national_line_entry = "cst-emergency-spare"')
    spare = ('[[entries]]\nid = "cst-emergency-spare"\nname = "Spare"\ncategory = "emergency"\n'
             'number = "0800 789 321"\nsource = "test"\nas_of = "2020-01-01"\n')
    (data_copy / DATA_FILE).write_text(changed + "\n" + spare, encoding="utf-8")
    directory = load_directory(data_copy)
    assert directory.national_line.name == "Spare"
    roles = {e.id: e.role for e in directory.entries}
    assert roles["cst-emergency-spare"] is Role.NATIONAL_LINE
    assert roles["cst-emergency-south"] is None


# --- the forms recorded for each number ----------------------------------------------------------


def _written_numbers(raw: dict[str, Any]) -> list[str]:
    return [text for entry in raw["entries"] for text in (entry["number"], *entry.get("also_dial", []))]


def _forms_line(text: str) -> str:
    """The [forms] line the data file needs for a number, as phonenumbers reads it today."""
    number = parse_number(text)
    if number.is_short:
        return f'"{text}" = {{ display = "{number.display}" }}'
    return (f'"{text}" = {{ display = "{number.display}", international = "{number.international}", '
            f'tel_uri = "{number.tel_uri}" }}')


def test_every_number_written_has_the_forms_phonenumbers_gives_it(shipped_text: str) -> None:
    raw = tomllib.loads(shipped_text)
    forms = raw["forms"]
    for text in _written_numbers(raw):
        # parse_number refuses anything that is not a valid number in use: this is the built-in numbers'
        # check now that loading the file no longer parses them.
        parsed = parse_number(text)
        recorded = forms.get(text)
        assert isinstance(recorded, dict), f"{text!r} has no forms: add to [forms]: {_forms_line(text)}"
        rebuilt = number_from_forms(text, recorded["display"], recorded.get("international"),
                                    recorded.get("tel_uri"))
        assert rebuilt == parsed, f"the forms of {text!r} are not phonenumbers' now: {_forms_line(text)}"


def test_no_forms_are_kept_for_numbers_no_longer_written(shipped_text: str) -> None:
    raw = tomllib.loads(shipped_text)
    assert set(raw["forms"]) == set(_written_numbers(raw))


def test_the_shipped_file_loads_without_phonenumbers() -> None:
    # What start-up saves: phonenumbers and its metadata are imported only when a number must be parsed.
    code = ("import sys\n"
            "from cst_directory.storage.directory_file import load_directory\n"
            "from cst_directory.storage.resources import resources_dir\n"
            "load_directory(resources_dir())\n"
            "assert 'phonenumbers' not in sys.modules, 'phonenumbers was imported'\n")
    env = {k: v for k, v in os.environ.items() if k != RESOURCES_ENV}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=False, env=env)
    assert done.returncode == 0, done.stderr


def test_the_shipped_file_loads_the_same_with_and_without_its_forms(
        data_copy: Path, shipped_text: str, directory: BuiltinDirectory) -> None:
    (data_copy / DATA_FILE).write_text(shipped_text.split("\n[forms]\n", 1)[0], encoding="utf-8")
    assert load_directory(data_copy) == directory


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Forms showing another number than the one written: the number written wins.
        ('display = "0161 792 6666"', 'display = "0161 792 6667"'),
        ('tel_uri = "tel:+44-161-792-6666"', 'tel_uri = "tel:+44-161-792-6667"'),
        ('"999" = { display = "999" }', '"999" = { display = "998" }'),
        # Forms of the wrong kind of value, or no forms table at all.
        ('"101" = { display = "101" }', '"101" = { display = 101 }'),
        ('"101" = { display = "101" }', '"101" = "101"'),
        ("\n[forms]\n", "\n[unused]\n"),
    ],
)
def test_forms_that_do_not_hold_the_number_written_are_not_used(
        data_copy: Path, shipped_text: str, directory: BuiltinDirectory, old: str, new: str) -> None:
    _write_changed(data_copy, shipped_text, old, new)
    assert load_directory(data_copy).entries == directory.entries


def test_a_number_changed_without_its_forms_is_shown_as_changed(data_copy: Path, shipped_text: str) -> None:
    _write_changed(data_copy, shipped_text, 'number = "0161 792 6666"', 'number = "0161 792 6667"')
    entry = next(e for e in load_directory(data_copy).entries if e.id == "cst-office-north")
    assert entry.number == parse_number("0161 792 6667")


# --- damaged copies -------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(tmp_path / "nowhere")
    message = _assert_user_message(caught.value)
    assert "missing" in message


def test_data_file_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / DATA_FILE).mkdir()
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(tmp_path)
    _assert_user_message(caught.value)


def test_invalid_toml(data_copy: Path) -> None:
    (data_copy / DATA_FILE).write_text("format = = 1\n[[entries]\n", encoding="utf-8")
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(data_copy)
    _assert_user_message(caught.value)


def test_not_utf8(data_copy: Path) -> None:
    (data_copy / DATA_FILE).write_bytes(b"format = 1\nchecked = \"\xff\xfe\"\n")
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(data_copy)
    _assert_user_message(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "mentions"),
    [
        # A missing field: Samaritans without a name.
        ('name = "Samaritans"\n', "", "name"),
        # A missing top-level table.
        ("[coverage.unassigned]", "[coverage.elsewhere]", "unassigned"),
        # An empty required text.
        ('name = "Samaritans"', 'name = "  "', "name"),
        # A bad number.
        ('number = "111"', 'number = "12"', "nhs"),
        # An unknown category.
        ('category = "service"', 'category = "carrier pigeon"', "carrier pigeon"),
        # "personal" is for the user's own contacts, never for built-ins.
        ('category = "service"', 'category = "personal"', "personal"),
        # An unknown region.
        ('region = "north"', 'region = "midlands"', "midlands"),
        # A duplicated id.
        ('id = "uk-nhs-111"', 'id = "uk-police-101"', "uk-police-101"),
        # A wrong format.
        ("format = 1", "format = 2", "format"),
        ('format = 1', 'format = "1"', "format"),
        # A date that is not an ISO date.
        ('as_of = "2015-01-16"', 'as_of = "16 January 2015"', "16 January 2015"),
        # Aliases that are not a list of text.
        ('aliases = ["south"', 'aliases = [1, "south"', "aliases"),
        # The two entries the listing is built around: missing, unknown, not national emergency lines.
        ('emergency_entry = "uk-emergency-999"\n', "", "emergency_entry"),
        ('national_line_entry = "cst-emergency-south"\n', "", "national_line_entry"),
        ('national_line_entry = "cst-emergency-south"', 'national_line_entry = "cst-emergency-east"',
         "cst-emergency-east"),
        ('national_line_entry = "cst-emergency-south"', 'national_line_entry = "cst-emergency-north"',
         "national emergency line"),
        ('national_line_entry = "cst-emergency-south"', 'national_line_entry = "uk-samaritans"',
         "national emergency line"),
        ('emergency_entry = "uk-emergency-999"', 'emergency_entry = "cst-emergency-south"', "same entry"),
        # Other numbers for the same service must be valid numbers, in a list.
        ('also_dial = ["112"]', 'also_dial = ["12"]', "also_dial"),
        ('also_dial = ["112"]', 'also_dial = "112"', "also_dial"),
        ('check_at = "cst.org.uk"', 'check_at = " "', "check_at"),
    ],
)
def test_damaged_file_is_refused_with_one_line(
    data_copy: Path, shipped_text: str, old: str, new: str, mentions: str,
) -> None:
    _write_changed(data_copy, shipped_text, old, new)
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(data_copy)
    message = _assert_user_message(caught.value)
    assert mentions in message


def test_bad_number_message_names_the_entry(data_copy: Path, shipped_text: str) -> None:
    _write_changed(data_copy, shipped_text, 'number = "0161 792 6666"', 'number = "12"')
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(data_copy)
    message = _assert_user_message(caught.value)
    assert "cst-office-north" in message
    assert "bad number" in message


def test_unverified_number_is_refused(data_copy: Path, shipped_text: str) -> None:
    # A drama number (Ofcom's reserved range) must never ship as a real line.
    _write_changed(data_copy, shipped_text, 'number = "0161 792 6666"', 'number = "07700 900123"')
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(data_copy)
    _assert_user_message(caught.value)


def test_no_entries_is_refused(data_copy: Path, shipped_text: str) -> None:
    head = shipped_text.split("[[entries]]", 1)[0]
    (data_copy / DATA_FILE).write_text(head, encoding="utf-8")
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(data_copy)
    _assert_user_message(caught.value)


def test_coverage_region_that_is_not_a_table_is_refused(data_copy: Path, shipped_text: str) -> None:
    # Drop the [coverage.north] table and make coverage.north a plain string instead.
    start = shipped_text.index("[coverage.north]")
    end = shipped_text.index("[coverage.south]")
    changed = (shipped_text[:start] + shipped_text[end:]).replace(
        "[coverage]\n", '[coverage]\nnorth = "everywhere"\n', 1)
    (data_copy / DATA_FILE).write_text(changed, encoding="utf-8")
    with pytest.raises(DirectoryDataError) as caught:
        load_directory(data_copy)
    _assert_user_message(caught.value)


# --- the user's data directory --------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_home_creates_a_private_folder(tmp_path: Path) -> None:
    wanted = tmp_path / "deep" / "er" / "data"
    assert data_home(wanted) == wanted
    assert wanted.is_dir()
    assert _mode(wanted) == 0o700


def test_data_home_accepts_an_existing_folder(tmp_path: Path) -> None:
    wanted = tmp_path / "exists"
    wanted.mkdir()
    assert data_home(str(wanted)) == wanted
    assert wanted.is_dir()


def test_data_home_honours_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_env = tmp_path / "from-env"
    monkeypatch.setenv(HOME_ENV, str(from_env))
    assert data_home() == from_env
    assert from_env.is_dir()
    assert _mode(from_env) == 0o700


def test_explicit_override_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_env = tmp_path / "from-env"
    explicit = tmp_path / "explicit"
    monkeypatch.setenv(HOME_ENV, str(from_env))
    assert data_home(explicit) == explicit
    assert explicit.is_dir()
    assert _mode(explicit) == 0o700
    assert not from_env.exists()


def test_data_home_expands_the_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data_home("~/cst-data") == tmp_path / "cst-data"
    assert (tmp_path / "cst-data").is_dir()


def test_data_home_on_an_existing_file_is_a_data_dir_error(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DataDirError) as caught:
        data_home(a_file)
    assert type(caught.value) is DataDirError
    message = str(caught.value)
    assert str(a_file) in message
    assert "\n" not in message
    assert a_file.is_file()


def test_data_home_under_an_existing_file_is_a_data_dir_error(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DataDirError) as caught:
        data_home(a_file / "sub")
    assert type(caught.value) is DataDirError
    assert "\n" not in str(caught.value)
