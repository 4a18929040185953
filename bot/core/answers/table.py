"""The command table every answer registers on, and the argument words they share."""

from __future__ import annotations

import re

from bot.cards import Reply, error
from bot.core.commands import CommandTable
from bot.core.engine import Context, Core
from bot.models import FilmDetails
from bot.store import films
from bot.text import fold
from bot.words import FORMATS, LABEL_WORDS, bare_word, join_format_words

COMMANDS = CommandTable()

_LABEL_OPTION = re.compile(r"\s+label:\s*(?P<label>.+)$", re.I)


def split_edition_filters(args: str) -> tuple[str, str | None, str | None]:
    """Split trailing filter words off a title.

    'seven samurai blu-ray criterion' -> ('seven samurai', 'Blu-ray', 'The Criterion Collection');
    any label by part of its name: 'seven samurai label:masters of cinema'.
    """
    fmt = label = None
    args = join_format_words(args)
    if match := _LABEL_OPTION.search(args):
        label = " ".join(match["label"].split())
        args = args[: match.start()]
    words = args.split()
    while len(words) > 1:
        last = bare_word(words[-1])
        if fmt is None and last in FORMATS:
            fmt = FORMATS[last]
        elif label is None and last in LABEL_WORDS:
            label = LABEL_WORDS[last]
        else:
            break
        words.pop()
    return " ".join(words), fmt, label


def label_matches(name: str | None, wanted: str) -> bool:
    """'criterion' matches 'The Criterion Collection': every word, any order."""
    have = fold(name or "")
    return all(word in have for word in fold(wanted).split())


async def film_details_for(
    core: Core, ctx: Context, command: str, title: str, args: str, film_id: int | None
) -> FilmDetails | Reply:
    """The film a command is about: the one already chosen (a pick, a menu, an
    autocomplete id) or the one the title names; else the reply that asks which."""
    if film_id is None:
        resolved = await core.resolve_film(title, ctx, command, args)
        if isinstance(resolved, Reply):
            return resolved
        film_id = resolved
    details = await films.film_details(core.db, film_id)
    if details is None:
        return error("Film not found", "That film is no longer in the catalog.")
    return details
