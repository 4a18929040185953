"""Deciding what reveals the plot. Conservative on purpose: when in doubt, it is a spoiler.

A heading that mentions spoilers, the ending, a twist or the finale marks its whole
section. Elsewhere, single sentences that tell how things turn out (someone dies, the film
ends, a reveal) are split off and marked, so the rest of the paragraph stays usable.
"""

from __future__ import annotations

import re

from bot.importers.documents.model import Section

_SPOILER_HEADING = re.compile(
    r"spoiler|\bend(?:ing|s)?\b|\btwist|\bfinale\b|\bclimax\b|\bconclusion of the (?:film|plot)|"
    r"what happens",
    re.I,
)
_OUTCOME = re.compile(
    r"\b(?:ends?|ending|ended|dies|died|dying|death|dead|killed|kills|murder(?:s|ed)?|"
    r"suicide|twist|reveals?|revealed|turns out|in the end|final (?:scene|shot|moments?)|"
    r"climax|survives?|survived|fate|is never seen again|reunited?)\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


def heading_is_spoiler(heading: str | None) -> bool:
    return bool(heading and _SPOILER_HEADING.search(heading))


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def split_spoilers(heading: str | None, body: str) -> list[Section]:
    """One section, or several: runs of safe sentences and single spoiler sentences."""
    if heading_is_spoiler(heading):
        return [Section(heading, " ".join(body.split()), True)]
    pieces: list[Section] = []
    safe: list[str] = []
    for sentence in sentences(body):
        if _OUTCOME.search(sentence):
            if safe:
                pieces.append(Section(heading, " ".join(safe), False))
                safe = []
            pieces.append(Section(heading, sentence, True))
        else:
            safe.append(sentence)
    if safe:
        pieces.append(Section(heading, " ".join(safe), False))
    return pieces
