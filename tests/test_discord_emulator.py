"""Self-tests of the Discord emulator, driven by a small real discord.py bot defined here."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import json
import signal
import sys
import time
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.discord_emulator import (
    P_MANAGE_GUILD,
    P_SEND_MESSAGES,
    P_VIEW_CHANNEL,
    DiscordEmulator,
    EmulatorError,
    max_in_window,
    patch_discord,
)

TIMEOUT = 20  # seconds, for every test and fixture step: nothing may hang
FILMS = ["Alien", "Aliens", "Heat", "Her", "Hereditary"]
CALLBACK = "/interactions/{id}/{token}/callback"


class PickView(discord.ui.View):
    """A select menu only the user who asked may use."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=60)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This menu is not yours.", ephemeral=True)
            return False
        return True

    @discord.ui.select(
        custom_id="pick:film",
        placeholder="Choose a film",
        options=[discord.SelectOption(label=f, value=f.lower()) for f in FILMS[:3]],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(content=f"You picked {select.values[0]}", view=None)
        self.stop()


class EmuBot(discord.Client):
    def __init__(self, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0)
        self.guild_id = guild_id
        self.tree = app_commands.CommandTree(self)
        self.errors: list[BaseException] = []
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        tree = self.tree

        @tree.command(description="Look up a film")
        @app_commands.describe(title="Film title", year="Release year")
        async def film(interaction: discord.Interaction, title: str, year: int | None = None):
            embed = discord.Embed(title=title, description="A film.", colour=0x2B2D31)
            if year is not None:
                embed.add_field(name="Year", value=str(year))
            await interaction.response.send_message(
                content=f"{interaction.user.mention} asked",
                embed=embed,
                allowed_mentions=discord.AllowedMentions.none(),
            )

        @film.autocomplete("title")
        async def film_title(interaction: discord.Interaction, current: str):
            return [
                app_commands.Choice(name=f, value=f)
                for f in FILMS
                if f.lower().startswith(current.lower())
            ][:25]

        @tree.command(description="Search slowly")
        async def slow(interaction: discord.Interaction, query: str):
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(f"Results for {query}")

        @tree.command(description="Defer, then edit the reply")
        async def edited(interaction: discord.Interaction):
            await interaction.response.defer()
            await interaction.edit_original_response(content="edited")

        @tree.command(description="Choose a film")
        async def pick(interaction: discord.Interaction):
            await interaction.response.send_message("Pick one", view=PickView(interaction.user.id))

        @tree.command(description="Recommend a film to someone")
        async def recommend(interaction: discord.Interaction, to: discord.Member, title: str):
            await interaction.response.send_message(f"{to.display_name} should watch {title}")

        @tree.command(description="Who and where the user is, as the interaction says")
        async def whoami(interaction: discord.Interaction):
            manage = interaction.permissions.manage_guild
            send = interaction.app_permissions.send_messages
            await interaction.response.send_message(
                f"manage_guild={manage} channel={interaction.channel_id} bot_can_send={send}",
                ephemeral=True,
            )

        @tree.command(description="Does not answer")
        async def silent(interaction: discord.Interaction):
            return None

        watchlist = app_commands.Group(name="watchlist", description="Your watchlist")

        @watchlist.command(name="add", description="Add a film")
        async def watchlist_add(interaction: discord.Interaction, title: str):
            await interaction.response.send_message(f"Added {title}", ephemeral=True)

        tree.add_command(watchlist)

        @tree.command(name="ping", description="Guild-only ping", guild=discord.Object(guild_id))
        async def ping(interaction: discord.Interaction):
            await interaction.response.send_message("pong", ephemeral=True)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py's default sleeps 5 s before every re-IDENTIFY

    async def _on_tree_error(self, interaction, error) -> None:
        self.errors.append(error)

    async def setup_hook(self) -> None:
        await self.tree.sync()
        await self.tree.sync(guild=discord.Object(self.guild_id))


@contextlib.asynccontextmanager
async def running_bot(emu: DiscordEmulator) -> AsyncIterator[EmuBot]:
    """A connected EmuBot; closed (and its task awaited) on exit."""
    with emu.patch():
        client = EmuBot(emu.guild_id)
        task = asyncio.create_task(client.start("emulator-token"))
        ready = asyncio.create_task(emu.wait_ready(TIMEOUT))
        try:
            done, _ = await asyncio.wait(
                {task, ready}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
            if task in done:
                task.result()  # the bot failed to start: raise its error
                raise AssertionError("the bot stopped before it was ready")
            await ready
            await asyncio.wait_for(client.wait_until_ready(), TIMEOUT)
            yield client
        finally:
            ready.cancel()
            await asyncio.wait_for(client.close(), TIMEOUT)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, TIMEOUT)


@contextlib.asynccontextmanager
async def started(**options) -> AsyncIterator[DiscordEmulator]:
    """An emulator with these constructor options, started; stopped on exit."""
    emulator = DiscordEmulator(**options)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def emu() -> AsyncIterator[DiscordEmulator]:
    async with started() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: DiscordEmulator) -> AsyncIterator[EmuBot]:
    async with running_bot(emu) as client:
        yield client
    assert client.errors == []


