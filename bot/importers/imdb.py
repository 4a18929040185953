"""IMDb's non-commercial datasets (https://developer.imdb.com/non-commercial-datasets/),
as an operator downloads them, imported into the catalog: `filmbot catalog import-imdb DIR`.

The folder holds some of `title.basics`, `title.akas`, `title.crew`, `title.principals`,
`title.ratings` and `name.basics`, each `.tsv.gz` as IMDb publishes it or unpacked
`.tsv`: UTF-8, tab-separated, a header row, no quoting, `\\N` for nothing. title.basics is
required, and name.basics with title.crew or title.principals (they name people by id).
IMDb's licence forbids redistributing the data: filmbot bundles none of it.

What is read:

- **Films**: title.basics rows of `titleType` `movie`, not adult, with a year. A TV movie,
  a short or a video (`tvMovie`, `short`, `video`, `tvSpecial`) is not added: the catalog
  is of films people ask for by name, and the shorts alone would outnumber them; such a
  row only completes a film the catalog already has under its IMDb id (Wikidata counts
  some TV films and shorts as films), as does an adult or undated movie.
- `primaryTitle` is the title, `originalTitle` the original title; the akas are other
  names (the first `film_bulk.MAX_ALIASES` distinct after folding, in the file's order);
  `startYear` the year, `runtimeMinutes` the runtime, `genres` the genres.
- **Directors and writers** from title.crew, in its order; **cast** from title.principals,
  the categories `actor`, `actress` and `self` (documentaries' people as themselves) in
  `ordering`, which is IMDb's billing: cards say the cast is in billing order. People's
  names from name.basics; a person it lacks is left out.
- **Popularity**: `numVotes` from title.ratings, as log10(1 + votes) (0-7, the scale of
  the Wikidata catalog's log of review counts), read only for the search ranking.

How it is read: file by file, line by line (a gzip file is decompressed as it is read);
only the films kept, in compact form, and the names of their people stay in memory
(rows about other titles are checked for their shape only). Every file is read and every
row used is validated before anything is written: a malformed row raises `CatalogError`
naming the file and the line. Then one transaction merges the films (`film_bulk`): on
any error it is rolled back and the database is as it was.

The files are recorded as one source, "IMDb datasets", by the SHA-256 of their bytes: the
same files again are "nothing to do"; a newer dump replaces what the older one claimed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import math
import re
import sys
import time
from array import array
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tqdm import tqdm

from bot.importers.bulk_source import BulkSource, SourceRequest
from bot.importers.csvrows import CatalogError
from bot.importers.film_bulk import (
    MAX_ALIASES,
    BulkFilm,
    BulkPerson,
    already_imported,
    write_bulk,
)
from bot.store import bulk_films as store
from bot.store.db import Database

SOURCE = BulkSource(
    name="IMDb datasets",
    uri="imdb:datasets",
    prefix="imdb:",
    scope="without_imdb",
    by_key=False,
)

# The files, their columns (as IMDb documents them) and which are required.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title.basics": (
        "tconst",
        "titleType",
        "primaryTitle",
        "originalTitle",
        "isAdult",
        "startYear",
        "endYear",
        "runtimeMinutes",
        "genres",
    ),
    "title.ratings": ("tconst", "averageRating", "numVotes"),
    "title.crew": ("tconst", "directors", "writers"),
    "title.principals": ("tconst", "ordering", "nconst", "category", "job", "characters"),
    "name.basics": (
        "nconst",
        "primaryName",
        "birthYear",
        "deathYear",
        "primaryProfession",
        "knownForTitles",
    ),
    "title.akas": (
        "titleId",
        "ordering",
        "title",
        "region",
        "language",
        "types",
        "attributes",
        "isOriginalTitle",
    ),
}
FILM_TYPES = frozenset({"movie"})
# Read only to complete a film the catalog has under its IMDb id.
ENRICH_TYPES = frozenset({"movie", "tvMovie", "short", "video", "tvSpecial"})
CAST_CATEGORIES = frozenset({"actor", "actress", "self"})
NULL = "\\N"
MAX_AKAS_READ = 4 * MAX_ALIASES  # per film, before folding: enough to keep MAX_ALIASES

_TCONST = re.compile(r"tt\d+")
_NCONST = re.compile(r"nm\d+")
_PROGRESS_EVERY = 1 << 16  # lines between progress updates


def dataset_files(folder: Path) -> dict[str, Path]:
    """The dataset files in `folder` by name ('title.basics' -> its .tsv.gz or .tsv)."""
    if not folder.is_dir():
        raise CatalogError(folder, None, "not a folder (give the folder of the .tsv.gz files)")
    found: dict[str, Path] = {}
    for name in COLUMNS:
        candidates = [p for p in (folder / f"{name}.tsv.gz", folder / f"{name}.tsv") if p.is_file()]
        if len(candidates) > 1:
            raise CatalogError(candidates[1], None, f"both {name}.tsv.gz and {name}.tsv: keep one")
        if candidates:
            found[name] = candidates[0]
    if "title.basics" not in found:
        raise CatalogError(folder, None, "no title.basics.tsv.gz (or .tsv) in this folder")
    if ("title.crew" in found or "title.principals" in found) and "name.basics" not in found:
        raise CatalogError(
            folder, None, "title.crew and title.principals need name.basics.tsv.gz beside them"
        )
    return found


def files_digest(files: dict[str, Path]) -> tuple[str, dict[str, str]]:
    """One SHA-256 for the set of files (of their bytes as stored), and each file's."""
    each: dict[str, str] = {}
    for path in sorted(files.values()):
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except OSError as exc:
            raise CatalogError(path, None, f"cannot read the file ({exc.strerror})") from exc
        each[path.name] = digest.hexdigest()
    combined = hashlib.sha256("".join(f"{n}:{h}\n" for n, h in sorted(each.items())).encode())
    return combined.hexdigest(), each


