"""Discord rendering: a `Reply` as a message payload of embeds.

Every piece of data text is escaped (`bot.render.safety`), its control characters (NUL,
ESC, C1) dropped as the other renderers do; every Discord limit comes from
`bot.constants`. Text that does not fit is cut at a span boundary where possible, with a
visible '…' and, for the message as a whole, a footer pointing to the rest, so Discord
never answers 400. A spoiler is never cut open: it is dropped whole rather than halved.
"""

from __future__ import annotations

from typing import Any

from bot.cards import Card, Choice, Reply, Text
from bot.constants import (
    DISCORD_EMBED_DESCRIPTION_MAX,
    DISCORD_EMBED_FIELD_NAME_MAX,
    DISCORD_EMBED_FIELD_VALUE_MAX,
    DISCORD_EMBED_FIELDS_MAX,
    DISCORD_EMBED_FOOTER_MAX,
    DISCORD_EMBED_TITLE_MAX,
    DISCORD_EMBEDS_PER_MESSAGE,
    DISCORD_EMBEDS_TOTAL_MAX,
    DISCORD_SELECT_LABEL_MAX,
    DISCORD_SELECT_MAX_OPTIONS,
    DISCORD_SELECT_VALUE_MAX,
)
from bot.render.fit import MORE, cut_text
from bot.render.safety import discord_defuse, discord_escape, discord_spoiler, discord_url
from bot.render.text import strip_controls

EPHEMERAL_FLAG = 1 << 6
# The select menu of a disambiguation; its values are the choices' ids ('film:123').
PICK_CUSTOM_ID = "filmbot:pick"
ACTION_ROW, STRING_SELECT = 1, 3
COLOURS = {"info": 0x5865F2, "help": 0x57F287, "choices": 0xFEE75C, "error": 0xED4245}


def _span(text: str, style: str, url: str | None) -> str:
    if style == "spoiler":
        return discord_spoiler(text)
    safe = discord_escape(text)
    if not safe:
        return ""
    if style == "bold":
        return f"**{safe}**"
    if style == "italic":
        return f"*{safe}*"
    if style == "code":
        return safe  # escaped text shows as typed; backticks inside cannot break out
    if style == "link" and url and (target := discord_url(url)):
        return f"[{safe}]({target})"
    return safe


def render_text(spans: Text, limit: int) -> str:
    """Spans as Discord markdown in at most `limit` characters, '…' when cut. Plain text
    is cut; a styled piece (a spoiler, a link, bold) goes whole or not at all."""
    out: list[tuple[str, bool]] = []  # (markdown, is plain text)
    used = 0
    for span in spans:
        piece = _span(span.text, span.style, span.url)
        if used + len(piece) <= limit:
            out.append((piece, span.style == "plain"))
            used += len(piece)
            continue
        out.append((piece, span.style == "plain"))
        used += len(piece)
        # Give back from the end until the '…' fits: cut the last plain piece if that is
        # enough, else drop whole pieces.
        while out:
            last, is_plain = out.pop()
            used -= len(last)
            room = limit - used
            if is_plain and room > len(MORE):
                return "".join(p for p, _ in out) + _ending(last, room)
            if room >= len(MORE):
                break
        return "".join(p for p, _ in out) + MORE
    return "".join(p for p, _ in out)


def _ending(text: str, room: int) -> str:
    """`text` followed by a visible cut, in at most `room` characters."""
    if len(text) > room:
        return cut_text(text, room)
    if len(text) + len(MORE) <= room:
        return text + MORE
    return text[: room - len(MORE)].rstrip("\\") + MORE


def _cut(text: str, limit: int) -> str:
    return cut_text(discord_escape(text), limit)


