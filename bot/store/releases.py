"""Read queries for dated releases: what `releases` lists and announcements will use."""

from __future__ import annotations

from collections import defaultdict

from bot.models import EditionSummary, Release
from bot.store.db import Database
from bot.store.films import _EDITION_SUMMARY_SQL, _edition_summary, film_summaries, spine_order


async def releases(
    db: Database,
    *,
    on_or_after: str | None = None,
    before: str | None = None,
    label: str | None = None,
    fmt: str | None = None,
    newest_first: bool = False,
    limit: int = 10,
) -> tuple[list[Release], int]:
    """Editions released in [on_or_after, before) (ISO dates), filtered by label (a
    case-insensitive part of its name) and exact format; returns a page and the total."""
    where = ["e.release_date IS NOT NULL", "e.release_date != ''"]
    params: list[object] = []
    if on_or_after:
        where.append("e.release_date >= ?")
        params.append(on_or_after)
    if before:
        where.append("e.release_date < ?")
        params.append(before)
    if label:
        # Case aside: SQLite's LIKE ignores ASCII case, PostgreSQL needs ILIKE.
        like = "ILIKE" if db.dialect == "postgres" else "LIKE"
        where.append(f"l.name {like} ? ESCAPE '\\'")
        escaped = label.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    if fmt:
        where.append("e.format = ?")
        params.append(fmt)
    condition = " AND ".join(where)
    total = await db._scalar(
        f"SELECT count(*) FROM editions e LEFT JOIN labels l ON l.id = e.label_id "
        f"WHERE {condition}",
        params,
    )
    order = "DESC" if newest_first else "ASC"
    rows = await db._fetchall(
        _EDITION_SUMMARY_SQL + f"WHERE {condition} "
        # No label first, as SQLite sorts NULL (PostgreSQL would put it last).
        f"ORDER BY e.release_date {order}, l.name IS NOT NULL, l.name, {spine_order(db)}, e.id "
        "LIMIT ?",
        [*params, limit],
    )
    editions = [_edition_summary(r) for r in rows]
    return await _with_films(db, editions), int(total or 0)


async def releases_by_id(db: Database, edition_ids: list[int]) -> dict[int, Release]:
    """The editions with these ids and their films (what an announcement shows)."""
    if not edition_ids:
        return {}
    marks = ",".join("?" * len(edition_ids))
    rows = await db._fetchall(_EDITION_SUMMARY_SQL + f"WHERE e.id IN ({marks})", edition_ids)
    found = await _with_films(db, [_edition_summary(r) for r in rows])
    return {r.edition.id: r for r in found}


async def dated_editions(
    db: Database,
    *,
    after: str | None = None,
    on_or_after: str | None = None,
    upto: str | None = None,
) -> list[tuple[int, str]]:
    """(id, release date) of the editions dated after `after` or from `on_or_after`, up to
    `upto` (ISO dates, each bound optional), by date then id."""
    where, params = [], []
    for condition, value in (
        ("release_date > ?", after),
        ("release_date >= ?", on_or_after),
        ("release_date <= ?", upto),
    ):
        if value is not None:
            where.append(condition)
            params.append(value)
    condition = " AND ".join(where) or "release_date IS NOT NULL"
    rows = await db._fetchall(
        f"SELECT id, release_date FROM editions WHERE {condition} ORDER BY release_date, id",
        params,
    )
    return [(r[0], r[1]) for r in rows]


async def _with_films(db: Database, editions: list[EditionSummary]) -> list[Release]:
    films_of: dict[int, list[int]] = defaultdict(list)
    if editions:
        marks = ",".join("?" * len(editions))
        for edition_id, film_id in await db._fetchall(
            f"SELECT edition_id, film_id FROM edition_films WHERE edition_id IN ({marks}) "
            f"ORDER BY position, film_id",
            [e.id for e in editions],
        ):
            films_of[edition_id].append(film_id)
    summaries = await film_summaries(db, [f for ids in films_of.values() for f in ids])
    return [
        Release(e, tuple(summaries[f] for f in films_of[e.id] if f in summaries)) for e in editions
    ]
