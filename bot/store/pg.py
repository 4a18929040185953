"""The PostgreSQL connection: the same store interface as `bot.store.db`, on asyncpg.

`FILMBOT_DATABASE_URL=postgresql://...` selects it (`bot.store.open_database`). Store
modules call the same helpers on either backend (`_fetchall`, `_fetchone`, `_scalar`,
`_execute`, `_executemany`, `transaction()`); their SQL is translated by
`bot.store.pg_sql`, and where the two databases differ in meaning a module branches on
`db.dialect` ("sqlite" or "postgres").

How it keeps SQLite's guarantees:

- Writes: every `transaction()` first takes one database-wide advisory lock, so write
  transactions take turns across all processes exactly as SQLite's BEGIN IMMEDIATE makes
  them (the store's read-then-write code was written for that). It is waited for as long
  as `give_up` (default BUSY_GIVE_UP_SECONDS), then DatabaseBusyError.
  `transaction(concurrent=True)` skips that lock: for the few short transactions written
  to be safe under row locks alone (the outbox claims with FOR UPDATE SKIP LOCKED, their
  guarded updates, leases, the send budget), so many delivering processes do not queue
  behind each other or behind an import. On SQLite they are BEGIN IMMEDIATE all the same.
- Reads outside a transaction use any connection of a small pool, so they never see
  another task's uncommitted rows.
- Errors: asyncpg's exceptions are raised as the store's own (`sqlite3` classes, which
  every caller already handles): a constraint as IntegrityError, a read-only database or
  a full disk as DatabaseWriteError, the rest as OperationalError, the original chained.
- The URL's password is never logged or shown: `masked_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg

from bot.logsafety import masked_url
from bot.store import db as sqlite_db
from bot.store import migrations
from bot.store.busy import (
    BUSY_GIVE_UP_SECONDS,
    BUSY_TIMEOUT_MS,
    DatabaseBusyError,
    DatabaseWriteError,
)
from bot.store.pg_sql import NOW_ISO, arguments, translate

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the write lock every transaction takes ("filmbot" write).
WRITE_LOCK = 0x66696C6D_0001
POOL_MAX_SIZE = 8
STATEMENT_CACHE_SIZE = 1024
# A LISTEN connection the server dropped is opened again after this, doubling up to the
# most (polling notices changes meanwhile).
LISTEN_RETRY_FIRST_SECONDS = 0.5
LISTEN_RETRY_MAX_SECONDS = 30.0
# SQLSTATEs that mean the database cannot be written, whatever we retry.
_READ_ONLY = "25006"
_DISK_FULL = "53100"
_LOCK_NOT_AVAILABLE = "55P03"


class PostgresError(sqlite3.OperationalError):
    """A PostgreSQL error, raised as the store's errors are (see the module's text)."""


class PostgresIntegrityError(sqlite3.IntegrityError):
    """A PostgreSQL constraint violation (unique, foreign key, not null, check)."""


def _store_error(exc: BaseException, what: str) -> BaseException:
    """`exc` as the store raises it (see the module's text); other exceptions as they are."""
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return PostgresIntegrityError(str(exc))
    code = getattr(exc, "sqlstate", None)
    if code == _READ_ONLY:
        return DatabaseWriteError(f"cannot write to the database {what}: it is read-only ({exc})")
    if code == _DISK_FULL:
        return DatabaseWriteError(f"cannot write to the database {what}: the disk is full ({exc})")
    if isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError):
        return PostgresError(f"{what}: {exc}")
    if isinstance(exc, OSError):  # the server went away, refused, ...
        return PostgresError(f"cannot reach the database {what}: {exc}")
    return exc


def _rowcount(status: str) -> int:
    """Rows a command changed, from its status ('UPDATE 3', 'INSERT 0 1'); -1 for none."""
    match = re.search(r"(\d+)$", status or "")
    return int(match.group(1)) if match else -1


