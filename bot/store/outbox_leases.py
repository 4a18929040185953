"""Several processes sharing one outbox: channel leases (issue 20).

A process delivers to a channel (platform, target) only while it holds the channel's
lease in `delivery_channels`: `claim` takes, in one short transaction, the oldest due item
of each free channel (never two items of one channel at once, so order per channel is
kept), `renew` keeps the leases of sends still in flight, and the item's outcome
(`announcements.mark_sent`, `mark_failed`, `give_up_edit`) releases the lease in the same
transaction as it records the outcome. A process that dies holds its leases until they
run out (`lease` seconds); then any process claims those channels and sends their item
again with the item's nonce, which the platform drops if the first send had landed.

On PostgreSQL the channels are locked with `FOR UPDATE SKIP LOCKED` (a channel another
process is claiming at that moment is skipped, not waited for) in a transaction without
the database-wide write lock (`transaction(concurrent=True)`); the heads are read again
after the lock, so an item delivered meanwhile is never claimed. On SQLite BEGIN
IMMEDIATE makes the claims take turns, and the same code runs.

Times are unix seconds from the callers' clocks (`now`); processes on several machines
need clocks that agree (NTP) to well within the lease.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.store.announcements import (
    _OUT_COLUMNS,
    _SUB_COLUMNS,
    HEAD_ITEM_SQL,
    Outgoing,
    Release,
    Subscription,
    _outgoing,
    _subscription,
    release_in,
)
from bot.store.db import Database, Transaction

# At most this many free channels are offered to one claim's lock statement.
CLAIM_CANDIDATES_PER_SLOT = 4


@dataclass(frozen=True)
class Claim:
    """An item this process may send now: its channel is leased to `owner` until
    `lease_until` (unless renewed)."""

    subscription: Subscription
    item: Outgoing
    owner: str
    lease_until: float


def new_owner() -> str:
    """A name for this process's claims: host, pid and a random part (a restarted process
    never takes its predecessor's claims for its own)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def owner_is_dead(owner: str) -> bool:
    """True for an owner (`new_owner`) of this machine whose process is gone: its leases
    need not be waited out. Unknown (another machine, a process of another user) is not
    dead. Machines must have distinct host names (containers: by default)."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


async def free_dead_owners(
    db: Database, platform: str, is_dead: Callable[[str], bool] = owner_is_dead
) -> list[str]:
    """Give back at once the channels held by owners known dead (a process of this
    machine restarted after a crash); returns those owners."""
    holders = [
        r[0]
        for r in await db._fetchall(
            "SELECT DISTINCT claimed_by FROM delivery_channels "
            "WHERE platform = ? AND claimed_by IS NOT NULL",
            (platform,),
        )
    ]
    dead = sorted(h for h in holders if is_dead(h))
    for owner in dead:
        await release_all(db, platform, owner)
    return dead


def _heads_sql(targets: int) -> str:
    where = f" AND s.target IN ({','.join('?' * targets)})" if targets else ""
    return (
        f"SELECT {_SUB_COLUMNS}, {_OUT_COLUMNS}, a.next_attempt_at, "
        "coalesce(c.lease_until, 0), c.claimed_by, c.target IS NULL FROM subscriptions s "
        f"JOIN announcements a ON a.id = {HEAD_ITEM_SQL} "
        "LEFT JOIN delivery_channels c ON c.platform = s.platform AND c.target = s.target "
        f"WHERE s.platform = ?{where}"
    )


@dataclass
class _Head:
    subscription: Subscription
    item: Outgoing
    not_before: float
    lease_until: float
    claimed_by: str | None
    missing: bool


async def _heads(tx: Transaction, platform: str, today: str, targets: list[str]) -> list[_Head]:
    rows = await tx._fetchall(_heads_sql(len(targets)), (today, today, platform, *targets))
    return [
        _Head(
            _subscription(r[:14]),
            _outgoing(r[14:25]),
            float(r[25]),
            float(r[26]),
            r[27],
            bool(r[28]),
        )
        for r in rows
    ]


def _oldest_due(heads: list[_Head], now: float) -> dict[str, _Head]:
    """Per target, its oldest head that may be tried now."""
    found: dict[str, _Head] = {}
    for head in heads:
        if head.not_before > now:
            continue
        best = found.get(head.subscription.target)
        if best is None or head.item.id < best.item.id:
            found[head.subscription.target] = head
    return found


async def claim(
    db: Database,
    platform: str,
    today: str,
    *,
    owner: str,
    now: float,
    lease: float,
    limit: int,
    busy: Collection[str] = (),
    owns: Callable[[Subscription], bool] | None = None,
) -> tuple[list[Claim], float | None]:
    """Lease up to `limit` free channels of `platform` that have an item due, each with
    its oldest due item, to `owner` until `now + lease`. `busy`: targets this process is
    sending to (or holding back) already; `owns`: only subscriptions this process serves
    (its shards). Returns the claims and when something not claimable now may be (None:
    nothing is waiting)."""
    async with db.transaction(concurrent=True) as tx:
        heads = [
            h for h in await _heads(tx, platform, today, []) if owns is None or owns(h.subscription)
        ]
        missing = sorted({h.subscription.target for h in heads if h.missing})
        for target in missing:  # a subscription written without its channel row
            await tx._execute(
                "INSERT OR IGNORE INTO delivery_channels (platform, target) VALUES (?, ?)",
                (platform, target),
            )
        next_due: float | None = None
        for head in heads:
            if head.subscription.target in busy:
                continue
            free = head.lease_until <= now or head.claimed_by == owner
            waits = max(head.not_before, now if free else head.lease_until)
            if waits > now:
                next_due = waits if next_due is None else min(next_due, waits)
        if limit <= 0:
            return [], next_due
        due = _oldest_due(heads, now)
        candidates = sorted(
            (
                h
                for target, h in due.items()
                if target not in busy and (h.lease_until <= now or h.claimed_by == owner)
            ),
            key=lambda h: (h.lease_until, h.subscription.target),
        )[: limit * CLAIM_CANDIDATES_PER_SLOT]
        if not candidates:
            return [], next_due
        targets = [h.subscription.target for h in candidates]
        marks = ",".join("?" * len(targets))
        skip_locked = " FOR UPDATE SKIP LOCKED" if tx.dialect == "postgres" else ""
        locked = [
            r[0]
            for r in await tx._fetchall(
                "SELECT target FROM delivery_channels WHERE platform = ? "
                f"AND target IN ({marks}) AND (lease_until <= ? OR claimed_by = ?) "
                f"ORDER BY lease_until, target LIMIT ?{skip_locked}",
                (platform, *targets, now, owner, limit),
            )
        ]
        if not locked:
            return [], next_due
        # Read again after the lock: whatever another process delivered before it is seen.
        fresh = _oldest_due(
            [
                h
                for h in await _heads(tx, platform, today, locked)
                if owns is None or owns(h.subscription)
            ],
            now,
        )
        claims = []
        until = now + lease
        for target in locked:
            head = fresh.get(target)
            if head is None:
                continue
            await tx._execute(
                "UPDATE delivery_channels SET claimed_by = ?, lease_until = ?, "
                "announcement_id = ? WHERE platform = ? AND target = ?",
                (owner, until, head.item.id, platform, target),
            )
            claims.append(Claim(head.subscription, head.item, owner, until))
        return claims, next_due


async def renew(
    db: Database, platform: str, owner: str, targets: Collection[str], until: float
) -> int:
    """Extend `owner`'s leases on `targets` (sends still in flight) to `until`; returns
    how many it still held (a lease another process took over is not taken back)."""
    if not targets:
        return 0
    names = sorted(targets)
    async with db.transaction(concurrent=True) as tx:
        return await tx._execute(
            "UPDATE delivery_channels SET lease_until = ? WHERE platform = ? AND claimed_by = ? "
            f"AND target IN ({','.join('?' * len(names))})",
            (until, platform, owner, *names),
        )


async def release(db: Database, channel: Release) -> None:
    """`release_in` in a transaction of its own (nothing to record with it)."""
    async with db.transaction(concurrent=True) as tx:
        await release_in(tx, channel)


async def release_all(db: Database, platform: str, owner: str) -> int:
    """A process stopping gives back every channel it holds: claimable at once."""
    async with db.transaction(concurrent=True) as tx:
        return await tx._execute(
            "UPDATE delivery_channels SET claimed_by = NULL, announcement_id = NULL, "
            "lease_until = 0 WHERE platform = ? AND claimed_by = ?",
            (platform, owner),
        )


async def channel_leases(db: Database, platform: str) -> dict[str, tuple[str | None, float]]:
    """target -> (holder or None, lease_until): what `filmbot` and the tests look at."""
    rows = await db._fetchall(
        "SELECT target, claimed_by, lease_until FROM delivery_channels WHERE platform = ?",
        (platform,),
    )
    return {r[0]: (r[1], float(r[2])) for r in rows}
