"""Announcements on Matrix against a real Synapse: power levels decide who subscribes,
announcements arrive once (transaction ids), moved dates edit them, a room where the bot
may not speak marks the subscription failing and keeps its queue."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.matrix_bot import MatrixBot
from bot.announce.card import announcement_reply
from bot.announce.service import AnnouncementService
from bot.core.engine import Core
from bot.importers.documents.importer import import_document
from bot.store import announcements as store
from bot.store.releases import releases_by_id
from tests import sql
from tests.listings import listing
from tests.synapse import Synapse, synapse_server_fixture  # noqa: F401 (the fixture)
from tests.test_matrix_bot import TIMEOUT, Room, _membership, _users, running

TODAY = date(2026, 11, 22)


@pytest.fixture
async def setup(synapse_server: Synapse, core: Core):
    core.today = lambda: TODAY
    service = AnnouncementService(
        core.db,
        timezone=ZoneInfo("UTC"),
        announcer_options={
            "target_spacing": 0.05,
            "retry_base": 0.1,
            "failing_retry": 0.3,
            "poll": 0.2,
        },
    )
    service.today = lambda: TODAY  # type: ignore[method-assign]
    core.announcements = service
    (bot_id, bot_token), ana, bob = await _users(synapse_server)
    bot = MatrixBot(
        core, synapse_server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500
    )
    async with running(bot):
        room_id = await synapse_server.create_room(ana[1], invite=[bot_id, bob[0]])
        await _membership(synapse_server, ana[1], room_id, bot_id, "join")
        await synapse_server.join(bob[1], room_id)
        yield (
            bot,
            service,
            Room(synapse_server, ana[1], room_id),
            Room(synapse_server, bob[1], room_id),
        )


async def _announcements(room: Room, count: int) -> list[dict]:
    """Wait until the room holds `count` announcements by the bot; return them all."""
    found: list[dict] = []

    def done(event: dict) -> bool:
        found[:] = [e for e in [*found, event] if "release announcements" in _body(e)]
        return len(found) >= count

    with contextlib.suppress(TimeoutError):
        await room.server.wait_for_event(room.token, room.room_id, lambda e: False, timeout=0.1)
    await room.server.wait_for_event(room.token, room.room_id, done, timeout=TIMEOUT)
    return [
        e
        for e in await room.server.messages(room.token, room.room_id)
        if "release announcements" in _body(e) and "m.new_content" not in e["content"]
    ]


def _body(event: dict) -> str:
    return str((event.get("content") or {}).get("body", ""))


async def _import(core: Core, title: str, year: int, day: str, **kw: Any) -> None:
    outcome = await import_document(
        core.db, f"{title}-{day}", listing(title, year, day, **kw).encode()
    )
    assert outcome.ok, outcome.message


async def test_power_level_decides_who_subscribes(setup: Any) -> None:
    bot, _, ana, bob = setup
    refused = await bob.ask("!subscribe label:criterion")
    assert "power level 50 or more" in refused["content"]["body"]
    assert await store.subscriptions(bot.db) == []
    made = await ana.ask("!subscribe label:criterion format:blu-ray")
    assert "Subscribed: #" in made["content"]["body"]
    [sub] = await store.subscriptions(bot.db)
    assert sub.platform == "matrix" and sub.target == ana.room_id
    listed = await bob.ask("!subscriptions")  # anyone may look
    assert "label: The Criterion Collection" in listed["content"]["body"]


async def test_announced_once_then_edited_when_the_date_moves(setup: Any) -> None:
    bot, service, ana, _ = setup
    await ana.ask("!subscribe label:criterion")
    await _import(bot.core, "Letter Never Sent", 1959, "2027-01-12")
    await service.plan_now()
    [event] = await _announcements(ana, 1)
    content = event["content"]
    assert content["msgtype"] == "m.notice" and content["m.mentions"] == {}
    assert "Announced, releasing on 12 January 2027" in content["body"]
    # Sending the same queued item again (a restart before it was recorded) lands once.
    assert await store.heads(bot.db, "matrix", TODAY.isoformat()) == []
    nonce, event_id, edition_id = await sql.fetchone(
        bot.db, "SELECT nonce, message_id, edition_id FROM announcements"
    )
    release = (await releases_by_id(bot.db, [edition_id]))[edition_id]
    again = await service.announcers["matrix"].sender.post(
        ana.room_id,
        announcement_reply(release, "announced", "2027-01-12", TODAY),
        nonce=nonce,
        mention=None,
    )
    assert again == event_id
    # The date moves: the posted message is edited, nothing new is posted.
    await _import(bot.core, "Letter Never Sent", 1959, "2027-03-02", price="29.95")
    await service.plan_now()
    edit = await ana.server.wait_for_event(
        ana.token,
        ana.room_id,
        lambda e: (e.get("content", {}).get("m.relates_to") or {}).get("rel_type") == "m.replace",
        timeout=TIMEOUT,
    )
    assert edit["content"]["m.relates_to"]["event_id"] == event_id
    assert "releasing on 2 March 2027" in edit["content"]["m.new_content"]["body"]
    assert len(await _announcements(ana, 1)) == 1


async def test_room_mention_only_when_opted_in(setup: Any) -> None:
    bot, service, ana, _ = setup
    await ana.ask("!subscribe format:dvd mention:@room")
    await _import(bot.core, "Letter Never Sent", 1959, "2027-01-12", fmt="DVD")
    await service.plan_now()
    [event] = await _announcements(ana, 1)
    assert event["content"]["msgtype"] == "m.text"
    assert event["content"]["m.mentions"] == {"room": True}
    assert event["content"]["body"].startswith("@room: ")


async def test_no_permission_marks_failing_and_keeps_the_queue(setup: Any) -> None:
    bot, service, ana, _ = setup
    await ana.ask("!subscribe")
    path = f"/_matrix/client/v3/rooms/{quote(ana.room_id, safe='')}/state/m.room.power_levels"
    levels = await ana.server.request("GET", path, token=ana.token)
    muted = {**levels, "events_default": 50}
    await ana.server.request("PUT", path, token=ana.token, body=muted)
    await _import(bot.core, "Letter Never Sent", 1959, "2027-01-12")
    await service.plan_now()
    await _import(bot.core, "I Am Cuba", 1964, "2027-02-01")
    await service.plan_now()
    announcer = service.announcers["matrix"]
    for _ in range(100):
        [sub] = await store.subscriptions(bot.db)
        if sub.status == "failing":
            break
        await asyncio.sleep(0.1)
    assert sub.status == "failing" and sub.queued == 2, sub
    await ana.server.request("PUT", path, token=ana.token, body=levels)
    announcer.wake()
    events = await _announcements(ana, 2)
    assert ["Letter Never Sent" in _body(events[0]), "I Am Cuba" in _body(events[1])] == [
        True,
        True,
    ]
    for _ in range(100):  # the second post lands just before its record
        [sub] = await store.subscriptions(bot.db)
        if sub.queued == 0:
            break
        await asyncio.sleep(0.05)
    assert sub.status == "ok" and sub.queued == 0
