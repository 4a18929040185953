"""What several processes on one database share besides the outbox (issue 20): a send
budget (Discord's global limit, one token bucket for all processes) and named leader
leases (one Matrix syncing process per account).

Both are short transactions without PostgreSQL's database-wide write lock
(`transaction(concurrent=True)`): the bucket row is locked FOR UPDATE while it is counted,
a lease is taken by one conditional upsert. Times are unix seconds from the callers'
clocks (machines need clocks that agree, NTP).
"""

from __future__ import annotations

from bot.store.db import Database


async def take_send(db: Database, name: str, *, rate: float, burst: float, now: float) -> float:
    """Take one send from the bucket `name` (refilled at `rate` per second, holding at
    most `burst`): 0.0 when taken, else the seconds until one will be there (nothing
    taken; ask again then)."""
    async with db.transaction(concurrent=True) as tx:
        await tx._execute(
            "INSERT OR IGNORE INTO send_budgets (name, tokens, updated_at) VALUES (?, ?, ?)",
            (name, burst, now),
        )
        lock = " FOR UPDATE" if tx.dialect == "postgres" else ""
        row = await tx._fetchone(
            f"SELECT tokens, updated_at FROM send_budgets WHERE name = ?{lock}", (name,)
        )
        tokens, updated = float(row[0]), float(row[1])
        # A clock behind the last writer's adds nothing (and takes nothing back).
        counted_at = max(now, updated)
        tokens = min(burst, tokens + (counted_at - updated) * rate)
        taken = tokens >= 1.0
        if taken:
            tokens -= 1.0
        await tx._execute(
            "UPDATE send_budgets SET tokens = ?, updated_at = ? WHERE name = ?",
            (tokens, counted_at, name),
        )
        return 0.0 if taken else (1.0 - tokens) / rate


async def hold_lease(db: Database, name: str, holder: str, *, now: float, ttl: float) -> bool:
    """Take the lease `name` for `holder` until `now + ttl`, or renew it: True while
    `holder` has it; False while another holder's lease runs (until it expires
    unrenewed, when the next caller takes it)."""
    async with db.transaction(concurrent=True) as tx:
        row = await tx._fetchone(
            "INSERT INTO leases (name, holder, lease_until, acquired_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "lease_until = excluded.lease_until, acquired_at = CASE WHEN "
            "leases.holder = excluded.holder THEN leases.acquired_at "
            "ELSE excluded.acquired_at END "
            "WHERE leases.holder = excluded.holder OR leases.lease_until <= ? "
            "RETURNING holder",
            (name, holder, now + ttl, now, now),
        )
        return row is not None


async def drop_lease(db: Database, name: str, holder: str) -> bool:
    """A holder stopping gives the lease up at once (a standby takes it at its next
    try); True when it held it."""
    async with db.transaction(concurrent=True) as tx:
        return (
            await tx._execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
            > 0
        )


async def lease_holder(db: Database, name: str) -> tuple[str, float] | None:
    """(holder, lease_until) of the lease `name`, or None."""
    row = await db._fetchone("SELECT holder, lease_until FROM leases WHERE name = ?", (name,))
    return (row[0], float(row[1])) if row else None
