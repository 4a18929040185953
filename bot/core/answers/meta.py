"""`pick`, `help` and `about`: answering a list, explaining the bot, saying what it knows."""

from __future__ import annotations

from bot import __version__
from bot.cards import Card, Field, Reply, plain
from bot.constants import ECHO_MAX
from bot.core.answers.table import COMMANDS
from bot.core.commands import Option
from bot.core.engine import Core, shorten
from bot.core.request import Request
from bot.store import coverage, films

# Catalog files as people know them.
_SOURCE_NAMES = {
    "wikidata_films.csv.gz": "Wikidata",
    "wikipedia_us_films.csv.gz": "Wikipedia lists",
    "cannes_films.csv.gz": "Cannes",
    "criterion.csv.gz": "Criterion list",
    "boxsets.csv.gz": "Criterion box sets",
}


@COMMANDS.command(
    "pick",
    "Choose from the list I just showed you.",
    "pick 2",
    options=(
        Option("number", "number", "The number in the list", required=True, minimum=1, maximum=25),
        # Which list a menu's choice answers: menus only.
        Option("question", "text", "", syntax="key", hidden=True),
    ),
)
async def pick(core: Core, req: Request, *, number: int | str, question: str | None) -> Reply:
    return await core.pick(req, str(number).strip(), question)


@COMMANDS.command(
    "help",
    "This list, or how to use one command.",
    "help film",
    options=(Option("command", "command", "Explain one command", minimum=1, maximum=50),),
    aliases=("commands",),
    group="admin",
)
async def help_(core: Core, req: Request, *, command: str) -> Reply:
    words = command.lstrip("!/").split()
    if words:
        found = core.commands.get(words[0])
        if found is None:
            return core.commands.help_reply(
                req.prefix,
                intro=f"There is no command {req.prefix}{shorten(words[0], ECHO_MAX)}. "
                "These are the ones I know:",
            )
        return core.commands.usage_reply(found, req.prefix)
    return core.commands.help_reply(req.prefix)


@COMMANDS.command(
    "about", "What filmbot knows and where its data comes from.", "about", group="admin"
)
async def about(core: Core, req: Request) -> Reply:
    counts = await films.catalog_counts(core.db)
    sources = await films.source_names(core.db)
    eras = await coverage.films_by_era(core.db)
    by_source = await coverage.films_by_catalog_source(core.db)
    fields = (
        Field(
            "Catalog",
            plain(
                f"{counts.get('films', 0):,} films · {counts.get('people', 0):,} people · "
                f"{counts.get('editions', 0):,} editions · {counts.get('boxsets', 0):,} box sets · "
                f"{counts.get('reviews', 0):,} reviews"
            ),
        ),
        Field("Films by era", plain(" · ".join(f"{era}: {n:,}" for era, n in eras))),
        Field(
            "Films by source",
            plain(" · ".join(f"{_SOURCE_NAMES.get(name, name)}: {n:,}" for name, n in by_source)),
        ),
        Field(
            "Data",
            plain(
                "Films: Wikidata (CC0); the Cannes competition list from the great-tables "
                "package (MIT); Wikipedia's lists of American films (Wikipedia contributors, "
                "CC BY-SA 4.0: facts from them are shared under the same licence). Editions: "
                "the Criterion Collection list, compiled by the R package criterioncollection "
                "from criterion.com (GPL-3); TheDiscDb's disc data (MIT)."
            ),
        ),
        Field("Sources imported", plain(", ".join(sources) or "none")),
    )
    return Reply(
        (Card(f"filmbot {__version__}", plain("A chat bot for films and their editions."), fields),)
    )
