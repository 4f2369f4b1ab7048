"""cstdir guide: the guidance printed as plain text, every number as the directory shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cst_directory import cli
from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.domain.guidance import REPORT_ADDRESS, StepKind, guidance


@pytest.fixture(autouse=True)
def shipped_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CST_DIRECTORY_RESOURCES", raising=False)


def test_guide_prints_the_situations_in_order_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["guide"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    titles = ["Someone is in danger now", "It is not an emergency", "Suspicious activity",
              "An antisemitic incident", "You cannot speak or hear"]
    positions = [out.index(title) for title in titles]
    assert positions == sorted(positions)


def test_guide_shows_the_entries_numbers_in_their_displayed_form(
        capsys: pytest.CaptureFixture[str], directory: BuiltinDirectory) -> None:
    cli.main(["guide"])
    out = capsys.readouterr().out
    by_id = {entry.id: entry for entry in directory.entries}
    for entry_id in ("uk-emergency-999", "cst-emergency-south", "uk-police-101", "cst-office-south",
                     "cst-office-north", "uk-anti-terrorist-hotline"):
        assert by_id[entry_id].number.display in out
    # The forms the directory shows, never the forms the sources printed.
    assert "020 8457 9999" in out and "0208 457 9999" not in out
    assert "0800 789321" in out
    # In danger: 999 first, then CST's national line.
    danger = out[out.index("Someone is in danger now"):out.index("It is not an emergency")]
    assert danger.index("999") < danger.index("0800 032 3263")


def test_guide_names_the_reporting_routes_and_the_ways_to_reach_999_silently(
        capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["guide"])
    out = capsys.readouterr().out
    for text in (REPORT_ADDRESS, "www.cst.org.uk", "gov.uk/ACT", "press 55", '"register" to 999', "18000",
                 "999 BSL", "When it happened", "Where it happened", "What happened", "vehicles"):
        assert text in out


def test_guide_prints_without_a_usable_data_folder(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # The guide is built-in data only: a data "folder" that is a file does not stop it.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    assert cli.main(["--home", str(blocked), "guide"]) == 0
    assert "0800 032 3263" in capsys.readouterr().out


def test_every_call_step_links_to_an_entry_and_shows_its_display(directory: BuiltinDirectory) -> None:
    by_id = {entry.id: entry for entry in directory.entries}
    steps = [step for situation in guidance(directory) for step in situation.steps]
    calls = [step for step in steps if step.kind is StepKind.CALL]
    assert calls
    for step in calls:
        assert step.entry_id is not None
        assert step.shown == by_id[step.entry_id].number.display
    # The only numbers that are not entries are the ones to dial as they are.
    assert [step.shown for step in steps if step.kind is StepKind.DIAL] == ["18000"]
