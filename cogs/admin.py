"""/help and /about."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters import discord_options as options
from bot.adapters.discord_send import answer


class Admin(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.core = bot.core  # type: ignore[attr-defined]

    @app_commands.command(name="help", description="Every command with an example")
    @app_commands.describe(command="Explain one command")
    @app_commands.autocomplete(command=options.commands)
    async def help_(
        self,
        interaction: discord.Interaction,
        command: app_commands.Range[str, 1, 50] | None = None,
    ) -> None:
        await answer(interaction, self.core, "help", "", command or "")

    @app_commands.command(description="What filmbot knows and where its data comes from")
    async def about(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.core, "about")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Admin(bot))
