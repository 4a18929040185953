"""A fuzzy index over short normalised strings (title keys, name keys).

Three ways in, all cheap at a million keys:

- exact and prefix: the keys are kept sorted, so a bisect finds a key or a prefix range
  (the heaviest keys of a range win);
- fuzzy: character trigrams of each word (" cranes " -> " cr", "cra", ..., "es "), kept as
  postings in one numpy array (CSR layout). A query's trigrams pick candidate keys by how
  many they share; the rarest trigrams are used first and the commonest skipped, so a
  query reads a few posting lists, never the whole catalog. Candidates are re-scored by
  `similarity`, which forgives typos, missing words and word order.

Trigrams are taken per word, so word order does not change a key's trigram set, and a
partial last word (autocomplete) simply leaves out its closing trigram. Strings live in
`StringTable`s (one UTF-8 buffer plus offsets), which take a fraction of the memory of a
million Python strings and load from disk at once.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA

FORMAT_VERSION = 2
# Candidate generation: a trigram whose posting list is longer than this share of all
# keys says little ("ing", " th") and is skipped when rarer ones exist.
COMMON_SHARE = 0.04
MIN_TRIGRAMS = 3
# How many candidates the trigram stage hands to the re-scoring (lookup, autocomplete:
# autocomplete runs on every keystroke and only needs a good first screen).
RESCORE = 120
RESCORE_COMPLETE = 60
_NEWLINE = 10
# Below this similarity a key word does not count as one the query asked for.
COVER_MIN = 70.0


class StringTable(Sequence[str]):
    """An immutable list of strings without newlines, stored as one UTF-8 buffer."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self._bytes = blob.tobytes()
        self.blob = np.frombuffer(self._bytes, dtype=np.uint8)  # a view: one copy in memory
        self.offsets = offsets  # int64, len + 1; a string ends one byte before the next

    @classmethod
    def of(cls, strings: Sequence[str]) -> StringTable:
        if not strings:
            return cls(np.zeros(0, np.uint8), np.zeros(1, np.int64))
        blob = np.frombuffer(("\n".join(strings) + "\n").encode("utf-8"), dtype=np.uint8)
        ends = np.flatnonzero(blob == _NEWLINE)
        if len(ends) != len(strings):
            raise ValueError("strings in a StringTable cannot contain newlines")
        offsets = np.zeros(len(strings) + 1, dtype=np.int64)
        offsets[1:] = ends + 1
        return cls(blob, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, n):  # type: ignore[override]
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        start, end = int(self.offsets[n]), int(self.offsets[n + 1]) - 1
        return self._bytes[start:end].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        text = self._bytes.decode("utf-8")
        return iter(text.split("\n")[:-1]) if text else iter(())

    def save(self, folder: Path, name: str) -> None:
        np.save(folder / f"{name}_blob.npy", self.blob)
        np.save(folder / f"{name}_offsets.npy", self.offsets)

    @classmethod
    def load(cls, folder: Path, name: str) -> StringTable:
        return cls(np.load(folder / f"{name}_blob.npy"), np.load(folder / f"{name}_offsets.npy"))


class _Alphabet:
    """Dense ids for the characters of the keys, so a trigram fits in few bits."""

    def __init__(self, chars: str) -> None:
        self.chars = chars
        self.ids = {ch: n + 1 for n, ch in enumerate(chars)}  # 0: never seen
        self.bits = max(1, len(chars).bit_length())

    def code(self, tri: str) -> int | None:
        ids = self.ids
        a, b, c = ids.get(tri[0]), ids.get(tri[1]), ids.get(tri[2])
        if not (a and b and c):
            return None
        return (a << (2 * self.bits)) | (b << self.bits) | c


def word_trigrams(key: str, *, partial: bool = False) -> list[str]:
    """Distinct trigrams of a key's words; `partial`: the last word may go on."""
    words = key.split()
    found: dict[str, None] = {}
    for n, word in enumerate(words):
        padded = f" {word}" if partial and n == len(words) - 1 else f" {word} "
        for i in range(len(padded) - 2):
            found[padded[i : i + 3]] = None
    return list(found)


