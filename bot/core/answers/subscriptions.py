"""`subscribe`, `unsubscribe`, `subscriptions` and `announce-test`: release announcements
for the channel or room the command is typed in.

Who may change them is the adapter's call (Discord: Manage Server; Matrix: a power
level), passed in `Request.can_manage`; listing them is open to everyone. What a mention
looks like is the platform's (`Platform.mentions`).
"""

from __future__ import annotations

import re
from datetime import date

from bot.announce.card import announcement_reply, long_date
from bot.announce.delivery import SendError
from bot.announce.planner import catch_up, plan
from bot.cards import Card, Field, Reply, error, plain
from bot.constants import SUBSCRIPTIONS_PER_TARGET_MAX
from bot.core.answers.table import COMMANDS, FORMAT_CHOICES, WORDS_MAX
from bot.core.commands import Option
from bot.core.engine import Core
from bot.core.request import MentionError, Request
from bot.filters import (
    FILTER_KEYS,
    USAGE,
    FilterError,
    Filters,
    subscribe_request,
)
from bot.models import Release
from bot.store import announcements as store
from bot.store.announcements import Subscription, edition_profiles
from bot.store.releases import releases
from bot.words import FORMATS

_FILTER_HELP = {
    "label": "Only this label (any part of its name)",
    "format": "Only this format",
    "genre": "Only films of this genre",
    "director": "Only films by this director",
    "country": "Only films from this country",
    "keyword": "Only editions whose titles have these words",
}


def mention_label(req: Request, sub: Subscription) -> str:
    if not sub.mention:
        return "nobody"
    mentions = req.platform.mentions
    return mentions.describe(sub.mention) if mentions else sub.mention


def health(sub: Subscription) -> str:
    """'OK · last post …' or 'Failing since …: the reason · 3 waiting'."""
    waiting = f" · {sub.queued} waiting" if sub.queued else ""
    if sub.status == "failing":
        since = (sub.status_since or "").replace("T", " ").rstrip("Z")
        return (
            f"⚠ Failing since {since} UTC: {sub.status_note}{waiting}. Nothing is lost: "
            "they are posted in order once I can post here again."
        )
    last = (
        "last post " + sub.last_sent_at.replace("T", " ").rstrip("Z") + " UTC"
        if sub.last_sent_at
        else "nothing posted yet"
    )
    return f"✓ OK · {last}{waiting}"


def _subscription_field(req: Request, sub: Subscription) -> Field:
    return Field(
        f"#{sub.id} · {sub.filters.describe()}",
        plain(
            f"{health(sub)}\nFrom releases dated {sub.since} · mentions {mention_label(req, sub)}"
        ),
    )


def _filter_option(key: str) -> Option:
    return Option(
        key,
        "text",
        _FILTER_HELP[key],
        syntax="key",
        repeat=True,
        choices=FORMAT_CHOICES if key == "format" else (),
        words=FORMATS if key == "format" else {},
        minimum=None if key == "format" else 1,  # a fixed choice needs no length
        maximum=None if key == "format" else WORDS_MAX,
    )


