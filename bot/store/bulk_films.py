"""What the bulk film imports (IMDb's datasets, a Wikidata query's result: see
`bot.importers.film_bulk`) read and write beyond the catalog's own writer.

Films, titles, people, aliases, credits, facts and genre/country links are written with
the catalog's own statements (`catalog_writes`), queued by `BulkRows` and written a batch
at a time by `write_rows`; two statements are these imports' own: a matched film's empty
columns filled in, and a person's id in another database (`person_keys`, migration 0009).
The reads load, once per import, what matching needs in memory: films by IMDb id and by
external key, the titles, directors and cast of the films a title may match, and people
by key and by folded name. Writes take the import's transaction; reads take it too, or,
when a writer process holds the transaction (`bot.importers.bulk_writer`), the
importer's own connection, which sees the database as it was before the import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from bot.store.catalog_writes import (
    _ALIAS,
    _CREDIT_FILL_BILLING,
    _CREDIT_IGNORE,
    _FACT,
    _FILM,
    _FILM_REPLACE,
    _LINK,
    _PERSON,
    _TITLE,
    CatalogWrites,
    NameTable,
)
from bot.store.db import Database, Transaction

# Which films a row may match by title: films with no IMDb id (an IMDb row has one, and
# a film with another id is another film), or films no Wikidata item keys (an item not
# found by its key is not another item's film).
Scope = Literal["without_imdb", "not_wikidata"]
_SCOPE = {
    "without_imdb": "f.imdb_id IS NULL",
    "not_wikidata": "f.external_key NOT LIKE 'wikidata:%'",
}

_FILL_FILM = (
    "UPDATE films SET runtime_min = coalesce(runtime_min, ?), imdb_id = coalesce(imdb_id, ?), "
    "popularity = max(popularity, ?) WHERE id = ?"
)
# PostgreSQL's two-argument max() is greatest().
_FILL_FILM_PG = _FILL_FILM.replace("max(popularity, ?)", "greatest(popularity, ?)")
_PERSON_KEY = (
    "INSERT OR IGNORE INTO person_keys (external_key, person_id, source_id) VALUES (?, ?, ?)"
)


# The statements of a bulk import, by name: the catalog's own (`catalog_writes`) and the
# two only these imports need. Rows travel by statement name, never as SQL.
STATEMENTS: dict[str, str] = {
    "films": _FILM + _FILM_REPLACE,
    "fills": _FILL_FILM,
    "titles": _TITLE,
    "people": _PERSON,
    "aliases": _ALIAS,
    "keys": _PERSON_KEY,
    "credits": _CREDIT_IGNORE,
    "billings": _CREDIT_FILL_BILLING,
    "facts": _FACT,
    "genres": _LINK["genres"],
    "countries": _LINK["countries"],
}
PG_STATEMENTS = {**STATEMENTS, "fills": _FILL_FILM_PG}
Batch = dict[str, list[tuple[Any, ...]]]
_NAME_ROWS = {table: f"SELECT id, name FROM {table}" for table in ("genres", "countries")}


class BulkRows:
    """The rows of a bulk import, queued by statement name without touching the database
    (a million films queue some fifteen million rows: no coroutine per row); `take()`
    hands a batch to `write_rows`, in this process or in the import's writer process."""

    def __init__(self) -> None:
        self._new()

    def _new(self) -> None:
        self.batch: Batch = {name: [] for name in STATEMENTS}
        batch = self.batch
        self._films, self._fills, self._titles = batch["films"], batch["fills"], batch["titles"]
        self._people, self._aliases, self._keys = batch["people"], batch["aliases"], batch["keys"]
        self._credits, self._billings = batch["credits"], batch["billings"]
        self._facts = batch["facts"]
        self._links = {"genres": batch["genres"], "countries": batch["countries"]}

    def take(self) -> Batch:
        """The rows queued so far (statements with none left out); the queue is emptied."""
        taken = {name: rows for name, rows in self.batch.items() if rows}
        self._new()
        return taken

    def add_film(
        self,
        film_id: int,
        key: str,
        title: str,
        year: int | None,
        runtime_min: int | None,
        imdb_id: str | None,
        popularity: float,
        source_id: int,
    ) -> None:
        """A film this source states (the columns of `FilmRow` it has; a re-run replaces
        them with the same)."""
        self._films.append(
            (
                film_id,
                key,
                title,
                year,
                runtime_min,
                None,
                None,
                imdb_id,
                None,
                popularity,
                source_id,
            )
        )

    def fill_film(
        self, film_id: int, *, runtime_min: int | None, imdb_id: str | None, popularity: float
    ) -> None:
        """A film another source made: its empty runtime and IMDb id filled in, and its
        popularity raised to this one if higher (never lowered: a re-run changes nothing)."""
        self._fills.append((runtime_min, imdb_id, popularity, film_id))

    def add_title(self, film_id: int, title: str, norm: str, kind: str, source_id: int) -> None:
        """A name of the film, its folded key computed already."""
        self._titles.append((film_id, title, norm, kind, source_id))

    def add_person(self, person_id: int, name: str, norm: str) -> None:
        self._people.append((person_id, name, norm))

    def add_alias(self, person_id: int, name: str, norm: str, source_id: int) -> None:
        self._aliases.append((person_id, name, norm, source_id))

    def add_person_key(self, key: str, person_id: int, source_id: int) -> None:
        """The person is `key` in another database ('imdb:nm0000041')."""
        self._keys.append((key, person_id, source_id))

    def add_credit(
        self,
        film_id: int,
        person_id: int,
        role: str,
        billing: int | None,
        source_id: int,
        *,
        fill_billing: bool = False,
    ) -> None:
        """As `CatalogWrites.credit`."""
        queue = self._billings if fill_billing else self._credits
        queue.append((film_id, person_id, role, billing, source_id))

    def add_fact(self, film_id: int, field: str, value: object, source_id: int) -> None:
        """What the source claims about a film."""
        self._facts.append(("film", film_id, field, str(value), source_id))

    def add_link(self, table: str, film_id: int, name_id: int, source_id: int) -> None:
        """The film's genre or country."""
        self._links[table].append((film_id, name_id, source_id))


