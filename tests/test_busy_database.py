"""A database another process keeps busy, or that cannot be written at all (issue 15).

- A write waits out a write lock held for longer than SQLite's busy timeout (5 s) by a
  second process, with backoff, and the connection stays free for reads meanwhile.
- The Matrix bot keeps syncing and answers once the lock is released.
- The announcement delivery loop backs off when recording a send fails.
- `filmbot import` into a read-only database stops at once: one message, no traceback.
- The database, its -wal and -shm, backups and the search cache are readable by their
  owner only (0600).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import itertools
import logging
import os
import shutil
import sqlite3
import stat
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.matrix_bot import MatrixBot
from bot.announce.delivery import Announcer
from bot.announce.planner import plan
from bot.core.engine import Core
from bot.core.loader import load_core
from bot.search.service import cache_dir_for
from bot.store import DatabaseBusyError, busy, open_database
from bot.store import announcements as announce_store
from bot.store.busy import BUSY_TIMEOUT_MS
from tests import sql
from tests.announce_helpers import ADMIN, TODAY, RecordingSender, add_listing
from tests.conftest import run_cli
from tests.synapse import Synapse, synapse_server_fixture  # noqa: F401 (the fixture)
from tests.tasks import stop

HOLD_SECONDS = BUSY_TIMEOUT_MS / 1000 + 3  # longer than SQLite's own wait
TIMEOUT = 30

# A second process that takes the write lock, says so, holds it, then lets go.
_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


@contextlib.asynccontextmanager
async def lock_held(path: Path, seconds: float) -> AsyncIterator[asyncio.subprocess.Process]:
    """Another process holds the database's write lock for `seconds` from when this
    yields; waits for it to let go on exit."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _HOLDER, str(path), str(seconds), stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    try:
        assert await asyncio.wait_for(proc.stdout.readline(), 10) == b"locked\n"
        yield proc
        assert await asyncio.wait_for(proc.stdout.readline(), seconds + 10) == b"released\n"
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        await proc.wait()


# --- the store ------------------------------------------------------------------------------