# --- reading ---------------------------------------------------------------------------------


class _Tsv:
    """One dataset file, read line by line; `line` is the line last read (header: 1)."""

    def __init__(self, path: Path, name: str, bar: tqdm) -> None:
        self.path = path
        self.name = name
        self.bar = bar
        self.line = 1
        self._raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 (closed in close())
        stream: IO[bytes] = (
            gzip.GzipFile(fileobj=self._raw) if path.name.endswith(".gz") else self._raw
        )
        self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
        self._reported = 0
        header = self._readline()
        if not header:
            raise self.error("the file is empty (no header row)")
        header = header.rstrip("\n").rstrip("\r").split("\t")
        wanted = COLUMNS[name]
        missing = [c for c in wanted if c not in header]
        if missing:
            raise self.error(f"the header lacks column(s) {', '.join(missing)}")
        self.width = len(header)
        self.at = {c: header.index(c) for c in wanted}
        self.first = self.at[wanted[0]]  # the id column (IMDb's files lead with it)

    def error(self, reason: str) -> CatalogError:
        return CatalogError(self.path, self.line, reason)

    def _readline(self) -> str:
        try:
            return self._text.readline()
        except UnicodeDecodeError as exc:
            raise self.error("the file is not UTF-8 text") from exc
        except (OSError, EOFError) as exc:
            raise CatalogError(self.path, None, f"not a valid gzip file ({exc})") from exc

    def rows(self, keep: Container[str] | None = None) -> Iterator[list[str]]:
        """Each row's fields (the last one without its newline); a row with another number
        of fields than the header is an error. With `keep`, only the rows whose first
        field is in it (the others are checked for their shape only: IMDb's files are
        mostly about titles and people a film catalog skips)."""
        width = self.width
        tabs = width - 1
        text = self._text
        line = self.line
        keyed = keep is not None and self.first == 0
        try:
            for raw in text:
                line += 1
                if not line & (_PROGRESS_EVERY - 1):
                    self._progress()
                if keyed and raw[: raw.find("\t")] not in keep:  # type: ignore[operator]
                    if raw.count("\t") != tabs:
                        self.line = line
                        self._misshapen(raw)
                    continue
                fields = raw.split("\t")
                if len(fields) != width:
                    self.line = line
                    self._misshapen(raw)
                    continue
                last = fields[-1]
                if last.endswith("\n"):
                    fields[-1] = last.rstrip("\r\n")
                self.line = line
                yield fields
        except UnicodeDecodeError as exc:
            self.line = line + 1
            raise self.error("the file is not UTF-8 text") from exc
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self.line = line + 1
            raise self.error(f"the gzip data is damaged ({exc})") from exc
        self.line = line
        self._progress()

    def _misshapen(self, raw: str) -> None:
        """A row with another number of fields than the header: an error, but for a blank
        line (a file's last), which is nothing."""
        if raw.strip("\r\n") != "":
            found = raw.count("\t") + 1
            raise self.error(f"expected {self.width} tab-separated fields, found {found}")

    def _progress(self) -> None:
        position = self._raw.tell()
        self.bar.update(position - self._reported)
        self._reported = position

    def close(self) -> None:
        self._text.close()
        self._raw.close()


