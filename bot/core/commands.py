"""Every command declared once, with typed options (after maubot's command trees).

A declaration says what a command takes and who may use it. From it come the `!`/console
parser (`parse`), help and usage text, and the Discord slash commands (the adapter builds
them from `Command.options`): nothing about a command is written twice.

How the text form finds an option (`Option.syntax`):
- `rest`: the words left when the others are taken (a title, a name, keywords);
- `end`: a known word at the end (`seven samurai blu-ray criterion`), taken right to left
  while a word is left for the rest;
- `any`: a known word anywhere (`releases upcoming criterion`);
- `key`: `name:value`, anywhere; the value runs to the next key (`label:masters of cinema`).
  An option of another syntax may also take `key=True`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.cards import Card, Field, Reply, plain
from bot.constants import ECHO_MAX
from bot.words import bare_word

Kind = Literal["text", "title", "person", "number", "flag", "mention", "command"]
Syntax = Literal["rest", "end", "any", "key"]
# Who may use a command: anyone; only in rooms where announcements can be posted; or
# there, only those the platform says may manage the room.
Access = Literal["anyone", "rooms", "manage"]

_PREFIX = re.compile(r"^\s*[!/](?P<name>[A-Za-z][\w-]*)(?:\s+(?P<args>.*))?$", re.S)
_FILM_VALUE = re.compile(r"film:([0-9]{1,18})")
_QUOTES = "\"'“”"


class ParseError(ValueError):
    """Words the command cannot take; the message says what was wrong and how to write it."""


@dataclass(frozen=True)
class Option:
    """One thing a command takes: its type for the platforms (`kind`), how a message
    writes it (`syntax`, `words`, `key`), and what help and Discord say of it."""

    name: str
    kind: Kind
    description: str  # one line, for help and the Discord option (100 characters at most)
    syntax: Syntax = "rest"
    required: bool = False
    key: bool = False  # also written `name:value`
    repeat: bool = False  # a key given more than once collects every value
    choices: tuple[tuple[str, str], ...] = ()  # fixed (shown, value) pairs
    words: Mapping[str, Any] = field(default_factory=dict)  # typed word -> value
    several: Literal["last", "none"] = "last"  # `any` words that disagree: last, or none
    phrases: Callable[[str], str] | None = None  # rewrites two-word forms before words
    usage: str = ""  # how help writes it; by default <name>, [name] or [a|b]
    minimum: int | None = None  # numbers: smallest; text: shortest
    maximum: int | None = None  # numbers: largest; text: longest
    hidden: bool = False  # given by the platform only (a menu's question), never typed

    @property
    def default(self) -> Any:
        if self.kind == "flag":
            return False
        return () if self.repeat else None

    def written(self) -> str:
        if self.usage:
            return self.usage
        if self.syntax == "key":
            return f"[{self.name}:…]"
        if self.choices:
            return "[" + "|".join(value for _, value in self.choices) + "]"
        return f"<{self.name}>" if self.required else f"[{self.name}]"

    def typed(self, value: Any) -> Any:
        """A value a platform typed, checked against the declaration and made what the
        command takes: a number within its range, a yes/no, text within its length, a
        fixed choice through `words` ('blu-ray' -> 'Blu-ray'). Raises ParseError."""
        if self.repeat and isinstance(value, list | tuple):
            return tuple(self._one(v) for v in value)
        one = self._one(value)
        return (one,) if self.repeat else one

    def _one(self, value: Any) -> Any:
        if self.kind == "flag":
            if not isinstance(value, bool):
                raise ParseError(f"{self.name}: is yes or no.")
            return value
        if self.kind == "number":
            if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,18}\s*", value):
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ParseError(f"{self.name}: takes a whole number.")
            low, high = self.minimum, self.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                if high is None:
                    raise ParseError(f"{self.name}: takes a whole number of at least {low}.")
                if low is None:
                    raise ParseError(f"{self.name}: takes a whole number up to {high}.")
                raise ParseError(f"{self.name}: takes a number from {low} to {high}.")
            return value
        if not isinstance(value, str):
            raise ParseError(f"{self.name}: takes text.")
        if self.minimum is not None and len(value.strip()) < self.minimum:
            raise ParseError(f"{self.name}: is too short ({self.minimum} characters at least).")
        if self.maximum is not None and len(value) > self.maximum:
            raise ParseError(f"{self.name}: is too long ({self.maximum} characters at most).")
        if self.choices:
            value = self.words.get(bare_word(value), value)
            allowed = {v for _, v in self.choices} | set(self.words.values())
            if value not in allowed:
                shown = ", ".join(v for _, v in self.choices)
                raise ParseError(f"{self.name}: is one of {shown}.")
        return value


Handler = Callable[..., Awaitable[Reply]]
# Text-only second thoughts that need the database ('X from <source>'): (core, values).
Refine = Callable[[Any, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Command:
    """A command as declared: what it takes, who may use it, and the function that
    answers it (called with the option values as keyword arguments)."""

    name: str
    summary: str  # help's line and the Discord description
    examples: tuple[str, ...]
    handler: Handler
    options: tuple[Option, ...] = ()
    aliases: tuple[str, ...] = ()
    access: Access = "anyone"
    refusal: str = ""  # what the refused may not do: 'subscribe this {place}'
    expensive: bool = False  # searches widely: platforms may rate-limit it per user
    group: str = "films"  # which Discord cog lists it
    refine: Refine | None = None
    parse_error: str = "I didn't understand that"  # the title of a ParseError's reply
    syntax_hint: str = ""  # said after a ParseError: how to write the options
    # Free text that names a film somewhere in it (`ask`): a `!pick` answers it with the
    # film chosen, as it answers a title.
    film: bool = False

    @property
    def usage(self) -> str:
        return " ".join(o.written() for o in self.options if not o.hidden)

    @property
    def rest(self) -> Option | None:
        return next((o for o in self.options if o.syntax == "rest"), None)

    @property
    def takes_film(self) -> bool:
        """A title that may need disambiguation (and may come as an id, 'film:123')."""
        return self.rest is not None and (self.rest.kind == "title" or self.film)

    @property
    def needs_args(self) -> bool:
        return self.rest is not None and self.rest.required

    def option(self, name: str) -> Option:
        for option in self.options:
            if option.name == name:
                return option
        raise ParseError(f"The {self.name} command has no option {name!r}.")

    def parse(self, text: str, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Option values from the words of a message (or of a typed title: `given` holds
        the options the platform already typed, which the words never override)."""
        values: dict[str, Any] = {o.name: o.default for o in self.options}
        values.update({k: self.option(k).typed(v) for k, v in (given or {}).items()})
        fixed = {k for k, v in (given or {}).items() if v not in (None, "", (), False)}
        text = " ".join(text.split())
        text = self._take_keys(text, values, fixed)
        for option in self.options:
            if option.phrases and option.syntax in ("end", "any"):
                text = option.phrases(text)
        words = self._take_any(text.split(), values, fixed)
        words = self._take_end(words, values, fixed)
        rest = self.rest
        if rest is not None:
            if rest.name not in fixed and values[rest.name] in (None, ""):
                values[rest.name] = " ".join(words) or values[rest.name]
        elif words and any(o.syntax == "key" and not o.hidden for o in self.options):
            stray = " ".join(words)[:60]
            raise ParseError(f"I don't know what “{stray}” means here. {self.syntax_hint}.")
        return values

    def _take_keys(self, text: str, values: dict[str, Any], fixed: set[str]) -> str:
        keyed = [o for o in self.options if (o.syntax == "key" or o.key) and not o.hidden]
        if not keyed:
            return text
        names = "|".join(re.escape(o.name) for o in keyed)
        matches = list(re.finditer(rf"(?:^|\s)({names})\s*:", text, re.I))
        for i, match in enumerate(matches):
            option = self.option(match[1].lower())
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            value = text[match.end() : end].strip().strip(_QUOTES).strip()
            if not value:
                hint = f" {self.syntax_hint}." if self.syntax_hint else ""
                raise ParseError(f"{option.name}: needs a value.{hint}")
            if option.name in fixed:
                continue
            if option.repeat:
                values[option.name] = (*values[option.name], value)
            else:
                values[option.name] = value
        return text[: matches[0].start()] if matches else text

    def _take_any(self, words: list[str], values: dict[str, Any], fixed: set[str]) -> list[str]:
        anywhere = [o for o in self.options if o.syntax == "any" and o.name not in fixed]
        if not anywhere:
            return words
        seen: dict[str, list[Any]] = {o.name: [] for o in anywhere}
        kept = []
        for word in words:
            bare = bare_word(word)
            option = next((o for o in anywhere if bare in o.words), None)
            if option is None:
                kept.append(word)
            else:
                seen[option.name].append(option.words[bare])
        for option in anywhere:
            found = seen[option.name]
            if found and (option.several == "last" or len(set(found)) == 1):
                values[option.name] = found[-1]
        return kept

    def _take_end(self, words: list[str], values: dict[str, Any], fixed: set[str]) -> list[str]:
        at_end = [o for o in self.options if o.syntax == "end"]
        taken = {o.name for o in at_end if o.name in fixed or values[o.name] not in (None, False)}
        while len(words) > 1:
            last = bare_word(words[-1])
            option = next((o for o in at_end if o.name not in taken and last in o.words), None)
            if option is None:
                break
            values[option.name] = option.words[last]
            taken.add(option.name)
            words.pop()
        return words


def film_value(value: object) -> int | None:
    """'film:123' (an autocomplete value) -> 123; anything else -> None."""
    match = _FILM_VALUE.fullmatch(value.strip()) if isinstance(value, str) else None
    return int(match[1]) if match else None


class CommandTable:
    """Every command by name and alias, in declaration order (the order help lists)."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._aliases: dict[str, str] = {}

    def command(
        self,
        name: str,
        summary: str,
        *examples: str,
        options: tuple[Option, ...] = (),
        aliases: tuple[str, ...] = (),
        **details: Any,
    ) -> Callable[[Handler], Handler]:
        """Declare a command; the decorated function answers it with its options as
        keyword arguments (and `film_id` when it takes a film)."""

        def register(handler: Handler) -> Handler:
            self._commands[name] = Command(
                name, summary, examples, handler, options, aliases, **details
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
