"""`review` and `plot`: what reviewers thought (spoiler-free) and what happens (wrapped)."""

from __future__ import annotations

import re

from bot.cards import Card, Reply, error, plain
from bot.constants import ECHO_MAX
from bot.core.answers.table import COMMANDS, film_details_for
from bot.core.engine import Context, Core, shorten
from bot.core.review_cards import plot_card, review_card, review_kind
from bot.models import ReviewSummary
from bot.store import reviews
from bot.text import fold

MAX_REVIEW_CARDS = 3
# Trailing words that pick a review by kind: '!review cranes are flying disc'.
_KIND_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?P<kind>disc|blog)(?:\s+reviews?)?$", re.I)
_SOURCE_OPTION = re.compile(r"(?:^|\s)source:\s*(?P<source>.+)$", re.I)
_SPOILER_WORDS = {"spoiler", "spoilers", "--spoilers"}


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


async def split_review_source(core: Core, args: str) -> tuple[str, str | None]:
    """'cranes are flying disc' -> ('cranes are flying', 'disc'); 'X from <source>' only when
    <source> names a known review source, so 'Letter from an Unknown Woman' stays a title."""
    if match := _SOURCE_OPTION.search(args):  # 'source:<words>' (Discord's option)
        return args[: match.start()].strip(), " ".join(match["source"].split())
    if match := _KIND_SUFFIX.match(args):
        return match["title"], match["kind"]
    head, sep, tail = args.rpartition(" from ")
    words = [w for w in fold(tail).split() if len(w) > 1]
    if sep and head.strip() and words and len(words) == len(fold(tail).split()):
        known = set(fold(" ".join(await reviews.review_source_names(core.db))).split())
        if all(w in known for w in words):  # whole words: 'from u.n.c.l.e.' stays a title
            return head.strip(), tail.strip()
    return args, None


@COMMANDS.command(
    "review",
    "<title> [disc|blog|from <source>]",
    "Review summaries: score bars, the verdict, key sentences and the source. No spoilers.",
    "review The Cranes Are Flying",
    "review cranes are flying disc",
    "review cranes are flying from blog-review",
    takes_film=True,
    needs_args=True,
    aliases=("reviews",),
)
async def review(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    title, wanted = await split_review_source(core, args)
    details = await film_details_for(core, ctx, "review", title, args, film_id)
    if isinstance(details, Reply):
        return details
    found = list(details.reviews)
    name = details.summary.label
    if not found:
        return error(
            f"No reviews of {name} yet",
            "No review of this film has been imported.",
            hint=f"{ctx.prefix}film {details.summary.label} shows what the catalog knows.",
        )
    if wanted:
        chosen = [r for r in found if review_matches(r, wanted)]
        if not chosen:
            known = "; ".join(f"{review_kind(r)}: {r.name}" for r in found)
            return error(
                f"No review of {name} from “{shorten(wanted, ECHO_MAX)}”",
                f"Reviews of {name}: {known}.",
                hint=f"{ctx.prefix}review {details.summary.label} shows them all.",
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
                details.summary, item, sections, edition_name=edition_name, prefix=ctx.prefix
            )
        )
    if rest:
        names = "\n".join(f"• {review_kind(r)}: {r.name}" for r in rest)
        cards.append(
            Card(
                f"{len(rest)} more review{'s' if len(rest) != 1 else ''} of {name}",
                plain(names),
                footer=f"One of them: {ctx.prefix}review {name} from <source>",
            )
        )
    return Reply(tuple(cards))


def split_spoiler_flag(args: str) -> tuple[str, bool]:
    """'cranes are flying spoilers' -> ('cranes are flying', True)."""
    words = args.split()
    if len(words) > 1 and words[-1].lower() in _SPOILER_WORDS:
        return " ".join(words[:-1]), True
    return args, False


@COMMANDS.command(
    "plot",
    "<title> [spoilers]",
    "The spoiler-free overview; add 'spoilers' for plot notes and endings, hidden as spoilers.",
    "plot The Cranes Are Flying",
    "plot cranes are flying spoilers",
    takes_film=True,
    needs_args=True,
)
async def plot(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    title, reveal = split_spoiler_flag(args)
    details = await film_details_for(core, ctx, "plot", title, args, film_id)
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
        prefix=ctx.prefix,
    )
    return Reply((card,))
