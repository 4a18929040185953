"""Subscriptions and the announcement outbox: every query announcements need.

The outbox row for (edition, subscription, kind) is unique, and its nonce is written with
it, before any send: a send retried after a failure or a crash carries the same nonce.
The nonce is derived from the row's identity (subscription, edition, kind), so even a
row written again (a plan rolled back after its rows were read) carries the same one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from bot.filters import EditionProfile, Filters
from bot.store.db import Database, Transaction
from bot.text import fold


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    scope: str
    target: str
    filters: Filters
    mention: str | None
    since: str
    created_by: str
    created_at: str
    status: str
    status_note: str | None
    status_since: str | None
    last_sent_at: str | None
    queued: int = 0


@dataclass(frozen=True)
class Outgoing:
    """One outbox row, due to be posted (or, once posted, edited to a moved date)."""

    id: int
    subscription_id: int
    edition_id: int
    kind: str  # announced | released
    nonce: str
    release_date: str | None
    state: str  # pending | sent
    message_id: str | None
    posted_date: str | None
    attempts: int
    edits: int = 0

    @property
    def is_edit(self) -> bool:
        return self.state == "sent"

    @property
    def edit_key(self) -> str:
        """The idempotency key of the next edit (each edit has its own)."""
        return f"{self.nonce[:20]}e{self.edits}"


@dataclass(frozen=True)
class Release:
    """How an outcome gives back its channel's lease (`bot.store.outbox_leases`): who held
    it, and from when the channel may be sent to again (the per-channel spacing)."""

    platform: str
    target: str
    owner: str
    next_send_at: float


async def release_in(tx: Transaction, release: Release) -> None:
    """Give the channel back, if `release.owner` still holds it. Inside a transaction."""
    await tx._execute(
        "UPDATE delivery_channels SET claimed_by = NULL, announcement_id = NULL, "
        "lease_until = ? WHERE platform = ? AND target = ? AND claimed_by = ?",
        (release.next_send_at, release.platform, release.target, release.owner),
    )


_SUB_COLUMNS = (
    "s.id, s.platform, s.scope, s.target, s.filters, s.mention, s.since, s.created_by, "
    "s.created_at, s.status, s.status_note, s.status_since, s.last_sent_at, "
    "(SELECT count(*) FROM announcements a WHERE a.subscription_id = s.id "
    "AND a.state = 'pending')"
)


def _subscription(row: aiosqlite.Row) -> Subscription:
    return Subscription(
        int(row[0]),
        row[1],
        row[2],
        row[3],
        Filters.from_json(json.loads(row[4] or "{}")),
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
        row[12],
        int(row[13] or 0),
    )


def new_nonce() -> str:
    """A one-off Discord nonce (at most 25 characters) that doubles as a Matrix
    transaction id: previews."""
    return "fb" + secrets.token_hex(10)


def row_nonce(subscription_key: str, edition_id: int, kind: str) -> str:
    """The nonce of the outbox row (subscription, edition, kind): the same whenever that
    row is written. `subscription_key` names the subscription beyond its id, which SQLite
    may give again to a later subscription."""
    digest = hashlib.sha256(f"{subscription_key}|{edition_id}|{kind}".encode()).hexdigest()
    return "fa" + digest[:22]


async def add_subscription(
    tx: Transaction,
    *,
    platform: str,
    scope: str,
    target: str,
    filters: Filters,
    mention: str | None,
    since: str,
    created_by: str,
) -> int:
    """Call inside a transaction. The channel gets its lease row (bot.store.outbox_leases)."""
    sub_id = int(
        await tx._scalar(
            "INSERT INTO subscriptions (platform, scope, target, filters, mention, since, "
            "created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (platform, scope, target, json.dumps(filters.to_json()), mention, since, created_by),
        )
    )
    await tx._execute(
        "INSERT OR IGNORE INTO delivery_channels (platform, target) VALUES (?, ?)",
        (platform, target),
    )
    return sub_id


async def subscriptions(
    db: Database,
    *,
    platform: str | None = None,
    target: str | None = None,
    scope: str | None = None,
) -> list[Subscription]:
    where, params = [], []
    for column, value in (("platform", platform), ("target", target), ("scope", scope)):
        if value is not None:
            where.append(f"s.{column} = ?")
            params.append(value)
    condition = f"WHERE {' AND '.join(where)} " if where else ""
    rows = await db._fetchall(
        f"SELECT {_SUB_COLUMNS} FROM subscriptions s {condition}ORDER BY s.id", params
    )
    return [_subscription(r) for r in rows]


async def subscription(db: Database, sub_id: int) -> Subscription | None:
    row = await db._fetchone(
        f"SELECT {_SUB_COLUMNS} FROM subscriptions s WHERE s.id = ?", (sub_id,)
    )
    return _subscription(row) if row else None


async def remove_subscription(db: Database, sub_id: int) -> None:
    async with db.transaction() as tx:
        await tx._execute("DELETE FROM subscriptions WHERE id = ?", (sub_id,))


# --- what filters look at --------------------------------------------------------------


async def edition_profiles(db: Database, edition_ids: Iterable[int]) -> dict[int, EditionProfile]:
    """Label, format, date and the films' genres, directors, countries and titles."""
    ids = sorted(set(edition_ids))
    found: dict[int, EditionProfile] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = await db._fetchall(
            f"SELECT e.id, coalesce(l.name, ''), e.format, e.release_date, e.title "
            f"FROM editions e LEFT JOIN labels l ON l.id = e.label_id WHERE e.id IN ({marks})",
            chunk,
        )
        extra: dict[str, dict[int, list[str]]] = {
            k: defaultdict(list) for k in ("genre", "director", "country", "title")
        }
        for key, sql in (
            (
                "genre",
                "SELECT ef.edition_id, g.name FROM edition_films ef "
                "JOIN film_genres fg ON fg.film_id = ef.film_id "
                "JOIN genres g ON g.id = fg.genre_id",
            ),
            (
                "director",
                "SELECT ef.edition_id, p.name FROM edition_films ef "
                "JOIN credits c ON c.film_id = ef.film_id AND c.role = 'director' "
                "JOIN people p ON p.id = c.person_id",
            ),
            (
                "country",
                "SELECT ef.edition_id, co.name FROM edition_films ef "
                "JOIN film_countries fc ON fc.film_id = ef.film_id "
                "JOIN countries co ON co.id = fc.country_id",
            ),
            (
                "title",
                "SELECT ef.edition_id, t.title FROM edition_films ef "
                "JOIN film_titles t ON t.film_id = ef.film_id",
            ),
        ):
            for edition_id, value in await db._fetchall(
                f"{sql} WHERE ef.edition_id IN ({marks})", chunk
            ):
                extra[key][edition_id].append(fold(value or ""))
        for edition_id, label, fmt, released, title in rows:
            found[edition_id] = EditionProfile(
                edition_id,
                label,
                fmt,
                released or None,
                tuple(extra["genre"][edition_id]),
                tuple(extra["director"][edition_id]),
                tuple(extra["country"][edition_id]),
                " ".join([fold(title or ""), *extra["title"][edition_id]]),
            )
    return found


