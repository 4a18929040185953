"""`person` and `find`: people by name, films by the words written about them."""

from __future__ import annotations

from bot.cards import Card, Choice, Field, Reply, error, plain
from bot.constants import CHOICE_LABEL_MAX, ECHO_MAX
from bot.core.answers.table import COMMANDS, TITLE_MAX
from bot.core.commands import Option
from bot.core.engine import Core, shorten
from bot.core.request import Request
from bot.search.people import MATCH_LEAD, PART, PersonHit
from bot.store import search_data

# How many films a person card lists per role, and how many keyword hits are shown.
PERSON_FILMS_PER_ROLE = 12
FIND_MAX = 10
# How many people a "which person?" list offers, and how many namesakes a card names.
PEOPLE_MAX = 8
NAMESAKES_SHOWN = 3
_ROLE_NAMES = {
    "director": "Director",
    "writer": "Writer",
    "cast": "Cast",
    "cinematographer": "Cinematography",
    "composer": "Music",
    "producer": "Producer",
    "editor": "Editing",
}
# What a list calls someone by their main role.
_ROLE_WORDS = {
    "director": "director",
    "writer": "writer",
    "cast": "actor",
    "cinematographer": "cinematographer",
    "composer": "composer",
    "producer": "producer",
    "editor": "editor",
}


@COMMANDS.command(
    "person",
    "A director's, writer's or actor's films, by role.",
    "person Andrei Tarkovsky",
    "person kubrick",
    "person tatiana samoilova",
    options=(
        Option("name", "person", "The person's name", required=True, minimum=1, maximum=TITLE_MAX),
    ),
    aliases=("who",),
    expensive=True,
)
async def person(core: Core, req: Request, *, name: str, person_id: int | None = None) -> Reply:
    """`person_id` is given when the person was chosen from a list (`!pick`, a menu)."""
    people = await core.people()
    if person_id is not None:
        chosen = people.person(person_id)
        if chosen is None:
            return error("Person not found", "That person is no longer in the catalog.")
        return await person_card(core, chosen, ())
    result = people.lookup(name, limit=PEOPLE_MAX)
    if not result.candidates:
        return error(
            "Nobody found",
            f"No director, writer or actor in the catalog matches “{shorten(name, ECHO_MAX)}”.",
            hint=f"Check the spelling, e.g. {req.prefix}person Akira Kurosawa",
        )
    if result.best is None:
        return await _which_person(core, req, name, result.candidates)
    best = result.best
    notes = []
    if best.matched:
        notes.append(f"Also credited as {best.matched}.")
    if best.score < PART:
        notes.append(f"Nobody in the catalog is called “{shorten(name, ECHO_MAX)}”; "
                     f"{best.name} is the closest name.")  # fmt: skip
    namesakes = tuple(
        h
        for h in result.candidates
        if h.person_id != best.person_id and h.score > best.score - MATCH_LEAD
    )[:NAMESAKES_SHOWN]
    if namesakes:
        others = ", ".join(f"{h.name} ({_films(h.films)})" for h in namesakes)
        notes.append(
            f"Also matching: {others}. Ask for one by full name: {req.prefix}person <name>."
        )
    return await person_card(core, best, tuple(notes))


def _films(count: int) -> str:
    return f"{count} film{'s' if count != 1 else ''}"


async def person_card(
    core: Core,
    hit: PersonHit,
    notes: tuple[str, ...],
    *,
    best_known_first: bool = False,
    first_role: str | None = None,
) -> Reply:
    """The card of a person found: their films in the catalog by role, newest first (or
    the best-known first, for 'films with toshiro mifune')."""
    credits = (await search_data.credits_of(core.db, [hit.person_id])).get(hit.person_id, [])
    if best_known_first:
        known = await search_data.popularity_of(core.db, [c.film.id for c in credits])
        credits = sorted(credits, key=lambda c: -known.get(c.film.id, 0.0))
    by_role: dict[str, list[str]] = {}
    for credit in credits:
        for role in credit.roles:
            by_role.setdefault(role, []).append(credit.film.label)
    fields = []
    # the role asked about first ('films directed by …'), then the most credited
    for role, labels in sorted(by_role.items(), key=lambda kv: (kv[0] != first_role, -len(kv[1]))):
        shown = ", ".join(labels[:PERSON_FILMS_PER_ROLE])
        if len(labels) > PERSON_FILMS_PER_ROLE:
            shown += f" … and {len(labels) - PERSON_FILMS_PER_ROLE} more"
        fields.append(Field(_ROLE_NAMES.get(role, role.title()), plain(shown)))
    return Reply(
        (
            Card(
                hit.name,
                plain("\n".join(notes)) if notes else (),
                tuple(fields),
                footer=f"{_films(len(credits))} in the catalog",
            ),
        )
    )


async def _which_person(
    core: Core, req: Request, name: str, candidates: tuple[PersonHit, ...]
) -> Reply:
    """The close candidates as a list answered like a film list: a menu on Discord,
    `pick N` everywhere; each shown with their main role, film count and best-known film."""
    ids = [h.person_id for h in candidates]
    credits = await search_data.credits_of(core.db, ids)
    known = await search_data.best_known_films(core.db, ids)
    choices = []
    for hit in candidates:
        films_of = credits.get(hit.person_id, [])
        roles: dict[str, int] = {}
        for credit in films_of:
            for role in credit.roles:
                roles[role] = roles.get(role, 0) + 1
        ranked = sorted(roles, key=lambda r: -roles[r])
        what = " and ".join(
            _ROLE_WORDS.get(r, r) for r in ranked[:2] if roles[r] * 2 >= roles[ranked[0]]
        )
        film = next((c.film for c in films_of if c.film.id == known.get(hit.person_id)), None)
        aka = f" ({hit.matched})" if hit.matched else ""
        about = " · " + ", ".join(part for part in (what, _films(len(films_of))) if part)
        who = shorten(hit.name + aka, CHOICE_LABEL_MAX // 2)
        label = who + about
        if film is not None:  # the title is cut, never its year
            year = f" ({film.year})" if film.year else ""
            room = CHOICE_LABEL_MAX - len(label) - len(year) - 3
            if room >= 8:
                label += " · " + shorten(film.title, room) + year
        choices.append(Choice(f"person:{hit.person_id}", label))
    return await core.offer_choices(
        req,
        tuple(choices),
        "person",
        {"name": name},
        heading="Which person did you mean?",
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
