"""Title search: every title and alias of every film, answered in about a millisecond.

A `TitleIndex` maps search keys (see `title_keys`) to entries (film id, the title as
written, year, a popularity weight) and keeps a `FuzzyIndex` over the keys. `TitleSearch`
answers over a list of such indexes: the big one built (or loaded) at start-up plus a
small one of titles imported since, so imports show up at once without a rebuild.

Ranking: match quality first (exact key, then rapidfuzz similarity), adjusted by a year
hint, then the catalog's popularity as a small bonus that settles near-ties. The
decision rule follows RoboDanny's fuzzy lookup: answer when the top hit is exact or
clearly ahead, otherwise hand back the close candidates to choose from.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz

from bot.constants import SUGGESTION_LABEL_MAX, SUGGESTIONS_MAX
from bot.models import TitleEntry
from bot.search.fuzzy import LIGHT_WORDS as _LIGHT
from bot.search.fuzzy import RESCORE_COMPLETE, FuzzyIndex, StringTable, edit_similarity
from bot.text import fold, norm_title, typed_fractions, uninvert

# 2: keys made `canonical` (format characters dropped, look-alike letters unmixed).
FORMAT_VERSION = 3
# Queries are cut to this many characters before anything else happens: no title is
# longer, and a 10,000-character paste must cost no more than a title.
QUERY_MAX = 200
# Queries of at most this many words are also tried with two neighbouring words joined
# ('half blood prince' as Half-Blood); each join costs a fuzzy search.
JOINED_WORDS_MAX = 4
# A '3D' title this many years or more after its film is that film again (Top Gun 3D);
# sooner, a sequel shot so (Saw 3D, Step Up 3D).
RE_RELEASE_YEARS = 10
# 'Solaris (1972)', 'Solaris [1972]', 'solaris 1972', 'solaris, 1972'
_YEAR_HINT = re.compile(r"^(?P<title>.+?)[\s,]*[(\[]?(?P<year>(?:18[89]|19\d|20\d)\d)[)\]]?\s*$")
# Scores are 0-100. A fuzzy hit answers without asking when it scores at least
# CLEAR_SCORE and leads the next film by CLEAR_LEAD; hits under MIN_SCORE are dropped.
MIN_SCORE = 70.0
CLEAR_SCORE = 80.0
CLEAR_LEAD = 4.0
# How much the catalog's popularity (0-1) may add to a score: enough to order films of
# nearly equal match, never enough to beat a clearly better spelling.
POPULARITY_BONUS = 2.0
# A year hint adds this much to films of that year (or one off), takes this much off
# films of another year, and a little off films whose year the catalog does not know.
YEAR_MATCH, YEAR_NEAR, YEAR_MISS, YEAR_UNKNOWN = 6.0, 3.0, -15.0, -4.0
# A query that is a title's beginning, word by word ('strangers on' -> Strangers on a
# Train), scores just under an exact title, above any reordered or partial match; with
# its last word unfinished ('seven sam') it scores like a fair typo, since 'psyco' is
# more likely Psycho misspelt than the start of a longer word.
BEGINNING_SCORE, UNFINISHED_SCORE = 99.0, 88.0
# How many titles sharing a beginning are looked at (the best known first).
BEGINNINGS_MAX = 40
# Of several titles with that beginning, the best known answers without asking only when
# its popularity rank leads the next one's by this much (ranks are 0-1).
BEGINNING_LEAD = 0.5
# A title holding the query's words among others of its own answers only when this
# famous (a rank among the films whose fame is known): 'lebowski' is The Big Lebowski.
INSIDE_FAME = 0.8
# A typed word counts as one of a title's when this close to it (a typo of it).
WORD_MATCH = 75
# How many keys sharing the most trigrams with an exact title are checked for a famous
# film whose subtitle it is.
SUBTITLE_CANDIDATES = 40
# A sequel asked for by a number no title has ('alien 2'): the films after the first one
# count as the series when at least this share of its fame is theirs.
SERIES_FAME_SHARE = 0.5
# ...and no other title matches the whole query this well (a reordered title, a typo),
# or, for a one-word query, holds that word this well.
WHOLE_MATCH, LONE_WORD_RIVAL = 95.0, 85.0
# A fuzzy hit this good fits better than the start of an unfinished word.
UNFINISHED_RIVAL = 90.0
# A fuzzy hit this good (a one-letter typo of a title) rivals a beginning.
TYPO_RIVAL = 80.0
# 'godfather 2' is 'The Godfather Part II': sequel numbers as people type them.
_ROMAN = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x",
          "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"]  # fmt: skip
_NUMBER_NAMES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                 "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]  # fmt: skip
_ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
             "eighth", "ninth", "tenth"]  # fmt: skip
# The catalog's popularity below this says nothing of how well known a film is (a film
# only a yearly list names): such a film cannot be shown to be less known than another.
KNOWN_POPULARITY = 1.0
_PARTS = ("part", "pt", "chapter", "episode", "vol", "volume")
# What a subtitle follows: 'Sunrise: A Song of Two Humans', 'Metropolis – The Complete Cut'.
_SUBTITLED = re.compile(r"\s*(?::|\s[–—-])\s+")
# Words that make a title an edition of a film, not another film: 'Top Gun 3D'.
_EDITIONS = frozenset(
    ["3d", "imax", "redux", "remastered", "restored", "directors", "cut", "extended",
     "edition", "special", "final", "uncut", "version", "anniversary", "rerelease", "4k"]
)  # fmt: skip
_SEQUEL = re.compile(
    r"^(?P<base>.+?)\s+(?:(?:part|pt|chapter|episode|vol|volume)\s+)?"
    r"(?P<n>\d{1,2}|[ivx]{1,5}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)$"
)


@dataclass(frozen=True)
class Hit:
    film_id: int
    title: str  # the film's display title
    year: int | None
    score: float  # 0-100 match quality, after the year hint
    exact: bool
    matched: str = ""  # the title or alias that matched, when not the display title


@dataclass(frozen=True)
class LookupResult:
    query: str
    year_hint: int | None
    best: Hit | None  # set when one film is the clear answer
    candidates: tuple[Hit, ...]  # ranked; more than one without `best` means "ask"


@dataclass(frozen=True)
class Completion:
    film_id: int
    label: str  # "Title (Year)", at most 100 characters

    @property
    def value(self) -> str:
        return f"film:{self.film_id}"


def split_year_hint(query: str) -> tuple[str, int | None]:
    """('Solaris (1972)') -> ('Solaris', 1972); a query that is only a year is a title."""
    match = _YEAR_HINT.match(query.strip())
    if not match or not match["title"].strip(" ,([-"):
        return query.strip(), None
    return match["title"].strip(" ,([-"), int(match["year"])


def _loose(text: str) -> str:
    """Lower case without accents, punctuation kept: 'Sunrise: A Song…' keeps its colon."""
    bare = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in bare if not unicodedata.combining(c)).casefold().split())


def title_keys(title: str) -> list[str]:
    """The keys a title is found by: its folded form and, for other scripts, a Latin one.

    'Летят журавли' is found as itself and as 'letiat zhuravli'; 'Matrix, The' as 'matrix'.
    """
    key = norm_title(title)
    keys = [key] if key else []
    if key and not key.isascii():
        latin = norm_title(anyascii(title))
        if latin and latin != key:
            keys.append(latin)
    return keys


def query_key(text: str) -> str:
    """The key a query is looked up by (the first of `title_keys`)."""
    keys = title_keys(text[:QUERY_MAX])
    return keys[0] if keys else ""


def label(title: str, year: int | None, alias: str = "", limit: int = SUGGESTION_LABEL_MAX) -> str:
    """'Title (Year)', or 'Title (Year) · Alias' when an alias matched; cut to `limit`.

    The title is cut first (with '…'), the year always shows.
    """
    suffix = f" ({year})" if year else ""
    if alias and norm_title(alias) != norm_title(title):
        suffix += f" · {alias}"
        suffix = suffix if len(suffix) <= limit // 2 else suffix[: limit // 2 - 1] + "…"
    room = limit - len(suffix)
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return title + suffix


def _ranks(values: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Percentile ranks 0-1 of values within a sorted scale, so any popularity unit works."""
    if not len(values) or not len(scale):
        return np.zeros(len(values), dtype=np.float32)
    ranks = np.searchsorted(scale, values, side="left")
    return np.minimum(1.0, ranks / max(1, len(scale) - 1)).astype(np.float32)


