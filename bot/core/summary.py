"""Key sentences of a review: extractive, deterministic and offline.

A sentence scores by how often the review as a whole uses its content words (what the
review is about), plus a little for judging words ("improvement", "disappointing") and
for opening a section. At most one sentence per section is taken while others are left,
sentences that repeat the verdict or each other are skipped, and the chosen ones are
given back in reading order. Spoiler sections are never read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bot.models import TextSection
from bot.text import sentences

KEY_SENTENCE_WORDS = (8, 60)  # shorter says little, longer is a paragraph
KEY_SENTENCE_MAX_CHARS = 400
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = _words(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours it's i'm
    i've i'd i'll there's that's what's one get got much even still well really quite though
    may might must shall here's let's film films movie"""
)
_JUDGING = _words(
    """improvement improved improves better best excellent remarkable superb outstanding
    disappointing disappointed weak strong recommended recommend worth upgrade upgrading
    significant significantly stunning sharp clean cleaner natural limited favourite
    favorite great poor problematic impressive thorough satisfying incredible landmark
    masterpiece beautiful gorgeous lacking flawed solid essential"""
)


def _content_words(sentence: str) -> list[str]:
    words = [w.lower().replace("’", "'") for w in _WORD.findall(sentence)]
    return [w for w in words if w not in _STOP and len(w) > 2]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def key_sentences(
    sections: Sequence[TextSection], *, count: int = 4, avoid: Sequence[str] = ()
) -> list[str]:
    """Up to `count` sentences that carry the review, from its non-spoiler sections only."""
    candidates: list[tuple[int, int, str, list[str]]] = []
    for section_index, section in enumerate(sections):
        if section.is_spoiler:
            continue
        for index, sentence in enumerate(sentences(section.body)):
            words = _WORD.findall(sentence)
            low, high = KEY_SENTENCE_WORDS
            if low <= len(words) <= high and len(sentence) <= KEY_SENTENCE_MAX_CHARS:
                candidates.append((section_index, index, sentence, _content_words(sentence)))
    frequency = Counter(w for *_, words in candidates for w in set(words))

    def score(candidate: tuple[int, int, str, list[str]]) -> float:
        _, index, _, words = candidate
        unique = set(words)
        if not unique:
            return 0.0
        topical = sum(frequency[w] for w in unique) / len(unique) ** 0.5
        judging = 2.0 * len(unique & _JUDGING)
        return topical + judging + (1.0 if index == 0 else 0.0)

    ranked = sorted(candidates, key=lambda c: (-score(c), c[0], c[1]))
    avoided = [set(_content_words(text)) for text in avoid]
    chosen: list[tuple[int, int, str, list[str]]] = []
    for one_per_section in (True, False):
        for candidate in ranked:
            if len(chosen) >= count:
                break
            words = set(candidate[3])
            if candidate in chosen or not words:
                continue
            if one_per_section and any(c[0] == candidate[0] for c in chosen):
                continue
            if any(_overlap(words, set(c[3])) > 0.6 for c in chosen):
                continue
            if any(_overlap(words, other) > 0.6 for other in avoided):
                continue
            chosen.append(candidate)
    return [c[2] for c in sorted(chosen, key=lambda c: (c[0], c[1]))]
