"""One syncing process per Matrix account (issue 20, point 4), against a real Synapse: two
bots of one account on one database (two connections, as two processes would have), on
SQLite and PostgreSQL. The lease decides which one answers; a leader killed without giving
its lease up is replaced by the standby once the lease runs out, which answers what was
sent meanwhile (from the saved sync token) and finishes the reply the dead leader had sent
but not confirmed (the homeserver drops the copy); a leader whose lease another process
took stops answering at once. No command is answered twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.adapters.matrix_bot import MatrixBot
from bot.core.engine import Core
from bot.core.loader import load_core
from bot.store import matrix_state, open_database, shared_limits
from tests.synapse import Synapse, synapse_server_fixture  # noqa: F401 (the fixture)
from tests.tasks import stop
from tests.test_matrix_bot import TIMEOUT, _in_reply_to, _room_with_bot, _users

LEASE_SECONDS = 2.0  # small, so the test waits little for a lease to run out
RENEW_SECONDS = 0.5


@pytest.fixture(params=("sqlite", "postgres"))
async def two_cores(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[list[Core]]:
    """Two cores on one new database, each on a connection of its own."""
    url = None
    if request.param == "sqlite":
        target: str | Path = tmp_path / "shared.sqlite3"
    else:
        server = request.getfixturevalue("postgres_server")
        target = url = await server.create_database()
    cores: list[Core] = []
    try:
        for i in range(2):
            db = await open_database(target, local_path=tmp_path / f"process-{i}")
            cores.append(await load_core(db))
        yield cores
    finally:
        for core in cores:
            await core.close()
        if url is not None:
            await server.drop_database(url)


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Poll for `condition` (no speed asserted: a generous timeout only)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not condition():
        assert loop.time() < deadline, f"not within {TIMEOUT} s: {what}"
        await asyncio.sleep(0.05)


async def _stop(bot: MatrixBot, task: asyncio.Task, *, killed: bool = False) -> None:
    """Stop a bot; `killed`: as a SIGKILL would, without giving the lease up."""
    if killed:

        async def nothing() -> None:
            pass

        bot._release_lease = nothing  # type: ignore[method-assign]
    await stop(task)
    await bot.close()


async def test_one_leader_answers_and_a_standby_takes_over_when_it_dies(
    two_cores: list[Core], synapse_server: Synapse, monkeypatch: pytest.MonkeyPatch
) -> None:
    core_a, core_b = two_cores
    (bot_id, bot_token), ana, _ = await _users(synapse_server)

    def new_bot(core: Core) -> MatrixBot:
        return MatrixBot(
            core,
            synapse_server.base_url,
            bot_id,
            access_token=bot_token,
            sync_timeout_ms=500,
            lease_seconds=LEASE_SECONDS,
            lease_renew_seconds=RENEW_SECONDS,
        )

    refused: Counter[str] = Counter()
    hold_lease = shared_limits.hold_lease

    async def counted(*args: object, **kwargs: object) -> bool:
        held = await hold_lease(*args, **kwargs)  # type: ignore[arg-type]
        refused[str(args[2])] += not held
        return held

    monkeypatch.setattr(shared_limits, "hold_lease", counted)
    # The leader dies after its reply to one command landed, before confirming it.
    dying: list[bool] = []
    sent_then_died = asyncio.Event()
    reply_sent = matrix_state.reply_sent

    async def confirm(db: object, *args: str) -> None:
        if db is core_a.db and dying:
            sent_then_died.set()
            await asyncio.Event().wait()  # killed here
        await reply_sent(db, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(matrix_state, "reply_sent", confirm)

    a, b = new_bot(core_a), new_bot(core_b)
    lease = f"matrix:{bot_id}"
    task_a = asyncio.create_task(a.run())
    task_b: asyncio.Task | None = None
    try:
        await _until(a.ready.is_set, "the first bot leads and syncs")
        task_b = asyncio.create_task(b.run())
        await _until(lambda: refused[b.holder] >= 2, "the second bot stands by")
        room = await _room_with_bot(synapse_server, ana, bot_id)

        # One leader: every command is answered once, by it.
        first = [await room.send(f"!help {name}") for name in ("film", "plot", "find")]
        for event_id in first:
            await room.reply_to(event_id)
        assert a.leading and not b.leading and not b.ready.is_set()
        # a reply is counted once recorded, which may be just after the room shows it
        await _until(lambda: a.replies == 3, "the leader counts its three replies")
        assert b.replies == 0
        assert (await shared_limits.lease_holder(core_b.db, lease))[0] == a.holder

        # The leader dies between a reply that landed and its confirmation, keeping its lease.
        dying.append(True)
        crashed = await room.send("!help edition")
        await asyncio.wait_for(sent_then_died.wait(), TIMEOUT)
        await _stop(a, task_a, killed=True)
        gap = await room.send("!help review")  # nobody syncs now
        # The standby takes over once the lease runs out, from the saved sync token.
        await room.reply_to(gap)
        assert b.leading and (await shared_limits.lease_holder(core_a.db, lease))[0] == b.holder
        after = await room.send("!about")
        await room.reply_to(after)
        # `crashed` sent again with the claimed transaction id (dropped by the homeserver),
        # `gap` and `after`.
        await _until(lambda: b.replies == 3, "the standby counts its three replies")
        assert (await matrix_state.reply_for(core_b.db, bot_id, crashed))[1] is not None

        # A leader whose lease another process took (it was paused too long, say) stops at
        # once; it answers again only when it holds the lease again.
        async with core_a.db.transaction() as tx:
            await tx._execute(
                "UPDATE leases SET holder = 'elsewhere', lease_until = lease_until + 3600 "
                "WHERE name = ?",
                (lease,),
            )
        await _until(lambda: not b.leading, "the leader stops when it finds its lease taken")
        unheard = await room.send("!help pick")
        await asyncio.sleep(4 * RENEW_SECONDS)  # a few syncs' worth: nobody answers now
        assert unheard not in {_in_reply_to(e) for e in await room.replies()}
        assert await shared_limits.drop_lease(core_a.db, lease, "elsewhere")
        await room.reply_to(unheard)  # b leads again and answers it from its saved token

        replies = Counter(_in_reply_to(e) for e in await room.replies())
        for event_id in (*first, crashed, gap, after, unheard):
            assert replies[event_id] == 1, event_id
        await _until(lambda: b.replies == 4, "the standby counts its fourth reply")
        assert (a.replies, b.replies) == (3, 4)
    finally:
        if not task_a.done():
            await _stop(a, task_a)
        if task_b is not None:
            await _stop(b, task_b)
