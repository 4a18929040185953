"""What the core answers with: cards made of styled spans, never platform markup.

Renderers (terminal now; Discord and Matrix in their issues) turn a `Reply` into their
own format and do all escaping there, so data text is never trusted as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


def error(title: str, message: str, *, hint: str | None = None) -> Reply:
    fields = (Field("Try", plain(hint)),) if hint else ()
    return Reply((Card(title, plain(message), fields, kind="error"),), ephemeral=True)
