"""PostgreSQL beside SQLite (issue 20): its migrations, its SQL translation, and the core
answering on a catalog built into PostgreSQL (`[postgres]`) exactly as on SQLite
(`[sqlite]`). The server is real (tests/postgres.py); none of these tests is skipped.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ask import render_answer
from bot.core.engine import Core
from bot.store import migrations, open_database, pg
from bot.store.pg_sql import PlaceholderError, arguments, translate
from tests import sql
from tests.postgres import PostgresServer

# --- the translation ----------------------------------------------------------------------


def test_placeholders_and_sqlite_idioms_are_translated_once() -> None:
    text, names, count = translate("INSERT OR IGNORE INTO t (a, b) VALUES (?, ?)")
    assert (text, names, count) == (
        "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        None,
        2,
    )
    text, _, _ = translate(
        "SELECT x FROM t WHERE a IS NOT ? AND b IS ? AND c IS NULL AND d IS NOT NULL "
        "AND e LIKE '%:%?' AND f::int = 1 -- a ? comment"
    )
    assert text == (
        "SELECT x FROM t WHERE a IS DISTINCT FROM $1 AND b IS NOT DISTINCT FROM $2 AND c IS NULL "
        "AND d IS NOT NULL AND e LIKE '%:%?' AND f::int = 1 -- a ? comment"
    )
    assert arguments(
        "UPDATE t SET a = :a, b = coalesce(b, :a) WHERE id = :id", {"id": 3, "a": 1}
    ) == (
        "UPDATE t SET a = $1, b = coalesce(b, $1) WHERE id = $2",
        [1, 3],
    )
    assert (
        "to_char(now()" in translate("UPDATE t SET at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')")[0]
    )
    before = translate.cache_info().hits
    translate("SELECT ? + ?")
    translate("SELECT ? + ?")
    assert translate.cache_info().hits == before + 1  # each string is translated once
    # 'IS NOT NULL' spread over spaces or lines stays what it is
    spread, _, _ = translate("SELECT 1 WHERE a IS  NOT NULL AND b IS\n  NOT NULL AND c IS ?")
    assert (
        spread == "SELECT 1 WHERE a IS  NOT NULL AND b IS\n  NOT NULL AND c IS NOT DISTINCT FROM $1"
    )
    with pytest.raises(PlaceholderError):
        arguments("SELECT ? + ?", (1,))


def test_both_dialects_have_the_same_migrations() -> None:
    sqlite = [(m.version, m.name) for m in migrations.available()]
    postgres = [(m.version, m.name) for m in migrations.available(migrations.POSTGRES)]
    assert sqlite == postgres and len(postgres) == migrations.latest_version()
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '"postgres/*.sql"' in pyproject  # shipped in the package


# --- migrations ----------------------------------------------------------------------------


async def test_fresh_database_then_nothing_twice(postgres_server: PostgresServer) -> None:
    url = await postgres_server.create_database()
    db = await open_database(url)
    try:
        assert await db.schema_version() == migrations.latest_version()
        rows = await sql.fetchall(
            db, "SELECT version, name FROM schema_migrations ORDER BY version"
        )
        assert [(r[0], r[1]) for r in rows] == [
            (m.version, m.name) for m in migrations.available(migrations.POSTGRES)
        ]
        assert await db.upgrade() == []
    finally:
        await db.close()
        await postgres_server.drop_database(url)


async def test_upgrade_from_an_older_schema(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await postgres_server.create_database()
    shipped = migrations.available
    monkeypatch.setattr(migrations, "available", lambda dialect="sqlite": shipped(dialect)[:5])
    db = await open_database(url)
    assert await db.schema_version() == 5
    await db.close()
    monkeypatch.setattr(migrations, "available", shipped)
    db = await open_database(url, upgrade=False)
    try:
        assert [m.version for m in await db.upgrade()] == list(
            range(6, migrations.latest_version() + 1)
        )
        assert await db.schema_version() == migrations.latest_version()
        # A schema newer than this filmbot is refused, not used.
        await sql.execute(db, "INSERT INTO schema_migrations (version, name) VALUES (99, 'later')")
        with pytest.raises(migrations.MigrationError, match="newer"):
            await db.upgrade()
    finally:
        await db.close()
        await postgres_server.drop_database(url)


async def test_a_failing_migration_changes_nothing(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await postgres_server.create_database()
    broken = migrations.Migration(1, "broken", "CREATE TABLE a (x INTEGER); SELECT no_such_thing;")
    monkeypatch.setattr(migrations, "available", lambda dialect="sqlite": [broken])
    with pytest.raises(migrations.MigrationError, match="0001_broken"):
        await open_database(url)
    monkeypatch.undo()
    db = await open_database(url, upgrade=False)
    try:
        assert await db.schema_version() == 0
        assert await sql.scalar(db, "SELECT to_regclass('a')") is None
    finally:
        await db.close()
        await postgres_server.drop_database(url)


_OPEN = """
import asyncio, sys
from bot.store import open_database
async def main():
    db = await open_database(sys.argv[1], upgrade=False)
    applied = await db.upgrade()
    print(len(applied), await db.schema_version())
    await db.close()
