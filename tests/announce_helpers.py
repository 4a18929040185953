"""Shared pieces of the announcement tests: a recording sender in place of a platform,
a clock, the `announcing` fixture (a core with a recording announcer) and helpers."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.platforms import DISCORD
from bot.announce.delivery import Announcer, SendError
from bot.cards import Reply
from bot.core.answers import COMMANDS
from bot.core.commands import ParseError
from bot.core.request import Request
from bot.filters import FilterError, SubscribeRequest, subscribe_request
from bot.importers.documents.importer import import_document
from bot.render import text as text_render
from tests.listings import listing

TODAY = date(2026, 11, 22)
ADMIN = Request(DISCORD, channel="100", user="1", scope="9", can_manage=True)
MEMBER = Request(DISCORD, channel="100", user="2", scope="9")


class RecordingSender:
    """Posts into lists; `fail` makes the next sends raise (a platform refusing)."""

    platform = "discord"

    def __init__(self) -> None:
        self.posts: list[dict] = []  # {"target", "nonce", "text", "mention", "id"}
        self.edits: list[dict] = []
        self.by_nonce: dict[str, str] = {}
        self.fail: SendError | None = None

    async def post(self, target: str, reply: Reply, *, nonce: str, mention: str | None) -> str:
        if self.fail is not None:
            raise self.fail
        if nonce in self.by_nonce:  # what Discord does with enforce_nonce
            return self.by_nonce[nonce]
        message_id = str(len(self.posts) + 1)
        self.by_nonce[nonce] = message_id
        self.posts.append(
            {
                "target": target,
                "nonce": nonce,
                "text": text_render.render_reply(reply, width=None),
                "mention": mention,
                "id": message_id,
            }
        )
        return message_id

    async def edit(self, target, message_id, reply, *, nonce, mention) -> None:
        if self.fail is not None:
            raise self.fail
        self.edits.append(
            {
                "target": target,
                "id": message_id,
                "text": text_render.render_reply(reply, width=None),
            }
        )


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def announcing(core):
    core.today = lambda: TODAY
    sender = RecordingSender()
    clock = Clock()
    announcer = Announcer(
        core.db, sender, today=core.today, spacing=0, target_spacing=0, clock=clock
    )
    return core, sender, announcer, clock


async def add_listing(core, title: str, year: int, day: str, **kw) -> int:
    outcome = await import_document(
        core.db, f"{title}-{day}", listing(title, year, day, **kw).encode()
    )
    assert outcome.ok, outcome.message
    assert outcome.edition_id is not None
    return outcome.edition_id


async def drain(announcer: Announcer, clock: Clock, rounds: int = 50) -> None:
    for _ in range(rounds):
        wait = await announcer.deliver_due()
        if wait >= announcer.poll:
            return
        clock.now += wait


def parse_subscribe(args: str) -> SubscribeRequest:
    """`subscribe` options read from a message by the command's own parser and checked as
    the command checks them; FilterError (as the command says it) when they do not parse."""
    command = COMMANDS.get("subscribe")
    assert command is not None
    try:
        return subscribe_request(command.parse(args))
    except ParseError as exc:
        raise FilterError(str(exc)) from None