# Words that carry little: a query that gets them wrong or leaves them out is still a
# good match ("tower the" is The Tower; "cranes flying" is The Cranes Are Flying).
LIGHT_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "are",
        "is",
        "in",
        "on",
        "to",
        "at",
        "la",
        "le",
        "les",
        "el",
        "de",
        "des",
        "du",
        "der",
        "die",
        "das",
        "den",
        "il",
        "lo",
    ]
)


# Sequel numbers tell films apart: 'Enter the Fat Dragon' is not 'Enter the Fat Dragon 3'.
_NUMBER_WORDS = frozenset(["ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"])
NUMBER_WEIGHT = 4.0


def _weight(word: str) -> float:
    """How much a word counts in the alignment: by length, small words less, numbers more."""
    if word in LIGHT_WORDS:
        return 0.3 * len(word)
    if word.isdigit() or word in _NUMBER_WORDS:
        return max(NUMBER_WEIGHT, float(len(word)))
    return float(len(word))


def edit_similarity(a: str, b: str) -> float:
    """0-100 from the edit distance, transpositions counting once, over the mean length.

    Every kind of one-letter slip costs the same: 'marseillaies' is as near
    'marseillaise' (two letters swapped) as 'marseillais' (one letter more).
    """
    if a == b:
        return 100.0
    mean = (len(a) + len(b)) / 2
    return max(0.0, 100.0 * (1.0 - OSA.distance(a, b) / mean)) if mean else 0.0


def similarity(query: str, key: str, *, partial: bool = False) -> float:
    """0-100: how well `key` answers `query`, both normalised (see `Scorer`)."""
    return Scorer(query, partial=partial)(key)


class Scorer:
    """How well keys answer one query, 0-100; the query's half is prepared once.

    The better of the whole-string edit similarity (typos, joined words: "spider man" /
    "spiderman") and a word alignment: each query word's best match among the key's
    words (typos per word, any order), mostly judged by how much of the query was found
    and a little by how much of the key was asked for, so "cranes flying" prefers
    The Cranes Are Flying to a longer title that also has both words. With `partial`
    the last query word is compared with the beginning of the key's words.
    """

    __slots__ = ("last", "partial", "query", "total", "weights", "words")

    def __init__(self, query: str, *, partial: bool = False) -> None:
        self.query = query
        self.partial = partial
        self.words = query.split()
        self.weights = [_weight(w) for w in self.words]
        self.total = sum(self.weights)
        self.last = len(self.words) - 1

    def __call__(self, key: str) -> float:
        query = self.query
        if query == key:
            return 100.0
        plain = edit_similarity(query, key)
        k_words = key.split()
        if not self.words or not k_words:
            return plain
        distance = OSA.distance
        best_for_key = [0.0] * len(k_words)
        found = 0.0
        partial, last = self.partial, self.last
        for n, word in enumerate(self.words):
            best = 0.0
            size = len(word)
            for m, other in enumerate(k_words):
                if partial and n == last and len(other) > size:
                    other = other[:size]
                if word == other:
                    score = 100.0
                else:
                    score = 100.0 * (1.0 - 2.0 * distance(word, other) / (size + len(other)))
                if score > best:
                    best = score
                if score > best_for_key[m]:
                    best_for_key[m] = score
            found += best * self.weights[n]
        found /= self.total
        # A key word only counts as asked for when some query word really resembles it.
        covered = total = 0.0
        for score, word in zip(best_for_key, k_words, strict=True):
            weight = _weight(word)
            total += weight
            if score >= COVER_MIN:
                covered += score * weight
        aligned = 0.75 * found + 0.25 * covered / total
        # Same words in another order is good, but never as good as the exact spelling.
        return max(plain, aligned * 0.98)


