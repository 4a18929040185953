"""Secrets stay out of the logs at DEBUG (issue 15): `bot.app.setup_logging` installs
`bot.logsafety`, which redacts the configured secrets and every token shape from every
record of every logger, whatever handler prints it.

End to end: a real password login against the test Synapse, and Discord interactions
(a slash command, a menu pick answered through the webhook) through the emulator, with
the root logger at DEBUG captured by a handler added after the redaction was installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from bot import logsafety
from bot.adapters.matrix_bot import MatrixBot
from bot.app import setup_logging
from bot.core.engine import Core
from bot.logsafety import REDACTED, redact
from tests.discord_emulator import DiscordEmulator
from tests.synapse import Synapse, synapse_server_fixture  # noqa: F401 (the fixture)
from tests.test_discord_bot import EmulatedFilmBot
from tests.test_matrix_bot import running

TIMEOUT = 30
FORMAT = "%(levelname)s %(name)s: %(message)s"
# Shaped like real ones: a Discord bot token (base64 user id . timestamp . HMAC), a
# Synapse access token, a Discord interaction token.
BOT_TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.u7Yp2Qm9XcVbN4aZsD6fGhJkL0qWeRtYuI8oP3"
SYNAPSE_TOKEN = "syt_ZmlsYm90_kXWgQzRvVnUyHmPaLbTc_0AbCdE"
INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTI5ODc2NTQzMjEwOTg3NjU0MzpTb21lUmFuZG9tU2VjcmV0"


@pytest.fixture
def debug_log() -> Iterator[Callable[..., io.StringIO]]:
    """`capture(*secrets)`: logging set up as the bot does it, at DEBUG, with those secrets
    configured; returns what a handler added afterwards (as a library would) receives."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    added: list[logging.Handler] = []

    def capture(*configured: str | None) -> io.StringIO:
        setup_logging("DEBUG", configured)
        root.setLevel(logging.DEBUG)
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        added.append(handler)
        return stream

    try:
        yield capture
    finally:
        for handler in added:
            root.removeHandler(handler)
        logsafety.uninstall()
        logsafety.forget_secrets()
        root.setLevel(level)
        root.handlers[:] = handlers


# --- token shapes on synthetic text and records ------------------------------------------


@pytest.mark.parametrize(
    ("logged", "secret"),
    [
        (f"{{'access_token': '{SYNAPSE_TOKEN}', 'device_id': 'FILMBOT'}}", SYNAPSE_TOKEN),
        ('{"access_token": "an0ther-homeserver-token", "user_id": "@bot:x"}', "an0ther"),
        ('{"password": "correct horse"}', "correct horse"),
        ("GET /_matrix/client/v3/sync?since=s1&access_token=opaqueToken42", "opaqueToken42"),
        (f"Authorization: Bot {BOT_TOKEN}", BOT_TOKEN),
        ("{'Authorization': 'Bearer abcdefghijklmnopqrstuvwxyz'}", "abcdefghijklmnop"),
        ("Authorization: Bearer short1", "short1"),
        (f"POST /api/v10/interactions/1298/{INTERACTION_TOKEN}/callback", INTERACTION_TOKEN),
        ("POST /api/v10/interactions/1298/plain-token-1/callback", "plain-token-1"),
        ("PATCH /api/v10/webhooks/42/webhookToken_9/messages/@original", "webhookToken_9"),
        ("https://discord.com/api/webhooks/42/webhookToken_9", "webhookToken_9"),
        (f"token was {BOT_TOKEN}.", BOT_TOKEN),
        (f"{{'type': 2, 'token': '{INTERACTION_TOKEN}'}}", INTERACTION_TOKEN),
        (f"event {INTERACTION_TOKEN} seen", INTERACTION_TOKEN),
        (f"logged in: {SYNAPSE_TOKEN}", SYNAPSE_TOKEN),
        (r'data "{\"token\": \"escaped-in-json\"}"', "escaped-in-json"),
        ("LoginResponse(user_id='@bot:x', access_token='opaqueTOKEN123')", "opaqueTOKEN123"),
        ("{'access_token': b'bytesToken77'}", "bytesToken77"),
    ],
)
def test_token_shapes_are_redacted(logged: str, secret: str) -> None:
    safe = redact(logged)
    assert secret not in safe and REDACTED in safe


@pytest.mark.parametrize(
    "plain",
    [
        "POST /api/v10/applications/1/commands has returned 200",
        "Solaris (1972) · Andrei Tarkovsky; bot.importers.documents.merge",
        "Shard ID None has sent the IDENTIFY payload.",
        "Bot ready: filmbot#0001",
        "next_batch s72594_4483_1934 since s72594_4483_1933",
    ],
)
def test_ordinary_log_text_is_left_alone(plain: str) -> None:
    assert redact(plain) == plain


def test_a_long_base64_blob_is_read_in_linear_time() -> None:
    blob = secrets.token_urlsafe(400_000)
    assert redact(blob) == blob  # and quickly: a quadratic pattern would take minutes


