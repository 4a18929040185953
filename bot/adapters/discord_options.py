"""Option helpers shared by the cogs: autocomplete from the core, fixed choices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from bot.constants import (
    DISCORD_AUTOCOMPLETE_MAX_CHOICES,
    DISCORD_COOLDOWN_RATE,
    DISCORD_COOLDOWN_SECONDS,
)

if TYPE_CHECKING:
    import discord

    from bot.core.engine import Core

FORMAT_CHOICES = [
    app_commands.Choice(name="DVD", value="dvd"),
    app_commands.Choice(name="Blu-ray", value="blu-ray"),
    app_commands.Choice(name="4K UHD", value="4k"),
]
WHEN_CHOICES = [
    app_commands.Choice(name="upcoming", value="upcoming"),
    app_commands.Choice(name="recent", value="recent"),
]


def expensive():
    """A per-user cooldown for a command that searches widely; one window per command."""
    return app_commands.checks.cooldown(
        DISCORD_COOLDOWN_RATE, DISCORD_COOLDOWN_SECONDS, key=lambda i: i.user.id
    )


def core_of(interaction: discord.Interaction) -> Core:
    return interaction.client.core  # type: ignore[attr-defined]  (FilmBot has one)


def _choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=label, value=value)
        for label, value in pairs[:DISCORD_AUTOCOMPLETE_MAX_CHOICES]
        if label and value
    ]


async def titles(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Films for what has been typed; values are 'film:ID', free text still works."""
    return _choices(core_of(interaction).suggest_titles(current))


async def people(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return _choices(await core_of(interaction).suggest_people(current))


async def commands(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    names = [c.name for c in core_of(interaction).commands if c.name.startswith(current.lower())]
    return _choices([(n, n) for n in names])
