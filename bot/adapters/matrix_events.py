"""Which Matrix events the bot answers, and which invites it accepts: pure functions on
the raw event JSON, so a malformed event is just one that is not answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.constants import MATRIX_COMMAND_PREFIX


@dataclass(frozen=True)
class Command:
    event_id: str
    room_id: str
    sender: str
    body: str


def command_in(event: Any, room_id: str, own_user_id: str) -> Command | None:
    """The command an event carries, or None: only `m.text` messages from someone else,
    not edits, that start with '!'. Notices (other bots, ourselves) are never answered."""
    if not isinstance(event, dict) or event.get("type") != "m.room.message":
        return None
    content = event.get("content")
    sender, event_id = event.get("sender"), event.get("event_id")
    if (
        not isinstance(content, dict)
        or not isinstance(sender, str)
        or not isinstance(event_id, str)
    ):
        return None
    if sender == own_user_id or content.get("msgtype") != "m.text":
        return None
    relates = content.get("m.relates_to")
    if "m.new_content" in content or (
        isinstance(relates, dict) and relates.get("rel_type") == "m.replace"
    ):
        return None  # an edit of an earlier message, answered already if at all
    body = content.get("body")
    if not isinstance(body, str) or not body.lstrip().startswith(MATRIX_COMMAND_PREFIX):
        return None
    return Command(event_id, room_id, sender, body.strip())


def inviter_of(invite_state: Any, own_user_id: str) -> str | None:
    """Who invited us, from a room's stripped invite state."""
    if not isinstance(invite_state, list):
        return None
    # The homeserver puts the real invite last; earlier entries may come unchecked from
    # another server, so a forged "invited by an allowed user" must not win.
    for event in reversed(invite_state):
        if (
            isinstance(event, dict)
            and event.get("type") == "m.room.member"
            and event.get("state_key") == own_user_id
            and isinstance(event.get("content"), dict)
            and event["content"].get("membership") == "invite"
        ):
            sender = event.get("sender")
            return sender if isinstance(sender, str) else None
    return None


def invite_allowed(
    inviter: str | None, room_id: str, allowed: tuple[str, ...], own_user_id: str
) -> bool:
    """An allow-list entry is a user id ('@ana:example.org'), a server (':example.org'),
    a room id ('!abc:example.org') or '*'. With no list: users of the bot's own server."""
    if not allowed:
        allowed = (":" + own_user_id.split(":", 1)[-1],)
    for entry in allowed:
        if entry == "*" or entry == room_id or (inviter and entry == inviter):
            return True
        if entry.startswith(":") and inviter and inviter.endswith(entry):
            return True
    return False
