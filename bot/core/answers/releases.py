"""`releases`: editions coming out soon or just out, by label and format."""

from __future__ import annotations

from datetime import timedelta

from bot.cards import Card, Field, Reply, plain
from bot.core.answers.table import COMMANDS, LABEL_WORDS, WORDS_MAX, format_option
from bot.core.commands import Option
from bot.core.engine import Core
from bot.core.request import Request
from bot.models import Release
from bot.store import releases as store

RECENT_DAYS = 90
RELEASES_SHOWN = 10
_MODES = {
    "upcoming": "upcoming",
    "coming": "upcoming",
    "soon": "upcoming",
    "next": "upcoming",
    "recent": "recent",
    "recently": "recent",
    "new": "recent",
    "latest": "recent",
}


def label_name(label: str | None) -> str | None:
    """A label as typed, or its full name when it is a short one ('criterion')."""
    label = " ".join((label or "").split()) or None
    return LABEL_WORDS.get(label.lower(), label) if label else None


def release_line(release: Release) -> str:
    """'2020-03-24 · The Cranes Are Flying (1957) — The Criterion Collection #146 (Blu-ray)'."""
    edition = release.edition
    films = ", ".join(f.label for f in release.films[:3])
    if len(release.films) > 3:
        films += f" and {len(release.films) - 3} more"
    what = f"{films} — {edition.name}" if films and not edition.is_boxset else edition.name
    return f"{edition.release_date} · {what}"


def _lines(found: list[Release], total: int) -> str:
    text = "\n".join(release_line(r) for r in found)
    if total > len(found):
        text += f"\n… and {total - len(found)} more"
    return text


@COMMANDS.command(
    "releases",
    f"Editions coming out, or out in the last {RECENT_DAYS} days, by label and format.",
    "releases",
    "releases upcoming criterion",
    "releases recent blu-ray",
    options=(
        Option(
            "when",
            "text",
            "Coming up or recently out (default: both)",
            syntax="any",
            choices=(("upcoming", "upcoming"), ("recent", "recent")),
            words=_MODES,
            several="none",  # 'upcoming recent' means both
        ),
        Option(
            "label",
            "text",
            "Only this label (any part of its name)",
            key=True,
            usage="[label]",
            minimum=1,
            maximum=WORDS_MAX,
        ),
        format_option("Only this format", syntax="any"),
    ),
    aliases=("new",),
    expensive=True,
    group="releases",
)
async def releases(
    core: Core, req: Request, *, when: str | None, label: str, format: str | None
) -> Reply:
    mode, fmt, label = when, format, label_name(label)
    today = core.today()
    since = (today - timedelta(days=RECENT_DAYS)).isoformat()
    tomorrow = (today + timedelta(days=1)).isoformat()
    filters = {"label": label, "fmt": fmt, "limit": RELEASES_SHOWN}
    wanted = " ".join(x for x in (label, fmt) if x)
    what = " · ".join(["Releases", *(x for x in (label, fmt) if x)])
    fields = []
    if mode in (None, "upcoming"):
        found, total = await store.releases(core.db, on_or_after=tomorrow, **filters)
        if found:
            fields.append(Field(f"Coming ({total})", plain(_lines(found, total))))
    if mode in (None, "recent"):
        found, total = await store.releases(
            core.db, on_or_after=since, before=tomorrow, newest_first=True, **filters
        )
        if found:
            fields.append(
                Field(f"Out in the last {RECENT_DAYS} days ({total})", plain(_lines(found, total)))
            )
    description = f"As of {today.isoformat()}."
    if not fields:
        latest, total = await store.releases(core.db, before=tomorrow, newest_first=True, **filters)
        window = {"upcoming": "coming up", "recent": f"out in the last {RECENT_DAYS} days"}
        description = (
            f"Nothing {window.get(mode or '', 'coming up or recently out')} that I know of "
            f"(as of {today.isoformat()})."
        )
        if latest:
            fields.append(Field("The latest I know of", plain(_lines(latest, total))))
    footer = "Release dates come from imported listings and reviews."
    if not wanted:
        footer += f" Narrow it down: {req.prefix}releases upcoming criterion blu-ray"
    return Reply((Card(what, plain(description), tuple(fields), footer=footer),))