class TitleIndex:
    """Keys -> entries, plus the fuzzy index over the keys."""

    _ARRAYS = ("offsets", "films", "years", "weights", "primary", "scale")

    def __init__(
        self,
        fuzzy: FuzzyIndex,
        offsets: np.ndarray,
        films: np.ndarray,
        years: np.ndarray,
        weights: np.ndarray,
        primary: np.ndarray,
        titles: StringTable,
        scale: np.ndarray,
    ) -> None:
        self.fuzzy = fuzzy
        self.offsets = offsets  # int64: entries of key k are offsets[k]:offsets[k + 1]
        self.films = films  # int64 film ids
        self.years = years  # int16, 0 when unknown
        self.weights = weights  # float32 popularity rank of the film, 0-1
        self.primary = primary  # int32: the entry holding the film's display title
        self.titles = titles  # each entry's title as written
        self.scale = scale  # float64: every film's raw popularity, sorted

    @property
    def size(self) -> int:
        return len(self.titles)

    @classmethod
    def build(cls, entries: Iterable[TitleEntry], scale: np.ndarray | None = None) -> TitleIndex:
        """Index the entries; popularity is ranked against `scale` (another index's
        films, so a small index of new titles ranks like the big one) or its own films."""
        keys, films, years, pops, titles, primary = [], [], [], [], [], []
        for entry in entries:
            title = " ".join(entry.title.split())  # one line, one space between words
            for key in title_keys(title) if title else ():
                keys.append(key)
                films.append(entry.film_id)
                years.append(entry.year or 0)
                pops.append(entry.popularity)
                titles.append(title)
                primary.append(entry.primary)
        if not keys:
            nothing = np.zeros(0, dtype=np.int64)
            return cls(
                FuzzyIndex.build([], []), np.zeros(1, np.int64), nothing,
                np.zeros(0, np.int16), np.zeros(0, np.float32), np.zeros(0, np.int32),
                StringTable.of([]), np.sort(np.asarray(scale if scale is not None else [],
                                                       dtype=np.float64)),
            )  # fmt: skip
        order = np.asarray(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
        keys = [keys[n] for n in order]
        film_ids = np.asarray(films, dtype=np.int64)[order]
        is_primary = np.asarray(primary, dtype=bool)[order]
        # Popularity is the film's: the best of its entries, as a percentile rank.
        unique_films, film_of = np.unique(film_ids, return_inverse=True)
        best = np.full(len(unique_films), -np.inf)
        np.maximum.at(best, film_of, np.asarray(pops, dtype=np.float64)[order])
        if scale is None:
            scale = np.sort(best)
        weights = _ranks(best, scale)[film_of]
        # The display title: the film's entry marked primary, else its first entry.
        by_film = np.lexsort((~is_primary, film_of))
        first = np.r_[True, film_of[by_film][1:] != film_of[by_film][:-1]]
        display = np.empty(len(unique_films), dtype=np.int32)
        display[film_of[by_film][first]] = by_film[first]
        starts = [n for n in range(len(keys)) if n == 0 or keys[n] != keys[n - 1]]
        offsets = np.asarray([*starts, len(keys)], dtype=np.int64)
        distinct = [keys[n] for n in starts]
        key_weights = np.maximum.reduceat(weights, offsets[:-1]) if starts else weights[:0]
        return cls(
            FuzzyIndex.build(distinct, key_weights),
            offsets,
            film_ids,
            np.asarray(years, dtype=np.int16)[order],
            weights,
            display[film_of],
            StringTable.of([titles[n] for n in order]),
            scale,
        )

    def save(self, folder: Path) -> None:
        self.fuzzy.save(folder)
        for name in self._ARRAYS:
            np.save(folder / f"entry_{name}.npy", getattr(self, name))
        self.titles.save(folder, "titles")
        (folder / "titles.json").write_text(json.dumps({"format": FORMAT_VERSION}))

    @classmethod
    def load(cls, folder: Path) -> TitleIndex:
        meta = json.loads((folder / "titles.json").read_text())
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"title index format {meta.get('format')} is not {FORMAT_VERSION}")
        fuzzy = FuzzyIndex.load(folder)
        arrays = {name: np.load(folder / f"entry_{name}.npy") for name in cls._ARRAYS}
        titles = StringTable.load(folder, "titles")
        entries, offsets = len(arrays["films"]), arrays["offsets"]
        if (
            len(titles) != entries
            or len(offsets) != len(fuzzy) + 1
            or (entries and (offsets[-1] != entries or arrays["primary"].max() >= entries))
        ):
            raise ValueError("title index files disagree")
        return cls(fuzzy, titles=titles, **arrays)

    def hits(self, key_id: int, score: float, exact: bool) -> list[tuple[Hit, float]]:
        """The entries of one key as hits, each with its film's popularity weight."""
        out = []
        for n in range(int(self.offsets[key_id]), int(self.offsets[key_id + 1])):
            year = int(self.years[n]) or None
            display = self.titles[int(self.primary[n])]
            matched = self.titles[n]
            hit = Hit(int(self.films[n]), display, year, score, exact,
                      "" if matched == display else matched)  # fmt: skip
            out.append((hit, float(self.weights[n])))
        return out


