"""The delivery loop: posts what the outbox holds, once, in order, spaced.

Per subscription the first undelivered item is the only one tried; a failure retries it
with backoff and nothing behind it is sent first (no watermark ever moves past a message
that did not arrive). The nonce written with the item is passed to the platform, which
drops a repeated post (Discord: `nonce` + `enforce_nonce`; Matrix: the transaction id),
so a crash between "sent" and "recorded as sent" cannot post twice.

Several processes may deliver one outbox (issue 20): an item is sent only under its
channel's lease (`bot.store.outbox_leases`), claimed before the send, renewed while the
send is in flight and given back with the outcome; a dead process's channels are taken
over by another once their leases run out (`lease` seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Protocol

from bot.announce.card import announcement_reply, posted_marker
from bot.cards import Reply
from bot.constants import (
    ANNOUNCE_CONCURRENCY,
    ANNOUNCE_FAILING_RETRY_MAX_SECONDS,
    ANNOUNCE_FAILING_RETRY_SECONDS,
    ANNOUNCE_LEASE_SECONDS,
    ANNOUNCE_POLL_SECONDS,
    ANNOUNCE_RETRY_BASE_SECONDS,
    ANNOUNCE_RETRY_MAX_SECONDS,
    ANNOUNCE_TARGET_SPACING_SECONDS,
)
from bot.store import announcements as store
from bot.store import outbox_leases
from bot.store.announcements import Outgoing, Release, Subscription
from bot.store.db import Database
from bot.store.releases import releases_by_id

log = logging.getLogger(__name__)


class SendError(Exception):
    """A send the platform refused.

    failing: an admin must act (no permission, the channel is gone): the subscription is
        marked failing, its queue kept and retried slowly.
    gone: (edits) the posted message no longer exists; nothing to edit.
    """

    def __init__(self, reason: str, *, failing: bool = False, gone: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.failing = failing
        self.gone = gone


class Sender(Protocol):
    """One platform's way to post and edit announcements (adapters implement it)."""

    platform: str

    async def post(self, target: str, reply: Reply, *, nonce: str, mention: str | None) -> str:
        """Post with `nonce` as the idempotency key; return the message id. Nobody is
        mentioned unless `mention` (the subscription's opt-in) says who."""
        ...

    async def edit(
        self, target: str, message_id: str, reply: Reply, *, nonce: str, mention: str | None
    ) -> None:
        """Replace the posted message with `reply` (`nonce` keys an idempotent edit)."""
        ...


