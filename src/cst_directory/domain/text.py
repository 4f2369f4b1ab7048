"""Folding of text for matching: case, accents, punctuation and spacing do not count."""

import unicodedata

# Queries are cut here before any work: nobody types a longer place or name, and a pasted novel must not
# make every keystroke slow.
MAX_QUERY_CHARS = 200


def fold(text: str) -> str:
    """Lower-case, strip accents, turn everything that is not a letter or digit into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_QUERY_CHARS].casefold())
    kept = [
        ch if ch.isalnum() else " "
        for ch in decomposed
        if not unicodedata.combining(ch)
    ]
    return " ".join("".join(kept).split())


def digits_of(text: str) -> str:
    """The ASCII digits in text, in order."""
    return "".join(ch for ch in text[:MAX_QUERY_CHARS] if ch in "0123456789")
