"""Making data text safe for each chat platform, for the renderers.

Text in cards comes from documents and users. Before it reaches Discord it must not
format (markdown), ping (`@everyone`, `<@id>`, `<@&role>`), advertise (invite links) or
close a spoiler early (`||`); before it reaches Matrix it must not carry HTML, and links
may only be http(s). Mentions are also switched off at send time (`allowed_mentions`);
escaping them here keeps the text from even looking like a mention.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from bot.render.text import strip_controls

ZERO_WIDTH_SPACE = "\u200b"

# Characters Discord markdown gives a meaning to anywhere in a line (with [ ] escaped,
# parentheses cannot form a masked link, so they stay as they are).
_DISCORD_MARKDOWN = re.compile(r"([\\*_~`|\[\]<>])")
# Line starts that make headings, quotes, lists or subtext ("# ", "-# ", "- ", "1. ").
_DISCORD_LINE_START = re.compile(r"(?m)^(\s*)(#{1,3}(?=\s)|-#|[>\-+](?=\s)|\d+\.(?=\s))")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
_INVITE = re.compile(
    r"(discord(?:app)?\.(?:gg|io|me|li|com/invite)|discord\.com/invite)/", re.IGNORECASE
)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match[2]
    if marker.endswith("."):  # "1. " lists: escape the dot, a backslash before a digit shows
        return match[1] + marker[:-1] + "\\."
    return match[1] + "\\" + marker


def discord_escape(text: str) -> str:
    """Plain text for Discord: no control characters (NUL, ESC, C1), no markdown, no
    mentions, no clickable invites."""
    text = _DISCORD_MARKDOWN.sub(r"\\\1", strip_controls(text))
    text = _DISCORD_LINE_START.sub(_escape_line_start, text)
    return discord_defuse(text)


def discord_defuse(text: str) -> str:
    """Text for places Discord shows without markdown (footers, menus): mass mentions and
    user/role mention syntax broken with a zero-width space, invites made unclickable.
    Control characters go first, so none can hide a mention ('@\\x00everyone')."""
    text = _MASS_MENTION.sub(lambda m: "@" + ZERO_WIDTH_SPACE + m[1], strip_controls(text))
    text = _MENTION.sub(lambda m: "<" + ZERO_WIDTH_SPACE + m[0][1:], text)
    return _INVITE.sub(lambda m: m[1] + ZERO_WIDTH_SPACE + "/", text)


def discord_url(url: str) -> str | None:
    """An http(s) URL safe inside a markdown link, or None (then only the label shows):
    no whitespace or control characters, no markdown or mention syntax, no invites."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if _INVITE.search(url) or re.search(r"[\s\x00-\x1f\x7f-\x9f<>|\[\]()`*_~\\]", url):
        return None
    return url


def discord_spoiler(text: str) -> str:
    """`||text||` whose inside can neither close the spoiler nor format or ping."""
    return f"||{discord_escape(text)}||" if text else ""


def matrix_escape(text: str) -> str:
    """Text for a Matrix `formatted_body`: every tag and entity shown, not interpreted."""
    return html.escape(text, quote=True)


def matrix_link(url: str, label: str) -> str:
    """An `<a>` for http(s) URLs only; anything else (javascript:, data:) stays text."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return matrix_escape(label)
    return f'<a href="{matrix_escape(url.strip())}">{matrix_escape(label)}</a>'


def matrix_spoiler(text: str) -> str:
    """A Matrix spoiler span around escaped text."""
    return f"<span data-mx-spoiler>{matrix_escape(text)}</span>" if text else ""
