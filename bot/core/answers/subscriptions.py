"""`subscribe`, `unsubscribe`, `subscriptions` and `announce-test`: release announcements
for the channel or room the command is typed in.

Who may change them is the adapter's call (Discord: Manage Server; Matrix: a power
level), passed in `Context.can_manage`; listing them is open to everyone.
"""

from __future__ import annotations

import re
from datetime import date

from bot.announce.card import announcement_reply, long_date
from bot.announce.delivery import SendError
from bot.announce.planner import catch_up, plan
from bot.cards import Card, Field, Reply, error, plain
from bot.constants import SUBSCRIPTIONS_PER_TARGET_MAX
from bot.core.answers.table import COMMANDS
from bot.core.engine import Context, Core
from bot.filters import FilterError, Filters, parse_subscribe
from bot.models import Release
from bot.store import announcements as store
from bot.store.announcements import Subscription, edition_profiles
from bot.store.releases import releases

_DISCORD_ROLE = re.compile(r"^(?:<@&)?([0-9]{15,21})>?$")
_MATRIX_USER = re.compile(r"^@[a-z0-9._=/+-]+:[A-Za-z0-9.:\[\]-]+$")


def _where(ctx: Context) -> str:
    return "room" if ctx.platform == "matrix" else "channel"


def _unavailable(ctx: Context) -> Reply | None:
    if ctx.platform not in ("discord", "matrix"):
        return error(
            "Announcements are for chat rooms",
            "Subscriptions post into a Discord channel or a Matrix room; the console "
            "has nowhere to post them.",
        )
    return None


def _refused(ctx: Context, what: str) -> Reply | None:
    if ctx.can_manage:
        return None
    rule = ctx.manage_rule or "permission to manage this server"
    return error(
        "Not allowed",
        f"Only members with {rule} can {what}. Ask one of them, or see what is set up "
        f"with {ctx.prefix}subscriptions.",
    )


def _mention(ctx: Context, value: str | None) -> str | Reply | None:
    """The opt-in mention as stored: a Discord role id, or '@room' / a user on Matrix."""
    if value is None:
        return None
    if ctx.platform == "discord":
        if match := _DISCORD_ROLE.match(value):
            return match[1]
        return error(
            "Which role?",
            "mention: takes a role (pick it in the option), e.g. mention:@Releases.",
        )
    if value == "@room" or _MATRIX_USER.match(value):
        return value
    return error("Who?", "mention: takes @room or a user id like @alice:example.org.")


def mention_label(sub: Subscription) -> str:
    if not sub.mention:
        return "nobody"
    return f"role {sub.mention}" if sub.platform == "discord" else sub.mention


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


def _subscription_field(sub: Subscription) -> Field:
    return Field(
        f"#{sub.id} · {sub.filters.describe()}",
        plain(f"{health(sub)}\nFrom releases dated {sub.since} · mentions {mention_label(sub)}"),
    )


