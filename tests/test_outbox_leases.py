"""Several processes share one outbox (issue 20): channel leases on both backends.

Store level: a channel is claimed by one owner at a time, with its oldest due item; an
expired lease is taken over, and the first owner's late outcome then changes nothing; a
renewed lease is not. Workers: three Announcers with their own connections deliver every
item once, in order per channel, never two sends to one channel at once. Processes: a
worker SIGKILLed with sends in flight (they reached the platform, their answers did not
come back) keeps its channels until its lease runs out, never longer: another worker then
claims them and re-sends those items with their nonces, which the platform drops.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.announce.delivery import Announcer
from bot.cards import Reply
from bot.filters import Filters
from bot.store import announcements, open_database, outbox_leases, shared_limits
from bot.store.announcements import Release
from bot.store.db import Database
from tests import sql
from tests.outbox_worker import TODAY

ROOT = Path(__file__).resolve().parent.parent
DAY = TODAY.isoformat()


async def _outbox(
    db: Database, channels: int, per_channel: int, *, subscriptions_per_channel: int = 1
) -> dict[str, list[int]]:
    """`per_channel` queued announcements in each of `channels` Discord channels (one or
    more catch-all subscriptions each); target -> announcement ids in delivery order."""
    editions = []
    async with db.transaction() as tx:
        for i in range(per_channel):
            editions.append(
                await sql.scalar(
                    tx,
                    "INSERT INTO editions (external_key, title, format, release_date) "
                    "VALUES (?, ?, 'Blu-ray', ?) RETURNING id",
                    (f"test:lease:{i}", f"Edition {i}", f"2027-01-{i % 28 + 1:02d}"),
                )
            )
        for c in range(channels):
            for s in range(subscriptions_per_channel):
                sub = await announcements.add_subscription(
                    tx, platform="discord", scope=str(1000 + c), target=f"chan-{c}",
                    filters=Filters(), mention=None, since=DAY, created_by=f"test{s}",
                )  # fmt: skip
                await announcements.enqueue(
                    tx, [(sub, e, "announced", "2027-01-01") for e in editions]
                )
    rows = await sql.fetchall(
        db,
        "SELECT s.target, a.id FROM announcements a JOIN subscriptions s "
        "ON s.id = a.subscription_id ORDER BY a.id",
    )
    order: dict[str, list[int]] = defaultdict(list)
    for target, item_id in rows:
        order[target].append(int(item_id))
    return dict(order)


async def _claim(db: Database, owner: str, now: float, *, lease: float = 30.0, limit: int = 10):
    return await outbox_leases.claim(
        db, "discord", DAY, owner=owner, now=now, lease=lease, limit=limit
    )


def _release(claim: outbox_leases.Claim, at: float) -> Release:
    return Release("discord", claim.subscription.target, claim.owner, at)


async def test_a_channel_is_claimed_by_one_owner_with_its_oldest_item(store_db: Database):
    order = await _outbox(store_db, 2, 3, subscriptions_per_channel=2)
    claims, _ = await _claim(store_db, "a", 1000.0)
    # One item per channel, the channel's oldest (two subscriptions share chan-0).
    assert sorted((c.subscription.target, c.item.id) for c in claims) == [
        (target, ids[0]) for target, ids in sorted(order.items())
    ]
    assert all(c.owner == "a" and c.lease_until == 1030.0 for c in claims)
    assert await _claim(store_db, "b", 1000.0) == ([], 1030.0)  # both held; free at 1030
    first = next(c for c in claims if c.subscription.target == "chan-0")
    await announcements.mark_sent(store_db, first.item, "m1", None, release=_release(first, 1001))
    # The channel is free again from 1001 (its spacing), for any owner.
    assert (await _claim(store_db, "b", 1000.5))[0] == []
    [second] = (await _claim(store_db, "b", 1001.0))[0]
    assert (second.subscription.target, second.item.id) == ("chan-0", order["chan-0"][1])
    leases = await outbox_leases.channel_leases(store_db, "discord")
    assert leases == {"chan-0": ("b", 1031.0), "chan-1": ("a", 1030.0)}


async def test_an_expired_lease_is_taken_over_and_the_late_outcome_changes_nothing(
    store_db: Database,
):
    order = await _outbox(store_db, 1, 2)
    [mine] = (await _claim(store_db, "a", 1000.0, lease=30))[0]
    assert (await _claim(store_db, "b", 1029.9))[0] == []
    [taken] = (await _claim(store_db, "b", 1030.0))[0]
    assert taken.item == mine.item and taken.owner == "b"
    await announcements.mark_sent(store_db, taken.item, "m-b", None, release=_release(taken, 1031))
    # "a" comes back late (it was slow, not dead): its record and its release do nothing.
    await announcements.mark_sent(store_db, mine.item, "m-a", None, release=_release(mine, 1032))
    await announcements.mark_failed(
        store_db, mine.item, error="late", retry_at=5000, failing=True, release=_release(mine, 1032)
    )
    sent = await sql.fetchall(
        store_db, "SELECT message_id, attempts, edits FROM announcements WHERE id = ?",
        (mine.item.id,),
    )  # fmt: skip
    assert [tuple(r) for r in sent] == [("m-b", 0, 0)]
    [after] = (await _claim(store_db, "b", 1031.0))[0]
    assert after.item.id == order["chan-0"][1]


async def test_a_renewed_lease_is_kept_and_a_stopping_owner_gives_all_back(store_db: Database):
    await _outbox(store_db, 2, 1)
    claims, _ = await _claim(store_db, "a", 1000.0, lease=10)
    assert len(claims) == 2
    assert await outbox_leases.renew(store_db, "discord", "a", ["chan-0"], 1100.0) == 1
    assert await outbox_leases.renew(store_db, "discord", "b", ["chan-1"], 1100.0) == 0
    [taken] = (await _claim(store_db, "b", 1050.0))[0]  # chan-1 expired; chan-0 renewed
    assert taken.subscription.target == "chan-1"
    assert await outbox_leases.release_all(store_db, "discord", "a") == 1
    [freed] = (await _claim(store_db, "c", 1050.0))[0]
    assert freed.subscription.target == "chan-0"


async def test_a_dead_owner_of_this_machine_is_not_waited_for(store_db: Database):
    await _outbox(store_db, 2, 1)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = f"{socket.gethostname()}:{gone.pid}:0000"
    alive = f"{socket.gethostname()}:{os.getppid()}:0000"
    elsewhere = f"another-host:{gone.pid}:0000"
    assert outbox_leases.owner_is_dead(dead)
    assert not outbox_leases.owner_is_dead(alive) and not outbox_leases.owner_is_dead(elsewhere)
    [first] = (await _claim(store_db, dead, 1000.0, limit=1))[0]
    [second] = (await _claim(store_db, elsewhere, 1000.0, limit=1))[0]
    assert await outbox_leases.free_dead_owners(store_db, "discord") == [dead]
    [taken] = (await _claim(store_db, "restarted", 1001.0))[0]
    assert taken.item == first.item and taken.subscription.target != second.subscription.target


async def test_claims_only_the_subscriptions_a_process_owns(store_db: Database):
    await _outbox(store_db, 4, 1)
    claims, _ = await outbox_leases.claim(
        store_db, "discord", DAY, owner="a", now=1000.0, lease=30, limit=10,
        owns=lambda sub: int(sub.scope) % 2 == 0,
    )  # fmt: skip
    assert sorted(c.subscription.target for c in claims) == ["chan-0", "chan-2"]


# --- workers ----------------------------------------------------------------------------


@pytest.fixture(params=("sqlite", "postgres"))
async def outbox_target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database several connections (or processes) open: a file or a URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "outbox.sqlite3")
        return
    server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    try:
        yield url
    finally:
        await server.drop_database(url)


class SharedChannelSender:
    """The platform several workers post to: a repeated nonce returns the first message
    (Discord's enforce_nonce); records which worker sent what and whether two sends to
    one channel were ever in flight at once."""

    platform = "discord"

    def __init__(self, log: SharedLog, owner: str) -> None:
        self.log = log
        self.owner = owner

    async def post(self, target: str, reply: Reply, *, nonce: str, mention: str | None) -> str:
        log = self.log
        log.inflight[target] += 1
        log.most_inflight = max(log.most_inflight, log.inflight[target])
        try:
            await asyncio.sleep(0.002)
            if nonce in log.by_nonce:
                log.nonce_hits += 1
                return log.by_nonce[nonce]
            message_id = f"m{len(log.by_nonce) + 1}"
            log.by_nonce[nonce] = message_id
            log.posts[target].append(nonce)
            log.owners[self.owner] += 1
            return message_id
        finally:
            log.inflight[target] -= 1

    async def edit(self, target, message_id, reply, *, nonce, mention) -> None:
        raise AssertionError("no edits here")


class SharedLog:
    def __init__(self) -> None:
        self.by_nonce: dict[str, str] = {}
        self.posts: dict[str, list[str]] = defaultdict(list)
        self.inflight: Counter[str] = Counter()
        self.owners: Counter[str] = Counter()
        self.most_inflight = 0
        self.nonce_hits = 0


async def _nonce_order(db: Database) -> dict[str, list[str]]:
    rows = await sql.fetchall(
        db,
        "SELECT s.target, a.nonce FROM announcements a JOIN subscriptions s "
        "ON s.id = a.subscription_id ORDER BY a.id",
    )
    order: dict[str, list[str]] = defaultdict(list)
    for target, nonce in rows:
        order[target].append(nonce)
    return dict(order)


async def _wait_for(condition, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _unsent(db: Database) -> int:
    return int(await sql.scalar(db, "SELECT count(*) FROM announcements WHERE state <> 'sent'"))


async def test_workers_on_their_own_connections_deliver_once_in_order(outbox_target: str):
    setup = await open_database(outbox_target)
    workers: list[Database] = []
    tasks: list[asyncio.Task] = []
    try:
        await _outbox(setup, 8, 6)
        expected = await _nonce_order(setup)
        log = SharedLog()
        granted: list[str] = []

        def budget_of(db: Database, owner: str):
            async def take() -> float:
                wait = await shared_limits.take_send(
                    db, "discord", rate=1000, burst=1000, now=time.time()
                )
                if wait == 0:
                    granted.append(owner)
                return wait

            return take

        for n in range(3):
            db = await open_database(outbox_target)
            workers.append(db)
            owner = f"worker-{n}"
            announcer = Announcer(
                db, SharedChannelSender(log, owner), today=lambda: TODAY, spacing=0,
                target_spacing=0, concurrency=2, poll=0.05, owner=owner, lease=5.0,
                budget=budget_of(db, owner),
            )  # fmt: skip
            tasks.append(asyncio.create_task(announcer.run()))
        await _wait_for(lambda: _no_unsent(setup), 60, "every item sent")
        assert dict(log.posts) == expected  # each once, in order per channel
        assert log.nonce_hits == 0  # nothing was sent twice, not even deduplicated
        assert log.most_inflight == 1  # never two sends to one channel at once
        assert len(log.owners) >= 2  # the work was shared (2 channels at a time each)
        # Every send took its token from the one budget the workers share.
        assert Counter(granted) == log.owners
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for db in workers:
            await db.close()
        await setup.close()


async def _no_unsent(db: Database) -> bool:
    return await _unsent(db) == 0


# --- processes --------------------------------------------------------------------------


class Sink:
    """The platform for the worker processes, on 127.0.0.1: a repeated nonce returns the
    first message. Posts from an owner in `hang` are kept but never answered (the send
    landed; its answer is lost when the worker dies)."""

    def __init__(self) -> None:
        self.by_nonce: dict[str, str] = {}
        self.posts: dict[str, list[str]] = defaultdict(list)
        self.received: list[tuple[str, str, float]] = []  # (owner, nonce, unix time)
        self.nonce_hits = 0
        self.hang: set[str] = set()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/post", self._post)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self._stopping.set()  # the hanging answers end (their workers are gone)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        owner, nonce, target = body["owner"], body["nonce"], body["target"]
        self.received.append((owner, nonce, time.time()))
        if nonce in self.by_nonce:
            self.nonce_hits += 1
        else:
            self.by_nonce[nonce] = f"m{len(self.by_nonce) + 1}"
            self.posts[target].append(nonce)
        if owner in self.hang:
            await self._stopping.wait()  # never, for a worker that lives
        return web.json_response({"id": self.by_nonce[nonce]})


def _start_worker(target: str, sink: Sink, owner: str, lease: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.outbox_worker", "--db", target, "--sink", sink.url,
         "--owner", owner, "--lease", str(lease)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


async def test_a_killed_workers_channels_move_to_another_when_its_lease_runs_out(
    outbox_target: str,
):
    lease = 1.5
    setup = await open_database(outbox_target)
    sink = Sink()
    await sink.start()
    sink.hang.add("dying")
    children: list[subprocess.Popen] = []
    try:
        await _outbox(setup, 4, 4)
        expected = await _nonce_order(setup)
        dying = _start_worker(outbox_target, sink, "dying", lease)
        children.append(dying)

        async def held() -> dict[str, tuple[str | None, float]]:
            return await outbox_leases.channel_leases(setup, "discord")

        # Its four sends landed (concurrency 4: every channel's first item), unanswered.
        await _wait_for(lambda: _received(sink, "dying", 4), 60, "the dying worker's sends")
        first = await held()
        assert {holder for holder, _ in first.values()} == {"dying"}
        # While it lives, it renews: its leases outlast the first ones.
        await _wait_for(lambda: _renewed(held, first), 30, "the dying worker renewing its leases")
        taker = _start_worker(outbox_target, sink, "taker", lease)
        children.append(taker)
        os.killpg(dying.pid, signal.SIGKILL)
        dying.wait(30)
        last = {target: until for target, (_, until) in (await held()).items()}
        await _wait_for(lambda: _no_unsent(setup), 60, "every item sent after the kill")
        assert dict(sink.posts) == expected  # once each, in order per channel
        resent = [(nonce, at) for owner, nonce, at in sink.received if owner == "taker"]
        firsts = {nonces[0]: target for target, nonces in expected.items()}
        # The taker re-sent exactly the four in-flight items, with their nonces ...
        assert sink.nonce_hits == 4
        assert sorted(n for n, _ in resent if n in firsts) == sorted(firsts)
        # ... and not before the dead worker's leases ran out.
        for nonce, at in resent:
            if nonce in firsts:
                assert at >= last[firsts[nonce]]
        rows = await sql.fetchall(setup, "SELECT nonce, message_id FROM announcements")
        assert {r[0]: r[1] for r in rows} == sink.by_nonce
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(30)
        await sink.stop()
        await setup.close()


async def _received(sink: Sink, owner: str, count: int) -> bool:
    return sum(1 for o, _, _ in sink.received if o == owner) >= count


async def _renewed(held, first: dict[str, tuple[str | None, float]]) -> bool:
    now = await held()
    return all(
        holder == "dying" and until > first[target][1] for target, (holder, until) in now.items()
    )
