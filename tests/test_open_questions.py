"""Open questions (`!pick N`) kept in the database, and no list of one (issue 18).

A question asked by one process is answered by another (two cores on one database file
stand for two `filmbot ask` runs here; tests/test_console_cli.py runs the real CLI), once,
by its asker only, within the pick timeout. A list that would hold one film answers it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.adapters.platforms import MATRIX
from bot.ask import direct
from bot.cards import Reply
from bot.core import engine
from bot.core.answers import COMMANDS
from bot.core.engine import Core
from bot.core.loader import load_core
from bot.core.request import Request
from bot.store import open_database, questions
from bot.store.questions import OpenQuestion
from tests import sql

PICK_TIMEOUT = engine.PICK_TIMEOUT_SECONDS


def _title(reply: Reply | None) -> str:
    assert reply is not None
    return reply.cards[0].title


async def test_a_question_is_answered_from_another_process(core: Core) -> None:
    """What `filmbot ask "!film solaris"` then `filmbot ask "!pick 2"` does: the second
    process has its own connection and its own core, and only the database in common."""
    other_db = await open_database(core.db.path)
    other = Core(other_db, core.search, COMMANDS)
    try:
        asker = direct("text")
        question = await core.handle("!film solaris", asker)
        assert question is not None and len(question.choices) == 2
        assert "pick N" in (question.cards[0].footer or "")
        # Someone else, or the same user on another platform, has nothing to pick.
        for stranger in (Request(), Request(MATRIX, channel="console", user="you")):
            assert _title(await other.handle("!pick 2", stranger)) == "Nothing to pick"
        assert _title(await other.handle("!pick 2", asker)) == "Solaris (2002)"
        # Answered once: not again, in either process.
        assert _title(await core.handle("!pick 1", asker)) == "Nothing to pick"
        assert _title(await other.handle("!pick 1", asker)) == "Nothing to pick"
    finally:
        await other_db.close()


async def test_a_menu_answers_only_its_own_question_across_processes(core: Core) -> None:
    other_db = await open_database(core.db.path)
    other = Core(other_db, core.search, COMMANDS)
    try:
        asker = Request(MATRIX, channel="!room", user="@alice")
        first = await core.call("film", asker, title="solaris")
        second = await core.call("film", asker, title="the killers")
        assert first.question and second.question and first.question != second.question
        # The newer list replaced the older one, whichever process asks.
        stale = await other.call("pick", asker, number=1, question=first.question)
        assert _title(stale) == engine.EXPIRED
        chosen = await other.call("pick", asker, number=1, question=second.question)
        assert _title(chosen).startswith("The Killers (")
    finally:
        await other_db.close()


async def test_the_pick_timeout_holds_across_processes(seeded_copy: Path) -> None:
    now = [1_000_000.0]
    db = await open_database(seeded_copy)
    other_db = await open_database(seeded_copy)
    try:
        loaded = await load_core(db)
        asking = Core(db, loaded.search, COMMANDS, clock=lambda: now[0])
        answering = Core(other_db, loaded.search, COMMANDS, clock=lambda: now[0])
        await asking.handle("!film solaris", Request())
        now[0] += PICK_TIMEOUT - 1
        assert _title(await answering.handle("!pick 1", Request())) == "Solaris (1972)"
        await asking.handle("!film solaris", Request())
        now[0] += PICK_TIMEOUT + 1
        assert _title(await answering.handle("!pick 1", Request())) == "Nothing to pick"
        # An expired question is deleted when the next one is asked, by anyone.
        await asking.handle("!film the killers", Request(MATRIX, channel="!r", user="@bob"))
        rows = await sql.fetchall(db, "SELECT user_id FROM open_questions")
        assert [r[0] for r in rows] == ["@bob"]
    finally:
        await db.close()
        await other_db.close()


async def test_each_question_is_taken_once(core: Core) -> None:
    key = ("console", "console", "you")
    asked = OpenQuestion("q1", "film", {"title": "solaris"}, ("film:1", "film:2"), 2e9)
    await questions.remember(core.db, key, asked, now=1e9)
    found = await questions.open_question(core.db, key, now=1e9)
    assert found == asked
    assert await questions.open_question(core.db, key, now=2e9 + 1) is None  # expired
    assert await questions.take(core.db, key, "q0") is False  # not the open question
    assert await questions.take(core.db, key, "q1") is True
    assert await questions.take(core.db, key, "q1") is False


async def test_a_locked_database_keeps_the_question_in_this_process(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the write lock (a long import) does not keep the user
    waiting for the list: the question is kept in memory, and answered here."""
    monkeypatch.setattr(engine, "QUESTION_WRITE_WAIT_SECONDS", 0.2)
    other_db = await open_database(core.db.path)
    other = Core(other_db, core.search, COMMANDS)
    importer = sqlite3.connect(core.db.path, isolation_level=None)
    try:
        importer.execute("BEGIN IMMEDIATE")  # the write lock, held
        question = await core.handle("!film solaris", Request())
        assert question is not None and len(question.choices) == 2
        assert _title(await other.handle("!pick 2", Request())) == "Nothing to pick"
        assert _title(await core.handle("!pick 2", Request())) == "Solaris (2002)"
        assert _title(await core.handle("!pick 2", Request())) == "Nothing to pick"
    finally:
        importer.execute("ROLLBACK")
        importer.close()
        await other_db.close()


class _OneCloseTitle:
    """A title search that finds one film, not clearly: a typo too far, a title with
    words the user added ('the crane are flying over')."""

    def __init__(self, film_id: int, title: str, year: int) -> None:
        self.hit = SimpleNamespace(
            film_id=film_id, title=title, year=year, score=76.0, exact=False, matched=""
        )

    def lookup(self, query: str, *, limit: int = 10) -> SimpleNamespace:
        return SimpleNamespace(query=query, year_hint=None, best=None, candidates=(self.hit,))


async def test_one_close_film_is_answered_not_offered(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    cranes = (await core.handle("!film the cranes are flying", Request())) or Reply(())
    film_id = int(next(f for f in cranes.cards[0].footer.split() if f.startswith("#"))[1:])
    search = _OneCloseTitle(film_id, "The Cranes Are Flying", 1957)

    async def titles() -> _OneCloseTitle:
        return search

    monkeypatch.setattr(core, "titles", titles)
    for message, first_title in [
        ("!film the crane are flying over", "The Cranes Are Flying (1957)"),
        ("!editions the crane are flying over", "Editions of The Cranes Are Flying (1957)"),
    ]:
        reply = await core.handle(message, Request())
        assert reply is not None and reply.choices == () and reply.question is None
        assert reply.cards[0].title == first_title, message  # the answer comes first
        assert reply.cards[-1].title == "Closest match"  # and it says it is only close
        assert "the crane are flying over" in reply.cards[-1].description[0].text
        assert not reply.ephemeral  # an answer, not a question only the asker sees
        # Nothing was left open to pick from.
        assert _title(await core.handle("!pick 1", Request())) == "Nothing to pick"


async def test_one_keyword_hit_is_answered_not_offered(core: Core) -> None:
    one = await core.handle("!find urusevsky", Request())  # the cinematographer of one film
    assert one is not None and one.choices == ()
    assert one.cards[0].title == "The Cranes Are Flying (1957)"
    assert _title(await core.handle("!pick 1", Request())) == "Nothing to pick"
    several = await core.handle("!find samurai", Request())
    assert several is not None and len(several.choices) > 1  # a list, as before
