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
from typing import TYPE_CHECKING, Any

from bot.cards import Card, Choice, Reply, error, plain
from bot.constants import (
    CHOICE_LABEL_MAX,
    DISAMBIGUATION_MAX_CHOICES,
    ECHO_MAX,
    PICK_TIMEOUT_SECONDS,
)
from bot.core.commands import Command, CommandTable, ParseError, film_value, parse_command
from bot.core.request import Request
from bot.models import FilmSummary
from bot.search import PersonSearch, SearchService, TitleSearch
from bot.store import films
from bot.store.db import Database
from bot.text import fold

if TYPE_CHECKING:
    from bot.announce.service import AnnouncementService

log = logging.getLogger(__name__)


# What the bundled catalog covers, said when a film is not in it.
CATALOG_COVERS = (
    "My catalog covers Wikidata's films of 1940–2014, Wikipedia's lists of American films "
    "(1900–2023), the Cannes competition (1946–2024) and the Criterion Collection."
)


def not_in_catalog(query: str, year: int | None, best: Any, candidates: Any) -> str | None:
    """The film the user named, as they named it, when the catalog has no film of that
    title: none matches, the year asked for matches none of them, or (no year given) the
    only close titles hold the words inside a longer title ('metropolis' is not 'Leaving
    Metropolis'). None when there is a film to answer or to ask about."""
    typed = fold(re.sub(r"\s*[(\[]?\b(1[89]\d\d|20\d\d)\b[)\]]?\s*$", "", query)) or fold(query)
    named = f"“{shorten(query.strip(), ECHO_MAX)}”"
    if not candidates and best is None:
        return named
    hits = [best] if best is not None else list(candidates)
    if year is not None:
        # A hit fits the year asked for, or holds that number in its title ('Blade Runner
        # 2049' typed with a typo is not 'a film of 2049').
        fits = [
            h
            for h in hits
            if h.year is None or abs(h.year - year) <= 1 or str(year) in (h.title or "")
        ]
        return None if fits else named  # 'Metropolis (1927)': no Metropolis of 1927 here
    if all(not h.exact and _inside_only(typed, h) for h in hits):
        return named  # only inside longer titles
    return None


def _inside_only(typed: str, hit: Any) -> bool:
    """Whether the typed words are in the hit's title but start neither it nor a part of
    it after a colon or a dash ('attack of the clones' starts a part of 'Star Wars:
    Episode II – Attack of the Clones'; 'metropolis' starts no part of 'Leaving
    Metropolis')."""
    names = [hit.title or ""] + ([hit.matched] if getattr(hit, "matched", "") else [])
    for name in names:
        parts = [fold(p) for p in re.split(r"\s*(?::|\s[–—-])\s+", name)] + [fold(name)]
        if any(p.startswith(typed) for p in parts if p):
            return False
    return any(f" {typed}" in f" {fold(n)}" for n in names)


def _closest(candidates: Any, year: int | None) -> str:
    labels = [f"{h.title} ({h.year})" if h.year else h.title for h in list(candidates)[:3]]
    return f" Titles I know that are close: {', '.join(labels)}." if labels else ""


