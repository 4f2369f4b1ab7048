"""cstdir and what is dialled: a number with letters saved only when asked, other scripts' digits read as
the ASCII ones, direction controls refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cst_directory.cli import main

Cstdir = Callable[..., tuple[int, str, str]]

LETTERS_REFUSAL = ("cstdir: That number has letters in it; on a keypad they make 0800 225 5278: type the "
                   "digits, or save it as read. Add --allow-letters to save it as read.\n")


@pytest.fixture
def cstdir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cstdir:
    home = tmp_path / "cst-home"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--home", str(home), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def personal(cstdir: Cstdir) -> list[dict[str, object]]:
    code, out, _ = cstdir("list", "--json")
    assert code == 0
    return [e for e in json.loads(out) if not e["builtin"]]


# --- letters --------------------------------------------------------------------------------------


def test_add_of_a_number_with_letters_is_refused_with_the_digits_it_makes(cstdir: Cstdir) -> None:
    code, out, err = cstdir("add", "--name", "Freephone office", "--number", "0800 CALL CST")
    assert code == 2
    assert out == ""
    assert err == LETTERS_REFUSAL
    assert personal(cstdir) == []


def test_add_with_allow_letters_saves_the_keypad_digits_as_verified(cstdir: Cstdir) -> None:
    code, out, err = cstdir("add", "--name", "Freephone office", "--number", "0800 CALL CST",
                            "--allow-letters", "--json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert entry["display"] == "0800 225 5278"
    assert entry["e164"] == "+448002255278"
    assert entry["verified"] is True
    assert personal(cstdir) == [entry]


def test_allow_letters_keeps_an_extension_as_an_extension(cstdir: Cstdir) -> None:
    code, out, err = cstdir("add", "--name", "Helpdesk", "--number", "0800 CST HELP ext. 12",
                            "--allow-letters", "--json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert entry["display"] == "0800 278 4357 x12"
    assert entry["tel_uri"] == "tel:+44-800-278-4357;ext=12"


def test_edit_to_a_number_with_letters_is_refused_unless_allowed(cstdir: Cstdir) -> None:
    code, out, err = cstdir("add", "--name", "Office", "--number", "0161 792 6666", "--allow-duplicate",
                            "--json")
    assert code == 0, err
    entry_id = json.loads(out)[0]["id"]
    code, _, err = cstdir("edit", entry_id, "--number", "0800 CALL CST")
    assert code == 2
    assert err == LETTERS_REFUSAL
    assert [e["display"] for e in personal(cstdir)] == ["0161 792 6666"]
    code, _, err = cstdir("edit", entry_id, "--number", "0800 CALL CST", "--allow-letters")
    assert code == 0, err
    assert [e["display"] for e in personal(cstdir)] == ["0800 225 5278"]


def test_allow_letters_does_not_let_a_number_not_in_use_through(cstdir: Cstdir) -> None:
    code, _, err = cstdir("add", "--name", "Drama", "--number", "07700 CALL12", "--allow-letters")
    assert code == 2
    assert "Add --allow-unverified" in err
    assert personal(cstdir) == []


# --- digits of other scripts ----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["٩٩٩", "۹۹۹", "９９９"])
def test_lookup_in_other_scripts_digits_finds_999(cstdir: Cstdir, query: str) -> None:
    code, out, err = cstdir("lookup", query, "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found[0]["id"] == "uk-emergency-999"
    assert found[0]["display"] == "999"


@pytest.mark.parametrize("number", ["٩٩٩", "۹۹۹", "９９９"])
def test_add_of_999_in_other_scripts_digits_is_refused_as_a_duplicate_of_the_builtin(
        cstdir: Cstdir, number: str) -> None:
    code, out, err = cstdir("add", "--name", "Emergency", "--number", number)
    assert code == 2
    assert out == ""
    assert err.startswith("cstdir: 999 is already in the directory as “Police, fire, ambulance")
    assert "Add --allow-duplicate" in err
    assert personal(cstdir) == []


def test_999_in_other_scripts_digits_is_saved_in_ascii_when_a_duplicate_is_allowed(cstdir: Cstdir) -> None:
    code, out, err = cstdir("add", "--name", "Emergency", "--number", "٩٩٩", "--allow-duplicate", "--json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert (entry["display"], entry["dial"]) == ("999", "999")
    assert entry["tel_uri"] == "tel:999;phone-context=+44"


# --- direction controls ---------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "text"),
                         [("--name", "Police\u202e 999"), ("--notes", "call \u2067first")])
def test_add_with_a_direction_control_is_refused_in_one_sentence(
        cstdir: Cstdir, option: str, text: str) -> None:
    fields = {"--name": "Office", "--number": "0161 792 6666", "--notes": "", option: text}
    code, _, err = cstdir("add", *(part for pair in fields.items() for part in pair), "--allow-duplicate")
    assert code == 2
    assert "direction marks" in err
    assert err.count("\n") == 1
    assert personal(cstdir) == []
