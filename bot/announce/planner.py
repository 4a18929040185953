"""What to announce: new editions, release dates that arrive, release dates that move.

Everything here writes the outbox inside one transaction, so a crash leaves either the
whole plan or none of it. Editions are compared with `edition_seen` (the editions and
dates already looked at), so an edition is noticed whoever added it: an import, a feed,
another filmbot process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from bot.store import announcements as store
from bot.store import edition_seen, releases
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


async def plan(db: Database, today: date, *, only: list[Subscription] | None = None) -> Plan:
    """Queue announcements for new editions and arrived release dates, and point posted
    messages at moved dates. Safe to run any number of times: the outbox is unique per
    (edition, subscription, kind)."""
    result = Plan()
    day = today.isoformat()
    async with db.transaction() as tx:
        # Read inside the transaction: a subscription removed meanwhile is not planned for.
        subs = only if only is not None else await store.subscriptions(db)
        # With `only` (a new subscription) just its arrived releases: the edition changes
        # belong to every subscription and are left for the next full plan.
        changed = [] if only is not None else await edition_seen.unseen_changes(tx)
        dates = {c.edition_id: (c.release_date or None) for c in changed}
        # News: an edition with a date, new or whose date just became known (a listing for
        # a catalog edition that had none). An edition without a date is not news yet (a
        # catalog update adds hundreds): it is announced once a date is known.
        result.new_editions = [
            c.edition_id
            for c in changed
            if dates[c.edition_id] and (not c.was_seen or not c.seen_date)
        ]
        # Moves: a seen edition whose date changed, including from unknown (a message that
        # said "to be announced" is edited) and to unknown.
        result.moved = [c.edition_id for c in changed if c.was_seen]
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
            await store.move_release_date(tx, edition_id, dates[edition_id])
        rows.extend(await _arrived(db, subs, day))
        result.queued = await store.enqueue(tx, rows)
        await edition_seen.mark_seen(tx, [c.edition_id for c in changed])
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
    candidates = await releases.dated_editions(db, on_or_after=earliest, upto=day)
    if not candidates:
        return []
    done = await store.released_pairs(db)
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
    rows = await releases.dated_editions(db, after=day)
    profiles = await store.edition_profiles(db, [r[0] for r in rows])
    wanted = [
        (sub.id, r[0], "announced", r[1])
        for r in rows
        if r[0] in profiles and sub.filters.matches(profiles[r[0]])
    ]
    async with db.transaction() as tx:
        return await store.enqueue(tx, wanted)
