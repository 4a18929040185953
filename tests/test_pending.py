"""The pending queue: its table (migration 0007), its store functions and `filmbot pending`.

The accept tests near the bottom run the importer with `pending_id` (issue 16): they need
the importer's side of the queue.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot.cli import import_summary
from bot.importers.documents.importer import BUNDLED_DOCUMENTS, ImportOutcome
from bot.store import migrations, open_database
from bot.store.db import Database
from bot.store.pending import (
    PendingCandidate,
    PendingError,
    add_pending,
    get_pending,
    list_pending,
    pending_by_sha,
    settle_pending,
)
from tests import sql
from tests.conftest import run_cli

DISC = BUNDLED_DOCUMENTS / "disc-review_the-cranes-are-flying.txt"
LISTING = BUNDLED_DOCUMENTS / "release-listing_the-cranes-are-flying.txt"
REVIEW = (
    "Home | Reviews | Forum\n"
    "Solaris Blu-ray Review\n"
    "A cosmonaut reaches a station above an ocean that thinks.\n"
    "Video: 4/5\n"
)


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


async def _two_solaris(db: Database) -> tuple[int, int]:
    """Two catalog films of the same title, as the queue's candidates."""
    first = await sql.execute(
        db,
        "INSERT INTO films (external_key, title, year) VALUES ('test:solaris72', 'Solaris', 1972)",
    )
    second = await sql.execute(
        db,
        "INSERT INTO films (external_key, title, year) VALUES ('test:solaris02', 'Solaris', 2002)",
    )
    assert first is not None and second is not None
    return first, second


def _candidates(first: int, second: int) -> list[PendingCandidate]:
    return [
        PendingCandidate(first, "Solaris (1972)", "same title; no year on the page"),
        PendingCandidate(second, "Solaris (2002)", "same title; no year on the page"),
    ]


async def _add(db: Database, raw: bytes, candidates: list[PendingCandidate], **fields) -> int:
    values = {
        "name": "solaris.txt",
        "uri": "/tmp/solaris.txt",
        "kind": "disc_review",
        "title": "Solaris",
        "reason": "the page could be about Solaris (1972) or Solaris (2002)",
    }
    values.update(fields)
    async with db.transaction() as tx:
        return await add_pending(tx, sha256=_sha(raw), raw=raw, candidates=candidates, **values)


# --- the store -------------------------------------------------------------------------


async def test_add_get_list_and_the_same_bytes_wait_once(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "q.sqlite3")
    first, second = await _two_solaris(db)
    raw = REVIEW.encode()
    pending_id = await _add(db, raw, _candidates(first, second))
    again = await _add(db, raw, [], reason="another reason", name="copy.txt")
    assert again == pending_id
    assert await pending_by_sha(db, _sha(raw)) == pending_id
    assert await pending_by_sha(db, _sha(b"other")) is None

    doc = await get_pending(db, pending_id)
    assert doc is not None
    assert (doc.name, doc.status) == ("solaris.txt", "waiting")
    assert doc.reason.startswith("the page could be about")  # the second add changed nothing
    assert doc.raw == raw and doc.sha256 == _sha(raw)
    assert (doc.kind, doc.title, doc.uri) == ("disc_review", "Solaris", "/tmp/solaris.txt")
    assert doc.candidates == tuple(_candidates(first, second))
    assert doc.film_id is None and doc.settled_at is None
    assert doc.created_at.endswith("Z")

    unsure = await _add(db, b"a page of some kind", [], kind=None, title=None, reason="kind?")
    listed = await list_pending(db)
    assert [d.id for d in listed] == [pending_id, unsure]
    assert all(d.raw is None for d in listed)  # the bytes are read by get_pending only
    assert listed[1].kind is None and listed[1].title is None and listed[1].candidates == ()
    assert await list_pending(db, status="accepted") == []
    with pytest.raises(ValueError):
        await list_pending(db, status="maybe")
    assert await sql.scalar(db, "SELECT count(*) FROM sources") == 0  # nothing imported
    await db.close()


