"""Benchmark: filmbot on Matrix, through a real Synapse on 127.0.0.1.

A user sends 200 commands one after another (`!film <real title (year)>`) and waits for
each reply; the latency is from the send request leaving to the reply arriving in the
user's own /sync long-poll. The bot (`MatrixBot` on the bundled catalog) runs in this
process. Baseline, same run and server: an echo bot on the same matrix-nio client
settings that answers every command with a fixed notice, so the difference is filmbot's
own work and the path through Synapse is shown on its own.

    .venv/bin/python bench/matrix_latency.py [--commands 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.synapse

import aiohttp  # noqa: E402
from nio import AsyncClient, RoomMessageText  # noqa: E402

from bot.adapters.matrix_bot import MatrixBot  # noqa: E402
from bot.app import start_core  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store import films  # noqa: E402
from tests.synapse import Synapse  # noqa: E402


class Listener:
    """The user's side: one /sync long-poll loop that timestamps every reply."""

    def __init__(self, server: Synapse, token: str, room_id: str) -> None:
        self.server, self.token, self.room_id = server, token, room_id
        self.arrived: dict[str, float] = {}
        self.waiters: dict[str, asyncio.Future[float]] = {}

    async def run(self) -> None:
        room_filter = json.dumps({"room": {"rooms": [self.room_id], "timeline": {"limit": 50}}})
        since = None
        async with aiohttp.ClientSession() as session:
            while True:
                params = {"filter": room_filter, "timeout": "30000" if since else "0"}
                if since:
                    params["since"] = since
                data = await self.server.request(
                    "GET",
                    "/_matrix/client/v3/sync",
                    token=self.token,
                    params=params,
                    session=session,
                )
                now = time.perf_counter()
                since = data["next_batch"]
                room = data.get("rooms", {}).get("join", {}).get(self.room_id, {})
                for event in room.get("timeline", {}).get("events", []):
                    relates = event.get("content", {}).get("m.relates_to") or {}
                    target = (relates.get("m.in_reply_to") or {}).get("event_id")
                    if target:
                        self.arrived[target] = now
                        if (waiter := self.waiters.pop(target, None)) and not waiter.done():
                            waiter.set_result(now)

    async def ask(self, body: str) -> float:
        started = time.perf_counter()
        event_id = await self.server.send_text(self.token, self.room_id, body)
        if event_id in self.arrived:
            return (self.arrived[event_id] - started) * 1000
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[event_id] = waiter
        return (await asyncio.wait_for(waiter, 30) - started) * 1000


async def echo_bot(server: Synapse, user_id: str, token: str) -> None:
    client = AsyncClient(server.base_url, user_id)
    client.access_token = token

    async def on_message(room: Any, event: RoomMessageText) -> None:
        if event.sender != user_id and event.body.startswith("!"):
            content = {
                "msgtype": "m.notice",
                "body": "ok",
                "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            }
            await client.room_send(room.room_id, "m.room.message", content)

    client.add_event_callback(on_message, RoomMessageText)
    try:
        first = await client.sync(timeout=0)
        for room_id in first.rooms.invite:
            await client.join(room_id)
        await client.sync_forever(timeout=30000, since=first.next_batch)
    finally:
        await client.close()


async def measure(server: Synapse, bot_factory: Any, titles: list[str], count: int) -> list[float]:
    _, user_token = await server.register(server.unique("ana"), "password")
    bot_id, bot_token = await server.register(server.unique("bot"), "password")
    room_id = await server.create_room(user_token, invite=[bot_id])
    bot_task = asyncio.create_task(bot_factory(bot_id, bot_token))  # joins on its first sync
    await server.wait_for_event(
        user_token,
        room_id,
        lambda e: e.get("state_key") == bot_id and e.get("content", {}).get("membership") == "join",
        timeout=60,
    )
    listener = Listener(server, user_token, room_id)
    listen_task = asyncio.create_task(listener.run())
    try:
        for title in titles[:5]:
            await listener.ask(f"!film {title}")  # warm-up
        return [await listener.ask(f"!film {t}") for t in titles[5 : 5 + count]]
    finally:
        for task in (listen_task, bot_task):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _report(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (
        f"  {name:<30} n={len(values)}  median {statistics.median(values):7.2f} ms  "
        f"p99 {p99:7.2f} ms  max {ordered[-1]:7.2f} ms"
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        core = await start_core(Settings(db_path=Path(tmp) / "bench.sqlite3"), progress=False)
        await core.titles()
        rows = [(t, y) for t, y in await films.titles_and_years(core.db) if y is not None]
        picked = random.Random(args.seed).sample(rows, args.commands + 5)
        titles = [f"{t} ({y})" for t, y in picked]

        async def filmbot(user_id: str, token: str) -> None:
            bot = MatrixBot(core, server.base_url, user_id, access_token=token)
            try:
                await bot.run()
            finally:
                await bot.close()

        async def echo(user_id: str, token: str) -> None:
            await echo_bot(server, user_id, token)

        async with Synapse() as server:
            base = await measure(server, echo, titles, args.commands)
            mine = await measure(server, filmbot, titles, args.commands)
        await core.close()
    print(f"{args.commands} commands, one at a time, user send -> reply in the user's /sync:")
    print(_report("baseline (echo bot)", base))
    print(_report("filmbot (!film, bundled catalog)", mine))
    print(f"filmbot's own cost: median +{statistics.median(mine) - statistics.median(base):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
