"""Shared checks that a rendered reply is something Discord or Matrix would accept.

Every limit comes from `bot.constants`; the checks measure the payload themselves rather
than trusting the renderers' own size helpers. Not a test module: the tests import it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from bot.constants import (
    DISCORD_BUTTON_LABEL_MAX,
    DISCORD_BUTTONS_PER_ROW,
    DISCORD_CUSTOM_ID_MAX,
    DISCORD_EMBED_AUTHOR_MAX,
    DISCORD_EMBED_DESCRIPTION_MAX,
    DISCORD_EMBED_FIELD_NAME_MAX,
    DISCORD_EMBED_FIELD_VALUE_MAX,
    DISCORD_EMBED_FIELDS_MAX,
    DISCORD_EMBED_FOOTER_MAX,
    DISCORD_EMBED_TITLE_MAX,
    DISCORD_EMBEDS_PER_MESSAGE,
    DISCORD_EMBEDS_TOTAL_MAX,
    DISCORD_MESSAGE_CONTENT_MAX,
    DISCORD_SELECT_DESCRIPTION_MAX,
    DISCORD_SELECT_LABEL_MAX,
    DISCORD_SELECT_MAX_OPTIONS,
    DISCORD_SELECT_VALUE_MAX,
    MATRIX_ALLOWED_ATTRIBUTES,
    MATRIX_ALLOWED_TAGS,
    MATRIX_BODY_SOFT_MAX_BYTES,
    MATRIX_CONTENT_SOFT_MAX_BYTES,
    MATRIX_EVENT_MAX_BYTES,
    MATRIX_HTML_FORMAT,
    MATRIX_LINE_MAX,
)

# --- Discord ---------------------------------------------------------------------------

# What filmbot sends, plus what discord.py adds itself (tts, attachments, embed flags/type).
PAYLOAD_KEYS = {
    "nonce",  # channel messages (announcements)
    "enforce_nonce",
    "content",
    "embeds",
    "allowed_mentions",
    "flags",
    "components",
    "tts",
    "attachments",
}
EMBED_KEYS = {"title", "description", "color", "fields", "footer", "url", "author", "flags", "type"}
EPHEMERAL = 1 << 6
ACTION_ROW, BUTTON, STRING_SELECT = 1, 2, 3
ACTION_ROWS_MAX = 5
SELECT_PLACEHOLDER_MAX = 150


def _filled(text: Any) -> bool:
    """A string Discord accepts where text is required: not empty, not only whitespace."""
    return isinstance(text, str) and bool(text.strip())


def embed_chars(embed: dict[str, Any]) -> int:
    """What Discord counts toward the 6,000 characters of all embeds of one message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    return size + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def _check_embed(embed: dict[str, Any]) -> None:
    assert isinstance(embed, dict) and set(embed) <= EMBED_KEYS, embed.keys()
    assert any(k in embed for k in ("title", "description", "fields", "footer")), embed
    if "title" in embed:
        assert _filled(embed["title"]), embed
        assert len(embed["title"]) <= DISCORD_EMBED_TITLE_MAX, len(embed["title"])
    if "description" in embed:
        assert _filled(embed["description"]), embed
        assert len(embed["description"]) <= DISCORD_EMBED_DESCRIPTION_MAX
    fields = embed.get("fields", [])
    assert isinstance(fields, list) and len(fields) <= DISCORD_EMBED_FIELDS_MAX, len(fields)
    for field in fields:
        assert set(field) <= {"name", "value", "inline"}, field
        assert _filled(field["name"]), field
        assert _filled(field["value"]), field
        assert len(field["name"]) <= DISCORD_EMBED_FIELD_NAME_MAX, field["name"]
        assert len(field["value"]) <= DISCORD_EMBED_FIELD_VALUE_MAX, len(field["value"])
        assert isinstance(field.get("inline", False), bool)
    if "footer" in embed:
        assert _filled(embed["footer"].get("text")), embed["footer"]
        assert len(embed["footer"]["text"]) <= DISCORD_EMBED_FOOTER_MAX
    if "author" in embed:
        assert _filled(embed["author"].get("name")), embed["author"]
        assert len(embed["author"]["name"]) <= DISCORD_EMBED_AUTHOR_MAX
    if "url" in embed:
        assert re.match(r"https?://\S+$", embed["url"]), embed["url"]
    if "color" in embed:
        assert isinstance(embed["color"], int) and 0 <= embed["color"] <= 0xFFFFFF


