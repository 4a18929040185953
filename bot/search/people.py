"""Person search: directors, writers, actors by full name, surname or alias, typos forgiven.

A `PersonIndex` holds every name and alias (folded, plus a Latin form of names in other
scripts) in a `FuzzyIndex`, and every word of those names in a second one, so a surname
alone ('kubrick', or 'kubrik') finds everyone who has it without scanning the catalog.

Ranking is by name match first, then by how well known the person is in the catalog:
their films, each film they directed counting twice (`weight`). A match is exact (the
name or an alias as typed, 100), every word in another order ('kurosawa akira', 98),
some words each exact ('kubrick', 'carl dreyer', 95), or scaled down by typos. Among
near-equal matches the better known person ranks first, and a name the query ends on
(the surname) before a first name. The top person answers without asking when the
match is good and every close rival is clearly less known (DOMINANCE times lighter);
'kubrick' is Stanley, 'bergman' Ingmar (46 films, 44 directed) over Ingrid (31),
while 'hepburn' (Katharine 45, Audrey 23) and 'ford' ask.

The index is saved beside the database (see `SearchService`) and loaded in a few
milliseconds by the next process.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from anyascii import anyascii
from rapidfuzz.distance import OSA

from bot.constants import SUGGESTIONS_MAX
from bot.models import NameEntry
from bot.search.fuzzy import FuzzyIndex, StringTable, edit_similarity
from bot.search.titles import QUERY_MAX
from bot.text import norm_name

FORMAT_VERSION = 1

# Match scores, 0-100.
EXACT = 100.0  # the whole name (or an alias) as typed
ALL_WORDS = 98.0  # every word of the name, in another order
PART = 95.0  # some of the name's words, each exactly (a surname alone)
MIN_SCORE = 72.0  # weaker matches are not candidates
CLEAR_SCORE = 78.0  # the least an answer given without asking must match
# A query word counts as found in a name when it is this similar to one of its words.
WORD_MIN = 75.0
# Another person whose match is this much worse never makes the top one ask.
MATCH_LEAD = 5.0
# Otherwise the top person answers only when this many times better known.
DOMINANCE = 2.5
# How much being known adds to the rank (all of it at NOTABLE_AT films), and a name that
# ends on what was typed (a surname) over one that starts with it.
NOTABILITY_POINTS = 8.0
NOTABLE_AT = 150
SURNAME_POINTS = 2.0
# A word is not a surname: 'Robert Downey Jr.' ends on 'downey'.
_SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv"])
# Per query word, how many of the best-known names having that word are scored, and
# having another spelling of it.
WORD_CANDIDATES = 200
SPELLING_CANDIDATES = 40
# Trigram candidates scored for a whole-name typo.
NAME_CANDIDATES = 120
# Per query word, how many similar words of the catalog a typo may stand for.
WORD_ALTERNATIVES = 4


def weight(films: int, directed: int) -> int:
    """How well known a person is in the catalog: films, a directed one counting twice."""
    return films + directed


def notability(films: int, directed: int) -> float:
    """0-1 on a log scale: 0 films 0, NOTABLE_AT or more 1."""
    return min(1.0, math.log1p(weight(films, directed)) / math.log1p(NOTABLE_AT))


def dominates(top: PersonHit, other: PersonHit) -> bool:
    """Whether `top` is so much better known that `other` need not be asked about."""
    return 1 + weight(top.films, top.directed) >= DOMINANCE * (
        1 + weight(other.films, other.directed)
    )


def name_keys(name: str) -> list[str]:
    """The keys a name is found by: folded, and in Latin letters when in another script."""
    key = norm_name(" ".join(name[:QUERY_MAX].split()))
    keys = [key] if key else []
    if key and not key.isascii():
        latin = norm_name(anyascii(name[:QUERY_MAX]))
        if latin and latin != key:
            keys.append(latin)
    return keys


def query_key(text: str) -> str:
    keys = name_keys(text)
    return keys[0] if keys else ""


# Two neighbouring letters swapped, the commonest slip, costs half an edit: 'frod' is
# still Ford (a whole edit in a four-letter word would leave too little of it).
SWAP_COST = 0.5


def word_similarity(a: str, b: str) -> float:
    """0-100: one typo in a 9-letter word costs 11 points, in a 4-letter one 25 (a swap
    of neighbouring letters half that)."""
    if a == b:
        return 100.0
    distance = float(OSA.distance(a, b))
    if distance == 1.0 and len(a) == len(b) and sorted(a) == sorted(b):
        distance = SWAP_COST  # the same letters, one edit apart: a swap
    return max(0.0, 100.0 * (1.0 - 2.0 * distance / (len(a) + len(b))))


def _slips(word: str) -> list[str]:
    """What a word may have been before one slip: neighbouring letters swapped back, or
    one letter too many taken out ('widler' -> 'wilder', 'kubrickk' -> 'kubrick')."""
    swaps = [word[:n] + word[n + 1] + word[n] + word[n + 2 :] for n in range(len(word) - 1)]
    cuts = [word[:n] + word[n + 1 :] for n in range(len(word))]
    return list(dict.fromkeys(w for w in [*swaps, *cuts] if w != word and len(w) > 1))


def _surname_at(words: list[str]) -> int:
    for n in range(len(words) - 1, -1, -1):
        if words[n] not in _SUFFIXES:
            return n
    return len(words) - 1


class NameScorer:
    """How well a name key answers one query key: (score 0-100, whether the query's
    words include the name's surname)."""

    __slots__ = ("query", "total", "words")

    def __init__(self, query: str) -> None:
        self.query = query
        self.words = query.split()
        self.total = sum(len(w) for w in self.words) or 1

    def __call__(self, key: str) -> tuple[float, bool]:
        if key == self.query:
            return EXACT, True
        names = key.split()
        if not names or not self.words:
            return edit_similarity(self.query, key), False
        found = 0.0
        exact = True
        matched: set[int] = set()
        for word in self.words:
            best, where = 0.0, -1
            for n, other in enumerate(names):
                if len(word) == 1:  # an initial: 's kubrick'
                    score = 100.0 if other.startswith(word) else 0.0
                else:
                    score = word_similarity(word, other)
                if score > best:
                    best, where = score, n
            exact = exact and best == 100.0
            if best >= WORD_MIN:
                matched.add(where)
            found += best * len(word)
        base = ALL_WORDS if len(matched) == len(names) else PART
        score = base if exact else base * found / self.total / 100.0
        return max(score, edit_similarity(self.query, key)), _surname_at(names) in matched


@dataclass(frozen=True)
class PersonHit:
    person_id: int
    name: str  # the person's own name
    score: float  # 0-100 name match
    matched: str = ""  # the alias that matched, when not the name
    films: int = 0  # films in the catalog
    directed: int = 0  # of which directed
    surname: bool = False  # the query's words include the name's last word


@dataclass(frozen=True)
class PersonResult:
    query: str
    best: PersonHit | None
    candidates: tuple[PersonHit, ...]


class PersonIndex:
    """Name keys -> people, word -> name keys, and each person's name and film counts."""

    _ARRAYS = (
        "person_ids",
        "films",
        "directed",
        "key_offsets",
        "key_people",
        "word_offsets",
        "word_keys",
    )

    def __init__(
        self,
        names: FuzzyIndex,
        words: FuzzyIndex,
        person_names: StringTable,
        written: StringTable,
        person_ids: np.ndarray,
        films: np.ndarray,
        directed: np.ndarray,
        key_offsets: np.ndarray,
        key_people: np.ndarray,
        word_offsets: np.ndarray,
        word_keys: np.ndarray,
    ) -> None:
        self.names = names  # name keys, weighted by the best-known person of each
        self.words = words  # the words of the name keys, weighted likewise
        self.person_names = person_names  # each person's own name
        self.written = written  # each entry's name as written (an alias, or the name)
        self.person_ids = person_ids  # int64, sorted: person n is person_ids[n]
        self.films = films  # int32 per person
        self.directed = directed  # int32 per person
        self.key_offsets = key_offsets  # int64: entries of key k are [k]:[k + 1]
        self.key_people = key_people  # int32 person index of each entry
        self.word_offsets = word_offsets  # int64: keys of word w are [w]:[w + 1]
        self.word_keys = word_keys  # int32 key ids, best-known first within a word

    @property
    def size(self) -> int:
        return len(self.person_ids)

    # -- building and saving ---------------------------------------------------------

    @classmethod
    def build(cls, entries: Iterable[NameEntry]) -> PersonIndex:
        """Index names and aliases (vectorised where it counts: 240,000 names in about
        two seconds on a busy machine)."""
        names: dict[int, str] = {}  # each person's own name
        counts: dict[int, tuple[int, int]] = {}
        written: dict[tuple[str, int], str] = {}  # (key, person) -> the name as written
        keys_of: dict[str, tuple[list[str], str]] = {}  # an alias often repeats the name
        for entry in entries:
            person = entry.person_id
            if entry.primary or person not in names:
                names[person] = entry.name
            new = (entry.credits, entry.directed)
            old = counts.setdefault(person, new)
            if old != new:
                counts[person] = (max(old[0], new[0]), max(old[1], new[1]))
            found = keys_of.get(entry.name)
            if found is None:
                found = keys_of[entry.name] = (name_keys(entry.name), " ".join(entry.name.split()))
            for key in found[0]:
                if entry.primary or (key, person) not in written:
                    written[(key, person)] = found[1]
        person_ids = np.asarray(sorted(names), dtype=np.int64)
        films = np.asarray([counts[p][0] for p in person_ids.tolist()], dtype=np.int32)
        directed = np.asarray([counts[p][1] for p in person_ids.tolist()], dtype=np.int32)
        known = np.minimum(
            1.0, np.log1p(films.astype(np.float64) + directed) / math.log1p(NOTABLE_AT)
        ).astype(np.float32)
        # Entries by key, the best-known person of a key first.
        pairs = list(written)
        keys = sorted({key for key, _ in pairs})
        key_rank = {key: n for n, key in enumerate(keys)}
        entry_key = np.asarray([key_rank[key] for key, _ in pairs], dtype=np.int64)
        entry_person = np.searchsorted(person_ids, [p for _, p in pairs]).astype(np.int32)
        entry_order = np.lexsort((person_ids[entry_person], -known[entry_person], entry_key))
        entry_key, key_people = entry_key[entry_order], entry_person[entry_order]
        offsets = np.searchsorted(entry_key, np.arange(len(keys) + 1)).astype(np.int64)
        key_weights = (
            np.maximum.reduceat(known[key_people], offsets[:-1])
            if keys
            else np.zeros(0, dtype=np.float32)
        )
        # Word -> keys holding it, heaviest key first.
        word_of: dict[str, int] = {}
        pair_words: list[int] = []
        pair_keys: list[int] = []
        for key_id, key in enumerate(keys):
            for word in set(key.split()):
                pair_words.append(word_of.setdefault(word, len(word_of)))
                pair_keys.append(key_id)
        words = sorted(word_of)
        word_rank = np.empty(len(words), dtype=np.int64)
        word_rank[[word_of[w] for w in words]] = np.arange(len(words))
        by_word = word_rank[np.asarray(pair_words, dtype=np.int64)]
        word_keys = np.asarray(pair_keys, dtype=np.int64)
        order = np.lexsort((word_keys, -key_weights[word_keys], by_word))
        by_word, word_keys = by_word[order], word_keys[order]
        word_offsets = np.searchsorted(by_word, np.arange(len(words) + 1)).astype(np.int64)
        word_weights = (
            key_weights[word_keys[word_offsets[:-1]]] if words else np.zeros(0, np.float32)
        )
        return cls(
            FuzzyIndex.build(keys, key_weights),
            FuzzyIndex.build(words, word_weights),
            StringTable.of([names[p] for p in person_ids.tolist()]),
            StringTable.of([written[pairs[n]] for n in entry_order.tolist()]),
            person_ids,
            films,
            directed,
            offsets,
            key_people,
            word_offsets,
            word_keys.astype(np.int32),
        )

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.names.save(folder / "names")
        self.words.save(folder / "words")
        for name in self._ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        self.person_names.save(folder, "person_names")
        self.written.save(folder, "written")
        (folder / "people.json").write_text(json.dumps({"format": FORMAT_VERSION}))

    @classmethod
    def load(cls, folder: Path) -> PersonIndex:
        meta = json.loads((folder / "people.json").read_text())
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"person index format {meta.get('format')} is not {FORMAT_VERSION}")
        names = FuzzyIndex.load(folder / "names")
        words = FuzzyIndex.load(folder / "words")
        arrays = {name: np.load(folder / f"{name}.npy") for name in cls._ARRAYS}
        person_names = StringTable.load(folder, "person_names")
        written = StringTable.load(folder, "written")
        people, entries = len(arrays["person_ids"]), len(arrays["key_people"])
        if (
            len(person_names) != people
            or len(arrays["films"]) != people
            or len(arrays["directed"]) != people
            or len(written) != entries
            or len(arrays["key_offsets"]) != len(names) + 1
            or arrays["key_offsets"][-1] != entries
            or len(arrays["word_offsets"]) != len(words) + 1
            or arrays["word_offsets"][-1] != len(arrays["word_keys"])
            or (entries and arrays["key_people"].max() >= people)
            or (len(arrays["word_keys"]) and arrays["word_keys"].max() >= len(names))
        ):
            raise ValueError("person index files disagree")
        return cls(names, words, person_names, written, **arrays)

    # -- reading ---------------------------------------------------------------------

    def hits(self, key_id: int, score: float, surname: bool) -> list[PersonHit]:
        out = []
        for n in range(int(self.key_offsets[key_id]), int(self.key_offsets[key_id + 1])):
            person = int(self.key_people[n])
            name, as_written = self.person_names[person], self.written[n]
            out.append(
                PersonHit(
                    int(self.person_ids[person]),
                    name,
                    score,
                    "" if as_written == name else as_written,
                    int(self.films[person]),
                    int(self.directed[person]),
                    surname,
                )
            )
        return out

    def keys_with_word(self, word_id: int, limit: int | None) -> np.ndarray:
        start, end = int(self.word_offsets[word_id]), int(self.word_offsets[word_id + 1])
        if limit is not None:
            end = min(end, start + limit)
        return self.word_keys[start:end]

    def similar_words(self, word: str) -> tuple[int | None, list[int]]:
        """The id of this word in the catalog's names, if any, and (four letters or
        more) of the closest other spellings, found by trigrams or by undoing a slip."""
        exact = self.words.find(word)
        if len(word) < 4:
            return exact, []
        near = set(self.words.candidates(word, limit=60))
        if exact is None:  # a word nobody has is likelier a slip
            near.update(w for w in map(self.words.find, _slips(word)) if w is not None)
        near.discard(exact)  # type: ignore[arg-type]
        scored = [(word_similarity(word, self.words.keys[w]), w) for w in near]
        scored = [pair for pair in scored if pair[0] >= WORD_MIN]
        scored.sort(key=lambda pair: (-pair[0], -self.words.weights[pair[1]], pair[1]))
        return exact, [w for _, w in scored[:WORD_ALTERNATIVES]]

    def candidate_keys(self, key: str) -> set[int]:
        """Name keys worth scoring for a query key: the key itself, names whose
        trigrams it shares (typos in a full name), and the best-known names holding
        every word typed (a surname alone, words in another order)."""
        found: set[int] = set()
        exact = self.names.find(key)
        if exact is not None:
            found.add(exact)
        found.update(self.names.candidates(key, limit=NAME_CANDIDATES))
        words = [w for w in dict.fromkeys(key.split()) if len(w) > 1]  # initials: any
        if not words:
            return found
        single = len(words) == 1
        common: set[int] | None = None
        for word in words:
            exact, spellings = self.similar_words(word)
            having: set[int] = set()
            for w in spellings:
                having.update(
                    self.keys_with_word(w, SPELLING_CANDIDATES if single else None).tolist()
                )
            if exact is not None:
                having.update(
                    self.keys_with_word(exact, WORD_CANDIDATES if single else None).tolist()
                )
            common = having if common is None else common & having
            if not common:
                return found
        assert common is not None
        if len(common) > WORD_CANDIDATES:  # 'john smith': the best-known ones
            ids = np.fromiter(common, dtype=np.int64, count=len(common))
            heaviest = np.argsort(-self.names.weights[ids], kind="stable")
            common = set(ids[heaviest[:WORD_CANDIDATES]].tolist())
        found.update(common)
        return found


