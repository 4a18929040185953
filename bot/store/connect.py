"""Opening the database: a SQLite file, or PostgreSQL given a `postgresql://` URL."""

from __future__ import annotations

from pathlib import Path

from bot.store import db as sqlite_db
from bot.store.db import Database

URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: object) -> bool:
    """True for a PostgreSQL URL (`postgresql://...`, `postgres://...`)."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


async def open_database(
    target: Path | str, *, upgrade: bool = True, local_path: Path | None = None
) -> Database:
    """Open the database and bring its schema up to date (unless `upgrade` is False).

    A path opens (or creates) a SQLite file (`bot.store.db`). A `postgresql://` URL
    connects to PostgreSQL (`bot.store.pg`, which imports asyncpg only then); `local_path`
    is where this machine keeps that database's local files (the saved search index,
    beside it as `<local_path>.search`). A file database keeps them beside itself."""
    if is_postgres_url(target):
        from bot.store import pg

        return await pg.open_database(str(target), upgrade=upgrade, path=local_path)
    return await sqlite_db.open_database(target, upgrade=upgrade)
