"""Search benchmark corpora and query sets, built from the real catalogs in ../shared/data.

Base corpus (~157k films, 216k search keys): every row of wikidata_films, ggplot2movies (IMDb
titles such as "Matrix, The"), movielens_films ("Léon: The Professional (a.k.a. The
Professional) (Léon)": each a.k.a. and bracketed title becomes an alias) and tmdb_titles
(title plus original title in its own script). Rows of the catalogs that carry a year are
one film per (title, year); a TMDB row (no year) joins the one film of that title if there
is exactly one, else stands alone. Popularity is each catalog's own signal (RT reviews,
IMDb votes, MovieLens ratings, TMDB popularity) as a percentile, the best one kept.

Million-title corpus: the base films plus variants derived from their real titles, the
kind a big catalog is full of: sequels ("Title 2", "Title Part III", "Title II"), subtitled
follow-ups ("Title: <words of another real title>"), re-releases with an edition tag
("Title (Director's Cut)") and word recombinations of two real titles ("first half of
one + second half of another"). Each variant has a year near its source and a popularity
drawn from the real films' distribution (so targets get no head start). Variants never
repeat an existing key, so every base film's title stays a unique answer.

Queries (seeded, with known answers): typos (1 and 2 edits), dropped or inverted
articles, partial titles, reordered words, year hints that decide between films of the
same title, original titles (native script and transliterated) and prefixes for
autocomplete.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from anyascii import anyascii

from bot.text import fold, norm_title, uninvert

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "catalogs"
ARTICLES = ("The ", "A ", "An ")


@dataclass
class Film:
    id: int
    titles: list[str]
    year: int | None
    popularity: float  # 0..1
    source: str
    original: str | None = None  # a title in another language, when the catalog has one
    derived: bool = False
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    answer: int  # film id


def _percentiles(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    for rank, n in enumerate(order):
        result[n] = rank / max(1, len(values) - 1)
    return result


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _year(value: str) -> int | None:
    return int(value) if re.fullmatch(r"\d{4}", value or "") else None


_AKA = re.compile(r"\s*\((?:a\.k\.a\. )?([^()]+)\)")


def _movielens_titles(raw: str) -> list[str]:
    """'Léon: The Professional (a.k.a. The Professional) (Léon)' -> all three."""
    main = _AKA.sub("", raw).strip()
    return [main] + [m.strip() for m in _AKA.findall(raw) if m.strip() and m.strip() != main]


def load_base(folder: Path = SHARED) -> list[Film]:
    rows: list[tuple[str, list[str], int | None, float]] = []  # source, titles, year, signal
    with open(folder / "wikidata_films.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append(("wikidata", [r["Title"]], _year(r["Year"]), _float(r["RT_Reviews"])))
    with open(folder / "ggplot2movies.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append(("imdb", [r["title"]], _year(r["year"]), _float(r["votes"])))
    with open(folder / "movielens_films.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            titles = _movielens_titles(r["title"])
            rows.append(("movielens", titles, _year(r["year"]), _float(r["n_ratings"])))
    by_source: dict[str, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        by_source[row[0]].append(n)
    popularity = [0.0] * len(rows)
    for members in by_source.values():
        for n, p in zip(members, _percentiles([rows[m][3] for m in members]), strict=True):
            popularity[n] = p

    films: list[Film] = []
    by_key_year: dict[tuple[str, int | None], Film] = {}
    by_key: dict[str, list[Film]] = defaultdict(list)
    for (source, titles, year, _), pop in zip(rows, popularity, strict=True):
        key = norm_title(titles[0])
        if not key:
            continue
        film = by_key_year.get((key, year))
        if film is None:
            film = Film(len(films), [], year, 0.0, source)
            films.append(film)
            by_key_year[(key, year)] = film
            by_key[key].append(film)
        film.popularity = max(film.popularity, pop)
        for title in titles:
            if title not in film.titles:
                film.titles.append(title)
    tmdb: list[tuple[str, str, float]] = []
    with open(folder / "tmdb_titles.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            tmdb.append((r["title"], r["original_title"], _float(r["popularity"])))
    for (title, original, _), pop in zip(tmdb, _percentiles([t[2] for t in tmdb]), strict=True):
        key = norm_title(title)
        if not key:
            continue
        same = by_key.get(key, [])
        if len(same) == 1:
            film = same[0]
        else:
            film = Film(len(films), [title], None, 0.0, "tmdb")
            films.append(film)
            by_key[key].append(film)
        film.popularity = max(film.popularity, pop)
        if original and norm_title(original) != key:
            film.original = film.original or original
            if original not in film.titles:
                film.titles.append(original)
    for film in films:
        film.keys = {norm_title(t) for t in film.titles} - {""}
    return films


_ROMAN = ("II", "III", "IV", "V")
_TAGS = ("Director's Cut", "Extended Edition", "Remastered", "Unrated", "Special Edition")


def derive(base: list[Film], total: int, seed: int = 7) -> list[Film]:
    """`total` films: the base ones plus variants of their real titles (see module doc)."""
    rng = random.Random(seed)
    taken = {key for film in base for key in film.keys}
    films = list(base)
    pops = sorted(f.popularity for f in base)
    sources = [f for f in base if f.source != "tmdb" or f.titles[0].isascii()]
    attempts = 0
    while len(films) < total and attempts < total * 4:
        attempts += 1
        a = rng.choice(sources)
        title = uninvert(a.titles[0])  # 'The Reluctant Debutante 2', not '…, The 2'
        roll = rng.random()
        if roll < 0.25:
            new = f"{title} {rng.randint(2, 6)}"
        elif roll < 0.40:
            new = f"{title} Part {rng.choice(_ROMAN)}"
        elif roll < 0.50:
            new = f"{title} {rng.choice(_ROMAN)}"
        elif roll < 0.70:
            b_words = uninvert(rng.choice(sources).titles[0]).split()
            if len(b_words) < 2:
                continue
            new = f"{title}: {' '.join(b_words[: rng.randint(2, min(4, len(b_words)))])}"
        elif roll < 0.80:
            new = f"{title} ({rng.choice(_TAGS)})"
        else:
            a_words, b_words = title.split(), uninvert(rng.choice(sources).titles[0]).split()
            if len(a_words) < 2 or len(b_words) < 2:
                continue
            new = " ".join(a_words[: len(a_words) // 2] + b_words[len(b_words) // 2 :])
        key = norm_title(new)
        words = key.split()
        if not key or key in taken or any(a == b for a, b in itertools.pairwise(words)):
            continue
        taken.add(key)
        year = a.year + rng.randint(1, 12) if a.year else None
        popularity = rng.choice(pops)  # as popular as real films: no free lead for targets
        films.append(Film(len(films), [new], year, popularity, "derived", derived=True, keys={key}))
    return films


# -- queries -----------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SMALL_WORDS = set(
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
        "for",
        "with",
        "by",
        "from",
        "la",
        "le",
        "les",
        "de",
        "des",
        "du",
    ]
)


def typo(text: str, rng: random.Random) -> str:
    """One edit inside a word of at least four letters: insert, delete, substitute, swap."""
    spots = [m.span() for m in re.finditer(r"[A-Za-z]{4,}", text)]
    if not spots:
        return text
    start, end = rng.choice(spots)
    i = rng.randrange(start + 1, end)  # keep the first letter, as people mostly do
    kind = rng.choice(("insert", "delete", "substitute", "swap"))
    if kind == "insert":
        return text[:i] + rng.choice(_LETTERS) + text[i:]
    if kind == "delete":
        return text[:i] + text[i + 1 :]
    if kind == "substitute":
        return text[:i] + rng.choice(_LETTERS.replace(text[i].lower(), "")) + text[i + 1 :]
    if i + 1 < end:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def make_queries(films: list[Film], per_kind: int = 50, seed: int = 11) -> list[Query]:
    """A few hundred queries with known answers, answerable on both corpora."""
    rng = random.Random(seed)
    owners: dict[str, set[int]] = defaultdict(set)
    for film in films:
        for key in film.keys:
            owners[key].add(film.id)
    base = [f for f in films if not f.derived]

    def unique(film: Film) -> bool:
        return owners[norm_title(film.titles[0])] == {film.id}

    def free(text: str, film: Film) -> bool:
        """The query is not itself the exact title of another film."""
        return owners.get(norm_title(text), {film.id}) <= {film.id}

    ascii_titled = [f for f in base if f.titles[0].isascii() and unique(f)]
    known = ascii_titled  # targets of any popularity
    queries: list[Query] = []

    def pick(pool: list[Film], make, kind: str) -> None:
        made, tries = 0, 0
        while made < per_kind and tries < per_kind * 200:
            tries += 1
            film = rng.choice(pool)
            text = make(film)
            if text and free(text, film):
                queries.append(Query(text, kind, film.id))
                made += 1

    def typo1(f: Film) -> str | None:
        title = f.titles[0]
        if len(norm_title(title)) < 8:
            return None
        text = typo(title, rng)
        return text if text != title else None

    def typo2(f: Film) -> str | None:
        title = f.titles[0]
        if len(norm_title(title)) < 12:
            return None
        text = typo(typo(title, rng), rng)
        return text if norm_title(text) != norm_title(title) else None

    def article(f: Film) -> str | None:
        title = f.titles[0]
        for art in ARTICLES:
            if title.startswith(art) and len(title) > len(art) + 3:
                rest = title[len(art) :]
                return rest if rng.random() < 0.6 else f"{rest}, {art.strip()}"
        return None

    def partial(f: Film) -> str | None:
        """What people leave out: the small words, and maybe one more word past the first."""
        words = [w for w in re.split(r"[\s:,.!?]+", f.titles[0]) if w]
        content = [w for w in words if fold(w) not in _SMALL_WORDS and fold(w)]
        if len(words) < 3 or len(content) < 2:
            return None
        if len(content) >= 4 and rng.random() < 0.5:
            del content[rng.randrange(1, len(content))]
        if len(content) == len(words):
            return None
        text = " ".join(content).lower()
        return text if len(text) >= 8 else None

    def reorder(f: Film) -> str | None:
        words = f.titles[0].split()
        if not 2 <= len(words) <= 5 or len(set(words)) < len(words):
            return None
        shuffled = words[:]
        while shuffled == words:
            rng.shuffle(shuffled)
        return " ".join(shuffled)

    year_groups = [
        ids for ids in owners.values() if len(ids) > 1 and all(not films[i].derived for i in ids)
    ]
    year_targets = [
        films[i]
        for ids in year_groups
        for i in ids
        if films[i].year and films[i].titles[0].isascii()
        and sum(films[j].year == films[i].year for j in ids) == 1
    ]  # fmt: skip

    def with_year(f: Film) -> str | None:
        return f"{f.titles[0]} ({f.year})" if rng.random() < 0.5 else f"{f.titles[0]} {f.year}"

    originals = [
        f for f in base
        if f.original and owners[norm_title(f.original)] == {f.id} and unique(f)
    ]  # fmt: skip

    def original(f: Film) -> str | None:
        text = f.original or ""
        if not text.isascii() and rng.random() < 0.4:
            text = anyascii(text)  # typed in Latin letters
            if owners.get(norm_title(text), {f.id}) != {f.id}:
                return None
        return text

    pick(known, typo1, "typo1")
    pick(known, typo2, "typo2")
    pick(known, article, "article")
    pick(known, partial, "partial")
    pick(known, reorder, "reorder")
    pick(year_targets, with_year, "year")
    pick(originals, original, "original")

    # Beginnings: the first one to three words of a real title, as people type when they
    # stop early ('strangers on'). The answer is the best-known film whose title begins
    # so (on the corpus the queries are made for), and it must be a real one.
    sorted_keys = sorted(owners)

    def begun_by(key: str) -> set[int]:
        found: set[int] = set()
        n = bisect.bisect_left(sorted_keys, key)
        while n < len(sorted_keys) and sorted_keys[n].startswith(key):
            if sorted_keys[n] == key or sorted_keys[n].startswith(key + " "):
                found |= owners[sorted_keys[n]]
            n += 1
        return found

    def beginning(f: Film) -> str | None:
        words = uninvert(f.titles[0]).split()
        if len(words) < 2:
            return None
        text = " ".join(words[: rng.randint(1, min(3, len(words) - 1))]).lower()
        key = norm_title(text)
        if len(key.replace(" ", "")) < 4 or key in owners:
            return None  # too little typed, or itself a whole title
        rivals = begun_by(key)
        best = max(rivals, key=lambda i: (films[i].popularity, -i), default=None)
        return text if best == f.id else None

    pick(known, beginning, "beginning")
    return queries


def prefixes(films: list[Film], count: int = 200, seed: int = 13) -> list[Query]:
    """What people type into autocomplete: the first 3 to 12 letters of a known title."""
    rng = random.Random(seed)
    known = [f for f in films if not f.derived and f.titles[0].isascii() and len(f.titles[0]) >= 3]
    result = []
    while len(result) < count:
        film = rng.choice(known)
        title = film.titles[0]
        cut = rng.randint(3, min(12, len(title)))
        result.append(Query(title[:cut], "prefix", film.id))
    return result
