"""What the core answers with: cards made of styled spans, never platform markup.

Renderers (terminal, Discord, Matrix) turn a `Reply` into their own format and do all
escaping there, so data text is never trusted as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.constants import SPOILER_PIECE_MAX
from bot.text import sentences

Style = Literal["plain", "bold", "italic", "code", "spoiler", "link"]
CardKind = Literal["info", "help", "choices", "error"]


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = "plain"
    url: str | None = None


Text = tuple[Span, ...]


def plain(text: str) -> Text:
    return (Span(text),)


@dataclass(frozen=True)
class Field:
    name: str
    value: Text
    inline: bool = False


@dataclass(frozen=True)
class Card:
    title: str
    description: Text = ()
    fields: tuple[Field, ...] = ()
    footer: str | None = None
    kind: CardKind = "info"
    url: str | None = None


@dataclass(frozen=True)
class Choice:
    """One option of a disambiguation: a stable id plus what the user sees."""

    id: str  # 'film:123', stable across restarts
    label: str  # 'Title (Year) · Director'


@dataclass(frozen=True)
class Reply:
    cards: tuple[Card, ...]
    choices: tuple[Choice, ...] = ()
    ephemeral: bool = False  # errors and help: only the asker needs to see them
    question: str | None = None  # the open question `choices` answer (menus pass it back)


def spoiler(text: str, piece_max: int = SPOILER_PIECE_MAX) -> Text:
    """Spoiler text as spoiler spans of at most `piece_max` characters, split between
    sentences (or words), so a renderer short of room drops whole pieces, never cuts one."""
    pieces: list[str] = []
    for sentence in sentences(text) or [text]:
        while len(sentence) > piece_max:
            cut = sentence.rfind(" ", 0, piece_max)
            cut = cut if cut > 0 else piece_max
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if pieces and len(pieces[-1]) + 1 + len(sentence) <= piece_max:
            pieces[-1] += " " + sentence
        elif sentence:
            pieces.append(sentence)
    spans: list[Span] = []
    for piece in pieces:
        if spans:
            spans.append(Span(" "))
        spans.append(Span(piece, "spoiler"))
    return tuple(spans)


def error(title: str, message: str, *, hint: str | None = None) -> Reply:
    fields = (Field("Try", plain(hint)),) if hint else ()
    return Reply((Card(title, plain(message), fields, kind="error"),), ephemeral=True)
