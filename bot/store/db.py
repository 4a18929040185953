"""The SQLite connection: pragmas, explicit transactions, backup and stats."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store import migrations

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000

# Tables `filmbot db stats` counts, in the order it prints them.
STATS_TABLES = (
    "films",
    "film_titles",
    "people",
    "person_aliases",
    "credits",
    "genres",
    "countries",
    "labels",
    "editions",
    "edition_films",
    "special_features",
    "reviews",
    "plot_notes",
    "sources",
    "facts",
)


class Database:
    """One aiosqlite connection in autocommit mode; writes go through `transaction()`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        # One connection serves every task (both chat platforms, their workers): their
        # transactions take turns instead of nesting on the shared connection.
        self._writer = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (nothing partial)."""
        async with self._writer:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.rollback()
                raise
            else:
                await self.conn.commit()

    # One trip to aiosqlite's thread per query (execute + fetch + close together): under
    # load the trips, not SQLite, are what a command pays for.
    async def fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> aiosqlite.Row | None:
        """The first row; for queries that return one row (the rest would be read too)."""
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def scalar(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        row = await self.fetchone(sql, params)
        return row[0] if row else None

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(sql, rows)

    async def schema_version(self) -> int:
        return await migrations.current_version(self.conn)

    async def upgrade(self) -> list[migrations.Migration]:
        return await migrations.upgrade(self.conn)

    async def stats(self) -> dict[str, int]:
        counts = {}
        for table in STATS_TABLES:
            counts[table] = int(await self.scalar(f"SELECT count(*) FROM {table}"))
        return counts

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup API)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"{target} already exists; choose a new path")
        async with aiosqlite.connect(target) as dest:
            await self.conn.backup(dest)

    async def close(self) -> None:
        await self.conn.close()


async def open_database(path: Path | str, *, upgrade: bool = True) -> Database:
    """Open (creating the folder if needed) with WAL, foreign keys and a busy timeout."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    db = Database(conn, path)
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA synchronous = NORMAL")
        applied = await db.upgrade() if upgrade else []
    except BaseException:
        # The connection's worker thread would otherwise keep the process alive.
        await conn.close()
        raise
    if applied:
        log.info("database %s upgraded to schema %d", path, applied[-1].version)
    return db
