"""Open questions: the numbered lists a user was asked to pick from (`!pick N`).

They live in the database, not in the process, so the answer may come from another
process (`filmbot ask "!film solaris"`, then `filmbot ask "!pick 2"`) or after a restart.
One question is open per (platform, channel, user); asking again replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database

# Whose question: (platform, channel or room, user), as `Request.key` gives it.
Key = tuple[str, str, str]


@dataclass(frozen=True)
class OpenQuestion:
    question: str  # the list's id; a menu passes it back with the choice
    command: str  # what the answer runs
    options: dict[str, Any]  # that command's options, as given with the question
    choices: tuple[str, ...]  # the choices' ids ('film:12'), in the list's order
    expires_at: float  # seconds, on the clock that asked (the epoch, outside tests)


async def remember(
    db: Database, key: Key, asked: OpenQuestion, *, now: float, give_up: float | None = None
) -> None:
    """Open `asked` for `key`, replacing the question open there, and forget every
    question that has expired. `give_up`: seconds to wait for the write lock before
    DatabaseBusyError (another process may hold it for long, e.g. a big import)."""
    async with db.transaction(give_up=give_up) as tx:
        await tx._execute("DELETE FROM open_questions WHERE expires_at < ?", (now,))
        await tx._execute(
            "INSERT INTO open_questions (platform, channel, user_id, question, command, "
            "options, choices, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, channel, user_id) DO UPDATE SET "
            "question = excluded.question, command = excluded.command, "
            "options = excluded.options, choices = excluded.choices, "
            "expires_at = excluded.expires_at",
            (
                *key,
                asked.question,
                asked.command,
                json.dumps(asked.options),
                json.dumps(list(asked.choices)),
                asked.expires_at,
            ),
        )


async def open_question(db: Database, key: Key, *, now: float) -> OpenQuestion | None:
    """The question open for `key` and not expired at `now`, if any."""
    row = await db._fetchone(
        "SELECT question, command, options, choices, expires_at FROM open_questions "
        "WHERE platform = ? AND channel = ? AND user_id = ? AND expires_at >= ?",
        (*key, now),
    )
    if row is None:
        return None
    return OpenQuestion(
        row[0], row[1], json.loads(row[2]), tuple(json.loads(row[3])), float(row[4])
    )


async def take(db: Database, key: Key, question: str, *, give_up: float | None = None) -> bool:
    """Close `question` for `key`; False when it is no longer open (answered meanwhile,
    from another process too, or replaced by a newer one): each question is answered once."""
    async with db.transaction(give_up=give_up) as tx:
        changed = await tx._execute(
            "DELETE FROM open_questions "
            "WHERE platform = ? AND channel = ? AND user_id = ? AND question = ?",
            (*key, question),
        )
    return changed == 1
