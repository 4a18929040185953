"""`film`, `edition` and `editions`: what a film is and what it was released as."""

from __future__ import annotations

import re

from bot.cards import Card, Reply, error, plain
from bot.core.answers.table import (
    COMMANDS,
    FORMATS,
    LABEL_WORDS,
    WORDS_MAX,
    film_details_for,
    format_option,
    label_matches,
    title_option,
)
from bot.core.commands import Option
from bot.core.compare import comparison_card
from bot.core.engine import Core
from bot.core.film_cards import edition_card, film_card
from bot.core.request import Request
from bot.store import films, reviews

MAX_EDITION_CARDS = 3
# A UPC-A (12 digits) or EAN-13 barcode, as printed under the bars.
_BARCODE = re.compile(r"^\d{12,13}$")
# 'criterion 146', 'spine 146', 'criterion #146', '#146': an edition by its number.
_SPINE = re.compile(
    r"^(?:(?P<label>(?:the\s+)?criterion(?:\s+collection)?)\s*(?:spine\s*)?|spine\s*)"
    r"(?:#|no\.?\s*|number\s*)?(?P<n>\d{1,4})$|^#(?P<bare>\d{1,4})$",
    re.I,
)


@COMMANDS.command(
    "film",
    "A film's card: year, director, writers, cast, runtime, country, genres, editions, scores.",
    "film The Cranes Are Flying",
    "film Solaris (1972)",
    "film solaris 2002",
    options=(
        title_option("The film's title, a year helps: Solaris (1972)", usage="<title> [year]"),
    ),
    aliases=("movie",),
)
async def film(core: Core, req: Request, *, title: str, film_id: int | None) -> Reply:
    details = await film_details_for(core, req, "film", title, {"title": title}, film_id)
    if isinstance(details, Reply):
        return details
    return Reply((film_card(details),))


def _title_missing(core: Core, req: Request, name: str, title: str) -> Reply | None:
    """Help when the arguments are only filter words ('!edition blu-ray')."""
    word = title.lower().strip(" -")
    if word in FORMATS or word in LABEL_WORDS:
        command = core.commands.get(name)
        assert command is not None
        return core.commands.usage_reply(
            command, req.prefix, problem="Which film? Give its title first."
        )
    return None


@COMMANDS.command(
    "edition",
    "A film's home-video editions: label and spine, format, every spec, features, prices.",
    "edition The Cranes Are Flying",
    "edition seven samurai criterion",
    "edition cranes are flying dvd",
    "edition 5027035019901",
    options=(
        title_option(),
        format_option("Only editions in this format"),
        Option(
            "label",
            "text",
            "Only editions from this label (any part of its name)",
            syntax="end",
            key=True,
            words=LABEL_WORDS,
            minimum=1,
            maximum=WORDS_MAX,
        ),
    ),
)
async def edition(
    core: Core,
    req: Request,
    *,
    title: str,
    format: str | None,
    label: str | None,
    film_id: int | None,
) -> Reply:
    fmt = format
    compact = re.sub(r"[\s-]", "", title)  # '715515 315517', '0-715515-31551-7'
    if film_id is None and _BARCODE.match(compact):
        return await _by_barcode(core, req, compact)
    if film_id is None and (number := _SPINE.match(" ".join(title.split()))):
        return await _by_spine(core, req, number["n"] or number["bare"], number["label"])
    if film_id is None and (sets := await films.boxsets_named(core.db, title)):
        return await _cards(core, sets, f"{req.prefix}edition <film title> for one film's editions")
    if film_id is None and (missing := _title_missing(core, req, "edition", title)):
        return missing
    values = {"title": title, "format": format, "label": label}
    details = await film_details_for(core, req, "edition", title, values, film_id)
    if isinstance(details, Reply):
        return details
    candidates = [
        e
        for e in details.editions + details.boxsets
        if (fmt is None or e.format == fmt) and (label is None or label_matches(e.label, label))
    ]
    name = details.summary.label
    unknown_format: list = []
    if not candidates and fmt is not None:
        # Unknown is not "no": editions whose format no source gave may be the one asked.
        unknown_format = [
            e
            for e in details.editions + details.boxsets
            if e.format is None and (label is None or label_matches(e.label, label))
        ]
        candidates = unknown_format
    if not candidates:
        wanted = " ".join(x for x in (label, fmt) if x)
        known = ", ".join(e.name for e in details.editions + details.boxsets) or "none yet"
        what = f"No {wanted} edition" if wanted else "No edition"
        return error(
            f"{what} of {name}",
            f"Editions known for {name}: {known}.",
            hint=f"{req.prefix}film {details.summary.label} shows the film itself.",
        )
    # The editions the database knows most about come first.
    loaded = [d for d in [await films.edition_details(core.db, e.id) for e in candidates] if d]
    loaded.sort(key=lambda d: -(len(d.specs) + len(d.features) + len(d.reviews)))
    cards = [edition_card(d, film=details.summary) for d in loaded[:MAX_EDITION_CARDS]]
    if unknown_format:
        wanted = " ".join(x for x in (label, fmt) if x)
        cards.insert(
            0,
            Card(
                f"Format not known for {name}",
                plain(
                    f"I know of no edition of {name} that a source calls {wanted}, but "
                    "I don't know the format of the editions below, so one of them may be: "
                    "that is unknown, not no."
                ),
            ),
        )
    if len(loaded) > MAX_EDITION_CARDS:
        rest = ", ".join(d.summary.name for d in loaded[MAX_EDITION_CARDS:])
        cards.append(
            Card(
                f"More editions of {name}",
                plain(rest),
                footer=f"Narrow it down: {req.prefix}edition {details.summary.label} <format> <label>",
            )
        )
    return Reply(tuple(cards))


