"""contrast_ratio: WCAG 2.2 relative luminance and the 4.5:1 threshold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cst_directory.domain.contrast import contrast_ratio, readable, relative_luminance

channel = st.integers(min_value=0, max_value=255)
colour = st.tuples(channel, channel, channel)


def test_black_on_white_is_21_to_1() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)


def test_luminance_of_the_primaries_matches_the_wcag_weights() -> None:
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126)
    assert relative_luminance((0, 255, 0)) == pytest.approx(0.7152)
    assert relative_luminance((0, 0, 255)) == pytest.approx(0.0722)


def test_known_pairs_either_side_of_the_threshold() -> None:
    # #767676 on white is the usual lightest grey that passes (4.54:1); #777777 fails (4.48:1).
    assert contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert readable((0x76, 0x76, 0x76), (255, 255, 255))
    assert not readable((0x77, 0x77, 0x77), (255, 255, 255))


def test_a_channel_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="0 to 255"):
        relative_luminance((256, 0, 0))


@given(colour, colour)
def test_ratio_is_symmetric_and_between_1_and_21(a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
    ratio = contrast_ratio(a, b)
    assert ratio == pytest.approx(contrast_ratio(b, a))
    assert 1.0 <= ratio <= 21.0 + 1e-9


@given(colour)
def test_a_colour_against_itself_is_1_to_1(a: tuple[int, int, int]) -> None:
    assert contrast_ratio(a, a) == pytest.approx(1.0)
