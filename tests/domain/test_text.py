"""digits_of, ascii_digits and neutralise_bidi: how digits of any script and direction controls are read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cst_directory.domain.text import (
    BIDI_CONTROLS,
    ascii_digits,
    digits_of,
    has_bidi_controls,
    neutralise_bidi,
)

# Every control the issue names, plus the three marks: each can move digits beside it.
ALL_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize(
    ("text", "digits"),
    [("٩٩٩", "999"), ("۹۹۹", "999"), ("９９９", "999"), ("११२", "112"), ("0161 ٧٩٢ 6666", "01617926666"),
     ("+44 (0)20", "44020"), ("²³", "")],
)
def test_digits_of_reads_the_digits_of_any_script_as_ascii(text: str, digits: str) -> None:
    assert digits_of(text) == digits


def test_ascii_digits_leaves_everything_but_digits_and_the_fullwidth_plus() -> None:
    assert ascii_digits("＋٤٤ Tel ١٢") == "+44 Tel 12"
    assert ascii_digits("קהילה 999") == "קהילה 999"


def test_every_control_is_known_and_neutralised() -> None:
    assert set(ALL_CONTROLS) == BIDI_CONTROLS
    for control in ALL_CONTROLS:
        text = f"Shul{control} security"
        assert has_bidi_controls(text)
        assert neutralise_bidi(text) == "Shul security"


def test_right_to_left_text_without_controls_is_left_as_it_is() -> None:
    text = "בית הכנסת الجالية 0800 032 3263"
    assert not has_bidi_controls(text)
    assert neutralise_bidi(text) == text


@given(st.text())
def test_neutralised_text_has_no_controls_and_keeps_everything_else(text: str) -> None:
    cleaned = neutralise_bidi(text)
    assert not has_bidi_controls(cleaned)
    assert cleaned == "".join(ch for ch in text if ch not in BIDI_CONTROLS)
    assert neutralise_bidi(cleaned) == cleaned
