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
from bot.store import films, search_data

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


# How many films a person card lists per role, and how many keyword hits are shown.
PERSON_FILMS_PER_ROLE = 12
FIND_MAX = 10
_ROLE_NAMES = {
    "director": "Director",
    "writer": "Writer",
    "cast": "Cast",
    "cinematographer": "Cinematography",
    "composer": "Music",
    "producer": "Producer",
    "editor": "Editing",
}


@COMMANDS.command(
    "person",
    "<name>",
    "A director's, writer's or actor's films, by role.",
    "person Andrei Tarkovsky",
    "person tatiana samoilova",
    needs_args=True,
    aliases=("who",),
)
async def person(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    result = (await core.people()).lookup(args, limit=8)
    if not result.candidates:
        return error(
            "Nobody found",
            f"No director, writer or actor in the catalog matches “{shorten(args, ECHO_MAX)}”.",
            hint=f"Check the spelling, e.g. {ctx.prefix}person Akira Kurosawa",
        )
    credits = await search_data.credits_of(core.db, [h.person_id for h in result.candidates])
    if result.best is None:
        lines = []
        for n, hit in enumerate(result.candidates, start=1):
            films_of = credits.get(hit.person_id, [])
            known = f" ({films_of[0].film.label}" + (
                f" and {len(films_of) - 1} more)" if len(films_of) > 1 else ")"
            ) if films_of else ""  # fmt: skip
            aka = f" · {hit.matched}" if hit.matched else ""
            lines.append(f"{n}. {hit.name}{aka}{known}")
        return Reply(
            (
                Card(
                    "Which person did you mean?",
                    plain("\n".join(lines)),
                    footer=f"Ask again with the full name: {ctx.prefix}person <name>",
                    kind="choices",
                ),
            ),
            ephemeral=True,
        )
    hit = result.best
    by_role: dict[str, list[str]] = {}
    for credit in credits.get(hit.person_id, []):
        for role in credit.roles:
            by_role.setdefault(role, []).append(credit.film.label)
    fields = []
    for role, labels in sorted(by_role.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(labels[:PERSON_FILMS_PER_ROLE])
        if len(labels) > PERSON_FILMS_PER_ROLE:
            shown += f" … and {len(labels) - PERSON_FILMS_PER_ROLE} more"
        fields.append(Field(_ROLE_NAMES.get(role, role.title()), plain(shown)))
    total = len(credits.get(hit.person_id, []))
    return Reply(
        (
            Card(
                hit.name,
                plain(f"Also credited as {hit.matched}.") if hit.matched else (),
                tuple(fields),
                footer=f"{total} film{'s' if total != 1 else ''} in the catalog",
            ),
        )
    )


@COMMANDS.command(
    "find",
    "<keywords>",
    "Films whose synopsis, reviews or notes mention these words (spoiler-free text only).",
    "find cranes war",
    "find samurai village",
    needs_args=True,
    aliases=("search",),
)
async def find(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    found = await search_data.keyword_films(core.db, args, limit=FIND_MAX)
    if not found:
        return error(
            "Nothing found",
            f"No film's text mentions “{shorten(args, ECHO_MAX)}”.",
            hint=f"Try fewer or other words, or look up a title: {ctx.prefix}film <title>",
        )
    return await core.offer_films(
        ctx,
        [f.id for f in found],
        "film",
        "",
        heading=f"Films mentioning “{shorten(args, ECHO_MAX)}”",
    )


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
