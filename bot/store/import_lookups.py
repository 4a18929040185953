"""What the importers read to match what they import with what is there: films by title,
their directors, people by spelling, a film's editions, characters, features.

Every function runs inside the importer's transaction (it takes the `Transaction`), so it
sees the rows the import wrote so far.
"""

from __future__ import annotations

from bot.store.db import Transaction

# --- the catalog build: everything at once, into its in-memory maps -----------------------


async def film_ids_by_key(tx: Transaction) -> dict[str, int]:
    """Every film's id by its external key."""
    return {r[0]: r[1] for r in await tx._fetchall("SELECT external_key, id FROM films")}


async def last_film_id(tx: Transaction) -> int:
    """The highest film id (0 for none): the catalog numbers new films after it."""
    return int(await tx._scalar("SELECT max(id) FROM films") or 0)


async def last_person_id(tx: Transaction) -> int:
    """The highest person id (0 for none): the catalog numbers new people after it."""
    return int(await tx._scalar("SELECT max(id) FROM people") or 0)


async def person_ids_by_norm(tx: Transaction) -> dict[str, int]:
    """The person each folded spelling means. A spelling that is someone's own name means
    that person, even when it is also an alias of another ('Charles Chaplin' is Jr.'s
    name and a Criterion spelling of Charlie's); else the lowest id with that alias."""
    found: dict[str, int] = {}
    for norm, person_id in await tx._fetchall(
        "SELECT norm, min(person_id) FROM person_aliases GROUP BY norm"
    ):
        found[norm] = person_id
    for norm, person_id in await tx._fetchall("SELECT norm, min(id) FROM people GROUP BY norm"):
        found[norm] = person_id
    return found


async def director_spellings(tx: Transaction) -> list[tuple[int, str]]:
    """(person_id, spelling) of everyone credited as a director, each pair once."""
    rows = await tx._fetchall(
        "SELECT DISTINCT a.person_id, a.name FROM credits c "
        "JOIN person_aliases a ON a.person_id = c.person_id WHERE c.role = 'director'"
    )
    return [(r[0], r[1]) for r in rows]


