"""Two `filmbot` processes at once on one database (issue 15).

- Two starting on a new database: the migrations are applied once (the other process
  waits for the lock and finds them applied), the catalog and the bundled documents are
  imported once, and both answer.
- Two importing the same folder: each document is imported once; the other run says
  "unchanged", never "internal error".
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.store import migrations
from tests.test_busy_database import write_listings


def _start(*args: str, db: Path) -> subprocess.Popen[str]:
    """`filmbot ARGS` as tests/conftest.py's run_cli runs it, without waiting."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "MATRIX_", "FILMBOT_"))
    }
    env["FILMBOT_DB"] = str(db)
    env["FILMBOT_LOG_LEVEL"] = "WARNING"
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=db.parent,
    )


def _together(*args: str, db: Path, count: int = 2) -> list[tuple[int, str, str]]:
    """Start `count` processes at the same moment; (exit status, stdout, stderr) each."""
    procs = [_start(*args, db=db) for _ in range(count)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        results.append((proc.returncode, out, err))
    return results


def _rows(db: Path, query: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


def test_two_processes_upgrading_a_new_database_at_once(tmp_path: Path) -> None:
    latest = migrations.latest_version()
    for run in range(6):
        db = tmp_path / f"run{run}" / "new.sqlite3"
        db.parent.mkdir()
        for status, out, err in _together("db", "upgrade", db=db, count=3):
            assert status == 0, err
            assert f"schema version {latest}" in out
            assert "Traceback" not in err
        assert _rows(db, "PRAGMA user_version") == [(latest,)]


def test_two_bots_starting_on_a_new_database_build_it_once(tmp_path: Path) -> None:
    for run in range(2):
        db = tmp_path / f"run{run}" / "filmbot.sqlite3"
        db.parent.mkdir()
        results = _together("ask", "!about", db=db)
        for status, out, err in results:
            assert status == 0, err
            assert "films" in out
            assert "Traceback" not in err and "failed" not in err and "rejected" not in err, err
        # Exactly one of the two built the catalog; the other waited and used it.
        builders = [err for _, _, err in results if "filmbot: imported" in err]
        assert len(builders) == 1, [err for _, _, err in results]
        # Each bundled document imported (or merged) by one of them; "unchanged" is not said.
        assert sum(err.count("filmbot: bundled document ") for _, _, err in results) == 3
        kinds = dict(_rows(db, "SELECT kind, count(*) FROM sources GROUP BY kind"))
        assert kinds.pop("catalog") == 5
        assert kinds.pop("thediscdb") == 20  # one source per release of the bundled sample
        assert sum(kinds.values()) == 3  # the three bundled documents, once each


def test_two_imports_of_one_folder_import_each_document_once(
    catalog_copy: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "listings"
    paths = write_listings(folder, 60)
    results = _together("import", str(folder), db=catalog_copy)
    done: dict[str, list[str]] = {p.name: [] for p in paths}
    for status, out, err in results:
        assert status == 0, (out[-2000:], err[-2000:])
        assert "internal error" not in out and "Traceback" not in err, err[-2000:]
        for line in out.splitlines():
            status_word, _, rest = line.partition(" ")
            name = rest.strip().partition(":")[0]
            if name in done:
                done[name].append(status_word)
    for name, statuses in done.items():
        assert len(statuses) == 2, (name, statuses)
        assert statuses.count("unchanged") == 1, (name, statuses)
        assert {s for s in statuses if s != "unchanged"} <= {"imported", "merged"}, statuses
    sources = _rows(catalog_copy, "SELECT count(*) FROM sources WHERE kind = 'release_listing'")
    assert sources == [(60,)]