async def write_rows(tx: Transaction, batch: Batch) -> None:
    """Write a batch, one executemany per statement (foreign keys are checked at COMMIT:
    the importer defers them, as the catalog build does)."""
    statements = PG_STATEMENTS if tx.dialect == "postgres" else STATEMENTS
    for name, rows in batch.items():
        if rows:
            await tx._executemany(statements[name], rows)


async def add_names(tx: Transaction, table: NameTable, names: list[str]) -> dict[str, int]:
    """Add these genre or country names; every name of the table by its folded form."""
    writes = CatalogWrites(tx)
    await writes.add_names(table, names)
    return {name.casefold(): i for i, name in await writes.names(table)}


async def name_ids(db: Database | Transaction, table: NameTable) -> dict[str, int]:
    """Every genre (or country) name's id, by its folded form."""
    rows = await db._fetchall(_NAME_ROWS[table])
    return {r[1].casefold(): r[0] for r in rows}


async def skip_foreign_key_checks(db: Database) -> None:
    """Turn foreign key checks off for this connection (outside a transaction). Only the
    writer process of a bulk import does this, for its own connection: every id it
    writes was read from the database under the same write lock, or is a row the same
    import writes (see `bot.importers.bulk_writer`); the checks would cost a third of
    its time. Other connections keep theirs. (PostgreSQL: the checks stay; only a
    superuser could turn them off.)"""
    if db.dialect == "sqlite":
        await db._execute("PRAGMA foreign_keys = OFF")


# The tables a bulk import fills: their secondary indexes may be set aside while it writes.
_FILLED = ("films", "film_titles", "people", "person_aliases", "credits", "facts",
           "person_keys", "film_genres", "film_countries")  # fmt: skip
_INDEXES = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
    f"AND tbl_name IN ({', '.join(repr(t) for t in _FILLED)}) ORDER BY name"
)


async def set_indexes_aside(tx: Transaction) -> list[tuple[str, str]]:
    """Drop the secondary indexes of the tables a bulk import fills, inside its
    transaction; their (name, definition) as the schema has them, for `restore_indexes`.

    Inserting millions of rows into an index at random places costs several times what
    building it once, sorted, does. The unique constraints stay (their indexes cannot be
    dropped, and their keys grow in order). Nothing else sees the change: the
    transaction restores them before it commits, or rolls everything back. (PostgreSQL:
    the indexes stay; none is set aside.)"""
    if tx.dialect != "sqlite":
        return []
    saved = [(r[0], r[1]) for r in await tx._fetchall(_INDEXES)]
    for name, _ in saved:
        await tx._execute(f'DROP INDEX "{name}"')
    return saved


