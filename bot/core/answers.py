"""The commands themselves: each resolves what was asked and returns cards.

Card layout lives in `bot.core.film_cards`; this module is the command table.
"""

from __future__ import annotations

import re

from bot import __version__
from bot.constants import ECHO_MAX
from bot.core.cards import Card, Field, Reply, error, plain
from bot.core.commands import CommandTable
from bot.core.engine import Context, Core, shorten
from bot.core.film_cards import edition_card, film_card
from bot.store import films

COMMANDS = CommandTable()

# Trailing words of `edition <title> [format] [label]` that filter rather than name.
_FORMATS = {
    "dvd": "DVD",
    "bluray": "Blu-ray",
    "blu-ray": "Blu-ray",
    "bd": "Blu-ray",
    "4k": "4K UHD",
    "uhd": "4K UHD",
    "4k-uhd": "4K UHD",
}
_LABEL_WORDS = {"criterion": "The Criterion Collection"}
MAX_EDITION_CARDS = 3


@COMMANDS.command(
    "film",
    "<title> [year]",
    "A film's card: year, director, writers, cast, runtime, country, genres and editions.",
    "film The Cranes Are Flying",
    "film Solaris (1972)",
    "film solaris 2002",
    takes_film=True,
    needs_args=True,
    aliases=("movie",),
)
async def film(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    if film_id is None:
        resolved = await core.resolve_film(args, ctx, "film", args)
        if isinstance(resolved, Reply):
            return resolved
        film_id = resolved
    details = await films.film_details(core.db, film_id)
    if details is None:
        return error("Film not found", "That film is no longer in the catalog.")
    return Reply((film_card(details),))


def split_edition_filters(args: str) -> tuple[str, str | None, str | None]:
    """Split trailing filter words off a title.

    'seven samurai blu-ray criterion' -> ('seven samurai', 'Blu-ray', 'The Criterion Collection')
    """
    words = args.split()
    fmt = label = None
    while len(words) > 1:
        last = re.sub(r"[^\w-]", "", words[-1].lower())
        if fmt is None and last in _FORMATS:
            fmt = _FORMATS[last]
        elif label is None and last in _LABEL_WORDS:
            label = _LABEL_WORDS[last]
        else:
            break
        words.pop()
    return " ".join(words), fmt, label


@COMMANDS.command(
    "edition",
    "<title> [format] [label]",
    "The home-video editions of a film: label and spine, format, specs and special features.",
    "edition The Cranes Are Flying",
    "edition seven samurai criterion",
    takes_film=True,
    needs_args=True,
    aliases=("editions",),
)
async def edition(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    title, fmt, label = split_edition_filters(args)
    if title.lower().strip(" -") in _FORMATS or title.lower() in _LABEL_WORDS:
        return core.commands.usage_reply(
            core.commands.get("edition"), ctx.prefix, problem="Which film? Give its title first."
        )
    if film_id is None:
        resolved = await core.resolve_film(title, ctx, "edition", args)
        if isinstance(resolved, Reply):
            return resolved
        film_id = resolved
    details = await films.film_details(core.db, film_id)
    if details is None:
        return error("Film not found", "That film is no longer in the catalog.")
    candidates = [
        e
        for e in details.editions + details.boxsets
        if (fmt is None or e.format == fmt) and (label is None or e.label == label)
    ]
    name = details.summary.label
    if not candidates:
        wanted = " ".join(x for x in (label, fmt) if x)
        known = ", ".join(e.name for e in details.editions + details.boxsets) or "none yet"
        what = f"No {wanted} edition" if wanted else "No edition"
        return error(
            f"{what} of {name}",
            f"Editions known for {name}: {known}.",
            hint=f"{ctx.prefix}film {details.summary.title} shows the film itself.",
        )
    # The editions the database knows most about come first.
    loaded = [d for d in [await films.edition_details(core.db, e.id) for e in candidates] if d]
    loaded.sort(key=lambda d: -(len(d.specs) + len(d.features) + len(d.reviews)))
    cards = [edition_card(d, film=details.summary) for d in loaded[:MAX_EDITION_CARDS]]
    if len(loaded) > MAX_EDITION_CARDS:
        rest = ", ".join(d.summary.name for d in loaded[MAX_EDITION_CARDS:])
        cards.append(Card(f"More editions of {name}", plain(rest)))
    return Reply(tuple(cards))


@COMMANDS.command(
    "pick", "<number>", "Choose from the list I just showed you.", "pick 2", needs_args=True
)
async def pick(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    return await core.pick(ctx, args.strip())


@COMMANDS.command(
    "help", "[command]", "This list, or how to use one command.", "help film", aliases=("commands",)
)
async def help_(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    words = args.lstrip("!/").split()
    if words:
        command = core.commands.get(words[0])
        if command is None:
            return core.commands.help_reply(
                ctx.prefix,
                intro=f"There is no command {ctx.prefix}{shorten(words[0], ECHO_MAX)}. "
                "These are the ones I know:",
            )
        return core.commands.usage_reply(command, ctx.prefix)
    return core.commands.help_reply(ctx.prefix)


@COMMANDS.command("about", "", "What filmbot knows and where its data comes from.", "about")
async def about(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    counts = await films.catalog_counts(core.db)
    sources = await films.source_names(core.db)
    fields = (
        Field(
            "Catalog",
            plain(
                f"{counts.get('films', 0):,} films · {counts.get('people', 0):,} people · "
                f"{counts.get('editions', 0):,} editions · {counts.get('boxsets', 0):,} box sets · "
                f"{counts.get('reviews', 0):,} reviews"
            ),
        ),
        Field(
            "Data",
            plain(
                "Films: Wikidata (CC0). Editions: the Criterion Collection list, compiled by the "
                "R package criterioncollection from criterion.com (GPL-3)."
            ),
        ),
        Field("Sources imported", plain(", ".join(sources) or "none")),
    )
    return Reply(
        (Card(f"filmbot {__version__}", plain("A chat bot for films and their editions."), fields),)
    )
