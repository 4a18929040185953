"""`!ask`: questions in plain words, answered through the core from stored facts."""

from __future__ import annotations

from pathlib import Path

from bot.cards import Reply
from bot.core.answers.ask import answer_question
from bot.core.engine import Core
from bot.core.questions import understand
from bot.core.request import Request
from bot.render.answer import render
from bot.render.text import render_reply
from tests.conftest import run_cli
from tests.test_spoiler_leak import Seeds, leaks, seeds  # noqa: F401 (a fixture)


def text_of(reply: Reply | None) -> str:
    assert reply is not None
    return " ".join(render_reply(reply, reveal=True).split())


def test_the_rules_find_the_fact_the_film_words_and_the_edition() -> None:
    q = understand("what region is the cranes are flying blu-ray?")
    assert (q.intent, q.title, q.format) == ("region", "cranes are flying", "Blu-ray")
    q = understand("when does the criterion barry lyndon come out")
    assert (q.intent, q.title, q.label) == ("release_date", "barry lyndon", "criterion")
    q = understand("does the cranes blu ray have english subtitles")
    assert (q.intent, q.language, q.format) == ("subtitles", "English", "Blu-ray")
    # The phrase found first decides: this is a runtime question, not a cinematographer's.
    q = understand("how long is the man who shot liberty valance")
    assert (q.intent, q.title) == ("runtime", "man who shot liberty valance")
    assert understand("when did the godfather come out").intent == "year"
    assert understand("is there a 4k of seven samurai").format == "4K UHD"


async def test_a_fact_comes_with_its_source_and_the_full_command(core: Core) -> None:
    text = text_of(await core.handle("!ask how long is seven samurai", Request()))
    assert "Seven Samurai (1954) runs 207 minutes, from Wikidata." in text
    assert "More: !film Seven Samurai (1954)" in text
    typo = text_of(await core.handle("!ask who direted sevn samurai", Request()))
    assert "directed by Akira Kurosawa, from Wikidata" in typo
    hinted = text_of(await core.call("ask", Request(), question="how long is Stalker (1979)"))
    assert "Stalker (1979) runs 163 minutes" in hinted


async def test_sources_that_differ_are_all_shown(core: Core) -> None:
    text = text_of(await core.handle("!ask how long is the cranes are flying", Request()))
    assert "Sources differ on how long The Cranes Are Flying (1957) runs" in text
    assert "97 minutes" in text and "95 minutes" in text


async def test_unknown_is_not_no(core: Core) -> None:
    vertigo = await answer_question(core, Request(), "is there a 4k of vertigo")
    said = text_of(vertigo.reply)
    assert vertigo.kind == "unknown"
    assert "I know of no 4K UHD edition of Vertigo (1958)" in said
    assert "there is no" not in said.lower() and not said.lower().startswith("no")
    # An edition whose format no source gave may be the 4K asked about.
    samurai = await answer_question(core, Request(), "is there a 4k of seven samurai")
    assert samurai.kind == "unknown"
    assert "I don't know the format of The Criterion Collection #2" in text_of(samurai.reply)
    shot = await answer_question(core, Request(), "who shot barry lyndon")
    assert shot.kind == "unknown"
    assert "I don't know its cinematographer" in text_of(shot.reply)
    assert "directed by Stanley Kubrick" in text_of(shot.reply)  # what is known instead


async def test_edition_facts_name_the_edition_and_source(core: Core) -> None:
    region = text_of(await core.handle("!ask what region is the thing 1982 blu-ray", Request()))
    assert "Arrow Video (Blu-ray): region B, from TheDiscDb." in region
    assert "More: !edition The Thing (1982) blu-ray" in region
    subs = text_of(await core.handle("!ask does the 2001 dvd have french subtitles", Request()))
    assert "has French subtitles, from TheDiscDb" in subs
    out = text_of(
        await core.handle("!ask when does the criterion barry lyndon come out", Request())
    )
    assert "The Criterion Collection (4K UHD) came out on 8 July 2025, from TheDiscDb." in out
    yes = text_of(await core.handle("!ask is there a 4k of barry lyndon", Request()))
    assert yes.startswith("Barry Lyndon (1975)") and "Yes:" in yes and "from TheDiscDb" in yes


async def test_an_unclear_film_asks_and_pick_answers_the_question(core: Core) -> None:
    req = Request(user="asker")
    asked = await core.handle("!ask how long is solaris", req)
    assert asked is not None and len(asked.choices) == 2
    assert "Which film did you mean?" in text_of(asked)
    picked = text_of(await core.handle("!pick 1", req))
    assert "Solaris (1972)" in picked and "minutes" in picked
    missing = text_of(await core.handle("!ask who directed zzqxv", Request()))
    assert "not in my catalog" in missing


async def test_no_spoiler_reaches_an_answer(core: Core, seeds: Seeds) -> None:  # noqa: F811
    for question in (
        "how long is the cranes are flying",
        "who is in the cranes are flying",
        "what genre is the cranes are flying",
        "does the cranes are flying blu-ray have english subtitles",
        "what region is the cranes are flying blu-ray",
        "when does the criterion cranes are flying come out",
        "the cranes are flying",
    ):
        reply = await core.handle(f"!ask {question}", Request())
        assert reply is not None
        assert not any(s.style == "spoiler" for c in reply.cards for s in c.description)
        for platform in ("text", "discord", "matrix"):
            shown = str(render(reply, platform, reveal=True))
            assert not leaks(shown, seeds), (question, platform)


async def test_every_platform_renders_the_answer(core: Core) -> None:
    reply = await core.handle("!ask how long is seven samurai", Request())
    assert reply is not None
    assert "207 minutes" in str(render(reply, "discord"))
    assert "207 minutes" in str(render(reply, "matrix"))


def test_plain_text_is_a_question_for_filmbot_ask_and_the_console(catalog_copy: Path) -> None:
    result = run_cli("ask", "how long is seven samurai?", db=catalog_copy)
    assert result.returncode == 0, result.stderr
    assert "Seven Samurai (1954) runs 207 minutes, from Wikidata." in " ".join(
        result.stdout.split()
    )
    chat = run_cli(
        "console", db=catalog_copy, stdin="who directed the cranes are flying\n!quit\n"
    ).stdout
    assert "directed by Mikhail Kalatozov" in " ".join(chat.split())
    # A lone prefix is still no command.
    assert "Commands start with !" in run_cli("ask", "!", db=catalog_copy).stdout


async def test_chat_rooms_still_ignore_conversation(core: Core) -> None:
    assert await core.handle("I love the cranes are flying", Request()) is None
