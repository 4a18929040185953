"""/subscribe, /unsubscribe, /subscriptions and /announce-test: release announcements in
this channel. Changing them needs Manage Server (the core refuses others)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters import discord_options as options
from bot.adapters.discord_send import answer


class Announcements(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.core = bot.core  # type: ignore[attr-defined]

    @app_commands.command(description="Announce new editions in this channel")
    @app_commands.describe(
        label="Only this label (any part of its name)",
        format="Only this format",
        genre="Only films of this genre",
        director="Only films by this director",
        country="Only films from this country",
        keyword="Only editions whose titles have these words",
        since="Also post what came out since this date (YYYY-MM-DD); default: nothing old",
        mention="Mention this role in each announcement (default: nobody)",
    )
    @app_commands.choices(format=options.FORMAT_CHOICES)
    @app_commands.guild_only()
    async def subscribe(
        self,
        interaction: discord.Interaction,
        label: app_commands.Range[str, 1, 100] | None = None,
        format: app_commands.Choice[str] | None = None,
        genre: app_commands.Range[str, 1, 100] | None = None,
        director: app_commands.Range[str, 1, 100] | None = None,
        country: app_commands.Range[str, 1, 100] | None = None,
        keyword: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 10, 10] | None = None,
        mention: discord.Role | None = None,
    ) -> None:
        words = [
            f"{key}:{value}"
            for key, value in (
                ("label", label),
                ("format", format.value if format else None),
                ("genre", genre),
                ("director", director),
                ("country", country),
                ("keyword", keyword),
                ("since", since),
                ("mention", str(mention.id) if mention else None),
            )
            if value
        ]
        await answer(interaction, self.core, "subscribe", "", *words)

    @app_commands.command(description="Stop announcements in this channel")
    @app_commands.describe(number="Which subscription (see /subscriptions); 0 for all")
    @app_commands.guild_only()
    async def unsubscribe(
        self, interaction: discord.Interaction, number: app_commands.Range[int, 0] | None = None
    ) -> None:
        word = "" if number is None else ("all" if number == 0 else str(number))
        await answer(interaction, self.core, "unsubscribe", "", word)

    @app_commands.command(description="This channel's announcements and whether they arrive")
    @app_commands.guild_only()
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.core, "subscriptions")

    @app_commands.command(
        name="announce-test", description="Post a sample announcement here, as subscriptions will"
    )
    @app_commands.guild_only()
    async def announce_test(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.core, "announce-test")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Announcements(bot))
