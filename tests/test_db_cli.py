"""`filmbot db upgrade|current|stats|backup`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import migrations
from tests.conftest import run_cli


def test_db_commands(tmp_path: Path, catalog_copy: Path) -> None:
    fresh = tmp_path / "var" / "new.sqlite3"
    missing = run_cli("db", "stats", db=fresh)
    assert missing.returncode == 1 and "filmbot db upgrade" in missing.stderr
    up = run_cli("db", "upgrade", db=fresh)
    assert up.returncode == 0, up.stderr
    latest = migrations.latest_version()
    assert f"schema version {latest}" in up.stdout
    assert run_cli("db", "current", db=fresh).stdout.strip() == f"{latest} (latest {latest})"

    stats = run_cli("db", "stats", db=catalog_copy)
    assert stats.returncode == 0, stats.stderr
    counts = dict(line.split() for line in stats.stdout.splitlines()[1:])
    with sqlite3.connect(catalog_copy) as conn:
        films = conn.execute("SELECT count(*) FROM films").fetchone()[0]
    assert counts["films"] == f"{films:,}" and films > 18000

    backup = tmp_path / "backups" / "copy.sqlite3"
    done = run_cli("db", "backup", str(backup), db=catalog_copy)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(backup) as conn, sqlite3.connect(catalog_copy) as live:
        count = "SELECT count(*) FROM films"
        assert conn.execute(count).fetchone() == live.execute(count).fetchone()
    again = run_cli("db", "backup", str(backup), db=catalog_copy)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_db_flag_after_the_subcommand(tmp_path: Path) -> None:
    target = tmp_path / "flag.sqlite3"
    result = run_cli("db", "upgrade", "--db", str(target), db=tmp_path / "other.sqlite3")
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert not (tmp_path / "other.sqlite3").exists()


def test_a_file_that_is_not_a_database_gets_a_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("these are my notes, not a database\n" * 100)
    for args in (("ask", "!about"), ("db", "current")):
        result = run_cli(*args, db=bogus)
        assert result.returncode == 2
        assert "cannot use the database" in result.stderr
        assert "Traceback" not in result.stderr