def _year(tsv: _Tsv, value: str, column: str) -> int:
    """A year column (0 for \\N); anything but a plausible year is an error."""
    if value == NULL:
        return 0
    if not value.isdigit() or not 1870 <= int(value) <= 2100:
        raise tsv.error(f"{column} {value!r} is not a year")
    return int(value)


def _count(tsv: _Tsv, value: str, column: str) -> int:
    """A whole number >= 0 (0 for \\N)."""
    if value == NULL:
        return 0
    if not value.isdigit():
        raise tsv.error(f"{column} {value!r} is not a whole number")
    return int(value)


def _people_cell(tsv: _Tsv, value: str, column: str) -> str | None:
    """A comma-separated list of person ids ('nm0000041,nm0000042'), None for \\N."""
    if value == NULL or value == "":
        return None
    for person in value.split(","):
        if not _NCONST.fullmatch(person):
            raise tsv.error(f"{column} {person!r} is not an IMDb person id (nm…)")
    return value


@dataclass
class ImdbFilms:
    """The films kept from the files, column by column (index n is one film)."""

    tconst: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    original: list[str | None] = field(default_factory=list)
    year: array = field(default_factory=lambda: array("H"))  # 0: unknown
    runtime: array = field(default_factory=lambda: array("l"))  # 0: unknown
    genres: list[tuple[str, ...]] = field(default_factory=list)
    enrich_only: bytearray = field(default_factory=bytearray)
    votes: array = field(default_factory=lambda: array("l"))  # -1: not rated
    directors: list[str | None] = field(default_factory=list)  # 'nm1,nm2' as in title.crew
    writers: list[str | None] = field(default_factory=list)
    cast: list[str | None] = field(default_factory=list)  # 'nconst,nconst' in file order
    # Each cast entry's ordering, one character each (chr(ordering)): sorted, as IMDb's
    # files are, the cast above is in billing order already.
    cast_order: list[str | None] = field(default_factory=list)
    akas: list[str | None] = field(default_factory=list)  # tab-separated
    names: dict[str, str] = field(default_factory=dict)  # nconst -> name, people used only
    index: dict[str, int] = field(default_factory=dict)  # tconst -> n
    rows_read: dict[str, int] = field(default_factory=dict)  # file name -> data rows

    def __len__(self) -> int:
        return len(self.tconst)

    def _people(self, cell: str | None) -> tuple[BulkPerson, ...]:
        if cell is None:
            return ()
        names = self.names
        return tuple(BulkPerson(n, names[n]) for n in dict.fromkeys(cell.split(",")) if n in names)

    def _cast(self, n: int) -> tuple[BulkPerson, ...]:
        """Film n's cast in billing order (IMDb's `ordering`), each person once."""
        cell, order = self.cast[n], self.cast_order[n]
        if cell is None or order is None:
            return ()
        people = cell.split(",")
        if len(people) > 1 and "".join(sorted(order)) != order:
            people = [p for _, p in sorted(zip(order, people, strict=True))]
        names = self.names
        return tuple(BulkPerson(p, names[p]) for p in dict.fromkeys(people) if p in names)

    def film(self, n: int, full: bool) -> BulkFilm:
        """Film n; without `full`, only its ids, titles and year (what finds it by id, or
        tells it may match by title). In full once: its people and other names are then
        released (a million films' worth of strings)."""
        votes = self.votes[n]
        if not full:
            return BulkFilm(
                id=self.tconst[n],
                title=self.title[n],
                year=self.year[n] or None,
                imdb_id=self.tconst[n],
                original_title=self.original[n],
                enrich_only=bool(self.enrich_only[n]),
            )
        film = BulkFilm(
            id=self.tconst[n],
            title=self.title[n],
            year=self.year[n] or None,
            imdb_id=self.tconst[n],
            original_title=self.original[n],
            aliases=tuple(self.akas[n].split("\t")) if self.akas[n] else (),  # type: ignore[union-attr]
            runtime_min=self.runtime[n] or None,
            genres=self.genres[n],
            directors=self._people(self.directors[n]),
            writers=self._people(self.writers[n]),
            cast=self._cast(n),
            cast_billed=True,
            popularity=round(math.log10(1 + votes), 4) if votes > 0 else 0.0,
            enrich_only=bool(self.enrich_only[n]),
        )
        # The merge asks for a film in full once: what only that needed goes.
        self.akas[n] = self.directors[n] = self.writers[n] = None
        self.cast[n] = self.cast_order[n] = None
        return film