class TitleSearch:
    """Lookup and autocomplete over one or more `TitleIndex` parts (main + recent)."""

    def __init__(self, parts: Sequence[TitleIndex], superseded: Set[int] = frozenset()) -> None:
        """`superseded`: films re-indexed in the last part; earlier parts' entries for
        them are stale (an old year, a missing alias) and are ignored."""
        self.parts = list(parts)
        self.superseded = frozenset(superseded)

    def _hits(
        self, part: TitleIndex, key_id: int, score: float, exact: bool
    ) -> list[tuple[Hit, float]]:
        found = part.hits(key_id, score, exact)
        if self.superseded and part is not self.parts[-1]:
            found = [pair for pair in found if pair[0].film_id not in self.superseded]
        return found

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    # -- lookup ----------------------------------------------------------------------

    def lookup(self, query: str, *, limit: int = 10) -> LookupResult:
        query = typed_fractions(" ".join(query[:QUERY_MAX].split()))
        title, year = split_year_hint(query)
        interpretations = [(title, year)]
        if year is not None:
            # 'Blade Runner 2049' or '1984' may be the whole title, not a hint.
            interpretations.append((query, None))
        for text, hint in interpretations:
            result = self._exact(query, text, hint, limit)
            if result is not None:
                if hint is None and year is None:
                    return self._exact_or_beginning(query, text, result, limit)
                return result
        spellings = sequel_spellings(title)
        for text in spellings:
            result = self._exact(query, text, year, limit)
            if result is not None:
                return result
        for text in spellings:
            # 'star trek 2' begins 'Star Trek II: The Wrath of Khan'
            result = self._beginnings(
                query, query_key(text), year, [], unfinished=False, limit=limit
            )
            if result is not None:
                return result
        if spellings:
            result = self._series(query, title, year, limit)
            if result is not None:
                return result
        return self._fuzzy(query, title, year, limit)

    def _series(self, query: str, title: str, year: int | None, limit: int) -> LookupResult | None:
        """A sequel asked for by a number no title spelled that way carries ('alien 2' is
        Aliens, 'die hard 3' Die Hard with a Vengeance). The one title of the series that
        holds the number anywhere answers ('rambo 2' is Rambo: First Blood Part II).
        Otherwise the series is asked about: the first film (the title asked for without
        its number) and the films after it whose titles go on from that name, in order of
        release, the n-th of them first: a guess worth offering, never an answer. None
        when the catalog has no such series."""
        # 'x-men 2': the hyphen stays, so the key is X-Men's ('xmen')
        match = _SEQUEL.match(" ".join(title.casefold().split()))
        if match is None:
            return None
        typed, number = match["base"], match["n"]
        whole, partly = self._beginning_hits(query_key(typed))
        firsts = self._exact_hits(typed)
        # The series is named as its first film is written (the best known namesake):
        # 'alien' goes on as 'Aliens', not as 'The Alien Encounters'.
        first = max(firsts, key=lambda pair: pair[1], default=None)
        name = fold(uninvert(first[0].title)) if first else fold(typed)
        named = self._named_after(query_key(typed))
        found = [(h, w) for h, w in firsts + whole + partly + named if _series_member(name, h)]
        if len({h.film_id for h, _ in found}) < 2:
            return None
        ranked = _rank(found, year)
        numbered = [
            h
            for h in ranked
            if _numbers_kept(f"{query_key(typed)} {number}", query_key(h.matched or h.title))
        ]
        # 'Deathly Hallows – Part 2' beside its Part 1 is half of one film, not the
        # series' second
        numbered = [h for h in numbered if not self._has_first_part(h, number)]
        if len(numbered) == 1:
            return LookupResult(query, year, numbered[0], (numbered[0],))
        by_release = sorted(ranked, key=lambda h: (h.year or 9999, h.film_id))
        # Sequels come after the first film, and a famous film's sequels are known too:
        # earlier namesakes and obscure titles that merely share the name are offered
        # after the series (best matches first), not counted in the guess. Without a film
        # of the series' very name ('harry potter'), the best known one sets the bar.
        weights = self._weights(found)
        anchor = first or max(found, key=lambda pair: (weights[pair[0].film_id], -pair[0].film_id))
        least = SERIES_FAME_SHARE * self._fame(anchor[1])
        since = (first[0].year or 0) if first else 0

        def known(hit: Hit) -> bool:
            if hit.film_id == anchor[0].film_id:
                return True
            if (hit.year or 0) < since or _re_release(name, hit, since):
                return False  # 'Top Gun 3D' is Top Gun again
            return self._fame(weights[hit.film_id]) >= least

        counted = {h.film_id for h in by_release if known(h)}
        years = {h.year for h in by_release if h.film_id in counted}
        # A title that says it is a follow-up ('Top Gun: Maverick', 'The Lost World:
        # Jurassic Park') counts too unless the catalog knows it to be obscure, but not
        # as a second row of a film already counted, of its year and of unknown fame
        # ('Sorcerer's Stone' beside 'Philosopher's Stone').
        counted |= {
            h.film_id
            for h in by_release
            if weights[h.film_id] < self.known_rank
            and (h.year or 0) >= since
            and h.year not in years
            and not _re_release(name, h, since)
            and _goes_on_as_sequel(name, h)
        }
        series = [h for h in by_release if h.film_id in counted]
        by_release = series + [h for h in ranked if h not in series]
        n = _sequel_number(number)
        if n is not None and 0 < n <= len(series):
            guess = series[n - 1]
            # no guess that carries another number ('alien 4' is not Alien 3)
            if _numbers_kept(
                f"{query_key(typed)} {number}", query_key(guess.matched or guess.title)
            ) or not _numbered(query_key(guess.matched or guess.title)):
                by_release = [guess] + [h for h in by_release if h is not guess]
        return LookupResult(query, year, None, tuple(by_release[:limit]))

    def _named_after(self, needle: str) -> list[tuple[Hit, float]]:
        """Hits of titles that hold the query's words after words of their own ('The Lost
        World: Jurassic Park' for 'jurassic park'): from the keys sharing the most
        trigrams with it."""
        found: list[tuple[Hit, float]] = []
        for part in self.parts:
            for key_id in part.fuzzy.candidates(needle, limit=SUBTITLE_CANDIDATES):
                key = part.fuzzy.keys[key_id]
                if f" {needle}" in f" {key}"[1:]:
                    found.extend(self._hits(part, key_id, BEGINNING_SCORE, False))
        return found

    def _exact_or_beginning(
        self, query: str, title: str, exact: LookupResult, limit: int
    ) -> LookupResult:
        """An exact title, unless people who type it mostly mean a longer title that
        begins with it: 'the philadelphia' (the query's article is not the title's)
        is The Philadelphia Story before Philadelphia; 'in the mood' may be In the Mood
        for Love, far better known than In the Mood. Then it asks, the best known first."""
        needle = query_key(title)
        subtitled = self._famous_subtitle(title, exact, limit)
        if subtitled is not None:
            return subtitled
        begun = self._beginning_hits(needle)[0]
        if not begun or not exact.candidates:
            return exact
        literal = fold(uninvert(title))
        exact_ids = {h.film_id for h in exact.candidates}
        weights = self._weights(self._exact_hits(title) + begun)
        article_kept = [
            h for h, _ in begun if fold(uninvert(h.matched or h.title)).startswith(literal + " ")
        ]
        exact_alike = any(fold(uninvert(h.matched or h.title)) == literal for h in exact.candidates)
        exact_weight = max(weights[i] for i in exact_ids)
        top_exact = self._fame(exact_weight)
        better_known = [
            h
            for h, _ in begun
            # an exact title whose fame is unknown is never taken to be the less known
            if exact_weight >= self.known_rank
            and self._fame(weights[h.film_id]) >= top_exact + BEGINNING_LEAD
        ]
        # 'the philadelphia': the query has an article the exact title lacks
        had_article = literal.split()[:1] != needle.split()[:1]
        kept = article_kept if had_article and not exact_alike else []
        words = [w for w in needle.split() if w not in _LIGHT]
        if (
            not had_article
            and not exact_alike
            and exact_weight >= self.known_rank
            and len(words) > 1
        ):
            # 'portrait of a lady': the exact title has an article the query lacks (The
            # Portrait of a Lady), and a film about as well known is spelled just as typed
            # (Portrait of a Lady on Fire). Not for one word, which people type without
            # its article all the time, nor for what goes on as the series' next film
            # ('french connection': French Connection II).
            kept = [
                h
                for h in article_kept
                if weights[h.film_id] >= self.known_rank
                and top_exact - self._fame(weights[h.film_id]) < BEGINNING_LEAD
                and not _goes_on_as_sequel(literal, h)
            ]
        rivals = kept or better_known
        rivals = [h for h in rivals if h.film_id not in exact_ids]
        if not rivals:
            return exact
        chosen: dict[int, Hit] = {h.film_id: h for h in [*rivals, *exact.candidates]}
        ranked = sorted(chosen.values(), key=lambda h: (-weights[h.film_id], h.film_id))
        return LookupResult(query, None, None, tuple(ranked[:limit]))

    def _famous_subtitle(self, title: str, exact: LookupResult, limit: int) -> LookupResult | None:
        """An exact title whose fame the catalog does not know, when a famous film has
        those very words as its subtitle ('winter soldier': Winter Soldier (1972), or
        Captain America: The Winter Soldier?): it asks, the famous film first. None
        otherwise."""
        found = self._exact_hits(title)
        if not found or any(w >= self.known_rank for _, w in found):
            return None
        literal = norm_title(title)
        exact_ids = {h.film_id for h in exact.candidates}
        famous = []
        needle = query_key(title)
        for part in self.parts:
            # the trigram stage alone: a subtitle ends the key with the query's words
            for key_id in part.fuzzy.candidates(needle, limit=SUBTITLE_CANDIDATES):
                if not part.fuzzy.keys[key_id].endswith(" " + needle):
                    continue
                for hit, weight in self._hits(part, key_id, BEGINNING_SCORE, False):
                    subtitles = re.split(r"\s*(?::|\s[–—-])\s+", hit.matched or hit.title)[1:]
                    if (
                        hit.film_id not in exact_ids
                        and self._fame(weight) >= INSIDE_FAME
                        and any(norm_title(p) == literal for p in subtitles)
                    ):
                        famous.append(hit)
        if not famous:
            return None
        ranked = list({h.film_id: h for h in [*famous, *exact.candidates]}.values())
        return LookupResult(exact.query, None, None, tuple(ranked[:limit]))

    def _has_first_part(self, hit: Hit, number: str) -> bool:
        """Whether the catalog has the same title with 1 (or I, or One) where this one has
        the number: the title is one part of a film told in parts."""
        n = _sequel_number(number)
        key = query_key(hit.matched or hit.title)
        if n is None:
            return False
        forms = {str(n), _ROMAN[n] if n < len(_ROMAN) else ""} - {""}
        words = key.split()
        for i, word in enumerate(words):
            if word in forms:
                for first in ("1", "i", "one"):
                    sibling = " ".join([*words[:i], first, *words[i + 1 :]])
                    if any(part.fuzzy.find(sibling) is not None for part in self.parts):
                        return True
        return False

    @property
    def known_rank(self) -> float:
        """The popularity rank under which the catalog knows nothing of a film's fame."""
        if not self.parts or not len(self.parts[0].scale):
            return 0.0
        return float(_ranks(np.asarray([KNOWN_POPULARITY]), self.parts[0].scale)[0])

    def _fame(self, weight: float) -> float:
        """A popularity rank (0-1 among all films) as a rank among the films whose fame
        the catalog knows, 0 for the others: most bundled films come from lists that say
        nothing of it, and would squeeze the known ones into the top of the scale."""
        known = self.known_rank
        return max(0.0, (weight - known) / (1.0 - known)) if known < 1.0 else 0.0

    @staticmethod
    def _weights(found: list[tuple[Hit, float]]) -> dict[int, float]:
        weights: dict[int, float] = {}
        for hit, weight in found:
            weights[hit.film_id] = max(weight, weights.get(hit.film_id, 0.0))
        return weights

    def _beginning_hits(
        self, needle: str
    ) -> tuple[list[tuple[Hit, float]], list[tuple[Hit, float]]]:
        """Hits of the titles that begin with the query's words: (whole words, the last
        word unfinished)."""
        whole: list[tuple[Hit, float]] = []
        unfinished: list[tuple[Hit, float]] = []
        if len(needle.replace(" ", "")) < 3:
            return whole, unfinished
        for part in self.parts:
            for key_id in part.fuzzy.prefixed(needle, BEGINNINGS_MAX):
                key = part.fuzzy.keys[key_id]
                if key == needle:
                    continue  # the exact title: looked up before
                if key.startswith(needle + " "):
                    whole.extend(self._hits(part, key_id, BEGINNING_SCORE, False))
                else:
                    unfinished.extend(self._hits(part, key_id, UNFINISHED_SCORE, False))
        return whole, unfinished

    def _exact_hits(self, text: str) -> list[tuple[Hit, float]]:
        found = []
        for key in title_keys(text):
            for part in self.parts:
                key_id = part.fuzzy.find(key)
                if key_id is not None:
                    found.extend(self._hits(part, key_id, 100.0, True))
            if found:
                break
        return found

    def _exact(self, query: str, title: str, year: int | None, limit: int) -> LookupResult | None:
        found = self._exact_hits(title)
        if not found:
            return None
        # 'The Killers' means the two films called that, not also 'Killers' (2010).
        literal = fold(uninvert(title))
        spelled_alike = [
            (h, w) for h, w in found if fold(uninvert(h.matched or h.title)) == literal
        ]
        if spelled_alike:
            found = spelled_alike
        if year is not None:
            near = [(h, w) for h, w in found if h.year is not None and abs(h.year - year) <= 1]
            if not near:
                return None
            found = near
        ranked = _rank(found, year)
        if year is not None:
            same_year = [h for h in ranked if h.year == year]
            if len(same_year) == 1:
                return LookupResult(query, year, same_year[0], tuple(ranked[:limit]))
        best = ranked[0] if len(ranked) == 1 else None
        return LookupResult(query, year, best, tuple(ranked[:limit]))

    def _fuzzy(self, query: str, title: str, year: int | None, limit: int) -> LookupResult:
        needle = query_key(title)
        if not needle or len(needle.replace(" ", "")) < 2:
            return LookupResult(query, year, None, ())
        found: list[tuple[Hit, float]] = []
        for part in self.parts:
            for key_id, score in part.fuzzy.search(needle, limit=limit * 3, cutoff=MIN_SCORE - 10):
                found.extend(self._hits(part, key_id, score, False))
        respelt: list[str] = []
        if not any(h.score >= CLEAR_SCORE for h, _ in found):
            joined, respelt = self._joined(needle, limit)
            found += self._swapped(needle) + joined
        weights = self._weights(found)
        ranked = self._settled(
            title, [h for h in _rank(found, year) if h.score >= MIN_SCORE], weights
        )
        fame = {film: self._fame(w) for film, w in weights.items()}
        # 'scooby doo in' begins Scooby-Doo in Arabian Nights as its key writes it
        for spelling in [needle, *respelt]:
            beginning = self._beginnings(
                query, spelling, year, ranked, fame, limit=limit, typed=title
            )
            if beginning is not None:
                return beginning
        whole = query_key(query)
        if year is not None and whole != needle:
            # The number may belong to the title ('Universe Magic 2026', 'Tomorow 2049').
            also = []
            for part in self.parts:
                for key_id, score in part.fuzzy.search(whole, limit=limit, cutoff=MIN_SCORE):
                    also.extend(self._hits(part, key_id, score, False))
            weights.update((f, w) for f, w in self._weights(also).items() if f not in weights)
            ranked = self._settled(title, _merge(ranked, _rank(also, None)), weights)
        ranked = ranked[:limit]
        best = None
        if (
            ranked
            and ranked[0].score >= CLEAR_SCORE
            and (len(ranked) == 1 or ranked[0].score - ranked[1].score >= CLEAR_LEAD)
            and _covers(needle, query_key(ranked[0].matched or ranked[0].title))
            and _numbers_kept(needle, query_key(ranked[0].matched or ranked[0].title))
            and not _asks_beyond(needle, ranked[0])
            and (
                not _inside_longer(needle, query_key(ranked[0].matched or ranked[0].title))
                # 'lebowski' is The Big Lebowski; 'metropolis' is not Leaving Metropolis:
                # a title holding the word answers only when it is a famous one
                or fame.get(ranked[0].film_id, 0.0) >= INSIDE_FAME
            )
        ):
            best = ranked[0]
        return LookupResult(query, year, best, tuple(ranked))

    def _settled(self, typed: str, ranked: list[Hit], weights: dict[int, float]) -> list[Hit]:
        """Hits of nearly equal match (within CLEAR_LEAD of the best) in the order people
        mean them, the others after. A title that begins with the article the query typed
        comes first ('the dark night': The Dark Knight before So Dark the Night); of
        titles sharing one key, the one spelled as typed ('arival': Arrival before The
        Arrival, as 'arrival' answers Arrival); and a far better known film comes before
        those it leads by BEGINNING_LEAD (never before one whose fame is unknown)."""
        if len(ranked) < 2:
            return ranked
        top = max(h.score for h in ranked)
        near = [h for h in ranked if h.score >= top - CLEAR_LEAD]
        if len(near) < 2:
            return ranked
        typed_article = _article(typed)
        first_of: dict[str, int] = {}
        for n, hit in enumerate(near):
            first_of.setdefault(query_key(hit.matched or hit.title), n)

        def order(pair: tuple[int, Hit]) -> tuple[int, bool, int]:
            n, hit = pair
            article = _article(hit.matched or hit.title)
            if typed_article:
                return (0, article != typed_article, n)
            return (first_of[query_key(hit.matched or hit.title)], article != "", n)

        ordered: list[Hit] = []
        for _, hit in sorted(enumerate(near), key=order):
            at = len(ordered)
            while at and self._far_better_known(hit, ordered[at - 1], weights):
                at -= 1
            ordered.insert(at, hit)
        return ordered + [h for h in ranked if h not in near]

    def _far_better_known(self, hit: Hit, other: Hit, weights: dict[int, float]) -> bool:
        """Whether the catalog knows `hit` to be far better known than `other`."""
        theirs = weights.get(other.film_id, 0.0)
        return theirs >= self.known_rank and (
            self._fame(weights.get(hit.film_id, 0.0)) - self._fame(theirs) >= BEGINNING_LEAD
        )

    def _joined(self, needle: str, limit: int) -> tuple[list[tuple[Hit, float]], list[str]]:
        """Titles that write two of the query's words as one ('half blood prince' is the
        Half-Blood Prince, keyed 'halfblood'): each pair of neighbouring words joined, for
        titles that have the joined word as it is, scored no better than that spelling is
        like the query. Also the spellings that found such titles."""
        words = needle.split()
        found: list[tuple[Hit, float]] = []
        spellings: list[str] = []
        if len(words) > JOINED_WORDS_MAX:
            # a fuzzy search per pair: a long sentence would cost one per word
            return found, spellings
        for n in range(len(words) - 1):
            a, b = words[n], words[n + 1]
            if not (a.isalpha() and b.isalpha()) or a in _LIGHT or b in _LIGHT:
                continue
            variant = " ".join([*words[:n], a + b, *words[n + 2 :]])
            most = edit_similarity(needle, variant)
            for part in self.parts:
                for key_id, score in part.fuzzy.search(variant, limit=limit, cutoff=MIN_SCORE):
                    # the title has the joined word itself: one slip, not two
                    if a + b in part.fuzzy.keys[key_id].split():
                        found.extend(self._hits(part, key_id, min(score, most), False))
                        spellings.append(variant)
        return found, list(dict.fromkeys(spellings))

    def _swapped(self, needle: str) -> list[tuple[Hit, float]]:
        """Titles one swap of neighbouring letters away ('matirx' is Matrix): the
        trigram stage misses them in short words, where a swap breaks most trigrams."""
        found: list[tuple[Hit, float]] = []
        for n in range(len(needle) - 1):
            a, b = needle[n], needle[n + 1]
            if a == b or " " in (a, b) or a.isdigit() or b.isdigit():
                continue  # '2001' is not a slip for '2010'

            variant = needle[:n] + b + a + needle[n + 2 :]
            for part in self.parts:
                key_id = part.fuzzy.find(variant)
                if key_id is not None:
                    score = edit_similarity(needle, variant)
                    found.extend(self._hits(part, key_id, score, False))
        return found

    def _beginnings(
        self,
        query: str,
        needle: str,
        year: int | None,
        fuzzy: list[Hit],
        fame: dict[int, float] | None = None,
        *,
        unfinished: bool = True,
        limit: int = 10,
        typed: str = "",
    ) -> LookupResult | None:
        """The answer when the query is the beginning of titles, word by word: those
        titles first (the best known first), then the other fuzzy hits. None when no
        title begins so. The last word may be unfinished ('seven sam'), unless a title
        matches the whole query well (a typo: 'psyco' is Psycho). `typed`: the title as
        typed, whose article (if any) puts the titles that begin with it first."""
        if len(needle.replace(" ", "")) < 3:
            return None
        whole, partly = self._beginning_hits(needle)
        fame = fame or {}
        # An unfinished number is no beginning: 'godzilla 2' is not 'Godzilla 2000'.
        if needle.split()[-1].isdecimal():
            partly = []
        chosen, base = whole, BEGINNING_SCORE
        if not chosen and unfinished:
            chosen, base = partly, UNFINISHED_SCORE
        if not chosen:
            return None
        weight = self._weights(chosen)
        top_fame = max(self._fame(w) for w in weight.values())
        others = [h for h in fuzzy if h.film_id not in weight]
        # A typo of a better known title ('interstella' is Interstellar, 'psyco' Psycho)
        # is likelier than the start of a less known one.
        # Letters typed past a shorter title are no slip of it, when a title goes on with
        # them word for word: 'guess who's' begins Guess Who's Coming to Dinner, and is
        # not Guess Who with an 's' too many.
        typo_of_better = [
            h
            for h in others
            if fame.get(h.film_id, 0.0) > top_fame
            and edit_similarity(needle, query_key(h.matched or h.title)) >= TYPO_RIVAL
            and not (base == BEGINNING_SCORE and needle.startswith(query_key(h.matched or h.title)))
        ]
        if typo_of_better:
            return None  # ranked as any misspelling is
        if base == UNFINISHED_SCORE and others and others[0].score >= UNFINISHED_RIVAL:
            return None  # a title that fits better than a word's start ('my sleep')
        # One word says little: 'samurai' begins Samurai Rebellion but is also the heart
        # of Seven Samurai, so a title holding it elsewhere keeps the question open.
        rival_score = WHOLE_MATCH if " " in needle else LONE_WORD_RIVAL
        strong_other = bool(others) and others[0].score >= rival_score
        if " " not in needle and (others or len(weight) > 1):
            strong_other = True  # one word answers directly only when nothing else fits
        ranked = [h for h in _rank(chosen, year) if h.score >= MIN_SCORE]
        if not ranked:
            return None
        if typed and _article(typed):
            # 'the florida': the title that begins with the article typed ('The Florida
            # Project') before those whose key merely begins so (A Florida Enchantment)
            literal = fold(uninvert(typed))
            ranked.sort(key=lambda h: not _written(h).startswith(literal))
        taken = {h.film_id for h in ranked}
        ranked += [h for h in fuzzy if h.film_id not in taken]
        top = ranked[0]
        rivals = [h for h in ranked[1:] if h.film_id in weight]
        close = rivals and rivals[0].score >= top.score - CLEAR_LEAD
        clear = (
            top.film_id in weight
            and top.score >= base - 1  # not a beginning of another year
            # three unfinished letters ('apu') say too little to answer on
            and (base == BEGINNING_SCORE or len(needle.replace(" ", "")) >= 5)
            and not strong_other
            and (
                not close
                or (
                    self._fame(weight[top.film_id]) - self._fame(weight[rivals[0].film_id])
                    >= BEGINNING_LEAD
                    # a film the catalog knows nothing of may be the famous one
                    and weight[rivals[0].film_id] >= self.known_rank
                    # namesakes ('The Gold Rush' of 1925 and 1942) need a year
                    and fold(rivals[0].title) != fold(top.title)
                )
            )
        )
        return LookupResult(query, year, top if clear else None, tuple(ranked[:limit]))

    # -- autocomplete ----------------------------------------------------------------

    def headed(self, title: str, *, limit: int = 40) -> list[Hit]:
        """Films whose title (or another name) is `title` and a subtitle after it:
        'Sunrise' -> 'Sunrise: A Song of Two Humans', 'Metropolis' -> 'Metropolis – The
        Complete Cut'. Exact hits, scored 100; the caller weighs them (a page that names a
        film by its short title)."""
        key = query_key(title)
        head = _loose(title)
        if not key or not head:
            return []
        found: dict[int, Hit] = {}
        for part in self.parts:
            for key_id in part.fuzzy.prefixed(key + " ", limit):
                for hit, _weight in self._hits(part, key_id, 100.0, True):
                    written = _loose(hit.matched or hit.title)
                    rest = written[len(head) :] if written.startswith(head) else ""
                    if re.match(r"\s*(?::|[-–—]\s)", rest):
                        found.setdefault(hit.film_id, hit)
        return list(found.values())

    def complete(self, text: str, *, limit: int = SUGGESTIONS_MAX) -> list[Completion]:
        """Up to `limit` films for what has been typed so far.

        The exact title first, then titles that start with what was typed (those spelled
        as typed, article included, before the others; then by popularity), then fuzzy
        matches with the last word taken as unfinished. 'solaris 1972' puts the 1972 film
        first; 'blade runner 2049' still finds the film whose title has the number.
        """
        text = " ".join(text[:QUERY_MAX].split())
        key = query_key(text)
        if not key:
            # Nothing typed yet: the best-known films. Punctuation or emoji: nothing.
            return [] if text else self._complete("", text, None, limit)
        title, year = split_year_hint(text)
        found = self._complete(query_key(title), title, year, limit) if year else []
        seen = {c.film_id for c in found}
        for completion in self._complete(key, text, None, limit):
            if len(found) >= limit:
                break
            if completion.film_id not in seen:
                seen.add(completion.film_id)
                found.append(completion)
        return found[:limit]

    def _complete(self, key: str, typed: str, year: int | None, limit: int) -> list[Completion]:
        chosen: dict[int, Completion] = {}

        def add(hits: Iterable[Hit]) -> None:
            for hit in hits:
                if len(chosen) >= limit:
                    return
                if hit.film_id not in chosen and (year is None or _near(hit.year, year)):
                    chosen[hit.film_id] = Completion(
                        hit.film_id, label(hit.title, hit.year, hit.matched)
                    )

        if not key and typed:
            return []
        literal = fold(typed)
        prefixed = [
            pair
            for part in self.parts
            for key_id in part.fuzzy.prefixed(key, limit * 4)
            for pair in self._hits(part, key_id, 100.0, False)
        ]

        def order(pair: tuple[Hit, float]) -> tuple[bool, bool, float]:
            hit, weight = pair
            written = fold(uninvert(hit.matched or hit.title))
            return (written != literal, not written.startswith(literal), -weight)

        add(hit for hit, _ in sorted(prefixed, key=order))
        if len(chosen) < limit and len(key.replace(" ", "")) >= 3:
            found = []
            for part in self.parts:
                for key_id, score in part.fuzzy.search(
                    key, partial=True, limit=limit, cutoff=MIN_SCORE, rescore=RESCORE_COMPLETE
                ):
                    found.extend(self._hits(part, key_id, score, False))
            add(_rank(found, year))
        return list(chosen.values())