@COMMANDS.command(
    "subscribe",
    "Announce new editions here (for those who may manage this channel or room).",
    "subscribe label:criterion format:blu-ray",
    "subscribe director:kalatozov since:2024-01-01",
    options=(
        *(_filter_option(key) for key in FILTER_KEYS),
        Option(
            "since",
            "text",
            "Also post what came out since this date (YYYY-MM-DD); default: nothing old",
            syntax="key",
            usage="[since:DATE]",
            minimum=10,
            maximum=10,
        ),
        Option(
            "mention",
            "mention",
            "Mention this role in each announcement (default: nobody)",
            syntax="key",
        ),
    ),
    access="manage",
    refusal="subscribe this {place}",
    group="announcements",
    parse_error="Those filters don't parse",
    syntax_hint=USAGE,
)
async def subscribe(core: Core, req: Request, **values: str | tuple[str, ...] | None) -> Reply:
    try:
        request = subscribe_request(values)
    except FilterError as exc:
        return error("Those filters don't parse", str(exc))
    mention = None
    if request.mention is not None and req.platform.mentions is not None:
        try:
            mention = req.platform.mentions.parse(request.mention)
        except MentionError as exc:
            return error(exc.title, str(exc))
    place = req.platform.place
    existing = await store.subscriptions(core.db, platform=req.platform.name, target=req.channel)
    same = [s for s in existing if s.filters == request.filters]
    if same:
        return error(
            "Already subscribed",
            f"This {place} already has subscription #{same[0].id} ({same[0].filters.describe()}).",
            hint=f"{req.prefix}unsubscribe {same[0].id} first to change it",
        )
    if len(existing) >= SUBSCRIPTIONS_PER_TARGET_MAX:
        return error(
            "Too many subscriptions",
            f"A {place} can have {SUBSCRIPTIONS_PER_TARGET_MAX}; remove one first.",
        )
    today = core.today()
    since = (request.since or today).isoformat()
    # What changed before this subscription existed is not news to it: planned first.
    await plan(core.db, today)
    async with core.db.transaction() as conn:
        sub_id = await store.add_subscription(
            conn,
            platform=req.platform.name,
            scope=req.scope or req.channel,
            target=req.channel,
            filters=request.filters,
            mention=mention,
            since=since,
            created_by=req.user,
        )
    sub = await store.subscription(core.db, sub_id)
    assert sub is not None
    queued = 0
    if request.since is not None:  # catching up on purpose: out since then, and upcoming
        queued = (await plan(core.db, today, only=[sub])).queued
        queued += await catch_up(core.db, sub, today)
    if core.announcements is not None:
        core.announcements.wake(plan_first=False)
    if request.since is not None:
        backlog = (
            f"{queued} known edition{'s' if queued != 1 else ''} from {since} on "
            f"{'are' if queued != 1 else 'is'} queued to be posted here now."
        )
    else:
        backlog = (
            "Editions already known are not posted (no backlog); add since:YYYY-MM-DD to catch up."
        )
    fields = (
        Field("What", plain(request.filters.describe())),
        Field(
            "When",
            plain(
                "When an edition is added (from an import or a feed) and on its release "
                f"date. {backlog}"
            ),
        ),
        Field("Mentions", plain(mention_label(req, sub))),
    )
    return Reply(
        (
            Card(
                f"Subscribed: #{sub.id}",
                plain(f"New editions will be announced in this {place}."),
                fields,
                footer=f"Preview one: {req.prefix}announce-test · list: {req.prefix}subscriptions",
            ),
        )
    )


@COMMANDS.command(
    "unsubscribe",
    "Stop announcements here (needs the same permission as subscribe).",
    "unsubscribe 2",
    options=(
        Option(
            "number",
            "number",
            "Which subscription (see /subscriptions); 0 for all",
            usage="[number|all]",
            minimum=0,
        ),
    ),
    access="manage",
    refusal="unsubscribe this {place}",
    group="announcements",
)
async def unsubscribe(core: Core, req: Request, *, number: int | str) -> Reply:
    place = req.platform.place
    here = await store.subscriptions(core.db, platform=req.platform.name, target=req.channel)
    # A typed 0 means all (the option says so); in a message, 'all' does.
    word = "all" if number == 0 else str(number).strip().lstrip("#").lower()
    if not here:
        return error("Nothing to stop", f"This {place} has no subscriptions.")
    if word == "all":
        chosen = here
    elif re.fullmatch(r"[0-9]{1,9}", word):
        chosen = [s for s in here if s.id == int(word)]
        if not chosen:
            return error(
                "No such subscription here",
                f"This {place} has " + ", ".join(f"#{s.id}" for s in here) + ".",
            )
    elif not word and len(here) == 1:
        chosen = here
    else:
        return Reply(
            (
                Card(
                    "Which one?",
                    plain(f"This {place} has {len(here)} subscriptions:"),
                    tuple(_subscription_field(req, s) for s in here),
                    footer=f"{req.prefix}unsubscribe N, or {req.prefix}unsubscribe all",
                ),
            ),
            ephemeral=True,
        )
    for sub in chosen:
        await store.remove_subscription(core.db, sub.id)
    names = ", ".join(f"#{s.id} ({s.filters.describe()})" for s in chosen)
    return Reply((Card("Unsubscribed", plain(f"No more announcements here from {names}."), ()),))