# --- the outbox ------------------------------------------------------------------------


async def enqueue(tx: Transaction, rows: Iterable[tuple[int, int, str, str | None]]) -> int:
    """Add (subscription_id, edition_id, kind, release_date) rows not already queued or
    sent; returns how many were new. Call inside a transaction."""
    keys = {
        r[0]: f"{r[0]}|{r[1]}|{r[2]}"
        for r in await tx._fetchall("SELECT id, target, created_at FROM subscriptions")
    }
    added = 0
    for sub_id, edition_id, kind, release_date in rows:
        if sub_id not in keys:
            continue  # removed meanwhile
        added += await tx._execute(
            "INSERT OR IGNORE INTO announcements (subscription_id, edition_id, kind, nonce, "
            "release_date) VALUES (?, ?, ?, ?, ?)",
            (sub_id, edition_id, kind, row_nonce(keys[sub_id], edition_id, kind), release_date),
        )
    return added


async def move_release_date(tx: Transaction, edition_id: int, release_date: str | None) -> None:
    """The edition's date moved: its outbox rows, queued or posted, show the new one (a
    posted message is then edited). Call inside a transaction."""
    await tx._execute(
        "UPDATE announcements SET release_date = ? WHERE edition_id = ?",
        (release_date, edition_id),
    )


async def released_pairs(db: Database) -> set[tuple[int, int]]:
    """(subscription_id, edition_id) of every 'released' row, whatever its state."""
    rows = await db._fetchall(
        "SELECT subscription_id, edition_id FROM announcements WHERE kind = 'released'"
    )
    return {(r[0], r[1]) for r in rows}


_OUT_COLUMNS = (
    "a.id, a.subscription_id, a.edition_id, a.kind, a.nonce, a.release_date, a.state, "
    "a.message_id, a.posted_date, a.attempts, a.edits"
)


def _outgoing(row: aiosqlite.Row) -> Outgoing:
    return Outgoing(*row)


