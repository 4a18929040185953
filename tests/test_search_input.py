"""Bad input to every search: sane answers, never an error from the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.constants import DISCORD_AUTOCOMPLETE_MAX_CHOICES, DISCORD_AUTOCOMPLETE_NAME_MAX
from bot.core.engine import Core
from bot.core.request import Request
from bot.models import TitleEntry
from bot.search.titles import TitleIndex, TitleSearch
from bot.store import search_data
from tests.conftest import run_cli

HOSTILE = [
    "",
    " ",
    "s",
    "x" * 10_000,
    "the " * 2_500,
    "!!!???...",
    "🎬🍿🎥",
    "\u200b\u200b",
    '"',
    '"unterminated',
    "*",
    "cranes*",
    "NEAR",
    "NEAR(cranes flying, 3)",
    "cranes OR flying",
    "cranes AND NOT flying",
    "body:cranes",
    "-cranes",
    "^cranes",
    "'; DROP TABLE films; --",
    "\x00\x01\x1b[31m",
    "1972",
    "(1972)",
]

ENGINE = TitleSearch(
    [
        TitleIndex.build(
            [
                TitleEntry(1, "The Cranes Are Flying", 1957, 1.0),
                TitleEntry(2, "1972", 1972, 0.0),
                TitleEntry(3, "$", 1971, 0.0),
            ]
        )
    ]
)


@pytest.mark.parametrize("query", HOSTILE)
def test_title_lookup_and_autocomplete_take_anything(query: str) -> None:
    result = ENGINE.lookup(query)
    assert len(result.candidates) <= 10
    choices = ENGINE.complete(query)
    assert len(choices) <= DISCORD_AUTOCOMPLETE_MAX_CHOICES
    assert all(0 < len(c.label) <= DISCORD_AUTOCOMPLETE_NAME_MAX for c in choices)


def test_specific_bad_inputs_get_specific_answers() -> None:
    assert ENGINE.lookup("").candidates == ()
    assert ENGINE.lookup("s").candidates == ()  # one letter: too little to guess from
    assert ENGINE.lookup("!!!???...").candidates == ()
    assert ENGINE.lookup("🎬🍿🎥").candidates == ()
    assert ENGINE.complete("🎬🍿🎥") == []
    assert ENGINE.lookup("$").best.film_id == 3  # a punctuation title is still findable
    assert ENGINE.lookup("1972").best.film_id == 2  # so is a title that is a year
    long = ENGINE.lookup("cranes are flying " * 600)  # cut to the first 200 characters
    assert long.candidates == () or long.candidates[0].film_id == 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(exclude_categories=()), max_size=300))  # surrogates too
def test_any_text_is_a_valid_query(query: str) -> None:
    ENGINE.lookup(query)
    for choice in ENGINE.complete(query):
        assert 0 < len(choice.label) <= DISCORD_AUTOCOMPLETE_NAME_MAX
    expression = search_data.match_expression(query)
    if expression is not None:
        # Only quoted words joined by spaces: no FTS5 syntax survives.
        for part in expression.split(" "):
            assert part.startswith('"') and part.endswith('"') and '"' not in part[1:-1]


async def test_person_keyword_search_and_commands_take_anything(core: Core) -> None:
    people = await core.search.people()
    for query in HOSTILE:
        assert len(people.lookup(query).candidates) <= 10
        assert len(people.complete(query)) <= 25
        assert len(await search_data.keyword_films(core.db, query)) <= 10
    for message in ["!film", "!film !!!", "!film 🎬", "!person ?", "!find", '!find "*',
                    "!find NEAR OR", "!person " + "x" * 10_000, "!find " + "y " * 5_000]:  # fmt: skip
        reply = await core.handle(message, Request())
        assert reply is not None
        assert all(card.title != "Something went wrong" for card in reply.cards), message


def test_cli_batch_survives_hostile_lines(catalog_copy: Path, tmp_path: Path) -> None:
    batch = tmp_path / "queries.txt"
    lines = [q for q in HOSTILE if q.strip() and "\x00" not in q]
    raw = ("\n".join(lines) + "\n").encode("utf-8") + b"\xff\xfenot utf-8\nvertgo\n"
    batch.write_bytes(raw)
    result = run_cli("search", "--batch", str(batch), "--json", db=catalog_copy)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    queries = [line.rstrip("\r") for line in lines] + ["\ufffd\ufffdnot utf-8", "vertgo"]
    assert [a["query"] for a in answers] == queries
    assert answers[-1]["results"][0]["title"] == "Vertigo"  # the lines after still answered
    assert all(isinstance(a["ms"], float) and a["results"] is not None for a in answers)