@COMMANDS.command(
    "subscriptions",
    "The announcements this channel or room gets, and whether they are being delivered.",
    "subscriptions",
    access="rooms",
    group="announcements",
)
async def subscriptions(core: Core, req: Request) -> Reply:
    place = req.platform.place
    here = await store.subscriptions(core.db, platform=req.platform.name, target=req.channel)
    if not here:
        return Reply(
            (
                Card(
                    "No subscriptions here",
                    plain(f"This {place} gets no release announcements."),
                    (),
                    footer=f"Start: {req.prefix}subscribe label:criterion",
                ),
            ),
            ephemeral=True,
        )
    failing = sum(1 for s in here if s.status == "failing")
    summary = f"{len(here)} subscription{'s' if len(here) != 1 else ''} in this {place}"
    if failing:
        summary += f"; {failing} failing"
    return Reply(
        (
            Card(
                "Subscriptions",
                plain(summary + "."),
                tuple(_subscription_field(req, s) for s in here),
                footer=f"Preview: {req.prefix}announce-test · stop: {req.prefix}unsubscribe N",
            ),
        ),
        ephemeral=True,
    )


async def _sample(core: Core, filters: Filters) -> Release | None:
    """An edition to preview: the next matching release, else the latest one."""
    tomorrow = date.fromordinal(core.today().toordinal() + 1).isoformat()
    for found in (
        (await releases(core.db, on_or_after=tomorrow, limit=200))[0],
        (await releases(core.db, before=tomorrow, newest_first=True, limit=200))[0],
    ):
        profiles = await edition_profiles(core.db, [r.edition.id for r in found])
        for release in found:
            profile = profiles.get(release.edition.id)
            if profile is not None and filters.matches(profile):
                return release
    found, _ = await releases(core.db, before=tomorrow, newest_first=True, limit=1)
    return found[0] if found else None


@COMMANDS.command(
    "announce-test",
    "Post a sample announcement here, the way subscriptions will (checks my permissions).",
    "announce-test",
    aliases=("announcetest",),
    access="manage",
    refusal="post a test announcement",
    group="announcements",
)
async def announce_test(core: Core, req: Request) -> Reply:
    here = await store.subscriptions(core.db, platform=req.platform.name, target=req.channel)
    sub = here[0] if here else None
    release = await _sample(core, sub.filters if sub else Filters())
    if release is None:
        return error("Nothing to show", "I know of no dated editions to preview.")
    if core.announcements is None:
        return error("Announcements are off", "The bot is not delivering announcements now.")
    today = core.today()
    kind = "announced" if (release.edition.release_date or "") > today.isoformat() else "released"
    reply = announcement_reply(
        release, kind, release.edition.release_date, today, note=" · preview, not a real post"
    )
    try:
        await core.announcements.preview(req.platform.name, req.channel, reply)  # pings nobody
    except SendError as exc:
        return error(
            "I can't post here",
            f"The test announcement was refused: {exc.reason}.",
            hint=f"Give me {req.platform.post_rights}, then try again",
        )
    except LookupError as exc:
        return error("Announcements are off", f"I can't post now ({exc}).")
    what = f"subscription #{sub.id} ({sub.filters.describe()})" if sub else "a subscription"
    when = long_date(release.edition.release_date) or "an unknown date"
    return Reply(
        (
            Card(
                "Test announcement posted",
                plain(f"That is how {what} will announce editions (this one: {when})."),
                (),
            ),
        ),
        ephemeral=True,
    )