class FuzzyIndex:
    """Exact, prefix and trigram lookups over sorted distinct keys, each with a weight."""

    def __init__(
        self,
        keys: StringTable,
        weights: np.ndarray,
        alphabet: str,
        tri_codes: np.ndarray,
        tri_offsets: np.ndarray,
        postings: np.ndarray,
        key_trigrams: np.ndarray,
    ) -> None:
        self.keys = keys  # sorted, distinct
        self.weights = weights  # float32, one per key
        self.alphabet = _Alphabet(alphabet)
        self.tri_codes = tri_codes  # int64, sorted
        self.tri_offsets = tri_offsets  # int64, len(tri_codes) + 1
        self.postings = postings  # int32 key ids, grouped by trigram
        self.key_trigrams = key_trigrams  # int32: how many distinct trigrams each key has
        self._common = max(64, int(len(keys) * COMMON_SHARE))
        self._heaviest: list[int] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    # -- building --------------------------------------------------------------------

    @classmethod
    def build(cls, keys: Sequence[str], weights: Sequence[float] | np.ndarray) -> FuzzyIndex:
        """Index sorted, distinct, non-empty, normalised keys (vectorised: 1M keys in seconds)."""
        weights = np.asarray(weights, dtype=np.float32)
        if len(weights) != len(keys):
            raise ValueError("one weight per key")
        if any(a >= b for a, b in itertools.pairwise(keys)) or any(not k for k in keys[:1]):
            raise ValueError("keys must be sorted, distinct and non-empty")
        table = StringTable.of(keys)
        if not len(keys):
            return cls(table, weights, "", np.zeros(0, np.int64), np.zeros(1, np.int64),
                       np.zeros(0, np.int32), np.zeros(0, np.int32))  # fmt: skip
        # Every word padded with spaces, words two spaces apart, keys a newline apart:
        # trigrams whose middle is a space straddle two words and are dropped.
        buffer = "\n".join(" " + key.replace(" ", "  ") + " " for key in keys)
        points = np.frombuffer(buffer.encode("utf-32-le"), dtype=np.uint32)
        del buffer
        chars, dense = np.unique(points, return_inverse=True)
        alphabet = "".join(map(chr, chars.tolist()))
        space = alphabet.find(" ") + 1
        dense = dense.astype(np.int64) + 1
        is_sep = points == _NEWLINE
        del points
        key_of = np.cumsum(is_sep, dtype=np.int64)
        valid = ~(is_sep[:-2] | is_sep[1:-1] | is_sep[2:]) & (dense[1:-1] != space)
        del is_sep
        bits = max(1, len(alphabet).bit_length())
        codes = (dense[:-2] << (2 * bits)) | (dense[1:-1] << bits) | dense[2:]
        codes, owners = codes[valid], key_of[:-2][valid]
        del dense, key_of, valid
        owner_bits = max(1, len(keys).bit_length())
        if 3 * bits + owner_bits <= 63:
            # One sort of (trigram, key) packed into an int64 orders and groups everything.
            pairs = np.sort((codes << owner_bits) | owners)
            del codes, owners
            keep = np.ones(len(pairs), dtype=bool)
            keep[1:] = pairs[1:] != pairs[:-1]
            pairs = pairs[keep]
            tri_of, postings = pairs >> owner_bits, (pairs & ((1 << owner_bits) - 1))
        else:  # a huge alphabet: sort by trigram, keys stay in order within one
            order = np.argsort(codes, kind="stable")
            tri_of, postings = codes[order], owners[order]
            keep = np.ones(len(order), dtype=bool)
            keep[1:] = (tri_of[1:] != tri_of[:-1]) | (postings[1:] != postings[:-1])
            tri_of, postings = tri_of[keep], postings[keep]
        starts = np.flatnonzero(np.r_[True, tri_of[1:] != tri_of[:-1]])
        tri_codes = tri_of[starts]
        tri_offsets = np.append(starts, len(tri_of)).astype(np.int64)
        postings = postings.astype(np.int32)
        key_trigrams = np.bincount(postings, minlength=len(keys)).astype(np.int32)
        return cls(table, weights, alphabet, tri_codes, tri_offsets, postings, key_trigrams)

    # -- persistence -----------------------------------------------------------------

    _ARRAYS = ("weights", "tri_codes", "tri_offsets", "postings", "key_trigrams")

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.keys.save(folder, "keys")
        for name in self._ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        meta = {"format": FORMAT_VERSION, "alphabet": self.alphabet.chars}
        (folder / "fuzzy.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> FuzzyIndex:
        meta = json.loads((folder / "fuzzy.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"index format {meta.get('format')} is not {FORMAT_VERSION}")
        keys = StringTable.load(folder, "keys")
        arrays = {name: np.load(folder / f"{name}.npy") for name in cls._ARRAYS}
        postings, offsets = arrays["postings"], arrays["tri_offsets"]
        if (
            len(arrays["weights"]) != len(keys)
            or len(arrays["key_trigrams"]) != len(keys)
            or len(offsets) != len(arrays["tri_codes"]) + 1
            or offsets[-1] != len(postings)
            or (len(postings) and postings.max() >= len(keys))
        ):
            raise ValueError("index files disagree")
        return cls(keys, alphabet=meta["alphabet"], **arrays)

    # -- lookups ---------------------------------------------------------------------

    def find(self, key: str) -> int | None:
        """The id of exactly this key, if indexed."""
        n = bisect.bisect_left(self.keys, key)
        return n if n < len(self.keys) and self.keys[n] == key else None

    def prefixed(self, prefix: str, limit: int) -> list[int]:
        """Ids of the heaviest keys that start with `prefix`, heaviest first."""
        if not prefix and self._heaviest is not None and len(self._heaviest) >= limit:
            return self._heaviest[:limit]
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix + "\U0010ffff", lo)
        if hi <= lo:
            return []
        weights = self.weights[lo:hi]
        if hi - lo > limit:
            top = np.argpartition(-weights, limit - 1)[:limit]
        else:
            top = np.arange(hi - lo)
        top = top[np.lexsort((top, -weights[top]))]
        found = [lo + int(n) for n in top]
        if not prefix:
            self._heaviest = found  # every key matches '': asked on each empty box, kept
        return found

    def candidates(self, query: str, *, partial: bool = False, limit: int = RESCORE) -> list[int]:
        """Key ids sharing the most trigrams with `query`, best first (not yet re-scored)."""
        if not len(self.tri_codes):
            return []
        codes = [self.alphabet.code(t) for t in word_trigrams(query, partial=partial)]
        wanted = np.asarray([c for c in codes if c is not None], dtype=np.int64)
        if not len(wanted):
            return []
        where = np.searchsorted(self.tri_codes, wanted)
        inside = where < len(self.tri_codes)
        where, wanted = where[inside], wanted[inside]
        found = where[self.tri_codes[where] == wanted]
        if not len(found):
            return []
        starts, ends = self.tri_offsets[found], self.tri_offsets[found + 1]
        lengths = ends - starts
        order = np.argsort(lengths, kind="stable")
        chosen = [n for n in order if lengths[n] <= self._common]
        if len(chosen) < MIN_TRIGRAMS:
            chosen = list(order[: max(MIN_TRIGRAMS, len(chosen))])
        lists = [self.postings[starts[n] : ends[n]] for n in chosen]
        hits = np.concatenate(lists) if len(lists) > 1 else lists[0]
        counts = np.bincount(hits)
        best = int(counts.max())
        # Keep keys close to the best count; a typo costs up to three trigrams.
        floor = max(1, best - 6, (best + 1) // 2)
        ids = np.flatnonzero(counts >= floor)
        shared = counts[ids]
        if len(ids) > limit:
            # Most shared trigrams first; among equals the shorter key (fewer words
            # the query did not ask for), then the heavier.
            rank = shared * 4096.0 - self.key_trigrams[ids] + self.weights[ids] / 1e6
            keep = np.argpartition(-rank, limit - 1)[:limit]
            ids, shared = ids[keep], shared[keep]
        order = np.lexsort((self.key_trigrams[ids], -shared))
        return [int(i) for i in ids[order]]

    def search(
        self,
        query: str,
        *,
        partial: bool = False,
        limit: int = 10,
        cutoff: float = 60.0,
        rescore: int = RESCORE,
    ) -> list[tuple[int, float]]:
        """(key id, similarity) of the best fuzzy matches, best first."""
        scored = []
        keys = self.keys
        scorer = Scorer(query, partial=partial)
        for key_id in self.candidates(query, partial=partial, limit=rescore):
            score = scorer(keys[key_id])
            if score >= cutoff:
                scored.append((key_id, score))
        scored.sort(key=lambda pair: (-pair[1], -self.weights[pair[0]], pair[0]))
        return scored[:limit]
