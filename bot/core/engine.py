"""The core every platform talks to: a message in, a `Reply` out.

It owns the database, the title lookup and the short-lived disambiguation state
(`!pick N`, kept in the database so another process may answer it), and knows nothing of
Discord, Matrix or terminals.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

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
from bot.search.fuzzy import LIGHT_WORDS
from bot.search.titles import CLEAR_SCORE, WORD_MATCH
from bot.store import DatabaseBusyError, DatabaseWriteError, films, questions
from bot.store.db import Database
from bot.store.questions import OpenQuestion
from bot.text import fold, norm_title

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
    if best is not None and year is None:
        return None  # the search's clear answer ('lebowski' is The Big Lebowski)
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
        # Only inside longer titles. Several are asked about (the heading says the film
        # may be missing); one is answered when the words it shares are two or more
        # ('liberty valance' is The Man Who Shot Liberty Valance), not for one word that
        # may be the whole title of a film the catalog lacks ('metropolis').
        return None if len(hits) > 1 or len(_content_words(typed)) > 1 else named
    if len(hits) == 1 and not hits[0].exact and _shares_too_little(typed, hits[0]):
        return named  # 'spirited away' is not Spirited, the only title near it
    return None


def _content_words(text: str) -> list[str]:
    return [w for w in text.split() if w not in LIGHT_WORDS]


def _shares_too_little(typed: str, hit: Any) -> bool:
    """Whether a lone, unclear hit holds at most half of the words asked for: the
    catalog more likely lacks the film than the user mistyped half its title."""
    asked = _content_words(typed)
    if len(asked) < 2 or hit.score >= CLEAR_SCORE:
        return False
    names = [fold(n) for n in (hit.title, getattr(hit, "matched", "")) if n]
    held = max(
        sum(any(fuzz.ratio(word, have) >= WORD_MATCH for have in name.split()) for word in asked)
        for name in names
    )
    return held * 2 <= len(asked)


def _inside_only(typed: str, hit: Any) -> bool:
    """Whether the typed words are in the hit's title but start neither it nor a part of
    it after a colon or a dash ('attack of the clones' starts a part of 'Star Wars:
    Episode II – Attack of the Clones'; 'metropolis' starts no part of 'Leaving
    Metropolis')."""
    names = [hit.title or ""] + ([hit.matched] if getattr(hit, "matched", "") else [])
    for name in names:
        parts = [p for p in re.split(r"\s*(?::|\s[–—-])\s+", name)] + [name]
        # A part starts after its article too: 'cranes' starts 'The Cranes Are Flying'.
        starts = [fold(p) for p in parts] + [norm_title(p) for p in parts]
        if any(p.startswith(typed) for p in starts if p):
            return False
    return any(f" {typed}" in f" {fold(n)}" for n in names)


def _matches_whole(query: str, candidates: Any) -> bool:
    """Whether some candidate answers the whole query (an exact title, a title's
    beginning, a fair spelling) rather than holding part of it inside a longer title."""
    typed = fold(query)
    return any(
        h.exact or (h.score >= CLEAR_SCORE and not _inside_only(typed, h)) for h in candidates
    )


def _closest(candidates: Any, year: int | None) -> str:
    labels = [f"{h.title} ({h.year})" if h.year else h.title for h in list(candidates)[:3]]
    return f" Titles I know that are close: {', '.join(labels)}." if labels else ""


# How long a question waits for the database's write lock before it is kept in this
# process only: another process (a big import) may hold the lock for minutes, and a user
# waiting for "Which film did you mean?" should not. Then only this process can answer it.
QUESTION_WRITE_WAIT_SECONDS = 2.0


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
        clock: Callable[[], float] = time.time,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.db = db
        self.search = search
        self.commands = commands
        # Wall-clock seconds: open questions expire at a time another process reads too.
        self._clock = clock
        self.today = today  # the calendar date, for what is upcoming or recent
        # Questions the database could not take (read-only, or locked for long).
        self._unsaved: dict[tuple[str, str, str], OpenQuestion] = {}
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
            + ("" if _matches_whole(query, result.candidates) else " It may not be in my catalog."),
            single="This is the only film I know whose title is close to "
            f"“{shorten(' '.join(query.split()), ECHO_MAX)}”.",
        )

    async def offer_films(
        self,
        req: Request,
        film_ids: list[int],
        command: str,
        values: dict[str, Any],
        *,
        heading: str,
        single: str | None = None,
    ) -> Reply:
        """A numbered list of films the user answers with `pick N` (or a menu choice);
        the answer runs `command` with these option values for the film picked.

        One film is no question: it is answered at once, followed by the note `single`
        when given (what the list would have said about it, e.g. that it is only close)."""
        summaries = await films.film_summaries(self.db, film_ids)
        choices = tuple(
            Choice(f"film:{i}", choice_label(summaries[i])) for i in film_ids if i in summaries
        )
        return await self.offer_choices(
            req, choices, command, values, heading=heading, single=single
        )

    async def offer_choices(
        self,
        req: Request,
        choices: tuple[Choice, ...],
        command: str,
        values: dict[str, Any],
        *,
        heading: str,
        single: str | None = None,
    ) -> Reply:
        """`offer_films` for choices already labelled: films ('film:ID') or people
        ('person:ID', answered by `command` with `person_id`)."""
        if len(choices) == 1:
            answer = await self._run_chosen(command, req, values, choices[0].id)
            if single is None or answer.cards[0].kind == "error":
                return answer
            return Reply(
                (*answer.cards, Card("Closest match", plain(single))),
                choices=answer.choices,
                ephemeral=answer.ephemeral,
                question=answer.question,
            )
        now = self._clock()
        question = f"q{secrets.token_hex(8)}"  # unique across processes and restarts
        await self._remember(
            req.key,
            OpenQuestion(
                question,
                command,
                dict(values),
                tuple(c.id for c in choices),
                now + PICK_TIMEOUT_SECONDS,
            ),
            now,
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

    async def _remember(self, key: tuple[str, str, str], asked: OpenQuestion, now: float) -> None:
        """Keep the open question in the database; in this process only when the
        database cannot take it now (read-only, locked for long): the list still works
        here, as it did before questions were stored."""
        try:
            await questions.remember(
                self.db, key, asked, now=now, give_up=QUESTION_WRITE_WAIT_SECONDS
            )
        except (DatabaseWriteError, DatabaseBusyError) as exc:
            log.warning("open question kept in this process only: %s", exc)
            self._unsaved = {k: q for k, q in self._unsaved.items() if q.expires_at >= now}
            self._unsaved[key] = asked
            return
        self._unsaved.pop(key, None)  # the database's question is the newer one

    async def _open_question(self, key: tuple[str, str, str], now: float) -> OpenQuestion | None:
        unsaved = self._unsaved.get(key)
        if unsaved is not None and unsaved.expires_at >= now:
            return unsaved
        return await questions.open_question(self.db, key, now=now)

    async def _take(self, key: tuple[str, str, str], asked: OpenQuestion) -> bool:
        """Close the question; False when another answer (another process) closed it
        first. A database that cannot be written now answers all the same."""
        if self._unsaved.get(key) is asked:
            del self._unsaved[key]
            return True
        try:
            return await questions.take(
                self.db, key, asked.question, give_up=QUESTION_WRITE_WAIT_SECONDS
            )
        except (DatabaseWriteError, DatabaseBusyError) as exc:
            log.warning("answered question not closed in the database: %s", exc)
            return True

    async def _run_chosen(
        self, name: str, req: Request, values: dict[str, Any], choice: str
    ) -> Reply:
        """Run command `name` for the chosen film ('film:123') or person ('person:45')."""
        command = self.commands.get(name)
        kind, _, chosen = choice.partition(":")
        if command is not None and kind == "person":
            return await command.handler(self, req, person_id=int(chosen), **values)
        if command is None or not command.takes_film:
            raise ValueError(f"{name} does not take a film")
        return await self._run(command, req, dict(values), int(choice.split(":", 1)[1]))

    async def pick(self, req: Request, number: str, question: str | None = None) -> Reply:
        """Answer this user's open question here with choice N. A menu passes its
        `question` too, and answers only if that list is still the open one (a newer one
        replaces it)."""
        pending = await self._open_question(req.key, self._clock())
        if question is not None and (pending is None or pending.question != question):
            return _expired(req)
        if pending is None:
            return _nothing_to_pick(req)
        if not re.fullmatch(r"[0-9]{1,3}", number) or not 1 <= int(number) <= len(pending.choices):
            return error(
                "Pick a number from the list",
                f"Answer with {req.prefix}pick and a number from 1 to {len(pending.choices)}.",
            )
        if not await self._take(req.key, pending):
            return _expired(req) if question is not None else _nothing_to_pick(req)
        return await self._run_chosen(
            pending.command, req, pending.options, pending.choices[int(number) - 1]
        )


def _expired(req: Request) -> Reply:
    return error(
        EXPIRED,
        "The list was answered already or is more than a few minutes old.",
        hint=f"Ask again, e.g. {req.prefix}film Solaris",
    )


def _nothing_to_pick(req: Request) -> Reply:
    return error(
        "Nothing to pick",
        "There is no open question for you here.",
        hint=f"Ask again, e.g. {req.prefix}film Solaris",
    )