asyncio.run(main())
"""


async def test_two_processes_starting_at_once(postgres_server: PostgresServer) -> None:
    """Both start on a new database at the same moment: the migrations are applied once
    (the other waits for the advisory lock, then finds them applied), both succeed."""
    url = await postgres_server.create_database()
    try:
        runs = [
            subprocess.Popen([sys.executable, "-c", _OPEN, url], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]  # fmt: skip
        results = [(p.wait(120), *p.communicate()) for p in runs]
        assert [status for status, _, _ in results] == [0, 0], results
        applied = sorted(int(out.split()[0]) for _, out, _ in results)
        latest = migrations.latest_version()
        assert applied == [0, latest]
        assert {int(out.split()[1]) for _, out, _ in results} == {latest}
        # And within one process, two pools at once.
        first, second = await asyncio.gather(open_database(url), open_database(url))
        await first.close()
        await second.close()
    finally:
        await postgres_server.drop_database(url)


async def test_the_password_is_never_shown(postgres_server: PostgresServer) -> None:
    url = f"postgresql://filmbot:hunter2secret@127.0.0.1:{postgres_server.port + 1}/nothing"
    with pytest.raises(pg.PostgresError) as caught:
        await open_database(url)
    assert "hunter2secret" not in str(caught.value)
    assert "filmbot:***@127.0.0.1" in str(caught.value)


# --- the core on a catalog in PostgreSQL -------------------------------------------------


async def _text(core: Core, message: str) -> str:
    return await render_answer(core, message)


async def test_film_card(backend_core: Core) -> None:
    text = await _text(backend_core, "!film the cranes are flying")
    assert text.startswith("The Cranes Are Flying (1957)")
    assert "Directed by: Mikhail Kalatozov" in text
    assert "The Criterion Collection #146" in text


async def test_which_film_and_pick(backend_core: Core) -> None:
    text = await _text(backend_core, "!film solaris")
    assert "Which film did you mean?" in text and "Solaris (2002)" in text
    assert (await _text(backend_core, "!pick 2")).startswith("Solaris (2002)")


async def test_edition(backend_core: Core) -> None:
    text = await _text(backend_core, "!edition the cranes are flying")
    assert "The Criterion Collection" in text and "146" in text
    spine = await _text(backend_core, "!edition criterion 146")
    assert "The Cranes Are Flying" in spine


async def test_search_and_keywords(backend_core: Core) -> None:
    await backend_core.search.ready()
    best = backend_core.search.titles.lookup("cranes flyng").best
    assert best is not None and best.title == "The Cranes Are Flying"
    text = await _text(backend_core, "!find samurai village")
    assert "Seven Samurai" in text


async def test_ask(backend_core: Core) -> None:
    text = await _text(backend_core, "!ask how long is Stalker (1979)")
    assert "Stalker (1979) runs 163 minutes" in text


async def test_about_counts_the_same_catalog(backend_core: Core) -> None:
    text = await _text(backend_core, "!about")
    assert "films" in text and "Criterion" in text


def test_a_password_given_as_a_url_parameter_is_masked_and_kept_secret() -> None:
    from bot.logsafety import masked_url, url_password

    url = "postgresql://bot@db/filmbot?sslmode=require&password=hunter2secret"
    assert "hunter2secret" not in masked_url(url)
    assert masked_url(url) == "postgresql://bot@db/filmbot?sslmode=require&password=***"
    assert url_password(url) == "hunter2secret"  # registered for redaction
    assert url_password("postgresql://bot:pw@db/filmbot") == "pw"
    assert url_password("postgresql://db/filmbot") is None
