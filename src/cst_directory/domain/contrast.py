"""Text contrast as WCAG 2.2 measures it, so colour choices can be checked without Qt."""

from __future__ import annotations

# WCAG 2.2 success criterion 1.4.3 (AA) for body text.
MINIMUM_TEXT_CONTRAST = 4.5

RGB = tuple[int, int, int]


def _channel(value: int) -> float:
    """Linearise one 8-bit sRGB channel."""
    if not 0 <= value <= 255:
        raise ValueError(f"A colour channel must be 0 to 255, not {value}.")
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """The relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    r, g, b = rgb
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: RGB, second: RGB) -> float:
    """The contrast ratio of two colours, 1 (same) to 21 (black on white); order does not matter."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def readable(text: RGB, background: RGB) -> bool:
    """Whether text in this colour meets WCAG AA on this background."""
    return contrast_ratio(text, background) >= MINIMUM_TEXT_CONTRAST
