"""Person search (issue 18): name match and notability, surnames alone, typos, lists
answered with `!pick` or a menu, and the person index saved beside the database."""

from __future__ import annotations

import asyncio
import logging
import shutil
import stat
from pathlib import Path

import pytest

from bot.core.engine import Core
from bot.core.request import Request
from bot.importers.documents.importer import import_document
from bot.models import NameEntry
from bot.render.text import render_reply
from bot.search import service as service_module
from bot.search.people import PART, PersonHit, PersonIndex, PersonSearch, decide
from bot.search.service import PEOPLE_FOLDER, SearchService, cache_dir_for
from bot.store import open_database
from tests import sql
from tests.test_search_service import ORCHARD


def person(pid: int, name: str, films: int, directed: int = 0, *, primary: bool = True):
    return NameEntry(pid, name, films, primary, directed)


# Film and directing counts as the bundled catalog has them.
CATALOG = [
    person(1, "Stanley Kubrick", 18, 16),
    person(2, "Vivian Kubrick", 5),
    person(3, "Christiane Kubrick", 3),
    person(4, "Ingmar Bergman", 46, 44),
    person(5, "Ingrid Bergman", 31),
    person(6, "Andrew Bergman", 13, 6),
    person(7, "Katharine Hepburn", 45),
    person(8, "Audrey Hepburn", 23),
    person(9, "Nicholas Ray", 28, 23),
    person(10, "Ray Milland", 87, 3),
    person(11, "Stanley Donen", 27, 27),
    person(12, "Tatiana Samoilova", 1),
    person(12, "Tatyana Samoylova", 1, primary=False),
    person(13, "Иннокентий Смоктуновский", 9),
    person(14, "John Ford", 125, 122),
    person(15, "Harrison Ford", 111),
    person(16, "Andrei Tarkovsky", 8, 7),
    person(17, "Arseny Tarkovsky", 1),
]


@pytest.fixture(scope="module")
def people() -> PersonSearch:
    return PersonSearch([PersonIndex.build(CATALOG)])


def names(hits) -> list[str]:
    return [h.name for h in hits]


def test_a_surname_alone_answers_with_the_person_far_better_known(people: PersonSearch) -> None:
    kubrick = people.lookup("kubrick")
    assert kubrick.best is not None and kubrick.best.name == "Stanley Kubrick"
    assert names(kubrick.candidates) == ["Stanley Kubrick", "Vivian Kubrick", "Christiane Kubrick"]
    assert people.lookup("tarkovsky").best.name == "Andrei Tarkovsky"
    # 90 against 31 (films, a directed one counting twice): Ingmar, and Ingrid is listed.
    bergman = people.lookup("Bergman")
    assert bergman.best.name == "Ingmar Bergman"
    assert names(bergman.candidates)[:2] == ["Ingmar Bergman", "Ingrid Bergman"]


def test_namesakes_known_alike_are_a_question(people: PersonSearch) -> None:
    hepburn = people.lookup("hepburn")
    assert hepburn.best is None
    assert names(hepburn.candidates) == ["Katharine Hepburn", "Audrey Hepburn"]
    ford = people.lookup("ford")
    assert ford.best is None and names(ford.candidates) == ["John Ford", "Harrison Ford"]
    # A first name alone: Stanley Kubrick and Stanley Donen are known alike.
    stanley = people.lookup("stanley")
    assert stanley.best is None
    assert {"Stanley Kubrick", "Stanley Donen"} <= set(names(stanley.candidates))


def test_the_whole_name_or_an_alias_answers_whoever_is_better_known(
    people: PersonSearch,
) -> None:
    assert people.lookup("Ingrid Bergman").best.name == "Ingrid Bergman"
    assert people.lookup("audrey hepburn").best.name == "Audrey Hepburn"
    assert people.lookup("bergman ingrid").best.name == "Ingrid Bergman"  # words reordered
    assert people.lookup("s kubrick").best.name == "Stanley Kubrick"  # an initial
    alias = people.lookup("Tatyana Samoylova").best
    assert (alias.name, alias.matched) == ("Tatiana Samoilova", "Tatyana Samoylova")
    # Another script: found by the Latin letters people type, and in its own.
    assert people.lookup("smoktunovsky").best.person_id == 13
    assert people.lookup("Смоктуновский").best.person_id == 13


def test_typos_in_a_surname_are_forgiven_but_scored_lower(people: PersonSearch) -> None:
    for typed in ("kubrik", "kubrcik", "kubricck"):
        found = people.lookup(typed)
        assert found.best is not None and found.best.name == "Stanley Kubrick", typed
        assert found.best.score < PART, typed  # the card says it is only the closest
    swapped = people.lookup("frod")  # neighbouring letters swapped in a short name
    assert swapped.best is None
    assert names(swapped.candidates)[:2] == ["John Ford", "Harrison Ford"]
    assert people.lookup("andrei tarkovksy").best.name == "Andrei Tarkovsky"


