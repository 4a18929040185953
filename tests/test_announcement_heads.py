"""The delivery pass reads each channel's first undelivered item through the partial
index of open announcements (migration 0012), never by walking what was delivered."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import open_database
from bot.store.announcements import HEADS_SQL
from bot.store.outbox_leases import _heads_sql


@pytest.mark.parametrize("sql", [HEADS_SQL, _heads_sql(0), _heads_sql(2)])
async def test_the_first_undelivered_item_is_read_through_the_open_index(
    tmp_path: Path, sql: str
) -> None:
    db = await open_database(tmp_path / "heads.sqlite3")
    try:
        marks = sql.count("?")
        plan = " | ".join(
            str(row[-1]) for row in await db._fetchall("EXPLAIN QUERY PLAN " + sql, [""] * marks)
        )
    finally:
        await db.close()
    assert "USING INDEX announcements_open" in plan, plan
    # before 0012: two searches of announcements_due, pending and sent, merged and sorted
    assert "MULTI-INDEX OR" not in plan, plan
