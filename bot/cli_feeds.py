"""`filmbot feeds`: RSS and Atom feeds of release listings, from the command line.

filmbot feeds add https://example.org/releases.xml [--interval 60]
filmbot feeds list
filmbot feeds poll [ID] [--due]     # every feed now, one feed, or only the due ones
filmbot feeds remove ID

`add` polls the new feed at once: what it holds then is the baseline (imported, never
announced). Exit codes: 0 done; 1 a poll failed (a feed whose first poll fails is added
all the same and retried on its schedule, backing off), no such feed, or the URL is
already a feed; 2 bad input (not an http(s) URL, credentials in the URL, an address on
the machine's own network unless FILMBOT_FETCH_ALLOW_HOSTS names the host, an interval
out of range).

Whatever came from a feed or the network (titles, URLs, statuses) is printed through
`bot.terminal`, and URLs with credentials in them are printed as 'https://***@host/...'.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.constants import (
    FEED_DEFAULT_INTERVAL_SECONDS,
    FEED_MAX_INTERVAL_SECONDS,
    FEED_MIN_INTERVAL_SECONDS,
)
from bot.importers.catalog import build_catalog
from bot.net.policy import FetchPolicy, FetchRefused, redact_url
from bot.store import feeds as store
from bot.store import open_database
from bot.store.db import Database
from bot.store.feeds import FeedExistsError
from bot.terminal import one_line, terminal_safe

if TYPE_CHECKING:
    from bot.feeds.poller import PollReport

# aiohttp, feedparser and BeautifulSoup are imported by the commands that use them: every
# other `filmbot` command starts without them.


def _minutes(value: str) -> int:
    """--interval in minutes, as seconds within the allowed bounds."""
    try:
        seconds = round(float(value) * 60)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of minutes") from None
    if not FEED_MIN_INTERVAL_SECONDS <= seconds <= FEED_MAX_INTERVAL_SECONDS:
        raise argparse.ArgumentTypeError(
            f"an interval is {FEED_MIN_INTERVAL_SECONDS // 60} to "
            f"{FEED_MAX_INTERVAL_SECONDS // 60:,} minutes"
        )
    return seconds


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    feeds = sub.add_parser(
        "feeds",
        parents=[common],
        help="RSS/Atom feeds of release listings: add, list, poll, remove",
        description="Release feeds: each new item is imported as a release listing and "
        "announced; the items a feed holds when it is added are not announced.",
    )
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", parents=[common], help="add a feed and read it once (its items are the baseline)"
    )
    add.add_argument("url", metavar="URL", help="an http:// or https:// RSS or Atom feed")
    add.add_argument(
        "--interval",
        type=_minutes,
        default=FEED_DEFAULT_INTERVAL_SECONDS,
        metavar="MINUTES",
        help=f"minutes between polls (default {FEED_DEFAULT_INTERVAL_SECONDS // 60})",
    )
    actions.add_parser("list", parents=[common], help="the feeds, their schedule and health")
    remove = actions.add_parser(
        "remove", parents=[common], help="remove a feed (what it imported stays)"
    )
    remove.add_argument("feed_id", type=int, metavar="ID")
    poll = actions.add_parser("poll", parents=[common], help="poll feeds now")
    poll.add_argument("feed_id", type=int, nargs="?", metavar="ID", help="only this feed")
    poll.add_argument(
        "--due", action="store_true", help="only the feeds whose time has come (for cron)"
    )


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    return f"{hours / 24:.1f} days"


def _items(count: int, what: str) -> str:
    return f"{count} item{'s' if count != 1 else ''} {what}"


def _url(url: str) -> str:
    """A feed's URL as printed: no credentials, no controls."""
    return one_line(redact_url(url))


def _label(feed_id: int, title: str | None, url: str) -> str:
    title = one_line(title or "")
    return f"#{feed_id} {title} ({_url(url)})" if title else f"#{feed_id} {_url(url)}"


def _safe_line(text: str) -> str:
    """A line as printed: no controls, no line breaks, its spacing kept (columns)."""
    return terminal_safe(text).replace("\n", " ").replace("\t", " ")


def _print_outcomes(report: PollReport) -> None:
    for outcome in report.outcomes:
        print(_safe_line(outcome.line()))


async def _prepare(settings: Settings) -> Database:
    """The database with the catalog in place, as `filmbot import` has it: listings are
    merged into the catalog's films."""
    db = await open_database(settings.database, local_path=settings.db_path)
    try:
        report = await build_catalog(db)
    except BaseException:
        await db.close()
        raise
    if not report.skipped:
        print(f"filmbot: {report.summary()}", file=sys.stderr)
    return db