def read_datasets(
    files: dict[str, Path], catalog_imdb: set[str], *, progress: bool = False
) -> ImdbFilms:
    """Read and validate the files; the films kept (see the module's text). `catalog_imdb`:
    the IMDb ids the catalog has, whose TV films and shorts are read too."""
    total = sum(path.stat().st_size for path in files.values())
    films = ImdbFilms()
    with tqdm(
        total=total,
        desc="Reading IMDb datasets",
        unit="B",
        unit_scale=True,
        disable=not progress,
        file=sys.stderr,
    ) as bar:
        # In this order: the films first, their people's ids before the people's names.
        for name in (
            "title.basics",
            "title.ratings",
            "title.crew",
            "title.principals",
            "name.basics",
            "title.akas",
        ):
            if name not in files:
                continue
            tsv = _Tsv(files[name], name, bar)
            try:
                if name == "title.basics":
                    _read_basics(tsv, films, catalog_imdb)
                else:
                    _READERS[name](tsv, films)
            finally:
                films.rows_read[files[name].name] = tsv.line - 1
                tsv.close()
    return films


def _read_basics(tsv: _Tsv, films: ImdbFilms, catalog_imdb: set[str]) -> None:
    at = tsv.at
    c_id, c_type, c_title, c_original = (
        at["tconst"],
        at["titleType"],
        at["primaryTitle"],
        at["originalTitle"],
    )
    c_adult, c_year, c_runtime, c_genres = (
        at["isAdult"],
        at["startYear"],
        at["runtimeMinutes"],
        at["genres"],
    )
    genre_sets: dict[str, tuple[str, ...]] = {NULL: ()}
    index = films.index
    for row in tsv.rows():
        kind = row[c_type]
        if kind not in ENRICH_TYPES:
            continue
        tconst = row[c_id]
        adult = row[c_adult]
        year_cell = row[c_year]
        new = kind in FILM_TYPES and adult == "0" and year_cell != NULL
        if not new and tconst not in catalog_imdb:
            continue
        if not _TCONST.fullmatch(tconst):
            raise tsv.error(f"tconst {tconst!r} is not an IMDb title id (tt…)")
        if tconst in index:
            raise tsv.error(f"title {tconst} appears twice")
        if adult not in ("0", "1"):
            raise tsv.error(f"isAdult {adult!r} is not 0 or 1")
        title = row[c_title]
        if title in ("", NULL):
            raise tsv.error("primaryTitle is empty")
        original = row[c_original]
        cell = row[c_genres]
        genres = genre_sets.get(cell)
        if genres is None:
            genres = genre_sets[cell] = tuple(g for g in cell.split(",") if g)
        index[tconst] = len(films.tconst)
        films.tconst.append(tconst)
        films.title.append(title)
        films.original.append(None if original in ("", NULL, title) else original)
        films.year.append(_year(tsv, year_cell, "startYear"))
        films.runtime.append(_count(tsv, row[c_runtime], "runtimeMinutes"))
        films.genres.append(genres)
        films.enrich_only.append(0 if new else 1)
    n = len(films.tconst)
    films.votes = array("l", [-1]) * n
    films.directors = [None] * n
    films.writers = [None] * n
    films.cast = [None] * n
    films.cast_order = [None] * n
    films.akas = [None] * n


