"""Queries for the release feeds (`feeds`) and the items already taken from them (`feed_items`).

A feed whose `title` is NULL has never been read successfully: its next successful poll
takes the baseline (every current item imported, none announced). A read feed always has
a title, '' when the feed names none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.constants import FEED_MAX_INTERVAL_SECONDS, FEED_MIN_INTERVAL_SECONDS
from bot.store.db import Database

_COLUMNS = (
    "id, url, title, etag, last_modified, interval_s, failures, next_poll_at, "
    "last_polled_at, last_status, added_at"
)


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    interval_s: int
    failures: int
    next_poll_at: float  # unix time
    last_polled_at: str | None  # ISO time of the last poll, whatever its outcome
    last_status: str | None
    added_at: str
    items: int = 0  # rows in feed_items (filled in by `list_feeds`)

    @property
    def needs_baseline(self) -> bool:
        """True until the feed has been read once: its items then are not news."""
        return self.title is None


class FeedExistsError(Exception):
    def __init__(self, feed: Feed) -> None:
        named = f" ({feed.title})" if feed.title else ""
        super().__init__(f"{feed.url} is already feed #{feed.id}{named}")
        self.feed = feed


def iso_time(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(row: Iterable) -> Feed:
    return Feed(*row)


async def add_feed(db: Database, url: str, interval_s: int, now: float) -> Feed:
    """A new feed, due at once; FeedExistsError when the URL is already a feed.

    The URL is taken as given: check it first (`bot.feeds.fetch.check_feed_url`).
    """
    if not FEED_MIN_INTERVAL_SECONDS <= interval_s <= FEED_MAX_INTERVAL_SECONDS:
        raise ValueError(f"a feed's interval is {FEED_MIN_INTERVAL_SECONDS} s to 7 days")
    existing = await get_feed_by_url(db, url)
    if existing is not None:
        raise FeedExistsError(existing)
    async with db.transaction() as tx:
        feed_id = await tx._scalar(
            "INSERT INTO feeds (url, interval_s, next_poll_at, added_at) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            (url, interval_s, now, iso_time(now)),
        )
    feed = await get_feed(db, feed_id)
    assert feed is not None
    return feed


async def get_feed(db: Database, feed_id: int) -> Feed | None:
    row = await db._fetchone(f"SELECT {_COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
    return _feed(row) if row else None


async def get_feed_by_url(db: Database, url: str) -> Feed | None:
    row = await db._fetchone(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,))
    return _feed(row) if row else None


async def list_feeds(db: Database) -> list[Feed]:
    """Every feed with its item count, in the order they were added."""
    rows = await db._fetchall(
        f"SELECT {_COLUMNS}, (SELECT count(*) FROM feed_items i WHERE i.feed_id = feeds.id) "
        "FROM feeds ORDER BY id"
    )
    return [_feed(row) for row in rows]


async def remove_feed(db: Database, feed_id: int) -> Feed | None:
    """Remove a feed and its item records (what was imported stays); None if unknown."""
    feed = await get_feed(db, feed_id)
    if feed is None:
        return None
    async with db.transaction() as tx:
        await tx._execute("DELETE FROM feed_items WHERE feed_id = ?", (feed_id,))
        await tx._execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
    return feed


async def due_feeds(db: Database, now: float) -> list[Feed]:
    """Feeds whose next poll is due, the longest waiting first."""
    rows = await db._fetchall(
        f"SELECT {_COLUMNS} FROM feeds WHERE next_poll_at <= ? ORDER BY next_poll_at, id", (now,)
    )
    return [_feed(row) for row in rows]


async def next_poll_at(db: Database) -> float | None:
    """When the next feed is due (unix time), or None when there are no feeds."""
    value = await db._scalar("SELECT min(next_poll_at) FROM feeds")
    return float(value) if value is not None else None


async def record_poll(
    db: Database,
    feed_id: int,
    *,
    title: str | None,
    etag: str | None,
    last_modified: str | None,
    failures: int,
    next_poll_at: float,
    polled_at: float,
    status: str,
) -> None:
    """Store a poll's outcome; the caller passes the old values for what did not change."""
    async with db.transaction() as tx:
        await tx._execute(
            "UPDATE feeds SET title = ?, etag = ?, last_modified = ?, failures = ?, "
            "next_poll_at = ?, last_polled_at = ?, last_status = ? WHERE id = ?",
            (
                title,
                etag,
                last_modified,
                failures,
                next_poll_at,
                iso_time(polled_at),
                status,
                feed_id,
            ),
        )


async def known_items(db: Database, feed_id: int) -> set[str]:
    """The keys of the feed's items that were dealt with in earlier polls."""
    rows = await db._fetchall("SELECT item_key FROM feed_items WHERE feed_id = ?", (feed_id,))
    return {row[0] for row in rows}


async def record_item(db: Database, feed_id: int, key: str, outcome: str, now: float) -> None:
    """Remember an item's outcome ('imported', 'rejected: why', ...) so it is not taken again."""
    async with db.transaction() as tx:
        await tx._execute(
            "INSERT INTO feed_items (feed_id, item_key, outcome, seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (feed_id, item_key) DO UPDATE SET outcome = excluded.outcome, "
            "seen_at = excluded.seen_at",
            (feed_id, key, outcome, iso_time(now)),
        )


async def item_outcomes(db: Database, feed_id: int) -> dict[str, str]:
    rows = await db._fetchall(
        "SELECT item_key, outcome FROM feed_items WHERE feed_id = ?", (feed_id,)
    )
    return {row[0]: row[1] for row in rows}
