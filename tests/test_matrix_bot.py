"""filmbot's Matrix bot end to end against a real Synapse the suite starts itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.matrix_bot import MatrixBot
from bot.constants import MATRIX_START_SLACK_MS
from bot.core.engine import Core
from bot.store import matrix_state
from tests.synapse import Synapse, synapse_server_fixture  # noqa: F401 (the fixture)
from tests.tasks import stop

TIMEOUT = 30
CRANES = "The Cranes Are Flying"


@contextlib.asynccontextmanager
async def running(bot: MatrixBot) -> AsyncIterator[MatrixBot]:
    task = asyncio.create_task(bot.run())
    ready = asyncio.create_task(bot.ready.wait())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=TIMEOUT, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()
        assert ready in done, "the bot did not finish its first sync"
        yield bot
    finally:
        ready.cancel()
        await stop(task)
        await bot.close()


async def counted(bot: MatrixBot, replies: int) -> None:
    """Wait (a generous timeout, no speed asserted) until the bot has counted `replies`:
    it counts a reply once recorded, which may be just after the room shows it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while bot.replies < replies and loop.time() < deadline:
        await asyncio.sleep(0.05)


class Room:
    """A room where a user talks to the bot."""

    def __init__(self, server: Synapse, token: str, room_id: str) -> None:
        self.server, self.token, self.room_id = server, token, room_id

    async def send(self, body: str, **kwargs: Any) -> str:
        return await self.server.send_text(self.token, self.room_id, body, **kwargs)

    async def reply_to(self, event_id: str, timeout: float = TIMEOUT) -> dict:
        return await self.server.wait_for_event(
            self.token,
            self.room_id,
            lambda e: _in_reply_to(e) == event_id,
            timeout=timeout,
        )

    async def ask(self, body: str) -> dict:
        return await self.reply_to(await self.send(body))

    async def replies(self) -> list[dict]:
        return [e for e in await self.server.messages(self.token, self.room_id) if _in_reply_to(e)]


def _in_reply_to(event: dict) -> str | None:
    relates = event.get("content", {}).get("m.relates_to", {})
    return relates.get("m.in_reply_to", {}).get("event_id") if isinstance(relates, dict) else None


async def _users(server: Synapse) -> tuple[tuple[str, str], tuple[str, str], tuple[str, str]]:
    bot = await server.register(server.unique("filmbot"), "bot-password")
    ana = await server.register(server.unique("ana"), "ana-password")
    bob = await server.register(server.unique("bob"), "bob-password")
    return bot, ana, bob


async def _room_with_bot(server: Synapse, user: tuple[str, str], bot_id: str) -> Room:
    room_id = await server.create_room(user[1], invite=[bot_id])
    await _membership(server, user[1], room_id, bot_id, "join")
    return Room(server, user[1], room_id)


async def _membership(server: Synapse, token: str, room_id: str, who: str, state: str) -> dict:
    """Wait until `who`'s membership is `state` (join, leave), as `token` sees the room."""
    return await server.wait_for_event(
        token,
        room_id,
        lambda e: (
            e.get("type") == "m.room.member"
            and e.get("state_key") == who
            and e.get("content", {}).get("membership") == state
        ),
        timeout=TIMEOUT,
    )


@pytest.fixture
async def setup(synapse_server: Synapse, core: Core) -> AsyncIterator[tuple[MatrixBot, Room, Any]]:
    (bot_id, bot_token), ana, bob = await _users(synapse_server)
    bot = MatrixBot(
        core, synapse_server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500
    )
    async with running(bot):
        room = await _room_with_bot(synapse_server, ana, bot_id)
        yield bot, room, (ana, bob)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (f"!film {CRANES}", "Directed by"),
        (f"!edition {CRANES} blu-ray", "#146"),
        (f"!editions {CRANES}", "What the reviews say"),
        (f"!review {CRANES} disc", "Picture ████████░░ 8/10"),
        (f"!plot {CRANES}", "Veronika and Boris"),
        ("!person Mikhail Kalatozov", "The Cranes Are Flying (1957)"),
        ("!find veronika", "Films mentioning"),  # three films: a list
        ("!releases", "Releases"),
        ("!help", "!editions <title>"),
        ("!about", "films"),
        ("!frobnicate", "There is no command !frobnicate"),
        ("!film", "!film needs something to look up"),
    ],
)
async def test_every_command_gets_a_notice_in_reply(
    setup: Any, message: str, expected: str
) -> None:
    _, room, _ = setup
    event_id = await room.send(message)
    reply = await room.reply_to(event_id)
    content = reply["content"]
    assert reply["type"] == "m.room.message" and content["msgtype"] == "m.notice"
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": event_id}}
    assert content["format"] == "org.matrix.custom.html"
    assert expected in content["body"]
    assert content["formatted_body"].startswith("<")


