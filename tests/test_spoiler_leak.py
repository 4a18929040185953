"""The seeds' ending never shows outside spoiler markup: every command about The Cranes Are
Flying, on every platform, scanned for every spoiler sentence the database holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest

from bot.ask import direct
from bot.core.engine import Core
from bot.importers.documents.importer import import_bundled_documents
from bot.render.answer import render
from bot.render.text import SPOILER_HIDDEN
from bot.store import search_data
from bot.text import fold, sentences
from tests import sql
from tests.limits import (
    check_discord_payload,
    check_matrix_content,
    discord_menu_labels,
    discord_strings,
)

FILM = "The Cranes Are Flying"
# How the ending goes, in words the spoiler-free text never uses.
ENDING_PHRASES = (
    "Boris died",
    "Stepan",
    "rousing",
    "never be forgotten",
    "give out flowers",
    "cannot find Boris",
)
# Words only the spoiler passages use: keyword search must not find the film by them.
SPOILER_WORDS = ("stepan", "rousing", "forgotten", "flowers", "troops")
PLATFORMS = ("discord", "matrix", "text")
ZWSP = "\u200b"


def norm(text: str) -> str:
    """Case and spacing do not hide a leak (the terminal wraps, chat escapes nothing here)."""
    return " ".join(text.replace(ZWSP, "").split()).casefold()


@dataclass(frozen=True)
class Seeds:
    film_id: int
    spoilers: tuple[str, ...]  # every spoiler sentence, heading and ending phrase
    sentences: tuple[str, ...]  # the spoiler sentences alone
    safe_text: str  # everything the database holds about the film that is not a spoiler


async def _texts(core: Core, query: str, film_id: int) -> list[str]:
    return [r[0] for r in await sql.fetchall(core.db, query, (film_id,)) if r[0]]


@pytest.fixture
async def seeds(core: Core) -> Seeds:
    await import_bundled_documents(core.db)
    core.today = lambda: date(2020, 3, 1)  # the Blu-ray (2020-03-24) is coming soon
    best = (await core.titles()).lookup(FILM).best
    assert best is not None
    film_id = best.film_id
    section = (
        "FROM review_sections s JOIN reviews r ON r.id = s.review_id "
        "WHERE r.film_id = ? AND s.is_spoiler = "
    )
    spoiler_bodies = await _texts(core, f"SELECT s.body {section}1", film_id)
    spoiler_bodies += await _texts(
        core, "SELECT body FROM plot_notes WHERE film_id = ? AND is_spoiler = 1", film_id
    )
    safe = await _texts(core, "SELECT synopsis FROM films WHERE id = ?", film_id)
    safe += await _texts(core, f"SELECT s.body {section}0", film_id)
    safe += await _texts(core, f"SELECT s.heading {section}0", film_id)
    safe += await _texts(core, "SELECT verdict FROM reviews WHERE film_id = ?", film_id)
    safe += await _texts(
        core, "SELECT body FROM plot_notes WHERE film_id = ? AND is_spoiler = 0", film_id
    )
    safe += await _texts(
        core,
        "SELECT sf.title || ' ' || coalesce(sf.description, '') FROM special_features sf "
        "JOIN edition_films ef ON ef.edition_id = sf.edition_id WHERE ef.film_id = ?",
        film_id,
    )
    safe_text = "\n".join(safe)
    # A spoiler section's heading can give the ending away ("The Biggest Spoiler: The
    # Ending"); headings that safe sections share are not spoilers.
    headings = [
        h
        for h in await _texts(core, f"SELECT s.heading {section}1", film_id)
        if norm(h) not in norm(safe_text)
    ]
    spoiler_sentences = tuple(dict.fromkeys(s for b in spoiler_bodies for s in sentences(b)))
    assert len(spoiler_bodies) >= 3 and len(spoiler_sentences) >= 5  # the seeds are there
    return Seeds(
        film_id,
        (*spoiler_sentences, *headings, *ENDING_PHRASES),
        spoiler_sentences,
        safe_text,
    )


def leaks(text: str, seeds: Seeds) -> list[str]:
    seen = norm(text)
    return [spoiler for spoiler in seeds.spoilers if norm(spoiler) in seen]


# --- taking the spoiler markup out -------------------------------------------------------

# `||…||` whose bars are not escaped; escaped bars (`\|`) are text, never markup.
_DISCORD_SPOILER = re.compile(r"(?<!\\)\|\|(.*?)(?<!\\)\|\|", re.S)
_DISCORD_ESCAPE = re.compile(r"\\(.)", re.S)


def discord_outside(markdown: str) -> str:
    """What shows of Discord markdown before any spoiler is clicked, escapes undone."""
    return _DISCORD_ESCAPE.sub(r"\1", _DISCORD_SPOILER.sub(" ", markdown))


def discord_inside(markdown: str) -> list[str]:
    return [_DISCORD_ESCAPE.sub(r"\1", s) for s in _DISCORD_SPOILER.findall(markdown)]


@dataclass
class Outputs:
    message: str
    discord: dict[str, Any]
    matrix: dict[str, Any]
    text: str  # the terminal, spoilers hidden
    revealed: str  # the terminal with reveal=True
    errors: int  # error cards among the three replies

    def visible(self) -> dict[str, str]:
        """Every place a reader sees without clicking a spoiler, by where it is."""
        places = {
            f"discord {n}": discord_outside(s) for n, s in enumerate(discord_strings(self.discord))
        }
        places["discord menu"] = "\n".join(discord_menu_labels(self.discord))
        places["matrix formatted_body"] = check_matrix_content(self.matrix).text
        places["matrix body"] = self.matrix["body"]
        places["terminal"] = self.text
        return places


async def answer(core: Core, message: str) -> Outputs:
    """The message as each platform asks it (its own prefix and channel), rendered."""
    rendered: dict[str, Any] = {}
    errors = 0
    revealed = ""
    for platform in PLATFORMS:
        ctx = direct(platform)
        reply = await core.handle(message, ctx)
        assert reply is not None, message
        errors += sum(card.kind == "error" for card in reply.cards)
        rendered[platform] = render(reply, platform)
        if platform == "text":
            revealed = render(reply, platform, reveal=True)
    check_discord_payload(rendered["discord"])
    check_matrix_content(rendered["matrix"])
    return Outputs(
        message, rendered["discord"], rendered["matrix"], rendered["text"], revealed, errors
    )


def assert_no_leak(out: Outputs, seeds: Seeds) -> None:
    found = {place: hits for place, text in out.visible().items() if (hits := leaks(text, seeds))}
    assert not found, f"{out.message}: spoilers outside spoiler markup: {found}"


# --- the tests ---------------------------------------------------------------------------


async def test_the_spoilers_are_absent_from_the_safe_text(seeds: Seeds) -> None:
    """Otherwise the scan below would flag text that is allowed to show."""
    safe = norm(seeds.safe_text)
    assert "veronika" in safe and "boris" in safe  # the synopsis is there
    assert [s for s in seeds.spoilers if norm(s) in safe] == []
    words = set(fold(seeds.safe_text).split())
    assert [w for w in SPOILER_WORDS if w in words] == []


def test_the_scanner_strips_spoilers_and_nothing_else() -> None:
    markdown = r"Intro ||Boris died|| then \|\|Stepan\|\| and ||x \|\| y|| end"
    outside = discord_outside(markdown)
    assert "Boris" not in outside and "x" not in outside.split()
    assert "||Stepan||" in outside and "Intro" in outside and "end" in outside
    assert discord_inside(markdown) == ["Boris died", "x || y"]


# (message, what the answer must mention: the scan is only worth something on real answers)
COMMANDS = (
    ("!film the cranes are flying", "Mikhail Kalatozov"),
    ("!film The Cranes Are Flying (1957)", "Mikhail Kalatozov"),
    ("!edition the cranes are flying", "Special features"),
    ("!edition the cranes are flying dvd", "The Criterion Collection (DVD)"),
    ("!editions the cranes are flying", "What the reviews say"),
    ("!review the cranes are flying", "blog review"),
    ("!review the cranes are flying disc", "disc review"),
    ("!review the cranes are flying from blog-review", "blog review"),
    ("!plot the cranes are flying", "passages with spoilers not shown"),
    ("!plot the cranes are flying spoilers", "Spoiler ·"),
    ("!find urusevsky cinematography restoration", "The Cranes Are Flying (1957)"),
    ("!find veronika boris", "The Cranes Are Flying (1957)"),
    ("!film crane", "Which film did you mean?"),  # or Hilda Crane (1956), Crank (2006)
    ("!person Mikhail Kalatozov", "The Cranes Are Flying (1957)"),
    ("!person Tatiana Samoilova", "The Cranes Are Flying (1957)"),
    ("!releases", "The Cranes Are Flying (1957)"),
    ("!releases upcoming criterion blu-ray", "The Cranes Are Flying (1957)"),
    ("!about", "filmbot"),
    ("!help", "filmbot commands"),
    ("!help plot", "spoilers"),
)


@pytest.mark.parametrize(("message", "expected"), COMMANDS, ids=[c[0] for c in COMMANDS])
async def test_no_spoiler_outside_the_markup(
    core: Core, seeds: Seeds, message: str, expected: str
) -> None:
    out = await answer(core, message)
    assert out.errors == 0, out.text
    assert expected in " ".join(out.text.split()), out.text
    assert_no_leak(out, seeds)


async def test_a_picked_choice_shows_no_spoiler(core: Core, seeds: Seeds) -> None:
    for question in ("!film crane", "!find veronika"):  # each a list of several films
        asked = await answer(core, question)
        offered = [o["value"] for o in asked.discord["components"][0]["components"][0]["options"]]
        assert f"film:{seeds.film_id}" in offered
        assert_no_leak(asked, seeds)
        number = offered.index(f"film:{seeds.film_id}") + 1
        picked = await answer(core, f"!pick {number}")  # each platform answers its own question
        assert picked.errors == 0 and picked.text.startswith(f"{FILM} (1957)\n"), picked.text
        assert_no_leak(picked, seeds)


async def test_autocomplete_labels_hold_no_spoiler(core: Core, seeds: Seeds) -> None:
    completions = (await core.titles()).complete("the cranes are")
    assert seeds.film_id in [c.film_id for c in completions]
    for completion in completions:
        assert leaks(completion.label, seeds) == [], completion.label


@pytest.mark.parametrize("words", ["stepan rousing", *SPOILER_WORDS])
async def test_spoiler_words_do_not_find_the_film(core: Core, seeds: Seeds, words: str) -> None:
    found = await search_data.keyword_films(core.db, words)
    assert seeds.film_id not in [f.id for f in found]
    out = await answer(core, f"!find {words}")
    assert f"film:{seeds.film_id}" not in str(out.discord.get("components", ""))
    assert FILM not in out.text and FILM not in out.matrix["body"]
    # The answer quotes the asker's own words back ("No film's text mentions …"): those
    # are not a leak, every other spoiler still is.
    typed = norm(words)
    assert_no_leak(
        out,
        replace(
            seeds,
            spoilers=tuple(
                s for s in seeds.spoilers if norm(s) != typed and norm(s) not in typed.split()
            ),
        ),
    )


async def test_the_ending_is_inside_the_spoiler_markup(core: Core, seeds: Seeds) -> None:
    """The positive control: `plot … spoilers` does carry the ending, only wrapped, so a
    scanner that stripped too much (or a plot card that lost its spoilers) fails here."""
    out = await answer(core, "!plot the cranes are flying spoilers")
    assert_no_leak(out, seeds)
    # Discord: inside `||…||`.
    inside = norm(" ".join(s for t in discord_strings(out.discord) for s in discord_inside(t)))
    missing = [p for p in ENDING_PHRASES if norm(p) not in inside]
    assert not missing, f"Discord spoilers lack {missing}"
    # Matrix: inside <span data-mx-spoiler>, never in the plain body.
    spans = norm(" ".join(check_matrix_content(out.matrix).spoilers))
    assert [p for p in ENDING_PHRASES if norm(p) not in spans] == []
    assert SPOILER_HIDDEN in out.matrix["body"]
    # The terminal: hidden, unless asked to reveal; then every spoiler sentence is there.
    assert SPOILER_HIDDEN in out.text
    revealed = norm(out.revealed)
    assert [s for s in seeds.sentences if norm(s) not in revealed] == []
    assert [p for p in ENDING_PHRASES if norm(p) not in revealed] == []
