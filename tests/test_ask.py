"""`filmbot ask`, `console` and `run`, end to end through the installed command."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.platforms import MATRIX
from bot.core.engine import Core
from bot.core.loader import load_core
from bot.core.request import Request
from tests.conftest import run_cli


def test_ask_film_cranes_are_flying(catalog_copy: Path) -> None:
    result = run_cli("ask", "!film the cranes are flying", db=catalog_copy)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("The Cranes Are Flying (1957)\n")
    assert "Directed by: Mikhail Kalatozov" in out
    assert "Written by: Viktor Rozov" in out
    assert "Cinematography: Sergei Urusevsky" in out
    assert "Genres: Drama, Romance, War" in out
    # The catalog and the three bundled documents disagree; every value is shown.
    assert "Runtime (sources differ):" in out
    flat = " ".join(out.split())
    assert "97 min (wikidata_films.csv.gz, blog-review_the-cranes-are-flying.txt)" in flat
    assert "95 min (cannes_films.csv.gz, disc-review_the-cranes-are-flying.txt)" in flat
    assert "96 min (release-listing_the-cranes-are-flying.txt)" in flat
    assert "Country: Soviet Union" in out
    assert "The Criterion Collection #146 (Blu-ray)" in out
    assert "Traceback" not in result.stderr


def test_ask_edition_with_slash_prefix(catalog_copy: Path) -> None:
    result = run_cli("ask", "/edition The Cranes Are Flying", db=catalog_copy)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "The Cranes Are Flying (1957) — The Criterion Collection #146 (Blu-ray)\n"
    )
    assert "Spine: #146" in result.stdout


def test_ask_title_that_needs_the_year_hint(catalog_copy: Path) -> None:
    ambiguous = run_cli("ask", "!film solaris", db=catalog_copy).stdout
    assert "Which film did you mean?" in ambiguous
    assert "1. Solaris (1972) · Andrei Tarkovsky" in ambiguous
    assert "2. Solaris (2002) · Steven Soderbergh" in ambiguous
    hinted = run_cli("ask", "!film Solaris (1972)", db=catalog_copy).stdout
    assert hinted.startswith("Solaris (1972)\n")
    assert "Directed by: Andrei Tarkovsky" in hinted
    assert "Soderbergh" not in hinted


def test_nonsense_gets_help_not_a_traceback(catalog_copy: Path) -> None:
    for message, expected in [
        ("!frobnicate now", "There is no command !frobnicate"),
        ("!film", "!film needs something to look up"),
        ("!edition   ", "!edition needs something to look up"),
        ("hello there", "I didn't understand the question"),
        ("!film zzzqqqxx", "I don't know “zzzqqqxx”: it is not in my catalog"),
        ("!pick 3", "There is no open question for you here"),
        ("!", "Commands start with !"),
        ("!help !", "filmbot commands"),
        ("!film ???", "!film needs something to look up"),
        ("!edition blu-ray", "Which film? Give its title first."),
        # A year alone names no film: ask, don't answer with 'Dracula A.D. 1972'.
        ("!film (1972)", "Which film did you mean?"),
        ("!film my favourite ran", "Which film did you mean?"),
        ("!film " + "x" * 5000, "I don't know “" + "x" * 99 + "…”"),
        ("!" + "y" * 300, "There is no command !" + "y" * 99 + "…"),
    ]:
        result = run_cli("ask", message, db=catalog_copy)
        assert result.returncode == 0, (message, result.stderr)
        assert expected in result.stdout.replace("\n", ""), (message, result.stdout)
        assert "Traceback" not in result.stdout + result.stderr


def test_console_pick_answers_the_open_question(catalog_copy: Path) -> None:
    script = "!film solaris\n!pick ²\n!pick 0\n!pick 2\n!pick 9\n!help\n!quit\n"
    result = run_cli("console", db=catalog_copy, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Which film did you mean?" in out
    assert out.count("Pick a number from the list") == 2  # '²' and '0' are refused
    assert "Solaris (2002)\n==============" in out
    assert "Directed by: Steven Soderbergh" in out
    # The question was answered, so a second pick has nothing to pick from.
    assert "There is no open question for you here" in out
    assert "!film <title> [year]" in out
    assert out.rstrip().endswith("Bye.")


def test_run_without_platforms_starts_the_console(catalog_copy: Path) -> None:
    result = run_cli("run", db=catalog_copy, stdin="!film seven samurai\n")
    assert result.returncode == 0, result.stderr
    assert "no chat platform configured" in result.stderr
    assert "console chat on the bundled catalog" in result.stderr
    assert "Seven Samurai (1954)" in result.stdout
    assert "Akira Kurosawa" in result.stdout


def test_first_start_builds_the_database(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "filmbot.sqlite3"
    first = run_cli("ask", "!film Seven Samurai", db=db)
    assert first.returncode == 0, first.stderr
    assert "imported 17,472 Wikidata films" in first.stderr
    assert "Seven Samurai (1954)" in first.stdout
    second = run_cli("ask", "!film Seven Samurai", db=db)
    assert "imported" not in second.stderr  # later starts do not rebuild
    assert second.stdout == first.stdout


async def test_pick_belongs_to_the_asker(core: Core) -> None:
    alice = Request(MATRIX, channel="!room", user="@alice")
    bob = Request(MATRIX, channel="!room", user="@bob")
    question = await core.handle("!film the killers", alice)
    assert question is not None and question.choices
    assert all(c.id.startswith("film:") for c in question.choices)
    refused = await core.handle("!pick 1", bob)
    assert refused is not None and refused.cards[0].kind == "error"
    answered = await core.handle("!pick 1", alice)
    assert answered is not None and answered.cards[0].title.startswith("The Killers (")


async def test_pick_expires(catalog_copy: Path) -> None:
    from bot.core.answers import COMMANDS
    from bot.store import open_database

    now = [1000.0]
    db = await open_database(catalog_copy)
    core = await load_core(db)
    core = Core(db, core.search, COMMANDS, clock=lambda: now[0])
    ctx = Request()
    question = await core.handle("!film solaris", ctx)
    assert question is not None and len(question.choices) == 2
    now[0] += 4 * 60
    in_time = await core.handle("!pick 2", ctx)
    assert in_time is not None and in_time.cards[0].title == "Solaris (2002)"
    await core.handle("!film solaris", ctx)
    now[0] += 6 * 60
    late = await core.handle("!pick 1", ctx)
    assert late is not None and late.cards[0].title == "Nothing to pick"
    await db.close()


async def test_not_a_command_is_ignored_by_the_core(core: Core) -> None:
    # Chat platforms must not answer ordinary conversation.
    assert await core.handle("I love the cranes are flying", Request()) is None


async def test_edition_filters(core: Core) -> None:
    reply = await core.handle("!edition seven samurai criterion", Request())
    assert reply is not None
    assert reply.cards[0].title == "Seven Samurai (1954) — The Criterion Collection #2"
    # The Criterion list gives no format: a Blu-ray is unknown, not "no".
    unknown = await core.handle("!edition seven samurai blu-ray", Request())
    assert unknown is not None and unknown.cards[0].kind != "error"
    assert unknown.cards[0].title == "Format not known for Seven Samurai (1954)"
    assert "The Criterion Collection #2" in unknown.cards[1].title
    # Every edition's format is known and none is a 4K: that is a "no".
    missing = await core.handle("!edition the cranes are flying 4k", Request())
    assert missing is not None and missing.cards[0].kind == "error"
    assert missing.cards[0].title.startswith("No 4K UHD edition of The Cranes Are Flying")
