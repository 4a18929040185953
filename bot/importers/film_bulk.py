"""Films in bulk from another film database (IMDb's datasets, a Wikidata query's result),
merged into the catalog: one film one row, every value with its source, people by id.

Both importers read their files into `BulkFilm`s and hand them to `write_bulk`: one
transaction, held in this process (`LocalWriter`) or, for a big import, by a writer
process (`bot.importers.bulk_writer`) that writes one batch while this process prepares
the next (SQLite's writing and Python's preparing each take one of the machine's cores).
`BulkMerger` reads what matching needs, decides, and queues each batch's rows
(`bot.store.bulk_films.BulkRows`).

- **Which film.** A film this source made before (its key: `imdb:tt…`, `wikidata:Q…`)
  is rewritten as the source now states it. Otherwise the catalog's film with the same
  Wikidata item (its key) or the same IMDb id (the nearest year when two share one);
  otherwise `FilmIndex.match`: a title or the original title, the year within one, and a
  director in common when both name directors (see `film_merge`), among the films whose
  ids cannot tell them apart (`Scope`); a film already matched by another row of this
  import, or with another IMDb id, is not matched again. Else a new film. A row marked
  `enrich_only` is never a new film.
- **Matched films** keep their columns; their empty runtime and IMDb id are filled in and
  their popularity is raised to this source's if higher. Titles not already among theirs
  (after folding) are added, the source's claims (title, year, runtime, ids, votes) are
  facts beside the other sources'.
- **People** carry the source's id (`person_keys`). A person is, in order: the one with
  that key; one credited on the matched film under a spelling of the same name
  (`same_person`); the catalog's person of that folded name if no key of this database
  names them yet (a namesake with another key gets a person of their own); else a new
  person. Films the catalog had are merged before new ones, so a spelling on a known
  film is settled against that film's own credits first.
- **Cast order.** When the source gives the cast in billing order (IMDb's principals)
  and no other source gave this film's order, the billing is written (filling in a cast
  credit that had none, as the Wikidata catalog's alphabetical cast) and kept as a
  `billing` fact; else the cast is added unordered.

A re-run writes the same rows again (every insert is keyed), so it changes nothing.
"""

from __future__ import annotations

import re
import sys
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from rapidfuzz import fuzz
from tqdm import tqdm

from bot.importers.bulk_source import (
    BatchWriter,
    BulkSource,
    LocalWriter,
    SourceRequest,
)
from bot.importers.bulk_writer import ProcessWriter
from bot.importers.film_merge import FilmIndex, head_title, tail_title
from bot.store import bulk_films as store
from bot.store.bulk_films import BulkRows
from bot.store.db import Database, Transaction
from bot.text import fold, names_compatible, norm_name, norm_title, translit_key

# Other names kept per film beyond its title and original title, in the source's order:
# IMDb lists dozens of regional titles for a well-known film; the first few are the ones
# worth finding it by, and the title index stays at its million-title scale.
MAX_ALIASES = 8
BATCH_FILMS = 2000  # films per batch: their rows go in one executemany per statement
PIPELINE_FROM = 20_000  # films from which a writer process holds the transaction

Role = Literal["director", "writer", "cast"]
# What `film_merge`'s subtitle pattern needs to find in a title (checked before it runs).
_MAY_HAVE_SUBTITLE = re.compile(r"[:–—-]| or[:, ]", re.I)


class BulkPerson(NamedTuple):
    """A person as the source names them (a tuple: a million films make millions)."""

    id: str | None  # the person's id in the source database ('nm0000041', 'Q8006')
    name: str


@dataclass(slots=True)
class BulkFilm:
    """A film as the source states it."""

    id: str  # the film's id in the source database ('tt0047478', 'Q189540')
    title: str
    year: int | None
    imdb_id: str | None = None
    original_title: str | None = None
    aliases: tuple[str, ...] = ()  # other names, in the source's order of preference
    runtime_min: int | None = None
    genres: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    directors: tuple[BulkPerson, ...] = ()
    writers: tuple[BulkPerson, ...] = ()
    cast: tuple[BulkPerson, ...] = ()
    cast_billed: bool = False  # the cast is in billing order
    popularity: float = 0.0
    facts: tuple[tuple[str, object], ...] = ()  # other claims: ('imdb_votes', 2345)
    enrich_only: bool = False  # merged into a catalog film, never a new one


