"""cstdir import and export: the preview printed first, all or nothing, one sentence for a bad file."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cst_directory.cli import main
from tests.storage.test_faults_store import fill, small_disk

__all__ = ["small_disk"]  # a fixture, used by name

Cstdir = Callable[..., tuple[int, str, str]]

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Rabbi Cohen\r\nTEL;TYPE=CELL:07911 123456\r\n"
    "TEL;TYPE=WORK:020 7946 0018\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Shul office\r\nTEL:not a number\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Caretaker\r\nTEL:07911 123457\r\nEND:VCARD\r\n"
)


def run_in(home: Path, capsys: pytest.CaptureFixture[str]) -> Cstdir:
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--home", str(home), *args])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def cstdir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cstdir:
    return run_in(tmp_path / "cst-home", capsys)


def personal(cstdir: Cstdir) -> list[tuple[str, str]]:
    code, out, _ = cstdir("list", "--json")
    assert code == 0
    return sorted((e["name"], e["display"]) for e in json.loads(out) if not e["builtin"])


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_import_prints_the_preview_and_stores_the_good_rows(cstdir: Cstdir, tmp_path: Path) -> None:
    cards = write(tmp_path / "phone.vcf", CARDS)
    code, out, err = cstdir("import", str(cards), "--dry-run")
    assert code == 0, err
    assert "skip  card 2" in out and "Nothing was stored (--dry-run)." in out
    assert "3 to add, 1 not a phone number." in out
    assert personal(cstdir) == []

    code, out, err = cstdir("import", str(cards))
    assert code == 0, err
    assert out.strip().endswith("Added 3 contacts.")
    assert personal(cstdir) == [("Caretaker", "07911 123457"), ("Rabbi Cohen (mobile)", "07911 123456"),
                                ("Rabbi Cohen (work)", "020 7946 0018")]
    # The same file again: every number is a duplicate now, and nothing is stored twice.
    code, _, err = cstdir("import", str(cards))
    assert code == 2 and "Nothing in phone.vcf can be added" in err
    assert len(personal(cstdir)) == 3


def test_import_preview_as_json(cstdir: Cstdir, tmp_path: Path) -> None:
    code, out, _ = cstdir("import", str(write(tmp_path / "phone.vcf", CARDS)), "--dry-run", "--json")
    assert code == 0
    preview = json.loads(out)
    assert preview["to_add"] == 3 and preview["dry_run"] is True
    assert [row["outcome"] for row in preview["rows"]] == ["add", "add", "not a number", "add"]


@pytest.mark.parametrize(("content", "sentence"), [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\xff" * 100, ""),
    (b"Name,Email\r\nAnn,ann@example.org\r\n", ""),
])
def test_a_file_that_cannot_be_imported_is_one_sentence_and_stores_nothing(
        cstdir: Cstdir, tmp_path: Path, content: bytes, sentence: str) -> None:
    code, _, err = cstdir("import", str(write(tmp_path / "contacts.csv", content)))
    assert code == 2
    assert err.startswith("cstdir: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sentence in err
    assert personal(cstdir) == []


def test_a_named_pipe_is_refused_at_once(cstdir: Cstdir, tmp_path: Path) -> None:
    pipe = tmp_path / "contacts.vcf"
    os.mkfifo(pipe)
    started = time.monotonic()
    code, _, err = cstdir("import", str(pipe))
    assert code == 2 and "is not a file of contacts" in err
    assert time.monotonic() - started < 30  # it returned rather than waiting for a writer


def test_export_then_import_into_an_empty_directory_gives_the_same_contacts(
        cstdir: Cstdir, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, number in (("שרה כהן", "07911 123456"), ("Zelda 🎉", "+353 21 234 5678"),
                         ("Office", "020 7946 0018 x12")):
        assert cstdir("add", "--name", name, "--number", number)[0] == 0
    before = personal(cstdir)
    for suffix in (".vcf", ".csv"):
        exported = tmp_path / f"mine{suffix}"
        code, out, err = cstdir("export", str(exported))
        assert code == 0, err
        assert out == f"Exported 3 contacts to {exported}.\n"
        fresh = run_in(tmp_path / f"fresh{suffix}", capsys)
        code, _, err = fresh("import", str(exported))
        assert code == 0, err
        assert personal(fresh) == before


def test_export_never_replaces_a_file(cstdir: Cstdir, tmp_path: Path) -> None:
    assert cstdir("add", "--name", "Ann", "--number", "07911 123456")[0] == 0
    there = write(tmp_path / "mine.vcf", "keep me")
    code, _, err = cstdir("export", str(there))
    assert code == 2 and "already exists" in err
    assert there.read_text() == "keep me"


def test_an_import_onto_a_full_disk_stores_nothing(small_disk: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    home = small_disk / "home"
    cstdir = run_in(home, capsys)
    assert cstdir("add", "--name", "Ann", "--number", "07911 123456")[0] == 0
    many = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:07911 {200000 + i:06d}\r\n"
                   "END:VCARD\r\n" for i in range(3000))
    cards = write(tmp_path / "many.vcf", many)
    filler = fill(small_disk)
    code, _, err = cstdir("import", str(cards))
    assert code == 3 and "full" in err
    filler.unlink()
    assert [name for name, _ in personal(cstdir)] == ["Ann"]


def test_a_csv_of_unknown_columns_asks_for_them_and_reads_them_when_named(cstdir: Cstdir,
                                                                          tmp_path: Path) -> None:
    odd = write(tmp_path / "odd.csv", "Who,Tel\r\nAnn,07911 123456\r\n")
    code, _, err = cstdir("import", str(odd))
    assert code == 2 and "--name-column and --number-column" in err and "“Who”, “Tel”" in err
    code, _, err = cstdir("import", str(odd), "--name-column", "who", "--number-column", "TEL")
    assert code == 0, err
    assert personal(cstdir) == [("Ann", "07911 123456")]