def sequel_spellings(title: str) -> list[str]:
    """Other ways to write a numbered title: 'godfather 2' -> 'godfather part ii',
    'godfather ii', 'godfather part 2', 'godfather part two', ...; [] for no number."""
    key = query_key(title)
    match = _SEQUEL.match(key)
    if not match:
        return []
    base, n = match["base"], _sequel_number(match["n"])
    if n is None:
        return []  # 'xxx' is a title (xXx), not a numeral
    if not 2 <= n < len(_ROMAN):
        return []
    numbers = [str(n), _ROMAN[n]] + ([_NUMBER_NAMES[n]] if n < len(_NUMBER_NAMES) else [])
    spellings = [
        f"{base} {joint}{number}"
        for joint in ("", "part ", "chapter ", "episode ")
        for number in numbers
    ]
    if n < len(_ORDINALS):  # 'Shrek the Third'
        spellings += [f"{base} the {_ORDINALS[n]}", f"{base} {_ORDINALS[n]}"]
    return [s for s in dict.fromkeys(spellings) if s != key]


def _sequel_number(number: str) -> int | None:
    """'2', 'ii' or 'two' as 2; None for what is no numeral."""
    if number.isdecimal() and number.isascii():
        return int(number)
    if number in _ROMAN:
        return _ROMAN.index(number)
    if number in _NUMBER_NAMES:
        return _NUMBER_NAMES.index(number)
    return None