def render_card(
    card: Card,
    *,
    description_max: int = DISCORD_EMBED_DESCRIPTION_MAX,
    fields_max: int = DISCORD_EMBED_FIELDS_MAX,
) -> dict[str, Any]:
    """One embed; fields past `fields_max` are left out and counted in the footer."""
    title = _cut(card.title, DISCORD_EMBED_TITLE_MAX)
    embed: dict[str, Any] = {
        "title": title if title.strip() else "—",
        "color": COLOURS.get(card.kind, COLOURS["info"]),
    }
    description = render_text(card.description, description_max) if card.description else ""
    if description.strip():  # Discord refuses blank text anywhere in an embed
        embed["description"] = description
    fields = []
    for field in card.fields[:fields_max]:
        value = render_text(field.value, DISCORD_EMBED_FIELD_VALUE_MAX)
        name = _cut(field.name, DISCORD_EMBED_FIELD_NAME_MAX)
        fields.append(
            {
                "name": name if name.strip() else "—",
                "value": value if value.strip() else "—",
                "inline": field.inline,
            }
        )
    if fields:
        embed["fields"] = fields
    footer = card.footer or ""
    hidden = len(card.fields) - len(fields)
    if hidden > 0:
        note = f"{MORE} {hidden} more field{'s' if hidden != 1 else ''} not shown"
        footer = f"{footer} · {note}" if footer else note
    footer = cut_text(discord_defuse(footer), DISCORD_EMBED_FOOTER_MAX)
    if footer.strip():  # footers show no markdown: nothing to escape but pings and invites
        embed["footer"] = {"text": footer}
    return embed


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward its 6,000 per message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    return size + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def fit_card(card: Card, room: int) -> dict[str, Any] | None:
    """The card as an embed of at most `room` characters, or None if not even its title
    and footer fit. A long description is shortened first (it would crowd out every
    field), down to a third of the room; then fields go from the end, counted."""
    embed = render_card(card)
    if embed_size(embed) <= room:
        return embed
    description = len(embed.get("description", ""))
    rest = embed_size(embed) - description
    description_max = max(room - rest, min(description, room // 3), len(MORE))
    fields_max = min(len(card.fields), DISCORD_EMBED_FIELDS_MAX)
    while True:
        embed = render_card(card, description_max=description_max, fields_max=fields_max)
        if embed_size(embed) <= room:
            return embed
        if fields_max == 0:
            break
        fields_max -= 1
    # Even without fields it is too big: the description takes what is left.
    bare = render_card(card, description_max=len(MORE), fields_max=0)
    left = room - embed_size(bare) + len(bare.get("description", ""))
    if left < len(MORE):
        return None
    embed = render_card(card, description_max=left, fields_max=0)
    return embed if embed_size(embed) <= room else None


def render_reply(reply: Reply) -> dict[str, Any]:
    """The message payload: embeds within every limit, mentions off, ephemeral when asked."""
    embeds: list[dict[str, Any]] = []
    total = 0
    for card in reply.cards[:DISCORD_EMBEDS_PER_MESSAGE]:
        embed = fit_card(card, DISCORD_EMBEDS_TOTAL_MAX - total)
        if embed is None:
            break
        embeds.append(embed)
        total += embed_size(embed)
        if total >= DISCORD_EMBEDS_TOTAL_MAX:
            break
    payload: dict[str, Any] = {"embeds": embeds, "allowed_mentions": {"parse": []}}
    if len(embeds) < len(reply.cards):
        hidden = len(reply.cards) - len(embeds)
        payload["content"] = f"{MORE} {hidden} more card{'s' if hidden != 1 else ''} not shown."
    if reply.choices:
        payload["components"] = [select_menu(reply.choices)]
    if reply.ephemeral:
        payload["flags"] = EPHEMERAL_FLAG
    return payload


def select_menu(choices: tuple[Choice, ...]) -> dict[str, Any]:
    """An action row with one select menu: 'Title (Year) · Director' labels, id values.
    Labels are not markdown in a menu, so they are only cut to size, not escaped."""
    options = [
        {
            "label": _cut_plain(choice.label, DISCORD_SELECT_LABEL_MAX),
            "value": choice.id[:DISCORD_SELECT_VALUE_MAX],
        }
        for choice in choices[:DISCORD_SELECT_MAX_OPTIONS]
    ]
    menu = {
        "type": STRING_SELECT,
        "custom_id": PICK_CUSTOM_ID,
        "placeholder": "Choose one",
        "options": options,
        "min_values": 1,
        "max_values": 1,
    }
    return {"type": ACTION_ROW, "components": [menu]}


def _cut_plain(text: str, limit: int) -> str:
    return cut_text(" ".join(strip_controls(text).split()) or "—", limit)