class _PgSql:
    """The query helpers (see `bot.store.db._Sql`), on one connection or on the pool."""

    dialect = "postgres"

    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool, what: str) -> None:
        self._conn = conn
        self._what_text = what

    @asynccontextmanager
    async def _errors(self) -> AsyncIterator[None]:
        try:
            yield
        except Exception as exc:
            error = _store_error(exc, self._what_text)
            if error is exc:
                raise
            raise error from exc

    async def _fetchall(self, sql: str, params: Sequence[Any] | Mapping = ()) -> list[Any]:
        text, args = arguments(sql, params)
        async with self._errors():
            return list(await self._conn.fetch(text, *args))

    async def _fetchone(self, sql: str, params: Sequence[Any] | Mapping = ()) -> Any:
        text, args = arguments(sql, params)
        async with self._errors():
            return await self._conn.fetchrow(text, *args)

    async def _scalar(self, sql: str, params: Sequence[Any] | Mapping = ()) -> Any:
        row = await self._fetchone(sql, params)
        return row[0] if row else None

    async def _execute(self, sql: str, params: Sequence[Any] | Mapping = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        text, args = arguments(sql, params)
        async with self._errors():
            if args:
                status = await self._conn.execute(text, *args)
            else:
                # No parameters: the simple protocol, so no prepared statement is kept
                # for one-off statements (and PRAGMA-like SET commands work).
                status = await self._conn.execute(text)
        changed = _rowcount(status) if not status.startswith("SELECT") else 0
        self._count(max(changed, 0))
        return changed

    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for many rows (asyncpg pipelines them)."""
        text, names, _ = translate(sql)
        if names is not None:
            raise ValueError("_executemany takes ? placeholders")
        batch = [tuple(row) for row in rows]
        if not batch:
            return
        async with self._errors():
            await self._conn.executemany(text, batch)
        self._count(len(batch))

    def _count(self, rows: int) -> None:
        """Count rows written (Database.total_changes)."""


# The PostgreSQL classes are the store's Database and Transaction too (isinstance and the
# store modules' type hints hold); every method comes from _PgSql or is overridden here.


class Transaction(_PgSql, sqlite_db.Transaction):
    """An open transaction holding the write lock (see `Database.transaction`)."""

    def __init__(self, conn: asyncpg.Connection, db: Database) -> None:
        super().__init__(conn, db.what)
        self._db = db

    def _count(self, rows: int) -> None:
        self._db._changes += rows

    async def large_cache(self, mib: int) -> None:
        """SQLite's page cache for a bulk build; PostgreSQL's shared buffers are the
        server's, so there is nothing to set per transaction."""

    async def defer_foreign_keys(self) -> None:
        """Check foreign keys at COMMIT (the PostgreSQL schema's are DEFERRABLE)."""
        await self._execute("SET CONSTRAINTS ALL DEFERRED")


class Database(_PgSql, sqlite_db.Database):
    """A pool of asyncpg connections to one PostgreSQL database; writes go through
    `transaction()`.

    `path` is where files of this database that live on this machine go (the saved search
    index, beside it as `<path>.search`); None keeps none.
    """

    def __init__(self, pool: asyncpg.Pool, url: str, path: Path | None = None) -> None:
        super().__init__(pool, masked_url(url))
        self._pool = pool
        self.url = url
        self.path = path
        self._open = 0
        self._changes = 0
        self._listeners: list[asyncpg.Connection] = []
        self._relistening: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def what(self) -> str:
        """The database named for people: the URL with its password masked."""
        return self._what_text

    @property
    def _what(self) -> str:
        return self._what_text

    def _count(self, rows: int) -> None:
        self._changes += rows

    @asynccontextmanager
    async def transaction(
        self, *, give_up: float | None = None, concurrent: bool = False
    ) -> AsyncIterator[Transaction]:
        """BEGIN ... COMMIT under the database-wide write lock, or ROLLBACK on any
        exception (nothing partial). Waits for the lock up to `give_up` seconds (default
        BUSY_GIVE_UP_SECONDS), then DatabaseBusyError. `concurrent`: without that lock,
        for transactions that row locks alone keep right (see the module's text)."""
        give_up = BUSY_GIVE_UP_SECONDS if give_up is None else give_up
        async with self._errors():
            conn = await self._pool.acquire()
        self._open += 1
        try:
            tx = conn.transaction()
            async with self._errors():
                await tx.start()
            try:
                if not concurrent:
                    await self._lock(conn, give_up)
                yield Transaction(conn, self)
            except BaseException:
                with contextlib.suppress(Exception):
                    await tx.rollback()
                raise
            async with self._errors():
                await tx.commit()
        finally:
            self._open -= 1
            await self._pool.release(conn)

    async def _lock(self, conn: asyncpg.Connection, give_up: float) -> None:
        """Take the write lock; wait (logged once past BUSY_TIMEOUT_MS) at most `give_up`."""
        async with self._errors():
            if await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", WRITE_LOCK):
                return
        started = time.monotonic()
        log.info("database %s: another process is writing; waiting", self.what)
        try:
            await conn.execute(f"SET LOCAL lock_timeout = {max(1, int(give_up * 1000))}")
            await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            await conn.execute("RESET lock_timeout")
        except asyncpg.PostgresError as exc:
            if getattr(exc, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                waited = time.monotonic() - started
                raise DatabaseBusyError(
                    f"the database {self.what} stayed locked by another process for {waited:.0f} s"
                ) from exc
            raise _store_error(exc, self.what) from exc
        waited = time.monotonic() - started
        if waited * 1000 >= BUSY_TIMEOUT_MS:
            log.info("database %s: the lock came free after %.1f s; writing", self.what, waited)

    @property
    def in_transaction(self) -> bool:
        """True while a transaction of this Database is open (an import still writing)."""
        return self._open > 0

    def total_changes(self) -> int:
        """Rows written through this Database since it opened: a cheap "did we write?"."""
        return self._changes

    async def schema_version(self) -> int:
        async with self._errors(), self._pool.acquire() as conn:
            return await current_version(conn)

    async def upgrade(self) -> list[migrations.Migration]:
        async with self._errors(), self._pool.acquire() as conn:
            return await upgrade(conn, self.what)

    async def stats(self) -> dict[str, int]:
        counts = {}
        for table in sqlite_db.STATS_TABLES:
            counts[table] = int(await self._scalar(f"SELECT count(*) FROM {table}"))
        return counts

    async def backup(self, target: Path) -> None:
        """PostgreSQL is backed up by its own tools."""
        raise PostgresError(
            f"filmbot db backup copies SQLite files; back up {self.what} with pg_dump"
        )

    async def listen(self, channel: str, callback: Callable[[str], None]) -> bool:
        """Call `callback(payload)` on the event loop for every NOTIFY on `channel`
        (committed writes of any process; `filmbot_changes` is fired by the triggers of
        migration 0011). A connection of its own, kept until `close`; when the server
        drops it (a restart, a failover) it is opened again, with backoff, and `callback`
        is called once with an empty payload for what changed meanwhile. True:
        listening."""
        self._listeners.append(await self._listening(channel, callback))
        return True

    async def _listening(self, channel: str, callback: Callable[[str], None]) -> asyncpg.Connection:
        async with self._errors():
            conn = await asyncpg.connect(self.url)
        try:
            await conn.add_listener(
                channel, lambda _conn, _pid, _channel, payload: callback(payload)
            )
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(lambda lost: self._listener_lost(lost, channel, callback))
        return conn

    def _listener_lost(
        self, conn: asyncpg.Connection, channel: str, callback: Callable[[str], None]
    ) -> None:
        if self._closing or conn not in self._listeners:
            return
        self._listeners.remove(conn)
        log.warning(
            "database %s: the LISTEN connection closed; listening again (polling meanwhile)",
            self.what,
        )
        task = asyncio.get_running_loop().create_task(self._listen_again(channel, callback))
        self._relistening.add(task)
        task.add_done_callback(self._relistening.discard)

    async def _listen_again(self, channel: str, callback: Callable[[str], None]) -> None:
        delay = LISTEN_RETRY_FIRST_SECONDS
        while not self._closing:
            await asyncio.sleep(delay)
            try:
                conn = await self._listening(channel, callback)
            except Exception as exc:
                log.warning(
                    "database %s: LISTEN failed again (%s); next try in %.0f s",
                    self.what,
                    exc,
                    min(delay * 2, LISTEN_RETRY_MAX_SECONDS),
                )
                delay = min(delay * 2, LISTEN_RETRY_MAX_SECONDS)
                continue
            if self._closing:
                await conn.close()
                return
            self._listeners.append(conn)
            log.info("database %s: listening for changes again", self.what)
            callback("")  # whatever changed while no one listened
            return

    async def close(self) -> None:
        self._closing = True
        waiting = list(self._relistening)
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        for conn in self._listeners:
            with contextlib.suppress(Exception):
                await conn.close()
        self._listeners.clear()
        await self._pool.close()


# --- migrations -------------------------------------------------------------------------

# pg_advisory_lock key held while migrating: two processes starting at once take turns.
MIGRATION_LOCK = 0x66696C6D_0002
_BOOKKEEPING = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    f" applied_at TEXT NOT NULL DEFAULT {NOW_ISO})"
)


async def current_version(conn: asyncpg.Connection) -> int:
    """The highest migration applied (0 for a database filmbot never touched)."""
    if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
        return 0
    return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))


