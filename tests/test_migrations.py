"""Schema migrations: from an empty file, forward-only, transactional."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import migrations, open_database
from bot.store.migrations import Migration, MigrationError
from tests import sql


async def test_upgrade_from_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    path.touch()
    db = await open_database(path, upgrade=False)
    assert await db.schema_version() == 0
    applied = await db.upgrade()
    assert [m.version for m in applied] == list(range(1, migrations.latest_version() + 1))
    assert await db.schema_version() == migrations.latest_version()
    assert await db.upgrade() == []  # up to date: nothing applied twice
    assert await sql.scalar(db, "PRAGMA journal_mode") == "wal"
    assert await sql.scalar(db, "PRAGMA foreign_keys") == 1
    assert await sql.scalar(db, "PRAGMA busy_timeout") >= 1000
    tables = {
        r[0] for r in await sql.fetchall(db, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    for table in (
        "films",
        "film_titles",
        "people",
        "person_aliases",
        "credits",
        "characters",
        "genres",
        "countries",
        "editions",
        "edition_films",
        "edition_audio",
        "edition_subtitles",
        "edition_keys",
        "special_features",
        "reviews",
        "review_scores",
        "review_sections",
        "plot_notes",
        "sources",
        "facts",
        "labels",
    ):
        assert table in tables
    await db.close()


async def test_schema_holds_what_the_seed_documents_say(tmp_path: Path) -> None:
    """One edition, review and plot note with the seeds' values, conflicts kept as facts."""
    db = await open_database(tmp_path / "seed.sqlite3")
    async with db.transaction() as tx:
        await sql.execute(
            tx,
            "INSERT INTO sources (id, kind, name, sha256) VALUES "
            "(1, 'disc_review', 'disc review', 'a'), "
            "(2, 'release_listing', 'listing', 'b'), "
            "(3, 'blog_review', 'blog', 'c')",
        )
        await sql.execute(
            tx,
            "INSERT INTO films (id, external_key, title, year, runtime_min) "
            "VALUES (1, 'doc:cranes', 'The Cranes Are Flying', 1957, 95)",
        )
        await sql.executemany(
            tx,
            "INSERT INTO facts (entity, entity_id, field, value, source_id) VALUES "
            "('film', 1, 'runtime_min', ?, ?)",
            [("95", 1), ("96", 2), ("97", 3)],
        )
        await sql.execute(
            tx,
            "INSERT INTO editions (id, external_key, title, spine, format, disc_count, disc_type,"
            " region, video_resolution, video_codec, aspect_ratio, release_date, msrp_cents,"
            " street_price_cents, currency, licensor) VALUES (1, 'doc:cc146bd', 'The Cranes Are "
            "Flying', '146', 'Blu-ray', 1, 'BD-50', 'A', '1080p', 'AVC/MPEG-4', '1.37:1', "
            "'2020-03-24', 3995, 2788, 'USD', 'Mosfilm')",
        )
        await sql.execute(
            tx,
            "INSERT INTO edition_audio (edition_id, language, codec, channels, "
            "description) VALUES (1, 'Russian', 'PCM', '1.0', 'Russian 1.0 PCM Mono')",
        )
        await sql.execute(
            tx,
            "INSERT INTO special_features (edition_id, title, kind, runtime_min, "
            "year) VALUES (1, 'Hurricane Kalatozov', 'documentary', 74, 2009)",
        )
        await sql.execute(
            tx,
            "INSERT INTO reviews (id, film_id, edition_id, source_id, kind) "
            "VALUES (1, 1, 1, 1, 'disc')",
        )
        await sql.execute(tx, "INSERT INTO review_scores VALUES (1, 'picture', 8, 10, '8/10')")
        await sql.execute(
            tx,
            "INSERT INTO review_sections (review_id, position, heading, body, "
            "is_spoiler) VALUES (1, 0, 'The Biggest Spoiler: The Ending', '…', 1)",
        )
        await sql.execute(
            tx, "INSERT INTO plot_notes (film_id, source_id, body) VALUES (1, 3, '…')"
        )
    runtimes = await sql.fetchall(
        db, "SELECT value FROM facts WHERE field = 'runtime_min' ORDER BY value"
    )
    assert [r[0] for r in runtimes] == ["95", "96", "97"]
    assert await sql.scalar(db, "SELECT is_spoiler FROM plot_notes") == 1  # conservative default
    with pytest.raises(sqlite3.IntegrityError):  # foreign keys are enforced
        await sql.execute(db, "INSERT INTO edition_films (edition_id, film_id) VALUES (1, 999)")
    await db.close()


async def test_failing_migration_leaves_schema_as_it_was(tmp_path: Path, monkeypatch) -> None:
    db = await open_database(tmp_path / "m.sqlite3")
    version = await db.schema_version()
    broken = Migration(
        version + 1, "broken", "CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;"
    )
    monkeypatch.setattr(migrations, "available", lambda: [*_real_available(), broken])
    with pytest.raises(MigrationError, match="broken"):
        await db.upgrade()
    assert await db.schema_version() == version
    assert await sql.scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    await db.close()


_real_available = migrations.available


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 5}")
    with pytest.raises(MigrationError, match="newer"):
        await open_database(path)


def test_migration_files_are_numbered_without_gaps() -> None:
    found = migrations.available()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
