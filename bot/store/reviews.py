"""Read queries for review text and plot notes (the words, not the scores)."""

from __future__ import annotations

from bot.models import TextSection
from bot.store.db import Database


async def review_sections(db: Database, review_id: int) -> tuple[TextSection, ...]:
    """A review's sections in document order, each with its spoiler flag."""
    rows = await db._fetchall(
        "SELECT heading, body, is_spoiler FROM review_sections WHERE review_id = ? "
        "ORDER BY position",
        (review_id,),
    )
    return tuple(TextSection(r[0], r[1], bool(r[2])) for r in rows)


async def plot_notes(db: Database, film_id: int) -> tuple[TextSection, ...]:
    """A film's plot notes from imported documents, oldest import first."""
    rows = await db._fetchall(
        "SELECT p.body, p.is_spoiler, coalesce(s.name, '') FROM plot_notes p "
        "LEFT JOIN sources s ON s.id = p.source_id WHERE p.film_id = ? "
        "ORDER BY p.source_id IS NOT NULL, p.source_id, p.position",  # NULL first, as SQLite
        (film_id,),
    )
    return tuple(TextSection(None, r[0], bool(r[1]), r[2]) for r in rows)


async def review_source_names(db: Database) -> list[str]:
    """Every name a review can be asked for by: source files, publications, authors."""
    rows = await db._fetchall(
        "SELECT DISTINCT s.name FROM reviews r JOIN sources s ON s.id = r.source_id "
        "UNION SELECT DISTINCT publication FROM reviews WHERE publication IS NOT NULL "
        "UNION SELECT DISTINCT author FROM reviews WHERE author IS NOT NULL"
    )
    return [r[0] for r in rows]