@dataclass
class Pending:
    command: str
    values: dict[str, Any]  # the command's options, as given with the question
    film_ids: list[int]
    expires: float
    question: str = ""  # which list this is: a menu answers its own question only


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters with a visible '…'."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def choice_label(film: FilmSummary) -> str:
    """'Title (Year) · Director', cut to what every menu accepts. The title is cut, never
    the year or the director, which are what tell remakes apart."""
    year = f" ({film.year})" if film.year else ""
    who = " · " + ", ".join(film.directors[:2]) if film.directors else ""
    who = shorten(who, CHOICE_LABEL_MAX // 3)
    return shorten(film.title, CHOICE_LABEL_MAX - len(year) - len(who)) + year + who


# The title of the reply to a choice from a list that is no longer open (menus tidy up).
EXPIRED = "That question has expired"
FAILED = (
    "Something went wrong",
    "That command failed on my side; the error is logged. Please try again.",
)


class Core:
    """filmbot's answers, for any platform: `handle` a chat message, or `call` a command
    with typed options."""

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

    def command_for(self, message: str) -> Command | None:
        """The command a chat message asks for, if any (an adapter may need to know
        before answering, e.g. to look up whether the sender may manage the room)."""
        parsed = parse_command(message)
        return self.commands.get(parsed[0]) if parsed else None

    async def handle(self, message: str, req: Request) -> Reply | None:
        """Answer a chat message; None when it is not addressed to the bot (no prefix)."""
        parsed = parse_command(message)
        if parsed is None:
            return None
        name, text = parsed
        command = self.commands.get(name)
        if command is None:
            return self._unknown(name, req)
        return await self._answer(command, req, text, {})

    async def call(self, name: str, req: Request, /, **given: Any) -> Reply:
        """Answer a command given with typed options (a Discord slash command, a menu).

        A title may be what the user typed, with filter words after it as in a message,
        or an autocomplete value ('film:123'); every other option is taken as given, once
        it is checked against the declaration."""
        command = self.commands.get(name)
        if command is None:
            return self._unknown(name, req)
        rest = command.rest
        text = ""
        if rest is not None and command.takes_film:
            text = " ".join(str(given.pop(rest.name, "") or "").split())
        return await self._answer(command, req, text, given, typed=True)

    def _unknown(self, name: str, req: Request) -> Reply:
        return self.commands.help_reply(
            req.prefix,
            intro=f"There is no command {req.prefix}{shorten(name, ECHO_MAX)}. "
            "These are the ones I know:",
        )

    def _refusal(self, command: Command, req: Request) -> Reply | None:
        """Commands for chat rooms, or for those who may manage them, say no kindly."""
        if command.access == "anyone":
            return None
        if not req.platform.announces:
            return error(
                "Announcements are for chat rooms",
                "Subscriptions post into a chat channel or room; here they would have "
                "nowhere to go.",
            )
        if command.access == "manage" and not req.can_manage:
            what = command.refusal.format(place=req.platform.place)
            return error(
                "Not allowed",
                f"Only members with {req.platform.manage_rule} can {what}. Ask one of them, "
                f"or see what is set up with {req.prefix}subscriptions.",
            )
        return None

    async def _answer(
        self,
        command: Command,
        req: Request,
        text: str,
        given: dict[str, Any],
        *,
        typed: bool = False,
    ) -> Reply:
        """Check who asks, parse the options, run the command: every failure is a kind
        reply, and an unexpected one is logged with its context."""
        values: dict[str, Any] = {}
        try:
            if refusal := self._refusal(command, req):
                return refusal
            rest = command.rest
            asked = "" if rest is None else text or str(given.get(rest.name) or "")
            if command.needs_args and not (fold(asked) if command.takes_film else asked.strip()):
                return self._usage(command, req, "needs something to look up.")
            # Film ids ('film:123') come from autocomplete and menus, never from a message.
            film_id = film_value(text) if typed and command.takes_film else None
            values = command.parse("" if film_id else text, given)
            if rest is not None:
                if film_id is not None:
                    values[rest.name] = text
                elif command.needs_args and not fold(str(values[rest.name] or "")):
                    return self._usage(command, req, "needs a title before its options.")
                elif values[rest.name] is None:
                    values[rest.name] = ""  # an optional title, name or number left out
            if command.refine is not None and film_id is None:
                values = await command.refine(self, values)
            return await self._run(command, req, values, film_id)
        except ParseError as exc:
            return error(command.parse_error, str(exc))
        except Exception:
            log.exception(
                "command %s failed (platform=%s, options=%r)",
                command.name,
                req.platform.name,
                values or given or text,
            )
            return error(*FAILED)

    def _usage(self, command: Command, req: Request, problem: str) -> Reply:
        return self.commands.usage_reply(
            command, req.prefix, problem=f"{req.prefix}{command.name} {problem}"
        )

    async def _run(
        self, command: Command, req: Request, values: dict[str, Any], film_id: int | None = None
    ) -> Reply:
        """Run a command on parsed options; a film command may have its film chosen."""
        if command.takes_film:
            return await command.handler(self, req, film_id=film_id, **values)
        return await command.handler(self, req, **values)

    def suggest_titles(self, typed: str, limit: int) -> list[tuple[str, str]]:
        """Autocomplete: (label, value) pairs at once from the loaded index; nothing while
        it is still building (autocomplete cannot wait)."""
        if not self.search.is_ready:
            return []
        return [(c.label, c.value) for c in self.search.titles.complete(typed, limit=limit)]

    async def suggest_people(self, typed: str, limit: int) -> list[tuple[str, str]]:
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
            for h in people.complete(typed, limit=limit)
        ]

    async def resolve_film(
        self, query: str, req: Request, command: str, values: dict[str, Any]
    ) -> int | Reply:
        """A film id when the query names one film clearly, else a reply that asks."""
        result = (await self.titles()).lookup(query, limit=DISAMBIGUATION_MAX_CHOICES)
        missing = not_in_catalog(query, result.year_hint, result.best, result.candidates)
        if missing:
            return error(
                "Not in my catalog",
                f"I don't know {missing}: it is not in my catalog, and I "
                "won't guess another film. "
                + CATALOG_COVERS
                + _closest(result.candidates, result.year_hint),
                hint=f"Check the spelling, or try the year: {req.prefix}{command} Solaris (1972)",
            )
        if result.best is not None:
            return result.best.film_id
        return await self.offer_films(
            req,
            [hit.film_id for hit in result.candidates],
            command,
            values,
            heading="Which film did you mean?"
            if len(result.candidates) > 1
            else "Did you mean this film?",
        )

    async def offer_films(
        self,
        req: Request,
        film_ids: list[int],
        command: str,
        values: dict[str, Any],
        *,
        heading: str,
    ) -> Reply:
        """A numbered list of films the user answers with `pick N` (or a menu choice);
        the answer runs `command` with these option values for the film picked."""
        summaries = await films.film_summaries(self.db, film_ids)
        choices = tuple(
            Choice(f"film:{i}", choice_label(summaries[i])) for i in film_ids if i in summaries
        )
        now = self._clock()
        for key in [k for k, p in self._pending.items() if p.expires < now]:
            del self._pending[key]  # forget questions nobody answered
        question = f"q{next(self._questions)}"
        self._pending[req.key] = Pending(
            command,
            dict(values),
            [int(c.id.split(":")[1]) for c in choices],
            now + PICK_TIMEOUT_SECONDS,
            question,
        )
        lines = "\n".join(f"{n}. {c.label}" for n, c in enumerate(choices, start=1))
        card = Card(
            heading,
            plain(lines),
            footer=("Choose from the menu, or answer" if req.platform.menus else "Answer")
            + f" with {req.prefix}pick N (within {PICK_TIMEOUT_SECONDS // 60} minutes).",
            kind="choices",
        )
        return Reply((card,), choices=choices, ephemeral=True, question=question)

    async def pick(self, req: Request, number: str, question: str | None = None) -> Reply:
        """Answer this user's open question here with choice N. A menu passes its
        `question` too, and answers only if that list is still the open one (a newer one
        replaces it)."""
        pending = self._pending.get(req.key)
        if question is not None and (
            pending is None or pending.expires < self._clock() or pending.question != question
        ):
            return error(
                EXPIRED,
                "The list was answered already or is more than a few minutes old.",
                hint=f"Ask again, e.g. {req.prefix}film Solaris",
            )
        if pending is None or pending.expires < self._clock():
            self._pending.pop(req.key, None)
            return error(
                "Nothing to pick",
                "There is no open question for you here.",
                hint=f"Ask again, e.g. {req.prefix}film Solaris",
            )
        if not re.fullmatch(r"[0-9]{1,3}", number) or not 1 <= int(number) <= len(pending.film_ids):
            return error(
                "Pick a number from the list",
                f"Answer with {req.prefix}pick and a number from 1 to {len(pending.film_ids)}.",
            )
        del self._pending[req.key]
        command = self.commands.get(pending.command)
        if command is None or not command.takes_film:
            raise ValueError(f"{pending.command} does not take a film")
        return await self._run(command, req, pending.values, pending.film_ids[int(number) - 1])