async def test_spoilers_stay_out_of_the_plain_body(setup: Any) -> None:
    _, room, _ = setup
    content = (await room.ask(f"!plot {CRANES} spoilers"))["content"]
    assert "<span data-mx-spoiler>" in content["formatted_body"]
    assert "Boris died" in content["formatted_body"].split("<span data-mx-spoiler>", 1)[1]
    assert "Boris died" not in content["body"] and "[spoiler hidden]" in content["body"]


async def test_no_loops_no_edits_no_notices(setup: Any) -> None:
    bot, room, _ = setup
    ignored = [
        await room.send("!film solaris", msgtype="m.notice"),  # another bot's notice
        await room.send("I loved !film solaris"),  # conversation, not a command
    ]
    original = await room.send("!about")
    await room.reply_to(original)
    edit = await room.server.send_event(
        room.token,
        room.room_id,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "!film solaris",  # an edit whose text is a command is still an edit
            "m.new_content": {"msgtype": "m.text", "body": "!film solaris"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": original},
        },
    )
    # A command typed from the bot's own account (another session of it) is not answered.
    own = await room.server.send_text(bot.client.access_token, room.room_id, "!film solaris")
    ignored.append(own)
    sentinel = await room.send("!help film")
    await room.reply_to(sentinel)
    answered = {_in_reply_to(e) for e in await room.replies()}
    assert answered == {original, sentinel}
    assert not answered & {*ignored, edit}
    await counted(bot, 2)
    assert bot.replies == 2  # and it never answered its own notices


async def test_pick_from_the_numbered_list(setup: Any, synapse_server: Synapse) -> None:
    _, room, (ana, bob) = setup
    question = (await room.ask("!film solaris"))["content"]["body"]
    assert "1. Solaris (1972) · Andrei Tarkovsky" in question and "!pick N" in question
    await synapse_server.request(
        "POST",
        f"/_matrix/client/v3/rooms/{room.room_id}/invite",
        token=ana[1],
        body={"user_id": bob[0]},
    )
    await synapse_server.join(bob[1], room.room_id)
    bobs = Room(synapse_server, bob[1], room.room_id)
    assert "Nothing to pick" in (await bobs.ask("!pick 2"))["content"]["body"]  # not his list
    picked = (await room.ask("!pick 2"))["content"]["body"]
    assert picked.startswith("Solaris (2002)")


async def test_a_restart_answers_nothing_twice(synapse_server: Synapse, core: Core) -> None:
    (bot_id, bot_token), ana, _ = await _users(synapse_server)

    def new_bot(database: Core) -> MatrixBot:
        return MatrixBot(
            database, synapse_server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500
        )

    async with running(new_bot(core)):
        room = await _room_with_bot(synapse_server, ana, bot_id)
        first = await room.send("!about")
        await room.reply_to(first)
    # Away: a command sent now is from before the next start, so it is history.
    missed = await room.send("!film solaris")
    # A crash mid-send: the reply to `crashed` was claimed with a transaction id and had in
    # fact reached the homeserver, but neither the confirmation nor the sync token past
    # the command were saved.
    crashed = await room.send("!help film")
    await matrix_state.claim_reply(core.db, bot_id, crashed, room.room_id, "filmbot-crashed")
    landed = await synapse_server.send_event(
        bot_token,
        room.room_id,
        "m.room.message",
        {
            "msgtype": "m.notice",
            "body": "first attempt",
            "m.relates_to": {"m.in_reply_to": {"event_id": crashed}},
        },
        txn_id="filmbot-crashed",
    )
    await asyncio.sleep(MATRIX_START_SLACK_MS / 1000 + 0.5)
    async with running(new_bot(core)) as again:
        later = await room.send("!help")
        await room.reply_to(later)
        await counted(again, 2)
        assert again.replies == 2  # `crashed` again (the same transaction) and `later`
    replies = [_in_reply_to(e) for e in await room.replies()]
    assert replies.count(first) == 1 and replies.count(later) == 1 and missed not in replies
    assert replies.count(crashed) == 1  # the homeserver deduplicated the retried send
    assert await matrix_state.reply_for(core.db, bot_id, crashed) == ("filmbot-crashed", landed)


async def test_the_bot_survives_a_homeserver_restart(core: Core) -> None:
    async with Synapse() as server:
        (bot_id, bot_token), ana, _ = await _users(server)
        bot = MatrixBot(core, server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500)
        async with running(bot):
            room = await _room_with_bot(server, ana, bot_id)
            await room.ask("!about")
            await server.restart()
            reply = await room.ask(f"!film {CRANES}")
            assert reply["content"]["body"].startswith("The Cranes Are Flying (1957)")


