"""The SQLite connection: pragmas, explicit transactions, backup and stats.

PostgreSQL has the same interface in `bot.store.pg`; `bot.store.connect.open_database`
opens either."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store import migrations
from bot.store.busy import BUSY_TIMEOUT_MS, as_write_error, begin_immediate, retry_busy

log = logging.getLogger(__name__)

# The database, its -wal and -shm (SQLite gives them the database's mode) and backups hold
# every subscription and the Matrix bot's state: readable by their owner only.
FILE_MODE = 0o600

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

    # Which SQL the database speaks, for the few statements that differ ("postgres" in
    # bot.store.pg).
    dialect = "sqlite"

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

    async def large_cache(self, mib: int) -> None:
        """Let SQLite keep up to `mib` MiB of pages in memory for this connection (a bulk
        build touches every index; the default 2 MiB makes it re-read them)."""
        await self._conn.execute(f"PRAGMA cache_size = {-1024 * int(mib)}")

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

    # Statements outside a transaction (autocommit) are all or nothing, so a busy one is
    # simply tried again; see bot/store/busy.py.

    async def _fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[aiosqlite.Row]:
        return await retry_busy(lambda: super(Database, self)._fetchall(sql, params), self._what)

    async def _fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> aiosqlite.Row | None:
        return await retry_busy(lambda: super(Database, self)._fetchone(sql, params), self._what)

    async def _execute(self, sql: str, params: Sequence[Any] | dict = ()) -> int:
        async with self._writes():
            return await retry_busy(lambda: super(Database, self)._execute(sql, params), self._what)

    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)  # tried again when busy: an iterator would be spent
        async with self._writes():
            await retry_busy(lambda: super(Database, self)._executemany(sql, rows), self._what)

    @property
    def _what(self) -> str:
        return str(self.path)

    @property
    def what(self) -> str:
        """The database named for people: its file."""
        return str(self.path)

    @asynccontextmanager
    async def _writes(self) -> AsyncIterator[None]:
        """A database that cannot be written (read-only, disk full) raises inside this as
        DatabaseWriteError, which names the file and says why in words."""
        try:
            yield
        except Exception as exc:
            error = as_write_error(exc, self._what)
            if error is None or error is exc:
                raise
            raise error from exc

    @asynccontextmanager
    async def transaction(
        self, *, give_up: float | None = None, concurrent: bool = False
    ) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (nothing partial).
        `concurrent` (PostgreSQL: no database-wide lock, row locks only) changes nothing
        here: SQLite's transactions always take turns.

        While another process holds the write lock this waits, with backoff (see
        bot/store/busy.py), and raises DatabaseBusyError only after `give_up` seconds
        (default BUSY_GIVE_UP_SECONDS). A database that cannot be written raises
        DatabaseWriteError."""
        async with self._writer, self._writes():
            try:
                await begin_immediate(self._conn, self._what, give_up=give_up)
            except BaseException:
                # Cancelled while BEGIN was on its way: this rollback queues behind it.
                with contextlib.suppress(Exception):
                    await self._conn.rollback()
                raise
            try:
                yield Transaction(self._conn)
            except BaseException:
                await self._conn.rollback()
                raise
            try:
                await self._conn.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    await self._conn.rollback()
                raise

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
        async with self._writer, self._writes():
            return await migrations.upgrade(self._conn, self._what)

    async def stats(self) -> dict[str, int]:
        counts = {}
        for table in STATS_TABLES:
            counts[table] = int(await self._scalar(f"SELECT count(*) FROM {table}"))
        return counts

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup API)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if not _create_private(target):
            raise FileExistsError(f"{target} already exists; choose a new path")
        async with aiosqlite.connect(target) as dest:
            await self._conn.backup(dest)

    async def listen(self, channel: str, callback: Callable[[str], None]) -> bool:
        """PostgreSQL's LISTEN (see bot.store.pg); SQLite has none: False, and readers
        notice other processes' commits by polling (`search_data.data_version`)."""
        return False

    async def close(self) -> None:
        await self._conn.close()


def _create_private(path: Path) -> bool:
    """Create `path` empty, readable by its owner only; False when it exists already.
    Any other failure (a read-only folder) is left for SQLite to report."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    except OSError:
        return True
    os.close(fd)
    return True


async def open_database(path: Path | str, *, upgrade: bool = True) -> Database:
    """Open (creating the folder if needed) with WAL, foreign keys and a busy timeout.

    A new database file is created 0600 (its -wal and -shm follow). Two processes opening
    a new database at once are safe: migrations run under the write lock (see
    bot/store/migrations.py)."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    db = Database(conn, path)
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Switching a new file to WAL takes the lock: a second process waits its turn.
        await retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"), str(path))
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