def _series_member(name: str, hit: Hit) -> bool:
    """Whether a title, as written, is the series' name, the name and more words, or the
    name in the plural ('Aliens' after 'Alien'); not a word the keys drop ('Die Hard' is
    no 'Hard Boiled')."""
    for title in (hit.matched, hit.title):
        written = fold(uninvert(title)) if title else ""
        rest = written[len(name) :] if written.startswith(name) else None
        if rest is not None and (rest[:1] in ("", " ") or rest in ("s", "es")):
            return True
        if _subtitle_named(name, title):
            return True
    return False


def _subtitle_named(name: str, title: str) -> bool:
    """Whether a part of the title after a colon or a dash is the series' name: 'The Lost
    World: Jurassic Park'."""
    return any(fold(uninvert(p)) == name for p in _SUBTITLED.split(title or "")[1:])


def _re_release(name: str, hit: Hit, first_year: int = 0) -> bool:
    """Whether the title is the series' name and an edition's words ('Top Gun 3D',
    'Apocalypse Now Redux', 'Blade Runner: The Final Cut'): the same film again, no
    sequel. A 3D or IMAX title within RE_RELEASE_YEARS of the first film is a sequel
    made so ('Saw 3D', 'Step Up 3D'); a re-release comes years later (Top Gun 3D)."""
    for title in (hit.matched, hit.title):
        written = fold(uninvert(title)) if title else ""
        rest = set(written[len(name) :].split()) - _LIGHT
        if written.startswith(name + " ") and rest and rest <= _EDITIONS:
            soon = bool(first_year and hit.year and hit.year - first_year < RE_RELEASE_YEARS)
            return not (rest <= {"3d", "imax"} and soon)
    return False


