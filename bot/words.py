"""Words people type for formats and labels, shared by commands and subscription filters."""

from __future__ import annotations

import re

# Words that name a format rather than a title ("seven samurai blu-ray").
FORMATS = {
    "dvd": "DVD",
    "bluray": "Blu-ray",
    "blu-ray": "Blu-ray",
    "bd": "Blu-ray",
    "4k": "4K UHD",
    "uhd": "4K UHD",
    "4k-uhd": "4K UHD",
}
# Short names of labels people type ("criterion").
LABEL_WORDS = {"criterion": "The Criterion Collection"}


_TWO_WORD_FORMATS = re.compile(r"\b(?:blu[\s-]+ray|4k[\s-]+uhd|ultra[\s-]+hd)\b", re.I)


def join_format_words(args: str) -> str:
    """'blu ray' -> 'blu-ray', '4k uhd' -> '4k': formats people type as two words."""
    return _TWO_WORD_FORMATS.sub(lambda m: "blu-ray" if m[0][0] in "bB" else "4k", args)


def bare_word(word: str) -> str:
    """'Blu-ray,' -> 'blu-ray': a word as the filters compare it."""
    return re.sub(r"[^\w-]", "", word.lower())