async def post(emu: DiscordEmulator, path: str, body=None, method="POST"):
    """A raw request to the emulator's API: (status, headers, JSON or None)."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, emu.base_url + path, json=body) as response,
    ):
        data = await response.json(content_type=None) if response.status != 204 else None
        return response.status, response.headers, data


def callback_path(it) -> str:
    return f"/interactions/{it.id}/{it.token}/callback"


# ---------------------------------------------------------------- connecting


async def test_login_identify_and_command_sync(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        assert emu.identifies == 1 and emu.resumes == 0
        assert emu.identify_payloads[0]["intents"] == discord.Intents.default().value
        assert bot.user is not None and bot.user.id == emu.bot_user_id
        assert bot.application_id == emu.application_id
        guild = bot.get_guild(emu.guild_id)
        assert guild is not None and guild.me is not None
        assert guild.get_channel(emu.channel_id).name == "films"
        assert guild.default_role.permissions.send_messages

        assert emu.sync_calls == [
            {"guild_id": None, "count": 8},
            {"guild_id": emu.guild_id, "count": 1},
        ]
        assert sorted(emu.commands) == [
            "edited",
            "film",
            "pick",
            "ping",
            "recommend",
            "silent",
            "slow",
            "watchlist",
            "whoami",
        ]
        film = emu.commands["film"]
        assert film["application_id"] == str(emu.application_id) and int(film["id"]) > 0
        assert film["options"] == [
            {
                "type": 3,
                "name": "title",
                "description": "Film title",
                "required": True,
                "autocomplete": True,
            },
            {"type": 4, "name": "year", "description": "Release year", "required": False},
        ]
        assert emu.commands["ping"]["guild_id"] == str(emu.guild_id)
        status, _, listed = await post(
            emu, f"/applications/{emu.application_id}/commands", method="GET"
        )
        assert status == 200 and {c["name"] for c in listed} == set(emu.commands) - {"ping"}
        called = {(r["method"], r["path"]) for r in emu.requests}
        assert ("GET", "/users/@me") in called
        assert ("GET", "/oauth2/applications/@me") in called
        assert emu.unhandled == []


# -------------------------------------------------------------- interactions


async def test_command_reply_is_the_exact_json(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        it = await emu.command("film", {"title": "Alien", "year": 1979})
        assert it.payload["data"]["options"] == [
            {"type": 3, "name": "title", "value": "Alien"},
            {"type": 4, "name": "year", "value": 1979},
        ]
        assert await it.callback() == {
            "type": 4,
            "data": {
                "tts": False,
                "content": f"<@{emu.user_id}> asked",
                "embeds": [
                    {
                        "flags": 0,
                        "type": "rich",
                        "title": "Alien",
                        "description": "A film.",
                        "color": 0x2B2D31,
                        "fields": [{"name": "Year", "value": "1979", "inline": True}],
                    }
                ],
                "allowed_mentions": {"parse": []},
            },
        }
        message = await it.final_message()
        assert message["type"] == 20 and message["author"]["id"] == str(emu.bot_user_id)
        assert message["embeds"][0]["title"] == "Alien"
        assert message["interaction_metadata"]["user"]["id"] == str(emu.user_id)
        assert 0 <= it.latency < 3
        assert it.followups == [] and it.edits == [] and emu.duplicates == []


async def test_autocomplete_returns_the_choices(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        choices = await emu.autocomplete("film", {"title": "al"}, focused="title")
        assert choices == [
            {"name": "Alien", "value": "Alien"},
            {"name": "Aliens", "value": "Aliens"},
        ]
        handle = await emu.autocomplete_interaction("film", {"title": "he", "year": 2}, "title")
        assert handle.payload["type"] == 4
        assert handle.payload["data"]["options"][0] == {
            "type": 3,
            "name": "title",
            "value": "he",
            "focused": True,
        }
        assert (await handle.callback())["type"] == 8


async def test_deferred_reply_then_followup(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        it = await emu.command("slow", {"query": "noir"})
        assert (await it.callback())["type"] == 5
        message = await it.final_message()
        assert message["content"] == "Results for noir"
        assert message["flags"] == 0  # no longer "thinking…"
        assert it.followups == [{"content": "Results for noir", "tts": False}]
        assert message["id"] == it.original["id"]  # the first followup fills the deferred reply


async def test_deferred_reply_then_edit_original(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        it = await emu.command("edited")
        assert (await it.callback())["type"] == 5
        assert (await it.final_message())["content"] == "edited"
        assert it.callbacks == [{"type": 5}]
        assert it.edits == [{"content": "edited", "tts": False}]  # PATCH @original, verbatim


async def test_select_menu_round_trip_and_owner_check(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        it = await emu.command("pick")
        shown = await it.final_message()
        select = shown["components"][0]["components"][0]
        assert select["custom_id"] == "pick:film" and select["type"] == 3

        stranger = await emu.component(shown, "pick:film", ["alien"], user_id=emu.other_user_id)
        assert stranger.payload["member"]["user"]["id"] == str(emu.other_user_id)
        assert stranger.payload["message"] == shown  # the message as it was when clicked
        refusal = await stranger.callback()
        assert refusal["type"] == 4
        assert refusal["data"]["content"] == "This menu is not yours."
        assert refusal["data"]["flags"] == 64

        mine = await emu.component(shown, "pick:film", ["heat"])
        assert mine.payload["member"]["user"]["id"] == str(emu.user_id)
        update = await mine.callback()
        assert update["type"] == 7
        assert update["data"]["content"] == "You picked heat"
        assert update["data"]["components"] == []
        updated = await mine.final_message()
        assert updated["id"] == shown["id"] and updated["components"] == []
        assert emu.all_messages[int(shown["id"])]["content"] == "You picked heat"

        with pytest.raises(KeyError):
            await emu.component(shown, "pick:film", ["heat"])  # the menu is gone
        assert emu.duplicates == []


async def test_user_option_is_resolved_and_subcommands(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        it = await emu.command("recommend", {"to": emu.other_user_id, "title": "Heat"})
        assert str(emu.other_user_id) in it.payload["data"]["resolved"]["members"]
        assert (await it.callback())["data"]["content"] == "Bystander should watch Heat"

        added = await emu.command("watchlist add", {"title": "Heat"})
        assert added.payload["data"]["options"] == [
            {"type": 1, "name": "add", "options": [{"type": 3, "name": "title", "value": "Heat"}]}
        ]
        reply = await added.callback()
        assert reply["data"]["content"] == "Added Heat" and reply["data"]["flags"] == 64

        pong = await emu.command("ping")
        assert pong.payload["data"]["guild_id"] == str(emu.guild_id)
        assert (await pong.callback())["data"]["content"] == "pong"


async def test_command_helper_refuses_what_discord_would_not_send(emu, bot):
    with pytest.raises(KeyError):
        await emu.command("nope")
    with pytest.raises(KeyError):
        await emu.command("film", {"title": "Alien", "director": "Scott"})
    with pytest.raises(ValueError):
        await emu.command("film", {"year": 1979})  # the required title is missing
    with pytest.raises(ValueError):
        await emu.command("film", {"title": "Alien", "year": "nineteen"})


# ----------------------------------------------------------------- gateway


async def test_dropped_gateway_is_resumed(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        await emu.drop_gateway(4000)
        await emu.wait_resumed()
        assert emu.resumes == 1 and emu.identifies == 1
        it = await emu.command("film", {"title": "Heat"})
        assert (await it.callback())["data"]["embeds"][0]["title"] == "Heat"


async def test_dispatch_missed_while_disconnected_is_replayed(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        dropping = asyncio.create_task(emu.drop_gateway(4000))
        await asyncio.sleep(0)  # the bot's socket is detached; the close handshake is under way
        assert not emu.connected
        it = await emu.command("film", {"title": "Her"})  # buffered, replayed on RESUME
        await dropping
        assert (await it.callback())["data"]["embeds"][0]["title"] == "Her"
        assert emu.resumes == 1 and emu.identifies == 1


async def test_invalidated_session_identifies_again(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        await emu.drop_gateway(4009)  # session timed out: RESUME gets op 9
        await emu.wait_identified(2)
        assert emu.resumes == 0 and emu.invalid_sessions == 1
        await bot.wait_until_ready()
        it = await emu.command("film", {"title": "Alien"})
        assert (await it.callback())["type"] == 4


async def test_abrupt_drop_reconnect_and_invalid_session_ops(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        await emu.drop_gateway(None)  # TCP cut, no close frame
        await emu.wait_resumed(1)
        await emu.send_reconnect()  # op 7
        await emu.wait_resumed(2)
        await emu.invalidate_session(resumable=True)  # op 9 true
        await emu.wait_resumed(3)
        await emu.invalidate_session(resumable=False)  # op 9 false
        await emu.wait_identified(2)
        assert (emu.identifies, emu.resumes) == (2, 3)
        it = await emu.command("ping")
        assert (await it.callback())["data"]["content"] == "pong"


# ---------------------------------------------------------- fault injection


async def test_rate_limited_callback_is_answered_once(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        emu.fail_next("POST", CALLBACK, 429, retry_after=0.3)
        it = await emu.command("film", {"title": "Alien"})
        assert (await it.callback())["type"] == 4
        assert [f["status"] for f in emu.faults_hit] == [429]
        assert emu.faults_hit[0]["json"] == it.callbacks[0]  # the same answer, retried
        assert len(it.callbacks) == 1 and emu.duplicates == []
        assert it.latency >= 0.3
        replies = [m for m in emu.all_messages.values() if m.get("interaction", {}).get("id")]
        assert len(replies) == 1


async def test_server_error_on_callback_is_retried_once(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        emu.fail_next("POST", CALLBACK, 500)
        it = await emu.command("film", {"title": "Heat"})
        assert (await it.callback())["type"] == 4
        assert [f["status"] for f in emu.faults_hit] == [500]
        assert len(it.callbacks) == 1 and emu.duplicates == [] and emu.late == []


async def test_rate_limited_channel_message_is_sent_once(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        emu.fail_next("POST", "/channels/{channel_id}/messages", 429, retry_after=0.1, count=2)
        sent = await bot.get_channel(emu.channel_id).send("Releases this week")
        assert [f["status"] for f in emu.faults_hit] == [429, 429]
        assert [m["id"] for m in emu.messages[emu.channel_id]] == [str(sent.id)]


async def test_lost_response_is_retried_and_deduplicated_by_nonce(emu, bot):
    async with asyncio.timeout(TIMEOUT):
        emu.fail_next("POST", "/channels/*/messages", 502, process=True)
        sent = await bot.get_channel(emu.channel_id).send("Releases this week")
        assert [(f["status"], f["processed"]) for f in emu.faults_hit] == [(502, True)]
        assert [m["id"] for m in emu.messages[emu.channel_id]] == [str(sent.id)]
        assert emu.nonce_hits == 1  # the retry carried the same nonce


async def test_lost_callback_response_makes_the_retry_a_duplicate(emu, bot):
    async with asyncio.timeout(TIMEOUT):
        emu.fail_next("POST", CALLBACK, 500, process=True)
        it = await emu.command("film", {"title": "Alien"})
        assert (await it.callback())["type"] == 4
        # discord.py retries the callback; Discord refuses it, and the bot sees an error for an
        # answer the user did get. A bot cannot avoid this; tests can see it.
        await emu.wait_until(lambda: len(emu.duplicates) == 1, TIMEOUT, "the retried callback")
        assert len(it.callbacks) == 1
        await emu.wait_until(lambda: len(bot.errors) == 1, TIMEOUT, "the bot's error")
        assert isinstance(bot.errors[0].__cause__ or bot.errors[0], discord.HTTPException)
        bot.errors.clear()


async def test_nonce_with_enforce_nonce_returns_the_first_message(emu, bot):
    async with asyncio.timeout(TIMEOUT):
        channel = bot.get_channel(emu.channel_id)
        first = await channel.send("Releases this week", nonce="weekly-2024-19")
        again = await channel.send("Releases this week", nonce="weekly-2024-19")
        assert again.id == first.id
        assert len(emu.messages[emu.channel_id]) == 1 and emu.nonce_hits == 1
        posts = [
            r["json"] for r in emu.requests if r["method"] == "POST" and "/channels/" in r["path"]
        ]
        assert [(p["nonce"], p["enforce_nonce"]) for p in posts] == [("weekly-2024-19", True)] * 2

        other = await channel.send("Releases next week", nonce="weekly-2024-20")
        assert other.id != first.id and len(emu.messages[emu.channel_id]) == 2

        # The nonce is the author's, not the channel's: reused in another channel, it returns
        # the first channel's message and posts nothing, so a per-channel post needs the
        # channel in its nonce. discord.py even files the returned message under the channel
        # it sent to (`reused.channel` is #elsewhere): the bot cannot tell.
        elsewhere = await emu.create_channel("elsewhere")
        await emu.wait_until(lambda: bot.get_channel(elsewhere) is not None, TIMEOUT, "it")
        reused = await bot.get_channel(elsewhere).send("Releases", nonce="weekly-2024-19")
        assert reused.id == first.id
        assert emu.all_messages[reused.id]["channel_id"] == str(emu.channel_id)
        assert emu.messages[elsewhere] == [] and emu.nonce_hits == 2

        await first.edit(content="Releases this week (updated)")
        stored = emu.messages[emu.channel_id][0]
        assert stored["content"] == "Releases this week (updated)"
        assert stored["edited_timestamp"] is not None


async def test_file_upload_is_recorded_without_touching_the_json(emu, bot):
    async with asyncio.timeout(TIMEOUT):
        channel = bot.get_channel(emu.channel_id)
        sent = await channel.send("Poster", file=discord.File(io.BytesIO(b"PNG..."), "alien.png"))
        assert [a.filename for a in sent.attachments] == ["alien.png"]
        assert sent.attachments[0].size == 6
        posted = dict(emu.requests[-1]["json"])
        assert posted.pop("nonce").isdigit()  # discord.py 2.7 sends a random nonce by default
        assert posted == {
            "content": "Poster",
            "tts": False,
            "attachments": [{"id": 0, "filename": "alien.png"}],
            "components": [],
            "enforce_nonce": True,
        }
        assert emu.uploads == [
            {
                "field": "files[0]",
                "filename": "alien.png",
                "content_type": "application/octet-stream",
                "data": b"PNG...",
            }
        ]


async def test_denied_permission_raises_forbidden(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        channel = bot.get_channel(emu.channel_id)
        emu.deny("POST", "/channels/{channel_id}/messages")
        with pytest.raises(discord.Forbidden) as caught:
            await channel.send("hello")
        assert caught.value.code == 50013 and caught.value.status == 403
        assert emu.messages[emu.channel_id] == []
        emu.undeny()
        await channel.send("hello")
        assert len(emu.messages[emu.channel_id]) == 1


# --------------------------------------------------------------- rate limits


async def test_channel_rate_limit_is_waited_for_not_hit():
    async with asyncio.timeout(TIMEOUT), started(channel_rate=(5, 0.5)) as emu:
        async with running_bot(emu) as bot:
            channel = bot.get_channel(emu.channel_id)
            sent = await asyncio.gather(*(channel.send(f"Release {i}") for i in range(12)))
            await asyncio.gather(*(m.edit(content=f"{m.content} (out now)") for m in sent[:7]))
        stored = emu.messages[emu.channel_id]
        assert sorted(int(m["id"]) for m in stored) == sorted(m.id for m in sent)
        assert sum(m["content"].endswith("(out now)") for m in stored) == 7
        # discord.py waits when a response says Remaining 0, so it is (almost) never refused.
        assert len(emu.rate_limited) <= 2
        posts = emu.counted_times("POST", emu.channel_id)
        edits = emu.counted_times("PATCH", emu.channel_id)
        assert (len(posts), len(edits)) == (12, 7)
        assert max_in_window(posts, 0.5) <= 5 and max_in_window(edits, 0.5) <= 5
        assert posts[-1] - posts[0] >= 2 * 0.5  # 12 posts: three windows of at most 5


async def test_each_channel_has_its_own_bucket():
    async with asyncio.timeout(TIMEOUT), started(channel_rate=(5, 1.0)) as emu:
        channels = [emu.add_channel(f"releases-{i}") for i in range(3)]
        async with running_bot(emu) as bot:
            sends = [bot.get_channel(c).send(f"{c}: {i}") for i in range(6) for c in channels]
            await asyncio.gather(*sends)
        assert [len(emu.messages[c]) for c in channels] == [6, 6, 6]
        assert len(emu.rate_limited) <= 2
        for channel_id in channels:
            assert max_in_window(emu.counted_times("POST", channel_id), 1.0) == 5
        # 15 posts in one window: no channel waited for another's bucket (one shared bucket
        # would allow 5).
        assert max_in_window(emu.counted_times("POST"), 1.0) >= 15


async def test_global_rate_limit_across_channels():
    async with (
        asyncio.timeout(TIMEOUT),
        started(channel_rate=(5, 1.0), global_rate=(8, 0.5)) as emu,
    ):
        channels = [emu.add_channel(f"releases-{i}") for i in range(4)]
        async with running_bot(emu) as bot:
            sends = [bot.get_channel(c).send(f"{c}: {i}") for i in range(5) for c in channels]
            await asyncio.gather(*sends)
        assert [len(emu.messages[c]) for c in channels] == [5, 5, 5, 5]
        # discord.py cannot see the global limit coming: it is refused, waits and retries.
        assert emu.rate_limited and {r["scope"] for r in emu.rate_limited} == {"global"}
        times = emu.counted_times("POST")
        assert len(times) == 20 and max_in_window(times, 0.5) <= 8
        assert times[-1] - times[0] >= 2 * 0.5  # 20 posts: three windows of at most 8


async def test_rate_limit_headers_and_429s():
    async with (
        asyncio.timeout(TIMEOUT),
        started(channel_rate=(2, 30.0), global_rate=(4, 30.0)) as emu,
    ):
        other = emu.add_channel("releases")
        path = f"/channels/{emu.channel_id}/messages"
        status, headers, first = await post(emu, path, {"content": "1"})
        assert status == 200 and headers["X-RateLimit-Limit"] == "2"
        assert headers["X-RateLimit-Remaining"] == "1"
        assert 29 < float(headers["X-RateLimit-Reset-After"]) <= 30
        assert float(headers["X-RateLimit-Reset"]) > time.time() + 29
        bucket = headers["X-RateLimit-Bucket"]
        status, headers, _ = await post(emu, path, {"content": "2"})
        assert (status, headers["X-RateLimit-Remaining"]) == (200, "0")

        status, headers, body = await post(emu, path, {"content": "3"})
        assert status == 429 and headers["Via"] and headers["X-RateLimit-Scope"] == "user"
        assert headers["X-RateLimit-Bucket"] == bucket
        assert body["global"] is False and 29 < body["retry_after"] <= 30
        assert body["message"] == "You are being rate limited."

        status, headers, _ = await post(emu, f"/channels/{other}/messages", {"content": "4"})
        assert status == 200 and headers["X-RateLimit-Remaining"] == "1"  # its own bucket
        assert headers["X-RateLimit-Bucket"] == bucket  # same route: channel is the major param
        status, headers, _ = await post(emu, f"{path}/{first['id']}", {"content": "1!"}, "PATCH")
        assert status == 200 and headers["X-RateLimit-Remaining"] == "1"  # edits: own bucket
        assert headers["X-RateLimit-Bucket"] != bucket

        status, headers, body = await post(emu, f"/channels/{other}/messages", {"content": "5"})
        assert status == 429 and body["global"] is True  # 4 counted in 30 s
        assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
        assert [(r["channel_id"], r["scope"]) for r in emu.rate_limited] == [
            (emu.channel_id, "user"),
            (other, "global"),
        ]
        assert len(emu.counted_requests) == 4
        assert len(emu.messages[emu.channel_id]) == 2 and len(emu.messages[other]) == 1

        # Reading history, interaction callbacks and webhooks are not limited.
        status, headers, _ = await post(emu, path, method="GET")
        assert status == 200 and "X-RateLimit-Bucket" not in headers
        status, _, _ = await post(emu, f"/webhooks/{emu.application_id}/nope", {"content": "x"})
        assert status == 404  # refused for the token, not the rate

        emu.reset_rate_limits()
        status, _, _ = await post(emu, path, {"content": "6"})
        assert status == 200
        emu.channel_rate = emu.global_rate = None
        for i in range(5):
            status, headers, _ = await post(emu, path, {"content": f"free {i}"})
            assert status == 200 and "X-RateLimit-Remaining" not in headers
        assert len(emu.rate_limited) == 2


async def test_injected_429_on_a_limited_route_keeps_the_real_bucket(emu: DiscordEmulator):
    async with asyncio.timeout(TIMEOUT):
        path = f"/channels/{emu.channel_id}/messages"
        _, headers, _ = await post(emu, path, {"content": "1"})
        emu.fail_next("POST", path, 429, retry_after=0.2)
        status, injected, _ = await post(emu, path, {"content": "2"})
        assert status == 429 and injected["X-RateLimit-Bucket"] == headers["X-RateLimit-Bucket"]
        assert emu.rate_limited == [] and len(emu.counted_requests) == 1  # a 429 never counts
        emu.deny("POST", path)
        status, denied, error = await post(emu, path, {"content": "3"})
        assert (status, error["code"]) == (403, 50013)
        assert denied["X-RateLimit-Remaining"] == "3"  # a refused request still counts


async def test_denied_channel_is_refused_while_others_work(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        other = await emu.create_channel("releases")  # CHANNEL_CREATE to the connected bot
        await emu.wait_until(lambda: bot.get_channel(other) is not None, TIMEOUT, "the channel")
        films = f"/channels/{emu.channel_id}/messages"
        emu.deny("POST", films)
        with pytest.raises(discord.Forbidden) as caught:
            await bot.get_channel(emu.channel_id).send("New this week")
        assert (caught.value.status, caught.value.code) == (403, 50013)
        sent = await bot.get_channel(other).send("New this week")
        assert [m["id"] for m in emu.messages[other]] == [str(sent.id)]
        assert emu.messages[emu.channel_id] == []
        assert [f["path"] for f in emu.faults_hit] == [films]

        emu.undeny("POST", "/api/v10" + films)  # the same pattern, written with the prefix
        await bot.get_channel(emu.channel_id).send("New this week")
        assert len(emu.messages[emu.channel_id]) == 1


async def test_roles_and_channels_shape_interaction_permissions():
    async with asyncio.timeout(TIMEOUT), started() as emu:
        mods = emu.add_role("Mods", P_MANAGE_GUILD)
        moderator = emu.add_user("moderator", roles=[mods])
        member = emu.add_user("member")
        releases = emu.add_channel("releases", topic="New on disc")
        quiet = emu.add_channel(
            "read-only",
            permission_overwrites=[
                {"id": emu.everyone_role_id, "deny": P_SEND_MESSAGES},
                {"id": mods, "allow": P_SEND_MESSAGES},
            ],
        )
        hidden = emu.add_channel(
            "staff", permission_overwrites=[{"id": emu.bot_user_id, "deny": P_VIEW_CHANNEL}]
        )
        async with running_bot(emu) as bot:
            guild = bot.get_guild(emu.guild_id)
            assert guild.get_channel(releases).topic == "New on disc"  # sent in GUILD_CREATE
            assert guild.get_role(mods).permissions.manage_guild

            async def whoami(user_id: int, channel_id: int) -> tuple[dict, str]:
                it = await emu.command("whoami", user_id=user_id, channel_id=channel_id)
                return it.payload, (await it.callback())["data"]["content"]

            payload, reply = await whoami(moderator, releases)
            assert payload["channel_id"] == str(releases) and payload["member"]["roles"] == [
                str(mods)
            ]
            assert int(payload["member"]["permissions"]) & P_MANAGE_GUILD
            assert reply == f"manage_guild=True channel={releases} bot_can_send=True"
            payload, reply = await whoami(member, releases)
            assert not int(payload["member"]["permissions"]) & P_MANAGE_GUILD
            assert reply == f"manage_guild=False channel={releases} bot_can_send=True"
            emu.add_member_role(member, mods)
            assert (await whoami(member, releases))[1].startswith("manage_guild=True")
            emu.remove_member_role(member, mods)
            assert (await whoami(member, releases))[1].startswith("manage_guild=False")

            # Overwrites: @everyone may not post in #read-only, Mods may; nor may the bot.
            payload, reply = await whoami(member, quiet)
            assert not int(payload["member"]["permissions"]) & P_SEND_MESSAGES
            assert reply.endswith("bot_can_send=False")
            assert not int(payload["app_permissions"]) & P_SEND_MESSAGES
            payload, _ = await whoami(moderator, quiet)
            assert int(payload["member"]["permissions"]) & P_SEND_MESSAGES
            assert emu.permissions(moderator, quiet) & P_SEND_MESSAGES
            with pytest.raises(discord.Forbidden) as caught:
                await guild.get_channel(quiet).send("hello")
            assert caught.value.code == 50013
            with pytest.raises(discord.Forbidden) as caught:
                await guild.get_channel(hidden).send("hello")
            assert caught.value.code == 50001
            await guild.get_channel(releases).send("hello")
            assert [len(emu.messages[c]) for c in (releases, quiet, hidden)] == [1, 0, 0]

            status, _, listed = await post(emu, f"/guilds/{emu.guild_id}/channels", method="GET")
            assert status == 200
            assert [c["name"] for c in listed] == ["films", "releases", "read-only", "staff"]


async def test_history_pages_like_discord():
    async with asyncio.timeout(TIMEOUT), started(channel_rate=None) as emu:
        elsewhere = emu.add_channel("elsewhere")
        async with running_bot(emu) as bot:
            channel = bot.get_channel(emu.channel_id)
            sent = [await channel.send(f"m{i}") for i in range(7)]
            await bot.get_channel(elsewhere).send("not here")
            await (await emu.command("watchlist add", {"title": "Heat"})).callback()  # ephemeral

            async def contents(**options) -> list[str]:
                return [m.content async for m in channel.history(**options)]

            assert await contents(limit=3) == ["m6", "m5", "m4"]
            assert await contents(limit=None) == [f"m{i}" for i in range(6, -1, -1)]
            assert await contents(limit=10, before=sent[3]) == ["m2", "m1", "m0"]
            assert await contents(limit=2, after=sent[2]) == ["m3", "m4"]  # oldest first
            assert await contents(limit=3, around=sent[3]) == ["m4", "m3", "m2"]

            path = f"/channels/{emu.channel_id}/messages"
            status, _, page = await post(emu, f"{path}?after={sent[2].id}&limit=2", method="GET")
            assert status == 200 and [m["content"] for m in page] == ["m4", "m3"]  # newest first
            status, _, page = await post(emu, f"{path}?before={sent[1].id}", method="GET")
            assert [m["content"] for m in page] == ["m0"]
            for bad in ("limit=0", "limit=101", "before=soon"):
                status, _, error = await post(emu, f"{path}?{bad}", method="GET")
                assert (status, error["code"]) == (400, 50035)


# ------------------------------------------------------- Discord's own rules


async def test_second_callback_gets_40060(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        it = await emu.command("silent")
        body = {"type": 4, "data": {"content": "first"}}
        status, _, reply = await post(emu, callback_path(it) + "?with_response=true", body)
        assert status == 200 and reply["resource"]["message"]["content"] == "first"
        assert reply["interaction"]["response_message_id"] == reply["resource"]["message"]["id"]
        status, _, error = await post(emu, callback_path(it), {"type": 4, "data": {"content": "2"}})
        assert status == 400 and error["code"] == 40060
        assert it.callbacks == [body] and len(it.duplicates) == 1 and len(emu.duplicates) == 1


async def test_callback_after_the_deadline_is_unknown_interaction(emu, bot):
    async with asyncio.timeout(TIMEOUT):
        emu.ack_deadline = 0.05
        it = await emu.command("silent")
        await asyncio.sleep(0.1)
        status, _, error = await post(emu, callback_path(it), {"type": 5})
        assert (status, error["code"]) == (404, 10062)
        assert len(it.late) == 1 and not it.acknowledged


async def test_oversized_payloads_are_rejected_like_discord(emu: DiscordEmulator, bot: EmuBot):
    async with asyncio.timeout(TIMEOUT):
        it = await emu.command("silent")
        status, _, error = await post(emu, f"/webhooks/{emu.application_id}/{it.token}", {})
        assert (status, error["code"]) == (404, 10015)  # no followup before the acknowledgement

        too_long = {"type": 4, "data": {"embeds": [{"title": "x" * 300}]}}
        status, _, error = await post(emu, callback_path(it), too_long)
        assert status == 400 and error["code"] == 50035
        assert error["errors"]["data"]["embeds"]["0"]["title"]["_errors"][0]["code"] == (
            "BASE_TYPE_MAX_LENGTH"
        )
        status, _, error = await post(emu, callback_path(it), {"type": 4, "data": {}})
        assert (status, error["code"]) == (400, 50006)  # empty message
        assert len(it.rejected) == 2 and not it.acknowledged
        with pytest.raises(EmulatorError, match="rejected"):
            await it.callback(timeout=0.05)

        status, _, _ = await post(emu, callback_path(it), {"type": 4, "data": {"content": "ok"}})
        assert status == 204 and it.acknowledged

        status, _, error = await post(
            emu,
            f"/applications/{emu.application_id}/commands",
            [{"name": "Bad Name", "description": "x", "type": 1}],
            method="PUT",
        )
        assert status == 400 and error["errors"]["0"]["name"]["_errors"]


async def test_http_conventions_discord_py_relies_on(emu: DiscordEmulator):
    async with asyncio.timeout(TIMEOUT), aiohttp.ClientSession() as session:
        async with session.get(emu.base_url + "/users/@me") as response:
            assert response.headers["Content-Type"] == "application/json"  # no charset
            assert (await response.json())["bot"] is True
        for path in ("/gateway", "/gateway/", "/gateway/bot"):
            async with session.get(emu.base_url + path) as response:
                assert (await response.json())["url"] == emu.gateway_url
        emu.fail_next("GET", "/users/@me", 429, retry_after=1.5)
        async with session.get(emu.base_url + "/users/@me") as response:
            assert response.status == 429 and response.headers["Via"]
            assert response.headers["Content-Type"] == "application/json"
            assert response.headers["X-RateLimit-Remaining"] == "0"
            assert await response.json() == {
                "message": "You are being rate limited.",
                "retry_after": 1.5,
                "global": False,
            }
        emu.fail_next("*", "/**", 503)
        async with session.get(emu.base_url + "/users/@me") as response:
            assert response.status == 503 and (await response.json())["code"] == 0
        async with session.get(emu.base_url + "/no/such/route") as response:
            assert response.status == 404 and (await response.json())["code"] == 0
        assert emu.unhandled == [{"method": "GET", "path": "/api/v10/no/such/route"}]


async def test_clean_shutdown_leaves_no_open_sessions(emu: DiscordEmulator):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with asyncio.timeout(TIMEOUT), running_bot(emu) as client:
            it = await emu.command("ping")
            await it.callback()
        gc.collect()
    assert client.is_closed()
    assert not [w for w in caught if "nclosed" in str(w.message)]
    await emu.wait_until(lambda: not emu.connected, TIMEOUT, "the bot to disconnect")


async def test_runs_standalone_in_another_process():
    async with asyncio.timeout(TIMEOUT):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.discord_emulator",
            stdout=asyncio.subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[1],
        )
        try:
            info = json.loads(await process.stdout.readline())
            async with (
                aiohttp.ClientSession() as session,
                session.get(info["base_url"] + "/gateway/bot") as response,
            ):
                assert (await response.json())["url"] == info["gateway_url"]
            with patch_discord(info["base_url"], info["gateway_url"]):
                assert discord.http.Route("GET", "/users/@me").url == (
                    info["base_url"] + "/users/@me"
                )
            assert discord.http.Route.BASE == "https://discord.com/api/v10"  # restored
        finally:
            process.send_signal(signal.SIGTERM)
            assert await process.wait() == 0
