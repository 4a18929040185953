"""Discord slash commands made from the core's command declarations.

Each `bot.core.commands.Command` becomes one `app_commands.Command`: its options become
typed Discord options (ranges, fixed choices, autocomplete, a role picker), rate limits
and server-only rules follow what the declaration says. A cog file only names its group.
The typed values go to the core as they are (`Core.call`), never flattened into words.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord_answer import answer
from bot.constants import (
    DISCORD_AUTOCOMPLETE_MAX_CHOICES,
    DISCORD_COMMAND_DESCRIPTION_MAX,
    DISCORD_COOLDOWN_RATE,
    DISCORD_COOLDOWN_SECONDS,
    DISCORD_OPTION_DESCRIPTION_MAX,
)
from bot.core.commands import Command, Option
from bot.core.engine import Core


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _annotation(option: Option) -> Any:
    """The Python type discord.py turns into the Discord option type."""
    if option.kind == "flag":
        return bool
    if option.kind == "mention":
        return discord.Role
    if option.kind == "number":
        if option.minimum is not None and option.maximum is not None:
            return app_commands.Range[int, option.minimum, option.maximum]
        if option.minimum is not None:
            return app_commands.Range[int, option.minimum]
        return int
    if option.choices:
        return str
    if option.minimum is not None and option.maximum is not None:
        return app_commands.Range[str, option.minimum, option.maximum]
    return str


def _value(value: Any) -> Any:
    """A Discord option value as the core takes it: a role as its id."""
    if isinstance(value, discord.Role):
        return str(value.id)
    return value


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
    return _choices(core_of(interaction).suggest_titles(current, DISCORD_AUTOCOMPLETE_MAX_CHOICES))


async def people(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    core = core_of(interaction)
    return _choices(await core.suggest_people(current, DISCORD_AUTOCOMPLETE_MAX_CHOICES))


async def command_names(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    names = [c.name for c in core_of(interaction).commands if c.name.startswith(current.lower())]
    return _choices([(n, n) for n in names])


COMPLETERS = {"title": titles, "person": people, "command": command_names}


def slash_command(command: Command) -> app_commands.Command:
    """The slash command for one declaration."""
    options = [o for o in command.options if not o.hidden]

    async def callback(interaction: discord.Interaction, **given: Any) -> None:
        values = {k: _value(v) for k, v in given.items() if v is not None}
        await answer(interaction, core_of(interaction), command.name, **values)

    parameters = [
        inspect.Parameter(
            "interaction",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=discord.Interaction,
        )
    ]
    for option in options:
        annotation = _annotation(option)
        default: Any = inspect.Parameter.empty
        if not option.required:
            default = False if option.kind == "flag" else None
            if option.kind != "flag":
                annotation = annotation | None  # type: ignore[operator]
        parameters.append(
            inspect.Parameter(
                option.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=annotation,
                default=default,
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = command.name.replace("-", "_")
    callback.__qualname__ = callback.__name__
    func: Any = app_commands.describe(
        **{o.name: _cut(o.description, DISCORD_OPTION_DESCRIPTION_MAX) for o in options}
    )(callback)
    fixed = {
        o.name: [app_commands.Choice(name=shown, value=value) for shown, value in o.choices]
        for o in options
        if o.choices
    }
    if fixed:
        func = app_commands.choices(**fixed)(func)
    completers = {o.name: COMPLETERS[o.kind] for o in options if o.kind in COMPLETERS}
    if completers:
        func = app_commands.autocomplete(**completers)(func)
    if command.expensive:  # one window per command and user
        func = app_commands.checks.cooldown(
            DISCORD_COOLDOWN_RATE, DISCORD_COOLDOWN_SECONDS, key=lambda i: i.user.id
        )(func)
    if command.access != "anyone":  # announcements post into server channels
        func = app_commands.guild_only()(func)
    return app_commands.command(
        name=command.name,
        description=_cut(command.summary, DISCORD_COMMAND_DESCRIPTION_MAX),
    )(func)


def group_commands(core: Core, group: str) -> list[app_commands.Command]:
    """The slash commands of one cog's group, in the order they are declared."""
    return [slash_command(c) for c in core.commands if c.group == group]


class CommandCog(commands.Cog):
    """A cog whose slash commands are the core's commands of its `group`."""

    group = ""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.core: Core = bot.core  # type: ignore[attr-defined]
        self.added: list[app_commands.Command] = []

    async def cog_load(self) -> None:
        for command in group_commands(self.core, self.group):
            self.bot.tree.add_command(command)
            self.added.append(command)

    async def cog_unload(self) -> None:
        for command in self.added:
            self.bot.tree.remove_command(command.name)
        self.added.clear()


def group_cog(group: str) -> Callable[[commands.Bot], Awaitable[None]]:
    """The `setup` of a cog extension that lists one group of the core's commands."""
    cog = type(group.title(), (CommandCog,), {"group": group})

    async def setup(bot: commands.Bot) -> None:
        await bot.add_cog(cog(bot))

    return setup
