"""Which database errors make the Matrix bot handle a sync batch again, and which only
skip the event that met them (so one bad event never stalls every room)."""

from __future__ import annotations

import sqlite3

from bot.adapters.matrix_bot import _passing
from bot.store.busy import DatabaseBusyError


def test_waiting_fixes_busy_and_unwritable_databases() -> None:
    assert _passing(sqlite3.OperationalError("database is locked"))
    assert _passing(DatabaseBusyError("still locked after 600 s"))
    assert _passing(sqlite3.OperationalError("database or disk is full"))
    assert _passing(sqlite3.OperationalError("attempt to write a readonly database"))


def test_a_bug_is_not_retried_for_ever() -> None:
    assert not _passing(sqlite3.OperationalError("no such column: nope"))
    assert not _passing(sqlite3.OperationalError("too many SQL variables"))
