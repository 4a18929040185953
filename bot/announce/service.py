"""The announcement service: plans the outbox on a schedule and runs one delivery loop
per connected platform. The core holds it; adapters attach their sender when they connect."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.announce.delivery import Announcer, Sender
from bot.announce.planner import plan
from bot.cards import Reply
from bot.constants import (
    ANNOUNCE_PLAN_SECONDS,
    ANNOUNCE_SHARED_BURST,
    ANNOUNCE_SHARED_RATE,
    ANNOUNCE_SPACING_SECONDS,
)
from bot.store.announcements import Subscription, new_nonce, retry_now
from bot.store.db import Database
from bot.store.shared_limits import take_send

log = logging.getLogger(__name__)


class AnnouncementService:
    def __init__(
        self,
        db: Database,
        *,
        timezone: ZoneInfo,
        plan_every: float = ANNOUNCE_PLAN_SECONDS,
        announcer_options: dict | None = None,
    ) -> None:
        self.db = db
        self.timezone = timezone
        self.plan_every = plan_every
        self.announcer_options = announcer_options or {}
        self.announcers: dict[str, Announcer] = {}
        self._tasks: dict[str, asyncio.Task] = {}
        self._wake = asyncio.Event()

    def today(self) -> date:
        """The calendar date in the configured time zone: a release 'arrives' at its
        midnight there, wherever the server runs."""
        return datetime.now(self.timezone).date()

    def attach(
        self, sender: Sender, *, owns: Callable[[Subscription], bool] | None = None
    ) -> Announcer:
        """Start delivering this platform's outbox (again, after a reconnect); `owns`:
        only the subscriptions this process serves (its Discord shards' guilds)."""
        options: dict = {"spacing": ANNOUNCE_SPACING_SECONDS.get(sender.platform, 0.2)}
        if owns is not None:
            options["owns"] = owns
        rate = ANNOUNCE_SHARED_RATE.get(sender.platform)
        if rate is not None and self.db.dialect == "postgres":
            # Several processes may deliver from this database: one budget for them all.
            options["budget"] = functools.partial(self._take_send, sender.platform, rate)
        options.update(self.announcer_options)
        announcer = Announcer(self.db, sender, today=self.today, **options)
        self.detach(sender.platform)
        self.announcers[sender.platform] = announcer
        self._tasks[sender.platform] = asyncio.create_task(
            announcer.run(), name=f"announce-{sender.platform}"
        )
        log.info("announcements: delivering on %s", sender.platform)
        return announcer

    async def _take_send(self, platform: str, rate: float) -> float:
        burst = ANNOUNCE_SHARED_BURST.get(platform, 1.0)
        return await take_send(self.db, platform, rate=rate, burst=burst, now=time.time())

    def detach(self, platform: str) -> None:
        task = self._tasks.pop(platform, None)
        self.announcers.pop(platform, None)
        if task is not None:
            task.cancel()

    def wake(self, *, plan_first: bool = True) -> None:
        """Something changed (an import, a feed, a subscription): plan and deliver now."""
        if plan_first:
            self._wake.set()
        for announcer in self.announcers.values():
            announcer.wake()

    async def preview(
        self, platform: str, target: str, reply: Reply, mention: str | None = None
    ) -> str:
        """Post `reply` in `target` the way announcements are posted (a real test of the
        bot's permissions there); on success that target's waiting items are retried
        now. Raises SendError (or LookupError when the platform is not connected)."""
        announcer = self.announcers.get(platform)
        if announcer is None:
            raise LookupError(f"{platform} is not connected")
        message_id = await announcer.sender.post(target, reply, nonce=new_nonce(), mention=mention)
        await retry_now(self.db, platform, target)
        announcer.wake()
        return message_id

    async def plan_now(self) -> int:
        result = await plan(self.db, self.today())
        if result:
            for announcer in self.announcers.values():
                announcer.wake()
        return result.queued

    async def run(self) -> None:
        """Plan every `plan_every` seconds (and when woken) until cancelled."""
        try:
            while True:
                self._wake.clear()
                try:
                    await self.plan_now()
                except asyncio.CancelledError:
                    raise
                except sqlite3.OperationalError as exc:  # locked for too long, read-only, full
                    log.warning(
                        "announcements: planning failed, the database failed (%s); "
                        "trying again in %.0f s",
                        exc,
                        self.plan_every,
                    )
                except Exception:
                    log.exception("announcements: planning failed")
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.plan_every):
                        await self._wake.wait()
        finally:
            for platform in list(self._tasks):
                self.detach(platform)