def _written(hit: Hit) -> str:
    """The title (or the name that matched) as written, folded: 'Matrix, The' is 'the
    matrix', its article kept."""
    return fold(uninvert(hit.matched or hit.title))


def _article(text: str) -> str:
    """The article a title or query begins with ('the', 'a', 'la', ...), else ''."""
    words = fold(uninvert(text)).split()
    if len(words) > 1 and norm_title(" ".join(words)) == norm_title(" ".join(words[1:])):
        return words[0]
    return ""


def _goes_on_as_sequel(literal: str, hit: Hit) -> bool:
    """Whether a title says it follows the one written `literal`: a number after that
    title ('Blues Brothers 2000', 'French Connection II'), a subtitle after a colon or a
    dash ('Exorcist: The Beginning'), or that title as its own subtitle ('The Lost World:
    Jurassic Park')."""
    for name in (hit.matched, hit.title):
        if not name:
            continue
        if fold(uninvert(_SUBTITLED.split(name)[0])) == literal or _subtitle_named(literal, name):
            return True
        written = fold(uninvert(name))
        rest = written[len(literal) :].split() if written.startswith(literal + " ") else []
        if rest and (rest[0] in _PARTS or rest[0].isdecimal() or _sequel_number(rest[0])):
            return True
    return False


def _begins(needle: str, hit: Hit) -> bool:
    """Whether the hit's title (or the name that matched) begins with the query."""
    return any(
        key.startswith(needle) for key in (query_key(hit.matched), query_key(hit.title)) if key
    )