@dataclass
class BulkReport:
    films: int = 0  # films read
    new_films: int = 0
    rewritten: int = 0  # films this source made before, written again
    by_key: int = 0  # catalog films matched by the source's key (Wikidata item)
    by_imdb: int = 0  # ... by IMDb id
    by_title: int = 0  # ... by title, year and director
    not_found: int = 0  # enrich-only rows whose film the catalog lacks
    people_new: int = 0
    people_linked: int = 0  # people of the catalog the source's ids now name
    credits: int = 0
    titles: int = 0
    seconds: float = 0.0
    writer_peak_mib: float = 0.0  # the writer process's peak RSS, when there was one

    @property
    def matched(self) -> int:
        return self.by_key + self.by_imdb + self.by_title


@dataclass
class _Credited:
    """Everyone credited on a matched film, to settle the source's spellings against:
    (person id, spelling, folded, transliteration key, folded surname) per spelling."""

    people: list[tuple[int, str, str, str, str]] = field(default_factory=list)

    def add(self, person_id: int, name: str) -> None:
        folded = fold(name)
        self.people.append((person_id, name, folded, translit_key(name), folded.rsplit(" ", 1)[-1]))

    def find(self, name: str, folded: str) -> int | None:
        """The person credited under a spelling of `name`: `same_person`'s rule, with the
        credited names' folded forms computed once per film."""
        for person_id, _, other, _, _ in self.people:
            if other == folded:
                return person_id
        key = translit_key(name)
        surname = folded.rsplit(" ", 1)[-1]
        for person_id, spelled, other, other_key, other_surname in self.people:
            if (
                key == other_key
                or (surname == other_surname and names_compatible(name, spelled))
                or fuzz.ratio(key, other_key) >= 90
                or fuzz.ratio(folded, other) >= 90
            ):
                return person_id
        return None


