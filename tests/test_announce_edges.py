"""Announcement edge cases found in review: dates that move while a post is in flight or
back and forth, plans rolled back, subscriptions removed mid-plan, undated editions,
permanent refusals, filters that must match whole words."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date
from types import SimpleNamespace

import discord

from bot.adapters.discord_announce import _send_error
from bot.adapters.platforms import DISCORD
from bot.announce.delivery import Announcer
from bot.announce.planner import plan
from bot.core.request import Request
from bot.filters import EditionProfile
from bot.store import announcements as store
from bot.store import edition_seen
from bot.store.announcements import Outgoing
from tests import sql
from tests.announce_helpers import (
    ADMIN,
    TODAY,
    Clock,
    RecordingSender,
    add_listing,
    drain,
    parse_subscribe,
)


async def test_a_released_post_whose_date_moves_out_says_postponed_then_out(announcing):
    core, sender, announcer, clock = announcing
    await core.handle("!subscribe", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, "2026-12-01")
    await plan(core.db, TODAY)
    await drain(announcer, clock)
    # A stale listing says it is out today: 'Out today' is posted.
    await add_listing(core, "Letter Never Sent", 1959, TODAY.isoformat(), price="1.00")
    await plan(core.db, TODAY)
    await drain(announcer, clock)
    assert sender.posts[-1]["text"].startswith("Out today: Letter Never Sent")
    # The right date again: that message now says it is postponed, nothing new is posted.
    await add_listing(core, "Letter Never Sent", 1959, "2026-12-01", price="2.00")
    await plan(core.db, TODAY)
    await drain(announcer, clock)
    postponed = [e for e in sender.edits if e["id"] == sender.posts[-1]["id"]]
    assert postponed and postponed[-1]["text"].startswith("Postponed: Letter Never Sent")
    assert "Now releasing on 1 December 2026" in postponed[-1]["text"]
    posts = len(sender.posts)
    await drain(announcer, clock)  # no edit loop while it waits
    edits = len(sender.edits)
    # The day arrives: the same message becomes 'Out today'; still no second post.
    day = date(2026, 12, 1)
    announcer.today = lambda: day
    await plan(core.db, day)
    await drain(announcer, clock)
    assert len(sender.posts) == posts
    assert len(sender.edits) == edits + 1
    assert sender.edits[-1]["text"].startswith("Out today: Letter Never Sent")


class GatedSender(RecordingSender):
    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()

    async def post(self, target, reply, *, nonce, mention):
        self.entered.set()
        await self.gate.wait()
        return await super().post(target, reply, nonce=nonce, mention=mention)


async def test_a_date_moving_out_while_its_release_post_is_in_flight_posts_once(core):
    core.today = lambda: TODAY
    sender = GatedSender()
    clock = Clock()
    announcer = Announcer(
        core.db, sender, today=core.today, spacing=0, target_spacing=0, clock=clock
    )
    await core.handle("!subscribe since:2026-01-01", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, TODAY.isoformat())
    await plan(core.db, TODAY)
    task = asyncio.create_task(announcer.deliver_due())
    await sender.entered.wait()
    await add_listing(core, "Letter Never Sent", 1959, "2026-12-01", price="5.00")
    await plan(core.db, TODAY)
    sender.gate.set()
    await task
    later = date(2026, 12, 1)
    announcer.today = lambda: later
    await plan(core.db, later)
    await drain(announcer, clock)
    released = [p for p in sender.posts if p["text"].startswith(("Out ", "Postponed"))]
    assert len(released) == 1
    assert sender.edits and sender.edits[-1]["text"].startswith("Out today")


async def test_delivery_never_reads_a_plan_before_it_commits(core, monkeypatch):
    core.today = lambda: TODAY
    sender = RecordingSender()
    clock = Clock()
    announcer = Announcer(
        core.db, sender, today=core.today, spacing=0, target_spacing=0, clock=clock, poll=0.01
    )
    await core.handle("!subscribe", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    original = edition_seen.mark_seen
    calls = {"n": 0}

    async def crashing(tx, ids):
        await asyncio.sleep(0.3)  # the delivery loop runs meanwhile
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the plan fails after queueing (a stand-in for a crash)")
        return await original(tx, ids)

    monkeypatch.setattr(edition_seen, "mark_seen", crashing)
    running = asyncio.create_task(announcer.run())
    try:
        with contextlib.suppress(RuntimeError):
            await plan(core.db, TODAY)
        await asyncio.sleep(0.1)
        assert sender.posts == []  # nothing of the rolled-back plan was sent
        await plan(core.db, TODAY)
        await asyncio.wait_for(_until(lambda: sender.posts), 5)
    finally:
        running.cancel()
    assert len(sender.posts) == 1


async def _until(predicate) -> None:
    while not predicate():
        await asyncio.sleep(0.02)


async def test_a_subscription_removed_mid_plan_is_skipped(core, monkeypatch):
    core.today = lambda: TODAY
    await core.handle("!subscribe", ADMIN)
    other = Request(DISCORD, channel="200", user="1", scope="9", can_manage=True)
    await core.handle("!subscribe", other)
    stale = await store.subscriptions(core.db)
    await store.remove_subscription(core.db, stale[1].id)  # /unsubscribe wins the race

    async def racing(db, **kw):
        return stale

    monkeypatch.setattr(store, "subscriptions", racing)
    await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    assert (await plan(core.db, TODAY)).queued == 1


async def test_the_same_row_always_gets_the_same_nonce(announcing):
    core, *_ = announcing
    await core.handle("!subscribe", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, "2027-01-12")
    await plan(core.db, TODAY)
    first = await sql.fetchone(core.db, "SELECT id, nonce FROM announcements")
    async with core.db.transaction() as tx:
        await sql.execute(tx, "DELETE FROM announcements")
        await sql.execute(tx, "DELETE FROM edition_seen")
    await plan(core.db, TODAY)
    again = await sql.fetchone(core.db, "SELECT nonce FROM announcements")
    assert again[0] == first[1] and len(first[1]) <= 25


def test_each_edit_has_its_own_key():
    nonce = "fa" + "0" * 22
    keys = {
        Outgoing(1, 1, 1, "announced", nonce, d, "sent", "m", "x", 0, n).edit_key
        for n, d in enumerate(["2027-01-01", "2027-02-01", "2027-01-01", "2027-02-01"])
    }
    assert len(keys) == 4 and all(len(k) <= 25 for k in keys)


async def test_undated_new_editions_are_not_news(announcing):
    core, *_ = announcing
    await core.handle("!subscribe", ADMIN)
    async with core.db.transaction() as tx:
        films = [r[0] for r in await sql.fetchall(tx, "SELECT id FROM films LIMIT 30")]
        for i, film in enumerate(films):
            [(edition_id,)] = await sql.fetchall(
                tx,
                "INSERT INTO editions (external_key, title, spine) "
                "SELECT ?, title, ? FROM films WHERE id = ? RETURNING id",
                (f"criterion:new:{i}", str(9000 + i), film),
            )
            await sql.execute(
                tx,
                "INSERT INTO edition_films (edition_id, film_id) VALUES (?, ?)",
                (edition_id, film),
            )
    assert (await plan(core.db, TODAY)).queued == 0
    # Once a listing gives one of them a date, it is news.
    async with core.db.transaction() as tx:
        await sql.execute(
            tx,
            "UPDATE editions SET release_date = '2027-05-01' WHERE external_key = 'criterion:new:3'",
        )
    assert (await plan(core.db, TODAY)).queued == 1


def test_a_refusal_for_good_marks_the_subscription_failing():
    response = SimpleNamespace(status=400, reason="Bad Request")
    refused = _send_error(discord.HTTPException(response, {"code": 50035, "message": "Invalid"}))
    assert refused.failing and "400" in refused.reason
    server = _send_error(
        discord.HTTPException(SimpleNamespace(status=502, reason="Bad Gateway"), "oops")
    )
    assert not server.failing


def test_filters_match_whole_words():
    niger = parse_subscribe("country:niger").filters
    assert not niger.matches(EditionProfile(1, "x", "Blu-ray", None, countries=("nigeria",)))
    assert niger.matches(EditionProfile(1, "x", "Blu-ray", None, countries=("niger",)))
    ray = parse_subscribe("director:ray").filters
    assert not ray.matches(EditionProfile(2, "x", "Blu-ray", None, directors=("raymond depardon",)))
    assert ray.matches(EditionProfile(2, "x", "Blu-ray", None, directors=("nicholas ray",)))


async def test_the_shared_budgets_round_trip_is_not_added_to_the_spacing():
    """Sends are spaced `spacing` apart, the shared budget asked within that time: a budget
    answering in 30 ms with spacing 50 ms gives 20 sends a second, not 12.5 (bench/scale.py:
    one process on PostgreSQL sent ~32/s instead of 45)."""
    asked: list[float] = []

    async def budget() -> float:
        asked.append(asyncio.get_running_loop().time())
        await asyncio.sleep(0.03)  # the transaction on a busy database
        return 0.0

    sender = SimpleNamespace(platform="discord")
    announcer = Announcer(None, sender, today=date.today, spacing=0.05, budget=budget)  # type: ignore[arg-type]
    started = asyncio.get_running_loop().time()
    for _ in range(11):
        await announcer._paced()
    elapsed = asyncio.get_running_loop().time() - started
    assert 0.5 <= elapsed < 0.5 + 0.03 + 0.15  # 10 gaps of 50 ms, the last round trip, slack
    assert len(asked) == 11