async def test_settle_once_only(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "q.sqlite3")
    first, second = await _two_solaris(db)
    raw = REVIEW.encode()
    accepted = await _add(db, raw, _candidates(first, second))
    async with db.transaction() as tx:
        await settle_pending(tx, accepted, "accepted", film_id=second)
    doc = await get_pending(db, accepted)
    assert doc is not None and (doc.status, doc.film_id) == ("accepted", second)
    assert doc.settled_at is not None
    assert await pending_by_sha(db, _sha(raw)) is None
    assert [d.id for d in await list_pending(db, status="accepted")] == [accepted]
    assert await list_pending(db) == []

    with pytest.raises(PendingError, match=f"#{accepted} was already accepted"):
        async with db.transaction() as tx:
            await settle_pending(tx, accepted, "rejected")
    with pytest.raises(PendingError, match="no pending document #999"):
        async with db.transaction() as tx:
            await settle_pending(tx, 999, "rejected")
    with pytest.raises(ValueError):
        async with db.transaction() as tx:
            await settle_pending(tx, accepted, "waiting")
    settled = await get_pending(db, accepted)
    assert settled is not None and (settled.status, settled.film_id) == ("accepted", second)

    # Settled bytes may wait again (imported anew later); still once at a time.
    again = await _add(db, raw, [])
    assert again != accepted and await pending_by_sha(db, _sha(raw)) == again
    async with db.transaction() as tx:
        await settle_pending(tx, again, "rejected")
    rejected = await get_pending(db, again)
    assert rejected is not None and (rejected.status, rejected.film_id) == ("rejected", None)
    await db.close()


async def test_the_table_keeps_its_rules(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "q.sqlite3")
    insert = (
        "INSERT INTO pending_documents (name, sha256, raw, reason, status, settled_at, "
        "created_at) VALUES ('x', ?, x'00', 'r', ?, ?, '2024-01-01T00:00:00Z')"
    )
    await sql.execute(db, insert, ("s", "waiting", None))
    with pytest.raises(sqlite3.IntegrityError):  # one waiting row per sha256
        await sql.execute(db, insert, ("s", "waiting", None))
    with pytest.raises(sqlite3.IntegrityError):
        await sql.execute(db, insert, ("t", "maybe", None))
    with pytest.raises(sqlite3.IntegrityError):  # settled rows say when
        await sql.execute(db, insert, ("t", "rejected", None))
    with pytest.raises(sqlite3.IntegrityError):  # the film is a film
        await sql.execute(
            db,
            "INSERT INTO pending_documents (name, sha256, raw, reason, film_id) "
            "VALUES ('x', 'u', x'00', 'r', 987654)",
        )
    await db.close()


async def test_migration_applies_to_a_database_of_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = migrations.available()
    upto = next(n for n, m in enumerate(real, start=1) if m.name == "pending_documents")
    assert real[upto - 1].version == 7
    path = tmp_path / "old.sqlite3"
    monkeypatch.setattr(migrations, "available", lambda: real[: upto - 1])
    db = await open_database(path)
    assert await db.schema_version() == 6
    first, _ = await _two_solaris(db)
    await db.close()

    monkeypatch.setattr(migrations, "available", lambda: real)
    db = await open_database(path)
    assert await db.schema_version() == migrations.latest_version()
    assert await sql.scalar(db, "SELECT title FROM films WHERE id = ?", (first,)) == "Solaris"
    pending_id = await _add(db, b"text", [PendingCandidate(first, "Solaris (1972)", "title")])
    doc = await get_pending(db, pending_id)
    assert doc is not None and doc.candidates[0].film_id == first
    assert await db.upgrade() == []
    await db.close()


def test_import_summary_counts_pending_and_says_where_they_wait() -> None:
    outcomes = [
        ImportOutcome("a.txt", "merged", "disc review; merged into film X (#1)"),
        ImportOutcome("b.txt", "pending", "waiting as pending #2: ..."),
        ImportOutcome("c.txt", "pending", "waiting as pending #3: ..."),
        ImportOutcome("d.txt", "rejected", "the document is empty"),
    ]
    assert import_summary(outcomes, 5) == (
        "4 documents: 1 merged, 2 pending, 1 rejected (5 waiting: see `filmbot pending list`)"
    )
    assert import_summary(outcomes[:1], 0) == "1 document: 1 merged"


# --- filmbot pending -------------------------------------------------------------------


async def _queue(path: Path) -> tuple[int, int, int, int]:
    """A small database with two films and two waiting documents: (first film, second
    film, the Solaris review's pending id, a hostile page's pending id)."""
    db = await open_database(path)
    try:
        first, second = await _two_solaris(db)
        review = await _add(db, REVIEW.encode(), _candidates(first, second))
        hostile = await _add(
            db,
            (
                "\x1b]0;owned\x07Evil \x1b[31mred\x1b[0m page \u202edeppilf\n"
                + "".join(f"line {n} of an evil page\n" for n in range(2, 101))
            ).encode(),
            [],
            name="evil\x1b[2J.txt",
            kind=None,
            title="Evil\u202e title",
            reason="could not tell what kind of document this is",
        )
    finally:
        await db.close()
    return first, second, review, hostile