def test_a_surname_ranks_before_a_first_name_known_alike(people: PersonSearch) -> None:
    ray = people.lookup("ray")
    assert names(ray.candidates)[:2] == ["Nicholas Ray", "Ray Milland"]
    assert ray.best is None  # Ray Milland is known as well: ask


def test_one_candidate_is_an_answer_never_a_one_choice_list() -> None:
    alone = PersonSearch([PersonIndex.build([person(1, "Ana Lindqvist", 1)])])
    found = alone.lookup("ana lindkvist")
    assert found.best is not None and found.best.name == "Ana Lindqvist"
    assert found.best.score < PART
    weak = PersonHit(1, "Ana Lindqvist", 73.0)
    assert decide([weak]) == weak
    assert decide([]) is None
    # Two candidates both weak: a question.
    assert decide([weak, PersonHit(2, "Ann Lindquist", 73.0)]) is None
    nobody = PersonSearch([PersonIndex.build([])])  # an empty catalog
    assert nobody.lookup("ana lindqvist").candidates == () and nobody.complete("an") == []


def test_autocomplete_offers_surnames_best_known_first(people: PersonSearch) -> None:
    assert names(people.complete("kub")) == [
        "Stanley Kubrick",
        "Vivian Kubrick",
        "Christiane Kubrick",
    ]
    assert names(people.complete("ingr"))[0] == "Ingrid Bergman"
    assert names(people.complete("stanley k"))[0] == "Stanley Kubrick"
    assert people.complete("") == []


def test_a_saved_index_answers_as_the_built_one(tmp_path: Path, people: PersonSearch) -> None:
    people.parts[0].save(tmp_path / "people")
    loaded = PersonSearch([PersonIndex.load(tmp_path / "people")])
    for query in ("kubrick", "hepburn", "frod", "Tatyana Samoylova", "smoktunovsky", "ray"):
        assert loaded.lookup(query) == people.lookup(query), query
    assert loaded.complete("kub") == people.complete("kub")
    assert loaded.person(4) == people.person(4) and loaded.person(4).name == "Ingmar Bergman"
    assert loaded.person(999) is None
    (tmp_path / "people" / "key_people.npy").write_bytes(
        (tmp_path / "people" / "films.npy").read_bytes()
    )
    with pytest.raises(ValueError):
        PersonIndex.load(tmp_path / "people")


def test_a_side_index_adds_people_and_newer_film_counts() -> None:
    main = PersonIndex.build(CATALOG)
    side = PersonIndex.build([person(2, "Vivian Kubrick", 200, 100), person(99, "Zed Kubrick", 2)])
    both = PersonSearch([main, side])
    kubrick = both.lookup("kubrick")
    assert kubrick.best.name == "Vivian Kubrick"  # her new films count
    assert "Zed Kubrick" in names(kubrick.candidates)
    assert both.person(2).films == 200


# -- the person index of a running bot -------------------------------------------------


def _modes(folder: Path) -> set[int]:
    return {stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}


async def test_the_person_index_is_saved_and_the_next_process_loads_it(
    catalog_copy: Path,
) -> None:
    cache = cache_dir_for(catalog_copy)
    assert cache is not None
    shutil.rmtree(cache / PEOPLE_FOLDER, ignore_errors=True)  # the fixture's copy
    db = await open_database(catalog_copy)
    try:
        first = SearchService(db, cache)
        built = await first.people()
        assert not first.people_loaded_from_cache
        assert (cache / PEOPLE_FOLDER / "meta.json").exists()
        assert _modes(cache / PEOPLE_FOLDER) <= {0o600, 0o700}  # private, like the database

        second = SearchService(db, cache)
        loaded = await second.people()
        assert second.people_loaded_from_cache
        for query in ("kubrick", "hitchcock", "hepburn", "andrei tarkovksy", "frod"):
            assert loaded.lookup(query) == built.lookup(query), query
        assert loaded.lookup("hitchcock").best.name == "Alfred Hitchcock"
    finally:
        await db.close()


async def test_the_saved_person_index_is_rebuilt_when_people_change(catalog_copy: Path) -> None:
    cache = cache_dir_for(catalog_copy)
    db = await open_database(catalog_copy)
    try:
        await SearchService(db, cache).people()
        outcome = await import_document(db, "orchard.txt", ORCHARD.encode())
        assert outcome.status == "imported"
        after = SearchService(db, cache)
        people = await after.people()
        assert not after.people_loaded_from_cache  # new people and credits: rebuilt
        assert people.lookup("ana lindqvist").best.name == "Ana Lindqvist"
        # A new credit for someone already known changes their weight: rebuilt too.
        await sql.execute(
            db,
            "INSERT INTO credits (film_id, person_id, role) "
            "SELECT ?, id, 'director' FROM people WHERE name = 'Vivian Kubrick'",
            (outcome.film_id,),
        )
        again = SearchService(db, cache)
        await again.people()
        assert not again.people_loaded_from_cache
        third = SearchService(db, cache)
        await third.people()
        assert third.people_loaded_from_cache
    finally:
        await db.close()


