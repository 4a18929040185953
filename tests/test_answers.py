"""The issue-5 commands on the seeds' film: editions, review, plot, releases, film scores."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cards import Card, Reply
from bot.core.answers import COMMANDS
from bot.core.commands import Command
from bot.core.engine import Core
from bot.core.request import Request
from bot.core.scores import averages_line, bar, score_line
from bot.core.summary import key_sentences
from bot.models import ReviewSummary, ScoreLine, TextSection
from bot.render.text import render_reply
from tests import sql
from tests.conftest import run_cli

CRANES = "The Cranes Are Flying"
ROOT = Path(__file__).resolve().parent.parent


def command(name: str) -> Command:
    found = COMMANDS.get(name)
    assert found is not None
    return found


def spoiler_flag(args: str) -> tuple[str, bool]:
    values = command("plot").parse(args)
    return values["title"], values["spoilers"]


async def _ask(core: Core, message: str) -> Reply:
    reply = await core.handle(message, Request())
    assert reply is not None
    return reply


def _field(card: Card, name: str) -> str:
    return next("".join(s.text for s in f.value) for f in card.fields if f.name == name)


def _spoiler_text(reply: Reply) -> str:
    spans = [s for c in reply.cards for f in c.fields for s in f.value]
    spans += [s for c in reply.cards for s in c.description]
    return " ".join(s.text for s in spans if s.style == "spoiler")


def test_score_bars_normalise_other_scales_and_keep_the_original() -> None:
    assert bar(8) == "████████░░" and bar(0) == "░" * 10 and bar(10) == "█" * 10
    assert score_line(ScoreLine("picture", 8, 10, "8/10")) == "Picture ████████░░ 8/10"
    assert score_line(ScoreLine("audio", 4.5, 5, "4.5/5")) == "Audio █████████░ 9/10 (4.5/5)"
    assert score_line(ScoreLine("film", 3.5, 4, "B+")) == "Film █████████░ 8.8/10 (B+)"
    reviews = [
        ReviewSummary(1, "a", "disc", (ScoreLine("picture", 8, 10, "8/10"),), None),
        ReviewSummary(2, "b", "disc", (ScoreLine("picture", 3, 5, "3/5"),), None),
    ]
    assert averages_line(reviews) == "Picture 7/10"


def test_key_sentences_are_deterministic_and_never_read_spoilers() -> None:
    sections = [
        TextSection(
            "Picture",
            "The new transfer is a remarkable improvement over the DVD "
            "with sharp detail and natural grain throughout the whole film.",
            False,
        ),
        TextSection(
            "Ending",
            "The remarkable improvement comes when the hero dies alone at "
            "the very end of the whole film in the snow.",
            True,
        ),
        TextSection(
            "Extras",
            "The extras include a thorough documentary about the director "
            "and a new interview with the restoration team.",
            False,
        ),
        TextSection("Extras", "Short one.", False),
    ]
    chosen = key_sentences(sections, count=4)
    assert chosen == key_sentences(list(sections), count=4)
    assert not any("dies" in s for s in chosen)
    assert "Short one." not in chosen  # too short to carry anything
    assert chosen[0].startswith("The new transfer")  # reading order kept
    assert len(chosen) == 2


async def test_film_card_shows_average_scores(core: Core) -> None:
    card = (await _ask(core, f"!film {CRANES}")).cards[0]
    assert _field(card, "Average scores") == "Picture 8/10 · Audio 5/10 · Extras 8/10 (2 reviews)"


async def test_editions_side_by_side_with_what_the_review_says(core: Core) -> None:
    card = (await _ask(core, f"!editions {CRANES}")).cards[0]
    assert card.title == f"Editions of {CRANES} (1957)"
    columns = [f for f in card.fields if f.inline]
    assert [f.name for f in columns] == [
        "The Criterion Collection #146 (Blu-ray)",
        "The Criterion Collection (DVD)",
    ]
    bluray = _field(card, columns[0].name).splitlines()
    dvd = _field(card, columns[1].name).splitlines()
    # The same rows in the same order for every edition, so they read side by side.
    assert [r.split(":")[0] for r in bluray] == [r.split(":")[0] for r in dvd]
    assert "Features: 7" in bluray and "Features: —" in dvd
    assert "Scores /10: Picture 8, Audio 5, Extras 8" in bluray
    assert "Aspect ratio: 1.33:1 / 1.37:1" in bluray  # the sources disagree: both shown
    said = _field(card, "What the reviews say")
    assert "significant improvement over Criterion’s previous DVD" in said
    assert "older DVD" in said
    assert "aspect ratio of 1.37:1" not in said  # mentions Blu-ray but compares nothing


async def test_review_summary(core: Core) -> None:
    reply = await _ask(core, f"!review {CRANES}")
    disc, blog = reply.cards
    assert disc.title == f"{CRANES} (1957) — disc review"
    assert _field(disc, "Scores").splitlines() == [
        "Picture ████████░░ 8/10",
        "Audio █████░░░░░ 5/10",
        "Extras ████████░░ 8/10",
    ]
    assert _field(disc, "Verdict").startswith("Criterion corrects its problematic")
    points = _field(disc, "Key points").splitlines()
    assert 3 <= len(points) <= 4 and all(p.startswith("• ") for p in points)
    assert _field(disc, "Edition reviewed") == "The Criterion Collection #146 (Blu-ray)"
    assert "disc-review_the-cranes-are-flying.txt" in _field(disc, "Source")
    # The disc review's "in the end it's a remarkable restoration" and an extra's history
    # ("after Stalin's death") are remarks on the disc, not the plot's outcome.
    assert (disc.footer or "").endswith("spoiler-free")
    assert blog.title.endswith("blog review") and "Scores" not in [f.name for f in blog.fields]
    assert "2 passages with spoilers left out" in (blog.footer or "")
    assert not _spoiler_text(reply)  # review summaries never carry spoiler text at all


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (f"!review {CRANES} disc", ["disc review"]),
        (f"!review {CRANES} blog review", ["blog review"]),
        (f"!review {CRANES} from blog-review", ["blog review"]),
        (f"!review {CRANES} from disc-review_the-cranes-are-flying.txt", ["disc review"]),
    ],
)
async def test_review_source_choice(core: Core, message: str, expected: list[str]) -> None:
    reply = await _ask(core, message)
    assert [c.title.split(" — ")[1] for c in reply.cards] == expected


async def test_review_errors_are_friendly(core: Core) -> None:
    none = await _ask(core, "!review Vertigo")
    assert (
        none.cards[0].kind == "error" and none.cards[0].title == "No reviews of Vertigo (1958) yet"
    )
    # 'from' stays part of a title unless a review source follows it.
    letter = await _ask(core, "!review letter from an unknown woman")
    assert letter.cards[0].title.startswith("No reviews of Letter from an Unknown Woman")


async def test_plot_hides_spoilers_unless_asked_and_wraps_them_when_asked(core: Core) -> None:
    safe = await _ask(core, f"!plot {CRANES}")
    card = safe.cards[0]
    assert "".join(s.text for s in card.description).startswith("Veronika and Boris")
    assert not _spoiler_text(safe)
    assert "passages with spoilers not shown" in (card.footer or "")
    shown = await _ask(core, f"!plot {CRANES} spoilers")
    text = _spoiler_text(shown)
    assert "tells her that Boris died" in text
    # A spoiler section's heading goes inside the spoiler too.
    assert "THE CRANES ARE FLYING: The film ends when the war ends" in text
    # The blog's ending is both a plot note and a review section: shown once.
    assert text.count("tells her that Boris died") == 1
    for field in shown.cards[0].fields:
        assert all(s.style == "spoiler" or not s.text.strip() for s in field.value), field.name
    assert "Boris died" not in render_reply(shown)
    assert "Boris died" in render_reply(shown, reveal=True)


def test_spoiler_flag_is_a_trailing_word_only() -> None:
    assert spoiler_flag("cranes are flying spoilers") == ("cranes are flying", True)
    assert spoiler_flag("spoilers") == ("spoilers", False)
    assert spoiler_flag("the spoilers guide") == ("the spoilers guide", False)


async def _add_release(core: Core, spine: str, day: str, fmt: str, label: str) -> None:
    async with core.db.transaction() as tx:
        await sql.execute(tx, "INSERT OR IGNORE INTO labels (name) VALUES (?)", (label,))
        await sql.execute(
            tx,
            "INSERT INTO editions (external_key, title, label_id, spine, format, release_date) "
            "SELECT ?, ?, id, ?, ?, ? FROM labels WHERE name = ?",
            (f"test:{spine}", f"Test edition {spine}", spine, fmt, day, label),
        )
        await sql.execute(
            tx,
            "INSERT INTO edition_films (edition_id, film_id) SELECT e.id, f.id FROM editions e, "
            "films f WHERE e.external_key = ? AND f.title = 'Vertigo'",
            (f"test:{spine}",),
        )


async def test_releases_upcoming_recent_and_filters(core: Core) -> None:
    core.today = lambda: date(2020, 4, 1)
    await _add_release(core, "9001", "2020-05-12", "4K UHD", "Arrow Video")
    await _add_release(core, "9002", "2020-04-02", "Blu-ray", "The Criterion Collection")
    await _add_release(core, "9003", "2019-12-01", "Blu-ray", "Arrow Video")  # too old
    both = (await _ask(core, "!releases")).cards[0]
    coming, recent = (_field(both, f.name) for f in both.fields)
    assert coming.splitlines()[0].startswith("2020-04-02 · Vertigo (1958) — The Criterion")
    # (TheDiscDb's real Grand Budapest Hotel Blu-ray, 2020-04-28, comes between them.)
    assert [line[:10] for line in coming.splitlines()[:3]] == [
        "2020-04-02",
        "2020-04-28",
        "2020-05-12",
    ]
    assert recent.startswith("2020-03-24 · The Cranes Are Flying (1957)")
    assert "2019-12-01" not in recent
    arrow = (await _ask(core, "!releases upcoming arrow 4k")).cards[0]
    assert arrow.title == "Releases · arrow · 4K UHD"
    assert _field(arrow, arrow.fields[0].name).startswith("2020-05-12 · Vertigo")
    nothing = (await _ask(core, "!releases recent arrow")).cards[0]
    assert "Nothing out in the last 90 days" in "".join(s.text for s in nothing.description)
    assert _field(nothing, "The latest I know of").startswith("2019-12-01")


async def test_help_lists_every_command_with_an_example(core: Core) -> None:
    card = (await _ask(core, "!help")).cards[0]
    names = [f.name.split()[0] for f in card.fields]
    for command in (
        "film",
        "edition",
        "editions",
        "review",
        "plot",
        "person",
        "find",
        "releases",
        "help",
        "about",
    ):
        assert f"!{command}" in names
    assert all("Example: !" in _field(card, f.name) for f in card.fields)


def test_ask_as_every_renderer(seeded_copy: Path) -> None:
    text = run_cli("ask", "--as", "text", f"!review {CRANES} disc", db=seeded_copy)
    assert text.returncode == 0 and "Picture ████████░░ 8/10" in text.stdout
    wrapped = json.loads(run_cli("ask", "--as", "text", "--json", "!about", db=seeded_copy).stdout)
    assert wrapped["text"].startswith("filmbot ")
    discord = json.loads(
        run_cli("ask", "--as", "discord", f"!plot {CRANES} spoilers", db=seeded_copy).stdout
    )
    assert discord["allowed_mentions"] == {"parse": []}
    assert any("||" in f["value"] for f in discord["embeds"][0]["fields"])
    line = run_cli("ask", "--as", "matrix", "--json", f"!plot {CRANES} spoilers", db=seeded_copy)
    assert line.stdout.count("\n") == 1  # one line of JSON
    matrix = json.loads(line.stdout)
    assert matrix["msgtype"] == "m.notice" and "data-mx-spoiler" in matrix["formatted_body"]
    assert "Boris died" not in matrix["body"] and "[spoiler hidden]" in matrix["body"]
    menu = json.loads(run_cli("ask", "--as", "discord", "!film solaris", db=seeded_copy).stdout)
    options = menu["components"][0]["components"][0]["options"]
    assert [o["label"] for o in options] == [
        "Solaris (1972) · Andrei Tarkovsky",
        "Solaris (2002) · Steven Soderbergh",
    ]
    assert menu["flags"] == 64  # only the asker sees the question
    # `filmbot ask` takes plain text as a question (issue 19); one it cannot read is
    # said so, with examples, in the platform's own form.
    nonsense = run_cli("ask", "--as", "matrix", "hello", db=seeded_copy)
    body = json.loads(nonsense.stdout)["body"]
    assert "I didn't understand the question" in body and "!ask" in body


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("!review escape from l.a.", "Escape from L.A."),
        ("!review letter from an unknown woman", "Letter from an Unknown Woman"),
    ],
)
async def test_from_stays_part_of_a_title(core: Core, message: str, title: str) -> None:
    reply = await _ask(core, message)
    assert reply.cards[0].title.startswith(f"No reviews of {title}")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("coming soon", ("upcoming", None, None)),
        ("upcoming recent", (None, None, None)),
        ("new blu ray", ("recent", None, "Blu-ray")),
        ("4k uhd arrow", (None, "arrow", "4K UHD")),
        ("recent criterion", ("recent", "The Criterion Collection", None)),
    ],
)
def test_release_words(args: str, expected: tuple) -> None:
    from bot.core.answers.releases import label_name

    values = command("releases").parse(args)
    assert (values["when"], label_name(values["label"]), values["format"]) == expected


def test_edition_filter_words() -> None:
    def split_edition_filters(args: str) -> tuple:
        values = command("edition").parse(args)
        return values["title"], values["format"], values["label"]

    assert split_edition_filters("seven samurai blu ray") == ("seven samurai", "Blu-ray", None)
    assert split_edition_filters("cranes label:masters of cinema") == (
        "cranes",
        None,
        "masters of cinema",
    )


async def test_a_relation_note_from_a_spoiler_passage_is_not_shown(core: Core) -> None:
    spoiler = "In the end Boris dies, which looked murky on Criterion’s previous DVD."
    async with core.db.transaction() as tx:
        await sql.execute(
            tx,
            "UPDATE review_sections SET is_spoiler = 1, body = body || ' ' || ? "
            "WHERE review_id = 2 AND position = 3",
            (spoiler,),
        )
        await sql.execute(tx, "UPDATE edition_relations SET note = ?", (spoiler,))
    for message in (f"!editions {CRANES}", f"!edition {CRANES}"):
        shown = render_reply(await _ask(core, message))
        assert "Boris dies" not in shown, message
    assert "Replaces: The Criterion Collection (DVD)" in render_reply(
        await _ask(core, f"!edition {CRANES} blu-ray")
    )


async def test_an_original_title_from_a_document_shows_on_the_card_and_is_searchable(
    core: Core,
) -> None:
    from bot.importers.documents.importer import import_document

    listing = (
        ROOT / "data" / "documents" / "release-listing_the-cranes-are-flying.txt"
    ).read_text()
    listing = listing.replace(
        "Genres: Drama", "Original Title: Letyat zhuravli\nGenres: Drama", 1
    ).replace("Sale Price 27.88", "Sale Price 26.50")  # another document, not a repeat
    outcome = await import_document(core.db, "listing-with-original.txt", listing.encode())
    assert outcome.ok, outcome.line()
    card = (await _ask(core, f"!film {CRANES}")).cards[0]
    assert _field(card, "Original title") == "Letyat zhuravli"
    found = await _ask(core, "!film letyat zhuravli")
    assert found.cards[0].title == "The Cranes Are Flying (1957)"
