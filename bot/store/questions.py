"""Open questions: the numbered lists a user was asked to pick from (`!pick N`).

They live in the database, not in the process, so the answer may come from another
process (`filmbot ask "!film solaris"`, then `filmbot ask "!pick 2"`) or after a restart.
One question is open per (platform, channel, user); asking again replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database

# Whose question: (platform, channel or room, user), as `Request.key` gives it.
Key = tuple[str, str, str]


@dataclass(frozen=True)
class OpenQuestion:
    question: str  # the list's id; a menu passes it back with the choice
    command: str  # what the answer runs
    options: dict[str, Any]  # that command's options, as given with the question
    choices: tuple[str, ...]  # the choices' ids ('film:12'), in the list's order
    expires_at: float  # seconds, on the clock that asked (the epoch, outside tests)


async def remember(
    db: Database, key: Key, asked: OpenQuestion, *, now: float, give_up: float | None = None
) -> None:
    """Open `asked` for `key`, replacing the question open there, and forget every
    question that has expired. `give_up`: seconds to wait for the write lock before
    DatabaseBusyError (another process may hold it for long, e.g. a big import)."""
    async with db.transaction(give_up=give_up) as tx:
        await tx._execute("DELETE FROM open_questions WHERE expires_at < ?", (now,))
        await tx._execute(
            "INSERT INTO open_questions (platform, channel, user_id, question, command, "
            "options, choices, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, channel, user_id) DO UPDATE SET "
            "question = excluded.question, command = excluded.command, "
            "options = excluded.options, choices = excluded.choices, "
            "expires_at = excluded.expires_at",
            (
                *key,
                asked.question,
                asked.command,
                json.dumps(asked.options),
                json.dumps(list(asked.choices)),
                asked.expires_at,
            ),
        )


async def open_question(db: Database, key: Key, *, now: float) -> OpenQuestion | None:
    """The question open for `key` and not expired at `now`, if any."""
    row = await db._fetchone(
        "SELECT question, command, options, choices, expires_at FROM open_questions "
        "WHERE platform = ? AND channel = ? AND user_id = ? AND expires_at >= ?",
        (*key, now),
    )
    if row is None:
        return None
    return OpenQuestion(
        row[0], row[1], json.loads(row[2]), tuple(json.loads(row[3])), float(row[4])
    )


async def take(db: Database, key: Key, question: str, *, give_up: float | None = None) -> bool:
    """Close `question` for `key`; False when it is no longer open (answered meanwhile,
    from another process too, or replaced by a newer one): each question is answered once."""
    async with db.transaction(give_up=give_up) as tx:
        changed = await tx._execute(
            "DELETE FROM open_questions "
            "WHERE platform = ? AND channel = ? AND user_id = ? AND question = ?",
            (*key, question),
        )
    return changed == 1


# --- what plain-word questions (`ask`) read besides the cards' queries -----------------


@dataclass(frozen=True)
class Role:
    """A part in a film: who plays it, the names it goes by, and who said so."""

    actor: str
    character: str
    aliases: tuple[str, ...]  # other spellings of the character's name
    sources: tuple[str, ...]  # the sources of the credit and of the character's names


async def film_roles(db: Database, film_id: int) -> list[Role]:
    """The film's cast members whose part a source names, in billing order."""
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    for actor, character, alias, credit_source, alias_source in await db._fetchall(
        "SELECT p.name, ch.name, ca.name, cs.name, als.name FROM credits c "
        "JOIN people p ON p.id = c.person_id JOIN characters ch ON ch.id = c.character_id "
        "LEFT JOIN character_aliases ca ON ca.character_id = ch.id "
        "LEFT JOIN sources cs ON cs.id = c.source_id "
        "LEFT JOIN sources als ON als.id = ca.source_id "
        "WHERE c.film_id = ? AND c.role = 'cast' "
        "ORDER BY c.billing IS NULL, c.billing, p.name, ca.id",
        (film_id,),
    ):
        entry = found.setdefault((actor, character), {"aliases": [], "sources": []})
        if alias and alias != character and alias not in entry["aliases"]:
            entry["aliases"].append(alias)
        for source in (alias_source, credit_source):
            if source and source not in entry["sources"]:
                entry["sources"].append(source)
    return [
        Role(actor, character, tuple(v["aliases"]), tuple(v["sources"]))
        for (actor, character), v in found.items()
    ]


async def synopsis_sources(db: Database, film_id: int) -> tuple[str, ...]:
    """The sources that gave the film's stored synopsis (not every synopsis offered)."""
    rows = await db._fetchall(
        "SELECT s.name FROM facts fa JOIN sources s ON s.id = fa.source_id "
        "JOIN films f ON f.id = fa.entity_id "
        "WHERE fa.entity = 'film' AND fa.entity_id = ? AND fa.field = 'synopsis' "
        "AND fa.value = f.synopsis GROUP BY s.name ORDER BY min(s.id)",
        (film_id,),
    )
    return tuple(r[0] for r in rows)