async def title_keys(tx: Transaction) -> list[tuple[str, int, int | None]]:
    """(folded title, film_id, year) for every title and alias of every film."""
    rows = await tx._fetchall(
        "SELECT DISTINCT t.norm, f.id, f.year FROM film_titles t JOIN films f ON f.id = t.film_id"
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def film_titles_with_subtitles(tx: Transaction) -> list[tuple[int, str]]:
    """(film_id, title) of every title that may carry a subtitle (a colon, ' or ', a dash)."""
    rows = await tx._fetchall(
        "SELECT film_id, title FROM film_titles WHERE title LIKE '%:%' OR title LIKE '% or %' "
        "OR title LIKE '% – %' OR title LIKE '% - %' OR title LIKE '% — %'"
    )
    return [(r[0], r[1]) for r in rows]


async def cast_norms(tx: Transaction) -> list[tuple[int, str]]:
    """(film_id, the actor's folded name) of every cast credit."""
    rows = await tx._fetchall(
        "SELECT c.film_id, p.norm FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.role = 'cast'"
    )
    return [(r[0], r[1]) for r in rows]


async def film_ids_by_imdb(tx: Transaction) -> list[tuple[str, int]]:
    """(IMDb id, film id) of every film that has one (an id may belong to two films)."""
    rows = await tx._fetchall("SELECT imdb_id, id FROM films WHERE imdb_id IS NOT NULL")
    return [(r[0], r[1]) for r in rows]


async def film_director_spellings(tx: Transaction) -> list[tuple[int, int, str]]:
    """(film_id, person_id, spelling) of every film's directors, every spelling."""
    rows = await tx._fetchall(
        "SELECT c.film_id, c.person_id, a.name FROM credits c "
        "JOIN person_aliases a ON a.person_id = c.person_id WHERE c.role = 'director'"
    )
    return [(r[0], r[1], r[2]) for r in rows]


# --- a document merge: one film at a time -----------------------------------------------


async def films_titled(tx: Transaction, norm: str) -> list[tuple[int, str, int | None]]:
    """(id, title, year) of the films with a title or alias of this folded title."""
    rows = await tx._fetchall(
        "SELECT DISTINCT f.id, f.title, f.year FROM film_titles t "
        "JOIN films f ON f.id = t.film_id WHERE t.norm = ?",
        (norm,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def directors_of(tx: Transaction, film_id: int) -> list[str]:
    """Every spelling of the film's directors' names."""
    rows = await tx._fetchall(
        "SELECT a.name FROM credits c JOIN person_aliases a ON a.person_id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'director'",
        (film_id,),
    )
    return [r[0] for r in rows]


async def titles_of(tx: Transaction, film_id: int) -> list[str]:
    """Every title the film is known by."""
    rows = await tx._fetchall("SELECT title FROM film_titles WHERE film_id = ?", (film_id,))
    return [r[0] for r in rows]


async def film_key_and_title(tx: Transaction, film_id: int) -> tuple[str, str]:
    row = await tx._fetchone("SELECT external_key, title FROM films WHERE id = ?", (film_id,))
    if row is None:
        raise LookupError(f"no film #{film_id}")
    return row[0], row[1]


async def credited_spellings(tx: Transaction, film_id: int) -> list[tuple[int, str]]:
    """(person_id, spelling) of everyone credited on the film, each pair once."""
    rows = await tx._fetchall(
        "SELECT DISTINCT a.person_id, a.name FROM credits c "
        "JOIN person_aliases a ON a.person_id = c.person_id WHERE c.film_id = ?",
        (film_id,),
    )
    return [(r[0], r[1]) for r in rows]


async def person_spelled(tx: Transaction, norm: str) -> int | None:
    """A person whose name, else one of whose aliases, folds to `norm`."""
    return await tx._scalar(
        "SELECT p.id FROM people p WHERE p.norm = ? UNION ALL "
        "SELECT a.person_id FROM person_aliases a WHERE a.norm = ? LIMIT 1",
        (norm, norm),
    )


async def cast_spellings(tx: Transaction, film_id: int) -> list[tuple[int, str]]:
    """(credit_id, spelling) of the film's cast, every spelling of each actor."""
    rows = await tx._fetchall(
        "SELECT c.id, a.name FROM credits c JOIN person_aliases a ON a.person_id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'cast'",
        (film_id,),
    )
    return [(r[0], r[1]) for r in rows]


async def character_keyed(tx: Transaction, film_id: int, key: str) -> int | None:
    """The film's character with an alias of this transliteration key (`translit_key`)."""
    return await tx._scalar(
        "SELECT ch.id FROM characters ch JOIN character_aliases ca "
        "ON ca.character_id = ch.id WHERE ch.film_id = ? AND ca.norm = ?",
        (film_id, key),
    )


async def characters_of(tx: Transaction, film_id: int) -> list[tuple[int, str]]:
    """(id, name) of the film's characters."""
    rows = await tx._fetchall("SELECT id, name FROM characters WHERE film_id = ?", (film_id,))
    return [(r[0], r[1]) for r in rows]


async def single_editions_of(
    tx: Transaction, film_id: int
) -> list[tuple[int, str | None, str | None, int | None, str | None]]:
    """(id, spine, format, label_id, region) of the film's editions that are not box sets,
    oldest first."""
    rows = await tx._fetchall(
        "SELECT e.id, e.spine, e.format, e.label_id, e.region FROM editions e "
        "JOIN edition_films ef ON ef.edition_id = e.id "
        "WHERE ef.film_id = ? AND e.is_boxset = 0 ORDER BY e.id",
        (film_id,),
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def audio_tracks(tx: Transaction, edition_id: int) -> list[tuple[str | None, str | None]]:
    """(language, codec) of the edition's audio tracks."""
    rows = await tx._fetchall(
        "SELECT language, codec FROM edition_audio WHERE edition_id = ?", (edition_id,)
    )
    return [(r[0], r[1]) for r in rows]


async def features_of(tx: Transaction, edition_id: int) -> list[tuple[int, str]]:
    """(id, title) of the edition's special features."""
    rows = await tx._fetchall(
        "SELECT id, title FROM special_features WHERE edition_id = ?", (edition_id,)
    )
    return [(r[0], r[1]) for r in rows]


async def film_label(tx: Transaction, film_id: int) -> str:
    """'Title (Year)', or the title of an undated film."""
    row = await tx._fetchone("SELECT title, year FROM films WHERE id = ?", (film_id,))
    if row is None:
        raise LookupError(f"no film #{film_id}")
    return f"{row[0]} ({row[1]})" if row[1] else row[0]
