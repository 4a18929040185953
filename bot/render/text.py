"""Terminal rendering: readable plain text, spoilers hidden unless asked to reveal.

Chat renderers reuse it for their plain-text fallbacks with `width=None` (no hard wrap:
chat clients wrap themselves).
"""

from __future__ import annotations

import re
import textwrap

from bot.cards import Card, Reply, Text
from bot.constants import TERMINAL_WIDTH

# C0/C1 control characters (ANSI escapes among them) never reach the terminal from data.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SPOILER_HIDDEN = "[spoiler hidden]"


def strip_controls(text: str) -> str:
    """`text` without C0/C1 control characters (tab and newline kept)."""
    return _CONTROL.sub("", text)


def render_spans(spans: Text, *, reveal: bool = False) -> str:
    out: list[str] = []
    hidden_at = -1  # index in `out` of the last hidden-spoiler marker
    for span in spans:
        text = strip_controls(span.text)
        if span.style == "spoiler" and not reveal:
            # A long spoiler comes in pieces: one marker for the run, not one per piece.
            if hidden_at >= 0 and all(not piece.strip() for piece in out[hidden_at + 1 :]):
                del out[hidden_at + 1 :]
                continue
            hidden_at = len(out)
            out.append(SPOILER_HIDDEN)
        elif span.style == "spoiler":
            out.append(f"[spoiler: {text}]")
        elif span.style == "link" and span.url:
            out.append(f"{text} <{strip_controls(span.url)}>")
        else:
            out.append(text)
    return "".join(out)


def _wrap(text: str, indent: str = "", width: int | None = TERMINAL_WIDTH) -> str:
    lines = []
    for paragraph in text.split("\n"):
        if not paragraph:
            lines.append("")
        elif width is None:
            lines.append(indent + paragraph)
        else:
            lines.append(
                textwrap.fill(
                    paragraph,
                    width,
                    initial_indent=indent,
                    subsequent_indent=indent,
                    break_on_hyphens=False,
                )
            )
    return "\n".join(lines)


def render_card(card: Card, *, reveal: bool = False, width: int | None = TERMINAL_WIDTH) -> str:
    """One card as text, wrapped to `width` columns (None: not wrapped)."""
    title = strip_controls(card.title)
    if card.kind == "error":
        head = [f"✗ {title}"]
    else:
        head = [title, "=" * (len(title) if width is None else min(len(title), width))]
    parts = ["\n".join(head)]
    if card.description:
        parts.append(_wrap(render_spans(card.description, reveal=reveal), width=width))
    body = []
    for field in card.fields:
        value = render_spans(field.value, reveal=reveal)
        name = strip_controls(field.name)
        if "\n" in value or (width is not None and len(name) + len(value) + 2 > width):
            body.append(f"{name}:\n{_wrap(value, '  ', width)}")
        else:
            body.append(f"{name}: {value}")
    if body:
        parts.append("\n".join(body))
    if card.footer:
        parts.append(f"— {strip_controls(card.footer)}")
    return "\n\n".join(parts)


def render_reply(reply: Reply, *, reveal: bool = False, width: int | None = TERMINAL_WIDTH) -> str:
    return "\n\n".join(render_card(card, reveal=reveal, width=width) for card in reply.cards)
