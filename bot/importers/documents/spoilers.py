"""Deciding what reveals the plot. Conservative on purpose: when in doubt, it is a spoiler.

A heading that mentions spoilers, the ending, a twist or the finale marks its whole
section. Elsewhere, from the first sentence of a paragraph that tells how things turn out
(someone dies, the film ends, a reveal, a homecoming) to the paragraph's end is marked;
the sentences before it stay usable.
"""

from __future__ import annotations

import re

from bot.importers.documents.model import Section
from bot.text import sentences

_SPOILER_HEADING = re.compile(
    r"spoiler|\bend(?:ing|s)?\b|\btwist|\bfinale\b|\bclimax\b|\bconclusion of the (?:film|plot)|"
    r"what happens",
    re.I,
)
_OUTCOME = re.compile(
    r"\b(?:ends?|ending|ended|dies|died|dying|death|dead|killed|kills|murder(?:s|ed)?|"
    r"suicide|twist|reveals?|revealed|turns out|in the end|final (?:scene|shot|moments?)|"
    r"climax|survives?|survived|fate|is never seen again|reunited?|reunion|finally|"
    r"at last|last (?:scene|shot|act|minutes?)|tells? (?:her|him|them) (?:the news|that)|"
    r"learns? (?:that|the truth)|the truth|(?:return|come)(?:s|ing|ed)? home|came home|"
    r"goodbye|farewell)\b",
    re.I,
)


def heading_is_spoiler(heading: str | None) -> bool:
    return bool(heading and _SPOILER_HEADING.search(heading))


def split_spoilers(heading: str | None, body: str) -> list[Section]:
    """One section, or several: runs of safe sentences and single spoiler sentences."""
    if heading_is_spoiler(heading):
        return [Section(heading, " ".join(body.split()), True)]
    # The story goes on from a revealing sentence, so the rest of its paragraph is a
    # spoiler too.
    parts = sentences(body)
    first = next((i for i, sentence in enumerate(parts) if _OUTCOME.search(sentence)), None)
    if first is None:
        return [Section(heading, " ".join(parts), False)] if parts else []
    pieces = [Section(heading, " ".join(parts[:first]), False)] if first else []
    pieces.append(Section(heading, " ".join(parts[first:]), True))
    return pieces
