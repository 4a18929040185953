"""Build the database from the bundled catalog: Wikidata films, the Cannes competition
list and Wikipedia's lists of American films merged into them (one film, one row: see
`film_merge`), then the Criterion list.

The whole build is one transaction: every file is parsed and validated before anything is
written, and any error rolls everything back, so a bad row never leaves half a catalog.
Each file is recorded in `sources` by the SHA-256 of its text; a later start whose files
are unchanged does nothing, and a forced re-run writes the same rows again (every insert is
keyed by a natural key), so it changes nothing either. Rows are written the one way every
importer writes them (`bot.store.catalog_writes`), batched: each statement's rows go in
one `executemany`.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from tqdm import tqdm

from bot.importers import cannes, criterion, wikidata, wikipedia_films
from bot.importers.csvrows import read_text
from bot.importers.film_merge import FilmIndex, head_title
from bot.importers.thediscdb import discdb_imported, import_discdb
from bot.store import import_lookups as lookups
from bot.store.catalog_writes import CatalogWrites, FilmRow, NameTable, add_source, known_hashes
from bot.store.db import Database, Transaction
from bot.store.search_data import write_film_text
from bot.text import names_compatible, norm_name, norm_title, same_person

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
BUILD_CACHE_MIB = 256  # page cache while the catalog is built, then back to the default


@dataclass(frozen=True)
class CatalogFiles:
    wikidata: Path
    criterion: Path
    boxsets: Path
    cannes: Path | None = None
    wikipedia: Path | None = None
    thediscdb: Path | None = None  # a TheDiscDb tree (folder), imported after the lists

    @classmethod
    def bundled(cls, data_dir: Path = DATA_DIR) -> CatalogFiles:
        return cls(
            wikidata=data_dir / "wikidata_films.csv.gz",
            criterion=data_dir / "criterion.csv.gz",
            boxsets=data_dir / "boxsets.csv.gz",
            cannes=data_dir / "cannes_films.csv.gz",
            wikipedia=data_dir / "wikipedia_us_films.csv.gz",
            thediscdb=data_dir / "thediscdb",
        )

    def all(self) -> tuple[Path, ...]:
        extra = tuple(p for p in (self.cannes, self.wikipedia) if p is not None)
        return (self.wikidata, self.criterion, self.boxsets, *extra)


@dataclass
class CatalogReport:
    skipped: bool = False
    seconds: float = 0.0
    wikidata_films: int = 0
    criterion_rows: int = 0
    criterion_linked: int = 0  # Criterion rows attached to a Wikidata film
    criterion_new_films: int = 0  # Criterion rows whose film the catalog lacked
    editions: int = 0
    boxsets: int = 0
    boxset_members: int = 0
    cannes_rows: int = 0
    cannes_linked: int = 0  # Cannes films that were already in the catalog
    wikipedia_rows: int = 0
    wikipedia_linked: int = 0
    discdb_summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return "catalog already imported and unchanged; nothing to do"
        return (
            f"imported {self.wikidata_films:,} Wikidata films and {self.criterion_rows:,} "
            f"Criterion rows ({self.criterion_linked:,} linked to catalog films, "
            f"{self.criterion_new_films:,} new films; {self.editions:,} editions, "
            f"{self.boxsets:,} box sets holding {self.boxset_members:,} films), "
            f"{self.cannes_rows:,} Cannes films ({self.cannes_linked:,} already known) and "
            f"{self.wikipedia_rows:,} Wikipedia list films ({self.wikipedia_linked:,} already "
            f"known)"
            + (f"; {self.discdb_summary.rsplit(' (', 1)[0]}" if self.discdb_summary else "")
            + f" in {self.seconds:.1f} s"
        )


async def catalog_is_current(db: Database, files: CatalogFiles | None = None) -> bool:
    """True when every catalog file, as it is now, was imported already."""
    files = files or CatalogFiles.bundled()
    hashes = [read_text(path)[1] for path in files.all()]
    if len(await known_hashes(db, hashes)) != len(hashes):
        return False
    return files.thediscdb is None or await discdb_imported(db, files.thediscdb)


async def build_catalog(
    db: Database,
    files: CatalogFiles | None = None,
    *,
    force: bool = False,
    progress: bool | None = None,
) -> CatalogReport:
    """Import the catalog unless it is current; raises CatalogError with nothing written."""
    files = files or CatalogFiles.bundled()
    started = time.perf_counter()
    texts = {path: read_text(path) for path in files.all()}
    if not force and await catalog_is_current(db, files):
        return CatalogReport(skipped=True)

    films = wikidata.parse(files.wikidata, texts[files.wikidata][0])
    rows = criterion.parse(files.criterion, texts[files.criterion][0])
    members = criterion.parse_boxsets(files.boxsets, texts[files.boxsets][0])
    festival = cannes.parse(files.cannes, texts[files.cannes][0]) if files.cannes else []
    american = (
        wikipedia_films.parse(files.wikipedia, texts[files.wikipedia][0]) if files.wikipedia else []
    )
    counts = {
        files.wikidata: len(films),
        files.criterion: len(rows),
        files.boxsets: len(members),
    }
    if files.cannes:
        counts[files.cannes] = len(festival)
    if files.wikipedia:
        counts[files.wikipedia] = len(american)

    if progress is None:
        progress = sys.stderr.isatty()
    report = CatalogReport()
    async with db.transaction() as tx:
        # Under the write lock, look again: another process starting on the same new
        # database may have built the catalog while this one parsed (or waited for it).
        if (
            not force
            and len(await known_hashes(tx, [sha for _, sha in texts.values()])) == len(texts)
            and (files.thediscdb is None or await discdb_imported(tx, files.thediscdb))
        ):
            return CatalogReport(skipped=True)
        bar = tqdm(
            total=sum(counts.values()),
            desc="Building film database",
            unit="row",
            disable=not progress,
            file=sys.stderr,
        )
        try:
            # Queued rows are flushed statement by statement, not in dependency order, so
            # foreign keys are checked at COMMIT instead of per statement.
            await tx.defer_foreign_keys()
            await tx.large_cache(BUILD_CACHE_MIB)
            writer = _Writer(tx, bar)
            await writer.load()
            source_ids = {
                path: await writer.source(path, texts[path][1], counts[path])
                for path in files.all()
            }
            await writer.write_wikidata(films, source_ids[files.wikidata])
            if festival or american:
                index = await writer.film_index()
                if files.cannes:
                    await writer.write_cannes(festival, source_ids[files.cannes], index, report)
                if files.wikipedia:
                    await writer.write_wikipedia(
                        american, source_ids[files.wikipedia], index, report
                    )
            await writer.write_criterion(
                rows, members, source_ids[files.criterion], source_ids[files.boxsets], report
            )
            await writer.flush()
            if files.thediscdb is not None:
                # After the last flush: the catalog numbers its own films, TheDiscDb's
                # import lets SQLite number the ones it adds. A release an operator
                # imported from a newer clone is kept.
                discdb = await import_discdb(
                    tx, files.thediscdb, progress=progress, keep_known=True
                )
                report.discdb_summary = discdb.summary()
            await write_film_text(tx, None)
        finally:
            bar.close()
    report.wikidata_films = len(films)
    report.criterion_rows = len(rows)
    report.cannes_rows = len(festival)
    report.wikipedia_rows = len(american)
    report.counts = await db.stats()
    report.seconds = time.perf_counter() - started
    log.debug("catalog: %s", report.summary())
    return report


_NUMERAL = re.compile(r"^(?:\d+|[ivx]+|one|two|three|four|five|six|seven|eight|nine|ten)$")


def _same_numbers(a: str, b: str) -> bool:
    """Sequels differ by a number: 'Once Upon a Time in China IV' is not 'V'."""

    words = {
        "one": "1",
        "two": "2",
        "three": "3",
        "four": "4",
        "five": "5",
        "six": "6",
        "seven": "7",
        "eight": "8",
        "nine": "9",
        "ten": "10",
    }

    def numbers(title: str) -> set[str]:
        return {words.get(w, w) for w in title.split() if _NUMERAL.match(w)}

    return numbers(a) == numbers(b)


class _Writer:
    """Bulk writer with in-memory id maps, so 200k credits need a handful of statements."""

    def __init__(self, tx: Transaction, bar: tqdm) -> None:
        self.tx = tx
        # Rows wait for executemany, per statement, until `flush`.
        self.out = CatalogWrites(tx, batched=True)
        self.bar = bar
        self.film_ids: dict[str, int] = {}
        self.next_film = 1
        self.person_by_norm: dict[str, int] = {}
        self.next_person = 1
        self.directors_by_surname: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.names: dict[str, dict[str, int]] = {}
        self.current_source: int | None = None
        self._norms: dict[str, str] = {}  # name -> norm_name(name)
        self._aliased: set[tuple[int, str, int | None]] = set()
        # Films only the Cannes list dated: film id -> the year they competed, which is
        # their release year or a year or two after it (Pather Panchali: 1955, Cannes 1956).
        self.festival_dated: dict[int, int] = {}

    async def load(self) -> None:
        self.film_ids = await lookups.film_ids_by_key(self.tx)
        self.next_film = await lookups.last_film_id(self.tx) + 1
        # The same rule for spellings the first import followed, so re-runs are stable.
        self.person_by_norm = await lookups.person_ids_by_norm(self.tx)
        self.next_person = await lookups.last_person_id(self.tx) + 1
        for person_id, name in await lookups.director_spellings(self.tx):
            self._index_director(person_id, name)
        for table in ("genres", "countries", "languages", "labels"):
            self.names[table] = {
                name.casefold(): row_id for row_id, name in await self.out.names(table)
            }

    # --- small helpers ---------------------------------------------------------------

    async def flush(self) -> None:
        await self.out.flush()

    async def source(self, path: Path, sha: str, rows: int) -> int:
        return await add_source(
            self.tx,
            kind="catalog",
            name=path.name,
            uri=f"data/{path.name}",
            sha256=sha,
            meta={"rows": rows},
            rename_existing=True,
        )

    async def name_ids(self, table: NameTable, names: Iterable[str]) -> dict[str, int]:
        """Ids for genre/country/language/label names, inserting the new ones."""
        known = self.names[table]
        new = sorted({n for n in names if n.casefold() not in known})
        if new:
            await self.out.add_names(table, new)
            for row_id, name in await self.out.names(table):
                known[name.casefold()] = row_id
        return known

    def _index_director(self, person_id: int, name: str) -> None:
        tokens = norm_name(name).split()
        if tokens:
            entry = (person_id, name)
            bucket = self.directors_by_surname[tokens[-1]]
            if entry not in bucket:
                bucket.append(entry)

    async def person(self, name: str, *, director: bool = False, fuzzy: bool = False) -> int:
        """The person id for a name, creating the person; `fuzzy` also tries known
        directors with a compatible spelling ('Carl Th. Dreyer' -> 'Carl Theodor Dreyer')."""
        norm = self._norms.get(name)
        if norm is None:
            norm = self._norms[name] = norm_name(name)
        person_id = self.person_by_norm.get(norm)
        if person_id is None and fuzzy and norm:
            for candidate_id, candidate in self.directors_by_surname.get(norm.split()[-1], []):
                if names_compatible(name, candidate):
                    person_id = candidate_id
                    break
        if person_id is None:
            person_id = self.next_person
            self.next_person += 1
            await self.out.person(name, person_id=person_id, norm=norm)
        self.person_by_norm.setdefault(norm, person_id)
        # One alias row per spelling and source: a name in 40 casts is written once.
        if (person_id, name, self.current_source) not in self._aliased:
            self._aliased.add((person_id, name, self.current_source))
            await self.out.alias(person_id, name, self.current_source, norm=norm)
        if director:
            self._index_director(person_id, name)
        return person_id

    async def film(
        self, key: str, title: str, year: int | None, source_id: int, **extra: Any
    ) -> int:
        film_id = self.film_ids.get(key)
        if film_id is None:
            film_id = self.next_film
            self.next_film += 1
            self.film_ids[key] = film_id
        row = FilmRow(
            id=film_id,
            external_key=key,
            title=title,
            year=year,
            runtime_min=extra.get("runtime_min"),
            released=extra.get("released"),
            imdb_id=extra.get("imdb_id"),
            mpaa=extra.get("mpaa"),
            popularity=extra.get("popularity", 0.0),
        )
        # The catalog is the authority on its films: a re-run replaces their columns.
        await self.out.film(row, source_id, replace=True)
        await self.out.title(film_id, title, "primary", source_id)
        for name, value in (("title", title), ("year", year), *extra.items()):
            if value is not None and name not in ("popularity", "year_fact"):
                if name == "year" and not extra.get("year_fact", True):
                    continue
                await self.out.fact("film", film_id, name, value, source_id)
        return film_id

    # --- Wikidata ----------------------------------------------------------------------

    async def write_wikidata(self, films: list[wikidata.WikidataFilm], source_id: int) -> None:
        self.current_source = source_id
        genres = await self.name_ids("genres", (g for f in films for g in f.genres))
        countries = await self.name_ids("countries", (c for f in films for c in f.countries))
        languages = await self.name_ids("languages", (lang for f in films for lang in f.languages))
        for n, rec in enumerate(films, start=1):
            film_id = await self.film(
                rec.external_key,
                rec.title,
                rec.year,
                source_id,
                runtime_min=rec.runtime_min,
                released=rec.released,
                imdb_id=rec.imdb_id,
                mpaa=rec.mpaa,
                popularity=rec.popularity,
            )
            for billing, name in enumerate(rec.directors, start=1):
                person_id = await self.person(name, director=True)
                await self.out.credit(film_id, person_id, "director", billing, source_id)
            for billing, name in enumerate(rec.writers, start=1):
                person_id = await self.person(name)
                await self.out.credit(film_id, person_id, "writer", billing, source_id)
            for name in rec.cast:  # alphabetical in the source, so no billing order
                person_id = await self.person(name)
                await self.out.credit(film_id, person_id, "cast", None, source_id)
            for genre in rec.genres:
                await self.out.link("genres", film_id, genres[genre.casefold()], source_id)
            for country in rec.countries:
                await self.out.link("countries", film_id, countries[country.casefold()], source_id)
                await self.out.fact("film", film_id, "country", country, source_id)
            for language in rec.languages:
                await self.out.link("languages", film_id, languages[language.casefold()], source_id)
            if n % 2000 == 0:
                self.bar.update(2000)
                await self.flush()
        self.bar.update(len(films) % 2000)
        await self.flush()

    # --- Cannes and Wikipedia: merged into the films already there ---------------------

    async def film_index(self) -> FilmIndex:
        """Every film written so far, for `FilmIndex.match`."""
        await self.flush()
        index = FilmIndex()
        for norm, film_id, year in await lookups.title_keys(self.tx):
            index.by_title[norm].append(film_id)
            index.years.setdefault(film_id, year)
        for film_id, title in await lookups.film_titles_with_subtitles(self.tx):
            index.add_head(film_id, title)
        for film_id, norm in await lookups.cast_norms(self.tx):
            index.cast[film_id].add(norm)
        for film_id, _, name in await lookups.film_director_spellings(self.tx):
            index.add_director(film_id, name)
        for imdb_id, film_id in await lookups.film_ids_by_imdb(self.tx):
            index.by_imdb[imdb_id].append(film_id)
        return index

    async def _own_year(self, film_id: int, year: int | None) -> bool:
        """Date a film the Cannes list alone dated by another source's year for it, when
        that year can be its release year (the festival's or up to two years before);
        whether it did."""
        festival = self.festival_dated.get(film_id)
        if festival is None or year is None or not festival - 2 <= year <= festival:
            return False
        del self.festival_dated[film_id]
        await self.out.film_year(film_id, year)
        return True

    async def _directors(
        self, film_id: int, names: list[str], index: FilmIndex, source_id: int, *, new: bool
    ) -> None:
        """Credit a new film's directors; on a known film only spell its own directors
        (another list's director who disagrees is not added: the film was matched on its
        title and year, and the known credit is the better one)."""
        known = index.directors.get(film_id, [])
        for billing, name in enumerate(names, start=1):
            if not new and known and not any(same_person(name, k) for k in known):
                continue
            person_id = await self.person(name, director=True, fuzzy=True)
            await self.out.credit(film_id, person_id, "director", billing, source_id)
            index.add_director(film_id, name)

    async def write_cannes(
        self,
        films: list[cannes.CannesFilm],
        source_id: int,
        index: FilmIndex,
        report: CatalogReport,
    ) -> None:
        self.current_source = source_id
        countries = await self.name_ids("countries", (c for f in films for c in f.countries))
        languages = await self.name_ids("languages", (x for f in films for x in f.languages))
        for rec in films:
            self.bar.update(1)
            titles = [rec.title] + ([rec.original_title] if rec.original_title else [])
            # Films compete in the year of their release or a year or two after it.
            window = range(rec.festival_year - 2, rec.festival_year + 1)
            film_id = index.match(
                titles, window, rec.directors, rec.imdb_id, prefer_year=rec.festival_year
            )
            new = film_id is None
            if film_id is None:
                film_id = await self.film(
                    rec.external_key,
                    rec.title,
                    rec.festival_year,
                    source_id,
                    runtime_min=rec.runtime_min,
                    imdb_id=rec.imdb_id,
                    popularity=1.0,  # in competition at Cannes: known beyond its country
                    # The festival year dates the film until a source gives its own year;
                    # it is kept as the fact 'cannes_competition', never as its 'year'.
                    year_fact=False,
                )
                self.festival_dated[film_id] = rec.festival_year
                index.add_title(film_id, rec.title, rec.festival_year)
                if rec.imdb_id:
                    index.by_imdb[rec.imdb_id].append(film_id)
            else:
                report.cannes_linked += 1
                await self.out.title(film_id, rec.title, "alternative", source_id)
                index.add_title(film_id, rec.title, index.years.get(film_id))
                await self.out.fact("film", film_id, "title", rec.title, source_id)
                if rec.runtime_min:
                    await self.out.fact("film", film_id, "runtime_min", rec.runtime_min, source_id)
            if rec.original_title:
                await self.out.title(film_id, rec.original_title, "original", source_id)
                await self.out.fact(
                    "film", film_id, "original_title", rec.original_title, source_id
                )
                index.add_title(film_id, rec.original_title, index.years.get(film_id))
            await self.out.fact("film", film_id, "cannes_competition", rec.festival_year, source_id)
            await self._directors(film_id, rec.directors, index, source_id, new=new)
            for country in rec.countries:
                await self.out.link("countries", film_id, countries[country.casefold()], source_id)
            for language in rec.languages:
                await self.out.link("languages", film_id, languages[language.casefold()], source_id)
        await self.flush()

    async def write_wikipedia(
        self,
        films: list[wikipedia_films.WikipediaFilm],
        source_id: int,
        index: FilmIndex,
        report: CatalogReport,
    ) -> None:
        self.current_source = source_id
        genres = await self.name_ids("genres", (g for f in films for g in f.genres))
        for n, rec in enumerate(films, start=1):
            window = range(rec.year - 1, rec.year + 2)
            film_id = index.match(
                [rec.title], window, rec.directors, prefer_year=rec.year, cast=rec.cast
            )
            new = film_id is None
            if film_id is None:
                film_id = await self.film(
                    rec.external_key,
                    rec.title,
                    rec.year,
                    source_id,
                    popularity=0.3 if rec.article else 0.0,
                )
                index.add_title(film_id, rec.title, rec.year)
                index.add_cast(film_id, rec.cast)
            else:
                report.wikipedia_linked += 1
                await self.out.title(film_id, rec.title, "alternative", source_id)
                index.add_title(film_id, rec.title, index.years.get(film_id))
                await self.out.fact("film", film_id, "title", rec.title, source_id)
                if await self._own_year(film_id, rec.year):
                    index.years[film_id] = rec.year
                    await self.out.fact("film", film_id, "year", rec.year, source_id)
            await self._directors(film_id, rec.directors, index, source_id, new=new)
            # The list prints its cast in billing order: the billing the catalog lacked,
            # kept as a fact too, so the order can name where it came from.
            if rec.cast:
                await self.out.fact("film", film_id, "billing", "; ".join(rec.cast), source_id)
            for billing, name in enumerate(rec.cast, start=1):
                person_id = await self.person(name)
                await self.out.credit(
                    film_id, person_id, "cast", billing, source_id, fill_billing=True
                )
            for genre in rec.genres:
                await self.out.link("genres", film_id, genres[genre.casefold()], source_id)
            if n % 2000 == 0:
                self.bar.update(2000)
                await self.flush()
        self.bar.update(len(films) % 2000)
        await self.flush()

    # --- Criterion ---------------------------------------------------------------------

    async def _film_index(
        self,
    ) -> tuple[dict[str, list[tuple[int, int | None]]], dict[int, list[tuple[int, str]]]]:
        """Films by folded title (every alias), and each film's directors' spellings."""
        by_title: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
        for norm, film_id, year in await lookups.title_keys(self.tx):
            by_title[norm].append((film_id, year))
        directors: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for film_id, person_id, name in await lookups.film_director_spellings(self.tx):
            directors[film_id].append((person_id, name))
        return by_title, directors

    async def write_criterion(
        self,
        rows: list[criterion.CriterionRow],
        members: list[criterion.BoxsetMember],
        source_id: int,
        boxset_source_id: int,
        report: CatalogReport,
    ) -> None:
        self.current_source = source_id
        label_id = (await self.name_ids("labels", [criterion.LABEL]))[criterion.LABEL.casefold()]
        countries = await self.name_ids("countries", (r.country for r in rows if r.country))
        by_title, film_directors = await self._film_index()
        criterion_films: set[int] = set()

        def match(row: criterion.CriterionRow) -> int | None:
            best: tuple[int, int] | None = None
            for film_id, year in by_title.get(norm_title(row.title), []):
                if row.year and year and abs(year - row.year) > 1:
                    continue
                known = film_directors.get(film_id)
                if (
                    row.directors
                    and known
                    and not any(same_person(d, name) for d in row.directors for _, name in known)
                ):
                    continue
                distance = abs(year - row.year) if row.year and year else 0
                if best is None or distance < best[0]:
                    best = (distance, film_id)
            if best is not None:
                return best[1]
            # 'Dr. Strangelove, or: How I Learned ...' is the catalog's 'Dr. Strangelove'
            # when the director and the year agree.
            head = head_title(row.title)
            for film_id, year in by_title.get(head, []) if head and row.directors else []:
                known = film_directors.get(film_id, [])
                if (not row.year or not year or abs(year - row.year) <= 1) and any(
                    same_person(d, name) for d in row.directors for _, name in known
                ):
                    return film_id
            return match_by_director(row)

        # Films by each director's surname, with their title keys, for the second pass.
        by_surname: dict[str, set[int]] = defaultdict(set)
        for film_id, known in film_directors.items():
            for _, name in known:
                tokens = norm_name(name).split()
                if tokens:
                    by_surname[tokens[-1]].add(film_id)
        titles_of: dict[int, list[str]] = defaultdict(list)
        years_of: dict[int, int | None] = {}
        for norm, entries in by_title.items():
            for film_id, year in entries:
                titles_of[film_id].append(norm)
                years_of[film_id] = year

        def match_by_director(row: criterion.CriterionRow) -> int | None:
            """Second pass: the same director's film of a nearby year whose title is spelled
            a little differently (Three Colors / Colours, Mulholland Dr. / Drive, Paisan /
            Paisà). Both the director and the year must agree, so remakes stay apart."""
            if not row.directors or not row.year:
                return None
            wanted = norm_title(row.title)
            best: tuple[float, int] | None = None
            for director in row.directors:
                tokens = norm_name(director).split()
                for film_id in by_surname.get(tokens[-1], ()) if tokens else ():
                    year = years_of.get(film_id)
                    if year is None or abs(year - row.year) > 2:
                        continue
                    if not any(same_person(director, n) for _, n in film_directors[film_id]):
                        continue
                    score = max(
                        (
                            fuzz.ratio(wanted, t)
                            for t in titles_of[film_id]
                            if _same_numbers(wanted, t)
                        ),
                        default=0.0,
                    )
                    if score >= 85 and (best is None or score > best[0]):
                        best = (score, film_id)
            return best[1] if best else None

        by_set: dict[str, list[criterion.BoxsetMember]] = defaultdict(list)
        for member in members:
            by_set[member.boxset].append(member)
        set_names = {norm_title(name) for name in by_set}

        # Rows sharing a spine are one edition (spine 88 holds both parts of Ivan).
        editions: dict[str, list[tuple[criterion.CriterionRow, int | None]]] = defaultdict(list)
        keys_by_title: dict[str, str] = {}  # folded title -> edition key, for boxsets.csv
        boxset_keys: set[str] = set()
        for row in rows:
            self.bar.update(1)
            if row.is_boxset:
                key = (
                    f"criterion:spine:{row.spine}"
                    if row.spine
                    else f"criterion:boxset:{norm_title(row.title)}"
                )
                keys_by_title.setdefault(norm_title(row.title), key)
                boxset_keys.add(key)
                editions[key].append((row, None))
                continue
            film_id = match(row)
            if film_id is None:
                film_id = await self.film(
                    f"criterion:film:{norm_title(row.title)}:{row.year or ''}",
                    row.title,
                    row.year,
                    source_id,
                )
                by_title[norm_title(row.title)].append((film_id, row.year))
                report.criterion_new_films += 1
            else:
                report.criterion_linked += 1
                await self.out.title(film_id, row.title, "label", source_id)
                # Visible to the box-set pass below now, as it will be to a re-run.
                if (film_id, years_of.get(film_id)) not in by_title[norm_title(row.title)]:
                    by_title[norm_title(row.title)].append((film_id, years_of.get(film_id)))
                await self.out.fact("film", film_id, "title", row.title, source_id)
                if row.year:
                    await self.out.fact("film", film_id, "year", row.year, source_id)
                    if await self._own_year(film_id, row.year):
                        years_of[film_id] = row.year
            await self._criterion_directors(film_id, row.directors, film_directors, source_id)
            if row.country:
                await self.out.link(
                    "countries", film_id, countries[row.country.casefold()], source_id
                )
                await self.out.fact("film", film_id, "country", row.country, source_id)
            criterion_films.add(film_id)
            key = (
                f"criterion:spine:{row.spine}"
                if row.spine
                else f"criterion:na:{norm_title(row.title)}:{row.year or ''}"
            )
            keys_by_title.setdefault(norm_title(row.title), key)
            editions[key].append((row, film_id))

        edition_ids: dict[str, int] = {}
        for key, entries in editions.items():
            first = entries[0][0]
            title = " / ".join(dict.fromkeys(row.title for row, _ in entries))
            # boxsets.csv names a few sets the list prints with a year and director.
            is_boxset = key in boxset_keys or any(
                norm_title(r.title) in set_names for r, _ in entries
            )
            edition_ids[key] = await self._edition(
                key, title, label_id, first.spine, is_boxset, source_id
            )
            for position, (_, film_id) in enumerate(entries):
                if film_id is not None:
                    await self.out.edition_film(edition_ids[key], film_id, position, source_id)
            report.editions += 1
            report.boxsets += is_boxset

        # Box set contents, from boxsets.csv; a set missing from the list is added.
        self.current_source = boxset_source_id
        for name, items in by_set.items():
            key = keys_by_title.get(norm_title(name)) or f"criterion:boxset:{norm_title(name)}"
            if key not in edition_ids:
                edition_ids[key] = await self._edition(
                    key, name, label_id, None, True, boxset_source_id
                )
                report.editions += 1
                report.boxsets += 1
            # A set is usually one director's: a title two films share (Lola: Demy's,
            # Fassbinder's) goes to the one by a director of the set's other films.
            set_directors = {
                person_id
                for member in items
                if member.title
                and len(candidates := by_title.get(norm_title(member.title), [])) == 1
                for person_id, _ in film_directors.get(candidates[0][0], [])
            }
            for position, member in enumerate(items):
                self.bar.update(1)
                if member.title is None:
                    continue
                candidates = by_title.get(norm_title(member.title), [])
                if candidates:
                    # Prefer the set's director, then a film Criterion releases; the list's
                    # year column is the set's, not the film's, so it cannot choose.
                    def rank(
                        candidate: tuple[int, int | None], set_directors: set[int] = set_directors
                    ) -> tuple[bool, bool, int]:
                        film_id = candidate[0]
                        directed = {p for p, _ in film_directors.get(film_id, [])}
                        return (
                            not directed & set_directors,
                            film_id not in criterion_films,
                            film_id,
                        )

                    film_id = min(candidates, key=rank)[0]
                else:
                    film_id = await self.film(
                        f"criterion:film:{norm_title(member.title)}:",
                        member.title,
                        None,
                        boxset_source_id,
                    )
                    by_title[norm_title(member.title)].append((film_id, None))
                    report.criterion_new_films += 1
                await self.out.edition_film(edition_ids[key], film_id, position, boxset_source_id)
                report.boxset_members += 1
        await self.flush()

    async def _criterion_directors(
        self,
        film_id: int,
        names: list[str],
        film_directors: dict[int, list[tuple[int, str]]],
        source_id: int,
    ) -> None:
        known = film_directors.get(film_id, [])
        for billing, name in enumerate(names, start=1):
            person_id = next((pid for pid, spelled in known if same_person(name, spelled)), None)
            if person_id is None:
                person_id = await self.person(name, director=True, fuzzy=True)
                known.append((person_id, name))
                film_directors[film_id] = known
            else:
                # The catalog's director, spelled as Criterion prints it: one more alias.
                norm = norm_name(name)
                await self.out.alias(person_id, name, source_id, norm=norm)
                self.person_by_norm.setdefault(norm, person_id)
            await self.out.credit(film_id, person_id, "director", billing, source_id)

    async def _edition(
        self,
        key: str,
        title: str,
        label_id: int,
        spine: str | None,
        is_boxset: bool,
        source_id: int,
    ) -> int:
        # The catalog is the authority on its editions: a re-run replaces their columns.
        edition_id = await self.out.edition(
            key,
            title,
            label_id=label_id,
            spine=spine,
            is_boxset=is_boxset,
            source_id=source_id,
            replace=True,
        )
        if spine:
            await self.out.fact("edition", edition_id, "spine", spine, source_id)
        await self.out.fact("edition", edition_id, "label", criterion.LABEL, source_id)
        return edition_id