async def source_kinds(db: Database, names: list[str]) -> dict[str, str]:
    """Source name -> its kind ('catalog', 'disc_review', 'release_listing', ...)."""
    if not names:
        return {}
    marks = ",".join("?" * len(names))
    rows = await db._fetchall(
        f"SELECT name, min(kind) FROM sources WHERE name IN ({marks}) GROUP BY name",
        list(names),
    )
    return {r[0]: r[1] for r in rows}


async def films_with_editions(
    db: Database, film_ids: list[int], fmt: str | None, label: str | None
) -> list[int]:
    """Those of `film_ids` with an edition in the format `fmt` (as stored: '4K UHD') and
    of a label whose name holds `label`; either may be None (any)."""
    if not film_ids:
        return []
    marks = ",".join("?" * len(film_ids))
    rows = await db._fetchall(
        "SELECT ef.film_id FROM edition_films ef JOIN editions e ON e.id = ef.edition_id "
        "LEFT JOIN labels l ON l.id = e.label_id "
        f"WHERE ef.film_id IN ({marks}) AND (? IS NULL OR e.format = ?) "
        "AND (? IS NULL OR lower(l.name) LIKE '%' || ? || '%') "
        "GROUP BY ef.film_id ORDER BY ef.film_id",
        [*film_ids, fmt, fmt, label, (label or "").lower()],
    )
    return [r[0] for r in rows]


async def film_credit_names(db: Database, film_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Film id -> its credits as (role, person's name), for the films asked about: what
    tells namesakes apart when a question names a director or an actor."""
    if not film_ids:
        return {}
    marks = ",".join("?" * len(film_ids))
    rows = await db._fetchall(
        "SELECT c.film_id, c.role, p.name FROM credits c JOIN people p ON p.id = c.person_id "
        f"WHERE c.film_id IN ({marks}) ORDER BY c.film_id, c.role, c.billing IS NULL, c.billing",
        list(film_ids),
    )
    found: dict[int, list[tuple[str, str]]] = {i: [] for i in film_ids}
    for film_id, role, name in rows:
        found[film_id].append((role, name))
    return found


async def edition_counts(db: Database, film_ids: list[int]) -> dict[int, int]:
    """Film id -> how many editions (box sets included) hold it, for the films asked."""
    if not film_ids:
        return {}
    marks = ",".join("?" * len(film_ids))
    rows = await db._fetchall(
        "SELECT ef.film_id, count(DISTINCT ef.edition_id) FROM edition_films ef "
        f"WHERE ef.film_id IN ({marks}) GROUP BY ef.film_id",
        list(film_ids),
    )
    found = {i: 0 for i in film_ids}
    found.update({r[0]: r[1] for r in rows})
    return found


@dataclass(frozen=True)
class Part:
    """A part a source names, in some film: who plays it and who said so."""

    film_id: int
    character: str
    actor: str
    sources: tuple[str, ...]


async def parts_named(db: Database, name: str) -> list[Part]:
    """The parts whose character name (or one of its other names) is `name`, compared
    without case; each with its film and actor."""
    wanted = " ".join(name.lower().split())
    if not wanted:
        return []
    # The characters first (few rows), then their credits by film: credits has no index
    # on character_id, and its (film_id, …) key finds them.
    chars = await db._fetchall(
        "SELECT id, film_id FROM characters WHERE lower(name) = ? OR id IN "
        "(SELECT character_id FROM character_aliases WHERE lower(name) = ?)",
        (wanted, wanted),
    )
    if not chars:
        return []
    film_marks = ",".join("?" * len(chars))
    rows = await db._fetchall(
        "SELECT c.film_id, ch.name, p.name, s.name FROM credits c "
        "JOIN characters ch ON ch.id = c.character_id JOIN people p ON p.id = c.person_id "
        "LEFT JOIN sources s ON s.id = c.source_id "
        f"WHERE c.film_id IN ({film_marks}) AND c.character_id IN ({film_marks}) "
        "AND c.role = 'cast' ORDER BY c.film_id, c.billing IS NULL, c.billing, p.name",
        [*(r[1] for r in chars), *(r[0] for r in chars)],
    )
    found: dict[tuple[int, str, str], list[str]] = {}
    for film_id, character, actor, source in rows:
        said = found.setdefault((film_id, character, actor), [])
        if source and source not in said:
            said.append(source)
    return [Part(f, c, a, tuple(s)) for (f, c, a), s in found.items()]


async def films_with_parts(db: Database) -> int:
    """How many films have at least one part named by a source."""
    row = await db._fetchone("SELECT count(DISTINCT film_id) FROM characters")
    return int(row[0]) if row else 0


async def boxset_titles(db: Database) -> list[tuple[int, str]]:
    """Every box set's id and name."""
    rows = await db._fetchall("SELECT id, title FROM editions WHERE is_boxset = 1 ORDER BY id")
    return [(r[0], r[1]) for r in rows]