class BulkMerger:
    """Merges a source's films into the catalog inside the caller's transaction.

    `await load()`, then `await merge(count, film_at)`: `film_at(n, full)` gives the n-th
    film (with `full` False its ids, titles and year only; in full at most once per
    film); then `await finish()`. It reads through
    `reader` (the transaction, or this process's connection while a writer process holds
    the transaction: the catalog as it was before the import) and writes through
    `writer`."""

    def __init__(
        self,
        reader: Database | Transaction,
        writer: BatchWriter,
        source: BulkSource,
        source_id: int,
        *,
        progress: bool,
    ) -> None:
        self.tx = reader
        self.writer = writer
        self.source = source
        self.source_id = source_id
        self.progress = progress
        self.out = BulkRows()
        self.report = BulkReport()
        self.next_film = 1
        self.next_person = 1
        self.own: dict[str, int] = {}  # source key -> film this source made
        self.by_key: dict[str, int] = {}  # source key -> a catalog film (not this source's)
        self.imdb_one: dict[str, int] = {}  # IMDb id -> the one film with it
        self.imdb_many: dict[str, list[tuple[int, int | None]]] = {}  # shared: (film, year)
        self.index = FilmIndex()
        self.claimed: set[int] = set()  # catalog films matched by title in this run
        self.billed_by_others: set[int] = set()
        self.person_ids: dict[str, int] = {}  # source person id -> person
        self.unkeyed: dict[str, int] = {}  # folded name -> a person no key of ours names
        self.keyless: dict[str, int] = {}  # name -> person, for people the source gives no id
        self.names: dict[str, dict[str, int]] = {}  # genre/country name -> id, by table
        self.new_names: dict[str, dict[str, None]] = {}  # names without an id yet
        self.links_waiting: list[tuple[str, int, str]] = []  # (table, film, name) for them
        self.touched = array("l")  # every film written, for the keyword text
        self.norms: dict[str, str] = {}  # title -> norm_title, from matching to writing

    # --- loading ---------------------------------------------------------------------------

    async def load(self) -> None:
        tx, source = self.tx, self.source
        self.next_film = await store.last_film_id(tx) + 1
        self.next_person = await store.last_person_id(tx) + 1
        if source.by_key:
            for key, film_id, source_id in await store.films_by_key_prefix(tx, source.prefix):
                bare = key[len(source.prefix) :]
                if source_id == self.source_id:
                    self.own[bare] = film_id
                else:
                    self.by_key[bare] = film_id
        last: str | None = None
        for imdb_id, film_id, year, own in await store.films_by_imdb(
            tx, source.prefix, self.source_id
        ):
            if own and not source.by_key:
                self.own[imdb_id] = film_id
            if imdb_id != last:
                self.imdb_one[imdb_id] = film_id
                first_year = year
                last = imdb_id
            else:
                many = self.imdb_many.setdefault(imdb_id, [(self.imdb_one[imdb_id], first_year)])
                many.append((film_id, year))
        index = self.index
        for norm, film_id, year in await store.match_titles(tx, source.scope):
            index.by_title[norm].append(film_id)
            index.years.setdefault(film_id, year)
        for film_id, title in await store.match_subtitled(tx, source.scope):
            index.add_head(film_id, title)
        for film_id, name in await store.match_directors(tx, source.scope):
            index.add_director(film_id, name)
        for film_id, norm in await store.match_cast(
            tx, source.scope, directorless_only=source.scope != "without_imdb"
        ):
            index.cast[film_id].add(norm)
        self.billed_by_others = await store.films_billed_by_others(tx, self.source_id)
        for bare, person_id in await store.person_keys(tx, source.prefix):
            self.person_ids[bare] = person_id
        for norm, person_id in await store.unkeyed_people(tx, source.prefix):
            self.unkeyed.setdefault(norm, person_id)
        for table in ("genres", "countries"):
            self.names[table] = await store.name_ids(tx, table)  # type: ignore[arg-type]

    # --- the merge -------------------------------------------------------------------------

    async def merge(self, count: int, film_at: Callable[[int, bool], BulkFilm]) -> BulkReport:
        """Merge films 0..count-1: those the catalog has first, then the new ones."""
        started = time.perf_counter()
        unmatched = array("l")
        bar = tqdm(
            total=count,
            desc=f"Merging {self.source.name}",
            unit="film",
            disable=not self.progress,
            file=sys.stderr,
        )
        try:
            batch: list[tuple[BulkFilm, int, str]] = []
            # Films asked for in full while matching, then not matched: kept for pass 2
            # (each film is asked for in full once: a source may release its data then).
            prepared: dict[int, BulkFilm] = {}
            for n in range(count):
                film, full = film_at(n, False), False
                found = self._find_by_id(film)
                if found is None and film.year is not None and self._may_match(film):
                    film, full = film_at(n, True), True  # its directors and cast decide
                    found = await self._find_by_title(film)
                if found is None:
                    if film.enrich_only:
                        self.report.not_found += 1
                        bar.update(1)
                    else:
                        unmatched.append(n)
                        if full:
                            prepared[n] = film
                    continue
                batch.append((film if full else film_at(n, True), *found))
                if len(batch) >= BATCH_FILMS:
                    await self._write_batch(batch, bar)
                    batch = []
            await self._write_batch(batch, bar)
            batch = []
            for n in unmatched:
                film = prepared.pop(n, None) or film_at(n, True)
                batch.append((film, self.next_film, "new"))
                self.next_film += 1
                if len(batch) >= BATCH_FILMS:
                    await self._write_batch(batch, bar)
                    batch = []
            await self._write_batch(batch, bar)
        finally:
            bar.close()
        self.report.films = count
        self.report.seconds = time.perf_counter() - started
        return self.report

    async def finish(self) -> None:
        """Write the keyword text of every film the import touched (of every film when
        that is most of them: one statement instead of thousands)."""
        whole = len(self.touched) > (await store.film_count(self.tx)) // 2
        await self.writer.finish(None if whole else self.touched)

    def _find_by_id(self, film: BulkFilm) -> tuple[int, str] | None:
        """(film, how) for a film this source made, or the catalog's film of the same
        Wikidata item or IMDb id; else None."""
        own = self.own.get(film.id)
        if own is not None:
            return own, "own"
        known = self.by_key.get(film.id)
        if known is not None:
            self.claimed.add(known)
            return known, "key"
        if film.imdb_id:
            found = self._by_imdb(film.imdb_id, film.year)
            if found is not None:
                self.claimed.add(found)
                return found, "imdb"
        return None

    async def _find_by_title(self, film: BulkFilm) -> tuple[int, str] | None:
        """(film, "title") for the catalog film of this title, year and director, or None
        for a new film."""
        assert film.year is not None
        titles = [film.title] + ([film.original_title] if film.original_title else [])
        directors = [p.name for p in film.directors]
        film_id = self.index.match(
            titles,
            range(film.year - 1, film.year + 2),
            directors,
            prefer_year=film.year,
            cast=[p.name for p in film.cast] if not directors else None,
        )
        if film_id is None or film_id in self.claimed:
            return None  # a film another row of this import is, or a new one
        if film.imdb_id and self.source.scope != "without_imdb":
            other = (await store.imdb_ids_of(self.tx, [film_id])).get(film_id)
            if other and other != film.imdb_id:
                return None  # IMDb ids tell them apart
        self.claimed.add(film_id)
        return film_id, "title"

    def _may_match(self, film: BulkFilm) -> bool:
        """Whether `FilmIndex.match` could find a film: one of the keys it looks up names
        a film of a year in the window (or of no year, for a whole title). Most films of
        a big source are not in the catalog; this costs a fold or two, not eight."""
        assert film.year is not None
        index, years = self.index, self.index.years
        low, high = film.year - 1, film.year + 1
        for title in (film.title, film.original_title):
            if not title:
                continue
            norm = self.norms[title] = norm_title(title)
            for film_id in index.by_title.get(norm, ()):
                year = years.get(film_id)
                if year is None or low <= year <= high:
                    return True
            keys = [norm]
            if _MAY_HAVE_SUBTITLE.search(title):
                keys += [k for k in (head_title(title), tail_title(title)) if k]
            for key in keys:
                for film_id in (*index.by_head.get(key, ()), *index.by_title.get(key, ())):
                    year = years.get(film_id)
                    if year is not None and low <= year <= high:
                        return True
        return False

    def _by_imdb(self, imdb_id: str, year: int | None) -> int | None:
        many = self.imdb_many.get(imdb_id)
        if many is None:
            return self.imdb_one.get(imdb_id)
        target = year or 0
        return min(many, key=lambda f: (abs((f[1] or target) - target), f[0]))[0]

    # --- writing ---------------------------------------------------------------------------

    async def _write_batch(self, batch: list[tuple[BulkFilm, int, str]], bar: tqdm) -> None:
        if not batch:
            return
        known = [film_id for _, film_id, how in batch if how not in ("new", "own")]
        credited: dict[int, _Credited] = defaultdict(_Credited)
        titles: dict[int, set[str]] = defaultdict(set)
        if known:
            for film_id, person_id, name in await store.credited_people(self.tx, known):
                credited[film_id].add(person_id, name)
            for film_id, norm in await store.titles_of_films(self.tx, known):
                titles[film_id].add(norm)
        for film, film_id, how in batch:
            self._film(film, film_id, how, credited.get(film_id), titles.get(film_id))
        if self.links_waiting:
            await self._name_ids()
        await self.writer.rows(self.out.take())
        bar.update(len(batch))

    def _film(
        self,
        film: BulkFilm,
        film_id: int,
        how: str,
        credited: _Credited | None,
        known_titles: set[str] | None,
    ) -> None:
        out, source_id, report = self.out, self.source_id, self.report
        mine = how in ("new", "own")
        if mine:
            # The source is the authority on the films it made: a re-run replaces their
            # columns (with the same values, unless the source changed).
            out.add_film(
                film_id,
                self.source.prefix + film.id,
                film.title,
                film.year,
                film.runtime_min,
                film.imdb_id,
                film.popularity,
                source_id,
            )
            if how == "new":
                report.new_films += 1
            else:
                report.rewritten += 1
        else:
            out.fill_film(
                film_id,
                runtime_min=film.runtime_min,
                imdb_id=film.imdb_id,
                popularity=film.popularity,
            )
            setattr(report, f"by_{how}", getattr(report, f"by_{how}") + 1)
        self.touched.append(film_id)
        self._titles(film, film_id, mine, known_titles or set())
        # The claims on the film's own columns, beside other sources' (a film this source
        # made carries its IMDb id in its key already).
        out.add_fact(film_id, "title", film.title, source_id)
        for name, value in (
            ("original_title", film.original_title),
            ("year", film.year),
            ("runtime_min", film.runtime_min),
            ("imdb_id", None if mine else film.imdb_id),
            *film.facts,
        ):
            if value is not None:
                out.add_fact(film_id, name, value, source_id)
        person = self._person
        for billing, someone in enumerate(film.directors, start=1):
            out.add_credit(film_id, person(someone, credited), "director", billing, source_id)
        for billing, someone in enumerate(film.writers, start=1):
            out.add_credit(film_id, person(someone, credited), "writer", billing, source_id)
        billed = film.cast_billed and film_id not in self.billed_by_others
        for billing, someone in enumerate(film.cast, start=1):
            out.add_credit(
                film_id,
                person(someone, credited),
                "cast",
                billing if billed else None,
                source_id,
                # A credit another source made without billing takes this one's.
                fill_billing=billed and not mine,
            )
        if billed and film.cast and not mine:
            # The order is written into other sources' credits: the fact names its source.
            names = "; ".join(dict.fromkeys(p.name for p in film.cast))
            out.add_fact(film_id, "billing", names, source_id)
        report.credits += len(film.directors) + len(film.writers) + len(film.cast)
        if film.genres:
            self._links(film_id, "genres", film.genres)
        if film.countries:
            self._links(film_id, "countries", film.countries)
            for country in film.countries:
                out.add_fact(film_id, "country", country, source_id)

    def _titles(self, film: BulkFilm, film_id: int, mine: bool, known: set[str]) -> None:
        """The film's names: its title (the primary title of a film this source made, else
        another name), its original title, then up to MAX_ALIASES of its other names;
        none twice after folding, none the film had already."""
        out, source_id = self.out, self.source_id
        seen = set(known)
        norm = self.norms.pop(film.title, None) or norm_title(film.title)
        if mine:
            # Always the primary row, even when another of its names folds the same way.
            out.add_title(film_id, film.title, norm, "primary", source_id)
            self.report.titles += 1
        elif norm and norm not in seen:
            out.add_title(film_id, film.title, norm, "alternative", source_id)
            self.report.titles += 1
        seen.add(norm)
        if film.original_title:
            norm = self.norms.pop(film.original_title, None) or norm_title(film.original_title)
            if norm and norm not in seen:
                out.add_title(film_id, film.original_title, norm, "original", source_id)
                self.report.titles += 1
                seen.add(norm)
        kept = 0
        for alias in film.aliases:
            if kept >= MAX_ALIASES:
                break
            norm = norm_title(alias)
            if norm and norm not in seen:
                out.add_title(film_id, alias, norm, "alternative", source_id)
                self.report.titles += 1
                seen.add(norm)
                kept += 1

    def _links(self, film_id: int, table: str, names: Iterable[str]) -> None:
        known = self.names[table]
        for name in names:
            name_id = known.get(name.casefold())
            if name_id is None:
                self.new_names.setdefault(table, {}).setdefault(name, None)
                name_id = -1
                self.links_waiting.append((table, film_id, name))
                continue
            self.out.add_link(table, film_id, name_id, self.source_id)

    async def _name_ids(self) -> None:
        """Give the genre and country names seen first in this batch their ids."""
        for table, names in self.new_names.items():
            self.names[table] = await self.writer.names(table, list(names))  # type: ignore[arg-type]
        self.new_names.clear()
        for table, film_id, name in self.links_waiting:
            self.out.add_link(table, film_id, self.names[table][name.casefold()], self.source_id)
        self.links_waiting.clear()

    def _person(self, person: BulkPerson, credited: _Credited | None) -> int:
        """The catalog's person for the source's (see the module's text)."""
        if person.id is not None:
            found = self.person_ids.get(person.id)
            if found is not None:
                return found
        else:
            found = self.keyless.get(person.name)
            if found is not None:
                return found
        norm = norm_name(person.name)
        person_id = credited.find(person.name, norm) if credited else None
        if person_id is None:
            if person.id is not None:
                # Claimed: a namesake with another id is another person.
                person_id = self.unkeyed.pop(norm, None)
            else:
                person_id = self.unkeyed.get(norm)
        out = self.out
        if person_id is None:
            person_id = self.next_person
            self.next_person += 1
            out.add_person(person_id, person.name, norm)
            self.report.people_new += 1
            if person.id is None:
                self.unkeyed[norm] = person_id
        else:
            self.report.people_linked += 1
        out.add_alias(person_id, person.name, norm, self.source_id)
        if person.id is not None:
            out.add_person_key(self.source.prefix + person.id, person_id, self.source_id)
            self.person_ids[person.id] = person_id
        else:
            self.keyless[person.name] = person_id
        return person_id


