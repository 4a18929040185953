"""The Matrix bot: a matrix-nio client that answers `!` commands with the core.

Replies are `m.notice` events in reply to the command (`m.in_reply_to`), rendered by
`bot.render.matrix` (allow-listed HTML, spoilers only inside `data-mx-spoiler`, a plain
body that never holds them). The sync token is persisted after every batch and each
reply's transaction id before its first send, so neither a restart nor a retry answers a
command twice. 429s and an unreachable homeserver are waited out (nio retries; the sync
loop backs off), and an event that cannot be understood is skipped, never fatal.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginError,
    RoomSendResponse,
    SyncError,
    SyncResponse,
)

from bot.adapters.matrix_events import Command, command_in, invite_allowed, inviter_of
from bot.constants import (
    MATRIX_RETRY_MAX_SECONDS,
    MATRIX_START_SLACK_MS,
    MATRIX_SYNC_TIMEOUT_MS,
)
from bot.core.engine import Context, Core
from bot.render import matrix as render
from bot.store import matrix_state as state

log = logging.getLogger(__name__)
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
_FIRST_SYNC_FILTER: dict[str, Any] = {**_SYNC_FILTER, "room": {"timeline": {"limit": 0}}}


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
    ) -> None:
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
        self.replies = 0

    async def login(self) -> None:
        if self.client.access_token:
            return
        if not self._password:
            raise MatrixLoginError("set MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD")
        response = await self.client.login(self._password, device_name="filmbot")
        if isinstance(response, LoginError):
            raise MatrixLoginError(f"login as {self.user_id} failed: {response.message}")

    async def run(self) -> None:
        """Sync and answer until cancelled."""
        await self.login()
        since = await state.get_state(self.db, self.user_id, "next_batch")
        backoff = 1.0
        while True:
            first = since is None
            response = await self.client.sync(
                timeout=0 if first else self.sync_timeout_ms,
                since=since,
                sync_filter=_FIRST_SYNC_FILTER if first else _SYNC_FILTER,
            )
            if isinstance(response, SyncError):
                log.warning(
                    "Matrix sync failed (%s); retrying in %.0f s", response.message, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MATRIX_RETRY_MAX_SECONDS)
                continue
            backoff = 1.0
            try:
                await self._handle(response, history=first)
            except Exception:  # a bug here must not stop the bot; the batch is skipped
                log.exception("Matrix: handling a sync batch failed")
            since = response.next_batch
            await state.set_state(self.db, self.user_id, "next_batch", since)
            if not self.ready.is_set():
                log.info("Matrix: syncing as %s", self.user_id)
                self.ready.set()

    async def close(self) -> None:
        await self.client.close()

    async def _handle(self, response: SyncResponse, *, history: bool) -> None:
        for room_id, info in response.rooms.invite.items():
            await self._invited(room_id, [_invite_event(e) for e in info.invite_state])
        for room_id in response.rooms.leave:
            await self.client.room_forget(room_id)  # kicked or left: nothing to keep
        if history:
            return  # the first sync only tells where "now" is
        for room_id, info in response.rooms.join.items():
            for event in info.timeline.events:
                source = getattr(event, "source", None)
                try:
                    if command := command_in(source, room_id, self.user_id):
                        await self._answer(command, source.get("origin_server_ts"))
                    else:
                        await self._membership(room_id, source)
                except Exception:
                    log.exception(
                        "Matrix: event %s in %s could not be answered",
                        source.get("event_id") if isinstance(source, dict) else "?",
                        room_id,
                    )

    async def _invited(self, room_id: str, invite_state: list[Any]) -> None:
        inviter = inviter_of(invite_state, self.user_id)
        if invite_allowed(inviter, room_id, self.allowed_invites, self.user_id):
            log.info("Matrix: joining %s (invited by %s)", room_id, inviter)
            await self.client.join(room_id)
        else:
            log.info("Matrix: declining the invite to %s from %s (not allowed)", room_id, inviter)
            await self.client.room_leave(room_id)

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

    async def _answer(self, command: Command, sent_ms: Any) -> None:
        known = await state.reply_for(self.db, self.user_id, command.event_id)
        if known and known[1]:
            return  # answered before a restart
        before_start = (
            isinstance(sent_ms, int) and sent_ms < self.started_ms - MATRIX_START_SLACK_MS
        )
        if known is None and before_start:
            return  # sent before the bot started: history, not a question to answer now
        ctx = Context(platform="matrix", channel=command.room_id, user=command.sender, prefix="!")
        reply = await self.core.handle(command.body, ctx)
        if reply is None:
            return
        content = render.render_reply(reply)
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": command.event_id}}
        txn_id = await state.claim_reply(
            self.db, self.user_id, command.event_id, command.room_id, f"filmbot-{uuid.uuid4().hex}"
        )
        response = await self.client.room_send(
            command.room_id, "m.room.message", content, tx_id=txn_id
        )
        if isinstance(response, RoomSendResponse):
            await state.reply_sent(self.db, self.user_id, command.event_id, response.event_id)
            self.replies += 1
        else:
            log.warning(
                "Matrix: reply to %s in %s refused: %s",
                command.event_id,
                command.room_id,
                getattr(response, "message", response),
            )


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
    )
    try:
        await bot.run()
    finally:
        await bot.close()