def _read_ratings(tsv: _Tsv, films: ImdbFilms) -> None:
    c_id, c_rating, c_votes = tsv.at["tconst"], tsv.at["averageRating"], tsv.at["numVotes"]
    index, votes = films.index, films.votes
    for row in tsv.rows(index):
        n = index.get(row[c_id])
        if n is None:
            continue
        try:
            float(row[c_rating])
        except ValueError:
            raise tsv.error(f"averageRating {row[c_rating]!r} is not a number") from None
        value = row[c_votes]
        if not value.isdigit():
            raise tsv.error(f"numVotes {value!r} is not a whole number")
        votes[n] = int(value)


def _read_crew(tsv: _Tsv, films: ImdbFilms) -> None:
    c_id, c_directors, c_writers = tsv.at["tconst"], tsv.at["directors"], tsv.at["writers"]
    index = films.index
    for row in tsv.rows(index):
        n = index.get(row[c_id])
        if n is None:
            continue
        films.directors[n] = _people_cell(tsv, row[c_directors], "directors")
        films.writers[n] = _people_cell(tsv, row[c_writers], "writers")


def _read_principals(tsv: _Tsv, films: ImdbFilms) -> None:
    at = tsv.at
    c_id, c_order, c_person, c_category = (
        at["tconst"],
        at["ordering"],
        at["nconst"],
        at["category"],
    )
    index, cast, cast_order = films.index, films.cast, films.cast_order
    for row in tsv.rows(index):
        n = index.get(row[c_id])
        if n is None or row[c_category] not in CAST_CATEGORIES:
            continue
        order, person = row[c_order], row[c_person]
        if not order.isdigit():
            raise tsv.error(f"ordering {order!r} is not a whole number")
        if not _NCONST.fullmatch(person):
            raise tsv.error(f"nconst {person!r} is not an IMDb person id (nm…)")
        place = int(order)
        if place > 0x10FFFF:
            raise tsv.error(f"ordering {order!r} is out of range")
        known = cast[n]
        if known is None:
            cast[n], cast_order[n] = person, chr(place)
        else:
            cast[n] = f"{known},{person}"
            cast_order[n] += chr(place)  # type: ignore[operator]


def _read_names(tsv: _Tsv, films: ImdbFilms) -> None:
    wanted: set[str] = set()
    for cells in (films.directors, films.writers):
        for cell in cells:
            if cell is not None:
                wanted.update(cell.split(","))
    for cell in films.cast:
        if cell is not None:
            wanted.update(cell.split(","))
    c_id, c_name = tsv.at["nconst"], tsv.at["primaryName"]
    names = films.names
    for row in tsv.rows(wanted):
        person = row[c_id]
        if person not in wanted:
            continue
        name = " ".join(row[c_name].split())
        if name in ("", NULL):
            raise tsv.error("primaryName is empty")
        names[person] = name
        wanted.discard(person)


