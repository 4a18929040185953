"""The core every platform talks to: a message in, a `Reply` out.

It owns the database, the title lookup and the short-lived disambiguation state
(`!pick N`), and knows nothing of Discord, Matrix or terminals.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.cards import Card, Choice, Reply, error, plain
from bot.constants import (
    CHOICE_LABEL_MAX,
    DISAMBIGUATION_MAX_CHOICES,
    ECHO_MAX,
    PICK_TIMEOUT_SECONDS,
)
from bot.core.commands import CommandTable, parse_command
from bot.models import FilmSummary
from bot.search import PersonSearch, SearchService, TitleSearch, cache_dir_for
from bot.store import films
from bot.store.db import Database
from bot.text import fold

if TYPE_CHECKING:
    from bot.announce.service import AnnouncementService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """Who asked where: keys the pending choices so only the asker can pick."""

    platform: str = "console"
    channel: str = "console"
    user: str = "you"
    prefix: str = "!"
    scope: str = ""  # the Discord server (guild id); a Matrix room is its own scope
    can_manage: bool = False  # may change this channel's subscriptions (the adapter knows)
    manage_rule: str = ""  # who may, in words: 'the Manage Server permission'

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.platform, self.channel, self.user)


@dataclass
class Pending:
    command: str
    args: str
    film_ids: list[int]
    expires: float
    question: str = ""  # which list this is: a menu answers its own question only


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters with a visible '…'."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def film_value(value: str) -> int | None:
    """'film:123' (an autocomplete or menu value) -> 123; anything else -> None."""
    match = re.fullmatch(r"film:([0-9]{1,18})", value.strip())
    return int(match[1]) if match else None


def choice_label(film: FilmSummary) -> str:
    """'Title (Year) · Director', cut to what every menu accepts. The title is cut, never
    the year or the director, which are what tell remakes apart."""
    year = f" ({film.year})" if film.year else ""
    who = " · " + ", ".join(film.directors[:2]) if film.directors else ""
    who = shorten(who, CHOICE_LABEL_MAX // 3)
    return shorten(film.title, CHOICE_LABEL_MAX - len(year) - len(who)) + year + who


class Core:
    def __init__(
        self,
        db: Database,
        search: SearchService,
        commands: CommandTable,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.db = db
        self.search = search
        self.commands = commands
        self._clock = clock
        self.today = today  # the calendar date, for what is upcoming or recent
        self._pending: dict[tuple[str, str, str], Pending] = {}
        self._questions = itertools.count(1)
        self.announcements: AnnouncementService | None = None  # set when the bot runs

    @classmethod
    async def load(cls, db: Database, *, wait: bool = True) -> Core:
        """A core on this database. The search index is loaded or built in the background;
        with `wait` this returns once it is ready, else commands wait for it."""
        from bot.core.answers import COMMANDS

        search = SearchService(db, cache_dir_for(db.path))
        search.start()
        if wait:
            await search.ready()
        return cls(db, search, COMMANDS)

    async def close(self) -> None:
        """Stop background work and close the database."""
        await self.search.close()
        await self.db.close()

    async def titles(self) -> TitleSearch:
        """The title search, once ready and current."""
        await self.search.ready()
        await self.search.refresh_if_changed()
        return self.search.titles

    async def people(self) -> PersonSearch:
        """The person search, once ready and current."""
        await self.search.ready()
        await self.search.refresh_if_changed()
        return await self.search.people()

    async def handle(self, message: str, ctx: Context) -> Reply | None:
        """Answer a chat message; None when it is not addressed to the bot (no prefix)."""
        parsed = parse_command(message)
        if parsed is None:
            return None
        name, args = parsed
        return await self.run(name, args, ctx)

    async def run(self, name: str, args: str, ctx: Context) -> Reply:
        command = self.commands.get(name)
        if command is None:
            return self.commands.help_reply(
                ctx.prefix,
                intro=f"There is no command {ctx.prefix}{shorten(name, ECHO_MAX)}. "
                "These are the ones I know:",
            )
        if command.needs_args and not (fold(args) if command.takes_film else args):
            return self.commands.usage_reply(
                command, ctx.prefix, problem=f"{ctx.prefix}{name} needs something to look up."
            )
        try:
            return await command.handler(self, ctx, args, None)
        except Exception:
            log.exception("command %s failed (platform=%s, args=%r)", name, ctx.platform, args)
            return error(
                "Something went wrong",
                "That command failed on my side; the error is logged. Please try again.",
            )

    async def answer(self, name: str, ctx: Context, title: str = "", *extra: str) -> Reply:
        """A command given as options (a Discord slash command): `title` may be what the
        user typed or an autocomplete value ('film:123'); `extra` are option words
        ('blu-ray', 'label:criterion', 'spoilers') parsed as if typed after the title."""
        args = " ".join(" ".join(part.split()) for part in (title, *extra) if part and part.strip())
        film_id = film_value(title)
        command = self.commands.get(name)
        if film_id is None or command is None or not command.takes_film:
            return await self.run(name, args, ctx)
        try:
            return await command.handler(self, ctx, args, film_id)
        except Exception:
            log.exception("command %s failed (platform=%s, args=%r)", name, ctx.platform, args)
            return error(
                "Something went wrong",
                "That command failed on my side; the error is logged. Please try again.",
            )

    async def choose(self, ctx: Context, choice_id: str, question: str | None = None) -> Reply:
        """Answer this user's open question with a menu choice ('film:123'); with
        `question`, only if that list is still the open one (a newer one replaces it)."""
        pending = self._pending.get(ctx.key)
        film_id = film_value(choice_id)
        if (
            pending is None
            or pending.expires < self._clock()
            or film_id not in pending.film_ids
            or (question is not None and pending.question != question)
        ):
            return error(
                "That question has expired",
                "The list was answered already or is more than a few minutes old.",
                hint=f"Ask again, e.g. {ctx.prefix}film Solaris",
            )
        return await self.pick(ctx, str(pending.film_ids.index(film_id) + 1))

    def suggest_titles(self, typed: str) -> list[tuple[str, str]]:
        """Autocomplete: (label, value) pairs at once from the loaded index; nothing while
        it is still building (autocomplete cannot wait)."""
        if not self.search.is_ready:
            return []
        return [(c.label, c.value) for c in self.search.titles.complete(typed)]

    async def suggest_people(self, typed: str) -> list[tuple[str, str]]:
        """Autocomplete for names: (label, name) pairs; empty while the person index is
        first built (it is started here, so the next keystroke has it)."""
        if not self.search.is_ready:
            return []
        if not self.search.people_ready:
            self.search.start_people()
            return []
        people = await self.people()
        return [
            (shorten(h.name, CHOICE_LABEL_MAX), shorten(h.name, CHOICE_LABEL_MAX))
            for h in people.complete(typed)
        ]

    async def resolve_film(self, query: str, ctx: Context, command: str, args: str) -> int | Reply:
        """A film id when the query names one film clearly, else a reply that asks."""
        result = (await self.titles()).lookup(query, limit=DISAMBIGUATION_MAX_CHOICES)
        if result.best is not None:
            return result.best.film_id
        if not result.candidates:
            return error(
                "No film found",
                f"Nothing in the catalog matches “{shorten(query, ECHO_MAX)}”.",
                hint=f"Check the spelling, or add the year: {ctx.prefix}{command} Solaris (1972)",
            )
        return await self.offer_films(
            ctx,
            [hit.film_id for hit in result.candidates],
            command,
            args,
            heading="Which film did you mean?"
            if len(result.candidates) > 1
            else "Did you mean this film?",
        )

    async def offer_films(
        self, ctx: Context, film_ids: list[int], command: str, args: str, *, heading: str
    ) -> Reply:
        """A numbered list of films the user answers with `pick N` (or a menu choice)."""
        summaries = await films.film_summaries(self.db, film_ids)
        choices = tuple(
            Choice(f"film:{i}", choice_label(summaries[i])) for i in film_ids if i in summaries
        )
        now = self._clock()
        for key in [k for k, p in self._pending.items() if p.expires < now]:
            del self._pending[key]  # forget questions nobody answered
        question = f"q{next(self._questions)}"
        self._pending[ctx.key] = Pending(
            command,
            args,
            [int(c.id.split(":")[1]) for c in choices],
            now + PICK_TIMEOUT_SECONDS,
            question,
        )
        lines = "\n".join(f"{n}. {c.label}" for n, c in enumerate(choices, start=1))
        card = Card(
            heading,
            plain(lines),
            footer=("Choose from the menu, or answer" if ctx.prefix == "/" else "Answer")
            + f" with {ctx.prefix}pick N (within {PICK_TIMEOUT_SECONDS // 60} minutes).",
            kind="choices",
        )
        return Reply((card,), choices=choices, ephemeral=True, question=question)

    async def pick(self, ctx: Context, number: str) -> Reply:
        """Answer the pending question of this user in this channel with choice N."""
        pending = self._pending.get(ctx.key)
        if pending is None or pending.expires < self._clock():
            self._pending.pop(ctx.key, None)
            return error(
                "Nothing to pick",
                "There is no open question for you here.",
                hint=f"Ask again, e.g. {ctx.prefix}film Solaris",
            )
        if not re.fullmatch(r"[0-9]{1,3}", number) or not 1 <= int(number) <= len(pending.film_ids):
            return error(
                "Pick a number from the list",
                f"Answer with {ctx.prefix}pick and a number from 1 to {len(pending.film_ids)}.",
            )
        del self._pending[ctx.key]
        return await self.answer_with_film(
            pending.command, pending.args, ctx, pending.film_ids[int(number) - 1]
        )

    async def answer_with_film(self, name: str, args: str, ctx: Context, film_id: int) -> Reply:
        """Run a film command for a film already chosen (a pick, a menu, autocomplete id)."""
        command = self.commands.get(name)
        if command is None or not command.takes_film:
            raise ValueError(f"{name} does not take a film")
        try:
            return await command.handler(self, ctx, args, film_id)
        except Exception:
            log.exception("command %s failed (platform=%s, film=%s)", name, ctx.platform, film_id)
            return error(
                "Something went wrong",
                "That command failed on my side; the error is logged. Please try again.",
            )
