"""/film, /edition, /editions, /person, /find, /pick: thin wrappers around the core."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters import discord_options as options
from bot.adapters.discord_send import answer

Title = app_commands.Range[str, 1, 200]


class Films(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.core = bot.core  # type: ignore[attr-defined]

    @app_commands.command(description="A film: director, writers, cast, runtime, editions, scores")
    @app_commands.describe(title="The film's title, a year helps: Solaris (1972)")
    @app_commands.autocomplete(title=options.titles)
    async def film(self, interaction: discord.Interaction, title: Title) -> None:
        await answer(interaction, self.core, "film", title)

    @app_commands.command(description="A film's editions in full: specs, features, prices")
    @app_commands.describe(
        title="The film's title",
        format="Only editions in this format",
        label="Only editions from this label (any part of its name)",
    )
    @app_commands.autocomplete(title=options.titles)
    @app_commands.choices(format=options.FORMAT_CHOICES)
    async def edition(
        self,
        interaction: discord.Interaction,
        title: Title,
        format: app_commands.Choice[str] | None = None,
        label: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await answer(
            interaction,
            self.core,
            "edition",
            title,
            format.value if format else "",
            f"label:{label}" if label else "",
        )

    @app_commands.command(description="A film's editions side by side, and how they differ")
    @app_commands.describe(title="The film's title")
    @app_commands.autocomplete(title=options.titles)
    @options.expensive()
    async def editions(self, interaction: discord.Interaction, title: Title) -> None:
        await answer(interaction, self.core, "editions", title)

    @app_commands.command(description="A director's, writer's or actor's films")
    @app_commands.describe(name="The person's name")
    @app_commands.autocomplete(name=options.people)
    @options.expensive()
    async def person(self, interaction: discord.Interaction, name: Title) -> None:
        await answer(interaction, self.core, "person", name)

    @app_commands.command(description="Films whose synopsis or reviews mention these words")
    @app_commands.describe(keywords="Words to look for (spoiler-free text only)")
    @options.expensive()
    async def find(self, interaction: discord.Interaction, keywords: Title) -> None:
        await answer(interaction, self.core, "find", keywords)

    @app_commands.command(description="Choose from the list I just showed you")
    @app_commands.describe(number="The number in the list")
    async def pick(
        self, interaction: discord.Interaction, number: app_commands.Range[int, 1, 25]
    ) -> None:
        await answer(interaction, self.core, "pick", str(number))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Films(bot))