def _read_akas(tsv: _Tsv, films: ImdbFilms) -> None:
    c_id, c_title = tsv.at["titleId"], tsv.at["title"]
    index, akas, titles, originals = films.index, films.akas, films.title, films.original
    for row in tsv.rows(index):
        n = index.get(row[c_id])
        if n is None:
            continue
        title = " ".join(row[c_title].split())
        if title in ("", NULL) or title == titles[n] or title == originals[n]:
            continue
        known = akas[n]
        if known is None:
            akas[n] = title
        elif known.count("\t") < MAX_AKAS_READ - 1 and title not in known.split("\t"):
            akas[n] = f"{known}\t{title}"


_READERS = {
    "title.ratings": _read_ratings,
    "title.crew": _read_crew,
    "title.principals": _read_principals,
    "name.basics": _read_names,
    "title.akas": _read_akas,
}


# --- the import ------------------------------------------------------------------------------


@dataclass
class ImdbReport:
    skipped: bool = False
    films: int = 0
    new_films: int = 0
    matched_imdb: int = 0
    matched_title: int = 0
    rewritten: int = 0
    not_found: int = 0
    people_new: int = 0
    people_linked: int = 0
    titles: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    read_seconds: float = 0.0
    writer_peak_mib: float = 0.0
    seconds: float = 0.0

    def summary(self) -> str:
        if self.skipped:
            return "IMDb datasets: these files were imported already; nothing to do"
        known = self.matched_imdb + self.matched_title
        again = f", {self.rewritten:,} imported before" if self.rewritten else ""
        return (
            f"IMDb datasets: {self.films:,} films ({self.new_films:,} new{again}; "
            f"{known:,} already in the catalog: {self.matched_imdb:,} by IMDb id, "
            f"{self.matched_title:,} by title, year and director), {self.titles:,} titles, "
            f"{self.people_new:,} new people and {self.people_linked:,} known ones "
            f"in {self.seconds:.1f} s"
        )


async def import_imdb(
    db: Database,
    folder: Path,
    *,
    progress: bool | None = None,
    force: bool = False,
    pipeline: bool | None = None,
) -> ImdbReport:
    """Import the dataset files of `folder` (see the module's text). Raises CatalogError,
    with nothing written, on a malformed file; files imported before (by their bytes) are
    "nothing to do" unless `force` (which writes the same rows again: nothing changes)."""
    started = time.perf_counter()
    if progress is None:
        progress = sys.stderr.isatty()
    files = dataset_files(folder)
    digest, each = files_digest(files)
    if not force and await already_imported(db, SOURCE, digest):
        return ImdbReport(skipped=True)
    films = read_datasets(files, await store.catalog_imdb_ids(db), progress=progress)
    report = ImdbReport(rows=dict(films.rows_read), read_seconds=time.perf_counter() - started)
    request = SourceRequest(
        SOURCE,
        sha256=digest,
        meta={"files": each, "rows": films.rows_read, "films": len(films)},
        title="IMDb non-commercial datasets",
        force=force,
    )
    merged = await write_bulk(
        db, request, count=len(films), film_at=films.film, progress=progress, pipeline=pipeline
    )
    if merged is None:
        return ImdbReport(skipped=True)
    report.films = merged.films
    report.new_films = merged.new_films
    report.rewritten = merged.rewritten
    report.matched_imdb = merged.by_imdb
    report.matched_title = merged.by_title
    report.not_found = merged.not_found
    report.people_new = merged.people_new
    report.people_linked = merged.people_linked
    report.titles = merged.titles
    report.writer_peak_mib = merged.writer_peak_mib
    report.seconds = time.perf_counter() - started
    return report
