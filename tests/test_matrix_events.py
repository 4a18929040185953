"""Which Matrix events the bot answers and which invites it takes (pure functions)."""

from __future__ import annotations

import pytest

from bot.adapters.matrix_events import command_in, invite_allowed, inviter_of

BOT = "@filmbot:example.org"


def _message(body: str = "!film solaris", **content: object) -> dict:
    return {
        "type": "m.room.message",
        "event_id": "$e1",
        "sender": "@ana:example.org",
        "origin_server_ts": 1,
        "content": {"msgtype": "m.text", "body": body, **content},
    }


def test_a_command_is_answered() -> None:
    command = command_in(_message("  !film solaris "), "!room:example.org", BOT)
    assert command is not None
    assert (command.event_id, command.room_id, command.sender, command.body) == (
        "$e1",
        "!room:example.org",
        "@ana:example.org",
        "!film solaris",
    )


@pytest.mark.parametrize(
    "event",
    [
        _message("hello there"),  # conversation
        _message(msgtype="m.notice"),  # notices: other bots, never answered (no loops)
        {**_message(), "sender": BOT},  # our own event
        _message(**{"m.new_content": {"body": "!film x"}}),  # an edit
        _message(**{"m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"}}),
        {**_message(), "type": "m.room.encrypted"},
        {"type": "m.room.message", "content": "not a dict", "sender": "@a:b", "event_id": "$"},
        {"type": "m.room.message", "content": {"body": 5, "msgtype": "m.text"}},
        {"type": "m.room.message", "event_id": 7, "sender": "@a:b", "content": {}},
        None,
        "garbage",
        [],
    ],
)
def test_what_is_not_answered(event: object) -> None:
    assert command_in(event, "!room:example.org", BOT) is None


def test_invites() -> None:
    state = [
        {"type": "m.room.name", "content": {"name": "Films"}},
        {
            "type": "m.room.member",
            "state_key": BOT,
            "sender": "@ana:other.org",
            "content": {"membership": "invite"},
        },
    ]
    assert inviter_of(state, BOT) == "@ana:other.org"
    assert inviter_of("nonsense", BOT) is None
    room = "!r:other.org"
    assert not invite_allowed("@ana:other.org", room, (), BOT)  # default: own server only
    assert invite_allowed("@bob:example.org", room, (), BOT)
    assert invite_allowed("@ana:other.org", room, (":other.org",), BOT)
    assert invite_allowed("@ana:other.org", room, ("@ana:other.org",), BOT)
    assert invite_allowed(None, room, (room,), BOT)
    assert not invite_allowed("@eve:evil.org", room, ("@ana:other.org", ":other.org"), BOT)
    assert invite_allowed("@eve:evil.org", room, ("*",), BOT)
