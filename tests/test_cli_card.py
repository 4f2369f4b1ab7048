"""cstdir card: the PDF written with no display, its numbers read back, and one sentence for each refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cst_directory.exit_codes import EXIT_NO_MATCH, EXIT_OK, EXIT_USAGE
from tests.pdf_reading import pdf_info, pdf_pages_text, require_poppler
from tests.test_cli_files import Cstdir, cstdir

__all__ = ["cstdir"]  # a fixture, used by name


@pytest.fixture(autouse=True)
def poppler() -> None:
    require_poppler()


def text_of(path: Path) -> str:
    return " ".join(" ".join(pdf_pages_text(path)).split())


def test_the_default_card_for_a_region(cstdir: Cstdir, tmp_path: Path) -> None:
    path = tmp_path / "card.pdf"
    code, out, err = cstdir("card", str(path), "--region", "north")
    assert code == EXIT_OK, err
    assert out == f"Wrote a wallet card of 4 entries (one side) to {path}.\n"
    info = pdf_info(path)
    assert (round(info.width), round(info.height), info.pages) == (243, 153, 1)
    text = text_of(path)
    for number in ("999", "0800 032 3263", "0800 980 0668", "0161 792 6666"):
        assert number in text
    assert "020 8457 9999" not in text  # the southern office is not on a northern card
    assert "In an emergency, call 999 first" in text and "check cst.org.uk" in text


def test_a_query_picks_the_entries_and_999_stays(cstdir: Cstdir, tmp_path: Path) -> None:
    path = tmp_path / "samaritans.pdf"
    code, _out, err = cstdir("card", str(path), "samaritans")
    assert code == EXIT_OK, err
    text = text_of(path)
    assert "116 123" in text and "999" in text and "0800 032 3263" not in text


def test_too_many_for_the_card_writes_nothing_and_says_how_many_then_the_poster_holds_them(
        cstdir: Cstdir, tmp_path: Path) -> None:
    for n in range(1, 41):
        code, _out, err = cstdir("add", "--name", f"Volunteer {n}", "--number", f"0161 496 0{n:03d}")
        assert code == EXIT_OK, err
    path = tmp_path / "card.pdf"
    code, out, err = cstdir("card", str(path), "volunteer")
    assert code == EXIT_USAGE and out == ""
    assert err.startswith("cstdir: ") and err.count("\n") == 1 and "Traceback" not in err
    assert " of the 41 entries do not fit on both sides of the wallet card" in err and "--poster" in err
    left_out = int(err.removeprefix("cstdir: ").split()[0])
    assert 0 < left_out < 41
    assert not path.exists()
    code, out, err = cstdir("card", str(path), "volunteer", "--poster")
    assert code == EXIT_OK, err
    info = pdf_info(path)
    assert (round(info.width), round(info.height)) == (595, 842)
    text = text_of(path)
    assert all(f"0161 496 0{n:03d}" in text for n in range(1, 41))


@pytest.mark.parametrize(("args", "code", "said"), [
    (["card", "{dir}/card.pdf", "zzqqxx"], EXIT_NO_MATCH,
     "No entry matches “zzqqxx”, so no card was written"),
    (["card", "{dir}/card.txt"], EXIT_USAGE, "“card.txt” does not end in .pdf"),
    (["card", "{dir}/missing/card.pdf"], EXIT_USAGE, "could not be written (No such file or directory)"),
])
def test_refusals_are_one_sentence(cstdir: Cstdir, tmp_path: Path, args: list[str], code: int,
                                   said: str) -> None:
    result, _out, err = cstdir(*(a.format(dir=tmp_path) for a in args))
    assert result == code
    assert said in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.glob("**/card.*")) == []


def test_an_existing_file_or_link_is_never_replaced(cstdir: Cstdir, tmp_path: Path) -> None:
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"mine")
    code, _out, err = cstdir("card", str(kept))
    assert code == EXIT_USAGE and "already exists" in err
    assert kept.read_bytes() == b"mine"
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "target.pdf")
    code, _out, err = cstdir("card", str(link))
    assert code == EXIT_USAGE and "already exists" in err
    assert not (tmp_path / "target.pdf").exists()


def test_it_works_with_no_display_at_all(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    path = tmp_path / "card.pdf"
    done = subprocess.run([sys.executable, "-m", "cst_directory.cli", "--home", str(tmp_path / "h"), "card",
                           str(path), "--poster"], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stderr == ""
    assert "999" in text_of(path)
