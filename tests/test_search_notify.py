"""Search stays current across processes (issue 20): on PostgreSQL a write that changes
titles fires NOTIFY filmbot_changes (migration 0011's triggers), and every other process's
SearchService refreshes on it, with no lookup and no poll to prompt it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.importers.documents.importer import import_document
from bot.search import service as service_module
from bot.search.service import SearchService, cache_dir_for
from bot.store import open_database
from tests.test_search_service import ORCHARD


async def test_a_title_another_process_imports_is_found_on_notification(
    pg_seeded_copy: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHANGE_CHECK_SECONDS", 3600.0)  # no poll helps
    url, local = pg_seeded_copy
    bot_db = await open_database(url, local_path=local)
    other = await open_database(url)  # `filmbot import` in another process
    search = SearchService(bot_db, cache_dir_for(local))
    try:
        await search.ready()
        assert search.titles.lookup("quiet orchard").best is None
        outcome = await import_document(other, "orchard.txt", ORCHARD.encode())
        assert outcome.status == "imported"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while (best := search.titles.lookup("quiet orchard").best) is None:
            assert loop.time() < deadline, "the new title was never indexed"
            await asyncio.sleep(0.02)  # only waiting: nothing here refreshes
        assert best.film_id == outcome.film_id
        assert search.notified_refreshes >= 1
    finally:
        await search.close()
        await other.close()
        await bot_db.close()


async def test_sqlite_has_no_notifications_and_keeps_polling(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "empty.sqlite3")
    try:
        assert await db.listen(service_module.CHANGES_CHANNEL, lambda payload: None) is False
    finally:
        await db.close()


async def test_listening_resumes_when_the_server_drops_the_connection(
    pg_seeded_copy: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restart or failover ends the LISTEN connection: it is opened again, a refresh
    covers what changed meanwhile, and later notifications arrive as before."""
    monkeypatch.setattr(service_module, "CHANGE_CHECK_SECONDS", 3600.0)  # no poll helps
    url, local = pg_seeded_copy
    bot_db = await open_database(url, local_path=local)
    other = await open_database(url)
    heard: list[str] = []
    try:
        assert await bot_db.listen(service_module.CHANGES_CHANNEL, heard.append)
        rows = await other._fetchall(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
        )
        assert rows and all(r[0] for r in rows)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while "" not in heard:  # the catch-up call after listening again
            assert loop.time() < deadline, "never listened again"
            await asyncio.sleep(0.05)
        outcome = await import_document(other, "orchard.txt", ORCHARD.encode())
        assert outcome.status == "imported"
        while not [p for p in heard if p]:
            assert loop.time() < deadline, "no notification after listening again"
            await asyncio.sleep(0.05)
    finally:
        await other.close()
        await bot_db.close()
