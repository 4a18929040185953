"""Which sources stated a film's or an edition's facts, field by field (for answers that
name their source)."""

from __future__ import annotations

from collections import defaultdict

from bot.store.db import Database

# Link tables that keep their own source, by the field answers ask for.
_FILM_LINKS = {
    "genre": "SELECT s.name FROM film_genres x JOIN sources s ON s.id = x.source_id "
    "WHERE x.film_id = ? GROUP BY s.name ORDER BY min(s.id)",
    "language": "SELECT s.name FROM film_languages x "
    "JOIN sources s ON s.id = x.source_id WHERE x.film_id = ? GROUP BY s.name ORDER BY min(s.id)",
}
_EDITION_LINKS = {
    "subtitles": "SELECT s.name FROM edition_subtitles x JOIN sources s "
    "ON s.id = x.source_id WHERE x.edition_id = ? GROUP BY s.name ORDER BY min(s.id)",
    "features": "SELECT s.name FROM special_features x JOIN sources s "
    "ON s.id = x.source_id WHERE x.edition_id = ? GROUP BY s.name ORDER BY min(s.id)",
}


async def _facts(db: Database, entity: str, entity_id: int) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for field_name, source in await db._fetchall(
        # Grouped, not DISTINCT ... ORDER BY s.id, which PostgreSQL refuses (issue 20).
        "SELECT fa.field, s.name FROM facts fa JOIN sources s ON s.id = fa.source_id "
        "WHERE fa.entity = ? AND fa.entity_id = ? GROUP BY fa.field, s.name "
        "ORDER BY fa.field, min(s.id)",
        (entity, entity_id),
    ):
        if source not in found[field_name]:
            found[field_name].append(source)
    return found


async def film_sources(db: Database, film_id: int) -> dict[str, tuple[str, ...]]:
    """Field -> the sources that stated it: the facts' fields ('runtime_min', 'year',
    'country', ...), each credit role ('director', 'writer', 'cast', ...), 'genre' and
    'language'."""
    found = await _facts(db, "film", film_id)
    for role, source in await db._fetchall(
        "SELECT c.role, s.name FROM credits c JOIN sources s ON s.id = c.source_id "
        "WHERE c.film_id = ? GROUP BY c.role, s.name ORDER BY c.role, min(s.id)",
        (film_id,),
    ):
        if source not in found[role]:
            found[role].append(source)
    for name, sql in _FILM_LINKS.items():
        found[name].extend(r[0] for r in await db._fetchall(sql, (film_id,)))
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items() if v}


async def edition_sources(db: Database, edition_id: int) -> dict[str, tuple[str, ...]]:
    """Field -> the sources that stated it, for an edition ('region', 'release_date',
    'format', 'audio', 'subtitles', 'features', ...)."""
    found = await _facts(db, "edition", edition_id)
    for name, sql in _EDITION_LINKS.items():
        found[name].extend(r[0] for r in await db._fetchall(sql, (edition_id,)))
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items() if v}


async def person_sources(db: Database, person_id: int) -> tuple[str, ...]:
    """The sources that credited this person with any film, first-imported first."""
    rows = await db._fetchall(
        "SELECT s.name FROM credits c JOIN sources s ON s.id = c.source_id "
        "WHERE c.person_id = ? GROUP BY s.name ORDER BY min(s.id)",
        (person_id,),
    )
    return tuple(r[0] for r in rows)
