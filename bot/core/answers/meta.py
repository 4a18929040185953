"""`pick`, `help` and `about`: answering a list, explaining the bot, saying what it knows."""

from __future__ import annotations

from bot import __version__
from bot.cards import Card, Field, Reply, plain
from bot.constants import ECHO_MAX
from bot.core.answers.table import COMMANDS
from bot.core.engine import Context, Core, shorten
from bot.store import films


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
