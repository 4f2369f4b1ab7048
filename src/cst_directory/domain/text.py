"""Folding of text for matching: case, accents, punctuation and spacing do not count. Also what may not
stand in shown text (direction controls) and how digits of any script are read."""

import unicodedata

# Queries are cut here before any work: nobody types a longer place or name, and a pasted novel must not
# make every keystroke slow.
MAX_QUERY_CHARS = 200

# Characters that change the order in which the text around them is shown, without being seen: a name
# holding U+202E can make the number beside it read backwards. The embeddings and overrides
# (U+202A-U+202E), the isolates (U+2066-U+2069) and the marks (LRM, RLM, ALM), which move neighbouring
# digits across each other just as well.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069"
    "\u200e\u200f\u061c"
)
_WITHOUT_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))
# The fullwidth plus is what East Asian input methods type for "+"; phonenumbers reads it as one too.
_FULLWIDTH_PLUS = "\uff0b"


def fold(text: str) -> str:
    """Lower-case, strip accents, turn everything that is not a letter or digit into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_QUERY_CHARS].casefold())
    kept = [
        ch if ch.isalnum() else " "
        for ch in decomposed
        if not unicodedata.combining(ch)
    ]
    return " ".join("".join(kept).split())


def ascii_digits(text: str) -> str:
    """Text with every decimal digit of any script (Arabic-Indic, Devanagari, fullwidth...) made ASCII
    and a fullwidth plus made "+"; everything else is left as it is."""
    if text.isascii():
        return text
    return "".join(_ascii_char(ch) for ch in text)


def _ascii_char(ch: str) -> str:
    if ch == _FULLWIDTH_PLUS:
        return "+"
    value = unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


def digits_of(text: str) -> str:
    """The digits in text, in order, as ASCII whatever script they were typed in."""
    return "".join(ch for ch in ascii_digits(text[:MAX_QUERY_CHARS]) if ch in "0123456789")


def has_bidi_controls(text: str) -> bool:
    """Whether text holds any character that can reorder how the text around it is shown."""
    return not BIDI_CONTROLS.isdisjoint(text)


def neutralise_bidi(text: str) -> str:
    """Text without its direction controls, for text that was stored by something that did not refuse
    them: what is left is shown in the order it was written."""
    return text.translate(_WITHOUT_BIDI)
