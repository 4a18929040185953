"""Exactly once across crashes: the bot is SIGKILLed at random points while it delivers
200 announcements to four channels, restarted every time (more than 20 times), and every
announcement must arrive exactly once. Real discord.py in a child process, the emulator
(which drops a repeated nonce as Discord does) in this one."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from bot.announce.planner import plan
from bot.store import open_database
from tests import sql
from tests.announce_data import add_editions, subscribe_targets
from tests.discord_emulator import DiscordEmulator

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
CHANNELS = 4
EDITIONS = 50  # x 4 channels = 200 announcements
MIN_KILLS = 20


def _start(db: Path, emu: DiscordEmulator) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.announce_bot",
            "--db",
            str(db),
            "--api",
            emu.base_url,
            "--gateway",
            emu.gateway_url,
            "--spacing",
            "0.05",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


async def _wait_settled(db: Path, child: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait until no announcement is left unsent (the child may be slow to start)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            left = conn.execute(
                "SELECT count(*) FROM announcements WHERE state <> 'sent'"
            ).fetchone()[0]
        if not left:
            return
        if child.poll() is not None:
            raise AssertionError(child.stderr.read().decode()[-3000:])
        await asyncio.sleep(0.1)
    child.kill()
    raise AssertionError(f"{left} announcements still unsent after the last start")


def _posted(emu: DiscordEmulator, channels: list[int]) -> int:
    return sum(len(emu.messages[c]) for c in channels)


async def test_sigkill_at_random_points_delivers_every_announcement_once(seeded_copy: Path):
    rng = random.Random(20261122)
    emu = DiscordEmulator(channel_rate=None, global_rate=None)
    await emu.start()
    channels = [emu.add_channel(f"releases-{i}") for i in range(CHANNELS)]
    db = await open_database(seeded_copy)
    try:
        await subscribe_targets(db, "discord", [str(c) for c in channels], TODAY)
        await add_editions(db, EDITIONS, date(2027, 1, 1))
        assert (await plan(db, TODAY)).queued == CHANNELS * EDITIONS
    finally:
        await db.close()

    kills = 0
    try:
        while True:
            before = _posted(emu, channels)
            child = _start(seeded_copy, emu)
            if before >= CHANNELS * EDITIONS:
                # A last start: it settles what the last kill left half-done (a post
                # without its record is re-sent with its nonce), and posts nothing new.
                await _wait_settled(seeded_copy, child)
                await asyncio.sleep(1.0)
                child.send_signal(signal.SIGTERM)
                child.wait(30)
                break
            if kills < MIN_KILLS + 5:
                # Kill it right after its k-th post of this life (often between the post
                # and its record), or a moment later.
                k = rng.randint(1, 8)
                try:
                    await emu.wait_until(
                        lambda before=before, k=k: (
                            _posted(emu, channels) >= min(before + k, CHANNELS * EDITIONS)
                        ),
                        60,
                        "posts from the restarted bot",
                    )
                except TimeoutError:
                    child.kill()
                    raise AssertionError(child.stderr.read().decode()[-3000:]) from None
                await asyncio.sleep(rng.choice([0, 0, 0.001, 0.005, 0.02]))
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(30)
                kills += 1
            else:
                await emu.wait_until(
                    lambda: _posted(emu, channels) >= CHANNELS * EDITIONS, 120, "the rest"
                )
                child.send_signal(signal.SIGTERM)
                child.wait(30)
    finally:
        await emu.stop()

    assert kills >= MIN_KILLS
    # Some kills landed between a post and its record: the restart re-sent those with
    # their nonce and the platform answered with the first message (nothing new).
    assert emu.nonce_hits >= 1
    per_channel = {c: [m["embeds"][0]["title"] for m in emu.messages[c]] for c in channels}
    for channel, titles in per_channel.items():
        assert len(titles) == EDITIONS, (channel, len(titles))
        duplicates = [t for t, n in Counter(titles).items() if n > 1]
        assert duplicates == [], duplicates
    nonces = [m.get("nonce") for c in channels for m in emu.messages[c]]
    assert len(set(nonces)) == CHANNELS * EDITIONS
    db = await open_database(seeded_copy)
    try:
        rows = await sql.fetchall(db, "SELECT state, message_id FROM announcements")
        assert {r[0] for r in rows} == {"sent"} and len(rows) == CHANNELS * EDITIONS
        posted_ids = {m["id"] for c in channels for m in emu.messages[c]}
        assert {r[1] for r in rows} == posted_ids
    finally:
        await db.close()
    print(f"kills={kills} nonce_hits={emu.nonce_hits}")
