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


class _Sql:
    """The connection and the query helpers every store module uses.

    The underscored methods are the store's own: modules of `bot/store` call them, nothing
    else does (tests/test_architecture.py keeps SQL and the connection inside the store).
    One trip to aiosqlite's thread per query (execute + fetch + close together): under load
    the trips, not SQLite, are what a command pays for.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def _fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> aiosqlite.Row | None:
        """The first row; for queries that return one row (the rest would be read too)."""
        rows = await self._conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def _scalar(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        row = await self._fetchone(sql, params)
        return row[0] if row else None

    async def _execute(self, sql: str, params: Sequence[Any] | dict = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for many rows, in one trip (the catalog build's batches)."""
        await self._conn.executemany(sql, rows)


class Transaction(_Sql):
    """What `Database.transaction()` yields: an open BEGIN IMMEDIATE ... COMMIT.

    Store functions that write take it (`announcements.add_subscription(tx, ...)`), so a
    caller shows it holds a transaction; the caller itself runs no SQL on it.
    """

    async def defer_foreign_keys(self) -> None:
        """Check foreign keys at COMMIT instead of per statement, for the rest of this
        transaction (rows flushed table by table, not in dependency order)."""
        await self._conn.execute("PRAGMA defer_foreign_keys = ON")


class Database(_Sql):
    """One aiosqlite connection in autocommit mode; writes go through `transaction()`.

    The connection stays private: the store's modules query through the underscored
    helpers; tests that need raw SQL use `tests/sql.py`.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        super().__init__(conn)
        self.path = path
        # One connection serves every task (both chat platforms, their workers): their
        # transactions take turns instead of nesting on the shared connection.
        self._writer = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (nothing partial)."""
        async with self._writer:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._conn)
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()

    @property
    def in_transaction(self) -> bool:
        """True while a transaction is open on the connection (an import still writing)."""
        return self._conn.in_transaction

    def total_changes(self) -> int:
        """Rows changed through this connection since it opened: a cheap "did we write?"."""
        return self._conn.total_changes

    async def schema_version(self) -> int:
        return await migrations.current_version(self._conn)

    async def upgrade(self) -> list[migrations.Migration]:
        return await migrations.upgrade(self._conn)

    async def stats(self) -> dict[str, int]:
        counts = {}
        for table in STATS_TABLES:
            counts[table] = int(await self._scalar(f"SELECT count(*) FROM {table}"))
        return counts

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup API)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"{target} already exists; choose a new path")
        async with aiosqlite.connect(target) as dest:
            await self._conn.backup(dest)

    async def close(self) -> None:
        await self._conn.close()


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
