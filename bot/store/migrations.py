"""Numbered, forward-only schema migrations.

Each `migrations/NNNN_name.sql` runs once, inside one transaction together with the bump
of `PRAGMA user_version` to NNNN, so a failing migration leaves the schema as it was.
There are no down-migrations: a change is undone by a new, higher-numbered migration.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    """The migration files or the database's schema version are not what we expect."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """All migrations shipped with the package, in order; numbering must have no gaps."""
    found = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
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


async def upgrade(conn: aiosqlite.Connection) -> list[Migration]:
    """Apply every pending migration; returns those applied (empty when up to date)."""
    current = await current_version(conn)
    migrations = available()
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise MigrationError(
            f"the database is at schema {current}, newer than this filmbot knows ({latest}); "
            "upgrade filmbot instead of using an older one"
        )
    applied = []
    for migration in migrations:
        if migration.version <= current:
            continue
        log.info("applying migration %04d_%s", migration.version, migration.name)
        # executescript would commit any open transaction first and then run statement by
        # statement, so the BEGIN/COMMIT is part of the script itself.
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n;\n"
            f"PRAGMA user_version = {migration.version};\n"
            "COMMIT;"
        )
        try:
            await conn.executescript(script)
        except Exception as exc:
            if conn.in_transaction:
                await conn.rollback()
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} failed: {exc}"
            ) from exc
        applied.append(migration)
    return applied