@COMMANDS.command(
    "subscribe",
    "[label:…] [format:…] [genre:…] [director:…] [country:…] [keyword:…] [since:DATE] [mention:…]",
    "Announce new editions here (needs Manage Server / a moderator's power level).",
    "subscribe label:criterion format:blu-ray",
    "subscribe director:kalatozov since:2024-01-01",
)
async def subscribe(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    if refusal := _unavailable(ctx) or _refused(ctx, "subscribe this " + _where(ctx)):
        return refusal
    try:
        request = parse_subscribe(args)
    except FilterError as exc:
        return error("Those filters don't parse", str(exc))
    mention = _mention(ctx, request.mention)
    if isinstance(mention, Reply):
        return mention
    existing = await store.subscriptions(core.db, platform=ctx.platform, target=ctx.channel)
    same = [s for s in existing if s.filters == request.filters]
    if same:
        return error(
            "Already subscribed",
            f"This {_where(ctx)} already has subscription #{same[0].id} "
            f"({same[0].filters.describe()}).",
            hint=f"{ctx.prefix}unsubscribe {same[0].id} first to change it",
        )
    if len(existing) >= SUBSCRIPTIONS_PER_TARGET_MAX:
        return error(
            "Too many subscriptions",
            f"A {_where(ctx)} can have {SUBSCRIPTIONS_PER_TARGET_MAX}; remove one first.",
        )
    today = core.today()
    since = (request.since or today).isoformat()
    # What changed before this subscription existed is not news to it: planned first.
    await plan(core.db, today)
    async with core.db.transaction() as conn:
        sub_id = await store.add_subscription(
            conn,
            platform=ctx.platform,
            scope=ctx.scope or ctx.channel,
            target=ctx.channel,
            filters=request.filters,
            mention=mention,
            since=since,
            created_by=ctx.user,
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
        Field("Mentions", plain(mention_label(sub))),
    )
    return Reply(
        (
            Card(
                f"Subscribed: #{sub.id}",
                plain(f"New editions will be announced in this {_where(ctx)}."),
                fields,
                footer=f"Preview one: {ctx.prefix}announce-test · list: {ctx.prefix}subscriptions",
            ),
        )
    )


@COMMANDS.command(
    "unsubscribe",
    "[number|all]",
    "Stop announcements here (needs the same permission as subscribe).",
    "unsubscribe 2",
)
async def unsubscribe(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    if refusal := _unavailable(ctx) or _refused(ctx, "unsubscribe this " + _where(ctx)):
        return refusal
    here = await store.subscriptions(core.db, platform=ctx.platform, target=ctx.channel)
    word = args.strip().lstrip("#").lower()
    if not here:
        return error("Nothing to stop", f"This {_where(ctx)} has no subscriptions.")
    if word == "all":
        chosen = here
    elif word.isdigit():
        chosen = [s for s in here if s.id == int(word)]
        if not chosen:
            return error(
                "No such subscription here",
                f"This {_where(ctx)} has " + ", ".join(f"#{s.id}" for s in here) + ".",
            )
    elif not word and len(here) == 1:
        chosen = here
    else:
        return Reply(
            (
                Card(
                    "Which one?",
                    plain(f"This {_where(ctx)} has {len(here)} subscriptions:"),
                    tuple(_subscription_field(s) for s in here),
                    footer=f"{ctx.prefix}unsubscribe N, or {ctx.prefix}unsubscribe all",
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
    "",
    "The announcements this channel or room gets, and whether they are being delivered.",
    "subscriptions",
)
async def subscriptions(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    if refusal := _unavailable(ctx):
        return refusal
    here = await store.subscriptions(core.db, platform=ctx.platform, target=ctx.channel)
    if not here:
        return Reply(
            (
                Card(
                    "No subscriptions here",
                    plain(f"This {_where(ctx)} gets no release announcements."),
                    (),
                    footer=f"Start: {ctx.prefix}subscribe label:criterion",
                ),
            ),
            ephemeral=True,
        )
    failing = sum(1 for s in here if s.status == "failing")
    summary = f"{len(here)} subscription{'s' if len(here) != 1 else ''} in this {_where(ctx)}"
    if failing:
        summary += f"; {failing} failing"
    return Reply(
        (
            Card(
                "Subscriptions",
                plain(summary + "."),
                tuple(_subscription_field(s) for s in here),
                footer=f"Preview: {ctx.prefix}announce-test · stop: {ctx.prefix}unsubscribe N",
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
    "",
    "Post a sample announcement here, the way subscriptions will (checks my permissions).",
    "announce-test",
    aliases=("announcetest",),
)
async def announce_test(core: Core, ctx: Context, args: str, film_id: int | None) -> Reply:
    if refusal := _unavailable(ctx) or _refused(ctx, "post a test announcement"):
        return refusal
    here = await store.subscriptions(core.db, platform=ctx.platform, target=ctx.channel)
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
        await core.announcements.preview(ctx.platform, ctx.channel, reply)  # pings nobody
    except SendError as exc:
        return error(
            "I can't post here",
            f"The test announcement was refused: {exc.reason}.",
            hint="Give me Send Messages and Embed Links here (Discord), or let me speak in "
            "the room (Matrix), then try again",
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
