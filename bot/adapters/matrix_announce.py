"""Announcements on Matrix: room messages sent with a persisted transaction id.

A retried or restarted send reuses the id chosen when the announcement was queued, so
the homeserver returns the first event instead of posting a second. Announcements are
`m.notice` (they never notify) unless the subscription opted into a mention: then an
`m.text` with explicit `m.mentions` (`@room` or one user).
"""

from __future__ import annotations

import html
from typing import Any

from nio import AsyncClient, RoomGetStateResponse, RoomSendResponse

from bot.announce.delivery import SendError
from bot.cards import Reply
from bot.render import matrix as render


def _content(reply: Reply, mention: str | None) -> dict[str, Any]:
    content = render.render_reply(reply)
    if not mention:
        return content
    content["msgtype"] = "m.text"  # a notice never notifies, whatever it mentions
    if mention == "@room":
        content["m.mentions"] = {"room": True}
        prefix, html_prefix = "@room: ", "@room: "
    else:
        content["m.mentions"] = {"user_ids": [mention]}
        prefix = f"{mention}: "
        link = html.escape(f"https://matrix.to/#/{mention}", quote=True)
        html_prefix = f'<a href="{link}">{html.escape(mention)}</a>: '
    content["body"] = prefix + content["body"]
    content["formatted_body"] = html_prefix + content["formatted_body"]
    return content


def _error(response: Any) -> SendError:
    status = getattr(getattr(response, "transport_response", None), "status", None)
    code = getattr(response, "status_code", None) or status
    message = getattr(response, "message", None) or str(response)
    if isinstance(status, int) and 400 <= status < 500 and status != 429:
        # Not in the room, not allowed to speak, the room gone, or refused as sent:
        # retrying cannot help until someone acts, so the subscription shows it.
        return SendError(f"{message} ({code})", failing=True)
    return SendError(f"the homeserver said {code}: {message}")


class MatrixSender:
    platform = "matrix"

    def __init__(self, client: AsyncClient) -> None:
        self.client = client

    async def post(self, target: str, reply: Reply, *, nonce: str, mention: str | None) -> str:
        response = await self.client.room_send(
            target, "m.room.message", _content(reply, mention), tx_id=nonce
        )
        if isinstance(response, RoomSendResponse):
            return response.event_id
        raise _error(response)

    async def edit(
        self, target: str, message_id: str, reply: Reply, *, nonce: str, mention: str | None
    ) -> None:
        new = render.render_reply(reply)
        new.pop("m.mentions", None)
        content = {
            "msgtype": new["msgtype"],
            "body": "* " + new["body"],
            "format": new["format"],
            "formatted_body": "* " + new["formatted_body"],
            "m.new_content": new,
            "m.relates_to": {"rel_type": "m.replace", "event_id": message_id},
            "m.mentions": {},  # an edit never notifies again
        }
        response = await self.client.room_send(target, "m.room.message", content, tx_id=nonce)
        if not isinstance(response, RoomSendResponse):
            raise _error(response)


async def power_level(client: AsyncClient, room_id: str, user_id: str) -> float:
    """The user's power level in the room, read from the room's current state (the sync
    may not have carried it since the last restart). From room version 12 on, the room's
    creators outrank everyone and are not listed in the power levels at all."""
    response = await client.room_get_state(room_id)
    if not isinstance(response, RoomGetStateResponse):
        return 0
    state = {
        e.get("type"): e
        for e in response.events
        if isinstance(e, dict)
        and e.get("state_key") == ""
        and e.get("type") in ("m.room.create", "m.room.power_levels")
    }
    create = state.get("m.room.create") or {}
    info = create.get("content") or {}
    if str(info.get("room_version") or "1") not in _PRE_CREATOR_VERSIONS:
        creators = [create.get("sender"), *(info.get("additional_creators") or [])]
        if user_id in creators:
            return float("inf")
    levels = state.get("m.room.power_levels")
    if levels is None:  # no power levels yet: the creator has 100, everyone else 0
        return 100 if user_id == create.get("sender") else 0
    content = levels.get("content") or {}
    users = content.get("users") or {}
    return _level(users.get(user_id, content.get("users_default", 0)))


def _level(value: Any) -> int:
    """A power level; older room versions allow it as a string ("50")."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


# Room versions in which creators are ordinary users with a power level.
_PRE_CREATOR_VERSIONS = {str(n) for n in range(1, 12)}
