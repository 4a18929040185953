"""Matrix rendering: a `Reply` as `m.room.message` content.

`formatted_body` is HTML from the spec's allow-list (no tables, which Element X does not
render, no images); `body` is the plain-text fallback and never holds spoiler text. Cards
are cut as cards (spans, fields) and escaped only afterwards, so a cut can never land
inside a tag or an entity, and a spoiler is kept whole or dropped, never cut open. Sizes
are measured as JSON at its worst (ASCII escapes), against the budgets in `bot.constants`;
what does not fit is dropped with a visible pointer to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.cards import Card, Field, Reply, Span, Text
from bot.constants import (
    MATRIX_BODY_SOFT_MAX_BYTES,
    MATRIX_CONTENT_SOFT_MAX_BYTES,
    MATRIX_DESCRIPTION_MAX,
    MATRIX_FIELD_VALUE_MAX,
    MATRIX_HTML_FORMAT,
    MATRIX_LINE_MAX,
)
from bot.render.fit import MORE, cut_text
from bot.render.safety import ZERO_WIDTH_SPACE, matrix_escape, matrix_link, matrix_spoiler
from bot.render.text import render_card as render_plain_card
from bot.render.text import strip_controls

BULLET = "• "
_STYLE_TAGS = {"bold": "strong", "italic": "em", "code": "code"}
_GAP = ("\n\n", "<hr>")  # between cards: in body, in formatted_body
_ROOM = re.compile(r"@(?=room)", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone halves cannot be encoded as UTF-8
_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Part = tuple[str, str]  # (body, formatted_body) of a card or a note


# --- data text -------------------------------------------------------------------------


def _defuse(text: str) -> str:
    """No '@room' ping (a zero-width space after the '@') and no lone surrogate."""
    return _ROOM.sub("@" + ZERO_WIDTH_SPACE, _SURROGATE.sub("", text))


def _escape(text: str) -> str:
    """Data text as HTML text: controls stripped, every tag and entity shown as typed."""
    return matrix_escape(_defuse(strip_controls(text))).replace("\n", "<br>")


def _link(url: str, label: str) -> str:
    try:
        return matrix_link(_URL_CONTROL.sub("", url), label)
    except ValueError:  # urlsplit refuses some malformed URLs ('http://[x')
        return matrix_escape(label)


def _html_span(span: Span) -> str:
    text = _defuse(strip_controls(span.text))
    if span.style == "spoiler":
        html = matrix_spoiler(text)
    elif span.style == "link" and span.url and text:
        html = _link(span.url, text)
    else:
        html = matrix_escape(text)
        tag = _STYLE_TAGS.get(span.style)
        if tag and html:
            html = f"<{tag}>{html}</{tag}>"
    return html.replace("\n", "<br>")  # URLs hold no newline: only text is touched


def _html_text(spans: Text) -> str:
    return "".join(_html_span(span) for span in spans)


def _lines(spans: Text) -> list[Text]:
    """Spans split at newlines, each span keeping its style."""
    lines: list[list[Span]] = [[]]
    for span in spans:
        first, *rest = span.text.split("\n")
        if first:
            lines[-1].append(replace(span, text=first))
        for piece in rest:
            lines.append([replace(span, text=piece)] if piece else [])
    return [tuple(line) for line in lines]


def _html_field(field: Field) -> str:
    name = f"<b>{_escape(field.name)}</b>:"
    lines = _lines(field.value)
    if all(line and line[0].text.startswith(BULLET) for line in lines):
        items = []
        for first, *rest in lines:
            item = (replace(first, text=first.text[len(BULLET) :]), *rest)
            items.append(f"<li>{_html_text(item)}</li>")
        return f"{name}<ul>{''.join(items)}</ul>"
    if len(lines) > 1:
        return f"{name}<br>{_html_text(field.value)}"
    return f"{name} {_html_text(field.value)}"


def _join(pieces: list[str], gap: int) -> str:
    """Pieces `gap` line breaks apart, one fewer after a list (a block ends its own line)."""
    out = ""
    for piece in pieces:
        if out:
            out += "<br>" * (gap - 1 if out.endswith("</ul>") else gap)
        out += piece
    return out


def _note(count: int, noun: str) -> str:
    return f"{MORE} {count} more {noun}{'' if count == 1 else 's'} not shown"


def render_card(card: Card, hidden_fields: int = 0) -> Part:
    """One card as (body, formatted_body), with a note when fields were left out."""
    body = _defuse(render_plain_card(card, width=None))
    head = ("✗ " if card.kind == "error" else "") + strip_controls(card.title)
    title = _link(card.url, _defuse(head)) if card.url else _escape(head)
    sections = []
    if card.description:
        sections.append(_html_text(card.description))
    if card.fields:
        sections.append(_join([_html_field(field) for field in card.fields], 1))
    if card.footer:
        sections.append(f"<em>{_escape(card.footer)}</em>")
    if hidden_fields:
        note = _note(hidden_fields, "field")
        body += _GAP[0] + note
        sections.append(f"<em>{note}</em>")
    html = f"<strong>{title}</strong>"
    if sections:
        html += "<br>" + _join(sections, 2)
    return body, html


# --- cutting ---------------------------------------------------------------------------


def cut_spans(spans: Text, limit: int) -> Text:
    """At most `limit` characters, ending in '…' when cut; a spoiler goes whole or not at all."""
    if sum(len(span.text) for span in spans) <= limit:
        return spans
    room = limit - len(MORE)
    out: list[Span] = []
    for span in spans:
        if len(span.text) <= room:
            out.append(span)
            room -= len(span.text)
            continue
        if span.style != "spoiler" and room > 0:
            out.append(replace(span, text=cut_text(span.text, room + len(MORE))))
            return tuple(out)
        break
    return (*out, Span(MORE))


def _cut_line(text: str, limit: int = MATRIX_LINE_MAX) -> str:
    return text if len(text) <= limit else text[: limit - len(MORE)] + MORE


def _capped(card: Card) -> Card:
    """The card within filmbot's readability caps (characters, not bytes)."""
    fields = tuple(
        replace(
            field, name=_cut_line(field.name), value=cut_spans(field.value, MATRIX_FIELD_VALUE_MAX)
        )
        for field in card.fields
    )
    return replace(
        card,
        title=_cut_line(card.title),
        description=cut_spans(card.description, MATRIX_DESCRIPTION_MAX),
        fields=fields,
        footer=_cut_line(card.footer) if card.footer else card.footer,
    )


