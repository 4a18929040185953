"""What the search engine reads from the database, and the keyword table it owns (FTS5 in
SQLite, a tsvector column with a GIN index in PostgreSQL: migration 0003 of each)."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Iterable

from bot.models import FilmSummary, NameEntry, PersonCredit, TitleEntry
from bot.store.db import Database, Transaction
from bot.store.films import film_summaries

# Films that a label released get a popularity bonus: people ask about editions, so a
# film with one is the likelier meaning of an ambiguous title.
_TITLE_ROWS = (
    "SELECT t.film_id, t.title, f.year, "
    "f.popularity + CASE WHEN EXISTS (SELECT 1 FROM edition_films ef "
    "  WHERE ef.film_id = f.id) THEN 2.0 ELSE 0 END, t.kind = 'primary' "
    "FROM film_titles t JOIN films f ON f.id = t.film_id"
)


async def title_entries(db: Database, film_ids: Iterable[int] | None = None) -> list[TitleEntry]:
    """Every title and alias of these films (of all films when None)."""
    if film_ids is None:
        rows = await db._fetchall(_TITLE_ROWS + " ORDER BY t.id")
    else:
        ids, rows = sorted(set(film_ids)), []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += await db._fetchall(
                f"{_TITLE_ROWS} WHERE t.film_id IN ({marks}) ORDER BY t.id", chunk
            )
    # A million rows become entries off the event loop.
    return await asyncio.to_thread(_title_entries, rows)


def _title_entries(rows: list) -> list[TitleEntry]:
    return [TitleEntry(r[0], r[1], r[2], float(r[3]), bool(r[4])) for r in rows]


async def change_mark(db: Database) -> int:
    """The id of the latest logged change to searchable film facts (migration 0003)."""
    return int(await db._scalar("SELECT coalesce(max(id), 0) FROM search_changes"))


async def changed_films(db: Database, after: int, upto: int) -> set[int]:
    """Films whose titles, year, popularity or editions changed in (after, upto]."""
    rows = await db._fetchall(
        "SELECT DISTINCT film_id FROM search_changes WHERE id > ? AND id <= ?", (after, upto)
    )
    return {int(r[0]) for r in rows}


# Each person's distinct films and films directed: how well known they are (person search
# ranks by it). Counted per person, so an alias costs no second count; the distinct pairs
# come from the (film, person, role) index, and a director credit is one per film.
_FILMS_OF = (
    "SELECT person_id, count(*) FROM (SELECT DISTINCT film_id, person_id FROM credits{}) AS x"
)
_DIRECTED = "SELECT person_id, count(*) FROM credits WHERE role = 'director'{}"


async def _person_stats(db: Database, person_ids: list[int] | None) -> dict[int, tuple[int, int]]:
    films: dict[int, int] = {}
    directed: dict[int, int] = {}
    if person_ids is None:
        chunks: list[list[int]] = [[]]
    else:
        ids = sorted(set(person_ids))
        chunks = [ids[start : start + 500] for start in range(0, len(ids), 500)]
    for chunk in chunks:
        if person_ids is not None and not chunk:
            continue
        where = f" WHERE person_id IN ({','.join('?' * len(chunk))})" if chunk else ""
        also = f" AND person_id IN ({','.join('?' * len(chunk))})" if chunk else ""
        for person_id, count in await db._fetchall(
            _FILMS_OF.format(where) + " GROUP BY person_id", chunk
        ):
            films[int(person_id)] = int(count)
        for person_id, count in await db._fetchall(
            _DIRECTED.format(also) + " GROUP BY person_id", chunk
        ):
            directed[int(person_id)] = int(count)
    return {p: (n, directed.get(p, 0)) for p, n in films.items()}


async def name_entries(
    db: Database, after: tuple[int, int] = (0, 0)
) -> tuple[list[NameEntry], tuple[int, int]]:
    """People's names and aliases added after the (person id, alias id) marks, each with
    the person's film and directing counts; the marks of what was read."""
    people = await db._fetchall("SELECT id, name FROM people WHERE id > ? ORDER BY id", (after[0],))
    aliases = await db._fetchall(
        "SELECT a.id, a.person_id, a.name, p.name FROM person_aliases a "
        "JOIN people p ON p.id = a.person_id WHERE a.id > ? ORDER BY a.id",
        (after[1],),
    )
    wanted = None if after == (0, 0) else [r[0] for r in people] + [r[1] for r in aliases]
    stats = await _person_stats(db, wanted)
    entries = []
    for r in people:
        films, directed = stats.get(r[0], (0, 0))
        entries.append(NameEntry(r[0], r[1], films, True, directed))
    for r in aliases:
        films, directed = stats.get(r[1], (0, 0))
        # The person's own name too, so a side index shows it and not the alias.
        entries += [
            NameEntry(r[1], r[3], films, True, directed),
            NameEntry(r[1], r[2], films, False, directed),
        ]
    marks = (
        max([after[0], *(r[0] for r in people)]),
        max([after[1], *(r[0] for r in aliases)]),
    )
    return entries, marks