def rank_key(hit: PersonHit) -> float:
    """Name match, plus a surname, plus how well known: what orders the candidates."""
    return (
        hit.score
        + (SURNAME_POINTS if hit.surname else 0.0)
        + NOTABILITY_POINTS * notability(hit.films, hit.directed)
    )


def decide(ranked: Sequence[PersonHit]) -> PersonHit | None:
    """The person to answer with, or None to ask. One candidate answers; else the top
    one must match well, and each rival must match clearly worse or be far less known."""
    if not ranked:
        return None
    top = ranked[0]
    if len(ranked) == 1:
        return top
    if top.score < CLEAR_SCORE:
        return None
    for other in ranked[1:]:
        if other.score <= top.score - MATCH_LEAD:
            continue
        if other.score <= top.score + 1.0 and dominates(top, other):
            continue
        return None
    return top


class PersonSearch:
    """Lookup over the main person index and one of people added since."""

    def __init__(self, parts: Sequence[PersonIndex]) -> None:
        self.parts = list(parts)

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    def lookup(self, query: str, *, limit: int = 10) -> PersonResult:
        key = query_key(query)
        if len(key.replace(" ", "")) < 2:
            return PersonResult(query, None, ())
        scorer = NameScorer(key)
        best: dict[int, PersonHit] = {}
        for part in self.parts:
            keys = part.names.keys
            for key_id in part.candidate_keys(key):
                score, surname = scorer(keys[key_id])
                if score < MIN_SCORE:
                    continue
                for hit in part.hits(key_id, score, surname):
                    _keep_better(best, hit)
        ranked = sorted(best.values(), key=lambda h: (-rank_key(h), h.name, h.person_id))
        return PersonResult(query, decide(ranked), tuple(ranked[:limit]))

    def person(self, person_id: int) -> PersonHit | None:
        """The person with this id (a choice from a list), as the newest part knows them."""
        for part in reversed(self.parts):
            n = int(np.searchsorted(part.person_ids, person_id))
            if n < len(part.person_ids) and int(part.person_ids[n]) == person_id:
                name = part.person_names[n]
                return PersonHit(person_id, name, EXACT, "", int(part.films[n]),
                                 int(part.directed[n]), True)  # fmt: skip
        return None

    def complete(self, text: str, *, limit: int = SUGGESTIONS_MAX) -> list[PersonHit]:
        """Names for what has been typed so far: names and then surnames (any word)
        that start with it, best known first; then fuzzy matches."""
        key = query_key(text)
        if not key:
            return []
        prefixed: dict[int, PersonHit] = {}
        for part in self.parts:
            key_ids = list(part.names.prefixed(key, limit))
            if " " not in key:
                for word_id in part.words.prefixed(key, limit):
                    key_ids += [int(k) for k in part.keys_with_word(word_id, limit)]
            for key_id in key_ids:
                for hit in part.hits(key_id, 100.0, False):
                    _keep_better(prefixed, hit)
        chosen = dict(
            (h.person_id, h)
            for h in sorted(
                prefixed.values(),
                key=lambda h: (-notability(h.films, h.directed), h.name, h.person_id),
            )[:limit]
        )
        if len(chosen) < limit and len(key) >= 3:
            for part in self.parts:
                for key_id, score in part.names.search(
                    key, partial=True, limit=limit, cutoff=MIN_SCORE
                ):
                    for hit in part.hits(key_id, score, False):
                        chosen.setdefault(hit.person_id, hit)
        return list(chosen.values())[:limit]


def _keep_better(best: dict[int, PersonHit], hit: PersonHit) -> None:
    """One hit per person, with the highest film counts any part knows."""
    old = best.get(hit.person_id)
    if old is None:
        best[hit.person_id] = hit
        return
    films, directed = max(old.films, hit.films), max(old.directed, hit.directed)
    # The better match; on a tie the person's own name over an alias.
    better = (hit.score, hit.surname, not hit.matched) > (old.score, old.surname, not old.matched)
    keep = hit if better else old
    if (films, directed) != (keep.films, keep.directed):
        keep = PersonHit(
            keep.person_id, keep.name, keep.score, keep.matched, films, directed, keep.surname
        )
    best[hit.person_id] = keep
