"""Benchmark: 1,000 announcements to 50 subscriptions (50 channels, 20 each) through the
loopback Discord emulator, which enforces Discord's rate limits on channel messages:
5 per 5 s in a channel, 50 per second per bot.

filmbot runs as it ships (its own process, `tests.announce_bot`, the shipped pacing:
one post per channel per second, at most 45 posts per second), from a queue planned in
its database, to the last post recorded. The bound the limits allow is ~20 s (1,000 at
50/s). Baseline, same run, same limits: a bare discord.py client posting the same 1,000
messages, 50 channels in parallel, as fast as discord.py's own rate limiter lets it.

    .venv/bin/python bench/announce.py [--channels 50] [--per-channel 20]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.*

import discord  # noqa: E402

from bot.announce.planner import plan  # noqa: E402
from bot.app import start_core  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store import open_database  # noqa: E402
from tests.announce_data import add_editions, subscribe_targets  # noqa: E402
from tests.discord_emulator import DiscordEmulator, patch_discord  # noqa: E402

TODAY = date(2026, 11, 22)


def _bound(channels: int, per_channel: int, emu: DiscordEmulator) -> float:
    """Seconds the emulator's limits require at least: the global rate, or one channel's
    windows, whichever is longer."""
    per, window = emu.channel_rate or (per_channel, 1.0)
    g_per, g_window = emu.global_rate or (channels * per_channel, 1.0)
    channel_floor = max(0, -(-per_channel // per) - 1) * window
    return max(channel_floor, (channels * per_channel - g_per) / g_per * g_window)


def _span(emu: DiscordEmulator, channels: list[int]) -> tuple[int, float, int]:
    """(posts, seconds from the first post to the last, duplicate titles per channel)."""
    stamps = [
        discord.utils.snowflake_time(int(m["id"])).timestamp()
        for c in channels
        for m in emu.messages[c]
    ]
    dupes = sum(
        n - 1
        for c in channels
        for n in Counter(
            (m["embeds"][0]["title"] if m["embeds"] else m["content"]) for m in emu.messages[c]
        ).values()
    )
    return len(stamps), (max(stamps) - min(stamps)) if stamps else 0.0, dupes


def _result(
    emu: DiscordEmulator, ids: list[int], elapsed: float, channels: int, per_channel: int
) -> dict:
    posts, span, dupes = _span(emu, ids)
    return {
        "posts": posts,
        "elapsed": elapsed,
        "span": span,
        "dupes": dupes,
        "429s": len(emu.rate_limited),
        "bound": _bound(channels, per_channel, emu),
    }


async def _filmbot(db_path: Path, channels: int, per_channel: int) -> dict:
    emu = DiscordEmulator(record_requests=False, ack_deadline=None)
    await emu.start()
    ids = [emu.add_channel(f"releases-{i}") for i in range(channels)]
    db = await open_database(db_path)
    try:
        await subscribe_targets(db, "discord", [str(c) for c in ids], TODAY)
        await add_editions(db, per_channel, date(2027, 1, 1))
        queued = (await plan(db, TODAY)).queued
    finally:
        await db.close()
    total = channels * per_channel
    assert queued == total, queued
    started = time.monotonic()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.announce_bot",
            "--db",
            str(db_path),
            "--api",
            emu.base_url,
            "--gateway",
            emu.gateway_url,
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    try:
        await emu.wait_until(
            lambda: sum(len(emu.messages[c]) for c in ids) >= total, 600, "every post"
        )
        elapsed = time.monotonic() - started
        await asyncio.sleep(2)  # anything more would be a duplicate
    finally:
        child.terminate()
        child.wait(30)
        await emu.stop()
    return _result(emu, ids, elapsed, channels, per_channel)


async def _baseline(channels: int, per_channel: int) -> dict:
    emu = DiscordEmulator(record_requests=False, ack_deadline=None)
    await emu.start()
    ids = [emu.add_channel(f"baseline-{i}") for i in range(channels)]
    try:
        with patch_discord(emu.base_url, emu.gateway_url):
            client = discord.Client(intents=discord.Intents.none())
            await client.login("emulator-token")
            try:

                async def post_all(cid: int) -> None:
                    channel = client.get_partial_messageable(cid)
                    for n in range(per_channel):
                        embed = discord.Embed(title=f"Edition {n}", description="Out now.")
                        await channel.send(embed=embed, nonce=f"b{cid % 10**9}x{n}")

                started = time.monotonic()
                await asyncio.gather(*(post_all(c) for c in ids))
                elapsed = time.monotonic() - started
            finally:
                await client.close()
    finally:
        await emu.stop()
    return _result(emu, ids, elapsed, channels, per_channel)


def _line(name: str, r: dict) -> str:
    return (
        f"{name:<9} {r['posts']:>5} posts in {r['elapsed']:6.2f} s "
        f"(first→last post {r['span']:6.2f} s, {r['posts'] / max(r['span'], 1e-9):5.1f}/s), "
        f"{r['429s']} 429s served, {r['dupes']} duplicates; limits allow ≥ {r['bound']:.1f} s"
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--per-channel", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        print("building the bundled database …", file=sys.stderr)
        core = await start_core(Settings(db_path=Path(tmp) / "base.sqlite3"), progress=False)
        await core.search.ready()
        await core.close()
        db_path = Path(tmp) / "bench.sqlite3"
        shutil.copyfile(Path(tmp) / "base.sqlite3", db_path)
        print(
            f"{args.channels * args.per_channel} announcements to {args.channels} channels",
            file=sys.stderr,
        )
        base = await _baseline(args.channels, args.per_channel)
        print(_line("baseline", base))
        mine = await _filmbot(db_path, args.channels, args.per_channel)
        print(_line("filmbot", mine))
    ok = mine["dupes"] == 0 and mine["posts"] == args.channels * args.per_channel
    print(
        f"filmbot / baseline: {mine['span'] / max(base['span'], 1e-9):.2f}x the time "
        f"first→last; {'OK' if ok else 'FAILED'}: every announcement once"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
