"""Where a sentence names a film: the title spans among its words.

A question is a title with words around it ('yi yi is like 3 hours right'), and the
words around it would spoil the title search. `exact_spans` tries every run of
neighbouring words (within one part of the sentence: never across a '?' or a dash) as a
title key, a bisect in the index's sorted keys, with common abbreviations spelled out
('escape from ny' -> 'escape from new york'); the caller prefers the span that explains
the most words. `namesakes` tells whether one of the films sharing a title is so much
better known than the others that a question without a year means it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

from bot.search.fuzzy import LIGHT_WORDS
from bot.search.titles import BEGINNING_LEAD, Hit, TitleSearch, query_key
from bot.text import fold

# A span is at most this many words: longer titles are typed whole and found by the search.
SPAN_MAX = 9
# Abbreviations people type inside titles; a span is tried with each spelling.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ny": ("new york",),
    "nyc": ("new york",),
    "la": ("los angeles", "l.a."),
    "dr": ("doctor", "drive", "dr."),
    "mr": ("mister", "mr."),
    "mrs": ("mrs.",),
    "st": ("saint", "street"),
    "vs": ("versus", "vs."),
    "pt": ("part",),
    "&": ("and",),
    "n": ("and",),
    "2": ("two", "to"),
    "4": ("for", "four"),
}
ARTICLES = {"the", "a", "an"}
YEAR = re.compile(r"^[(\[]?(?:18[89]\d|19\d\d|20\d\d)[)\]]?$")
# The best known namesake answers a question without a year when it is this famous (a
# rank among the films whose fame the catalog knows) and leads every namesake whose
# fame is known by BEGINNING_LEAD; namesakes whose fame is unknown let it answer only
# from UNKNOWN_RIVAL_FAME up (Stalker (1979) over a Stalker of 2021 nobody ranked).
NAMESAKE_FAME = 0.8
UNKNOWN_RIVAL_FAME = 0.9


@dataclass(frozen=True)
class Span:
    """Words start:end of the sentence's words (end excluded), as looked up."""

    start: int
    end: int
    text: str

    @property
    def size(self) -> int:
        return self.end - self.start


def is_year(word: str) -> bool:
    return bool(YEAR.match(word))


def _spellings(words: list[str]) -> list[str]:
    """The span as typed, then with its abbreviations spelled out."""
    options = [(w, *ABBREVIATIONS.get(w, ())) for w in words]
    if all(len(o) == 1 for o in options):
        return [" ".join(words)]
    found = [" ".join(choice) for choice in product(*options)]
    return list(dict.fromkeys(found))[:8]


def knows(titles: TitleSearch, text: str) -> bool:
    """Whether some film has this title (or alias), as a title key."""
    key = query_key(text)
    return bool(key) and any(part.fuzzy.find(key) is not None for part in titles.parts)


def exact_spans(
    titles: TitleSearch,
    words: list[str],
    breaks: set[int],
    skip: set[str] | frozenset[str] = frozenset(),
    *,
    articles: bool = True,
) -> list[Span]:
    """Every run of words that is a title, the best first: the most words that say
    something (not an article, not in `skip`), then the longest. `breaks`: positions
    where a new part of the sentence starts (no span runs across them). `articles=False`:
    no span starts with an article (in 'the parasite 4k' it is the disc's)."""
    found: list[Span] = []
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + SPAN_MAX) + 1):
            if end - 1 > start and (end - 1) in breaks:
                break
            window = words[start:end]
            if not any(_says(w, skip) for w in window):
                continue
            if not articles and len(window) > 1 and fold(window[0]) in ARTICLES:
                break  # 'the parasite 4k': the article is the disc's, the title's key drops it
            if len(window) == 1 and len(window[0]) < 2:
                continue
            for text in _spellings(window):
                if knows(titles, text):
                    found.append(Span(start, end, text))
                    break
    # A year alone is likelier a hint than a title ('1984', '2001'): it comes last.
    found.sort(
        key=lambda s: (
            all(is_year(w) for w in words[s.start : s.end]),
            -weight(words[s.start : s.end], skip),
            -s.size,
            s.start,
        )
    )
    return found


def _says(word: str, skip: set[str] | frozenset[str]) -> bool:
    bare = fold(word)
    return bool(bare) and bare not in LIGHT_WORDS and bare not in skip


def weight(words: list[str], skip: set[str] | frozenset[str] = frozenset()) -> int:
    """How many of these words say something (an article or a filler word says nothing)."""
    return sum(_says(w, skip) for w in words)


def namesakes(titles: TitleSearch, hits: list[Hit]) -> tuple[Hit, list[Hit]] | None:
    """(The film meant, the others) when every hit is a film of the same title and one
    of them is far better known than the rest; None when the catalog cannot tell."""
    if len(hits) < 2:
        return None
    names = {fold(h.title) for h in hits}
    if len(names) != 1:
        return None
    weights: dict[int, float] = {}
    for key in {query_key(h.title) for h in hits}:
        for hit, w in titles._exact_hits(key):
            weights[hit.film_id] = max(w, weights.get(hit.film_id, 0.0))
    if any(h.film_id not in weights for h in hits):
        return None
    known = titles.known_rank
    ranked = sorted(hits, key=lambda h: -weights[h.film_id])
    top, others = ranked[0], ranked[1:]
    fame = titles._fame(weights[top.film_id])
    if weights[top.film_id] < known or fame < NAMESAKE_FAME:
        return None
    for other in others:
        w = weights[other.film_id]
        if w >= known and titles._fame(w) > fame - BEGINNING_LEAD:
            return None
        if w < known and fame < UNKNOWN_RIVAL_FAME:
            return None
    return top, others