async def _add(db: Database, url: str, interval_s: int, settings: Settings) -> int:
    from bot.feeds.poller import FeedPoller

    try:
        feed = await store.add_feed(db, url, interval_s, time.time())
    except FeedExistsError as exc:
        known = exc.feed
        named = f" ({one_line(known.title)})" if known.title else ""
        print(
            f"filmbot feeds add: {_url(known.url)} is already feed #{known.id}{named}",
            file=sys.stderr,
        )
        return 1
    async with FeedPoller(db, allow_hosts=settings.fetch_allow_hosts) as poller:
        report = await poller.poll(feed.id)
    assert report is not None
    label = _label(feed.id, report.title, url)
    if not report.ok:
        print(
            f"filmbot feeds add: added feed {label}, but its first poll failed: "
            f"{one_line(report.status)}. "
            f"It is tried again in {_duration(report.next_poll_at - time.time())} (longer "
            "while it keeps failing); what it holds then is its baseline.",
            file=sys.stderr,
        )
        return 1
    _print_outcomes(report)
    counts = report.counts
    parts = [_items(report.imported, "imported")]
    if counts["unchanged"]:
        parts.append(f"{counts['unchanged']} already known")
    if counts["rejected"]:
        parts.append(f"{counts['rejected']} rejected")
    print(
        f"added feed {label}, polled every {_duration(feed.interval_s)}: {', '.join(parts)} "
        "(not announced: existing items are a baseline)"
    )
    return 0


async def _list(db: Database) -> int:
    feeds = await store.list_feeds(db)
    if not feeds:
        print("no feeds yet; add one with `filmbot feeds add URL`")
        return 0
    now = time.time()
    for feed in feeds:
        print(f"#{feed.id} {one_line(feed.title or '') or '(not read yet)'}")
        print(f"    {_url(feed.url)}")
        due = feed.next_poll_at - now
        next_poll = f"in {_duration(due)}" if due > 60 else "now"
        last = (
            f"last poll {feed.last_polled_at}: {one_line(feed.last_status or '')}"
            if feed.last_polled_at
            else "never polled"
        )
        print(
            f"    every {_duration(feed.interval_s)}, {_items(feed.items, 'taken')}; {last}; "
            f"next poll {next_poll} ({store.iso_time(feed.next_poll_at)})"
        )
        if feed.failures:
            print(
                f"    failing: {feed.failures} failure{'s' if feed.failures != 1 else ''} in a row"
            )
    return 0


async def _remove(db: Database, args: argparse.Namespace) -> int:
    feed = await store.remove_feed(db, args.feed_id)
    if feed is None:
        print(f"filmbot feeds remove: no feed #{args.feed_id}", file=sys.stderr)
        return 1
    print(f"removed feed {_label(feed.id, feed.title, feed.url)}; what it imported stays")
    return 0


async def _poll(db: Database, args: argparse.Namespace, settings: Settings) -> int:
    from bot.feeds.poller import FeedPoller

    async with FeedPoller(db, allow_hosts=settings.fetch_allow_hosts) as poller:
        if args.feed_id is not None:
            one = await poller.poll(args.feed_id)
            if one is None:
                print(f"filmbot feeds poll: no feed #{args.feed_id}", file=sys.stderr)
                return 1
            reports = [one]
        elif args.due:
            reports = await poller.poll_due()
        else:
            reports = await poller.poll_all()
    if not reports:
        print(
            "no feed is due" if args.due else "no feeds yet; add one with `filmbot feeds add URL`"
        )
        return 0
    for report in reports:
        _print_outcomes(report)
        print(_safe_line(report.line()))
    return 0 if all(r.ok for r in reports) else 1


async def run(settings: Settings, args: argparse.Namespace) -> int:
    action = args.feeds_command
    url = ""
    if action == "add":
        from bot.feeds.fetch import check_feed_url
        from bot.net.client import check_url

        # A bad URL is refused before the database (and the catalog) is touched, and so
        # is one on the machine's own network (unless the operator allows its host).
        try:
            url = check_feed_url(args.url)
            await check_url(url, FetchPolicy.allowing(settings.fetch_allow_hosts))
        except FetchRefused as exc:
            hint = (
                " (to read a feed from it all the same, name the host in FILMBOT_FETCH_ALLOW_HOSTS)"
                if exc.internal
                else ""
            )
            print(f"filmbot feeds add: {one_line(str(exc))}{hint}", file=sys.stderr)
            return 2
        except ValueError as exc:
            print(f"filmbot feeds add: {one_line(str(exc))}", file=sys.stderr)
            return 2
    # Every poll's outcome is printed; the poller's own log lines would say it twice.
    feeds_log = logging.getLogger("bot.feeds")
    if not feeds_log.isEnabledFor(logging.DEBUG):
        feeds_log.setLevel(logging.ERROR)
    db = await (
        _prepare(settings)
        if action in ("add", "poll")
        else open_database(settings.database, local_path=settings.db_path)
    )
    try:
        if action == "add":
            return await _add(db, url, args.interval, settings)
        if action == "list":
            return await _list(db)
        if action == "remove":
            return await _remove(db, args)
        return await _poll(db, args, settings)
    finally:
        await db.close()
