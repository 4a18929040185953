"""The Matrix bot: a matrix-nio client that answers `!` commands with the core, and
questions addressed to it (a mention, or its name first: 'filmbot: who directed stalker')
as `!ask`.

Replies are `m.notice` events in reply to the command (`m.in_reply_to`), rendered by
`bot.render.matrix` (allow-listed HTML, spoilers only inside `data-mx-spoiler`, a plain
body that never holds them). The sync token is persisted after every batch and each
reply's transaction id before its first send, so neither a restart nor a retry answers a
command twice. 429s and an unreachable homeserver are waited out (nio retries; the sync
loop backs off), and an event that cannot be understood is skipped, never fatal. So is a
database another process keeps locked: the store waits for it, and when a write still
fails the batch is handled again after a backoff (from the same sync token, so nothing
is lost and nothing answered twice).

One process syncs per account (issue 20): the one holding the lease `matrix:<user id>`
in the database (`bot/store/shared_limits.py`), renewed every few seconds. Any other
process of the account is a standby: it logs in, then tries for the lease whenever the
leader's would run out, and syncs from the saved token once it has it. A leader whose
renewal finds another holder, or gets no renewal through before its lease would run out,
stops syncing and answering at once and stands by. Across the handover nothing is
answered twice: answered commands are in `matrix_replies`, and a reply the old leader
claimed but did not confirm is sent by the new one with the claimed transaction id, which
the homeserver drops if the first landed (one device: every process of the account uses
the same access token, or the same device id).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import time
import uuid
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    LoginError,
    ProfileGetDisplayNameResponse,
    RoomMessagesResponse,
    RoomSendResponse,
    SyncError,
    SyncResponse,
)

from bot.adapters.matrix_announce import MatrixSender, power_level
from bot.adapters.matrix_events import Command, command_in, invite_allowed, inviter_of
from bot.adapters.platforms import matrix
from bot.constants import (
    ANNOUNCE_MANAGE_POWER_LEVEL,
    MATRIX_GAP_PAGES,
    MATRIX_LEASE_MARGIN_SECONDS,
    MATRIX_LEASE_RENEW_SECONDS,
    MATRIX_LEASE_SECONDS,
    MATRIX_RETRY_MAX_SECONDS,
    MATRIX_SEND_ATTEMPTS,
    MATRIX_START_SLACK_MS,
    MATRIX_SYNC_GRACE_SECONDS,
    MATRIX_SYNC_TIMEOUT_MS,
)
from bot.core.engine import Core
from bot.core.request import Request
from bot.logsafety import register_secret
from bot.render import matrix as render
from bot.store import matrix_state as state
from bot.store import shared_limits
from bot.store.busy import DatabaseBusyError, is_busy, write_problem

log = logging.getLogger(__name__)
# Commands that change a room's subscriptions: they need the configured power level.
# Only what the bot reads: recent timeline events, no presence, members loaded lazily.
_SYNC_FILTER: dict[str, Any] = {
    "presence": {"types": []},
    "account_data": {"types": []},
    "room": {
        "state": {"lazy_load_members": True},
        "timeline": {"limit": 50},
        "ephemeral": {"types": []},
        "account_data": {"types": []},
    },
}
_FIRST_SYNC_FILTER: dict[str, Any] = {
    **_SYNC_FILTER,
    "room": {**_SYNC_FILTER["room"], "timeline": {"limit": 0}},
}


def _passing(exc: sqlite3.OperationalError) -> bool:
    """A database error that waiting can fix (busy, locked, a disk that may be freed): the
    batch is handled again later. Any other (a bug) skips the one event, so one bad event
    never stalls every room."""
    busy = is_busy(exc) or isinstance(exc, DatabaseBusyError)
    return busy or write_problem(exc) is not None


class MatrixLoginError(RuntimeError):
    pass


def _invite_event(event: Any) -> Any:
    """A stripped invite-state event as JSON (nio keeps membership content apart)."""
    if isinstance(event, InviteMemberEvent):
        return {
            "type": "m.room.member",
            "state_key": event.state_key,
            "sender": event.sender,
            "content": {**(event.content or {}), "membership": event.membership},
        }
    return getattr(event, "source", None)


class MatrixBot:
    def __init__(
        self,
        core: Core,
        homeserver: str,
        user_id: str,
        *,
        access_token: str | None = None,
        password: str | None = None,
        device_id: str = "FILMBOT",
        allowed_invites: tuple[str, ...] = (),
        sync_timeout_ms: int = MATRIX_SYNC_TIMEOUT_MS,
        manage_power_level: int = ANNOUNCE_MANAGE_POWER_LEVEL,
        lease_seconds: float | None = MATRIX_LEASE_SECONDS,
        lease_renew_seconds: float = MATRIX_LEASE_RENEW_SECONDS,
    ) -> None:
        """`lease_seconds=None` syncs without a lease (one process per account, known)."""
        config = AsyncClientConfig(
            max_limit_exceeded=None,  # wait out every 429 (nio honours retry_after_ms)
            max_timeouts=None,  # and every connection failure, with backoff
            max_timeout_retry_wait_time=MATRIX_RETRY_MAX_SECONDS,
            store_sync_tokens=False,
            encryption_enabled=False,
        )
        self.client = AsyncClient(homeserver, user_id, device_id=device_id, config=config)
        if access_token:
            self.client.access_token = access_token
            self.client.user_id = user_id
        self.core, self.db = core, core.db
        self.user_id = user_id
        self._password = password
        self.allowed_invites = allowed_invites
        self.sync_timeout_ms = sync_timeout_ms
        self.started_ms = int(time.time() * 1000)
        self.ready = asyncio.Event()  # set after the first sync: "now" is known
        self.manage_power_level = manage_power_level
        self.platform = matrix(manage_power_level)
        self.replies = 0
        self.names: tuple[str, ...] = ()  # what people call the bot: its display name
        self.lease_seconds, self.lease_renew_seconds = lease_seconds, lease_renew_seconds
        self.lease_name = f"matrix:{user_id}"
        # Unique per process (and per bot within one): host, pid, and a random part.
        self.holder = f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        self.leading = False  # syncing and answering now (always, without a lease)
        self._lease_deadline = 0.0  # monotonic: answering stops here without a renewal

    async def _learn_names(self) -> None:
        """The bot's display name, which mentions show and people type (best effort)."""
        try:
            async with asyncio.timeout(MATRIX_SYNC_GRACE_SECONDS):
                response = await self.client.get_displayname()
        except Exception as exc:  # the homeserver is away: the user id still works
            log.warning("Matrix: reading the display name failed (%s)", exc)
            return
        if isinstance(response, ProfileGetDisplayNameResponse) and response.displayname:
            self.names = (response.displayname,)

    async def login(self) -> None:
        if self.client.access_token:
            return
        if not self._password:
            raise MatrixLoginError("set MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD")
        response = await self.client.login(self._password, device_name="filmbot")
        if isinstance(response, LoginError):
            raise MatrixLoginError(f"login as {self.user_id} failed: {response.message}")
        register_secret(response.access_token)  # never logged from here on

    async def run(self) -> None:
        """Sync and answer until cancelled, while this process holds the account's lease
        (standing by while another does); only a rejected login ends it. Stopping gives
        the lease up, so a standby takes over at its next try."""
        await self.login()
        await self._learn_names()
        if self.lease_seconds is None:
            self.leading = True
            await self._serve()
            return
        try:
            while True:
                await self._acquire()
                await self._lead()
        finally:
            await self._release_lease()

    def _margin(self) -> float:
        assert self.lease_seconds is not None
        return min(MATRIX_LEASE_MARGIN_SECONDS, self.lease_seconds / 4)

    async def _hold(self) -> bool:
        """Take or renew the lease; True while this process holds it. The answering
        deadline counts from before the call (the database's lease ends later)."""
        assert self.lease_seconds is not None
        asked = time.monotonic()
        held = await shared_limits.hold_lease(
            self.db, self.lease_name, self.holder, now=time.time(), ttl=self.lease_seconds
        )
        if held:
            self._lease_deadline = asked + self.lease_seconds - self._margin()
        return held

    def _holding(self) -> bool:
        return self.lease_seconds is None or time.monotonic() < self._lease_deadline

    async def _acquire(self) -> None:
        """Stand by until this process holds the lease: tried again when the holder's
        would run out (at least every renewal interval, so a lease given up is taken
        soon), with backoff while the database fails."""
        assert self.lease_seconds is not None
        announced = False
        backoff = 1.0
        while True:
            try:
                if await self._hold():
                    log.info("Matrix: leading %s (lease %s)", self.user_id, self.holder)
                    return
                current = await shared_limits.lease_holder(self.db, self.lease_name)
            except sqlite3.Error as exc:
                log.warning(
                    "Matrix: taking the lease failed (%s); trying again in %.0f s", exc, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MATRIX_RETRY_MAX_SECONDS)
                continue
            backoff = 1.0
            if not announced:
                log.info(
                    "Matrix: standing by, %s syncs as %s",
                    current[0] if current else "another process",
                    self.user_id,
                )
                announced = True
            runs_out = current[1] - time.time() if current else 0.0
            await asyncio.sleep(min(self.lease_renew_seconds, max(runs_out, 0.0) + 0.05))

    async def _keep_lease(self) -> None:
        """Renew the lease every interval; returns when another process holds it. A
        renewal that fails is tried again at the next interval (`_lead` gives up when
        none got through in time)."""
        while True:
            await asyncio.sleep(self.lease_renew_seconds)
            try:
                if not await self._hold():
                    return
            except sqlite3.Error as exc:
                log.warning("Matrix: renewing the lease failed (%s); trying again", exc)

    async def _lead(self) -> None:
        """Sync and answer until the lease is lost: another holder found at a renewal, or
        no renewal through before the deadline. Then the sync stops at once; a reply in
        flight ends unconfirmed and whoever leads next finishes it with its transaction id."""
        self.leading = True
        serve = asyncio.create_task(self._serve(), name="matrix-sync")
        keep = asyncio.create_task(self._keep_lease(), name="matrix-lease")
        try:
            while True:
                left = self._lease_deadline - time.monotonic()
                if left <= 0:
                    log.warning("Matrix: the lease was not renewed in time; standing by")
                    return
                done, _ = await asyncio.wait(
                    {serve, keep}, timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
                if serve in done:
                    serve.result()  # a rejected login
                    return
                if keep in done:
                    keep.result()
                    log.warning("Matrix: another process holds the lease now; standing by")
                    return
        finally:
            self.leading = False
            for task in (serve, keep):
                task.cancel()
            await asyncio.gather(serve, keep, return_exceptions=True)

    async def _release_lease(self) -> None:
        """A stopping process gives the lease up (best effort: else it runs out)."""
        try:
            async with asyncio.timeout(MATRIX_LEASE_RENEW_SECONDS):
                await shared_limits.drop_lease(self.db, self.lease_name, self.holder)
        except Exception as exc:
            log.warning("Matrix: giving the lease up failed (%s); it runs out by itself", exc)

    async def _serve(self) -> None:
        """Sync from the saved token and answer, until cancelled."""
        since = await self._saved_since()
        resume_pending = not await self._resume_unfinished()
        backoff = 1.0
        db_backoff = 1.0
        while True:
            first = since is None
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
                # cancellation that meets a finishing sync, and the bot never stops.
                async with asyncio.timeout(self.sync_timeout_ms / 1000 + MATRIX_SYNC_GRACE_SECONDS):
                    response = await self.client.sync(
                        timeout=0 if first else self.sync_timeout_ms,
                        since=since,
                        sync_filter=_FIRST_SYNC_FILTER if first else _SYNC_FILTER,
                    )
                if isinstance(response, SyncError):
                    if response.status_code == "M_UNKNOWN_TOKEN":
                        raise MatrixLoginError(f"the access token of {self.user_id} is not valid")
                    raise RuntimeError(response.message)
            except (asyncio.CancelledError, MatrixLoginError):
                raise
            except Exception as exc:  # a broken response, a proxy's error page, a timeout
                log.warning("Matrix sync failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MATRIX_RETRY_MAX_SECONDS)
                continue
            backoff = 1.0
            try:
                await self._handle(response, since=since)
            except sqlite3.OperationalError as exc:
                # A claim or a confirmation was not recorded (the database stayed locked, or
                # cannot be written): the same batch again, from the same token, later.
                # What was answered is not answered twice (claims and transaction ids).
                log.warning(
                    "Matrix: the database failed while handling a sync batch (%s); "
                    "handling it again in %.0f s",
                    exc,
                    db_backoff,
                )
                await asyncio.sleep(db_backoff)
                db_backoff = min(db_backoff * 2, MATRIX_RETRY_MAX_SECONDS)
                continue
            except Exception:  # a bug here must not stop the bot
                log.exception("Matrix: handling a sync batch failed")
            db_backoff = 1.0
            since = response.next_batch
            await self._save_since(since)
            if resume_pending:
                resume_pending = not await self._resume_unfinished()
            if not self.ready.is_set():
                log.info("Matrix: syncing as %s", self.user_id)
                self.ready.set()
                if self.core.announcements is not None:
                    self.core.announcements.attach(MatrixSender(self.client))

    async def _saved_since(self) -> str | None:
        """The sync token saved by the last run, waiting for a database that fails."""
        backoff = 1.0
        while True:
            try:
                return await state.get_state(self.db, self.user_id, "next_batch")
            except sqlite3.OperationalError as exc:
                log.warning(
                    "Matrix: reading the sync token failed (%s); trying again in %.0f s",
                    exc,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MATRIX_RETRY_MAX_SECONDS)

    async def _save_since(self, since: str) -> None:
        """Persist the sync token; when the database fails, carry on with it in memory
        (it is saved with the next batch; a restart before that re-reads a few events,
        and answers none twice)."""
        try:
            await state.set_state(self.db, self.user_id, "next_batch", since)
        except sqlite3.Error as exc:
            log.warning(
                "Matrix: the sync token was not saved (%s); carrying on, it is saved with "
                "the next batch",
                exc,
            )

    async def close(self) -> None:
        if self.core.announcements is not None:
            self.core.announcements.detach("matrix")
        await self.client.close()

    async def _handle(self, response: SyncResponse, *, since: str | None) -> None:
        for room_id, info in response.rooms.invite.items():
            try:
                await self._invited(room_id, [_invite_event(e) for e in info.invite_state])
            except sqlite3.OperationalError as exc:
                if _passing(exc):
                    raise  # the whole batch is handled again (see run)
                log.exception("Matrix: the invite to %s could not be handled", room_id)
            except Exception:
                log.exception("Matrix: the invite to %s could not be handled", room_id)
        for room_id in response.rooms.leave:
            await self.client.room_forget(room_id)  # kicked or left: nothing to keep
        if since is None:
            return  # the first sync only tells where "now" is
        for room_id, info in response.rooms.join.items():
            events = [getattr(e, "source", None) for e in info.timeline.events]
            if info.timeline.limited and info.timeline.prev_batch:
                events = await self._missed(room_id, info.timeline.prev_batch, since) + events
            for source in _after_own_join(events, self.user_id):
                try:
                    if command := command_in(source, room_id, self.user_id, self.names):
                        if await self._take(command, source):
                            await self._answer(command)
                    else:
                        await self._membership(room_id, source)
                except sqlite3.OperationalError as exc:
                    if _passing(exc):
                        raise  # the whole batch is handled again (see run)
                    log.exception("Matrix: an event in %s could not be handled", room_id)
                except Exception:
                    log.exception("Matrix: an event in %s could not be handled", room_id)

    async def _missed(self, room_id: str, prev_batch: str, since: str) -> list[Any]:
        """Events a limited timeline left out: paged back to where the last sync ended."""
        found: list[Any] = []
        start = prev_batch
        for _ in range(MATRIX_GAP_PAGES):
            page = await self.client.room_messages(room_id, start=start, end=since, limit=100)
            if not isinstance(page, RoomMessagesResponse) or not page.chunk:
                break
            found.extend(getattr(e, "source", None) for e in page.chunk)
            if not page.end or page.end == start:
                break
            start = page.end
        return list(reversed(found))

    async def _take(self, command: Command, source: dict) -> bool:
        """Claim a command to answer (its transaction id is saved first, so a crash while
        answering is finished after a restart); False for history or already answered."""
        known = await state.reply_for(self.db, self.user_id, command.event_id)
        if known is not None:
            return known[1] is None  # claimed but unconfirmed: finish it
        # The server's own clock says how old the event is (no skew with ours).
        age = (source.get("unsigned") or {}).get("age")
        if (
            isinstance(age, int)
            and time.time() * 1000 - age < self.started_ms - MATRIX_START_SLACK_MS
        ):
            return False  # sent before the bot started: history, not a question now
        await state.claim_reply(
            self.db, self.user_id, command.event_id, command.room_id, f"filmbot-{uuid.uuid4().hex}"
        )
        return True

    async def _resume_unfinished(self) -> bool:
        """Replies claimed before a crash but never confirmed: answer them now, with the
        transaction id claimed then (the homeserver drops the copy if the first landed).
        False when the database failed: tried again after the next batch."""
        try:
            for event_id, room_id in await state.unconfirmed_replies(self.db, self.user_id):
                event = await self.client.room_get_event(room_id, event_id)
                source = getattr(getattr(event, "event", None), "source", None)
                command = command_in(source, room_id, self.user_id, self.names)
                if command is not None:
                    await self._answer(command)
        except sqlite3.OperationalError as exc:
            log.warning(
                "Matrix: finishing replies from before a restart failed (%s); trying again "
                "after the next sync",
                exc,
            )
            return False
        except Exception:  # a bug here must not stop the bot; the next start tries again
            log.exception("Matrix: finishing replies from before a restart failed")
        return True

    async def _invited(self, room_id: str, invite_state: list[Any]) -> None:
        inviter = inviter_of(invite_state, self.user_id)
        if invite_allowed(inviter, room_id, self.allowed_invites, self.user_id):
            log.info("Matrix: joining %s (invited by %s)", room_id, inviter)
            response = await self.client.join(room_id)
        else:
            log.info("Matrix: declining the invite to %s from %s (not allowed)", room_id, inviter)
            response = await self.client.room_leave(room_id)
        if isinstance(response, ErrorResponse):
            log.warning("Matrix: answering the invite to %s failed: %s", room_id, response.message)

    async def _membership(self, room_id: str, event: Any) -> None:
        """Leave a room once everyone else has left it."""
        if not isinstance(event, dict) or event.get("type") != "m.room.member":
            return
        if event.get("state_key") == self.user_id:
            return
        if (event.get("content") or {}).get("membership") not in ("leave", "ban"):
            return
        room = self.client.rooms.get(room_id)
        if room is not None and room.joined_count <= 1:
            log.info("Matrix: leaving %s, everyone else has left", room_id)
            await self.client.room_leave(room_id)
            await self.client.room_forget(room_id)

    async def _may_manage(self, command: Command) -> bool:
        """Only commands that change subscriptions pay for a power-level lookup."""
        wanted = self.core.command_for(command.body)
        if wanted is None or wanted.access != "manage":
            return False
        level = await power_level(self.client, command.room_id, command.sender)
        return level >= self.manage_power_level

    async def _answer(self, command: Command) -> None:
        known = await state.reply_for(self.db, self.user_id, command.event_id)
        if known is None or known[1] is not None:
            return
        req = Request(
            platform=self.platform,
            channel=command.room_id,
            user=command.sender,
            scope=command.room_id,
            can_manage=await self._may_manage(command),
        )
        reply = await self.core.handle(command.body, req)
        if reply is None:
            return
        content = render.render_reply(reply)
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": command.event_id}}
        backoff = 1.0
        for attempt in range(MATRIX_SEND_ATTEMPTS):
            if not self._holding():
                # The lease ran out meanwhile: whoever leads next sends it (claimed as is).
                log.warning("Matrix: the lease ran out; the reply to %s is left", command.event_id)
                return
            response = await self.client.room_send(
                command.room_id, "m.room.message", content, tx_id=known[0]
            )
            if isinstance(response, RoomSendResponse):
                await state.reply_sent(self.db, self.user_id, command.event_id, response.event_id)
                self.replies += 1
                return
            status = getattr(getattr(response, "transport_response", None), "status", None)
            permanent = isinstance(status, int) and 400 <= status < 500
            log.warning(
                "Matrix: reply to %s in %s refused (%s, %s)%s",
                command.event_id,
                command.room_id,
                status,
                getattr(response, "message", response),
                "" if permanent else f"; trying again in {backoff:.0f} s",
            )
            if permanent:  # M_FORBIDDEN and the like: retrying cannot help, now or later
                await state.reply_sent(self.db, self.user_id, command.event_id, f"!{status}")
                return
            if attempt == MATRIX_SEND_ATTEMPTS - 1:
                return  # left unconfirmed: the next start tries again
            await asyncio.sleep(backoff)  # the same transaction id: never a second copy
            backoff = min(backoff * 2, MATRIX_RETRY_MAX_SECONDS)


def _after_own_join(events: list[Any], own_user_id: str) -> list[Any]:
    """A room joined in this batch comes with its history: only what follows our join."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if (
            isinstance(event, dict)
            and event.get("type") == "m.room.member"
            and event.get("state_key") == own_user_id
            and (event.get("content") or {}).get("membership") == "join"
        ):
            return events[index + 1 :]
    return events


async def run_matrix(core: Core, settings: Any) -> None:
    """Run the Matrix bot from settings until cancelled."""
    bot = MatrixBot(
        core,
        settings.matrix_homeserver,
        settings.matrix_user_id,
        access_token=settings.matrix_access_token,
        password=settings.matrix_password,
        device_id=settings.matrix_device_id,
        allowed_invites=settings.matrix_allowed_invites,
        manage_power_level=settings.matrix_manage_power_level,
    )
    try:
        await bot.run()  # only a failed login or a cancellation ends it
    except MatrixLoginError as exc:
        log.error("Matrix: %s", exc)
        raise
    finally:
        await bot.close()