def _check_select(menu: dict[str, Any]) -> None:
    assert menu["type"] == STRING_SELECT, menu
    custom_id = menu["custom_id"]
    assert _filled(custom_id) and len(custom_id) <= DISCORD_CUSTOM_ID_MAX, custom_id
    if "placeholder" in menu:
        assert len(menu["placeholder"]) <= SELECT_PLACEHOLDER_MAX
    options = menu["options"]
    assert 1 <= len(options) <= DISCORD_SELECT_MAX_OPTIONS, len(options)
    values = [option["value"] for option in options]
    assert len(set(values)) == len(values), values  # Discord refuses duplicate values
    for option in options:
        assert set(option) <= {"label", "value", "description", "default", "emoji"}, option
        assert _filled(option["label"]), option
        assert len(option["label"]) <= DISCORD_SELECT_LABEL_MAX, option["label"]
        assert _filled(option["value"]) and len(option["value"]) <= DISCORD_SELECT_VALUE_MAX
        if "description" in option:
            assert len(option["description"]) <= DISCORD_SELECT_DESCRIPTION_MAX, option
    low, high = menu.get("min_values", 1), menu.get("max_values", 1)
    assert 0 <= low <= high <= len(options), (low, high, len(options))


def check_discord_payload(payload: dict[str, Any]) -> None:
    """Assert that Discord would accept this message payload (no 400 for any limit)."""
    assert isinstance(payload, dict) and set(payload) <= PAYLOAD_KEYS, payload.keys()
    assert payload.get("allowed_mentions") == {"parse": []}, payload.get("allowed_mentions")
    content = payload.get("content")
    if content is not None:
        assert _filled(content) and len(content) <= DISCORD_MESSAGE_CONTENT_MAX, content
    embeds = payload.get("embeds", [])
    assert isinstance(embeds, list) and len(embeds) <= DISCORD_EMBEDS_PER_MESSAGE, len(embeds)
    assert content or embeds, "Discord refuses a message with neither content nor embeds"
    for embed in embeds:
        _check_embed(embed)
    total = sum(embed_chars(embed) for embed in embeds)
    assert total <= DISCORD_EMBEDS_TOTAL_MAX, total
    if "flags" in payload:
        assert payload["flags"] & ~EPHEMERAL == 0, payload["flags"]
    rows = payload.get("components", [])
    assert len(rows) <= ACTION_ROWS_MAX, len(rows)
    for row in rows:
        assert row["type"] == ACTION_ROW, row
        items = row["components"]
        if any(item["type"] == STRING_SELECT for item in items):
            assert len(items) == 1, row  # a select menu fills its row
            _check_select(items[0])
        else:
            assert 1 <= len(items) <= DISCORD_BUTTONS_PER_ROW, row
            for button in items:
                _check_button(button)


def _check_button(button: dict[str, Any]) -> None:
    assert button["type"] == BUTTON and button["style"] in (1, 2, 3, 4), button
    assert _filled(button.get("label", "")) and len(button["label"]) <= DISCORD_BUTTON_LABEL_MAX, (
        button
    )
    assert 0 < len(button["custom_id"]) <= DISCORD_CUSTOM_ID_MAX, button


def discord_strings(payload: dict[str, Any]) -> list[str]:
    """Every piece of text of a payload a user can see: content, embed titles,
    descriptions, field names and values, footers, menu placeholders and labels."""
    out = [payload.get("content") or ""]
    for embed in payload.get("embeds", []):
        out += [embed.get("title", ""), embed.get("description", "")]
        out += [embed.get("author", {}).get("name", ""), embed.get("footer", {}).get("text", "")]
        for field in embed.get("fields", []):
            out += [field["name"], field["value"]]
    for row in payload.get("components", []):
        for menu in row["components"]:
            out += [menu.get("placeholder", ""), menu.get("label", "")]
            for option in menu.get("options", []):
                out += [option["label"], option.get("description", "")]
    return [text for text in out if text]