async def _by_spine(core: Core, req: Request, number: str, label: str | None) -> Reply:
    """The edition with this spine number (the Criterion Collection's, unless another
    label numbers its releases too); an unknown number is said to be unknown."""
    ids = await films.editions_by_spine(core.db, number, "criterion" if label else None)
    if not ids:
        return error(
            "No edition with that number",
            f"No edition numbered {number} is known"
            + (" in the Criterion Collection." if label else "."),
            hint=f"{req.prefix}edition <title> finds a film's editions by its title.",
        )
    return await _cards(core, ids[:1], None)


async def _cards(core: Core, ids: list[int], more: str | None) -> Reply:
    found = [d for i in ids if (d := await films.edition_details(core.db, i))]
    cards = [
        edition_card(d, film=d.films[0] if len(d.films) == 1 else None)
        for d in found[:MAX_EDITION_CARDS]
    ]
    if len(found) > MAX_EDITION_CARDS and more:
        cards.append(Card("More editions", plain(f"{len(found) - MAX_EDITION_CARDS} more; {more}")))
    return Reply(tuple(cards))


async def _by_barcode(core: Core, req: Request, code: str) -> Reply:
    """The editions with this UPC/EAN; a barcode nobody recorded is said to be unknown,
    never answered with a film whose title happens to be close."""
    ids = await films.editions_by_barcode(core.db, code)
    found = [d for i in ids if (d := await films.edition_details(core.db, i))]
    if not found:
        return error(
            "No edition with that barcode",
            f"No edition with the barcode {code} is known.",
            hint=f"{req.prefix}edition <title> finds a film's editions by its title.",
        )
    cards = [
        edition_card(d, film=d.films[0] if len(d.films) == 1 else None)
        for d in found[:MAX_EDITION_CARDS]
    ]
    return Reply(tuple(cards))


@COMMANDS.command(
    "editions",
    "A film's editions side by side, with what reviews say about the differences.",
    "editions The Cranes Are Flying",
    "editions seven samurai",
    options=(title_option(),),
    aliases=("compare",),
    expensive=True,
)
async def editions(core: Core, req: Request, *, title: str, film_id: int | None) -> Reply:
    details = await film_details_for(core, req, "editions", title, {"title": title}, film_id)
    if isinstance(details, Reply):
        return details
    if not details.editions and not details.boxsets:
        return error(
            f"No editions of {details.summary.label} yet",
            "The database knows no home-video edition of this film.",
            hint=f"{req.prefix}film {details.summary.label} shows the film itself.",
        )
    loaded = [
        d
        for d in [
            await films.edition_details(core.db, e.id) for e in details.editions + details.boxsets
        ]
        if d
    ]
    sections = {r.id: await reviews.review_sections(core.db, r.id) for r in details.reviews}
    return Reply((comparison_card(details, loaded, sections, req.prefix),))