def test_registered_secrets_in_every_spelling(debug_log: Callable[..., io.StringIO]) -> None:
    out = debug_log("discord-token-value", None, "pass word/with%odd&chars")
    logsafety.register_secret("syn-token-from-login")
    logsafety.register_secret("abc")  # too short to redact without blanking out words
    log = logging.getLogger("some.library")
    log.debug("token %s", "discord-token-value")
    log.debug("login %s", {"password": "pass word/with%odd&chars"})
    log.debug("form password=%s", "pass%20word%2Fwith%25odd%26chars")
    log.debug("json %s", '"pass word/with%odd&chars"')
    log.info("now %s", "syn-token-from-login")
    log.info("abc stays")
    text = out.getvalue()
    for secret in ("discord-token-value", "pass word", "pass%20word", "syn-token-from-login"):
        assert secret not in text
    assert text.count(REDACTED) == 5 and "abc stays" in text


def test_every_logger_level_and_handler_is_covered(
    debug_log: Callable[..., io.StringIO],
) -> None:
    out = debug_log(BOT_TOKEN)
    # A library logger with its own handler (no filter on it), not propagating.
    own = io.StringIO()
    library = logging.getLogger("third.party")
    handler = logging.StreamHandler(own)
    library.addHandler(handler)
    library.propagate = False
    try:
        library.debug("sending %s", {"token": INTERACTION_TOKEN})
    finally:
        library.removeHandler(handler)
        library.propagate = True
    assert INTERACTION_TOKEN not in own.getvalue() and REDACTED in own.getvalue()
    # A traceback and a stack carrying a token.
    log = logging.getLogger("nio.client")
    try:
        raise RuntimeError(f"request failed: /webhooks/1/{INTERACTION_TOKEN}")
    except RuntimeError:
        log.exception("failed with %s", BOT_TOKEN)
    log.critical("critical %s", SYNAPSE_TOKEN, stack_info=True)
    # A record not made by a logger (from a socket, a queue): the root handlers' filter.
    record = logging.makeLogRecord(
        {"msg": "copied %s", "args": (SYNAPSE_TOKEN,), "name": "x", "levelno": logging.INFO}
    )
    for root_handler in logging.getLogger().handlers:
        if logsafety.FILTER in root_handler.filters:
            root_handler.handle(record)
    text = out.getvalue()
    assert "RuntimeError" in text and "critical" in text
    for secret in (BOT_TOKEN, INTERACTION_TOKEN, SYNAPSE_TOKEN):
        assert secret not in text
    assert record.getMessage() == f"copied {REDACTED}"


# --- end to end: Matrix password login ---------------------------------------------------


async def test_a_password_login_at_debug_logs_no_token(
    synapse_server: Synapse, core: Core, debug_log: Callable[..., io.StringIO]
) -> None:
    password = "correct-horse-" + secrets.token_hex(4)
    bot_id, _ = await synapse_server.register(synapse_server.unique("filmbot"), password)
    out = debug_log(None, None, password)  # MATRIX_PASSWORD configured, no access token
    bot = MatrixBot(core, synapse_server.base_url, bot_id, password=password, sync_timeout_ms=200)
    async with running(bot):
        token = bot.client.access_token
        assert token  # the password login gave one
    text = out.getvalue()
    assert "nio" in text and "access_token" in text  # nio logged the login response...
    assert token not in text and password not in text  # ...without the token
    assert "syt_" not in text


# --- end to end: Discord interactions through the emulator -------------------------------


@contextlib.asynccontextmanager
async def discord_bot(emu: DiscordEmulator, core: Core) -> AsyncIterator[EmulatedFilmBot]:
    with emu.patch():
        client = EmulatedFilmBot(core, guild_ready_timeout=0)
        task = asyncio.create_task(client.start(BOT_TOKEN))
        try:
            await emu.wait_ready(TIMEOUT)
            await asyncio.wait_for(client.wait_until_ready(), TIMEOUT)
            yield client
        finally:
            await asyncio.wait_for(client.close(), TIMEOUT)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, TIMEOUT)


async def test_discord_interactions_at_debug_log_no_token(
    core: Core, debug_log: Callable[..., io.StringIO]
) -> None:
    out = debug_log(BOT_TOKEN)  # DISCORD_TOKEN configured
    emu = DiscordEmulator(token=BOT_TOKEN)
    await emu.start()
    try:
        async with discord_bot(emu, core):
            question = await emu.command("film", {"title": "solaris"})
            menu = (await question.callback(TIMEOUT))["data"]["components"][0]["components"][0]
            message = await question.final_message(TIMEOUT)
            chosen = await emu.component(message, menu["custom_id"], [menu["options"][0]["value"]])
            await chosen.callback(TIMEOUT)
            await emu.wait_until(lambda: chosen.followups, TIMEOUT, "the chosen film's card")
            tokens = [question.token, chosen.token]
    finally:
        await emu.stop()
    text = out.getvalue()
    # discord.py logged the gateway events and the callback and webhook URLs...
    assert "INTERACTION_CREATE" in text and "/interactions/" in text and "/webhooks/" in text
    # ...with every token redacted.
    for secret in (BOT_TOKEN, *tokens):
        assert secret not in text
    assert f"/{REDACTED}/callback" in text
