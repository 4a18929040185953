"""Hostile text made safe for Discord and Matrix (groundwork for the renderers)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.render.safety import (
    ZERO_WIDTH_SPACE,
    discord_escape,
    discord_spoiler,
    matrix_escape,
    matrix_link,
    matrix_spoiler,
)


def test_discord_mentions_invites_and_markdown_are_neutralised() -> None:
    out = discord_escape("hi @everyone and @HERE, <@123> <@!4> <@&5> <#6>")
    assert "@everyone" not in out and "@HERE" not in out
    assert f"@{ZERO_WIDTH_SPACE}everyone" in out
    assert "<@" not in out.replace("\\<@", "")  # every < is escaped
    out = discord_escape("join discord.gg/abc or https://discord.com/invite/xyz")
    assert "discord.gg/" not in out and "discord.com/invite/" not in out
    out = discord_escape("**bold** _it_ `code` ~~s~~ [link](http://x)")
    assert "**" not in out.replace("\\*", "")
    assert discord_escape("# heading\n> quote\n- item") == "\\# heading\n\\> quote\n\\- item"


def test_discord_spoiler_cannot_be_closed_early() -> None:
    out = discord_spoiler("Boris dies|| @everyone ||more")
    assert out.startswith("||") and out.endswith("||")
    inner = out[2:-2]
    assert "||" not in inner.replace("\\|", "")
    assert "@everyone" not in inner


def test_matrix_html_is_escaped_and_links_are_http_only() -> None:
    assert matrix_escape('<img src=x onerror="alert(1)">') == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )
    assert matrix_link("javascript:alert(1)", "click") == "click"
    assert matrix_link("data:text/html,x", "<b>") == "&lt;b&gt;"
    assert matrix_link("https://example.org/a?b=1&c=2", "ok") == (
        '<a href="https://example.org/a?b=1&amp;c=2">ok</a>'
    )
    assert matrix_spoiler("</span><b>x</b>") == (
        "<span data-mx-spoiler>&lt;/span&gt;&lt;b&gt;x&lt;/b&gt;</span>"
    )


@given(st.text(max_size=200))
def test_any_text_stays_inside_its_spoiler(text: str) -> None:
    discord = discord_spoiler(text)
    if text:
        inner = discord[2:-2]
        assert not re.search(r"(?<!\\)\|", inner)  # no unescaped pipe at all
        assert not re.search(r"@(everyone|here)", inner, re.IGNORECASE)
    matrix = matrix_spoiler(text)
    if text:
        inner = matrix[len("<span data-mx-spoiler>") : -len("</span>")]
        assert "<" not in inner and ">" not in inner
