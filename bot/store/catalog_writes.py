"""The one way the catalog tables are written, whoever imports: sources, films and their
titles, people and their spellings, credits, facts, genre/country/language/label names and
the films' links to them, editions and the films they hold.

Both importers write through `CatalogWrites`:

- the catalog build (`bot.importers.catalog`) makes it `batched`: ~600,000 rows wait in
  memory and `flush()` sends each statement's rows with one `executemany`, so 18,000
  films take a handful of statements (it gives films and people their ids itself);
- a document merge (`bot.importers.documents.merge`) writes a few rows and reads between
  them, so each row is written at once and SQLite gives the ids.

Where the two want different things, a parameter says which and the statement stays the
same: a catalog re-run replaces a film's or an edition's columns (`replace=True`) where a
document keeps what is there; a document's credit fills in a missing billing
(`fill_billing=True`) where the catalog ignores a credit it has. Statements that return an
id (editions, sources, names, and films or people without a given id) are always written
at once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.store.db import Database, Transaction
from bot.store.films import EDITION_SPECS
from bot.text import norm_name, norm_title

NameTable = Literal["genres", "countries", "languages", "labels"]
LinkTable = Literal["genres", "countries", "languages"]

# A film's link table and its column, per name table (labels belong to editions).
_LINKS: dict[str, tuple[str, str]] = {
    "genres": ("film_genres", "genre_id"),
    "countries": ("film_countries", "country_id"),
    "languages": ("film_languages", "language_id"),
}
_NAME_TABLES = frozenset({*_LINKS, "labels"})

_SOURCE = "INSERT INTO sources (kind, name, uri, sha256, title, meta) VALUES (?, ?, ?, ?, ?, ?)"
_SOURCE_RENAME = " ON CONFLICT (sha256) DO UPDATE SET name = excluded.name"

_FILM = (
    "INSERT INTO films (id, external_key, title, year, runtime_min, released, synopsis, "
    "imdb_id, mpaa, popularity, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (external_key) DO UPDATE SET "
)
_FILM_REPLACE = (
    "title = excluded.title, year = excluded.year, runtime_min = excluded.runtime_min, "
    "released = excluded.released, imdb_id = excluded.imdb_id, mpaa = excluded.mpaa, "
    "popularity = excluded.popularity"
)
# A no-op update, so that RETURNING gives the id of the row already there.
_FILM_KEEP = "title = films.title"
_FILM_FILL = (
    "UPDATE films SET runtime_min = coalesce(runtime_min, ?), "
    "released = coalesce(released, ?), synopsis = coalesce(synopsis, ?), "
    "year = coalesce(year, ?) WHERE id = ?"
)
_FILM_YEAR = "UPDATE films SET year = ? WHERE id = ?"
_TITLE = (
    "INSERT OR IGNORE INTO film_titles (film_id, title, norm, kind, source_id) "
    "VALUES (?, ?, ?, ?, ?)"
)
_PERSON = "INSERT INTO people (id, name, norm) VALUES (?, ?, ?)"
_ALIAS = (
    "INSERT OR IGNORE INTO person_aliases (person_id, name, norm, source_id) VALUES (?, ?, ?, ?)"
)
_CREDIT_IGNORE = (
    "INSERT OR IGNORE INTO credits (film_id, person_id, role, billing, source_id) "
    "VALUES (?, ?, ?, ?, ?)"
)
_CREDIT_FILL_BILLING = (
    "INSERT INTO credits (film_id, person_id, role, billing, source_id) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (film_id, person_id, role) "
    "DO UPDATE SET billing = coalesce(credits.billing, excluded.billing)"
)
_FACT = (
    "INSERT OR IGNORE INTO facts (entity, entity_id, field, value, source_id) "
    "VALUES (?, ?, ?, ?, ?)"
)
_NAME = {table: f"INSERT OR IGNORE INTO {table} (name) VALUES (?)" for table in _NAME_TABLES}
_NAME_ID = {table: f"SELECT id FROM {table} WHERE name = ?" for table in _NAME_TABLES}
# PostgreSQL's name tables are unique on lower(name) (SQLite's: COLLATE NOCASE).
_NAME_ID_PG = {
    table: f"SELECT id FROM {table} WHERE lower(name) = lower(?)" for table in _NAME_TABLES
}
_NAMES = {table: f"SELECT id, name FROM {table}" for table in _NAME_TABLES}
_LINK = {
    table: f"INSERT OR IGNORE INTO {link} (film_id, {column}, source_id) VALUES (?, ?, ?)"
    for table, (link, column) in _LINKS.items()
}
_EDITION = (
    "INSERT INTO editions (external_key, title, label_id, spine, is_boxset, format, "
    "source_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_key) DO UPDATE SET "
)
_EDITION_REPLACE = (
    "title = excluded.title, label_id = excluded.label_id, spine = excluded.spine, "
    "is_boxset = excluded.is_boxset"
)
_EDITION_KEEP = "title = editions.title"
_EDITION_FILM = (
    "INSERT OR IGNORE INTO edition_films (edition_id, film_id, position, source_id) "
    "VALUES (?, ?, ?, ?)"
)
# The edition columns a document fills in when empty (`CatalogWrites.fill_edition`): the
# specs cards show, and what they are priced in, numbered and published by.
EDITION_FILL_COLUMNS = (*EDITION_SPECS, "currency", "spine", "label_id")


@dataclass(frozen=True)
class FilmRow:
    """A film as an importer states it; `id` None lets SQLite choose one."""

    external_key: str
    title: str
    year: int | None = None
    runtime_min: int | None = None
    released: str | None = None
    synopsis: str | None = None
    imdb_id: str | None = None
    mpaa: str | None = None
    popularity: float = 0.0
    id: int | None = None


async def source_described(
    db: Database | Transaction, sha256: str
) -> tuple[str, str | None] | None:
    """(kind, title) of the source imported from a document with this hash, if any."""
    row = await db._fetchone("SELECT kind, title FROM sources WHERE sha256 = ?", (sha256,))
    return (row[0], row[1]) if row else None


async def add_source(
    tx: Transaction,
    *,
    kind: str,
    name: str,
    uri: str | None,
    sha256: str,
    meta: Mapping[str, Any],
    title: str | None = None,
    rename_existing: bool = False,
) -> int:
    """The `sources` row of an imported file (every imported row points at one); its id.
    A file recorded already (the same hash) is an IntegrityError, unless
    `rename_existing`: then that row is kept and takes the new name (a catalog re-run)."""
    sql = _SOURCE + (_SOURCE_RENAME if rename_existing else "") + " RETURNING id"
    row = (kind, name, uri, sha256, title, json.dumps(dict(meta)))
    return int(await tx._scalar(sql, row))


async def known_hashes(db: Database | Transaction, hashes: Iterable[str]) -> set[str]:
    """Which of these document hashes were imported already."""
    wanted = list(hashes)
    if not wanted:
        return set()
    rows = await db._fetchall(
        f"SELECT sha256 FROM sources WHERE sha256 IN ({','.join('?' * len(wanted))})", wanted
    )
    return {r[0] for r in rows}


class CatalogWrites:
    """Writes the catalog tables inside the caller's transaction (see the module's text).

    With `batched`, the rows of films with ids, titles, people with ids, aliases, credits,
    facts, film links and edition films wait until `flush()`: call it before reading what
    they wrote and before the transaction ends.
    """

    def __init__(self, tx: Transaction, *, batched: bool = False) -> None:
        self._tx = tx
        self._batched = batched
        # Rows waiting for executemany, per statement, flushed in the order first used.
        self._pending: dict[str, list[tuple[Any, ...]]] = defaultdict(list)

    async def _write(self, sql: str, row: tuple[Any, ...]) -> None:
        if self._batched:
            self._pending[sql].append(row)
        else:
            await self._tx._execute(sql, row)

    async def flush(self) -> None:
        for sql, rows in self._pending.items():
            if rows:
                await self._tx._executemany(sql, rows)
        self._pending.clear()

    # --- films ---------------------------------------------------------------------------

    async def film(self, film: FilmRow, source_id: int, *, replace: bool) -> int:
        """Add a film by its external key; its id. A film with that key already there has
        its columns replaced by these with `replace` (a catalog re-run), else is kept as
        it is (a document names a film another document created)."""
        sql = _FILM + (_FILM_REPLACE if replace else _FILM_KEEP)
        row = (
            film.id,
            film.external_key,
            film.title,
            film.year,
            film.runtime_min,
            film.released,
            film.synopsis,
            film.imdb_id,
            film.mpaa,
            film.popularity,
            source_id,
        )
        if film.id is None:
            return int(await self._tx._scalar(sql + " RETURNING id", row))
        await self._write(sql, row)
        return film.id

    async def fill_film(
        self,
        film_id: int,
        *,
        runtime_min: int | None,
        released: str | None,
        synopsis: str | None,
        year: int | None,
    ) -> None:
        """Fill the film's display columns that are still empty (a document's values)."""
        await self._tx._execute(_FILM_FILL, (runtime_min, released, synopsis, year, film_id))

    async def film_year(self, film_id: int, year: int) -> None:
        """Set a film's year (a better-dated source after the one that created it)."""
        await self._write(_FILM_YEAR, (year, film_id))

    async def title(self, film_id: int, title: str, kind: str, source_id: int | None) -> None:
        """A name the film goes by (primary, original, alternative, label, ...)."""
        await self._write(_TITLE, (film_id, title, norm_title(title), kind, source_id))

    # --- people and credits --------------------------------------------------------------

    async def person(
        self, name: str, *, person_id: int | None = None, norm: str | None = None
    ) -> int:
        """A new person; their id (`person_id` if given, else SQLite's). `norm` is
        `norm_name(name)`, passed when the caller has it already."""
        row = (person_id, name, norm_name(name) if norm is None else norm)
        if person_id is None:
            return int(await self._tx._scalar(_PERSON + " RETURNING id", row))
        await self._write(_PERSON, row)
        return person_id

    async def alias(
        self, person_id: int, name: str, source_id: int | None, *, norm: str | None = None
    ) -> None:
        """A spelling of a person's name (their own included), from this source."""
        await self._write(
            _ALIAS, (person_id, name, norm_name(name) if norm is None else norm, source_id)
        )

    async def credit(
        self,
        film_id: int,
        person_id: int,
        role: str,
        billing: int | None,
        source_id: int | None,
        *,
        fill_billing: bool = False,
    ) -> None:
        """A person's role in a film; one credit is kept per (film, person, role). With
        `fill_billing` a credit already there takes this billing if it had none (a
        document's order is the billing; the catalog's cast is alphabetical)."""
        sql = _CREDIT_FILL_BILLING if fill_billing else _CREDIT_IGNORE
        await self._write(sql, (film_id, person_id, role, billing, source_id))

    # --- facts ---------------------------------------------------------------------------

    async def fact(
        self, entity: str, entity_id: int, field: str, value: object, source_id: int | None
    ) -> None:
        """What a source claims about a film, edition or feature (kept beside the display
        columns, so sources that disagree stay visible)."""
        await self._write(_FACT, (entity, entity_id, field, str(value), source_id))

    # --- genres, countries, languages, labels -----------------------------------------

    async def add_names(self, table: NameTable, names: Iterable[str]) -> None:
        """Add the names the table lacks (names compare without case: COLLATE NOCASE)."""
        await self._tx._executemany(_NAME[table], [(name,) for name in names])

    async def names(self, table: NameTable) -> list[tuple[int, str]]:
        """(id, name) of every row of the table."""
        return [(r[0], r[1]) for r in await self._tx._fetchall(_NAMES[table])]

    async def name_id(self, table: NameTable, name: str) -> int:
        """The id of a genre, country, language or label, added if new."""
        await self._tx._execute(_NAME[table], (name,))
        by_name = _NAME_ID_PG if self._tx.dialect == "postgres" else _NAME_ID
        return int(await self._tx._scalar(by_name[table], (name,)))

    async def link(
        self, table: LinkTable, film_id: int, name_id: int, source_id: int | None
    ) -> None:
        """The film has this genre, country or language (`table` names which)."""
        await self._write(_LINK[table], (film_id, name_id, source_id))

    # --- editions ------------------------------------------------------------------------

    async def edition(
        self,
        external_key: str,
        title: str,
        *,
        label_id: int | None,
        spine: str | None,
        source_id: int,
        replace: bool,
        is_boxset: bool = False,
        fmt: str | None = None,
    ) -> int:
        """Add an edition by its external key; its id. One already there has its title,
        label, spine and box-set flag replaced with `replace`, else is kept as it is."""
        sql = _EDITION + (_EDITION_REPLACE if replace else _EDITION_KEEP) + " RETURNING id"
        row = (external_key, title, label_id, spine, int(is_boxset), fmt, source_id)
        return int(await self._tx._scalar(sql, row))

    async def fill_edition(self, edition_id: int, values: Mapping[str, object]) -> None:
        """Fill the edition's columns that are still empty (names: EDITION_FILL_COLUMNS)."""
        unknown = set(values) - set(EDITION_FILL_COLUMNS)
        if unknown:
            raise ValueError(f"not an edition column to fill: {', '.join(sorted(unknown))}")
        assignments = ", ".join(f"{col} = coalesce({col}, :{col})" for col in values)
        await self._tx._execute(
            f"UPDATE editions SET {assignments} WHERE id = :id", {**values, "id": edition_id}
        )

    async def set_release_date(self, edition_id: int, release_date: str) -> None:
        """The edition's release date, replacing the one it had (a newer listing knows)."""
        await self._tx._execute(
            "UPDATE editions SET release_date = ? WHERE id = ?", (release_date, edition_id)
        )

    async def edition_film(
        self, edition_id: int, film_id: int, position: int, source_id: int | None
    ) -> None:
        """The edition holds this film, at this position among its films."""
        await self._write(_EDITION_FILM, (edition_id, film_id, position, source_id))
