"""The Discord renderer keeps every limit with oversized data and never opens a spoiler."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.cards import Card, Field, Reply, Span, plain
from bot.constants import (
    DISCORD_EMBED_DESCRIPTION_MAX,
    DISCORD_EMBED_FIELD_VALUE_MAX,
    DISCORD_EMBED_FIELDS_MAX,
    DISCORD_EMBED_TITLE_MAX,
    DISCORD_EMBEDS_PER_MESSAGE,
    DISCORD_EMBEDS_TOTAL_MAX,
)
from bot.render.discord import EPHEMERAL_FLAG, embed_size, render_reply

ENDING = "Boris died at the front"


def test_oversized_cards_stay_within_every_limit() -> None:
    cast = ", ".join(f"Actor Number {n}" for n in range(300))
    review = "A long review sentence. " * 2_100  # ~50,000 characters
    features = tuple(Field(f"Feature {n}", plain("An interview, 12 min")) for n in range(40))
    card = Card("T" * 400, plain(review), (Field("Cast", plain(cast)), *features), footer="f")
    payload = render_reply(Reply((card,) * 12))
    embeds = payload["embeds"]
    assert len(embeds) <= DISCORD_EMBEDS_PER_MESSAGE
    assert sum(embed_size(e) for e in embeds) <= DISCORD_EMBEDS_TOTAL_MAX
    for embed in embeds:
        assert len(embed["title"]) <= DISCORD_EMBED_TITLE_MAX and embed["title"].endswith("…")
        assert len(embed.get("description", "")) <= DISCORD_EMBED_DESCRIPTION_MAX
        assert len(embed.get("fields", [])) <= DISCORD_EMBED_FIELDS_MAX
        assert all(
            len(f["value"]) <= DISCORD_EMBED_FIELD_VALUE_MAX for f in embed.get("fields", [])
        )
    assert embeds[0]["description"].endswith("…")
    assert payload["content"] == "… 11 more cards not shown."
    assert payload["allowed_mentions"] == {"parse": []}


def test_spoilers_are_wrapped_or_left_out_never_cut_open() -> None:
    spans = (Span("x" * 4090), Span(ENDING, "spoiler"))
    embed = render_reply(Reply((Card("Plot", spans),)))["embeds"][0]
    assert ENDING not in embed["description"]  # did not fit: dropped whole, not halved
    assert embed["description"].endswith("…")
    fits = render_reply(Reply((Card("Plot", (Span("Intro. "), Span(ENDING, "spoiler"))),)))
    assert fits["embeds"][0]["description"] == f"Intro. ||{ENDING}||"


def test_hostile_data_cannot_ping_or_break_markup() -> None:
    card = Card(
        "@everyone **Title**",
        (Span("join discord.gg/x <@&1> "), Span("a||b @here", "spoiler")),
        (Field("[x](javascript:alert(1))", plain("`code` ~~s~~")),),
    )
    payload = render_reply(Reply((card,), ephemeral=True))
    embed = payload["embeds"][0]
    assert "@everyone" not in embed["title"] and "**" not in embed["title"].replace("\\*", "")
    assert "discord.gg/" not in embed["description"]
    assert "<@&" not in embed["description"].replace("\\<", "")  # shown, not a role ping
    assert embed["description"].endswith("||a\\|\\|b @\u200bhere||")
    assert "](javascript" not in embed["fields"][0]["name"].replace("\\]", "").replace("\\(", "")
    assert payload["flags"] == EPHEMERAL_FLAG


def test_a_long_list_is_cut_after_a_whole_line_and_counts_what_is_left() -> None:
    features = "\n".join(
        f"• Interview number {n} with a long description (12 min)" for n in range(40)
    )
    embed = render_reply(
        Reply((Card("Edition", (), (Field("Special features", plain(features)),)),))
    )
    value = embed["embeds"][0]["fields"][0]["value"]
    assert len(value) <= DISCORD_EMBED_FIELD_VALUE_MAX
    shown = value.splitlines()[:-1]
    assert all(line.endswith("(12 min)") for line in shown)  # whole lines only
    assert value.splitlines()[-1] == f"… {40 - len(shown)} more"


def test_a_full_field_still_has_room_for_the_ellipsis() -> None:
    from bot.render.discord import render_text

    assert render_text((Span("a" * 1024), Span("b")), 1024) == "a" * 1023 + "…"
    spans = (Span("a" * 1000), Span("x" * 40, "spoiler"))
    assert render_text(spans, 1024) == "a" * 1000 + "…"  # the spoiler is dropped whole
    filled = (Span("a" * 1020), Span("||" * 3, "spoiler"), Span("tail"))
    assert len(render_text(filled, 1024)) <= 1024


def test_cutting_many_lines_to_a_tiny_limit_stays_within_it() -> None:
    from bot.render.fit import cut_text

    lines = "\n".join(f"line {n}" for n in range(200))
    for limit in range(1, 40):
        assert len(cut_text(lines, limit)) <= limit


def test_footers_are_not_markdown_and_links_are_checked() -> None:
    card = Card(
        "T",
        (
            Span("read it", "link", "https://example.org/a b)<@&1>||"),
            Span(" · "),
            Span("ok", "link", "https://example.org/review"),
        ),
        (Field("   ", plain("  ")),),
        footer="sources: wikidata_films.csv.gz · @everyone <@123>",
    )
    embed = render_reply(Reply((card,)))["embeds"][0]
    assert embed["footer"]["text"] == (
        "sources: wikidata_films.csv.gz · @\u200beveryone <\u200b@123>"
    )
    assert embed["description"] == "read it · [ok](https://example.org/review)"
    assert embed["fields"][0] == {"name": "—", "value": "—", "inline": False}


@given(
    st.lists(
        st.tuples(st.text(max_size=300), st.sampled_from(["plain", "bold", "spoiler"])),
        max_size=8,
    ),
    st.integers(min_value=1, max_value=600),
)
def test_render_text_never_exceeds_its_limit(parts: list, limit: int) -> None:
    from bot.render.discord import render_text

    spans = tuple(Span(text, style) for text, style in parts)
    out = render_text(spans, limit)
    assert len(out) <= limit
    # Every spoiler marker is paired: a spoiler is never cut open. Escapes are read as
    # Discord reads them: a backslash takes the next character ('\\\\||' ends a spoiler).
    assert re.sub(r"\\.", "", out, flags=re.S).count("||") % 2 == 0