async def test_writes_wait_out_a_lock_held_longer_than_the_busy_timeout(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = await open_database(tmp_path / "busy.sqlite3")
    try:

        async def in_transaction() -> None:
            async with db.transaction() as tx:
                await sql.execute(
                    tx, "INSERT INTO matrix_state (account, key, value) VALUES ('a', 'tx', '1')"
                )

        async def autocommit() -> None:
            await sql.executemany(
                db, "INSERT INTO matrix_state (account, key, value) VALUES ('a', ?, '1')", [("ac",)]
            )

        with caplog.at_level(logging.INFO, logger="bot.store.busy"):
            async with lock_held(db.path, HOLD_SECONDS):
                started = time.monotonic()
                transaction = asyncio.create_task(in_transaction())
                # The waiting is not done on the connection's thread: reads go on.
                slowest = 0.0
                while time.monotonic() - started < BUSY_TIMEOUT_MS / 1000 + 1:
                    before = time.monotonic()
                    assert await db.schema_version() > 0
                    slowest = max(slowest, time.monotonic() - before)
                    await asyncio.sleep(0.2)
                assert slowest < 0.5, slowest
                assert not transaction.done()
                await asyncio.gather(transaction, autocommit())
                waited = time.monotonic() - started
        assert waited >= HOLD_SECONDS - 1.5, waited  # it did wait for the other process
        rows = await sql.fetchall(db, "SELECT key FROM matrix_state ORDER BY key")
        assert [r[0] for r in rows] == ["ac", "tx"]
        assert "locked by another process" in caplog.text
        assert "came free after" in caplog.text
        assert not db.in_transaction
    finally:
        await db.close()


async def test_a_lock_held_for_good_ends_in_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    db = await open_database(tmp_path / "stuck.sqlite3")
    monkeypatch.setattr(busy, "BUSY_GIVE_UP_SECONDS", 0.5)
    try:
        async with lock_held(db.path, 3):
            with pytest.raises(DatabaseBusyError, match="stayed locked by another process"):
                async with db.transaction():
                    pass
        assert not db.in_transaction
        async with db.transaction() as tx:  # and once it is free, writes work again
            await sql.execute(tx, "INSERT INTO matrix_state VALUES ('a', 'k', 'v')")
        assert await sql.scalar(db, "PRAGMA busy_timeout") == BUSY_TIMEOUT_MS
    finally:
        await db.close()


# --- the Matrix bot -------------------------------------------------------------------------


@pytest.mark.parametrize("store_gives_up", [False, True], ids=["store-waits", "store-gives-up"])
async def test_matrix_keeps_running_through_a_locked_database_and_answers_after(
    synapse_server: Synapse,
    core: Core,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    store_gives_up: bool,
) -> None:
    """The lock is held past SQLite's busy timeout while the bot saves its sync token
    after every batch and claims a command: the bot waits, then answers it. With the
    store giving up at once (as it would after BUSY_GIVE_UP_SECONDS), saving the token
    fails: the bot carries on, and handles the batch again until the claim is written."""
    from tests.test_matrix_bot import Room, _in_reply_to, _room_with_bot, _users

    if store_gives_up:
        monkeypatch.setattr(busy, "BUSY_GIVE_UP_SECONDS", 0.0)
    (bot_id, bot_token), ana, _ = await _users(synapse_server)
    bot = MatrixBot(
        core, synapse_server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500
    )
    task = asyncio.create_task(bot.run())
    try:
        await asyncio.wait_for(bot.ready.wait(), TIMEOUT)
        room: Room = await _room_with_bot(synapse_server, ana, bot_id)
        await room.ask("!about")
        with caplog.at_level(logging.INFO, logger="bot.store.busy"):
            async with lock_held(core.db.path, HOLD_SECONDS):
                locked_at = time.monotonic()
                asked = await room.send("!help film")
                await asyncio.sleep(HOLD_SECONDS / 2)
                assert not task.done()
            reply = await room.reply_to(asked, timeout=TIMEOUT)
        answered_after = time.monotonic() - locked_at
        assert "!film" in reply["content"]["body"]
        assert answered_after >= HOLD_SECONDS - 1  # it waited for the other process
        assert not task.done(), task  # the platform did not stop
        assert "locked by another process" in caplog.text
        if store_gives_up:  # the adapter's own fallbacks were needed, and worked
            assert "sync token was not saved" in caplog.text or "again in" in caplog.text
        later = await room.ask("!about")  # and it goes on answering
        assert "films" in later["content"]["body"]
        replies = [_in_reply_to(e) for e in await room.replies()]
        assert replies.count(asked) == 1
    finally:
        await stop(task)
        await bot.close()


# --- the announcement delivery loop ---------------------------------------------------------


async def test_delivery_backs_off_while_recording_sends_fails(core: Core, monkeypatch) -> None:
    """Sent, but the database would not record it: the same nonce is sent again (the
    platform drops the copy) after 0.2 s, 0.4 s ..., not in a tight loop, and the loop
    goes on until the database takes it."""
    core.today = lambda: TODAY
    sender = RecordingSender()
    announcer = Announcer(
        core.db,
        sender,
        today=core.today,
        spacing=0,
        target_spacing=0,
        retry_base=0.2,
        poll=0.05,
    )
    await core.handle("!subscribe", ADMIN)
    await add_listing(core, "Letter Never Sent", 1959, "2026-12-01")
    await plan(core.db, TODAY)
    real_mark_sent = announce_store.mark_sent
    attempts: list[float] = []

    async def failing_mark_sent(*args, **kwargs):
        attempts.append(time.monotonic())
        if len(attempts) <= 3:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return await real_mark_sent(*args, **kwargs)

    monkeypatch.setattr(announce_store, "mark_sent", failing_mark_sent)
    task = asyncio.create_task(announcer.run())
    try:
        for _ in range(100):
            if announcer.sent:
                break
            await asyncio.sleep(0.05)
        assert announcer.sent == 1
        assert not task.done()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert len(attempts) == 4
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.18 and gaps[1] >= 0.38 and gaps[2] >= 0.78, gaps
    assert len(sender.posts) == 1  # every resend carried the same nonce


# --- a database that cannot be written ------------------------------------------------------

_LISTING = """Blu-ray Releases Details
{title}

List Price 24.95
In Stock.

Genres: Drama
Director: {director}
Plot Synopsis:

A keeper of a lighthouse writes letters to a town that no longer answers them.

  \u2022 Release Details
    Release Date: March {day}, 2031
    Movie Release Year: {year}
    Movie Studio: Harbour Films
  \u2022 Technical Specs
    Length:88 Minutes
    Specs:Blu-ray Disc
"""


def write_listings(folder: Path, count: int) -> list[Path]:
    """`count` small release listings of made-up films, one file each."""
    first = ["Morvane", "Tessaly", "Quillon", "Varesk", "Orbelin", "Sennach", "Dulvair"]
    second = ["Lanterns", "Harbour", "Orchard", "Winters", "Crossing", "Ferryman", "Vigil"]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        title = f"The {first[n % 7]} {second[n // 7 % 7]}" + (f" {n // 49 + 2}" if n >= 49 else "")
        text = _LISTING.format(
            title=title,
            director=f"{first[(n + 3) % 7]} {second[(n // 7 + 2) % 7]}ova",
            day=1 + n % 28,
            year=1950 + n % 40,
        )
        path = folder / f"listing-{n:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_what_waiting_cannot_fix_is_told_apart_from_a_busy_database() -> None:
    locked = sqlite3.OperationalError("database is locked")
    assert busy.is_busy(locked) and busy.write_problem(locked) is None
    full = sqlite3.OperationalError("database or disk is full")
    assert busy.write_problem(full) == "the disk is full" and not busy.is_busy(full)
    assert busy.write_problem(OSError(errno.ENOSPC, "No space left on device")) == (
        "the disk is full"
    )
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    error = busy.as_write_error(readonly, "var/filmbot.sqlite3")
    assert isinstance(error, sqlite3.OperationalError)  # caught where database errors are
    assert str(error) == (
        "cannot write to the database var/filmbot.sqlite3: the database is read-only "
        "(attempt to write a readonly database)"
    )
    assert busy.write_problem(sqlite3.OperationalError("no such table: films")) is None
    assert not busy.is_busy(DatabaseBusyError("stayed locked"))  # waited for already


def _without_root_powers() -> None:
    """For a child run as root: drop the capabilities that let root write a read-only
    file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) from its bounding set, so
    the program it runs meets file modes as any user would."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_import_into_a_read_only_database_stops_with_one_message(
    catalog_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "listings"
    write_listings(folder, 5)
    with sqlite3.connect(catalog_copy) as conn:  # everything in the file itself, no -wal
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = catalog_copy.read_bytes()
    catalog_copy.chmod(0o444)
    if os.geteuid() == 0:
        import subprocess

        real_run = subprocess.run
        monkeypatch.setattr(
            subprocess, "run", lambda *a, **kw: real_run(*a, preexec_fn=_without_root_powers, **kw)
        )
    result = run_cli("import", str(folder), db=catalog_copy)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    stopped = [line for line in result.stderr.splitlines() if "import stopped" in line]
    assert len(stopped) == 1, result.stderr
    assert "read-only" in stopped[0] and "5 documents not imported" in stopped[0]
    assert result.stderr.count("read-only") == 1  # one message, not one per document
    assert "internal error" not in result.stdout
    catalog_copy.chmod(0o600)
    assert catalog_copy.read_bytes() == before


# --- file modes -----------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_database_and_what_filmbot_writes_beside_it_are_private(
    tmp_path: Path, catalog_copy: Path
) -> None:
    old = os.umask(0o022)  # the usual umask, which leaves new files readable by all
    try:
        path = tmp_path / "var" / "new.sqlite3"
        db = await open_database(path)
        try:
            async with db.transaction() as tx:
                await sql.execute(tx, "INSERT INTO matrix_state VALUES ('a', 'k', 'v')")
            for name in ("new.sqlite3", "new.sqlite3-wal", "new.sqlite3-shm"):
                assert _mode(path.with_name(name)) == 0o600, name
            backup = tmp_path / "backups" / "copy.sqlite3"
            await db.backup(backup)
            assert _mode(backup) == 0o600
        finally:
            await db.close()

        catalog_copy.chmod(0o600)
        shutil.rmtree(cache_dir_for(catalog_copy), ignore_errors=True)  # built here, below
        db = await open_database(catalog_copy)
        try:
            core = await load_core(db)
            cache = cache_dir_for(catalog_copy)
            assert cache is not None and not core.search.loaded_from_cache
            files = list(cache.rglob("*"))
            assert files and all(_mode(f) == 0o600 for f in files if f.is_file())
            assert _mode(cache) == 0o700
        finally:
            await db.close()
    finally:
        os.umask(old)
