"""Announcements on Discord end to end: real discord.py against the emulator, which
enforces Discord's per-channel rate limits and drops a repeated nonce as Discord does."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.announce.service import AnnouncementService
from bot.core.engine import Core
from bot.importers.documents.importer import import_document
from bot.store import announcements as store
from tests.discord_emulator import P_MANAGE_GUILD, P_SEND_MESSAGES, DiscordEmulator
from tests.limits import check_discord_payload
from tests.listings import listing
from tests.test_discord_bot import TIMEOUT, EmulatedFilmBot, _text

TODAY = date(2026, 11, 22)


@pytest.fixture
async def service(core: Core) -> AnnouncementService:
    core.today = lambda: TODAY
    service = AnnouncementService(
        core.db,
        timezone=ZoneInfo("UTC"),
        announcer_options={"retry_base": 0.1, "failing_retry": 0.3, "poll": 0.2},
    )
    service.today = lambda: TODAY  # type: ignore[method-assign]
    core.announcements = service
    return service


@pytest.fixture
async def bot(emu: DiscordEmulator, core: Core, service: AnnouncementService):
    with emu.patch():
        client = EmulatedFilmBot(core, guild_ready_timeout=0)
        task = asyncio.create_task(client.start("emulator-token"))
        try:
            await emu.wait_ready(TIMEOUT)
            await asyncio.wait_for(client.wait_until_ready(), TIMEOUT)
            for _ in range(100):
                if "discord" in service.announcers:
                    break
                await asyncio.sleep(0.05)
            yield client
        finally:
            await asyncio.wait_for(client.close(), TIMEOUT)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, TIMEOUT)
    assert emu.duplicates == []


async def _ask(emu: DiscordEmulator, name: str, options: dict | None = None, **kw) -> dict:
    handle = await emu.command(name, options or {}, **kw)
    callback = await handle.callback(TIMEOUT)
    if callback["type"] == 5:
        await emu.wait_until(lambda: handle.followups, TIMEOUT, "the deferred answer")
        return handle.followups[0]
    return callback["data"]


async def _settled(core: Core) -> store.Subscription:
    """The only subscription once its queue is recorded empty (a post lands just before
    its record)."""
    for _ in range(100):
        [sub] = await store.subscriptions(core.db)
        if sub.queued == 0:
            break
        await asyncio.sleep(0.05)
    return sub


async def _import(core: Core, title: str, year: int, day: str, **kw) -> None:
    outcome = await import_document(
        core.db, f"{title}-{day}", listing(title, year, day, **kw).encode()
    )
    assert outcome.ok, outcome.message


async def test_manage_server_decides_and_announcements_arrive_once(
    emu: DiscordEmulator, bot: EmulatedFilmBot, core: Core, service: AnnouncementService
) -> None:
    refused = await _ask(emu, "subscribe", {"label": "criterion"})
    assert "Manage Server" in _text(refused) and refused["flags"] & 64
    assert await store.subscriptions(core.db) == []
    role = emu.add_role("mods", P_MANAGE_GUILD)
    mod = emu.add_user("mod", roles=[role])
    made = await _ask(emu, "subscribe", {"label": "criterion", "format": "blu-ray"}, user_id=mod)
    assert "Subscribed: #1" in _text(made)
    await _import(core, "Letter Never Sent", 1959, "2027-01-12")
    await _import(core, "I Am Cuba", 1964, "2027-02-01", fmt="DVD")  # filtered out
    await service.plan_now()
    await emu.wait_until(lambda: emu.messages[emu.channel_id], TIMEOUT, "the announcement")
    await service.plan_now()
    await asyncio.sleep(0.5)
    [message] = emu.messages[emu.channel_id]
    body = next(
        r["json"]
        for r in emu.requests
        if r["method"] == "POST" and r["path"].endswith(f"/channels/{emu.channel_id}/messages")
    )
    check_discord_payload(body)
    assert body["nonce"] and body["enforce_nonce"] is True
    assert body["allowed_mentions"] == {"parse": []}
    assert "Announced, releasing on 12 January 2027" in _text(message)
    [row] = await store.delivered(core.db, 1)
    assert row[2] == message["id"]
    # The date moves: the same message is edited.
    await _import(core, "Letter Never Sent", 1959, "2027-03-02", price="29.95")
    await service.plan_now()
    await emu.wait_until(
        lambda: "2 March 2027" in _text(emu.messages[emu.channel_id][0]), TIMEOUT, "the edit"
    )
    assert len(emu.messages[emu.channel_id]) == 1


async def test_role_mention_only_when_opted_in(
    emu: DiscordEmulator, bot: EmulatedFilmBot, core: Core, service: AnnouncementService
) -> None:
    role = emu.add_role("release-watchers", 0)
    await _ask(emu, "subscribe", {"mention": str(role)}, user_id=emu.owner_id)
    await _import(core, "Letter Never Sent", 1959, "2027-01-12")
    await service.plan_now()
    await emu.wait_until(lambda: emu.messages[emu.channel_id], TIMEOUT, "the announcement")
    body = next(
        r["json"] for r in emu.requests if r["method"] == "POST" and "/channels/" in r["path"]
    )
    assert body["content"].startswith(f"<@&{role}>")
    mentions = body["allowed_mentions"]
    assert mentions["parse"] == [] and [str(r) for r in mentions["roles"]] == [str(role)]


async def test_missing_permission_fails_visibly_and_keeps_the_queue(
    emu: DiscordEmulator, bot: EmulatedFilmBot, core: Core, service: AnnouncementService
) -> None:
    other = await emu.create_channel("releases")
    await _ask(emu, "subscribe", {}, user_id=emu.owner_id, channel_id=other)
    emu.deny("POST", f"/channels/{other}/messages")
    await _import(core, "Letter Never Sent", 1959, "2027-01-12")
    await service.plan_now()
    await _import(core, "I Am Cuba", 1964, "2027-02-01")
    await service.plan_now()
    for _ in range(100):
        [sub] = await store.subscriptions(core.db)
        if sub.status == "failing":
            break
        await asyncio.sleep(0.05)
    assert sub.status == "failing" and sub.queued == 2
    health = await _ask(emu, "subscriptions", {}, channel_id=other)
    assert "Failing since" in _text(health) and "Missing Permissions" in _text(health)
    test = await _ask(emu, "announce-test", {}, user_id=emu.owner_id, channel_id=other)
    assert "I can't post here" in _text(test)
    emu.undeny()
    posted = await _ask(emu, "announce-test", {}, user_id=emu.owner_id, channel_id=other)
    assert "Test announcement posted" in _text(posted)
    await emu.wait_until(lambda: len(emu.messages[other]) == 3, TIMEOUT, "the queue")
    titles = [m["embeds"][0]["title"] for m in emu.messages[other]]
    assert "Letter Never Sent" in titles[1] and "I Am Cuba" in titles[2]
    sub = await _settled(core)
    assert sub.status == "ok" and sub.queued == 0


async def test_cached_permissions_spare_a_failed_request(
    emu: DiscordEmulator, bot: EmulatedFilmBot, core: Core, service: AnnouncementService
) -> None:
    muted = await emu.create_channel(
        "muted",
        permission_overwrites=[
            {"id": str(emu.bot_role_id), "type": 0, "allow": "0", "deny": str(P_SEND_MESSAGES)}
        ],
    )
    await asyncio.sleep(0.2)  # CHANNEL_CREATE reaches the cache
    await _ask(emu, "subscribe", {}, user_id=emu.owner_id, channel_id=muted)
    await _import(core, "Letter Never Sent", 1959, "2027-01-12")
    await service.plan_now()
    for _ in range(100):
        [sub] = await store.subscriptions(core.db)
        if sub.status == "failing":
            break
        await asyncio.sleep(0.05)
    assert sub.status_note == "Missing Permissions: Send Messages"
    assert not [
        r for r in emu.requests if r["method"] == "POST" and f"/channels/{muted}/" in r["path"]
    ]
