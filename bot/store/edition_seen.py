"""Which editions, with which release date, the announcement planner has looked at.

An edition not in `edition_seen`, or there with another date, is news to the planner
(`bot.announce.planner`), whoever added it: an import, a feed, another filmbot process.
An import marks its edition seen when it is old news (a feed's first read).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.db import Transaction


@dataclass(frozen=True)
class EditionChange:
    """An edition the planner has not seen as it is now."""

    edition_id: int
    release_date: str | None  # now ('' when a source wrote an empty one)
    was_seen: bool  # seen before, with another date
    seen_date: str | None  # the date it had then


async def mark_seen(tx: Transaction, edition_ids: Iterable[int]) -> None:
    """Record editions, with their current dates, as looked at."""
    ids = list(edition_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        await tx._execute(
            f"INSERT INTO edition_seen (edition_id, release_date) "
            f"SELECT id, release_date FROM editions WHERE id IN ({marks}) "
            "ON CONFLICT (edition_id) DO UPDATE SET release_date = excluded.release_date",
            chunk,
        )


async def unseen_changes(tx: Transaction) -> list[EditionChange]:
    """Editions new to the planner, and those whose date changed since it looked."""
    rows = await tx._fetchall(
        "SELECT e.id, e.release_date, s.edition_id IS NOT NULL, s.release_date "
        "FROM editions e LEFT JOIN edition_seen s ON s.edition_id = e.id "
        "WHERE s.edition_id IS NULL OR s.release_date IS NOT e.release_date"
    )
    return [EditionChange(r[0], r[1], bool(r[2]), r[3]) for r in rows]
