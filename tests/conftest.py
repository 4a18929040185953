"""Shared fixtures: the bundled catalog is built once per session into a temp database.

PostgreSQL (issue 20): `postgres_server` starts one real server per session (only when a
test asks for it; tests/postgres.py), `pg_seeded` builds the seeded catalog into it once,
and the `backend` fixtures run a test on both backends, `[sqlite]` and `[postgres]`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.core.loader import load_core
from bot.importers.catalog import build_catalog
from bot.importers.documents.importer import import_bundled_documents
from bot.search import SearchService, cache_dir_for
from bot.store import open_database
from bot.store.db import Database
from tests.announce_helpers import announcing  # noqa: F401 (a fixture for announcement tests)
from tests.postgres import PostgresServer

BACKENDS = ("sqlite", "postgres")


async def _build(path: Path, *, documents: bool = False, url: str | None = None) -> None:
    """Build the catalog into the file `path`, or into the PostgreSQL database `url` with
    its local files (the saved search index) beside `path`."""
    db = await open_database(url or path, local_path=path)
    try:
        await build_catalog(db, progress=False)
        if documents:
            for outcome in await import_bundled_documents(db):
                assert outcome.ok, outcome.line()
        # The saved title index, copied with the database by the fixtures below, so each
        # test's process loads it instead of building it again.
        search = SearchService(db, cache_dir_for(path))
        search.start()
        await search.ready()
        await search.people()  # the person index too, saved in the same folder
        await search.close()
    finally:
        await db.close()


def _copy_database(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    cache = cache_dir_for(source)
    if cache is not None and cache.is_dir():
        shutil.copytree(cache, cache_dir_for(target))


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so copies of the file are complete."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="session")
def catalog_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the whole bundled catalog, built once (read-only for tests)."""
    path = tmp_path_factory.mktemp("catalog") / "filmbot.sqlite3"
    _in_thread(_build(path))
    _checkpoint(path)
    return path


@pytest.fixture(scope="session")
def seeded_db(catalog_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog plus the three bundled seed documents: what a user's first start builds."""
    path = tmp_path_factory.mktemp("seeded") / "filmbot.sqlite3"
    _copy_database(catalog_db, path)
    _in_thread(_build(path, documents=True))
    _checkpoint(path)
    return path


@pytest.fixture
def catalog_copy(catalog_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the catalog database."""
    target = tmp_path / "filmbot.sqlite3"
    _copy_database(catalog_db, target)
    return target


@pytest.fixture
def seeded_copy(seeded_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the seeded database."""
    target = tmp_path / "seeded.sqlite3"
    _copy_database(seeded_db, target)
    return target


@pytest.fixture
async def core(seeded_copy: Path):
    """A core on a private copy of the seeded database (catalog + bundled documents)."""
    db = await open_database(seeded_copy)
    try:
        yield await load_core(db)
    finally:
        await db.close()


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, for 'nothing changed' assertions.

    The keyword table is compared by its rows, not by FTS5's internal shadow tables,
    whose b-tree layout differs after a rebuild of the same text.
    """
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'film_text_%' ORDER BY name"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def run_cli(
    *args: str, db: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `filmbot` entry point as a user would, in a clean environment.

    The working folder is the database's (or its nearest existing parent), so a
    developer's own `.env` is not read.
    """
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "MATRIX_", "FILMBOT_"))
    }
    full_env["FILMBOT_DB"] = str(db)
    full_env["FILMBOT_LOG_LEVEL"] = "WARNING"
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=next(p for p in db.parents if p.is_dir()),
        timeout=120,
        check=False,
    )


def _in_thread(coroutine) -> object:
    """Run a coroutine to its end from sync code that may itself be inside an event loop
    (a session fixture first asked for by an async test)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the session (tests/postgres.py). One that cannot
    start fails the tests that need it, loudly: none is skipped."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_seeded(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """(URL, local path) of a PostgreSQL database holding what `seeded_db` holds (the
    catalog built through the async store, then the bundled documents), built once; a
    template for `pg_seeded_copy` (no connection is left open to it)."""
    url = _in_thread(postgres_server.create_database())
    local = tmp_path_factory.mktemp("pg-seeded") / "filmbot"
    _in_thread(_build(local, documents=True, url=url))
    return url, local


@pytest.fixture
def pg_seeded_copy(
    postgres_server: PostgresServer, pg_seeded: tuple[str, Path], tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """A private, writable clone of `pg_seeded` (CREATE DATABASE ... TEMPLATE) with a copy
    of its saved search index; dropped after the test."""
    url, local = pg_seeded
    clone = _in_thread(postgres_server.create_database(template=url.rsplit("/", 1)[1]))
    target = tmp_path / "pg-seeded"
    cache = cache_dir_for(local)
    if cache is not None and cache.is_dir():
        shutil.copytree(cache, cache_dir_for(target))
    try:
        yield clone, target
    finally:
        _in_thread(postgres_server.drop_database(clone))


@pytest.fixture(params=BACKENDS)
async def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database at the latest schema, on each backend in turn."""
    if request.param == "sqlite":
        db = await open_database(tmp_path / "store.sqlite3")
        try:
            yield db
        finally:
            await db.close()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    db = await open_database(url, local_path=tmp_path / "store")
    try:
        yield db
    finally:
        await db.close()
        await server.drop_database(url)


@pytest.fixture(params=BACKENDS)
async def backend_core(request: pytest.FixtureRequest):
    """A core on a private copy of the seeded catalog, on each backend in turn."""
    if request.param == "sqlite":
        db = await open_database(request.getfixturevalue("seeded_copy"))
    else:
        url, local = request.getfixturevalue("pg_seeded_copy")
        db = await open_database(url, local_path=local)
    try:
        yield await load_core(db)
    finally:
        await db.close()


@pytest.fixture
async def emu():
    """A loopback Discord emulator on 127.0.0.1 (port 0), stopped after the test."""
    from tests.discord_emulator import DiscordEmulator

    emulator = DiscordEmulator()
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()
