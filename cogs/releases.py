"""/releases: editions coming out or just out, by label and format."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters import discord_options as options
from bot.adapters.discord_send import answer


class Releases(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.core = bot.core  # type: ignore[attr-defined]

    @app_commands.command(description="Editions coming out, or out in the last 90 days")
    @app_commands.describe(
        when="Coming up or recently out (default: both)",
        label="Only this label (any part of its name)",
        format="Only this format",
    )
    @app_commands.choices(when=options.WHEN_CHOICES, format=options.FORMAT_CHOICES)
    @options.expensive()
    async def releases(
        self,
        interaction: discord.Interaction,
        when: app_commands.Choice[str] | None = None,
        label: app_commands.Range[str, 1, 100] | None = None,
        format: app_commands.Choice[str] | None = None,
    ) -> None:
        words = [when.value if when else "", format.value if format else ""]
        words.append(f"label:{label}" if label else "")
        await answer(interaction, self.core, "releases", "", *words)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Releases(bot))
