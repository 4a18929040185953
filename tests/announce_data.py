"""Queues of announcements for crash tests and benchmarks: dated editions of catalog
films, written straight into the database, and subscriptions that match them."""

from __future__ import annotations

from datetime import date, timedelta

from bot.announce.planner import plan
from bot.filters import Filters
from bot.store import announcements as store
from bot.store.db import Database
from tests import sql


async def add_editions(
    db: Database, count: int, first_day: date, *, label: str = "Test Label"
) -> list[int]:
    """`count` Blu-ray editions of catalog films from `label`, one release a day."""
    film_ids = [
        r[0] for r in await sql.fetchall(db, "SELECT id FROM films ORDER BY id LIMIT ?", (count,))
    ]
    assert len(film_ids) == count
    ids = []
    async with db.transaction() as tx:
        [(label_id,)] = await sql.fetchall(
            tx,
            "INSERT INTO labels (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = name "
            "RETURNING id",
            (label,),
        )
        for i, film_id in enumerate(film_ids):
            [(edition_id,)] = await sql.fetchall(
                tx,
                "INSERT INTO editions (external_key, title, label_id, spine, format, release_date) "
                "SELECT ?, title, ?, ?, 'Blu-ray', ? FROM films WHERE id = ? RETURNING id",
                (
                    f"test:{label}:{i}",
                    label_id,
                    str(i + 1),
                    (first_day + timedelta(days=i)).isoformat(),
                    film_id,
                ),
            )
            await sql.execute(
                tx,
                "INSERT INTO edition_films (edition_id, film_id) VALUES (?, ?)",
                (edition_id, film_id),
            )
            ids.append(edition_id)
    return ids


async def subscribe_targets(
    db: Database, platform: str, targets: list[str], since: date
) -> list[int]:
    """One catch-all subscription per target."""
    await plan(db, since)  # what exists now is not news to them
    ids = []
    async with db.transaction() as tx:
        for target in targets:
            ids.append(
                await store.add_subscription(
                    tx,
                    platform=platform,
                    scope="guild",
                    target=target,
                    filters=Filters(),
                    mention=None,
                    since=since.isoformat(),
                    created_by="test",
                )
            )
    return ids
