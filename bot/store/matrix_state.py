"""What the Matrix adapter persists: its sync token and the replies it owes or sent."""

from __future__ import annotations

from bot.store.db import Database


async def get_state(db: Database, account: str, key: str) -> str | None:
    return await db._scalar(
        "SELECT value FROM matrix_state WHERE account = ? AND key = ?", (account, key)
    )


async def set_state(db: Database, account: str, key: str, value: str) -> None:
    async with db.transaction() as tx:
        await tx._execute(
            "INSERT INTO matrix_state (account, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (account, key) DO UPDATE SET value = excluded.value",
            (account, key, value),
        )


async def reply_for(db: Database, account: str, event_id: str) -> tuple[str, str | None] | None:
    """(txn_id, reply_event_id) of a command already taken on, or None."""
    row = await db._fetchone(
        "SELECT txn_id, reply_event_id FROM matrix_replies WHERE account = ? AND event_id = ?",
        (account, event_id),
    )
    return (row[0], row[1]) if row else None


async def claim_reply(db: Database, account: str, event_id: str, room_id: str, txn_id: str) -> str:
    """Record the transaction id for answering `event_id` before the first send; returns
    the id already recorded if there is one (a restart reuses it)."""
    async with db.transaction() as tx:
        await tx._execute(
            "INSERT OR IGNORE INTO matrix_replies (account, event_id, room_id, txn_id) "
            "VALUES (?, ?, ?, ?)",
            (account, event_id, room_id, txn_id),
        )
    row = await reply_for(db, account, event_id)
    assert row is not None
    return row[0]


async def reply_sent(db: Database, account: str, event_id: str, reply_event_id: str) -> None:
    async with db.transaction() as tx:
        await tx._execute(
            "UPDATE matrix_replies SET reply_event_id = ? WHERE account = ? AND event_id = ?",
            (reply_event_id, account, event_id),
        )


async def unconfirmed_replies(db: Database, account: str) -> list[tuple[str, str]]:
    """(event_id, room_id) of commands claimed but not confirmed answered (a crash)."""
    rows = await db._fetchall(
        "SELECT event_id, room_id FROM matrix_replies "
        "WHERE account = ? AND reply_event_id IS NULL ORDER BY created_at",
        (account,),
    )
    return [(r[0], r[1]) for r in rows]