async def test_a_title_index_rebuild_keeps_the_saved_person_index(catalog_copy: Path) -> None:
    cache = cache_dir_for(catalog_copy)
    db = await open_database(catalog_copy)
    try:
        await SearchService(db, cache).people()
        await sql.execute(
            db,
            "INSERT INTO film_titles (film_id, title, norm, kind) "
            "SELECT id, 'Solaris Redux', 'solaris redux', 'alternative' FROM films "
            "WHERE title = 'Solaris' LIMIT 1",
        )
        after = SearchService(db, cache)
        people = await after.people()
        assert not after.loaded_from_cache  # the titles changed: rebuilt and saved again
        assert after.people_loaded_from_cache  # the people did not
        assert people.lookup("kubrick").best.name == "Stanley Kubrick"
    finally:
        await db.close()


async def test_a_damaged_person_index_is_rebuilt_not_fatal(
    catalog_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = cache_dir_for(catalog_copy)
    assert cache is not None
    db = await open_database(catalog_copy)
    try:
        await SearchService(db, cache).people()
        (cache / PEOPLE_FOLDER / "names" / "postings.npy").write_bytes(b"")
        caplog.set_level(logging.WARNING)
        again = SearchService(db, cache)
        people = await again.people()
        assert not again.people_loaded_from_cache and "rebuilding" in caplog.text
        assert people.lookup("kurosawa").best.name == "Akira Kurosawa"
    finally:
        await db.close()


async def test_many_new_names_are_folded_into_a_new_saved_person_index(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "REBUILD_AFTER_NAMES", 0)
    await core.people()
    await import_document(core.db, "orchard.txt", ORCHARD.encode())
    await core.search.refresh()
    # Found at once from the side index while the main one is rebuilt.
    assert (await core.people()).lookup("ana lindqvist").best.name == "Ana Lindqvist"
    while core.search.busy:
        await asyncio.sleep(0.01)
    people = await core.people()
    assert len(people.parts) == 1
    assert people.lookup("ana lindqvist").best.name == "Ana Lindqvist"
    fresh = SearchService(core.db, core.search.cache_dir)
    await fresh.people()
    assert fresh.people_loaded_from_cache  # the rebuilt index was saved


# -- the command --------------------------------------------------------------------------


async def ask(core: Core, message: str, req: Request | None = None) -> str:
    reply = await core.handle(message, req or Request())
    assert reply is not None
    assert len(reply.choices) != 1  # never a list of one
    return " ".join(render_reply(reply).split())


async def test_person_by_surname_names_the_others_too(core: Core) -> None:
    text = await ask(core, "!person kubrick")
    assert text.startswith("Stanley Kubrick ===")
    assert "Also matching: Vivian Kubrick (5 films), Christiane Kubrick (3 films)" in text
    assert "Director: Eyes Wide Shut (1999)" in text
    assert (await ask(core, "!person hitchcock")).startswith("Alfred Hitchcock ===")
    assert (await ask(core, "!person tarkovsky")).startswith("Andrei Tarkovsky ===")
    typo = await ask(core, "!person kubrik")
    assert typo.startswith("Stanley Kubrick ===")
    assert "Nobody in the catalog is called “kubrik”; Stanley Kubrick is the closest name." in typo
    exact = await ask(core, "!person stanley kubrick")
    assert "closest" not in exact and "Also matching" not in exact


async def test_a_person_list_is_answered_with_pick_or_a_menu(core: Core) -> None:
    reply = await core.handle("!person hepburn", Request())
    assert reply is not None and reply.cards[0].title == "Which person did you mean?"
    labels = [c.label for c in reply.choices]
    assert labels[:2] == [
        "Katharine Hepburn · actor, 45 films · The Philadelphia Story (1940)",
        "Audrey Hepburn · actor, 23 films · My Fair Lady (1964)",
    ]
    assert all(c.id.startswith("person:") for c in reply.choices)
    assert "Answer with !pick N" in render_reply(reply)
    picked = await ask(core, "!pick 2")
    assert picked.startswith("Audrey Hepburn ===") and "Charade (1963)" in picked
    assert "Nothing to pick" in await ask(core, "!pick 1")  # answered: the list is closed

    # A menu (Discord) answers its own question by number.
    menu_user = Request(user="menu")
    menu = await core.handle("!person ford", menu_user)
    assert menu is not None and menu.question and len(menu.choices) > 1
    chosen = await core.call("pick", menu_user, number=2, question=menu.question)
    assert chosen.cards[0].title == "Harrison Ford"


async def test_person_lists_wait_for_the_asker_only(core: Core) -> None:
    await core.handle("!person hepburn", Request(user="alice"))
    assert "Nothing to pick" in await ask(core, "!pick 1", Request(user="bob"))
    assert (await ask(core, "!pick 1", Request(user="alice"))).startswith("Katharine Hepburn")