async def restore_indexes(tx: Transaction, saved: list[tuple[str, str]]) -> None:
    """Create the indexes again from their own definitions: the schema is as it was."""
    for _, definition in saved:
        await tx._execute(definition)


def _bounds(prefix: str) -> tuple[str, str]:
    """The key range of a prefix ('imdb:' <= key < 'imdb;'), so an index answers it."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


# --- the import's source ----------------------------------------------------------------


async def import_source(db: Database | Transaction, uri: str) -> tuple[int, str] | None:
    """(id, sha256) of the source an earlier import recorded under this uri."""
    row = await db._fetchone("SELECT id, sha256 FROM sources WHERE uri = ?", (uri,))
    return (row[0], row[1]) if row else None


async def forget_facts(tx: Transaction, source_id: int) -> None:
    """Remove what an older version of the source claimed (its facts), before the newer
    version's claims are written under the same source. Credits, titles and links stay."""
    await tx._execute("DELETE FROM facts WHERE source_id = ?", (source_id,))


async def renew_source(
    tx: Transaction, source_id: int, *, sha256: str, meta: Mapping[str, Any]
) -> None:
    """The source now stands for the newer files."""
    await tx._execute(
        "UPDATE sources SET sha256 = ?, meta = ?, "
        "imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        (sha256, json.dumps(dict(meta)), source_id),
    )


# --- films ------------------------------------------------------------------------------


async def last_film_id(db: Database | Transaction) -> int:
    return int(await db._scalar("SELECT max(id) FROM films") or 0)


async def film_count(db: Database | Transaction) -> int:
    return int(await db._scalar("SELECT count(*) FROM films"))


async def catalog_imdb_ids(db: Database | Transaction) -> set[str]:
    """Every IMDb id a catalog film has."""
    rows = await db._fetchall("SELECT DISTINCT imdb_id FROM films WHERE imdb_id IS NOT NULL")
    return {r[0] for r in rows}


async def films_by_imdb(
    db: Database | Transaction, own_prefix: str, source_id: int
) -> list[tuple[str, int, int | None, bool]]:
    """(IMDb id, film id, year, own) of every film with an IMDb id, by IMDb id; `own`
    when this source made the film (its key is `own_prefix` + the IMDb id)."""
    rows = await db._fetchall(
        "SELECT imdb_id, id, year, external_key = ? || imdb_id AND source_id IS ? FROM films "
        "WHERE imdb_id IS NOT NULL ORDER BY imdb_id, id",
        (own_prefix, source_id),
    )
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