async def people_fingerprint(db: Database) -> str:
    """What a saved person index must match to be used: this database's id and the count
    and highest id of people, aliases and credits (an import that adds or merges people,
    or credits them with films, changes it)."""
    row = await db._fetchone(
        "SELECT (SELECT value FROM search_state WHERE name = 'database_id'), "
        "(SELECT count(*) FROM people), (SELECT coalesce(max(id), 0) FROM people), "
        "(SELECT count(*) FROM person_aliases), (SELECT coalesce(max(id), 0) FROM person_aliases), "
        "(SELECT count(*) FROM credits), (SELECT coalesce(max(id), 0) FROM credits)"
    )
    return ":".join(str(v) for v in row) if row else ""


async def best_known_films(db: Database, person_ids: list[int]) -> dict[int, int]:
    """Each person's most popular film (what a list of namesakes shows them by)."""
    if not person_ids:
        return {}
    marks = ",".join("?" * len(person_ids))
    if db.dialect == "postgres":
        sql = (
            f"SELECT DISTINCT ON (c.person_id) c.person_id, c.film_id FROM credits c "
            f"JOIN films f ON f.id = c.film_id WHERE c.person_id IN ({marks}) "
            "ORDER BY c.person_id, f.popularity DESC"
        )
    else:
        # SQLite takes the bare column film_id from the row holding the max().
        sql = (
            f"SELECT c.person_id, c.film_id, max(f.popularity) FROM credits c "
            f"JOIN films f ON f.id = c.film_id WHERE c.person_id IN ({marks}) "
            "GROUP BY c.person_id"
        )
    rows = await db._fetchall(sql, person_ids)
    return {int(r[0]): int(r[1]) for r in rows}


async def popularity_of(db: Database, film_ids: list[int]) -> dict[int, float]:
    """Each film's ranking signal (how widely known it is)."""
    if not film_ids:
        return {}
    marks = ",".join("?" * len(film_ids))
    rows = await db._fetchall(f"SELECT id, popularity FROM films WHERE id IN ({marks})", film_ids)
    return {int(r[0]): float(r[1] or 0.0) for r in rows}


async def fingerprint(db: Database, mark: int) -> str:
    """What a saved title index must match to be used: this database's id, the change
    log's position, and the titles' count and highest id (guards against an emptied log)."""
    row = await db._fetchone(
        "SELECT (SELECT value FROM search_state WHERE name = 'database_id'), "
        "count(*), coalesce(max(id), 0) FROM film_titles"
    )
    return f"{row[0]}:{mark}:{row[1]}:{row[2]}" if row else str(mark)


async def data_version(db: Database) -> int:
    """A number that changes when another connection commits what search reads: SQLite's
    counter of commits by other connections (another `filmbot import`); in PostgreSQL the
    highest ids of the change log, people and aliases, added up (each only grows)."""
    if db.dialect == "postgres":
        return int(
            await db._scalar(
                "SELECT (SELECT coalesce(max(id), 0) FROM search_changes) "
                "+ (SELECT coalesce(max(id), 0) FROM people) "
                "+ (SELECT coalesce(max(id), 0) FROM person_aliases)"
            )
        )
    return int(await db._scalar("PRAGMA data_version"))


async def credits_of(db: Database, person_ids: list[int]) -> dict[int, list[PersonCredit]]:
    """Each person's films with the roles they had, newest first."""
    if not person_ids:
        return {}
    marks = ",".join("?" * len(person_ids))
    rows = await db._fetchall(
        f"SELECT c.person_id, c.film_id, c.role FROM credits c "
        f"WHERE c.person_id IN ({marks}) ORDER BY c.person_id, c.film_id, c.role",
        person_ids,
    )
    roles: dict[int, dict[int, list[str]]] = defaultdict(dict)
    for person_id, film_id, role in rows:
        roles[person_id].setdefault(film_id, []).append(role)
    summaries = await film_summaries(db, sorted({r[1] for r in rows}))
    result: dict[int, list[PersonCredit]] = {}
    for person_id, films in roles.items():
        credits = [PersonCredit(summaries[f], tuple(r)) for f, r in films.items() if f in summaries]
        credits.sort(key=lambda c: (-(c.film.year or 0), c.film.title))
        result[person_id] = credits
    return result


# -- keyword search (FTS5; PostgreSQL: tsvector) ------------------------------------------

