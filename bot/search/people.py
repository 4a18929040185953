"""Person search: directors, writers, actors by name or alias, typos forgiven.

The same `FuzzyIndex` as titles, over folded names ('Andrei Tarkovsky', 'Tarkovsky'
typed alone finds him through word alignment). People with more films rank first among
equal matches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.constants import SUGGESTIONS_MAX
from bot.models import NameEntry
from bot.search.fuzzy import FuzzyIndex
from bot.search.titles import QUERY_MAX
from bot.text import norm_name

MIN_SCORE = 72.0
CLEAR_SCORE = 90.0
CLEAR_LEAD = 5.0


# Among near-equal matches, the person with more films wins (up to this many points).
CREDITS_BONUS = 2.5


def _bonus(credits: int) -> float:
    return CREDITS_BONUS * min(1.0, math.log1p(credits) / math.log1p(30))


@dataclass(frozen=True)
class PersonHit:
    person_id: int
    name: str  # the person's own name
    score: float
    matched: str = ""  # the alias that matched, when not the name


@dataclass(frozen=True)
class PersonResult:
    query: str
    best: PersonHit | None
    candidates: tuple[PersonHit, ...]


class PersonIndex:
    def __init__(self, entries: Iterable[NameEntry]) -> None:
        by_key: dict[str, list[NameEntry]] = {}
        names: dict[int, str] = {}
        credits: dict[int, int] = {}
        for entry in entries:
            if entry.primary or entry.person_id not in names:
                names[entry.person_id] = entry.name
            credits[entry.person_id] = max(credits.get(entry.person_id, 0), entry.credits)
            key = norm_name(entry.name[:QUERY_MAX])
            if key:
                by_key.setdefault(key, []).append(entry)
        keys = sorted(by_key)
        self._entries = [by_key[k] for k in keys]
        self._names = names
        self._credits = credits
        weights = np.asarray(
            [max(credits[e.person_id] for e in by_key[k]) for k in keys], dtype=np.float32
        )
        self.fuzzy = FuzzyIndex.build(keys, np.log1p(weights))
        self.size = len(names)

    def hits(self, key_id: int, score: float) -> list[PersonHit]:
        out = []
        for entry in self._entries[key_id]:
            name = self._names[entry.person_id]
            out.append(PersonHit(entry.person_id, name, score,
                                 "" if entry.name == name else entry.name))  # fmt: skip
        return out

    def credits(self, person_id: int) -> int:
        return self._credits.get(person_id, 0)


class PersonSearch:
    """Lookup over the main person index and one of people added since."""

    def __init__(self, parts: Sequence[PersonIndex]) -> None:
        self.parts = list(parts)

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    def lookup(self, query: str, *, limit: int = 10) -> PersonResult:
        key = norm_name(" ".join(query[:QUERY_MAX].split()))
        if len(key.replace(" ", "")) < 2:
            return PersonResult(query, None, ())
        found: list[tuple[PersonHit, int]] = []
        for part in self.parts:
            key_id = part.fuzzy.find(key)
            pairs = [(key_id, 100.0)] if key_id is not None else []
            pairs += part.fuzzy.search(key, limit=limit * 2, cutoff=MIN_SCORE)
            for k, score in pairs:
                found.extend((h, part.credits(h.person_id)) for h in part.hits(k, score))
        best: dict[int, tuple[PersonHit, int]] = {}
        for hit, credits in found:
            if hit.person_id not in best or hit.score > best[hit.person_id][0].score:
                best[hit.person_id] = (hit, credits)
        ranked = [
            h
            for h, _ in sorted(
                best.values(),
                key=lambda p: (-(p[0].score + _bonus(p[1])), p[0].name, p[0].person_id),
            )
        ][:limit]
        answer = None
        if ranked and (ranked[0].score >= CLEAR_SCORE):
            runner_up = ranked[1].score if len(ranked) > 1 else 0.0
            if ranked[0].score - runner_up >= CLEAR_LEAD:
                answer = ranked[0]
        return PersonResult(query, answer, tuple(ranked))

    def complete(self, text: str, *, limit: int = SUGGESTIONS_MAX) -> list[PersonHit]:
        """Names for what has been typed so far: prefixes by film count, then fuzzy."""
        key = norm_name(" ".join(text[:QUERY_MAX].split()))
        if not key:
            return []
        chosen: dict[int, PersonHit] = {}
        for part in self.parts:
            for key_id in part.fuzzy.prefixed(key, limit):
                for hit in part.hits(key_id, 100.0):
                    chosen.setdefault(hit.person_id, hit)
        if len(chosen) < limit and len(key) >= 3:
            for part in self.parts:
                for key_id, score in part.fuzzy.search(
                    key, partial=True, limit=limit, cutoff=MIN_SCORE
                ):
                    for hit in part.hits(key_id, score):
                        chosen.setdefault(hit.person_id, hit)
        return list(chosen.values())[:limit]
