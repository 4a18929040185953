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


def _asked(event: object, names: tuple[str, ...] = ()) -> str | None:
    command = command_in(event, "!room:example.org", BOT, names)
    return None if command is None else command.body


def test_a_message_that_addresses_the_bot_is_a_question() -> None:
    pill = f'<a href="https://matrix.to/#/{BOT}">Film Bot</a>'
    # A pill with the display name, as clients send a mention.
    assert (
        _asked(
            _message(
                "Film Bot: who directed stalker",
                format="org.matrix.custom.html",
                formatted_body=f"{pill}: who directed stalker",
                **{"m.mentions": {"user_ids": [BOT]}},
            ),
            ("Film Bot",),
        )
        == "!ask who directed stalker"
    )
    # Its name first, with ':' or ',' (the product name, the account's, the display name).
    assert _asked(_message("filmbot: who directed stalker")) == "!ask who directed stalker"
    assert _asked(_message("FilmBot, how long is solaris?")) == "!ask how long is solaris?"
    assert _asked(_message("Film Bot: is there a 4k of vertigo"), ("Film Bot",)) == (
        "!ask is there a 4k of vertigo"
    )
    # Only m.mentions (the body says the name anywhere), the user id written out.
    assert (
        _asked(_message("how long is stalker, filmbot?", **{"m.mentions": {"user_ids": [BOT]}}))
        == "!ask how long is stalker?"
    )
    assert _asked(_message(f"{BOT} who shot stalker")) == "!ask who shot stalker"
    # A command after the name runs the command.
    assert _asked(_message("filmbot: !film solaris")) == "!film solaris"
    # A reply's quoted fallback is not part of the question.
    reply = f"> <{BOT}> Stalker (1979) runs 163 minutes\n\nfilmbot: and who directed it"
    assert _asked(_message(reply)) == "!ask and who directed it"


@pytest.mark.parametrize(
    "event",
    [
        _message("filmbot is great"),  # the name, but not addressed to it
        _message("I asked filmbot: it said 163 minutes"),
        _message("who directed stalker", **{"m.mentions": {"user_ids": ["@bob:example.org"]}}),
        _message(
            "bob: who directed stalker",
            format="org.matrix.custom.html",
            formatted_body='<a href="https://matrix.to/#/@bob:example.org">bob</a>: who',
        ),
        _message("filmbot: who directed stalker", msgtype="m.notice"),  # a bot's notice
        {**_message("filmbot: who directed stalker"), "sender": BOT},
    ],
)
def test_conversation_about_the_bot_is_not_a_question(event: object) -> None:
    assert _asked(event) is None