async def test_list_empty_and_with_rows(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    result = run_cli("pending", "list", db=empty)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "nothing is waiting"

    path = tmp_path / "q.sqlite3"
    first, second, review, hostile = await _queue(path)
    result = run_cli("pending", "list", db=path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"#{review} solaris.txt (disc review, just now)" in out
    assert "seems to be about: Solaris" in out
    assert "waits because: the page could be about Solaris (1972) or Solaris (2002)" in out
    assert f"candidates: Solaris (1972) (film {first}); Solaris (2002) (film {second})" in out
    assert f"#{hostile} evil.txt (kind unsure, just now)" in out
    assert "candidates: none in the catalog" in out
    assert "2 documents waiting" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert out.index(f"#{review} ") < out.index(f"#{hostile} ")


async def test_show(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    first, second, review, hostile = await _queue(path)
    result = run_cli("pending", "show", str(review), db=path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"pending #{review}: solaris.txt" in out
    assert "status: waiting" in out and "kind: disc review" in out
    assert f"1. Solaris (1972), film {first}: same title; no year on the page" in out
    assert f"2. Solaris (2002), film {second}" in out
    assert f"filmbot pending accept {review} --film {first}" in out
    assert "(4 lines) ---\nHome | Reviews | Forum\nSolaris Blu-ray Review\n" in out
    assert "Video: 4/5" in out

    result = run_cli("pending", "show", str(hostile), db=path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    # The reader drops the controls; what it leaves of the line is printed, controls-free.
    assert "red" in out and "page deppilf\nline 2 of an evil page\n" in out
    assert "(100 lines, the first 80 shown)" in out and "--- 20 more lines ---" in out
    assert "line 80 of an evil page" in out and "line 81 " not in out

    missing = run_cli("pending", "show", "999", db=path)
    assert missing.returncode == 1 and "no pending document #999" in missing.stderr


async def test_show_an_html_page_gives_a_note(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    db = await open_database(path)
    page = (
        "<!DOCTYPE html><html><head><title>Solaris</title></head>"
        "<body><p>Solaris Blu-ray Review</p><div>Video: 4/5</div></body></html>"
    )
    pending_id = await _add(db, page.encode(), [], name="page.html")
    await db.close()
    result = run_cli("pending", "show", str(pending_id), db=path)
    assert result.returncode == 0, result.stderr
    assert "an HTML page: the importer reads its main content" in result.stdout
    assert "<body>" not in result.stdout


async def test_reject(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    _, _, review, hostile = await _queue(path)
    result = run_cli("pending", "reject", str(review), db=path)
    assert result.returncode == 0, result.stderr
    assert f"rejected pending #{review} (solaris.txt)" in result.stdout
    again = run_cli("pending", "reject", str(review), db=path)
    assert again.returncode == 1
    assert f"#{review} was already rejected" in again.stderr and "Traceback" not in again.stderr
    listed = run_cli("pending", "list", db=path).stdout
    assert f"#{review} " not in listed and f"#{hostile} " in listed
    shown = run_cli("pending", "show", str(review), db=path).stdout
    assert "status: rejected at" in shown and "settle it" not in shown
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sources").fetchone() == (0,)
    missing = run_cli("pending", "reject", "999", db=path)
    assert missing.returncode == 1 and "no pending document #999" in missing.stderr


async def test_accept_refuses_an_unknown_film_and_a_settled_document(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    _, _, review, hostile = await _queue(path)
    result = run_cli("pending", "accept", str(review), "--film", "987654", db=path)
    assert result.returncode == 1
    assert "no film 987654 in the catalog" in result.stderr and "Traceback" not in result.stderr
    assert run_cli("pending", "reject", str(hostile), db=path).returncode == 0
    settled = run_cli("pending", "accept", str(hostile), db=path)
    assert settled.returncode == 1
    assert f"#{hostile} was already rejected" in settled.stderr
    missing = run_cli("pending", "accept", "999", db=path)
    assert missing.returncode == 1 and "no pending document #999" in missing.stderr
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, status FROM pending_documents ORDER BY id").fetchall()
        assert rows == [(review, "waiting"), (hostile, "rejected")]
        assert conn.execute("SELECT count(*) FROM sources").fetchone() == (0,)


# --- accept: these need the importer's side (import_document(..., pending_id=...)) ------


def _film(path: Path, title: str, year: int) -> int:
    with sqlite3.connect(path) as conn:
        (film_id,) = conn.execute(
            "SELECT id FROM films WHERE title = ? AND year = ?", (title, year)
        ).fetchone()
    return film_id


async def _pending_in(path: Path, raw: bytes, candidates: list[PendingCandidate], **f) -> int:
    db = await open_database(path)
    try:
        return await _add(db, raw, candidates, **f)
    finally:
        await db.close()


async def test_accept_onto_the_film_given(catalog_copy: Path) -> None:
    cranes = _film(catalog_copy, "The Cranes Are Flying", 1957)
    solaris = _film(catalog_copy, "Solaris", 1972)
    raw = DISC.read_bytes()
    pending_id = await _pending_in(
        catalog_copy,
        raw,
        [PendingCandidate(solaris, "Solaris (1972)", "a guess"), PendingCandidate(cranes, "x", "")],
        name=DISC.name,
        reason="unsure of the film",
    )
    result = run_cli("pending", "accept", str(pending_id), "--film", str(cranes), db=catalog_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"accepted pending #{pending_id}" in result.stdout
    with sqlite3.connect(catalog_copy) as conn:
        status, film_id = conn.execute(
            "SELECT status, film_id FROM pending_documents WHERE id = ?", (pending_id,)
        ).fetchone()
        assert (status, film_id) == ("accepted", cranes)
        assert conn.execute(
            "SELECT count(*) FROM sources WHERE sha256 = ?", (_sha(raw),)
        ).fetchone() == (1,)
        assert conn.execute(
            "SELECT count(*) FROM reviews WHERE film_id = ?", (cranes,)
        ).fetchone() == (1,)
    again = run_cli("pending", "accept", str(pending_id), db=catalog_copy)
    assert again.returncode == 1 and "already accepted" in again.stderr


async def test_accept_onto_the_best_candidate(catalog_copy: Path) -> None:
    cranes = _film(catalog_copy, "The Cranes Are Flying", 1957)
    raw = LISTING.read_bytes()
    pending_id = await _pending_in(
        catalog_copy,
        raw,
        [PendingCandidate(cranes, "The Cranes Are Flying (1957)", "title and year")],
        name=LISTING.name,
        kind="release_listing",
        reason="unsure of the film",
    )
    result = run_cli("pending", "accept", str(pending_id), db=catalog_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(catalog_copy) as conn:
        row = conn.execute(
            "SELECT status, film_id FROM pending_documents WHERE id = ?", (pending_id,)
        ).fetchone()
        assert row == ("accepted", cranes)
        (source,) = conn.execute("SELECT id FROM sources WHERE sha256 = ?", (_sha(raw),)).fetchone()
        (facts,) = conn.execute(
            "SELECT count(*) FROM facts WHERE source_id = ? AND entity = 'film' AND entity_id = ?",
            (source, cranes),
        ).fetchone()
        assert facts > 0  # what the listing says of the film is the catalog film's


async def test_a_failed_accept_leaves_the_document_waiting(catalog_copy: Path) -> None:
    raw = b"\x00\x01\x02 not a document \x00" * 20
    pending_id = await _pending_in(catalog_copy, raw, [], kind=None, reason="kind?")
    result = run_cli("pending", "accept", str(pending_id), db=catalog_copy)
    assert result.returncode == 1
    assert "rejected" in result.stdout and f"pending #{pending_id} still waits" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(catalog_copy) as conn:
        assert conn.execute(
            "SELECT status FROM pending_documents WHERE id = ?", (pending_id,)
        ).fetchone() == ("waiting",)
        assert conn.execute(
            "SELECT count(*) FROM sources WHERE sha256 = ?", (_sha(raw),)
        ).fetchone() == (0,)


def test_accept_hands_the_choice_to_the_importer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `accept` passes on and how it reports, with a stand-in for the importer that
    keeps its contract: import, and settle the row in the same transaction."""
    from bot import cli, cli_pending

    path = tmp_path / "q.sqlite3"
    _, second, review, hostile = asyncio.run(_queue(path))
    calls: list[dict] = []

    async def importer(db: Database, name: str, raw: bytes, **options) -> ImportOutcome:
        calls.append({"name": name, "raw": raw, **options})
        if raw != REVIEW.encode():
            return ImportOutcome(name, "rejected", "this looks like nothing")
        async with db.transaction() as tx:
            await settle_pending(tx, options["pending_id"], "accepted", options["film_id"])
        return ImportOutcome(name, "merged", "disc review; merged", options["film_id"])

    async def no_catalog(db: Database) -> object:
        return type("Report", (), {"skipped": True})()

    monkeypatch.setattr(cli_pending, "import_document", importer)
    monkeypatch.setattr(cli_pending, "build_catalog", no_catalog)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FILMBOT_DB", raising=False)
    db = ["--db", str(path)]

    assert cli.main(["pending", "accept", str(review), "--film", str(second), *db]) == 0
    assert calls[-1] == {
        "name": "solaris.txt",
        "raw": REVIEW.encode(),
        "kind": "disc_review",
        "uri": "/tmp/solaris.txt",
        "film_id": second,
        "pending_id": review,
    }
    out = capsys.readouterr().out
    assert "merged    solaris.txt" in out and f"accepted pending #{review}" in out

    code = cli.main(["pending", "accept", str(hostile), "--kind", "blog_review", *db])
    assert code == 1
    assert calls[-1]["kind"] == "blog_review" and calls[-1]["film_id"] is None
    captured = capsys.readouterr()
    assert "rejected  evil.txt" in captured.out
    assert f"pending #{hostile} still waits" in captured.err
