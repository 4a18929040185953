"""Terminal rendering: readable plain text, spoilers hidden unless asked to reveal."""

from __future__ import annotations

import re
import textwrap

from bot.constants import TERMINAL_WIDTH
from bot.core.cards import Card, Reply, Text

# C0/C1 control characters (ANSI escapes among them) never reach the terminal from data.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SPOILER_HIDDEN = "[spoiler hidden]"


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def render_spans(spans: Text, *, reveal: bool = False) -> str:
    out = []
    for span in spans:
        text = _clean(span.text)
        if span.style == "spoiler":
            out.append(f"[spoiler: {text}]" if reveal else SPOILER_HIDDEN)
        elif span.style == "link" and span.url:
            out.append(f"{text} <{_clean(span.url)}>")
        else:
            out.append(text)
    return "".join(out)


def _wrap(text: str, indent: str = "") -> str:
    lines = []
    for paragraph in text.split("\n"):
        lines.append(
            textwrap.fill(
                paragraph,
                TERMINAL_WIDTH,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
            )
            if paragraph
            else ""
        )
    return "\n".join(lines)


def render_card(card: Card, *, reveal: bool = False) -> str:
    title = _clean(card.title)
    if card.kind == "error":
        head = [f"✗ {title}"]
    else:
        head = [title, "=" * min(len(title), TERMINAL_WIDTH)]
    parts = ["\n".join(head)]
    if card.description:
        parts.append(_wrap(render_spans(card.description, reveal=reveal)))
    body = []
    for field in card.fields:
        value = render_spans(field.value, reveal=reveal)
        name = _clean(field.name)
        if "\n" in value or len(name) + len(value) + 2 > TERMINAL_WIDTH:
            body.append(f"{name}:\n{_wrap(value, '  ')}")
        else:
            body.append(f"{name}: {value}")
    if body:
        parts.append("\n".join(body))
    if card.footer:
        parts.append(f"— {_clean(card.footer)}")
    return "\n\n".join(parts)


def render_reply(reply: Reply, *, reveal: bool = False) -> str:
    return "\n\n".join(render_card(card, reveal=reveal) for card in reply.cards)