def discord_menu_labels(payload: dict[str, Any]) -> list[str]:
    return [
        option["label"]
        for row in payload.get("components", [])
        for menu in row["components"]
        for option in menu["options"]
    ]


# --- Matrix ----------------------------------------------------------------------------

VOID_TAGS = {"br", "hr"}


class MatrixHtml(HTMLParser):
    """Parses a formatted_body, asserting well-formed, allow-listed HTML as it goes, and
    keeps the text inside spoiler spans apart from the text outside them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.outside: list[str] = []
        self.spoilers: list[str] = []
        self.field_names: list[str] = []
        self.feed(html)
        self.close()
        assert not self.open, f"unclosed tags {self.open}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in MATRIX_ALLOWED_TAGS, tag
        allowed = MATRIX_ALLOWED_ATTRIBUTES.get(tag, ())
        assert all(name in allowed for name, _ in attrs), (tag, attrs)
        if tag == "a":
            assert re.match(r"https?://", dict(attrs).get("href") or ""), attrs
        if tag == "span":
            assert attrs == [("data-mx-spoiler", None)], attrs  # spans are spoilers only
            assert "span" not in self.open, "nested spoiler"
            self.spoilers.append("")
        if tag == "b":
            self.field_names.append("")
        self.tags.append(tag)
        if tag in VOID_TAGS:
            self.handle_data("\n")
        else:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in VOID_TAGS, f"<{tag}/> is not a void element"
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID_TAGS, f"</{tag}>"
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if "span" in self.open:
            self.spoilers[-1] += data
        else:
            self.outside.append(data)
        if "b" in self.open:
            self.field_names[-1] += data

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"comment in formatted_body: {data!r}")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError(f"declaration in formatted_body: {decl!r}")

    def handle_pi(self, data: str) -> None:
        raise AssertionError(f"processing instruction in formatted_body: {data!r}")

    @property
    def text(self) -> str:
        """The text a reader sees without revealing any spoiler."""
        return "".join(self.outside)


def _json_bytes(text: str) -> int:
    """Bytes of `text` inside a JSON string at its worst (ASCII escapes)."""
    return len(json.dumps(text)) - 2


def check_matrix_content(content: dict[str, Any]) -> MatrixHtml:
    """Assert that this `m.room.message` content is a notice within every byte budget,
    with only allow-listed, well-formed HTML; returns the parsed formatted_body."""
    assert content["msgtype"] == "m.notice", content.get("msgtype")
    assert content["format"] == MATRIX_HTML_FORMAT
    assert content.get("m.mentions", {}) == {}, content.get("m.mentions")
    body, html = content["body"], content["formatted_body"]
    assert isinstance(body, str) and body.strip(), "empty body"
    assert isinstance(html, str) and html.strip(), "empty formatted_body"
    for ascii_only in (True, False):
        size = len(json.dumps(content, ensure_ascii=ascii_only).encode("utf-8"))
        assert size <= MATRIX_EVENT_MAX_BYTES, size
    for text in (body, html):
        assert len(text.encode("utf-8")) <= MATRIX_BODY_SOFT_MAX_BYTES
        assert _json_bytes(text) <= MATRIX_BODY_SOFT_MAX_BYTES
    assert len(body.encode("utf-8")) + len(html.encode("utf-8")) <= MATRIX_CONTENT_SOFT_MAX_BYTES
    assert _json_bytes(body) + _json_bytes(html) <= MATRIX_CONTENT_SOFT_MAX_BYTES
    # Text only from valid code points: a lone surrogate cannot be sent as UTF-8.
    assert not re.search("[\ud800-\udfff]", body + html)
    parsed = MatrixHtml(html)
    for name in parsed.field_names:  # field names keep filmbot's readability cap
        assert len(name) <= MATRIX_LINE_MAX, name
    return parsed
