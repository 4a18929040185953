"""/review and /plot: review summaries (spoiler-free) and plots (spoilers wrapped)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters import discord_options as options
from bot.adapters.discord_send import answer

Title = app_commands.Range[str, 1, 200]


class Reviews(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.core = bot.core  # type: ignore[attr-defined]

    @app_commands.command(description="Review summaries: score bars, verdict, key sentences")
    @app_commands.describe(
        title="The film's title",
        source="Only this review: disc, blog, or part of the source's name",
    )
    @app_commands.autocomplete(title=options.titles)
    @options.expensive()
    async def review(
        self,
        interaction: discord.Interaction,
        title: Title,
        source: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await answer(interaction, self.core, "review", title, f"source:{source}" if source else "")

    @app_commands.command(description="The plot without spoilers, or with them hidden as spoilers")
    @app_commands.describe(title="The film's title", spoilers="Also the plot notes and endings")
    @app_commands.autocomplete(title=options.titles)
    async def plot(
        self, interaction: discord.Interaction, title: Title, spoilers: bool = False
    ) -> None:
        await answer(interaction, self.core, "plot", title, "spoilers" if spoilers else "")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Reviews(bot))
