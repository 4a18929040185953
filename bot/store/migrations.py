"""Numbered, forward-only schema migrations.

Each `migrations/NNNN_name.sql` runs once, inside one transaction together with the bump
of `PRAGMA user_version` to NNNN, so a failing migration leaves the schema as it was.
There are no down-migrations: a change is undone by a new, higher-numbered migration.

PostgreSQL has the same numbered migrations in its own dialect (`migrations/postgres/`,
same numbers and names), applied by `bot.store.pg` and recorded in `schema_migrations`.

Two processes starting on a new database at once take turns: each migration's
transaction takes the write lock first (BEGIN IMMEDIATE, waiting while the other holds
it) and reads `user_version` again inside it, so what the other applied meanwhile is
skipped, never applied twice.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from bot.store.busy import DatabaseBusyError, begin_immediate, write_problem

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    """The migration files or the database's schema version are not what we expect."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


SQLITE = "sqlite"
POSTGRES = "postgres"


def available(dialect: str = SQLITE) -> list[Migration]:
    """All migrations shipped with the package for that database, in order; numbering
    must have no gaps."""
    folder = resources.files("bot.store").joinpath("migrations")
    if dialect == POSTGRES:
        folder = folder.joinpath("postgres")
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"migration {expected:04d} is missing (found {migration.version:04d})"
            )
    return found


def latest_version() -> int:
    migrations = available()
    return migrations[-1].version if migrations else 0


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


def statements(script: str) -> list[str]:
    """A migration's SQL split into single statements (a trigger's body stays whole),
    for running them inside a transaction this module opened: executescript would
    commit it first."""
    found = []
    start = 0
    for end, char in enumerate(script):
        if char == ";" and sqlite3.complete_statement(script[start : end + 1]):
            found.append(script[start : end + 1].strip())
            start = end + 1
    tail = script[start:].strip()
    if tail:
        found.append(tail)  # the last statement without its ';' (or only a comment)
    return [statement for statement in found if statement.strip(" \t\r\n;")]


def refuse_newer(current: int, latest: int) -> None:
    if current > latest:
        raise MigrationError(
            f"the database is at schema {current}, newer than this filmbot knows ({latest}); "
            "upgrade filmbot instead of using an older one"
        )


async def upgrade(conn: aiosqlite.Connection, what: str = "database") -> list[Migration]:
    """Apply every pending migration; returns those applied (empty when up to date, or
    when another process applied them first)."""
    current = await current_version(conn)
    migrations = available()
    latest = migrations[-1].version if migrations else 0
    refuse_newer(current, latest)
    applied = []
    for migration in migrations:
        if migration.version <= current:
            continue
        await begin_immediate(conn, what)
        try:
            # Inside the lock: another process may have migrated while we waited for it.
            current = await current_version(conn)
            refuse_newer(current, latest)
            if migration.version <= current:
                await conn.rollback()
                continue
            log.info("applying migration %04d_%s", migration.version, migration.name)
            for statement in statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {migration.version}")
            await conn.commit()
        except BaseException as exc:
            if conn.in_transaction:
                await conn.rollback()
            if (
                not isinstance(exc, Exception)
                or isinstance(exc, MigrationError | DatabaseBusyError)
                or write_problem(exc)  # read-only, disk full: said as such by the caller
            ):
                raise
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} failed: {exc}"
            ) from exc
        current = migration.version
        applied.append(migration)
    return applied
