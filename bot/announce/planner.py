"""What to announce: new editions, release dates that arrive, release dates that move.

Everything here writes the outbox inside one transaction, so a crash leaves either the
whole plan or none of it. Editions are compared with `edition_seen` (the editions and
dates already looked at), so an edition is noticed whoever added it: an import, a feed,
another filmbot process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import aiosqlite

from bot.store import announcements as store
from bot.store.announcements import Subscription
from bot.store.db import Database

log = logging.getLogger(__name__)


@dataclass
class Plan:
    new_editions: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    queued: int = 0

    def __bool__(self) -> bool:
        return bool(self.queued or self.moved)


async def mark_seen(db: Database, edition_ids: Iterable[int]) -> None:
    """Record editions as known, so they are not announced as new (a feed's first poll)."""
    ids = sorted(set(edition_ids))
    if not ids:
        return
    async with db.transaction() as conn:
        await mark_seen_in(conn, ids)


async def mark_seen_in(conn: aiosqlite.Connection, ids: list[int]) -> None:
    """`mark_seen` inside the caller's transaction."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        await conn.execute(
            f"INSERT OR REPLACE INTO edition_seen (edition_id, release_date) "
            f"SELECT id, release_date FROM editions WHERE id IN ({marks})",
            chunk,
        )


async def plan(db: Database, today: date, *, only: list[Subscription] | None = None) -> Plan:
    """Queue announcements for new editions and arrived release dates, and point posted
    messages at moved dates. Safe to run any number of times: the outbox is unique per
    (edition, subscription, kind)."""
    result = Plan()
    day = today.isoformat()
    async with db.transaction() as conn:
        # Read inside the transaction: a subscription removed meanwhile is not planned for.
        subs = only if only is not None else await store.subscriptions(db)
        # With `only` (a new subscription) just its arrived releases: the edition changes
        # belong to every subscription and are left for the next full plan.
        changed = (
            []
            if only is not None
            else await conn.execute_fetchall(
                "SELECT e.id, e.release_date, s.edition_id IS NOT NULL, s.release_date "
                "FROM editions e LEFT JOIN edition_seen s ON s.edition_id = e.id "
                "WHERE s.edition_id IS NULL OR s.release_date IS NOT e.release_date"
            )
        )
        dates = {r[0]: (r[1] or None) for r in changed}
        # News: an edition with a date, new or whose date just became known (a listing for
        # a catalog edition that had none). An edition without a date is not news yet (a
        # catalog update adds hundreds): it is announced once a date is known.
        result.new_editions = [r[0] for r in changed if dates[r[0]] and (not r[2] or not r[3])]
        # Moves: a seen edition whose date changed, including from unknown (a message that
        # said "to be announced" is edited) and to unknown.
        result.moved = [r[0] for r in changed if r[2]]
        rows: list[tuple[int, int, str, str | None]] = []
        if subs and result.new_editions:
            profiles = await store.edition_profiles(db, result.new_editions)
            for edition_id in result.new_editions:
                profile = profiles.get(edition_id)
                for sub in subs:
                    if profile is None or not sub.filters.matches(profile):
                        continue
                    # Not out yet: 'announced' now. One out already is a 'released'
                    # for the subscriptions whose `since` it follows (`_arrived`).
                    if dates[edition_id] > day:
                        rows.append((sub.id, edition_id, "announced", dates[edition_id]))
        for edition_id in result.moved:
            await conn.execute(
                "UPDATE announcements SET release_date = ? WHERE edition_id = ?",
                (dates[edition_id], edition_id),
            )
        rows.extend(await _arrived(db, subs, day))
        result.queued = await store.enqueue(conn, rows)
        await mark_seen_in(conn, [r[0] for r in changed])
    if result:
        log.info(
            "announcements planned: %d queued, %d new editions, %d moved dates",
            result.queued,
            len(result.new_editions),
            len(result.moved),
        )
    return result


async def _arrived(db: Database, subs: list[Subscription], day: str):
    """'released' rows for editions dated between each subscription's `since` and today
    that it has not been told about."""
    if not subs:
        return []
    earliest = min(s.since for s in subs)
    candidates = await db.fetchall(
        "SELECT id, release_date FROM editions WHERE release_date >= ? AND release_date <= ? "
        "ORDER BY release_date, id",
        (earliest, day),
    )
    if not candidates:
        return []
    done = {
        (r[0], r[1])
        for r in await db.fetchall(
            "SELECT subscription_id, edition_id FROM announcements WHERE kind = 'released'"
        )
    }
    profiles = await store.edition_profiles(db, [c[0] for c in candidates])
    rows = []
    for edition_id, released in candidates:
        profile = profiles.get(edition_id)
        for sub in subs:
            if released < sub.since or (sub.id, edition_id) in done or profile is None:
                continue
            if sub.filters.matches(profile):
                rows.append((sub.id, edition_id, "released", released))
    return rows


async def catch_up(db: Database, sub: Subscription, today: date) -> int:
    """A subscription made with `since:`: the editions already known that are not out yet
    are announced too (those out since `since` are queued by `plan`)."""
    day = today.isoformat()
    rows = await db.fetchall(
        "SELECT id, release_date FROM editions WHERE release_date > ? ORDER BY release_date, id",
        (day,),
    )
    profiles = await store.edition_profiles(db, [r[0] for r in rows])
    wanted = [
        (sub.id, r[0], "announced", r[1])
        for r in rows
        if r[0] in profiles and sub.filters.matches(profiles[r[0]])
    ]
    async with db.transaction() as conn:
        return await store.enqueue(conn, wanted)