# --- one import: its source, one transaction -------------------------------------------------


async def already_imported(db: Database, source: BulkSource, sha256: str) -> bool:
    """True when these very files were the source's last import."""
    previous = await store.import_source(db, source.uri)
    return previous is not None and previous[1] == sha256


async def write_bulk(
    db: Database,
    request: SourceRequest,
    *,
    count: int,
    film_at: Callable[[int, bool], BulkFilm],
    progress: bool,
    pipeline: bool | None = None,
) -> BulkReport | None:
    """Merge `count` films in one transaction as `request.source`; None when these files
    were imported already (looked at again under the write lock) and not forced. Any
    error rolls everything back. With `pipeline` (by default from PIPELINE_FROM films,
    for a database in a file) a writer process holds the transaction."""
    if pipeline is None:
        pipeline = count >= PIPELINE_FROM
    # The writer process writes a SQLite file (PostgreSQL: the import's own transaction).
    if pipeline and db.dialect == "sqlite" and str(db.path) != ":memory:":
        # An import that at least doubles the catalog builds the indexes of what it
        # fills once, sorted, instead of inserting into them row by row.
        rebuild = 2 * count >= await store.film_count(db)
        async with ProcessWriter(db.path) as writer:
            source_id = await writer.begin(request, rebuild_indexes=rebuild)
            if source_id is None:
                return None
            report = await _merge(db, writer, request, source_id, count, film_at, progress)
            await writer.commit()
        report.writer_peak_mib = writer.peak_mib
        return report
    async with db.transaction() as tx:
        local = LocalWriter(tx)
        source_id = await local.begin(request)
        if source_id is None:
            return None
        return await _merge(tx, local, request, source_id, count, film_at, progress)


async def _merge(
    reader: Database | Transaction,
    writer: BatchWriter,
    request: SourceRequest,
    source_id: int,
    count: int,
    film_at: Callable[[int, bool], BulkFilm],
    progress: bool,
) -> BulkReport:
    merger = BulkMerger(reader, writer, request.source, source_id, progress=progress)
    await merger.load()
    report = await merger.merge(count, film_at)
    await merger.finish()
    return report
