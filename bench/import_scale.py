"""Benchmark: `filmbot catalog import-imdb` and `import-wikidata` at the scale of IMDb.

    .venv/bin/python bench/import_scale.py                    # 700,000 films, baseline 70,000
    .venv/bin/python bench/import_scale.py --films 50000 --no-search-bench --keep

What it does, in a temporary folder outside the repository (deleted at the end unless
`--keep`):

1. **Generates the files** from the real catalogs in ../shared/data/catalogs, in IMDb's
   documented formats (title.basics, title.akas, title.crew, title.principals,
   title.ratings, name.basics; .tsv.gz, tab-separated, `\\N` for nothing) and a Wikidata
   query result (SPARQL JSON, the GROUP_CONCAT form of docs/wikidata-query.md):
   - the real films first: Wikidata's (with their real IMDb ids and Wikidata items),
     the Cannes list's (real IMDb ids, original titles), Wikipedia's American films and
     ggplot2movies' IMDb-derived titles (its shorts as `short` rows), one film per title
     and year, with their real directors, writers, cast, runtimes, genres and votes; the
     original titles of TMDB and the MovieLens a.k.a. titles as akas;
   - then variants of those real films until there are `--films` of them: sequels
     ("Title 2", "Title Part III"), subtitled follow-ups ("Title: words of another real
     title"), recombinations of two real titles; a year after their model, the model's
     director or another real one or a new person, part of its cast and new people
     (a real first name with a real surname, so namesakes with other ids occur), votes
     drawn from the real films' spread, an aka in another language for some;
   - one title in seven also has a TV episode (with its own principals), which the
     import must skip; ids are made-up (tt9…, nm9…, Q9…) except the real ones;
   - the baseline set is every tenth film of the same sequence (with the people it
     uses); the Wikidata result every seventh film, most with their IMDb id.
2. **Builds the bundled catalog** (`filmbot catalog`, a baseline of its own), then on
   fresh copies of it imports the baseline set and the full set, each in a child process
   whose wall time and peak RSS (`os.wait4`) are measured; then the Wikidata result into
   the full catalog, and the full set again (nothing to do).
3. **Checks search on the imported catalog**: `filmbot search --batch` with typo'd real
   titles builds the title index from the database (timed, its RSS), then loads it saved;
   the lookups' own timings give p50/p99; and runs `bench/search.py --corpus million
   --baseline-sample 100` (its 1M-title targets) as docs/benchmarks.md describes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import typo

from bot.text import norm_title, split_cast, split_names, uninvert

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "catalogs"
TARGET_SECONDS = 300.0
TARGET_RSS_MIB = 2048.0
N = "\\N"

# --- the real films ------------------------------------------------------------------------


@dataclass
class Film:
    title: str
    year: int
    runtime: int | None = None
    genres: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    cast: list[str] = field(default_factory=list)
    imdb: str | None = None
    qid: str | None = None
    original: str | None = None
    akas: list[str] = field(default_factory=list)
    votes: int | None = None
    kind: str = "movie"


def _int(value: str) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        return None


_GGPLOT_GENRES = ("Action", "Animation", "Comedy", "Drama", "Documentary", "Romance")


def load_real(folder: Path = SHARED) -> list[Film]:
    """One film per folded title and year from the real catalogs (see the module's text)."""
    films: list[Film] = []
    by_imdb: dict[str, Film] = {}
    by_key: dict[tuple[str, int], Film] = {}

    def add(film: Film) -> Film:
        key = (norm_title(film.title), film.year)
        known = (by_imdb.get(film.imdb) if film.imdb else None) or by_key.get(key)
        if known is not None:
            for name in ("runtime", "imdb", "qid", "original", "votes"):
                if getattr(known, name) is None:
                    setattr(known, name, getattr(film, name))
            for name in ("genres", "directors", "writers", "cast", "akas"):
                if not getattr(known, name):
                    setattr(known, name, getattr(film, name))
            return known
        films.append(film)
        by_key[key] = film
        if film.imdb:
            by_imdb[film.imdb] = film
        return film

    with open(folder / "wikidata_films.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            year = _int(r["Year"])
            if not year or not r["Title"].strip():
                continue
            add(
                Film(
                    r["Title"].strip(),
                    year,
                    _int(r["Runtime"]),
                    [g.strip() for g in r["Genre"].split(",") if g.strip()],
                    split_names(r["Director"]),
                    split_names(r["Writer"]),
                    split_cast(r["Cast"]),
                    r["imdbID"].strip() or None,
                    f"Q{r['ID']}",
                )
            )
    with open(folder / "cannes_films.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            film = add(
                Film(
                    r["title"].strip(),
                    int(r["festival_year"]),
                    _int(r["runtime_min"]),
                    directors=[d.strip() for d in r["directors"].split(";") if d.strip()],
                    imdb=r["imdb_id"].strip() or None,
                    original=r["original_title"].strip() or None,
                )
            )
            if r["original_title"].strip() and film.original is None:
                film.original = r["original_title"].strip()
    with open(folder / "wikipedia_us_films.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            year = _int(r["year"])
            if not year or not r["title"].strip():
                continue
            add(
                Film(
                    r["title"].strip(),
                    year,
                    genres=[g.strip().title() for g in r["genres"].split(";") if g.strip()],
                    directors=[d.strip() for d in r["directors_heuristic"].split(";") if d.strip()],
                    cast=[c.strip() for c in r["cast"].split(";") if c.strip()],
                )
            )
    with open(folder / "ggplot2movies.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            year = _int(r["year"])
            if not year or not r["title"].strip():
                continue
            add(
                Film(
                    uninvert(r["title"].strip()),
                    year,
                    _int(r["length"]),
                    [g for g in _GGPLOT_GENRES if r[g] == "1"],
                    votes=_int(r["votes"]),
                    kind="short" if r["Short"] == "1" else "movie",
                )
            )
    first_of: dict[str, Film] = {}
    for film in films:
        first_of.setdefault(norm_title(film.title), film)
    with open(folder / "tmdb_titles.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            film = first_of.get(norm_title(r["title"]))
            original = r["original_title"].strip()
            if film and original and norm_title(original) != norm_title(film.title):
                if film.original is None:
                    film.original = original
                elif original not in film.akas:
                    film.akas.append(original)
    aka = re.compile(r"\s*\((?:a\.k\.a\. )?([^()]+)\)")
    with open(folder / "movielens_films.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            main = aka.sub("", r["title"]).strip()
            film = first_of.get(norm_title(main))
            if film is not None:
                for other in aka.findall(r["title"]):
                    if other.strip() and other.strip() not in film.akas:
                        film.akas.append(other.strip())
    return films


# --- the generated sequence ------------------------------------------------------------------

_ROMAN = ("II", "III", "IV", "V", "VI")


class People:
    """Made-up ids for the real names, and new people made of real name parts."""

    def __init__(self, rng: random.Random, films: list[Film]) -> None:
        self.rng = rng
        self.ids: dict[str, str] = {}
        self.names: list[str] = []  # index -> name (the id is nm9 + index)
        names = sorted({n for f in films for n in (*f.directors, *f.writers, *f.cast) if n})
        for name in names:
            self.id_of(name)
        parts = [n.split() for n in names if len(n.split()) >= 2]
        self.firsts = [p[0] for p in parts]
        self.lasts = [p[-1] for p in parts]
        self.made: list[str] = []  # ids of made-up people, for reuse

    def id_of(self, name: str) -> str:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = f"nm9{len(self.names):08d}"
            self.names.append(name)
        return found

    def new(self) -> str:
        """A made-up person (40% of the time one made before, as people make many films)."""
        if self.made and self.rng.random() < 0.4:
            return self.rng.choice(self.made)
        name = f"{self.rng.choice(self.firsts)} {self.rng.choice(self.lasts)}"
        person = f"nm9{len(self.names):08d}"  # namesakes get ids of their own
        self.names.append(name)
        self.made.append(person)
        return person

    def name(self, person: str) -> str:
        return self.names[int(person[3:])]


def variants(real: list[Film], total: int, rng: random.Random) -> Iterator[Film]:
    """The real films, then variants of them until `total` (see the module's text)."""
    yield from real[:total]
    models = [f for f in real if f.kind == "movie"]
    for _ in range(total - min(total, len(real))):
        model = rng.choice(models)
        other = rng.choice(models)
        title = model.title
        roll = rng.random()
        suffix = ""
        if roll < 0.3:
            suffix = f" {rng.randint(2, 6)}"
        elif roll < 0.5:
            suffix = f" Part {rng.choice(_ROMAN)}"
        elif roll < 0.75:
            words = other.title.split()
            suffix = ": " + " ".join(words[: rng.randint(1, min(4, len(words)))])
        else:
            a, b = title.split(), other.title.split()
            title = " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :]) or title
        year = min(2025, model.year + rng.randint(1, 12)) if suffix else rng.randint(1915, 2025)
        film = Film(
            title + suffix,
            year,
            max(1, (model.runtime or 95) + rng.randint(-15, 15)),
            list(model.genres),
            kind="movie",
        )
        roll = rng.random()
        if roll < 0.5 and model.directors:
            film.directors = model.directors[:2]
        elif roll < 0.8 and other.directors:
            film.directors = other.directors[:1]
        film.writers = model.writers[:1]
        film.cast = model.cast[: rng.randint(0, 3)] + other.cast[: rng.randint(0, 2)]
        if model.original and suffix and rng.random() < 0.5:
            film.original = model.original + suffix
        if model.akas and suffix and rng.random() < 0.3:
            film.akas = [model.akas[0] + suffix]
        yield film


class Writers:
    """The six dataset files of one set, gzipped, and the people it uses."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        self.files: dict[str, IO[str]] = {}
        for name, header in (
            ("title.basics", "tconst titleType primaryTitle originalTitle isAdult startYear "
             "endYear runtimeMinutes genres"),
            ("title.akas", "titleId ordering title region language types attributes "
             "isOriginalTitle"),
            ("title.crew", "tconst directors writers"),
            ("title.principals", "tconst ordering nconst category job characters"),
            ("title.ratings", "tconst averageRating numVotes"),
        ):  # fmt: skip
            self.files[name] = self._open(name)
            self.files[name].write("\t".join(header.split()) + "\n")
        self.people: set[str] = set()
        self.films = 0

    def _open(self, name: str) -> IO[str]:
        path = self.folder / f"{name}.tsv.gz"
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=3)

    def write(self, name: str, row: str) -> None:
        self.files[name].write(row)

    def names(self, people: People, rng: random.Random) -> None:
        with self._open("name.basics") as f:
            f.write("nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\t"
                    "knownForTitles\n")  # fmt: skip
            for person in sorted(self.people):
                born = str(rng.randint(1870, 2005)) if rng.random() < 0.6 else N
                f.write(f"{person}\t{people.name(person)}\t{born}\t{N}\tactor\t{N}\n")

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def _tsv_safe(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def generate(
    folder: Path, total: int, baseline_every: int, sparql_every: int, seed: int = 17
) -> dict[str, int]:
    """Write the full set, the baseline set and the Wikidata result into `folder`."""
    rng = random.Random(seed)
    started = time.perf_counter()
    real = load_real()
    people = People(rng, real)
    full = Writers(folder / f"imdb-{total}")
    small = Writers(folder / f"imdb-{total // baseline_every}")
    sparql = _Sparql(folder / "wikidata-query.json")
    counts = {"real films": min(len(real), total), "rows": 0, "episodes": 0}
    votes_seen = sorted(f.votes for f in real if f.votes) or [100]
    for n, film in enumerate(variants(real, total, rng)):
        tconst = film.imdb or f"tt9{n:08d}"
        sets = [full] + ([small] if n % baseline_every == 0 else [])
        directors = [people.id_of(d) for d in film.directors[:3]]
        writers = [people.id_of(w) for w in film.writers[:3]]
        cast = [people.id_of(c) for c in film.cast[:8]]
        if n >= len(real):  # new people on a made-up film
            if not directors and rng.random() < 0.7:
                directors = [people.new()]
            writers = writers or [people.new()]
            cast += [people.new() for _ in range(rng.randint(1, 4))]
        title = _tsv_safe(film.title)
        original = _tsv_safe(film.original) if film.original else title
        genres = ",".join(g.replace(",", " ") for g in film.genres[:3]) or N
        runtime = str(film.runtime) if film.runtime else N
        votes = film.votes or (rng.choice(votes_seen) if rng.random() < 0.85 else None)
        principals = []
        for order, person in enumerate(dict.fromkeys(cast), start=1):
            category = "actor" if rng.random() < 0.6 else "actress"
            principals.append(f"{tconst}\t{order}\t{person}\t{category}\t{N}\t{N}\n")
        order = len(principals)
        for person in directors:
            order += 1
            principals.append(f"{tconst}\t{order}\t{person}\tdirector\t{N}\t{N}\n")
        for person in writers[:1]:
            order += 1
            principals.append(f"{tconst}\t{order}\t{person}\twriter\tscreenplay\t{N}\n")
        akas = [(original, N, "original", "1"), (title, "US", "imdbDisplay", "0")]
        if rng.random() < 0.3:
            akas.append((title.upper(), "GB", "imdbDisplay", "0"))  # the same after folding
        akas += [(_tsv_safe(a), "XWW", N, "0") for a in film.akas[:3]]
        for out in sets:
            out.films += 1
            out.write(
                "title.basics",
                f"{tconst}\t{film.kind}\t{title}\t{original}\t0\t{film.year}\t{N}\t{runtime}"
                f"\t{genres}\n",
            )
            out.write(
                "title.crew", f"{tconst}\t{','.join(directors) or N}\t{','.join(writers) or N}\n"
            )
            for row in principals:
                out.write("title.principals", row)
            for order, (aka, region, types, is_original) in enumerate(akas, start=1):
                out.write(
                    "title.akas",
                    f"{tconst}\t{order}\t{aka}\t{region}\t{N}\t{types}\t{N}\t{is_original}\n",
                )
            if votes:
                rating = round(rng.uniform(2.0, 9.3), 1)
                out.write("title.ratings", f"{tconst}\t{rating}\t{votes}\n")
            out.people.update(directors, writers, cast)
            counts["rows"] += 3 + len(principals) + len(akas)
        if n % 7 == 3:  # a TV episode: read and skipped
            episode = f"tt8{n:08d}"
            actor = people.new()
            for out in sets:
                out.write(
                    "title.basics",
                    f"{episode}\ttvEpisode\tEpisode #{n % 9 + 1}.{n % 20 + 1}\t"
                    f"Episode #{n % 9 + 1}.{n % 20 + 1}\t0\t{film.year}\t{N}\t45\tDrama\n",
                )
                out.write("title.principals", f"{episode}\t1\t{actor}\tactor\t{N}\t{N}\n")
                out.people.add(actor)
            counts["episodes"] += 1
        if n % sparql_every == 0:
            sparql.add(n, film, tconst, directors, cast, people, rng)
    for out in (full, small):
        out.close()
        out.names(people, rng)
    sparql.close()
    counts["films"] = full.films
    counts["baseline films"] = small.films
    counts["people"] = len(full.people)
    counts["wikidata items"] = sparql.count
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


class _Sparql:
    """A SPARQL JSON result of docs/wikidata-query.md's query (GROUP_CONCAT form),
    pretty-printed as query.wikidata.org writes it."""

    VARS = ("film", "filmLabel", "originalTitle", "published", "imdb", "runtime", "directors",
            "cast", "countries", "genres")  # fmt: skip

    def __init__(self, path: Path) -> None:
        self.path = path
        self.f = open(path, "w", encoding="utf-8")  # noqa: SIM115
        self.f.write('{\n  "head" : {\n    "vars" : [ ')
        self.f.write(", ".join(f'"{v}"' for v in self.VARS))
        self.f.write(' ]\n  },\n  "results" : {\n    "bindings" : [ ')
        self.count = 0

    def add(
        self,
        n: int,
        film: Film,
        tconst: str,
        directors: list[str],
        cast: list[str],
        people: People,
        rng: random.Random,
    ) -> None:
        qid = film.qid or f"Q9{n:08d}"

        def person(p: str) -> str:
            return f"Q7{int(p[3:]):08d}:{people.name(p)}"

        values: dict[str, tuple[str, str]] = {
            "film": ("uri", f"http://www.wikidata.org/entity/{qid}"),
            "filmLabel": ("literal", film.title),
            "published": ("literal", f"{film.year}-01-01T00:00:00Z"),
        }
        if film.original:
            values["originalTitle"] = ("literal", film.original)
        if rng.random() < 0.8:
            values["imdb"] = ("literal", tconst)
        if film.runtime:
            values["runtime"] = ("literal", str(film.runtime))
        if directors:
            values["directors"] = ("literal", "|".join(person(p) for p in directors))
        if cast:
            values["cast"] = ("literal", "|".join(person(p) for p in cast))
        if film.genres:
            values["genres"] = ("literal", "|".join(f"{g.lower()} film" for g in film.genres))
        values["countries"] = ("literal", rng.choice(("United States of America", "France",
                                                      "Japan", "Italy", "United Kingdom")))  # fmt: skip
        cells = []
        for name, (kind, value) in values.items():
            cell = {"type": kind, "value": value}
            if name == "published":
                cell["datatype"] = "http://www.w3.org/2001/XMLSchema#dateTime"
            if name == "filmLabel":
                cell["xml:lang"] = "en"
            body = json.dumps(cell, ensure_ascii=False, indent=2).replace("\n", "\n        ")
            cells.append(f'      "{name}" : {body}')
        self.f.write((", " if self.count else "") + "{\n" + ",\n".join(cells) + "\n    }")
        self.count += 1

    def close(self) -> None:
        self.f.write(" ]\n  }\n}\n")
        self.f.close()


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Run:
    what: str
    seconds: float
    rss_mib: float  # the largest one process's peak (the command or its writer process)
    tree_mib: float  # the peak of the command and its children together (sampled)
    status: int
    stdout: str
    stderr: str


def _tree_rss_mib(root: int) -> float:
    """RSS of a process and all its descendants now, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


def run_child(what: str, args: list[str], db: Path, log_level: str = "WARNING") -> Run:
    """Run `filmbot ARGS` on `db` in a child process: its wall time, its peak RSS
    (`os.wait4`: the largest of it and the children it waited for) and the peak of the
    whole process tree (sampled every 0.2 s)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FILMBOT_", "DISCORD_"))}
    env.update(FILMBOT_DB=str(db), FILMBOT_LOG_LEVEL=log_level)
    peak = [0.0]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], stdout=out, stderr=err, env=env, cwd=db.parent
        )
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], _tree_rss_mib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(
            what,
            seconds,
            usage.ru_maxrss / 1024,
            peak[0],
            proc.returncode,
            out.read(),
            err.read(),
        )
    print(
        f"{what}: {run.seconds:.1f} s, peak RSS {run.rss_mib:.0f} MiB (all its processes "
        f"together {run.tree_mib:.0f} MiB), exit {run.status}\n  {run.stdout.strip()[-600:]}",
        flush=True,
    )
    if run.status != 0:
        print(run.stderr[-3000:], file=sys.stderr)
    return run


def copy_db(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    cache = source.with_name(source.name + ".search")
    if cache.is_dir():
        shutil.copytree(cache, target.with_name(target.name + ".search"))


def search_queries(folder: Path, seed: int = 5) -> tuple[Path, list[str]]:
    """400 lookups: real titles of the generated set with one typo (answers known)."""
    rng = random.Random(seed)
    real = [f for f in load_real() if f.kind == "movie" and len(norm_title(f.title)) >= 8]
    sample = [rng.choice(real) for _ in range(400)]
    queries = [typo(f.title, rng) for f in sample]
    path = folder / "queries.txt"
    path.write_text("\n".join(queries) + "\n", encoding="utf-8")
    return path, [f.title for f in sample]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def search_check(db: Path, folder: Path) -> dict[str, float]:
    """Build the title index from the imported database, load it saved, time lookups."""
    queries, answers = search_queries(folder)
    figures: dict[str, float] = {}
    for label in ("build", "load"):
        run = run_child(
            f"filmbot search --batch (index {label})",
            ["search", "--batch", str(queries), "--json", "--limit", "5"],
            db,
            log_level="INFO",
        )
        index = re.search(r"search index: (built|loaded) (\d+) titles in ([\d.]+) s", run.stderr)
        if index:
            figures[f"{label}_seconds"] = float(index[3])
            figures["titles"] = float(index[2])
        figures[f"{label}_rss_mib"] = run.rss_mib
        results = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
        ms = [r["ms"] for r in results]
        figures[f"{label}_p50_ms"] = statistics.median(ms)
        figures[f"{label}_p99_ms"] = _pct(ms, 99)
        right = sum(
            bool(r["results"]) and norm_title(r["results"][0]["title"]) == norm_title(answer)
            for r, answer in zip(results, answers, strict=True)
        )
        figures["top1_title_right"] = right / len(results)
    return figures


def search_bench(folder: Path) -> dict:
    """bench/search.py on its 1M-title corpus, as docs/benchmarks.md runs it (fewer
    baseline queries)."""
    out = folder / "search.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-u", str(ROOT / "bench" / "search.py"), "--corpus", "million",
         "--baseline-sample", "100", "--seed", "7777", "--json", str(out)],
        check=True,
    )  # fmt: skip
    result = json.loads(out.read_text())["million"]
    result["seconds"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--films", type=int, default=700_000)
    parser.add_argument("--baseline-every", type=int, default=10, help="baseline: 1 film in N")
    parser.add_argument("--sparql-every", type=int, default=7, help="Wikidata: 1 film in N")
    parser.add_argument("--tmp", type=Path, default=None, help="parent of the work folder")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--no-search-bench", action="store_true", help="skip bench/search.py")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="filmbot-import-scale-", dir=args.tmp))
    if ROOT in work.parents:
        raise SystemExit("the work folder must be outside the repository")
    print(f"work folder: {work}", flush=True)
    try:
        counts = generate(work, args.films, args.baseline_every, args.sparql_every)
        print(f"generated: {counts}", flush=True)
        sizes = {p.name: p.stat().st_size for p in sorted((work / f"imdb-{args.films}").iterdir())}
        print(f"files: {', '.join(f'{k} {v / 2**20:.0f} MiB' for k, v in sizes.items())}")
        base = work / "catalog.sqlite3"
        runs = [run_child("filmbot catalog (build the bundled catalog)", ["catalog"], base)]
        small_db, big_db = work / "small.sqlite3", work / "big.sqlite3"
        copy_db(base, small_db)
        copy_db(base, big_db)
        small = work / f"imdb-{args.films // args.baseline_every}"
        runs.append(
            run_child(
                f"import-imdb, baseline {counts['baseline films']:,} films",
                ["catalog", "import-imdb", str(small)],
                small_db,
            )
        )
        runs.append(
            run_child(
                f"import-imdb, {counts['films']:,} films",
                ["catalog", "import-imdb", str(work / f"imdb-{args.films}")],
                big_db,
            )
        )
        runs.append(
            run_child(
                f"import-wikidata, {counts['wikidata items']:,} items into that catalog",
                ["catalog", "import-wikidata", str(work / "wikidata-query.json")],
                big_db,
            )
        )
        runs.append(
            run_child(
                "import-imdb again (the same files)",
                ["catalog", "import-imdb", str(work / f"imdb-{args.films}")],
                big_db,
            )
        )
        stats = run_child("filmbot db stats", ["db", "stats"], big_db)
        search = search_check(big_db, work)
        print(f"search on the imported catalog: {search}", flush=True)
        million = None if args.no_search_bench else search_bench(work)
        print("\n== summary")
        print(f"{'':<60} {'wall':>8}   {'1 proc':>8}   {'all':>8}")
        for run in runs:
            print(
                f"{run.what:<60} {run.seconds:8.1f} s {run.rss_mib:8.0f} MiB "
                f"{run.tree_mib:8.0f} MiB  exit {run.status}"
            )
        big = runs[2]
        verdict = big.seconds < TARGET_SECONDS and big.tree_mib < TARGET_RSS_MIB
        print(
            f"target {args.films:,} films < {TARGET_SECONDS:.0f} s and < {TARGET_RSS_MIB:.0f} "
            f"MiB: {'pass' if verdict and big.status == 0 else 'FAIL'}"
        )
        print(stats.stdout)
        print(f"database {big_db.stat().st_size / 2**20:,.0f} MiB")
        print(f"search on the imported catalog: {search}")
        if million is not None:
            info, lat = million["info"], million["latency"]
            print(
                f"bench/search.py 1M: {info['keys']:,} keys, build {info['build_s']:.2f} s, "
                f"load {info['load_s']:.2f} s, index {info['index_mib']:.0f} MiB, lookup p99 "
                f"{lat['lookup_p99']:.2f} ms, autocomplete p99 {lat['complete_p99']:.2f} ms, "
                f"R@1 all {million['recall']['all']['r1']:.3f}, typo1 "
                f"{million['recall']['typo1']['r1']:.3f}, typo2 {million['recall']['typo2']['r1']:.3f}"
            )
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