class Announcer:
    """Delivers one platform's outbox."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        *,
        today: Callable[[], date],
        spacing: float,
        target_spacing: float = ANNOUNCE_TARGET_SPACING_SECONDS,
        concurrency: int = ANNOUNCE_CONCURRENCY,
        retry_base: float = ANNOUNCE_RETRY_BASE_SECONDS,
        failing_retry: float = ANNOUNCE_FAILING_RETRY_SECONDS,
        poll: float = ANNOUNCE_POLL_SECONDS,
        clock: Callable[[], float] = time.time,
        owner: str | None = None,
        lease: float = ANNOUNCE_LEASE_SECONDS,
        owns: Callable[[Subscription], bool] | None = None,
        free_dead: bool = True,
        budget: Callable[[], Awaitable[float]] | None = None,
    ) -> None:
        """`owner`: this process's name on its claims (default: host, pid, a random
        part); `lease`: seconds a claim holds a channel unless renewed (a dead process's
        channels wait that long); `owns`: the subscriptions this process delivers (its
        shards' guilds; None: all); `free_dead`: at start, take back at once the channels
        of this machine's processes that died (a restart after a crash waits no lease);
        `budget`: takes one send from a budget shared with other processes (0: go, else
        seconds to wait), asked after this process's own spacing."""
        self.db = db
        self.sender = sender
        self.platform = sender.platform
        self.today = today
        self.spacing = spacing
        self.target_spacing = target_spacing
        self.retry_base = retry_base
        self.failing_retry = failing_retry
        self.poll = poll
        self.clock = clock
        self.owner = owner or outbox_leases.new_owner()
        self.lease = lease
        self.owns = owns
        self.free_dead = free_dead
        self.budget = budget
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._pace = asyncio.Lock()
        self._last_send = 0.0
        self._wake = asyncio.Event()
        self._inflight: dict[str, asyncio.Task] = {}  # one send per target at a time
        # A target whose last send could not be recorded (the database failed) waits
        # before its item is sent again: retry_base, doubling, up to the retry maximum.
        self._held: dict[str, float] = {}
        self._troubles: dict[str, int] = {}
        self.sent = 0  # posts and edits confirmed, for tests and benchmarks

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled; a bug in one pass is logged, never fatal. Sends are
        pipelined: a target whose send waits (on a rate limit, a slow server) holds up
        no other target. The leases of sends in flight are renewed meanwhile; on the way
        out every channel this process holds is given back."""
        renewing = asyncio.create_task(self._renew_leases(), name=f"leases-{self.platform}")
        if self.free_dead:
            try:
                dead = await outbox_leases.free_dead_owners(self.db, self.platform)
            except sqlite3.OperationalError as exc:  # their leases run out meanwhile
                log.warning(
                    "announcements (%s): could not free dead claims: %s", self.platform, exc
                )
            else:
                if dead:
                    log.info(
                        "announcements (%s): took back the channels of %s", self.platform, dead
                    )
        try:
            while True:
                self._wake.clear()
                try:
                    wait = await self.deliver_due(wait=False)
                except asyncio.CancelledError:
                    raise
                except sqlite3.OperationalError as exc:  # locked for too long, read-only, full
                    log.warning(
                        "announcements (%s): the database failed reading the outbox (%s); "
                        "trying again in %.0f s",
                        self.platform,
                        exc,
                        self.poll,
                    )
                    wait = self.poll
                except Exception:
                    log.exception("announcements (%s): a delivery pass failed", self.platform)
                    wait = self.poll
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(min(wait, self.poll)):
                            await self._wake.wait()
        finally:
            renewing.cancel()
            for task in list(self._inflight.values()):
                task.cancel()  # its item stays queued; the next start resends its nonce
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await outbox_leases.release_all(self.db, self.platform, self.owner)

    async def _renew_leases(self) -> None:
        """Every third of a lease, extend the leases of the sends in flight (a send that
        waits on a rate limit keeps its channel)."""
        while True:
            await asyncio.sleep(self.lease / 3)
            if not self._inflight:
                continue
            try:
                await outbox_leases.renew(
                    self.db,
                    self.platform,
                    self.owner,
                    list(self._inflight),
                    self.clock() + self.lease,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database failed: the next renewal tries again
                log.warning("announcements (%s): renewing leases failed: %s", self.platform, exc)

    async def deliver_due(self, *, wait: bool = True) -> float:
        """Claim and start a send for every channel with a due item (its oldest; one per
        channel at a time, across all processes); with `wait`, return once they are done.
        Returns how long until something may be due again (0: at once; a finished send
        also wakes `run`)."""
        now = self.clock()
        busy = set(self._inflight) | {t for t, until in self._held.items() if until > now}
        claims, next_at = await outbox_leases.claim(
            self.db,
            self.platform,
            self.today().isoformat(),
            owner=self.owner,
            now=now,
            lease=self.lease,
            limit=self.concurrency - len(self._inflight),
            busy=busy,
            owns=self.owns,
        )
        started: list[asyncio.Task] = []
        next_due = self.poll
        if next_at is not None:
            next_due = min(next_due, max(next_at - now, 0.01))
        for held_until in self._held.values():
            if held_until > now:
                next_due = min(next_due, max(held_until - now, 0.01))
        for claimed in claims:
            target = claimed.subscription.target
            task = asyncio.create_task(self._deliver(claimed.subscription, claimed.item))
            self._inflight[target] = task
            task.add_done_callback(lambda done, target=target: self._finished(target, done))
            started.append(task)
        if wait and started:
            await asyncio.gather(*started)
        return 0.0 if started and wait else next_due

    def _finished(self, target: str, task: asyncio.Task) -> None:
        self._inflight.pop(target, None)
        self._wake.set()
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            self._held.pop(target, None)
            self._troubles.pop(target, None)
            return
        # Recording the result failed (the database): the item is still queued and is
        # sent again with its nonce, which the platform drops if it had landed; after a
        # backoff, so a database that keeps failing is not met with a burst of resends.
        troubles = self._troubles.get(target, 0)
        self._troubles[target] = troubles + 1
        delay = min(self.retry_base * 2 ** min(troubles, 10), ANNOUNCE_RETRY_MAX_SECONDS)
        self._held[target] = self.clock() + delay
        if isinstance(exc, sqlite3.OperationalError):
            log.warning(
                "announcements (%s): a send to %s was not recorded: the database failed "
                "(%s); sending it again (same nonce) in %.1f s",
                self.platform,
                target,
                exc,
                delay,
            )
        else:
            log.error(
                "announcements (%s): a send to %s failed; trying again in %.0f s",
                self.platform,
                target,
                delay,
                exc_info=exc,
            )

    async def _paced(self) -> None:
        """Sends start at least `spacing` apart on this platform, and within the budget
        shared by every process on the database when there is one."""
        async with self._pace:
            gap = self._last_send + self.spacing - time.monotonic()
            if gap > 0:
                await asyncio.sleep(gap)
            # The spacing counts from here: the budget's round trip to the database is
            # not added to it (one process went at 1/(spacing + round trip), ~32/s).
            slot = time.monotonic()
            while self.budget is not None:
                try:
                    wait = await self.budget()
                except sqlite3.OperationalError as exc:  # the spacing above still holds
                    log.warning("announcements (%s): shared send budget: %s", self.platform, exc)
                    break
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._last_send = slot

    async def _deliver(self, sub: Subscription, item: Outgoing) -> None:
        async with self._slots:
            release = (await releases_by_id(self.db, [item.edition_id])).get(item.edition_id)
            if release is None:  # the edition was deleted: its rows went with it
                await outbox_leases.release(self.db, self._release(sub, self.clock()))
                return
            note = f" · subscription #{sub.id}"
            today = self.today()
            reply = announcement_reply(release, item.kind, item.release_date, today, note=note)
            await self._paced()
            started = self.clock()
            try:
                if item.is_edit:
                    message_id = item.message_id or ""
                    await self.sender.edit(
                        sub.target,
                        message_id,
                        reply,
                        nonce=item.edit_key,
                        mention=sub.mention,
                    )
                else:
                    message_id = await self.sender.post(
                        sub.target, reply, nonce=item.nonce, mention=sub.mention
                    )
            except asyncio.CancelledError:
                raise
            except SendError as exc:
                await self._failed(sub, item, exc, started)
                return
            except Exception as exc:  # a network error, a bug in a renderer
                log.exception(
                    "announcements (%s): sending #%d to %s failed",
                    self.platform,
                    item.id,
                    sub.target,
                )
                await self._failed(sub, item, SendError(f"{type(exc).__name__}: {exc}"), started)
                return
            await store.mark_sent(
                self.db,
                item,
                message_id,
                posted_marker(item.kind, item.release_date, today),
                release=self._release(sub, started),
            )
            self.sent += 1
            log.info(
                "announcements (%s): %s #%d (%s, edition %d) to %s",
                self.platform,
                "edited" if item.is_edit else "posted",
                item.id,
                item.kind,
                item.edition_id,
                sub.target,
            )

    def _release(self, sub: Subscription, started: float) -> Release:
        """The channel's lease given back: sendable again `target_spacing` after this
        send started (by any process)."""
        return Release(self.platform, sub.target, self.owner, started + self.target_spacing)

    async def _failed(
        self, sub: Subscription, item: Outgoing, exc: SendError, started: float
    ) -> None:
        if exc.gone and item.is_edit:
            log.info("announcements: message %s was deleted; not editing it", item.message_id)
            await store.give_up_edit(self.db, item, release=self._release(sub, started))
            return
        if exc.failing:
            delay = min(
                self.failing_retry * 2 ** min(item.attempts, 10), ANNOUNCE_FAILING_RETRY_MAX_SECONDS
            )
        else:
            delay = min(self.retry_base * 2 ** min(item.attempts, 10), ANNOUNCE_RETRY_MAX_SECONDS)
        log.warning(
            "announcements (%s): #%d to %s (subscription %d) failed: %s; retrying in %.0f s",
            self.platform,
            item.id,
            sub.target,
            sub.id,
            exc.reason,
            delay,
        )
        await store.mark_failed(
            self.db,
            item,
            error=exc.reason,
            retry_at=self.clock() + delay,
            failing=exc.failing,
            release=self._release(sub, started),
        )
