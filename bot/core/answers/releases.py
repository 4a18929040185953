"""`releases`: editions coming out soon or just out, by label and format."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.cards import Card, Field, Reply, plain
from bot.core.answers.table import COMMANDS, FORMATS, LABEL_WORDS, bare_word, join_format_words
from bot.core.engine import Context, Core
from bot.models import Release
from bot.store import releases as store

RECENT_DAYS = 90
_LABEL_OPTION = re.compile(r"(?:^|\s)label:\s*(?P<label>.+)$", re.I)
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


def parse_release_filters(args: str) -> tuple[str | None, str | None, str | None]:
    """'upcoming criterion blu-ray' -> ('upcoming', 'criterion' label text, 'Blu-ray')."""
    modes, formats, label_words = set(), [], []
    option = None
    if match := _LABEL_OPTION.search(args):  # 'label:<words>' (Discord's option) is a label
        option = " ".join(match["label"].split())
        args = args[: match.start()]
    for word in join_format_words(args).split():
        bare = bare_word(word)
        if bare in _MODES:
            modes.add(_MODES[bare])
        elif bare in FORMATS:
            formats.append(FORMATS[bare])
        else:
            label_words.append(word)
    mode = modes.pop() if len(modes) == 1 else None  # 'upcoming recent' means both
    fmt = formats[-1] if formats else None
    label = option or " ".join(label_words) or None
    if label and label.lower() in LABEL_WORDS:
        label = LABEL_WORDS[label.lower()]
    return mode, label, fmt


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
    "[upcoming|recent] [label] [format]",
    f"Editions coming out, or out in the last {RECENT_DAYS} days, by label and format.",
    "releases",
    "releases upcoming criterion",
    "releases recent blu-ray",
    aliases=("new",),
)
async def releases(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    mode, label, fmt = parse_release_filters(args)
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
        footer += f" Narrow it down: {ctx.prefix}releases upcoming criterion blu-ray"
    return Reply((Card(what, plain(description), tuple(fields), footer=footer),))
