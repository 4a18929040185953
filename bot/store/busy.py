"""A database another process is writing to is waited for, never a failure.

SQLite lets one connection write at a time. Another process (`filmbot import`, `filmbot
catalog --force`, a second bot) may hold the write lock for seconds. `begin_immediate`
(every transaction) waits for it with capped exponential backoff, off SQLite's thread, so
reads keep flowing meanwhile; `retry_busy` tries an autocommit statement again once
SQLite's own busy timeout (`BUSY_TIMEOUT_MS`) has passed. Only a lock held for
`BUSY_GIVE_UP_SECONDS` ends in `DatabaseBusyError`.

A database that cannot be written at all (read-only, the disk full, an I/O error) is a
`DatabaseWriteError` with one plain sentence: waiting cannot fix it, so an import stops
at the first one instead of failing document after document.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiosqlite

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000  # SQLite's own wait for a lock (PRAGMA busy_timeout)
BUSY_POLL_MS = 50  # SQLite's own wait per try of BEGIN IMMEDIATE; the backoff does the rest
BUSY_RETRY_FIRST_SECONDS = 0.05
BUSY_RETRY_MAX_SECONDS = 1.0
BUSY_GIVE_UP_SECONDS = 600.0  # a lock held this long is not "busy" any more

_SQLITE_BUSY = 5
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_FULL = 13


class DatabaseBusyError(sqlite3.OperationalError):
    """Another process held the write lock for longer than we wait."""


class DatabaseWriteError(sqlite3.OperationalError):
    """The database cannot be written: read-only, the disk full, an I/O error."""


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY: another connection holds the lock ("database is locked")."""
    if isinstance(exc, DatabaseBusyError):
        return False  # already waited for as long as we wait
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == _SQLITE_BUSY:
        return True
    return "database is locked" in str(exc)


def write_problem(exc: BaseException) -> str | None:
    """Why the database cannot be written, in words, when `exc` says it cannot be."""
    if isinstance(exc, DatabaseWriteError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return "the file system is read-only"
    if not isinstance(exc, sqlite3.OperationalError) or isinstance(exc, DatabaseBusyError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary == _SQLITE_READONLY or "readonly database" in text:
        return "the database is read-only"
    if primary == _SQLITE_FULL or "disk is full" in text:
        return "the disk is full"
    if primary == _SQLITE_IOERR or "disk I/O error" in text:
        return "a disk I/O error"
    return None


def as_write_error(exc: BaseException, what: str) -> DatabaseWriteError | None:
    """`exc` as a DatabaseWriteError about `what` (the database's path), or None."""
    if isinstance(exc, DatabaseWriteError):
        return exc
    problem = write_problem(exc)
    if problem is None:
        return None
    error = DatabaseWriteError(f"cannot write to the database {what}: {problem} ({exc})")
    error.sqlite_errorcode = getattr(exc, "sqlite_errorcode", None)  # type: ignore[attr-defined]
    return error


async def retry_busy(run: Callable[[], Awaitable[T]], what: str) -> T:
    """Run `run` (one autocommit statement: all or nothing) until the database is not
    busy, backing off between tries; DatabaseBusyError after BUSY_GIVE_UP_SECONDS."""
    started = time.monotonic()
    delay = BUSY_RETRY_FIRST_SECONDS
    warned = False
    while True:
        try:
            result = await run()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            waited = time.monotonic() - started
            if waited >= BUSY_GIVE_UP_SECONDS:
                raise DatabaseBusyError(
                    f"the database {what} stayed locked by another process for {waited:.0f} s"
                ) from exc
            if not warned:
                log.warning("database %s is locked by another process; waiting", what)
                warned = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, BUSY_RETRY_MAX_SECONDS)
            continue
        if warned:
            log.info("database %s: free again after %.1f s", what, time.monotonic() - started)
        return result


async def begin_immediate(
    conn: aiosqlite.Connection, what: str, *, give_up: float | None = None
) -> float:
    """BEGIN IMMEDIATE (the write lock), waiting as long as another process holds it;
    returns how many seconds it waited.

    The waiting is done here, with backoff, not by SQLite: its busy timeout is cut to
    BUSY_POLL_MS for each try, so the connection's one thread is never blocked for long
    and reads (every command) go on between tries. A wait past BUSY_TIMEOUT_MS (where
    SQLite would have given up) is logged once, and its end too."""
    give_up = BUSY_GIVE_UP_SECONDS if give_up is None else give_up
    started = time.monotonic()
    delay = BUSY_RETRY_FIRST_SECONDS
    warned = False
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_POLL_MS}")
    try:
        while True:
            try:
                await conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                waited = time.monotonic() - started
                if waited >= give_up:
                    log.error("database %s: still locked after %.0f s; giving up", what, waited)
                    raise DatabaseBusyError(
                        f"the database {what} stayed locked by another process for {waited:.0f} s"
                    ) from exc
                if not warned and waited >= BUSY_TIMEOUT_MS / 1000:
                    log.warning(
                        "database %s is locked by another process (%.0f s so far); waiting",
                        what,
                        waited,
                    )
                    warned = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, BUSY_RETRY_MAX_SECONDS)
    finally:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    waited = time.monotonic() - started
    if warned:
        log.info("database %s: the lock came free after %.1f s; writing", what, waited)
    return waited