async def test_invites_follow_the_allow_list(synapse_server: Synapse, core: Core) -> None:
    (bot_id, bot_token), ana, bob = await _users(synapse_server)
    bot = MatrixBot(
        core,
        synapse_server.base_url,
        bot_id,
        access_token=bot_token,
        sync_timeout_ms=500,
        allowed_invites=(ana[0],),
    )
    async with running(bot):
        declined = await synapse_server.create_room(bob[1], invite=[bot_id])
        await _membership(synapse_server, bob[1], declined, bot_id, "leave")
        room = await _room_with_bot(synapse_server, ana, bot_id)
        assert "films" in (await room.ask("!about"))["content"]["body"]


async def test_rate_limits_are_waited_out_and_every_command_answered_once(
    synapse_server: Synapse, core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    (bot_id, bot_token), ana, _ = await _users(synapse_server)
    _, admin_token = await synapse_server.register(synapse_server.unique("admin"), "pw", admin=True)
    # Synapse's own default for ordinary accounts: a burst, then a slow trickle.
    await synapse_server.request(
        "POST",
        f"/_synapse/admin/v1/users/{bot_id}/override_ratelimit",
        token=admin_token,
        body={"messages_per_second": 2, "burst_count": 2},
    )
    bot = MatrixBot(
        core, synapse_server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500
    )
    with caplog.at_level(logging.WARNING, logger="nio"):
        async with running(bot):
            room = await _room_with_bot(synapse_server, ana, bot_id)
            sent = [
                await room.send(f"!help {name}")
                for name in ("film", "edition", "plot", "review", "find", "about")
            ]
            for event_id in sent:
                await room.reply_to(event_id)
            replies = [_in_reply_to(e) for e in await room.replies()]
            assert all(replies.count(event_id) == 1 for event_id in sent)
    assert "429" in caplog.text  # the homeserver did push back, and every reply still came once


async def test_joining_a_room_does_not_answer_its_history(
    synapse_server: Synapse, core: Core
) -> None:
    (bot_id, bot_token), ana, _ = await _users(synapse_server)
    bot = MatrixBot(
        core, synapse_server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500
    )
    async with running(bot):
        room_id = await synapse_server.create_room(ana[1])
        old = [
            await synapse_server.send_text(ana[1], room_id, f"!help {n}") for n in ("film", "plot")
        ]
        await synapse_server.request(
            "POST",
            f"/_matrix/client/v3/rooms/{room_id}/invite",
            token=ana[1],
            body={"user_id": bot_id},
        )
        await _membership(synapse_server, ana[1], room_id, bot_id, "join")
        room = Room(synapse_server, ana[1], room_id)
        new = await room.send("!about")
        await room.reply_to(new)
        answered = [_in_reply_to(e) for e in await room.replies()]
        assert answered == [new] and not set(old) & set(answered)


async def test_a_message_that_addresses_the_bot_is_a_question(
    synapse_server: Synapse, core: Core
) -> None:
    (bot_id, bot_token), ana, _ = await _users(synapse_server)
    await synapse_server.request(
        "PUT",
        f"/_matrix/client/v3/profile/{bot_id}/displayname",
        token=bot_token,
        body={"displayname": "Film Bot"},
    )
    bot = MatrixBot(
        core, synapse_server.base_url, bot_id, access_token=bot_token, sync_timeout_ms=500
    )
    async with running(bot):
        assert bot.names == ("Film Bot",)
        room = await _room_with_bot(synapse_server, ana, bot_id)
        # A mention as clients send it: a pill with the display name, and m.mentions.
        pill = await room.server.send_event(
            room.token,
            room.room_id,
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": "Film Bot: how long is seven samurai?",
                "format": "org.matrix.custom.html",
                "formatted_body": f'<a href="https://matrix.to/#/{bot_id}">Film Bot</a>: '
                "how long is seven samurai?",
                "m.mentions": {"user_ids": [bot_id]},
            },
        )
        content = (await room.reply_to(pill))["content"]
        assert content["msgtype"] == "m.notice"
        assert "Seven Samurai (1954) runs 207 minutes, from Wikidata." in content["body"]
        assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": pill}}
        # The same answer as !ask.
        ask = (await room.ask("!ask how long is seven samurai?"))["content"]
        assert ask["body"] == content["body"]
        # Its name first.
        named = (await room.ask("filmbot: who directed stalker 1979"))["content"]["body"]
        assert "Stalker (1979) was directed by Andrei Tarkovsky" in named
        # Conversation, even about the bot, is not answered.
        chatter = [
            await room.send("who directed stalker"),
            await room.send("filmbot is great"),
        ]
        sentinel = await room.send("!about")
        await room.reply_to(sentinel)
        answered = {_in_reply_to(e) for e in await room.replies()}
        assert not answered & set(chatter)