async def upgrade(conn: asyncpg.Connection, what: str = "database") -> list[migrations.Migration]:
    """Apply every pending PostgreSQL migration, each in one transaction with its row in
    `schema_migrations`; returns those applied. A session advisory lock is held
    throughout, so a second process starting at once waits, then finds them applied."""
    available = migrations.available(migrations.POSTGRES)
    latest = available[-1].version if available else 0
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        current = await current_version(conn)
        migrations.refuse_newer(current, latest)
        applied = []
        for migration in available:
            if migration.version <= current:
                continue
            log.info("applying migration %04d_%s", migration.version, migration.name)
            try:
                async with conn.transaction():
                    await conn.execute(_BOOKKEEPING)
                    await conn.execute(migration.sql)
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                        migration.version,
                        migration.name,
                    )
            except asyncpg.PostgresError as exc:
                error = _store_error(exc, what)
                if isinstance(error, DatabaseWriteError):
                    raise error from exc
                raise migrations.MigrationError(
                    f"migration {migration.version:04d}_{migration.name} failed: {exc}"
                ) from exc
            applied.append(migration)
        return applied
    finally:
        with contextlib.suppress(Exception):
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


async def open_database(url: str, *, upgrade: bool = True, path: Path | None = None) -> Database:
    """Connect to the PostgreSQL database at `url` and bring its schema up to date.

    `path`: where this machine keeps the database's local files (the saved search index);
    None keeps none. A server that cannot be reached raises PostgresError naming the URL
    with its password masked."""
    what = masked_url(url)
    try:
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=POOL_MAX_SIZE, statement_cache_size=STATEMENT_CACHE_SIZE
        )
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise PostgresError(f"cannot connect to the database {what}: {exc}") from exc
    db = Database(pool, url, path)
    try:
        applied = await db.upgrade() if upgrade else []
    except BaseException:
        await pool.close()
        raise
    if applied:
        log.info("database %s upgraded to schema %d", what, applied[-1].version)
    return db