async def films_by_key_prefix(
    db: Database | Transaction, prefix: str
) -> list[tuple[str, int, int | None]]:
    """(external key, film id, source id) of the films whose key starts with `prefix`."""
    rows = await db._fetchall(
        "SELECT external_key, id, source_id FROM films "
        "WHERE external_key >= ? AND external_key < ?",
        _bounds(prefix),
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def imdb_ids_of(db: Database | Transaction, film_ids: list[int]) -> dict[int, str | None]:
    """Each film's IMDb id (None when it has none)."""
    found: dict[int, str | None] = {}
    for start in range(0, len(film_ids), 500):
        chunk = film_ids[start : start + 500]
        for row in await db._fetchall(
            f"SELECT id, imdb_id FROM films WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ):
            found[row[0]] = row[1]
    return found


async def match_titles(
    db: Database | Transaction, scope: Scope
) -> list[tuple[str, int, int | None]]:
    """(folded title, film id, year) of every name of the films in `scope`."""
    rows = await db._fetchall(
        "SELECT DISTINCT t.norm, f.id, f.year FROM film_titles t JOIN films f "
        f"ON f.id = t.film_id WHERE {_SCOPE[scope]}"
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def match_subtitled(db: Database | Transaction, scope: Scope) -> list[tuple[int, str]]:
    """(film id, title) of the titles of films in `scope` that may carry a subtitle."""
    rows = await db._fetchall(
        "SELECT t.film_id, t.title FROM film_titles t JOIN films f ON f.id = t.film_id "
        f"WHERE {_SCOPE[scope]} AND (t.title LIKE '%:%' OR t.title LIKE '% or %' "
        "OR t.title LIKE '% – %' OR t.title LIKE '% - %' OR t.title LIKE '% — %')"
    )
    return [(r[0], r[1]) for r in rows]


async def match_directors(db: Database | Transaction, scope: Scope) -> list[tuple[int, str]]:
    """(film id, spelling) of every spelling of the directors of films in `scope`."""
    rows = await db._fetchall(
        "SELECT DISTINCT c.film_id, a.name FROM credits c JOIN films f ON f.id = c.film_id "
        "JOIN person_aliases a ON a.person_id = c.person_id "
        f"WHERE c.role = 'director' AND {_SCOPE[scope]}"
    )
    return [(r[0], r[1]) for r in rows]


async def match_cast(
    db: Database | Transaction, scope: Scope, *, directorless_only: bool
) -> list[tuple[int, str]]:
    """(film id, folded actor name) of the cast of films in `scope`; with
    `directorless_only`, of the films no director is credited on (the cast decides
    only when the directors cannot)."""
    only = (
        " AND NOT EXISTS (SELECT 1 FROM credits d WHERE d.film_id = c.film_id "
        "AND d.role = 'director')"
        if directorless_only
        else ""
    )
    rows = await db._fetchall(
        "SELECT c.film_id, p.norm FROM credits c JOIN films f ON f.id = c.film_id "
        f"JOIN people p ON p.id = c.person_id WHERE c.role = 'cast' AND {_SCOPE[scope]}{only}"
    )
    return [(r[0], r[1]) for r in rows]


async def films_billed_by_others(db: Database | Transaction, source_id: int | None) -> set[int]:
    """Films whose cast order another source gave (a 'billing' fact not of `source_id`)."""
    rows = await db._fetchall(
        "SELECT DISTINCT entity_id FROM facts WHERE entity = 'film' AND field = 'billing' "
        "AND source_id IS NOT ?",
        (source_id,),
    )
    return {r[0] for r in rows}


# --- people -------------------------------------------------------------------------------


async def last_person_id(db: Database | Transaction) -> int:
    return int(await db._scalar("SELECT max(id) FROM people") or 0)


async def person_keys(db: Database | Transaction, prefix: str) -> list[tuple[str, int]]:
    """(key without `prefix`, person id) of the people keyed in that database."""
    rows = await db._fetchall(
        "SELECT substr(external_key, ?), person_id FROM person_keys "
        "WHERE external_key >= ? AND external_key < ?",
        (len(prefix) + 1, *_bounds(prefix)),
    )
    return [(r[0], r[1]) for r in rows]


async def unkeyed_people(db: Database | Transaction, prefix: str) -> list[tuple[str, int]]:
    """(folded spelling, person id) of people no key of that database names: their
    names first, then their aliases (the lowest id per spelling)."""
    unkeyed = (
        "NOT EXISTS (SELECT 1 FROM person_keys k WHERE k.person_id = {col} "
        "AND k.external_key >= ? AND k.external_key < ?)"
    )
    bounds = _bounds(prefix)
    aliases = await db._fetchall(
        "SELECT a.norm, min(a.person_id) FROM person_aliases a "
        f"WHERE {unkeyed.format(col='a.person_id')} GROUP BY a.norm",
        bounds,
    )
    names = await db._fetchall(
        f"SELECT p.norm, min(p.id) FROM people p WHERE {unkeyed.format(col='p.id')} "
        "GROUP BY p.norm",
        bounds,
    )
    return [(r[0], r[1]) for r in aliases] + [(r[0], r[1]) for r in names]


async def credited_people(
    db: Database | Transaction, film_ids: list[int]
) -> list[tuple[int, int, str]]:
    """(film id, person id, spelling) of everyone credited on these films, every spelling
    (their name and their aliases)."""
    found: list[tuple[int, int, str]] = []
    for start in range(0, len(film_ids), 500):
        chunk = film_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = await db._fetchall(
            "SELECT c.film_id, p.id, p.name FROM credits c JOIN people p ON p.id = c.person_id "
            f"WHERE c.film_id IN ({marks}) UNION "
            "SELECT c.film_id, a.person_id, a.name FROM credits c "
            f"JOIN person_aliases a ON a.person_id = c.person_id WHERE c.film_id IN ({marks})",
            chunk + chunk,
        )
        found.extend((r[0], r[1], r[2]) for r in rows)
    return found


async def titles_of_films(db: Database | Transaction, film_ids: list[int]) -> list[tuple[int, str]]:
    """(film id, folded title) of every name of these films."""
    found: list[tuple[int, str]] = []
    for start in range(0, len(film_ids), 500):
        chunk = film_ids[start : start + 500]
        rows = await db._fetchall(
            "SELECT DISTINCT film_id, norm FROM film_titles "
            f"WHERE film_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        found.extend((r[0], r[1]) for r in rows)
    return found