def _inside_longer(needle: str, title: str) -> bool:
    """Whether the title holds the query and words of its own beyond it ('metropolis' in
    Leaving Metropolis): then the catalog may simply lack the film asked for. Small words
    and numbers do not count ('cranes flying' is The Cranes Are Flying); neither does a
    whole-title typo."""
    if fuzz.ratio(needle, title) >= 90:
        return False
    asked = needle.split()
    extra = [
        word
        for word in title.split()
        if word not in _LIGHT and not word.isdigit() and word not in _ROMAN
        and not any(fuzz.ratio(word, q) >= 75 for q in asked)
    ]  # fmt: skip
    return bool(extra)


def _asks_beyond(needle: str, hit: Hit) -> bool:
    """Whether the query has words the (shorter) title lacks altogether: 'spirited aw'
    goes on past Spirited, so the film asked for may be one the catalog lacks. The title
    is read as keyed and as written ('spider man' is Spider-Man, keyed 'spiderman')."""
    asked = needle.split()
    for name in (hit.matched, hit.title):
        if not name:
            continue
        for have in (query_key(name).split(), fold(uninvert(name)).split()):
            if len(asked) <= len(have) or not any(
                word not in _LIGHT
                and not any(fuzz.ratio(word, h) >= WORD_MATCH or h.startswith(word) for h in have)
                for word in asked
            ):
                return False
    return True


