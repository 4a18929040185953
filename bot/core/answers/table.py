"""The command table every answer registers on, and the options they share."""

from __future__ import annotations

from typing import Any

from bot.cards import Reply, error
from bot.core.commands import CommandTable, Option
from bot.core.engine import Core
from bot.core.request import Request
from bot.models import FilmDetails
from bot.store import films
from bot.text import fold
from bot.words import FORMATS, LABEL_WORDS, join_format_words

COMMANDS = CommandTable()

# The formats a Discord menu offers; typed, any word of FORMATS works.
FORMAT_CHOICES = (("DVD", "dvd"), ("Blu-ray", "blu-ray"), ("4K UHD", "4k"))
TITLE_MAX = 200  # what a title option accepts
WORDS_MAX = 100  # what a label, source or filter option accepts


def title_option(description: str = "The film's title", usage: str = "") -> Option:
    return Option(
        "title", "title", description, required=True, usage=usage, minimum=1, maximum=TITLE_MAX
    )


def format_option(description: str, syntax: str = "end") -> Option:
    return Option(
        "format",
        "text",
        description,
        syntax=syntax,  # type: ignore[arg-type]
        choices=FORMAT_CHOICES,
        words=FORMATS,
        phrases=join_format_words,
        usage="[format]",
    )


def label_matches(name: str | None, wanted: str) -> bool:
    """'criterion' matches 'The Criterion Collection': every word, any order."""
    have = fold(name or "")
    return all(word in have for word in fold(wanted).split())


async def film_details_for(
    core: Core,
    req: Request,
    command: str,
    title: str,
    values: dict[str, Any],
    film_id: int | None,
) -> FilmDetails | Reply:
    """The film a command is about: the one already chosen (a pick, a menu, an
    autocomplete id) or the one the title names; else the reply that asks which (its
    answer runs `command` again with the same option `values`)."""
    if film_id is None:
        resolved = await core.resolve_film(title, req, command, values)
        if isinstance(resolved, Reply):
            return resolved
        film_id = resolved
    details = await films.film_details(core.db, film_id)
    if details is None:
        return error("Film not found", "That film is no longer in the catalog.")
    return details


__all__ = ["COMMANDS", "FORMATS", "LABEL_WORDS", "film_details_for", "label_matches"]
