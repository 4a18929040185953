"""Oversized data through the real schema, the real commands and all three renderers: every
Discord and Matrix limit is kept, and what is cut is cut visibly, never silently."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

import pytest

from bot.cards import Reply
from bot.constants import (
    DISAMBIGUATION_MAX_CHOICES,
    DISCORD_EMBED_FIELD_VALUE_MAX,
    DISCORD_SELECT_LABEL_MAX,
    FILM_CARD_CAST_MAX,
    MATRIX_FIELD_VALUE_MAX,
)
from bot.core.engine import Core
from bot.core.request import Request
from bot.render.answer import render
from bot.render.discord import render_text
from bot.render.safety import discord_escape
from bot.render.text import SPOILER_HIDDEN
from bot.store import search_data
from bot.text import norm_name, norm_title
from tests import sql
from tests.limits import (
    MatrixHtml,
    check_discord_payload,
    check_matrix_content,
    discord_menu_labels,
    discord_strings,
)

TITLE = "Zzyzx Oversized Chronicle"
YEAR = 2001
CAST = 300
FEATURES = 40
REVIEW_CHARS = 50_000
# A word only the spoiler parts of the oversized film use.
SECRET = "Quorbleflux"
# Remakes sharing one title longer than a menu label, with long director names.
SERIES = "Xylqor Parallel Story: " + " ".join(["The Long Night of the Many Subtitles"] * 3)
SERIES_COUNT = 12
SERIES_WORD = "vexillarium"  # only their synopses use it
MORE = "…"


_VOCABULARY = (
    "grain contrast negative print shadow lens score choir harbour winter train letter "
    "station lantern orchard mirror bridge corridor balcony soldier teacher painter sister "
    "colour silence rhythm montage archive scan texture encode damage flicker warp hiss "
    "stereo crane river candle staircase"
)
_WORDS = _VOCABULARY.split()


def prose(length: int, seed: int) -> str:
    """Distinct sentences of 12-18 varied words, at most `length` characters, so the
    summaries have real sentences to choose from."""
    rng = random.Random(seed)
    out: list[str] = []
    used, n = 0, 0
    while True:
        words = " ".join(rng.sample(_WORDS, rng.randint(10, 16)))
        sentence = f"Reel {seed}-{n} shows {words}."
        if used + len(sentence) + 1 > length:
            return " ".join(out)
        out.append(sentence)
        used += len(sentence) + 1
        n += 1


@dataclass(frozen=True)
class Oversized:
    film_id: int
    edition_id: int
    edition_title: str
    feature_titles: tuple[str, ...]
    cast: tuple[str, ...]
    synopsis: str
    verdict: str
    series_ids: tuple[int, ...]


async def _insert(core: Core) -> Oversized:
    db = core.db
    async with db.transaction() as tx:

        async def insert(query: str, params: tuple[Any, ...]) -> int:
            row_id = await sql.execute(tx, query, params)
            assert row_id is not None
            return row_id

        source = await insert(
            "INSERT INTO sources (kind, name, uri, sha256, title) VALUES (?, ?, ?, ?, ?)",
            ("disc_review", "zzyzx-disc-review.txt", "zzyzx.txt", "zzyzx-sha", "Zzyzx review"),
        )

        async def person(name: str) -> int:
            return await insert(
                "INSERT INTO people (name, norm) VALUES (?, ?)", (name, norm_name(name))
            )

        async def film(title: str, year: int, synopsis: str, key: str) -> int:
            film_id = await insert(
                "INSERT INTO films (external_key, title, year, runtime_min, synopsis, source_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, title, year, 187, synopsis, source),
            )
            await insert(
                "INSERT INTO film_titles (film_id, title, norm, kind, source_id) "
                "VALUES (?, ?, ?, 'primary', ?)",
                (film_id, title, norm_title(title), source),
            )
            return film_id

        async def credit(film_id: int, person_id: int, role: str, billing: int) -> None:
            await insert(
                "INSERT INTO credits (film_id, person_id, role, billing, source_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (film_id, person_id, role, billing, source),
            )

        synopsis = prose(12_000, 1)
        film_id = await film(TITLE, YEAR, synopsis, "test:zzyzx")
        await credit(film_id, await person("Dagobert Zzyzx-Director"), "director", 1)
        cast = tuple(f"Castmember Number {n:03d} Vandermeulen-Oyelaran" for n in range(CAST))
        for billing, name in enumerate(cast, start=1):
            await credit(film_id, await person(name), "cast", billing)

        edition_title = "Zzyzx Oversized Chronicle " + " ".join(
            f"Ultimate Collector's Restoration Edition Volume {n}" for n in range(8)
        )
        edition_id = await insert(
            "INSERT INTO editions (external_key, title, format, disc_count, disc_type, region, "
            "video_resolution, aspect_ratio, release_date, restoration_note, source_id) "
            "VALUES (?, ?, 'Blu-ray', 3, 'BD-50', 'A', '1080p', '1.85:1', '2021-05-04', ?, ?)",
            ("test:zzyzx:bd", edition_title, prose(3_000, 2), source),
        )
        await insert(
            "INSERT INTO edition_films (edition_id, film_id, source_id) VALUES (?, ?, ?)",
            (edition_id, film_id, source),
        )
        features = tuple(
            f"Feature {n:02d}: an extended conversation with the restoration team about "
            f"reel {n}, its damage, its sound and its colour"
            for n in range(FEATURES)
        )
        for position, feature in enumerate(features):
            await insert(
                "INSERT INTO special_features (edition_id, position, title, kind, runtime_min, "
                "year, source_id) VALUES (?, ?, ?, 'interview', ?, 2021, ?)",
                (edition_id, position, feature, 10 + position, source),
            )

        verdict = prose(3_000, 3)
        review_id = await insert(
            "INSERT INTO reviews (film_id, edition_id, source_id, kind, publication, author, "
            "url, published_at, verdict) VALUES (?, ?, ?, 'disc', ?, ?, ?, '2021-06-01', ?)",
            (
                film_id,
                edition_id,
                source,
                "Zzyzx Disc Review Weekly",
                "Ottoline Zzyzx-Critic",
                "https://example.org/zzyzx-review",
                verdict,
            ),
        )
        for category, value in (("film", 9), ("picture", 8), ("audio", 7), ("extras", 10)):
            await insert(
                "INSERT INTO review_scores (review_id, category, value, scale_max, raw) "
                "VALUES (?, ?, ?, 10, ?)",
                (review_id, category, value, f"{value}/10"),
            )
        total, position = 0, 0
        while total < REVIEW_CHARS:
            spoils = position % 5 == 4
            body = prose(1_000, 100 + position)
            if spoils:
                body = f"In the end {SECRET} dies on reel {position}. " + body
            await insert(
                "INSERT INTO review_sections (review_id, position, heading, body, is_spoiler) "
                "VALUES (?, ?, ?, ?, ?)",
                (review_id, position, f"Part {position}", body, int(spoils)),
            )
            total += len(body)
            position += 1

        for position in range(9):
            spoils = position >= 3
            body = prose(6_000 if spoils else 3_000, 200 + position)
            if spoils:
                body = f"{SECRET} betrays everyone in the end. " + body
            await insert(
                "INSERT INTO plot_notes (film_id, source_id, position, body, is_spoiler) "
                "VALUES (?, ?, ?, ?, ?)",
                (film_id, source, position, body, int(spoils)),
            )

        series = []
        for n in range(SERIES_COUNT):  # remakes: one long title, other years and directors
            series_id = await film(
                SERIES, 1980 + n, f"A {SERIES_WORD} tale, version {n}.", f"test:xylqor:{n}"
            )
            for billing in (1, 2):
                name = f"Maximiliana Director{n}x{billing} Featherstonehaugh-Cholmondeley"
                await credit(series_id, await person(name), "director", billing)
            series.append(series_id)
    # The keyword table is written by imports; these rows were written by hand.
    await search_data.refresh_film_text(db, [film_id, *series])
    return Oversized(
        film_id, edition_id, edition_title, features, cast, synopsis, verdict, tuple(series)
    )


@pytest.fixture
async def big(core: Core) -> Oversized:
    # Written before the first lookup, so the search notices the new titles at once.
    return await _insert(core)


@dataclass
class Rendered:
    reply: Reply
    discord: dict[str, Any]
    matrix: dict[str, Any]
    html: MatrixHtml
    text: str


async def ask(core: Core, message: str) -> Rendered:
    reply = await core.handle(message, Request())
    assert reply is not None
    discord = render(reply, "discord")
    check_discord_payload(discord)
    matrix = render(reply, "matrix")
    html = check_matrix_content(matrix)
    text = render(reply, "text")
    assert isinstance(text, str) and text.strip()
    assert reply.cards[0].kind != "error", text
    return Rendered(reply, discord, matrix, html, text)


def flat(text: str) -> str:
    return " ".join(text.split())


def outside_discord_spoilers(text: str) -> str:
    """Discord markdown with every `||spoiler||` removed (escaped `\\|` never opens one)."""
    return re.sub(r"(?<!\\)\|\|.*?(?<!\\)\|\|", "", text, flags=re.S)


_HIDDEN_FIELDS = re.compile(r"(\d+) more (?:fields? )?not shown")


def marked_if_cut(shown: str, full: str) -> bool:
    """Whole, or cut with a visible '…' (at the end, or as '… N more' after whole lines)."""
    return shown == full or shown.endswith(MORE) or bool(re.search(r"… \d+ more$", shown))


def check_nothing_dropped_silently(rendered: Rendered) -> None:
    """Every field of every card is shown or counted in a visible 'N more … not shown';
    every cut text ends in '…'."""
    reply, payload = rendered.reply, rendered.discord
    embeds = payload["embeds"]
    if len(embeds) < len(reply.cards):
        assert f"{len(reply.cards) - len(embeds)} more card" in payload.get("content", "")
    for card, embed in zip(reply.cards, embeds, strict=False):
        fields = embed.get("fields", [])
        pointers = embed.get("footer", {}).get("text", "") + payload.get("content", "")
        hidden = sum(int(n) for n in _HIDDEN_FIELDS.findall(pointers))
        assert len(fields) + hidden == len(card.fields), (
            f"Discord: {card.title!r} has {len(card.fields)} fields, {len(fields)} shown, "
            f"{hidden} said to be not shown: {len(card.fields) - len(fields) - hidden} "
            "dropped without a word"
        )
        assert marked_if_cut(embed["title"], discord_escape(card.title))
        if card.description:
            shown = embed.get("description", "")
            assert marked_if_cut(shown, render_text(card.description, 10**9)), shown[-80:]
        for field, shown in zip(card.fields, fields, strict=False):
            full = render_text(field.value, 10**9) or "—"
            assert marked_if_cut(shown["value"], full), (field.name, shown["value"][-80:])
            assert marked_if_cut(shown["name"], discord_escape(field.name))
    # Matrix: one note for fields left out of a card, one for cards left out.
    body = rendered.matrix["body"]
    hidden = sum(int(n) for n in re.findall(r"(\d+) more fields? not shown", body))
    cards = sum(int(n) for n in re.findall(r"(\d+) more cards? not shown", body))
    total = sum(len(card.fields) for card in reply.cards[: len(reply.cards) - cards])
    assert len(rendered.html.field_names) + hidden == total, (
        f"Matrix: {total} fields, {len(rendered.html.field_names)} shown, {hidden} counted"
    )


def flat_discord(payload: dict[str, Any]) -> str:
    """Every visible string of the payload, markdown escapes undone, spaces collapsed."""
    return flat(re.sub(r"\\(.)", r"\1", "\n".join(discord_strings(payload))))


def discord_value(payload: dict[str, Any], name: str) -> str:
    values = [f["value"] for e in payload["embeds"] for f in e.get("fields", [])]
    names = [f["name"] for e in payload["embeds"] for f in e.get("fields", [])]
    assert name in names, names
    return values[names.index(name)]


COMMANDS = (
    f"!film {TITLE}",
    f"!edition {TITLE}",
    f"!editions {TITLE}",
    f"!review {TITLE}",
    f"!plot {TITLE}",
    f"!plot {TITLE} spoilers",
)


async def test_the_oversized_film_is_found_and_every_command_answers(
    core: Core, big: Oversized
) -> None:
    best = (await core.titles()).lookup(TITLE).best  # found at once, written by hand
    assert best is not None and best.film_id == big.film_id
    for message in COMMANDS:
        rendered = await ask(core, message)
        assert TITLE in rendered.reply.cards[0].title, message
        assert TITLE in rendered.text and TITLE in rendered.matrix["body"]


@pytest.mark.parametrize("message", COMMANDS)
async def test_no_field_or_text_is_dropped_without_a_pointer(
    core: Core, big: Oversized, message: str
) -> None:
    check_nothing_dropped_silently(await ask(core, message))


async def test_film_card_counts_the_cast_and_cuts_the_synopsis_visibly(
    core: Core, big: Oversized
) -> None:
    out = await ask(core, f"!film {TITLE}")
    more = f"and {CAST - FILM_CARD_CAST_MAX} more"
    cast = discord_value(out.discord, "Cast")
    assert cast.endswith(more) and big.cast[FILM_CARD_CAST_MAX - 1] in cast
    assert big.cast[FILM_CARD_CAST_MAX] not in flat_discord(out.discord)
    description = out.discord["embeds"][0]["description"]
    assert description.endswith(MORE) and big.synopsis.startswith(description[:-1].rstrip())
    text = flat(out.html.text)
    assert more in text and big.cast[FILM_CARD_CAST_MAX] not in text
    assert big.synopsis[:200] in text and big.synopsis[-200:] not in text
    assert MORE in text
    terminal = flat(out.text)  # the terminal has room for everything but the cast
    assert more in terminal and big.synopsis[-200:] in terminal


async def test_edition_card_keeps_the_limits_and_marks_its_cuts(core: Core, big: Oversized) -> None:
    out = await ask(core, f"!edition {TITLE}")
    embed = out.discord["embeds"][0]
    assert embed["title"].endswith(MORE)  # the edition's name is longer than a title
    features = discord_value(out.discord, "Special features")
    assert len(features) <= DISCORD_EMBED_FIELD_VALUE_MAX
    assert features.endswith(MORE) or re.search(r"\d+ more", features)
    assert discord_value(out.discord, "Verdict").endswith(MORE)
    assert big.feature_titles[0] in out.html.text and MORE in out.html.text
    assert all(title in flat(out.text) for title in big.feature_titles)


def features_shown(text: str, titles: tuple[str, ...]) -> int:
    return sum(1 for title in titles if title in text)


async def test_edition_card_says_how_many_special_features_it_leaves_out(
    core: Core, big: Oversized
) -> None:
    """All 40 features, or the number of those not shown: a '…' alone hides how many."""
    out = await ask(core, f"!edition {TITLE}")
    silent = []
    for platform, text in (
        ("terminal", flat(out.text)),
        ("discord", flat_discord(out.discord)),
        ("matrix", flat(out.html.text)),
        ("matrix body", flat(out.matrix["body"])),
    ):
        shown = features_shown(text, big.feature_titles)
        missing = FEATURES - shown
        if missing and not re.search(rf"\b{missing} more\b", text):
            silent.append(f"{platform}: {shown} shown, nothing says {missing} more exist")
    assert features_shown(flat(out.text), big.feature_titles) == FEATURES
    assert not silent, f"of {FEATURES} special features: " + "; ".join(silent)


async def test_editions_comparison_cuts_the_long_edition_name(core: Core, big: Oversized) -> None:
    out = await ask(core, f"!editions {TITLE}")
    (field,) = out.discord["embeds"][0]["fields"]
    assert field["name"].endswith(MORE) and big.edition_title.startswith(field["name"][:-1])
    assert f"Features: {FEATURES}" in field["value"]
    assert f"Features: {FEATURES}" in out.html.text and MORE in out.html.text


async def test_review_is_cut_visibly_and_holds_no_spoiler(core: Core, big: Oversized) -> None:
    out = await ask(core, f"!review {TITLE}")
    assert discord_value(out.discord, "Verdict").endswith(MORE)
    assert discord_value(out.discord, "Key points").startswith("• Reel ")
    hidden = "10 passages with spoilers left out"
    assert hidden in out.discord["embeds"][0]["footer"]["text"]
    text = flat(out.html.text)
    assert big.verdict[:100] in text and big.verdict[-100:] not in text and MORE in text
    assert hidden in text and hidden in flat(out.text)
    for rendered in (flat_discord(out.discord), out.matrix["body"], out.html.text, out.text):
        assert SECRET not in rendered
    assert out.html.spoilers == []


async def test_plot_without_spoilers_counts_them_and_shows_none(core: Core, big: Oversized) -> None:
    out = await ask(core, f"!plot {TITLE}")
    pointer = "16 passages with spoilers not shown"  # 6 notes and 10 review sections
    assert pointer in flat_discord(out.discord)
    for rendered in (flat_discord(out.discord), out.matrix["body"], out.html.text, out.text):
        assert SECRET not in rendered
    assert pointer in flat(out.html.text) and pointer in flat(out.text)
    assert out.html.spoilers == [] and SPOILER_HIDDEN not in out.text


async def test_plot_with_spoilers_keeps_them_wrapped_whole(core: Core, big: Oversized) -> None:
    out = await ask(core, f"!plot {TITLE} spoilers")
    markdown = "\n".join(discord_strings(out.discord))
    assert SECRET not in outside_discord_spoilers(markdown)
    assert SECRET not in out.html.text and SECRET not in out.matrix["body"]
    assert SECRET not in out.text and SPOILER_HIDDEN in out.text
    assert any(SECRET in spoiler for spoiler in out.html.spoilers)
    revealed = render(out.reply, "text", reveal=True)
    assert flat(revealed).count(f"{SECRET} betrays everyone") == 6
    # Each spoiler is shown whole or not at all: an unclosed '||' would open the rest.
    for text in discord_strings(out.discord):
        assert len(re.findall(r"(?<!\\)\|\|", text)) % 2 == 0, text[-80:]


async def test_disambiguation_menu_keeps_the_limits(core: Core, big: Oversized) -> None:
    for message in (f"!film {SERIES}", f"!find {SERIES_WORD}"):
        out = await ask(core, message)
        labels = discord_menu_labels(out.discord)
        assert len(labels) == DISAMBIGUATION_MAX_CHOICES == len(out.reply.choices), message
        assert all(len(label) <= DISCORD_SELECT_LABEL_MAX for label in labels)
        assert all(MORE in label for label in labels)  # the title is too long
        values = [c.id for c in out.reply.choices]
        assert set(values) <= {f"film:{i}" for i in big.series_ids}
        assert out.discord["flags"] == 1 << 6


async def test_cut_choice_labels_still_tell_the_films_apart(core: Core, big: Oversized) -> None:
    """Twelve remakes share one long title: a label cut from its end loses the year and
    the director, the only things that tell the choices apart."""
    out = await ask(core, f"!film {SERIES}")
    labels = discord_menu_labels(out.discord)
    assert len(set(labels)) == len(labels), f"indistinguishable menu options: {labels[:2]}"
    for label in labels:
        assert re.search(r"\((19[89]\d)\)", label), label
    listed = [re.sub(r"^\d+\. ", "", line) for line in out.html.text.splitlines()]
    listed = [line for line in listed if line.startswith(SERIES[:20])]
    assert len(set(listed)) == len(listed) == len(labels), listed[:2]


async def test_matrix_field_values_stay_within_the_readability_cap(
    core: Core, big: Oversized
) -> None:
    out = await ask(core, f"!edition {TITLE}")
    body = out.matrix["body"]
    features = body[body.index("Special features:") : body.index("Review (")]
    assert len(flat(features)) <= len("Special features: ") + MATRIX_FIELD_VALUE_MAX + 40
    assert flat(features).endswith(MORE) or re.search(r"\d+ more", features)