def _largest(count: int, attempt: Callable[[int], Part | None]) -> Part | None:
    """The result of the largest n < count that `attempt` accepts (sizes grow with n)."""
    best, low, high = None, 0, count - 1
    while low <= high:
        middle = (low + high) // 2
        part = attempt(middle)
        if part is None:
            high = middle - 1
        else:
            best, low = part, middle + 1
    return best


def _shrunk(card: Card, fits: Callable[[Part], bool]) -> Part | None:
    """The card cut until `fits`: whole fields dropped from the end, then the description cut."""
    fields = card.fields

    def keep_fields(count: int) -> Part | None:
        part = render_card(replace(card, fields=fields[:count]), len(fields) - count)
        return part if fits(part) else None

    def keep_chars(count: int) -> Part | None:
        cut = replace(card, description=cut_spans(card.description, count), fields=())
        part = render_card(cut, len(fields))
        return part if fits(part) else None

    description = sum(len(span.text) for span in card.description)
    return _largest(len(fields), keep_fields) or _largest(description, keep_chars)


# --- the event -------------------------------------------------------------------------


def json_size(text: str) -> int:
    """Bytes `text` takes as a JSON string's inside, at worst: json.dumps' default ASCII
    escapes (6 or 12 bytes a character) outweigh UTF-8 (2 to 4), so either encoding fits."""
    return len(json.dumps(text)) - 2


def _fits(body: int, html: int) -> bool:
    return (
        body <= MATRIX_BODY_SOFT_MAX_BYTES
        and html <= MATRIX_BODY_SOFT_MAX_BYTES
        and body + html <= MATRIX_CONTENT_SOFT_MAX_BYTES
    )


def _cost(part: Part) -> tuple[int, int]:
    """What a part adds to each body, the gap before the next one included."""
    return json_size(part[0] + _GAP[0]), json_size(part[1] + _GAP[1])


def _cards_note(count: int) -> Part:
    note = _note(count, "card")
    return note, f"<em>{note}</em>"


def _fitted(cards: tuple[Card, ...]) -> list[Part]:
    """Whole cards while they fit, then the first that does not, cut, then a note."""
    parts: list[Part] = []
    used = (0, 0)
    for index, card in enumerate(cards):
        after = len(cards) - index - 1
        note = _cost(_cards_note(after)) if after else (0, 0)

        def fits(part: Part, before: tuple[int, int] = used, note: tuple[int, int] = note) -> bool:
            body, html = _cost(part)
            gap = _cost(("", ""))  # the last part has no gap after it
            return _fits(before[0] + body + note[0] - gap[0], before[1] + html + note[1] - gap[1])

        card = _capped(card)
        part = render_card(card)
        if fits(part):
            parts.append(part)
            body, html = _cost(part)
            used = (used[0] + body, used[1] + html)
            continue
        part = _shrunk(card, fits)
        if part is not None:
            parts.append(part)
        hidden = len(cards) - len(parts)
        if hidden:
            parts.append(_cards_note(hidden))
        break
    return parts


def render_reply(reply: Reply) -> dict[str, Any]:
    """`m.room.message` content for the reply: a notice, mentions off.

    `reply.ephemeral` has no Matrix equivalent and `reply.choices` are already listed in
    the cards' text, so both are left alone here.
    """
    parts = _fitted(reply.cards)
    return {
        "msgtype": "m.notice",
        "body": _GAP[0].join(body for body, _ in parts),
        "format": MATRIX_HTML_FORMAT,
        "formatted_body": _GAP[1].join(html for _, html in parts),
        "m.mentions": {},
    }
