"""Raw SQL for tests: set-up rows, and damage done on purpose, that no store function
writes (a film with a hostile title, an emptied keyword table, a broken foreign key).

This is the tests' one door to the connection (through the store's own underscored
helpers); it lives with the tests, so the bot cannot import it, and outside `bot/store`
no bot code runs SQL (tests/test_architecture.py).
Each function takes the database (autocommit: each statement commits on its own) or an
open transaction (`async with db.transaction() as tx`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from bot.store.db import Database, Transaction


async def execute(
    on: Database | Transaction, sql: str, params: Sequence[Any] | dict = ()
) -> int | None:
    """Run one statement; the id of the row an INSERT added (SQLite's lastrowid; None on
    PostgreSQL, where a test adds RETURNING and uses `scalar`)."""
    if on.dialect == "postgres":
        await on._execute(sql, params)
        return None
    cursor = await on._conn.execute(sql, params)
    row_id = cursor.lastrowid
    await cursor.close()
    return row_id


async def executemany(on: Database | Transaction, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    await on._executemany(sql, rows)


async def fetchall(
    on: Database | Transaction, sql: str, params: Sequence[Any] | dict = ()
) -> list[aiosqlite.Row]:
    """Every row a statement returns (a query, or a write with RETURNING)."""
    return await on._fetchall(sql, params)


async def fetchone(
    on: Database | Transaction, sql: str, params: Sequence[Any] | dict = ()
) -> aiosqlite.Row | None:
    """The first row a statement returns, or None."""
    return await on._fetchone(sql, params)


async def scalar(on: Database | Transaction, sql: str, params: Sequence[Any] | dict = ()) -> Any:
    """The first column of the first row, or None."""
    return await on._scalar(sql, params)
