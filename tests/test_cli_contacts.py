"""cstdir add, edit and remove: what they store, what they refuse, and their exit codes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cst_directory.cli import main

JSON_KEYS = {"id", "name", "category", "region", "builtin", "display", "international", "e164", "dial",
             "tel_uri", "notes", "source", "as_of", "verified"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def personal(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    return [e for e in json.loads(out) if not e["builtin"]]


def test_add_prints_the_stored_entry_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "add", "--name", "  Shul security lead ", "--number", "07911123456",
                         "--region", "north", "--notes", "Call before Shabbat", "--json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert set(entry) == JSON_KEYS
    assert entry["name"] == "Shul security lead"
    assert entry["display"] == "07911 123456"
    assert entry["e164"] == "+447911123456"
    assert entry["category"] == "personal" and entry["builtin"] is False
    assert entry["region"] == "north" and entry["verified"] is True
    assert entry["source"] is None and entry["as_of"] is None
    assert personal(capsys) == [entry]


def test_added_contacts_are_found_by_lookup(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "--name", "School office", "--number", "+33 1 42 68 53 00")
    code, out, _ = run(capsys, "lookup", "school")
    assert code == 0
    assert "+33 1 42 68 53 00" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--name", "", "--number", "07911 123456"], "Enter a name"),
        (["--name", "   ", "--number", "07911 123456"], "Enter a name"),
        (["--name", "x" * 100_000, "--number", "07911 123456"], "too long"),
        (["--name", "bin\x00ary", "--number", "07911 123456"], "not text"),
        (["--name", "Someone", "--number", "abc"], "not a phone number"),
        (["--name", "Someone", "--number", "12"], "too short"),
        (["--name", "Someone", "--number", "0161 792 6666 6666 6666"], "too long"),
        (["--name", "Someone", "--number", "07700 900123"], "--allow-unverified"),
        (["--name", "Someone", "--number", "0161 792 6666"], "CST Manchester office"),
        (["--name", "Someone", "--number", "999"], "Police, fire, ambulance"),
        (["--name", "Someone", "--number", "07911 123456", "--notes", "n" * 5000], "too long"),
    ],
)
def test_refused_input_exits_2_with_one_sentence_and_stores_nothing(
        capsys: pytest.CaptureFixture[str], args: list[str], says: str) -> None:
    code, out, err = run(capsys, "add", *args)
    assert code == 2
    assert out == ""
    assert says in err
    assert len(err.strip().splitlines()) == 1
    assert personal(capsys) == []


def test_allow_flags_save_what_is_otherwise_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "add", "--name", "Drama", "--number", "07700 900123", "--allow-unverified")
    assert code == 0, err
    code, _, err = run(capsys, "add", "--name", "Office copy", "--number", "0161 792 6666",
                       "--allow-duplicate")
    assert code == 0, err
    stored = {str(e["name"]): e for e in personal(capsys)}
    assert stored["Drama"]["verified"] is False
    assert stored["Office copy"]["e164"] == "+441617926666"


def test_right_to_left_names_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    name = "\u05e7\u05d4\u05d9\u05dc\u05d4"
    code, _, err = run(capsys, "add", "--name", name, "--number", "07911 123456")
    assert code == 0, err
    assert [e["name"] for e in personal(capsys)] == [name]


def test_edit_changes_only_what_is_given_and_keeps_the_id(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "add", "--name", "Neighbour", "--number", "07911 123456", "--region", "south",
                    "--json")
    [added] = json.loads(out)
    code, out, err = run(capsys, "edit", str(added["id"]), "--notes", "Spare key", "--json")
    assert code == 0, err
    [edited] = json.loads(out)
    assert edited["id"] == added["id"]
    assert (edited["name"], edited["display"], edited["region"], edited["notes"]) == \
        ("Neighbour", "07911 123456", "south", "Spare key")
    code, _, _ = run(capsys, "edit", str(added["id"]), "--region", "none")
    assert code == 0
    assert personal(capsys)[0]["region"] is None


def test_edit_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "add", "--name", "Neighbour", "--number", "07911 123456", "--json")
    [added] = json.loads(out)
    before = personal(capsys)
    code, _, err = run(capsys, "edit", str(added["id"]), "--number", "020 8457 9999")
    assert code == 2 and "CST London office" in err
    code, _, err = run(capsys, "edit", "cst-office-north", "--name", "Mine now")
    assert code == 2 and "built-in" in err
    code, _, err = run(capsys, "edit", "p-doesnotexist", "--name", "Ghost")
    assert code == 1 and "p-doesnotexist" in err
    assert personal(capsys) == before


def test_remove(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "add", "--name", "Neighbour", "--number", "07911 123456", "--json")
    [added] = json.loads(out)
    code, _, err = run(capsys, "remove", "uk-samaritans")
    assert code == 2 and "built-in" in err
    code, _, _ = run(capsys, "remove", "nope")
    assert code == 1
    code, out, _ = run(capsys, "remove", str(added["id"]))
    assert code == 0 and "Neighbour" in out
    assert personal(capsys) == []


def test_a_newer_store_exits_3_for_changes_and_still_shows_built_ins(
        capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    isolated_home.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = isolated_home / "contacts.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = path.read_bytes()
    code, _, err = run(capsys, "add", "--name", "Someone", "--number", "07911 123456")
    assert code == 3
    assert "newer version" in err and "Traceback" not in err
    code, out, err = run(capsys, "lookup", "manchester")
    assert code == 0 and "0161 792 6666" in out and "newer version" in err
    assert path.read_bytes() == before


def test_damaged_store_is_moved_aside_and_the_command_goes_on(
        capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    isolated_home.mkdir(mode=0o700, parents=True, exist_ok=True)
    garbage = bytes(range(256)) * 64
    (isolated_home / "contacts.db").write_bytes(garbage)
    code, _, err = run(capsys, "add", "--name", "Someone", "--number", "07911 123456")
    assert code == 0
    [kept] = isolated_home.glob("contacts.db.damaged-*")
    assert kept.read_bytes() == garbage
    assert str(kept) in err


def test_as_a_process_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cst_directory.cli", "--home", str(tmp_path / "h"), "add", "--name", "X",
         "--number", "not a number"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_editing_a_contact_that_shares_its_number_needs_no_flag_unless_the_number_changes(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "add", "--name", "Rabbi (mobile)", "--number", "07911 123456", "--json")
    [first] = json.loads(out)
    code, _, err = run(capsys, "add", "--name", "Rabbi again", "--number", "+44 7911 123456")
    assert code == 2 and "Rabbi (mobile)" in err and "--allow-duplicate" in err
    _, out, _ = run(capsys, "add", "--name", "Rabbi again", "--number", "+44 7911 123456",
                    "--allow-duplicate", "--json")
    [second] = json.loads(out)

    code, _, err = run(capsys, "edit", str(second["id"]), "--name", "Rabbi (shared phone)")
    assert code == 0, err
    code, _, err = run(capsys, "edit", str(second["id"]), "--notes", "Shabbat only")
    assert code == 0, err
    # Changing the number to one the other contact has is still a duplicate, and says which.
    _, out, _ = run(capsys, "add", "--name", "Office", "--number", "020 7946 0001", "--json")
    [office] = json.loads(out)
    code, _, err = run(capsys, "edit", str(office["id"]), "--number", "07911123456")
    assert code == 2 and ("Rabbi (mobile)" in err or "Rabbi (shared phone)" in err)
    names = sorted(str(e["name"]) for e in personal(capsys))
    assert names == ["Office", "Rabbi (mobile)", "Rabbi (shared phone)"]
    assert first["id"] != second["id"]
