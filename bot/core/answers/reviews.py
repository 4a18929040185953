"""`review` and `plot`: what reviewers thought (spoiler-free) and what happens (wrapped)."""

from __future__ import annotations

import re
from typing import Any

from bot.cards import Card, Reply, error, plain
from bot.constants import ECHO_MAX
from bot.core.answers.table import COMMANDS, WORDS_MAX, film_details_for, title_option
from bot.core.commands import Option
from bot.core.engine import Core, shorten
from bot.core.request import Request
from bot.core.review_cards import plot_card, review_card, review_kind
from bot.models import ReviewSummary
from bot.store import reviews
from bot.text import fold

MAX_REVIEW_CARDS = 3
# Trailing words that pick a review by kind: '!review cranes are flying disc'.
_KIND_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?P<kind>disc|blog)(?:\s+reviews?)?$", re.I)
_SPOILER_WORDS = {"spoiler": True, "spoilers": True, "--spoilers": True}


def _haystack(review: ReviewSummary) -> str:
    return fold(
        " ".join(
            x
            for x in (
                review_kind(review),
                review.source,
                review.publication,
                review.author,
            )
            if x
        )
    )


def review_matches(review: ReviewSummary, wanted: str) -> bool:
    """Every word of `wanted` appears in the review's kind, source, publication or author."""
    words = fold(wanted).split()
    haystack = _haystack(review)
    return bool(words) and all(w in haystack for w in words)


async def split_review_source(core: Core, values: dict[str, Any]) -> dict[str, Any]:
    """'cranes are flying disc' -> title 'cranes are flying', source 'disc'; 'X from
    <source>' only when <source> names a known review source, so 'Letter from an Unknown
    Woman' stays a title. A source given as an option (`source:…`) is taken as given."""
    args = values["title"]
    if values.get("source"):
        return values
    if match := _KIND_SUFFIX.match(args):
        return {**values, "title": match["title"], "source": match["kind"]}
    head, sep, tail = args.rpartition(" from ")
    words = [w for w in fold(tail).split() if len(w) > 1]
    if sep and head.strip() and words and len(words) == len(fold(tail).split()):
        known = set(fold(" ".join(await reviews.review_source_names(core.db))).split())
        if all(w in known for w in words):  # whole words: 'from u.n.c.l.e.' stays a title
            return {**values, "title": head.strip(), "source": tail.strip()}
    return values


@COMMANDS.command(
    "review",
    "Review summaries: score bars, the verdict, key sentences and the source. No spoilers.",
    "review The Cranes Are Flying",
    "review cranes are flying disc",
    "review cranes are flying from blog-review",
    options=(
        title_option(),
        Option(
            "source",
            "text",
            "Only this review: disc, blog, or part of the source's name",
            syntax="key",
            usage="[disc|blog|from <source>]",
            minimum=1,
            maximum=WORDS_MAX,
        ),
    ),
    aliases=("reviews",),
    expensive=True,
    group="reviews",
    refine=split_review_source,
)
async def review(
    core: Core, req: Request, *, title: str, source: str | None, film_id: int | None
) -> Reply:
    wanted = " ".join(source.split()) if source else None
    values = {"title": title, "source": source}
    details = await film_details_for(core, req, "review", title, values, film_id)
    if isinstance(details, Reply):
        return details
    found = list(details.reviews)
    name = details.summary.label
    if not found:
        return error(
            f"No reviews of {name} yet",
            "No review of this film has been imported.",
            hint=f"{req.prefix}film {details.summary.label} shows what the catalog knows.",
        )
    if wanted:
        chosen = [r for r in found if review_matches(r, wanted)]
        if not chosen:
            known = "; ".join(f"{review_kind(r)}: {r.name}" for r in found)
            return error(
                f"No review of {name} from “{shorten(wanted, ECHO_MAX)}”",
                f"Reviews of {name}: {known}.",
                hint=f"{req.prefix}review {details.summary.label} shows them all.",
            )
        found = chosen
    # Reviews with scores first: they summarise best.
    found.sort(key=lambda r: (not r.scores, r.id))
    editions = {e.id: e.name for e in details.editions + details.boxsets}
    cards = []
    rest = found[MAX_REVIEW_CARDS:]
    for item in found[:MAX_REVIEW_CARDS]:
        sections = await reviews.review_sections(core.db, item.id)
        edition_name = editions.get(item.edition_id) if item.edition_id else None
        cards.append(
            review_card(
                details.summary, item, sections, edition_name=edition_name, prefix=req.prefix
            )
        )
    if rest:
        names = "\n".join(f"• {review_kind(r)}: {r.name}" for r in rest)
        cards.append(
            Card(
                f"{len(rest)} more review{'s' if len(rest) != 1 else ''} of {name}",
                plain(names),
                footer=f"One of them: {req.prefix}review {name} from <source>",
            )
        )
    return Reply(tuple(cards))


@COMMANDS.command(
    "plot",
    "The spoiler-free overview; add 'spoilers' for plot notes and endings, hidden as spoilers.",
    "plot The Cranes Are Flying",
    "plot cranes are flying spoilers",
    options=(
        title_option(),
        Option(
            "spoilers",
            "flag",
            "Also the plot notes and endings",
            syntax="end",
            words=_SPOILER_WORDS,
            usage="[spoilers]",
        ),
    ),
    group="reviews",
)
async def plot(
    core: Core, req: Request, *, title: str, spoilers: bool, film_id: int | None
) -> Reply:
    reveal = spoilers
    values = {"title": title, "spoilers": spoilers}
    details = await film_details_for(core, req, "plot", title, values, film_id)
    if isinstance(details, Reply):
        return details
    notes = await reviews.plot_notes(core.db, details.summary.id)
    review_spoilers = []
    for item in details.reviews:
        for section in await reviews.review_sections(core.db, item.id):
            if section.is_spoiler:
                review_spoilers.append((f"{review_kind(item).lower()} ({item.name})", section))
    card = plot_card(
        details.summary,
        details.synopsis,
        notes,
        review_spoilers,
        reveal=reveal,
        prefix=req.prefix,
    )
    return Reply((card,))