def _numbered(title: str) -> bool:
    """Whether a title key carries a sequel number after its first word ('alien 3')."""
    return any(
        (w.isdecimal() and w.isascii() and len(w) <= 2) or (w in _ROMAN and len(w) > 1)
        for w in title.split()[1:]
    )


def _numbers_kept(needle: str, title: str) -> bool:
    """A number in the query (a sequel's, a year in the title) is in the title too, as
    digits or in roman numerals: 'godfather 4' is not The Godfather."""
    wanted = [
        w for w in needle.split() if (w.isdecimal() and w.isascii()) or (w in _ROMAN and len(w) > 1)
    ]
    if not wanted:
        return True
    have = set(title.split())
    for word in wanted:
        n = int(word) if word.isdecimal() else _ROMAN.index(word)
        forms = {word, str(n)} | ({_ROMAN[n]} if 0 < n < len(_ROMAN) else set())
        if not forms & have:
            return False
    return True


def _near(found: int | None, hinted: int) -> bool:
    return found is not None and abs(found - hinted) <= 1


def _merge(first: list[Hit], second: list[Hit]) -> list[Hit]:
    """Two rankings as one, by score; a film keeps its better hit."""
    best: dict[int, Hit] = {}
    for hit in [*first, *second]:
        if hit.film_id not in best or hit.score > best[hit.film_id].score:
            best[hit.film_id] = hit
    position = {id(h): n for n, h in enumerate([*first, *second])}
    return sorted(best.values(), key=lambda h: (-h.score, position[id(h)]))


def _rank(found: list[tuple[Hit, float]], year: int | None) -> list[Hit]:
    """Best hit per film, by score (year-adjusted) plus popularity, then film id."""
    best: dict[int, tuple[float, Hit]] = {}
    for hit, weight in found:
        score = hit.score
        if year is not None:
            if hit.year == year:
                score += YEAR_MATCH
            elif _near(hit.year, year):
                score += YEAR_NEAR
            elif hit.year is None:
                score += YEAR_UNKNOWN
            else:
                score += YEAR_MISS
            if score != hit.score:
                shown = max(0.0, min(score, 100.0))
                hit = Hit(hit.film_id, hit.title, hit.year, shown, hit.exact, hit.matched)
        key = score + POPULARITY_BONUS * weight
        if hit.film_id not in best or key > best[hit.film_id][0]:
            best[hit.film_id] = (key, hit)
    ordered = sorted(best.values(), key=lambda pair: (-pair[0], pair[1].film_id))
    return [hit for _, hit in ordered]


def _covers(needle: str, title: str) -> bool:
    """Whether a fuzzy hit may answer without asking.

    A near-exact spelling may ('cranes are flyng'). A word-set match must share most
    words both ways: 'cranes flying' may answer with The Cranes Are Flying, but '1972'
    must not answer with Dracula A.D. 1972, nor 'my favourite ran' with Ran.
    """
    if fuzz.ratio(needle, title) >= CLEAR_SCORE:
        return True
    query_words, title_words = needle.split(), title.split()
    found = sum(any(fuzz.ratio(q, t) >= 75 for t in title_words) for q in query_words)
    asked = sum(any(fuzz.ratio(q, t) >= 75 for q in query_words) for t in title_words)
    return found / len(query_words) >= 0.8 and asked / len(title_words) >= 0.5
