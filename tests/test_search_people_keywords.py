"""Person search, keyword search (FTS5) and `filmbot search` on the real catalog."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.engine import Core
from bot.core.request import Request
from bot.importers.documents.importer import import_bundled_documents
from bot.render.text import render_reply
from bot.store import search_data
from tests.conftest import run_cli


async def test_person_by_name_typo_and_surname(core: Core) -> None:
    people = await core.search.people()
    assert people.lookup("Andrei Tarkovsky").best.name == "Andrei Tarkovsky"
    assert people.lookup("andrei tarkovksy").best.name == "Andrei Tarkovsky"
    surname = people.lookup("tarkovsky")
    # His father Arseny is in the catalog too, with one film: Andrei answers, Arseny is listed.
    assert surname.best.name == "Andrei Tarkovsky"
    assert [h.name for h in surname.candidates[:2]] == ["Andrei Tarkovsky", "Arseny Tarkovsky"]
    assert people.complete("kurosa")[0].name == "Akira Kurosawa"


async def test_person_command_lists_films_by_role(core: Core) -> None:
    reply = await core.handle("!person mikhail kalatozov", Request())
    text = render_reply(reply)
    assert text.startswith("Mikhail Kalatozov\n")
    assert "Director:" in text and "The Cranes Are Flying (1957)" in " ".join(text.split())
    ask = render_reply(await core.handle("!person lynch", Request()))
    assert "Which person did you mean?" in ask and "David Lynch · director" in ask


async def test_person_found_by_an_alias_from_a_document(core: Core) -> None:
    await import_bundled_documents(core.db)
    await core.search.refresh()
    people = await core.search.people()
    # The listing spells her 'Tatyana Samoilova'; the catalog 'Tatiana Samoilova'.
    hit = people.lookup("Tatyana Samoylova").best
    assert hit is not None and "Samoilova" in hit.name


async def test_keyword_search_over_synopses_reviews_and_notes(core: Core) -> None:
    found = await search_data.keyword_films(core.db, "samurai")
    assert "Seven Samurai" in [f.title for f in found]
    await import_bundled_documents(core.db)
    # Words from the documents' spoiler-free text find the film ...
    found = await search_data.keyword_films(core.db, "Urusevsky cinematography restoration")
    assert [f.title for f in found][:1] == ["The Cranes Are Flying"]
    # ... words only its spoiler sections and notes use do not.
    spoiler_only = await search_data.keyword_films(core.db, "rousing Stepan forgotten")
    assert "The Cranes Are Flying" not in [f.title for f in spoiler_only]


async def test_find_command_offers_a_pick_list(core: Core) -> None:
    reply = await core.handle("!find samurai", Request())
    assert reply.choices and all(c.id.startswith("film:") for c in reply.choices)
    picked = await core.handle("!pick 1", Request())
    assert picked.cards[0].kind != "error"


def test_cli_search_text_json_and_kinds(catalog_copy: Path) -> None:
    text = run_cli("search", "cranes", "flyng", db=catalog_copy)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0].startswith("  1. The Cranes Are Flying (1957)  [")
    assert "← answer" in text.stdout

    as_json = json.loads(
        run_cli("search", "--json", "--limit", "3", "solaris", db=catalog_copy).stdout
    )
    assert as_json["query"] == "solaris" and as_json["best"] is None
    assert [(r["title"], r["year"]) for r in as_json["results"]] == [
        ("Solaris", 1972),
        ("Solaris", 2002),
    ]
    assert set(as_json["results"][0]) >= {"id", "title", "year", "score"}
    assert as_json["ms"] >= 0

    person = json.loads(
        run_cli("search", "--kind", "person", "--json", "kalatozov", db=catalog_copy).stdout
    )
    assert person["results"][0]["name"] == "Mikhail Kalatozov"
    complete = json.loads(
        run_cli("search", "--kind", "complete", "--json", "seven sam", db=catalog_copy).stdout
    )
    assert complete["results"][0] == {
        "id": complete["results"][0]["id"],
        "label": "Seven Samurai (1954)",
        "value": f"film:{complete['results'][0]['id']}",
    }
    keyword = json.loads(
        run_cli("search", "--kind", "keyword", "--json", "samurai", db=catalog_copy).stdout
    )
    assert "Seven Samurai" in [r["title"] for r in keyword["results"]]


def test_cli_search_batch_writes_one_json_line_per_query(catalog_copy: Path) -> None:
    result = run_cli(
        "search", "--batch", "-", "--json", db=catalog_copy, stdin="vertgo\n\nsolaris 1972\n"
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["vertgo", "solaris 1972"]
    assert lines[0]["results"][0]["title"] == "Vertigo"
    assert lines[1]["best"] == lines[1]["results"][0]["id"]


def test_cli_search_usage_errors(catalog_copy: Path, tmp_path: Path) -> None:
    assert run_cli("search", db=catalog_copy).returncode == 2
    missing = run_cli("search", "--batch", str(tmp_path / "nope.txt"), db=catalog_copy)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    nothing = run_cli("search", "zzzqqqxx", db=catalog_copy)
    assert nothing.returncode == 1 and "No match" in nothing.stdout


async def test_keywords_with_apostrophes_and_letters_fold_does_not_keep(core: Core) -> None:
    titles = [f.title for f in await search_data.keyword_films(core.db, "l'avventura")]
    assert "L'Avventura" in titles
    assert search_data.match_expression("Drømmen kurosawa's") == '"drømmen" "kurosawa" "s"'
