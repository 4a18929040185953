"""`person` and `find`: people by name, films by the words written about them."""

from __future__ import annotations

from bot.cards import Card, Field, Reply, error, plain
from bot.constants import ECHO_MAX
from bot.core.answers.table import COMMANDS, TITLE_MAX
from bot.core.commands import Option
from bot.core.engine import Core, shorten
from bot.core.request import Request
from bot.store import search_data

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
    "A director's, writer's or actor's films, by role.",
    "person Andrei Tarkovsky",
    "person tatiana samoilova",
    options=(
        Option("name", "person", "The person's name", required=True, minimum=1, maximum=TITLE_MAX),
    ),
    aliases=("who",),
    expensive=True,
)
async def person(core: Core, req: Request, *, name: str) -> Reply:
    args = name
    result = (await core.people()).lookup(args, limit=8)
    if not result.candidates:
        return error(
            "Nobody found",
            f"No director, writer or actor in the catalog matches “{shorten(args, ECHO_MAX)}”.",
            hint=f"Check the spelling, e.g. {req.prefix}person Akira Kurosawa",
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
                    footer=f"Ask again with the full name: {req.prefix}person <name>",
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
    "Films whose synopsis, reviews or notes mention these words (spoiler-free text only).",
    "find cranes war",
    "find samurai village",
    options=(
        Option(
            "keywords",
            "text",
            "Words to look for (spoiler-free text only)",
            required=True,
            minimum=1,
            maximum=TITLE_MAX,
        ),
    ),
    aliases=("search",),
    expensive=True,
)
async def find(core: Core, req: Request, *, keywords: str) -> Reply:
    args = keywords
    found = await search_data.keyword_films(core.db, args, limit=FIND_MAX)
    if not found:
        return error(
            "Nothing found",
            f"No film's text mentions “{shorten(args, ECHO_MAX)}”.",
            hint=f"Fewer or other words, or look up a title: {req.prefix}film <title>",
        )
    return await core.offer_films(
        req,
        [f.id for f in found],
        "film",
        {"title": ""},
        heading=f"Films mentioning “{shorten(args, ECHO_MAX)}”",
    )
