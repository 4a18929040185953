"""A declarative command table (after maubot's command trees), with help generated from it.

Every platform parses its own syntax (`!film`, `/film`, a Discord slash command) into a
command name plus an argument string and asks the same table; nothing is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cards import Card, Field, Reply, plain
from bot.constants import ECHO_MAX

if TYPE_CHECKING:
    from bot.core.engine import Context, Core

Handler = Callable[["Core", "Context", str, int | None], Awaitable[Reply]]

_PREFIX = re.compile(r"^\s*[!/](?P<name>[A-Za-z][\w-]*)(?:\s+(?P<args>.*))?$", re.S)


@dataclass(frozen=True)
class Command:
    name: str
    usage: str  # '<title> [year]'
    summary: str
    examples: tuple[str, ...]
    handler: Handler
    takes_film: bool = False  # a title argument that may need disambiguation
    needs_args: bool = False
    aliases: tuple[str, ...] = ()


class CommandTable:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._aliases: dict[str, str] = {}

    def command(
        self,
        name: str,
        usage: str,
        summary: str,
        *examples: str,
        takes_film: bool = False,
        needs_args: bool = False,
        aliases: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._commands[name] = Command(
                name, usage, summary, examples, handler, takes_film, needs_args, aliases
            )
            for alias in aliases:
                self._aliases[alias] = name
            return handler

        return register

    def get(self, name: str) -> Command | None:
        name = name.lower()
        return self._commands.get(self._aliases.get(name, name))

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def help_reply(self, prefix: str = "!", *, intro: str | None = None) -> Reply:
        """The short help: every command, its usage and one example."""
        fields = tuple(
            Field(
                f"{prefix}{c.name} {c.usage}".strip(),
                plain(
                    f"{c.summary}" + (f" Example: {prefix}{c.examples[0]}" if c.examples else "")
                ),
            )
            for c in self
        )
        card = Card(
            "filmbot commands",
            plain(intro or "Ask about films and their editions."),
            fields,
            footer=f"{prefix}help <command> explains one command.",
            kind="help",
        )
        return Reply((card,), ephemeral=True)

    def usage_reply(
        self, command: Command, prefix: str = "!", *, problem: str | None = None
    ) -> Reply:
        """Help for one command, optionally after saying what was wrong."""
        examples = "\n".join(f"{prefix}{e}" for e in command.examples)
        fields = (Field("Usage", plain(f"{prefix}{command.name} {command.usage}".strip())),)
        if examples:
            fields += (Field("Examples", plain(examples)),)
        if command.aliases:
            fields += (Field("Also", plain(", ".join(prefix + a for a in command.aliases))),)
        description = f"{problem}\n{command.summary}" if problem else command.summary
        card = Card(
            f"{prefix}{command.name}",
            plain(description),
            fields,
            kind="error" if problem else "help",
        )
        return Reply((card,), ephemeral=True)


NOT_A_COMMAND = "Commands start with {prefix} (or /). Try {prefix}film {text} or {prefix}help."


def not_a_command(message: str, prefix: str = "!") -> Reply:
    """What a direct chat (console, `filmbot ask`) says to text that is not a command.
    Chat rooms say nothing: the bot must not answer conversation."""
    text = " ".join(message.split())
    if len(text) > ECHO_MAX:
        text = text[: ECHO_MAX - 1] + "…"
    hint = NOT_A_COMMAND.format(prefix=prefix, text=text or "<title>")
    return Reply((Card("Not a command", plain(hint), kind="help"),), ephemeral=True)


def parse_command(message: str) -> tuple[str, str] | None:
    """'!film  Solaris (1972)' -> ('film', 'Solaris (1972)'); None if not a command."""
    match = _PREFIX.match(message)
    if not match:
        return None
    return match["name"].lower(), " ".join((match["args"] or "").split())
