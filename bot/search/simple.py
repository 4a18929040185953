"""A simple title lookup: folded exact match, then rapidfuzz, with a year hint.

This is the stop-gap engine of the foundation issue; the search issue replaces it with an
indexed engine behind the same `lookup()` contract (a decision plus ranked candidates
carrying stable film ids).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.models import TitleRow
from bot.text import fold, norm_title, uninvert

# 'Solaris (1972)', 'Solaris [1972]', 'solaris 1972', 'solaris, 1972'
_YEAR_HINT = re.compile(r"^(?P<title>.+?)[\s,]*[(\[]?(?P<year>(?:18[89]|19\d|20\d)\d)[)\]]?\s*$")
# How far ahead of the runner-up a fuzzy winner must be to answer without asking.
CLEAR_LEAD = 8.0
MIN_FUZZY_SCORE = 72.0
CLEAR_FUZZY_SCORE = 90.0


@dataclass(frozen=True)
class Hit:
    film_id: int
    title: str  # the matched title or alias
    year: int | None
    score: float  # 0-100
    exact: bool


@dataclass(frozen=True)
class LookupResult:
    query: str
    year_hint: int | None
    best: Hit | None  # set when one film is the clear answer
    candidates: tuple[Hit, ...]  # ranked; more than one means "ask"


def split_year_hint(query: str) -> tuple[str, int | None]:
    """('Solaris (1972)') -> ('Solaris', 1972); a query that is only a year is a title."""
    match = _YEAR_HINT.match(query.strip())
    if not match or not match["title"].strip(" ,([-"):
        return query.strip(), None
    return match["title"].strip(" ,([-"), int(match["year"])


class TitleLookup:
    """In-memory lookup over every title and alias of every film."""

    def __init__(self, rows: list[TitleRow]) -> None:
        self._by_norm: dict[str, list[TitleRow]] = defaultdict(list)
        for row in rows:
            if row.norm:
                self._by_norm[row.norm].append(row)
        self._norms = list(self._by_norm)
        self._popularity = {row.film_id: row.popularity for row in rows}
        self.size = len(rows)

    def lookup(self, query: str, *, limit: int = 10) -> LookupResult:
        title, year = split_year_hint(query)
        interpretations = [(title, year)]
        if year is not None:
            # 'Blade Runner 2049' or '1984' may be the whole title, not a hint.
            interpretations.append((query.strip(), None))
        for text, hint in interpretations:
            result = self._exact(query, text, hint, limit)
            if result is not None:
                return result
        return self._fuzzy(query, title, year, limit)

    def _rank(self, hits: list[Hit], year: int | None) -> list[Hit]:
        """Best hit per film, ordered by score, year closeness, then popularity."""
        best: dict[int, Hit] = {}
        for hit in hits:
            if hit.film_id not in best or hit.score > best[hit.film_id].score:
                best[hit.film_id] = hit
        popularity = self._popularity

        def key(h: Hit) -> tuple:
            distance = abs(h.year - year) if (year and h.year) else 0
            return (-h.score, distance, -popularity.get(h.film_id, 0.0), h.film_id)

        return sorted(best.values(), key=key)

    def _exact(self, query: str, title: str, year: int | None, limit: int) -> LookupResult | None:
        rows = self._by_norm.get(norm_title(title), [])
        if not rows:
            return None
        hits = [Hit(r.film_id, r.title, r.year, 100.0, True) for r in rows]
        # 'The Killers' means the two films called that, not also 'Killers' (2010).
        literal = fold(uninvert(title))
        spelled_alike = [h for h in hits if fold(uninvert(h.title)) == literal]
        if spelled_alike:
            hits = spelled_alike
        if year is not None:
            near = [h for h in hits if h.year is not None and abs(h.year - year) <= 1]
            if not near:
                return None
            hits = near
        ranked = self._rank(hits, year)
        if year is not None:
            same_year = [h for h in ranked if h.year == year]
            if len(same_year) == 1:
                return LookupResult(query, year, same_year[0], tuple(ranked[:limit]))
        best = ranked[0] if len(ranked) == 1 else None
        return LookupResult(query, year, best, tuple(ranked[:limit]))

    def _fuzzy(self, query: str, title: str, year: int | None, limit: int) -> LookupResult:
        needle = norm_title(title)
        if not needle:
            return LookupResult(query, year, None, ())
        scored: dict[str, float] = {}
        # QRatio catches typos; token_set_ratio catches missing or reordered words.
        for scorer, weight in ((fuzz.QRatio, 1.0), (fuzz.token_set_ratio, 0.95)):
            for norm, score, _ in process.extract(
                needle,
                self._norms,
                scorer=scorer,
                limit=limit * 3,
                score_cutoff=MIN_FUZZY_SCORE / weight,
            ):
                scored[norm] = max(scored.get(norm, 0.0), score * weight)
        hits = []
        for norm, score in scored.items():
            for row in self._by_norm[norm]:
                adjusted = score
                if year is not None:
                    if row.year == year:
                        adjusted += 5
                    elif row.year is None or abs(row.year - year) > 1:
                        adjusted -= 15
                hits.append(Hit(row.film_id, row.title, row.year, min(adjusted, 99.0), False))
        ranked = [h for h in self._rank(hits, year) if h.score >= MIN_FUZZY_SCORE][:limit]
        best = None
        if (
            ranked
            and ranked[0].score >= CLEAR_FUZZY_SCORE
            and (len(ranked) == 1 or ranked[0].score - ranked[1].score >= CLEAR_LEAD)
            and _covers(needle, norm_title(ranked[0].title))
        ):
            best = ranked[0]
        return LookupResult(query, year, best, tuple(ranked))


def _covers(needle: str, title: str) -> bool:
    """Whether a fuzzy hit may answer without asking.

    A near-exact spelling may ('cranes are flyng'). A word-set match must share most
    words both ways: 'cranes flying' may answer with The Cranes Are Flying, but '1972'
    must not answer with Dracula A.D. 1972, nor 'my favourite ran' with Ran.
    """
    if fuzz.QRatio(needle, title) >= CLEAR_FUZZY_SCORE:
        return True
    query_words, title_words = set(needle.split()), set(title.split())
    shared = len(query_words & title_words)
    return shared / len(title_words) >= 0.5 and shared / len(query_words) >= 0.6
