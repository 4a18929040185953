"""The Discord bot: a discord.py `AutoShardedBot` that loads the cogs and answers with the core.

No privileged intents: slash commands need none, and a message that mentions the bot
reaches it with its text through the unprivileged message intents (it is answered as a
question, `bot.adapters.discord_mentions`). Mentions are off for every message.
Command errors are logged with their context and answered with a short ephemeral note;
the bot keeps running.
"""

from __future__ import annotations

import gc
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord_announce import DiscordSender
from bot.adapters.discord_mentions import mentions_bot, reply_to_mention
from bot.adapters.discord_send import NO_MENTIONS, note
from bot.config import ShardRange
from bot.core.engine import Core
from bot.store.announcements import Subscription

log = logging.getLogger(__name__)
COGS = ("cogs.films", "cogs.reviews", "cogs.releases", "cogs.announcements", "cogs.admin")
# Scopes and permissions of the invite link (README): send messages and embeds in
# channels, use slash commands. 2048 Send Messages + 16384 Embed Links + 274877906944
# Send Messages in Threads.
INVITE_PERMISSIONS = 2048 | 16384 | 274877906944


class FilmBot(commands.AutoShardedBot):
    """`shards`: run only those shards of a bot spread over several processes (each
    delivers the announcements of its own shards' guilds); None: all of them."""

    def __init__(self, core: Core, *, shards: ShardRange | None = None, **options: object) -> None:
        if shards is not None:
            options = {"shard_ids": shards.ids, "shard_count": shards.count, **options}
        intents = discord.Intents.none()
        intents.guilds = True  # channel and permission data; not privileged
        # Messages that mention the bot (their text comes without the privileged
        # message-content intent); every other message arrives with its text blanked.
        intents.guild_messages = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            **options,  # type: ignore[arg-type]
        )
        self.core = core
        self.shard_range = shards

    async def setup_hook(self) -> None:
        for name in COGS:
            await self.load_extension(name)
        self.tree.on_error = self.on_tree_error
        # What exists now (catalog, indexes, discord.py) lives as long as the bot: keep it
        # out of the garbage collector's full passes, which otherwise stall answers.
        gc.freeze()

    async def on_ready(self) -> None:
        log.info("Discord: connected as %s to %d servers", self.user, len(self.guilds))
        service = self.core.announcements
        if service is not None and "discord" not in service.announcers:
            service.attach(DiscordSender(self), owns=self.owns_subscription)

    def owns_subscription(self, subscription: Subscription) -> bool:
        """Whether this process delivers the subscription: its guild (the scope) is on
        one of our shards."""
        return self.shard_range is None or self.shard_range.owns_guild(subscription.scope)

    async def on_message(self, message: discord.Message) -> None:
        """A message that mentions the bot is a question; no other message is read (and
        there are no prefix commands to process)."""
        if self.user is not None and mentions_bot(message, self.user):
            await reply_to_mention(self.core, message, self.user.id)

    async def close(self) -> None:
        if self.core.announcements is not None:
            self.core.announcements.detach("discord")
        await super().close()

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """A friendly, ephemeral note for the user; the details go to the log."""
        if isinstance(error, app_commands.CommandOnCooldown):
            message = f"Easy there: try again in {error.retry_after:.0f} s."
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "/%s failed (guild %s, channel %s, user %s)",
                command,
                interaction.guild_id,
                interaction.channel_id,
                interaction.user.id,
                exc_info=error,
            )
            message = "Something went wrong on my side; the error is logged. Please try again."
        await note(interaction, message)


def invite_url(application_id: int) -> str:
    """The invite link with the scopes and permissions the bot needs."""
    return discord.utils.oauth_url(
        application_id,
        permissions=discord.Permissions(INVITE_PERMISSIONS),
        scopes=("bot", "applications.commands"),
    )


async def run_discord(core: Core, token: str, shards: ShardRange | None = None) -> None:
    """Connect and answer until cancelled. Commands are synced by `filmbot discord sync`."""
    bot = FilmBot(core, shards=shards)
    async with bot:
        await bot.start(token)


async def sync_commands(core: Core, token: str, guild_id: int | None) -> tuple[list[str], int]:
    """Register the slash commands globally (can take a while to show) or in one server
    (at once). Returns the names synced and the application's id."""
    bot = FilmBot(core)
    async with bot:
        await bot.login(token)  # runs setup_hook, which loads the cogs
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
        else:
            synced = await bot.tree.sync()
        assert bot.application_id is not None
        return [c.name for c in synced], bot.application_id
