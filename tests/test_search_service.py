"""The running bot's indexes: persisted and reloaded, rebuilt when stale, current after imports."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

from bot.core.engine import Core
from bot.core.loader import load_core
from bot.core.request import Request
from bot.importers.documents.importer import import_document
from bot.search import service as service_module
from bot.search.service import SearchService, cache_dir_for
from bot.store import open_database, search_data
from tests import sql
from tests.test_documents import LISTING_VARIANT

ORCHARD = (
    LISTING_VARIANT.replace("Seven Samurai", "The Quiet Orchard")
    .replace("Akira Kurosawa", "Ana Lindqvist")
    .replace("1954", "2019")
)


async def test_index_is_saved_then_loaded_and_rebuilt_when_the_data_changes(
    catalog_copy: Path,
) -> None:
    shutil.rmtree(cache_dir_for(catalog_copy), ignore_errors=True)  # the fixture's copy
    db = await open_database(catalog_copy)
    try:
        first = SearchService(db, cache_dir_for(catalog_copy))
        await first.ready()
        assert not first.loaded_from_cache
        assert (catalog_copy.parent / "filmbot.sqlite3.search" / "meta.json").exists()

        second = SearchService(db, cache_dir_for(catalog_copy))
        await second.ready()
        assert second.loaded_from_cache
        for query in ("cranes flyng", "solaris", "seven samurai", "1984"):
            assert second.titles.lookup(query) == first.titles.lookup(query)

        outcome = await import_document(db, "orchard.txt", ORCHARD.encode())
        assert outcome.status == "imported"
        third = SearchService(db, cache_dir_for(catalog_copy))
        await third.ready()
        assert not third.loaded_from_cache  # the fingerprint changed: rebuilt
        assert third.titles.lookup("quiet orchard").best.film_id == outcome.film_id
    finally:
        await db.close()


async def test_a_damaged_saved_index_is_rebuilt_not_fatal(
    catalog_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = await open_database(catalog_copy)
    try:
        await SearchService(db, cache_dir_for(catalog_copy)).ready()
        folder = cache_dir_for(catalog_copy)
        assert folder is not None
        (folder / "postings.npy").write_bytes(b"")  # numpy raises EOFError on this
        caplog.set_level(logging.WARNING)
        again = SearchService(db, folder)
        await again.ready()
        assert not again.loaded_from_cache
        assert "rebuilding" in caplog.text
        assert again.titles.lookup("vertigo").best is not None
    finally:
        await db.close()


async def test_imports_are_found_at_once_after_refresh(core: Core) -> None:
    titles = await core.titles()
    assert titles.lookup("the quiet orchard").best is None
    outcome = await import_document(core.db, "orchard.txt", ORCHARD.encode())
    assert outcome.status == "imported"
    added = await core.search.refresh()
    assert added >= 1
    titles = await core.titles()
    assert titles.lookup("the quiet orchard").best.film_id == outcome.film_id
    assert titles.lookup("quiet orchrd").best.film_id == outcome.film_id
    assert titles.complete("the quiet orch")[0].film_id == outcome.film_id
    # The big index still answers as before.
    assert titles.lookup("vertigo").best.title == "Vertigo"
    people = await core.search.people()
    assert people.lookup("ana lindqvist").best is not None
    reply = await core.handle("!film quiet orchard", Request())
    assert reply is not None and reply.cards[0].title.startswith("The Quiet Orchard")


async def test_imports_by_another_process_are_noticed(
    core: Core, seeded_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHANGE_CHECK_SECONDS", 0.0)
    await core.titles()
    other = await open_database(seeded_copy)  # a `filmbot import` running beside the bot
    try:
        outcome = await import_document(other, "orchard.txt", ORCHARD.encode())
        assert outcome.status == "imported"
    finally:
        await other.close()
    titles = await core.titles()  # checks SQLite's data_version, then refreshes
    assert titles.lookup("quiet orchard").best.film_id == outcome.film_id


async def test_commands_wait_for_an_index_still_building(catalog_copy: Path) -> None:
    db = await open_database(catalog_copy)
    try:
        core = await load_core(db, wait=False)
        reply = await core.handle("!film vertgo", Request())
        assert reply is not None and reply.cards[0].title == "Vertigo (1958)"
    finally:
        await db.close()


async def test_keyword_text_is_filled_for_databases_from_before_keyword_search(
    catalog_copy: Path,
) -> None:
    db = await open_database(catalog_copy)
    try:
        # A database from before migration 0003 (no keyword text, no "complete" marker)
        # where `filmbot import` then wrote the text of its one film.
        orchard = await import_document(db, "orchard.txt", ORCHARD.encode())
        assert orchard.status == "imported"
        await sql.execute(db, "DELETE FROM film_text WHERE film_id <> ?", (orchard.film_id,))
        await sql.execute(db, "DELETE FROM search_state")
        assert await search_data.film_text_missing(db)
        await SearchService(db, None).ready()
        assert not await search_data.film_text_missing(db)
        found = await search_data.keyword_films(db, "samurai")
        assert any(f.title == "Seven Samurai" for f in found)
    finally:
        await db.close()


async def test_imports_on_the_bots_own_connection_are_noticed(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHANGE_CHECK_SECONDS", 0.0)
    await core.titles()
    outcome = await import_document(core.db, "orchard.txt", ORCHARD.encode())
    reply = await core.handle("!film the quiet orchard", Request())
    assert reply is not None and reply.cards[0].title == "The Quiet Orchard (2019)"
    assert (await core.titles()).lookup("quiet orchard").best.film_id == outcome.film_id


async def test_closing_during_a_build_is_clean(catalog_copy: Path) -> None:
    db = await open_database(catalog_copy)
    core = await load_core(db, wait=False)
    await core.close()  # before the index finished: no error, nothing left running
    assert not core.search.busy
    assert not core.search.is_ready  # it was stopped, not waited for


async def test_changes_to_films_already_indexed_are_picked_up(core: Core) -> None:
    titles = await core.titles()
    film_id = titles.lookup("the cranes are flying").best.film_id
    async with core.db.transaction() as tx:
        await sql.execute(
            tx,
            "INSERT INTO film_titles (film_id, title, norm, kind) "
            "VALUES (?, 'Letjat žuravli', 'letjat zuravli', 'transliteration')",
            (film_id,),
        )
        await sql.execute(tx, "UPDATE films SET year = 1958 WHERE id = ?", (film_id,))
    assert await core.search.refresh() == 1
    titles = await core.titles()
    hit = titles.lookup("letjat zuravli").best
    # Found by the new alias, shown under its own title with the new year.
    assert (hit.film_id, hit.title, hit.year) == (film_id, "The Cranes Are Flying", 1958)
    assert titles.lookup("the cranes are flying (1958)").best.film_id == film_id
    assert titles.complete("letjat")[0].label == ("The Cranes Are Flying (1958) · Letjat žuravli")
    # The big index's stale entry (year 1957) no longer answers.
    assert all(h.year != 1957 for h in titles.lookup("cranes are flying").candidates)


async def test_an_empty_catalog_is_searchable(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "empty.sqlite3")
    try:
        core = await load_core(db)
        titles = await core.titles()
        assert titles.lookup("anything").candidates == ()
        assert titles.complete("") == [] and titles.complete("a") == []
        assert (await core.search.people()).lookup("anyone").candidates == ()
        reply = await core.handle("!film vertigo", Request())
        assert reply is not None and reply.cards[0].title == "Not in my catalog"
    finally:
        await db.close()


async def test_a_failed_refresh_is_done_again_by_the_next(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    await core.titles()
    outcome = await import_document(core.db, "orchard.txt", ORCHARD.encode())
    real_build = service_module.TitleIndex.build

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk trouble")

    monkeypatch.setattr(service_module.TitleIndex, "build", broken)
    with pytest.raises(OSError):
        await core.search.refresh()
    monkeypatch.setattr(service_module.TitleIndex, "build", real_build)
    assert await core.search.refresh() >= 1
    assert (await core.titles()).lookup("quiet orchard").best.film_id == outcome.film_id


async def test_a_saved_index_is_never_taken_for_another_databases(
    catalog_copy: Path, tmp_path: Path
) -> None:
    other_path = tmp_path / "other" / "filmbot.sqlite3"
    other_path.parent.mkdir()
    other_path.write_bytes(catalog_copy.read_bytes())
    for path in (catalog_copy, other_path):
        db = await open_database(path)
        try:
            # Same contents, but each copy gets its own identity, as a recreated database would.
            await sql.execute(
                db,
                "UPDATE search_state SET value = lower(hex(randomblob(16))) "
                "WHERE name = 'database_id'",
            )
        finally:
            await db.close()
    db = await open_database(catalog_copy)
    try:
        await SearchService(db, cache_dir_for(catalog_copy)).ready()
    finally:
        await db.close()
    db = await open_database(other_path)
    try:
        borrowed = SearchService(db, cache_dir_for(catalog_copy))  # the first one's folder
        await borrowed.ready()
        assert not borrowed.loaded_from_cache
    finally:
        await db.close()


async def test_people_added_by_another_process_are_found(
    core: Core, seeded_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHANGE_CHECK_SECONDS", 0.0)
    assert (await core.people()).lookup("ana lindqvist").best is None
    other = await open_database(seeded_copy)
    try:
        await import_document(other, "orchard.txt", ORCHARD.encode())
        await sql.execute(
            other,
            "INSERT INTO person_aliases (person_id, name, norm) "
            "SELECT id, 'Anna Lindquist', 'anna lindquist' FROM people WHERE name = ?",
            ("Ana Lindqvist",),
        )
    finally:
        await other.close()
    people = await core.people()
    assert people.lookup("ana lindqvist").best.name == "Ana Lindqvist"
    by_alias = people.lookup("anna lindquist").best
    assert (by_alias.name, by_alias.matched) == ("Ana Lindqvist", "Anna Lindquist")


async def test_a_big_side_index_is_folded_into_the_main_one_in_the_background(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "REBUILD_AFTER_FILMS", 0)
    await core.titles()
    outcome = await import_document(core.db, "orchard.txt", ORCHARD.encode())
    await core.search.refresh()
    # Answered at once from the side index while the main one is rebuilt.
    assert (await core.titles()).lookup("quiet orchard").best.film_id == outcome.film_id
    while core.search.busy:
        await asyncio.sleep(0.01)
    titles = await core.titles()
    assert len(titles.parts) == 1  # folded in: no side index left
    assert titles.lookup("quiet orchard").best.film_id == outcome.film_id