_FILM_TEXT = """
SELECT f.id, f.title || ' ' || coalesce(f.synopsis, '') || ' ' ||
  coalesce((SELECT group_concat(t.title, ' ') FROM film_titles t WHERE t.film_id = f.id), '')
  || ' ' ||
  coalesce((SELECT group_concat(r.verdict, ' ') FROM reviews r WHERE r.film_id = f.id), '')
  || ' ' ||
  coalesce((SELECT group_concat(s.body, ' ') FROM review_sections s
            JOIN reviews r ON r.id = s.review_id
            WHERE r.film_id = f.id AND s.is_spoiler = 0), '')
  || ' ' ||
  coalesce((SELECT group_concat(n.body, ' ') FROM plot_notes n
            WHERE n.film_id = f.id AND n.is_spoiler = 0), '')
FROM films f
"""
# PostgreSQL's group_concat is string_agg.
_FILM_TEXT_PG = _FILM_TEXT.replace("group_concat(", "string_agg(")


async def refresh_film_text(db: Database, film_ids: Iterable[int] | None = None) -> int:
    """Rebuild the keyword rows of these films (all films when None) in one transaction."""
    async with db.transaction() as tx:
        return await write_film_text(tx, film_ids)


async def write_film_text(tx: Transaction, film_ids: Iterable[int] | None) -> int:
    """`refresh_film_text` inside the caller's transaction (an import's own).

    Spoiler sections and spoiler plot notes are left out: a keyword hit must never tell
    anyone how a film ends.
    """
    film_text = _FILM_TEXT_PG if tx.dialect == "postgres" else _FILM_TEXT
    if film_ids is None:
        await tx._execute("DELETE FROM film_text")
        await tx._execute(f"INSERT INTO film_text (film_id, body) {film_text}")
        await tx._execute(
            "INSERT INTO search_state (name, value) VALUES ('film_text_complete', '1') "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
        )
        return int(await tx._scalar("SELECT count(*) FROM film_text"))
    ids = sorted(set(film_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        await tx._execute(f"DELETE FROM film_text WHERE film_id IN ({marks})", chunk)
        await tx._execute(
            f"INSERT INTO film_text (film_id, body) {film_text} WHERE f.id IN ({marks})", chunk
        )
    return len(ids)


async def film_text_missing(db: Database) -> bool:
    """True for a database filled before keyword search existed (migration 0003) until
    the text of every film has been written once; imports write only their own film's."""
    row = await db._fetchone(
        "SELECT EXISTS (SELECT 1 FROM films), "
        "EXISTS (SELECT 1 FROM search_state WHERE name = 'film_text_complete')"
    )
    return bool(row and row[0] and not row[1])


# Anything but letters and digits separates words; FTS5 operators become plain words.
_WORD = re.compile(r"\w+")
KEYWORDS_MAX = 12


def _words(query: str) -> list[str]:
    # Split like the FTS tokenizer does (apostrophes separate: "l'avventura" is two
    # words; ø and ß stay letters); it removes diacritics itself.
    return _WORD.findall(query[:1000].lower().replace("_", " "))[:KEYWORDS_MAX]


def match_expression(query: str, *, any_word: bool = False) -> str | None:
    """A safe FTS5 MATCH string for what a user typed, or None when nothing is searchable.

    Every word is quoted, so `"`, `*`, `NEAR`, `OR`, `-` and column filters are text, never
    syntax; words are split as the FTS tokenizer splits them and capped at KEYWORDS_MAX.
    """
    words = _words(query)
    if not words:
        return None
    return (" OR " if any_word else " ").join(f'"{w}"' for w in words)


def tsquery_expression(query: str, *, any_word: bool = False) -> str | None:
    """The same for PostgreSQL's to_tsquery: every word quoted (a word holds only letters,
    digits: no quote, no operator), joined by & (all) or | (any)."""
    words = _words(query)
    if not words:
        return None
    return (" | " if any_word else " & ").join(f"'{w}'" for w in words)


# The best match first: FTS5's bm25 is lower for a better match; ts_rank is higher.
_KEYWORD_SQL = (
    "SELECT t.film_id FROM film_text t JOIN films f ON f.id = t.film_id "
    "WHERE film_text MATCH ? ORDER BY bm25(film_text) - f.popularity / 10.0 LIMIT ?"
)
_KEYWORD_SQL_PG = (
    "SELECT t.film_id FROM film_text t JOIN films f ON f.id = t.film_id, "
    "to_tsquery('filmbot_text', ?) q WHERE t.tsv @@ q "
    "ORDER BY -ts_rank(t.tsv, q) - f.popularity / 10.0, t.film_id LIMIT ?"
)


async def keyword_films(db: Database, query: str, limit: int = 10) -> list[FilmSummary]:
    """Films whose text has all the words (else any of them), best match first."""
    postgres = db.dialect == "postgres"
    for any_word in (False, True):
        expression = (tsquery_expression if postgres else match_expression)(
            query, any_word=any_word
        )
        if expression is None:
            return []
        rows = await db._fetchall(
            _KEYWORD_SQL_PG if postgres else _KEYWORD_SQL, (expression, limit)
        )
        if rows:
            ids = [int(r[0]) for r in rows]
            summaries = await film_summaries(db, ids)
            return [summaries[i] for i in ids if i in summaries]
        if len(_words(query)) < 2:  # one word: "any of them" finds nothing more
            return []
    return []
