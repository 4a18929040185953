"""What the catalog covers, by era and by source, for `!about`."""

from __future__ import annotations

from bot.store.db import Database

# (label, first year, last year) of each era `!about` counts.
ERAS = (
    ("before 1940", None, 1939),
    ("1940–1969", 1940, 1969),
    ("1970–1999", 1970, 1999),
    ("2000–2014", 2000, 2014),
    ("2015 on", 2015, None),
)


async def films_by_era(db: Database) -> list[tuple[str, int]]:
    """(era, number of films) for every era, and films of no known year last."""
    out = []
    for label, first, last in ERAS:
        bounds = [("year >= ?", first), ("year <= ?", last)]
        given = [(condition, year) for condition, year in bounds if year is not None]
        count = await db._scalar(
            "SELECT count(*) FROM films WHERE year IS NOT NULL"
            + "".join(f" AND {condition}" for condition, _ in given),
            [year for _, year in given],
        )
        out.append((label, int(count or 0)))
    unknown = await db._scalar("SELECT count(*) FROM films WHERE year IS NULL")
    if unknown:
        out.append(("year unknown", int(unknown)))
    return out


async def films_by_catalog_source(db: Database) -> list[tuple[str, int]]:
    """(catalog file, films it states facts about), largest first."""
    rows = await db._fetchall(
        "SELECT s.name, count(DISTINCT x.entity_id) FROM facts x "
        "JOIN sources s ON s.id = x.source_id "
        "WHERE x.entity = 'film' AND s.kind = 'catalog' GROUP BY s.name ORDER BY 2 DESC"
    )
    return [(r[0], int(r[1])) for r in rows]