# Each subscription's first undelivered item (see `heads`).
# The id of subscription s's first undelivered item (its two '?' are today's date), for
# `heads` and bot.store.outbox_leases.
HEAD_ITEM_SQL = (
    "(SELECT b.id FROM announcements b WHERE b.subscription_id = s.id AND ("
    "  (b.state = 'pending' AND NOT (b.kind = 'released' AND b.release_date > ?))"
    "  OR (b.state = 'sent' AND b.posted_date IS NOT b.release_date"
    "      AND NOT (b.posted_date = '~' || b.release_date AND b.release_date > ?))"
    # the partial index announcements_open's own condition (migration 0012)
    ") AND (b.state = 'pending' OR b.posted_date IS NOT b.release_date)"
    " ORDER BY b.id LIMIT 1)"
)
HEADS_SQL = (
    f"SELECT {_SUB_COLUMNS}, {_OUT_COLUMNS}, a.next_attempt_at FROM subscriptions s "
    f"JOIN announcements a ON a.id = {HEAD_ITEM_SQL} "
    "WHERE s.platform = ? ORDER BY a.next_attempt_at, s.id"
)


async def heads(
    db: Database, platform: str, today: str
) -> list[tuple[Subscription, Outgoing, float]]:
    """Each subscription's first undelivered item (a post, or an edit to a moved date)
    with the time it may be tried: delivery never skips past it. A 'released' item whose
    date moved back into the future waits for it; a posted one says "postponed" (its
    posted date is '~' + the date) until the date arrives, then is edited to "out". Read in a transaction of its own, so
    rows another task is still writing (and may roll back) are never seen."""
    async with db.transaction() as tx:
        rows = await tx._fetchall(
            HEADS_SQL,
            (today, today, platform),
        )
    return [(_subscription(r[:14]), _outgoing(r[14:25]), float(r[25])) for r in rows]


# The item as it was read: an outcome is recorded only on the item it was about (another
# process that took over an expired lease may have recorded it already).
_SAME_ITEM = "id = ? AND state = ? AND edits = ?"


async def mark_sent(
    db: Database,
    item: Outgoing,
    message_id: str,
    posted_date: str | None,
    *,
    release: Release | None = None,
) -> None:
    """Record a post (or an edit, counted); the subscription is healthy again.
    `posted_date` is what the message now says (see `bot.announce.card.posted_marker`).
    `release`: the channel's lease, given back in the same transaction."""
    async with db.transaction(concurrent=True) as tx:
        if release is not None:
            await release_in(tx, release)
        changed = await tx._execute(
            "UPDATE announcements SET state = 'sent', message_id = ?, posted_date = ?, "
            "attempts = 0, next_attempt_at = 0, last_error = NULL, edits = edits + ?, "
            "sent_at = coalesce(sent_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
            f"WHERE {_SAME_ITEM}",
            (message_id, posted_date, 1 if item.is_edit else 0, item.id, item.state, item.edits),
        )
        if changed <= 0:
            return
        await tx._execute(
            "UPDATE subscriptions SET status = 'ok', status_note = NULL, status_since = NULL, "
            "last_sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            (item.subscription_id,),
        )


async def mark_failed(
    db: Database,
    item: Outgoing,
    *,
    error: str,
    retry_at: float,
    failing: bool,
    release: Release | None = None,
) -> None:
    """A failed attempt: the item stays first in its queue until `retry_at`; with
    `failing` (no permission, channel gone) the subscription shows it in its health.
    `release`: the channel's lease, given back in the same transaction."""
    async with db.transaction(concurrent=True) as tx:
        if release is not None:
            await release_in(tx, release)
        changed = await tx._execute(
            "UPDATE announcements SET attempts = attempts + 1, next_attempt_at = ?, "
            f"last_error = ? WHERE {_SAME_ITEM} AND attempts = ?",
            (retry_at, error[:500], item.id, item.state, item.edits, item.attempts),
        )
        if failing and changed > 0:
            await tx._execute(
                "UPDATE subscriptions SET status = 'failing', status_note = ?, "
                "status_since = coalesce(status_since, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
                "WHERE id = ?",
                (error[:300], item.subscription_id),
            )


async def give_up_edit(db: Database, item: Outgoing, *, release: Release | None = None) -> None:
    """The posted message is gone (deleted by someone): nothing left to edit."""
    async with db.transaction(concurrent=True) as tx:
        if release is not None:
            await release_in(tx, release)
        await tx._execute(
            "UPDATE announcements SET posted_date = release_date WHERE id = ?", (item.id,)
        )


async def delivered(db: Database, subscription_id: int) -> list[tuple[int, str, str | None]]:
    """(edition_id, kind, message_id) of what a subscription was sent, oldest first."""
    rows = await db._fetchall(
        "SELECT edition_id, kind, message_id FROM announcements "
        "WHERE subscription_id = ? AND state = 'sent' ORDER BY id",
        (subscription_id,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def retry_now(db: Database, platform: str, target: str) -> None:
    """Try a channel's waiting items at once (an admin says the problem is fixed)."""
    async with db.transaction() as tx:
        await tx._execute(
            "UPDATE announcements SET next_attempt_at = 0 WHERE state != 'cancelled' AND "
            "subscription_id IN (SELECT id FROM subscriptions WHERE platform = ? AND target = ?)",
            (platform, target),
        )
