"""Announcements through the core: subscriptions, the planner and the delivery loop,
with a recording sender in place of a platform (the platforms have their own tests)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.platforms import DISCORD
from bot.announce.delivery import SendError
from bot.announce.planner import plan
from bot.announce.service import AnnouncementService
from bot.core.request import Request
from bot.filters import FilterError
from bot.render import text as text_render
from bot.store import announcements as store
from tests.announce_helpers import (
    ADMIN,
    MEMBER,
    TODAY,
    add_listing,
    drain,
    parse_subscribe,
)


def test_filters_parse_and_refuse_nonsense():
    request = parse_subscribe(
        "label:criterion format:blu ray director: Mikhail Kalatozov since:2024-01-31"
    )
    assert request.filters.values == {
        "label": ("The Criterion Collection",),
        "format": ("Blu-ray",),
        "director": ("Mikhail Kalatozov",),
    }
    assert request.since == date(2024, 1, 31)
    for bad in ("criterion", "format:vhs", "since:yesterday", "genre:", "label:!!!"):
        with pytest.raises(FilterError):
            parse_subscribe(bad)


async def test_only_managers_change_subscriptions(announcing):
    core, *_ = announcing
    reply = await core.handle("!subscribe label:criterion", MEMBER)
    assert reply.cards[0].kind == "error" and "Manage" not in reply.cards[0].title
    refused = await core.handle(
        "!subscribe",
        Request(DISCORD, channel="100", user="2"),
    )
    assert "the Manage Server permission" in text_render.render_reply(refused)
    assert await store.subscriptions(core.db) == []
    console = await core.handle("!subscribe", Request(can_manage=True))
    assert console.cards[0].kind == "error"
    assert await store.subscriptions(core.db) == []


async def test_new_edition_is_announced_once_to_matching_subscriptions(announcing):
    core, sender, announcer, clock = announcing
    ok = await core.handle("!subscribe label:criterion format:blu-ray", ADMIN)
    assert ok.cards[0].title.startswith("Subscribed: #")
    other = Request(DISCORD, channel="200", user="1", scope="9", can_manage=True)
    await core.handle("!subscribe format:dvd", other)
    blu = await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    await add_listing(core, "I Am Cuba", 1964, "2027-02-01", studio="Milestone Film")
    planned = await plan(core.db, TODAY)
    assert planned.queued == 1  # only the Criterion Blu-ray matches, only channel 100
    await drain(announcer, clock)
    assert [p["target"] for p in sender.posts] == ["100"]
    assert "Letter Never Sent (19" in sender.posts[0]["text"]  # the Cannes list dates it 1960
    assert "Announced, releasing on 12 January 2027" in sender.posts[0]["text"]
    assert sender.posts[0]["mention"] is None
    # Planning again, delivering again: nothing more.
    assert (await plan(core.db, TODAY)).queued == 0
    await drain(announcer, clock)
    assert len(sender.posts) == 1
    # Its date arrives: 'released' once.
    assert (await plan(core.db, date(2027, 1, 12))).queued == 1
    announcer.today = lambda: date(2027, 1, 12)
    await drain(announcer, clock)
    assert len(sender.posts) == 2 and "Out today: Letter Never Sent" in sender.posts[1]["text"]
    assert (await plan(core.db, date(2027, 1, 13))).queued == 0
    sent = await store.delivered(core.db, 1)
    assert [(e, k) for e, k, _ in sent] == [(blu, "announced"), (blu, "released")]


async def test_subscribing_posts_no_backlog_unless_since(announcing):
    core, sender, announcer, clock = announcing
    await add_listing(core, "Letter Never Sent", 1959, "2026-10-01")  # already out
    await add_listing(core, "I Am Cuba", 1964, "2027-02-01")  # known, upcoming
    await plan(core.db, TODAY)
    await core.handle("!subscribe label:criterion", ADMIN)
    await plan(core.db, TODAY)
    await drain(announcer, clock)
    assert sender.posts == []
    other = Request(DISCORD, channel="300", user="1", scope="9", can_manage=True)
    reply = await core.handle("!subscribe label:criterion since:2026-01-01", other)
    assert "queued" in text_render.render_reply(reply)
    await drain(announcer, clock)
    texts = [p["text"] for p in sender.posts]
    assert [p["target"] for p in sender.posts] == ["300", "300"]
    assert "Out now: Letter Never Sent" in texts[0] and "Released on 1 October 2026" in texts[0]
    assert "New edition announced: I Am Cuba" in texts[1]


async def test_permission_failure_keeps_the_queue_in_order(announcing):
    core, sender, announcer, clock = announcing
    await core.handle("!subscribe", ADMIN)
    first = await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    await plan(core.db, TODAY)
    second = await add_listing(core, "I Am Cuba", 1964, "2027-02-01")
    await plan(core.db, TODAY)
    sender.fail = SendError("Missing Permissions (Send Messages)", failing=True)
    await announcer.deliver_due()
    [sub] = await store.subscriptions(core.db)
    assert sub.status == "failing" and "Missing Permissions" in (sub.status_note or "")
    assert sub.queued == 2
    listing_reply = await core.handle("!subscriptions", MEMBER)
    assert "Failing since" in text_render.render_reply(listing_reply)
    # Still failing: the second item is never tried before the first.
    clock.now += 3600 * 2
    await announcer.deliver_due()
    assert sender.posts == []
    sender.fail = None
    clock.now += 3600 * 2
    await drain(announcer, clock)
    assert [e for e, _, _ in await store.delivered(core.db, sub.id)] == [first, second]
    [sub] = await store.subscriptions(core.db)
    assert sub.status == "ok" and sub.queued == 0


async def test_transient_failures_back_off_and_resend_with_the_same_nonce(announcing):
    core, sender, announcer, clock = announcing
    await core.handle("!subscribe", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    await plan(core.db, TODAY)
    sender.fail = SendError("HTTP 500")
    waits = []
    for _ in range(3):
        await announcer.deliver_due()
        [(_, item, not_before)] = await store.heads(core.db, "discord", TODAY.isoformat())
        waits.append(not_before - clock.now)
        clock.now = not_before
    assert waits == [2.0, 4.0, 8.0]
    sender.fail = None
    await announcer.deliver_due()
    assert len(sender.posts) == 1 and sender.posts[0]["nonce"] == item.nonce


async def test_moved_date_edits_the_posted_message(announcing):
    core, sender, announcer, clock = announcing
    await core.handle("!subscribe", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    await plan(core.db, TODAY)
    await drain(announcer, clock)
    assert len(sender.posts) == 1
    await add_listing(core, "Letter Never Sent", 1959, "2027-03-02", price="34.95")
    planned = await plan(core.db, TODAY)
    assert planned.moved and planned.queued == 0
    await drain(announcer, clock)
    assert len(sender.posts) == 1
    assert [e["id"] for e in sender.edits] == [sender.posts[0]["id"]]
    assert "releasing on 2 March 2027" in sender.edits[0]["text"]
    await drain(announcer, clock)
    assert len(sender.edits) == 1


async def test_mentions_only_when_opted_in(announcing):
    core, sender, announcer, clock = announcing
    bad = await core.handle("!subscribe mention:@everyone", ADMIN)
    assert bad.cards[0].kind == "error"
    await core.handle("!subscribe mention:<@&123456789012345678>", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    await plan(core.db, TODAY)
    await drain(announcer, clock)
    assert sender.posts[0]["mention"] == "123456789012345678"


async def test_unsubscribe_and_list(announcing):
    core, *_ = announcing
    await core.handle("!subscribe label:criterion", ADMIN)
    await core.handle("!subscribe format:dvd", ADMIN)
    again = await core.handle("!subscribe label:criterion", ADMIN)
    assert again.cards[0].title == "Already subscribed"
    listed = text_render.render_reply(await core.handle("!subscriptions", MEMBER))
    assert "#1" in listed and "#2" in listed and "nothing posted yet" in listed
    assert (await core.handle("!unsubscribe", ADMIN)).cards[0].title == "Which one?"
    assert (await core.handle("!unsubscribe 2", MEMBER)).cards[0].kind == "error"
    assert (await core.handle("!unsubscribe 2", ADMIN)).cards[0].title == "Unsubscribed"
    assert [s.id for s in await store.subscriptions(core.db)] == [1]


async def test_announce_test_posts_a_preview_and_retries_a_failing_channel(announcing):
    core, sender, _, _ = announcing
    service = AnnouncementService(core.db, timezone=ZoneInfo("UTC"))
    core.announcements = service
    announcer = service.attach(sender)
    try:
        await core.handle("!subscribe", ADMIN)
        reply = await core.handle("!announce-test", ADMIN)
        assert reply.cards[0].title == "Test announcement posted", reply
        assert "preview" in sender.posts[0]["text"]
        sender.fail = SendError("Missing Access", failing=True)
        refused = await core.handle("!announce-test", ADMIN)
        assert refused.cards[0].title == "I can't post here"
        assert (await core.handle("!announce-test", MEMBER)).cards[0].kind == "error"
    finally:
        service.detach("discord")
    assert announcer.platform == "discord"
