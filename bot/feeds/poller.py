"""Polling release feeds: fetch, parse, import each new item, remember it, back off on failure.

The first successful poll of a feed takes its baseline: every current item is imported but
its edition is marked seen, so a newly added feed does not flood the channels with its
backlog. Later polls import only items not met before and leave their editions unseen, for
the announcement planner to find.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import xml.sax
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import feedparser

from bot.constants import (
    FEED_CONCURRENCY,
    FEED_MAX_BACKOFF_SECONDS,
    FEED_MAX_BYTES,
    FEED_MAX_ITEMS_PER_POLL,
    FEED_RECHECK_SECONDS,
    FEED_TIMEOUT_SECONDS,
)
from bot.feeds.fetch import FetchResult, fetch_feed
from bot.feeds.items import FeedItem, feed_item, first_items
from bot.importers.documents.importer import ImportOutcome, import_document
from bot.kinds import RELEASE_LISTING
from bot.net.client import GuardedClient
from bot.net.policy import FetchError, FetchPolicy, FetchRefused, redact_url
from bot.store import feeds as store
from bot.store.db import Database
from bot.store.feeds import Feed
from bot.terminal import one_line

log = logging.getLogger(__name__)

# feedparser flags these although the document was read in full.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_STATUS_MAX = 300
# The loop's shortest sleep, so a feed that stays due (being polled by another caller)
# cannot make it spin.
_MIN_SLEEP = 1.0
# feedparser does not promise to be thread-safe; documents are parsed one at a time.
_PARSE_LOCK = threading.Lock()


class FeedProblem(Exception):
    """Why a poll failed, as stored in `last_status` and shown by `filmbot feeds list`."""

    def __init__(self, status: str, *, retry_after: float | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


@dataclass
class PollReport:
    feed_id: int
    url: str
    ok: bool
    status: str  # what `last_status` now says
    baseline: bool = False  # the feed's first successful poll: nothing of it is announced
    outcomes: list[ImportOutcome] = field(default_factory=list)  # this poll's new items
    already_seen: int = 0  # items dealt with by earlier polls
    failures: int = 0  # consecutive failures, after this poll
    next_poll_at: float = 0.0
    title: str | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def imported(self) -> int:
        """Items that added or changed something (new or merged)."""
        counts = self.counts
        return counts["imported"] + counts["merged"]

    def summary(self) -> str:
        if not self.ok:
            return f"failed ({self.status}); {self.failures} in a row"
        counts = self.counts
        parts = [
            f"{counts[s]} {s}" for s in ("imported", "merged", "unchanged", "rejected") if counts[s]
        ]
        new = ", ".join(parts) if parts else "nothing new"
        return f"{self.status}: {new}" + (" (baseline, not announced)" if self.baseline else "")

    def line(self) -> str:
        return f"feed #{self.feed_id} {redact_url(self.url)}: {self.summary()}"


def backoff_delay(interval_s: float, failures: int) -> float:
    """The wait after `failures` consecutive failures: the interval doubled per failure,
    capped at FEED_MAX_BACKOFF_SECONDS (or the interval itself, when that is longer)."""
    if failures <= 0:
        return float(interval_s)
    cap = max(FEED_MAX_BACKOFF_SECONDS, interval_s)
    return float(min(interval_s * 2 ** min(failures, 32), cap))


def _short(text: str, limit: int = _STATUS_MAX) -> str:
    text = one_line(text)  # a status holds what a server said: no controls kept
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _syntax_problem(parsed: Mapping[str, Any]) -> str | None:
    """Why feedparser found the document not well-formed, unless the reason is harmless."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if isinstance(exc, _HARMLESS_BOZO):
        return None
    if isinstance(exc, xml.sax.SAXParseException):
        where = f"line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
        return f"{exc.getMessage()} at {where}"
    return str(exc) or type(exc).__name__


def _feed_items(feed: Feed, entries: list[Any]) -> list[FeedItem]:
    """The entries as items, oldest first (feeds list the newest first)."""
    items = []
    for entry in reversed(entries):
        try:
            items.append(feed_item(entry))
        except (ValueError, RecursionError) as exc:
            log.warning(
                "feed #%d %s: an item could not be read (%r)", feed.id, redact_url(feed.url), exc
            )
    return items


def _parse(result: FetchResult, max_items: int) -> tuple[feedparser.FeedParserDict, bool]:
    """The document parsed, its entries cut to the first `max_items` (the newest, as feeds
    list them), and whether there were more. A document of more items is cut before
    feedparser reads it, so its size in items costs nothing past the limit."""
    headers = {"content-location": result.url}
    if result.content_type:
        headers["content-type"] = result.content_type
    cut = first_items(result.body, max_items)
    # Always bytes: given a str, feedparser would treat it as a URL or a path to open.
    with _PARSE_LOCK:
        parsed = feedparser.parse(result.body if cut is None else cut, response_headers=headers)
    more = cut is not None or len(parsed.entries) > max_items
    parsed["entries"] = parsed.entries[:max_items]
    return parsed, more


class FeedPoller:
    """Polls the feeds in the database; one instance per process, shared by every task.

    `clock` gives unix time (injectable for tests). `on_imported` is awaited after a poll
    round in which an item was imported or merged (e.g. to wake the announcer).
    """

    def __init__(
        self,
        db: Database,
        *,
        allow_hosts: Iterable[str] = (),
        client: GuardedClient | None = None,
        clock: Callable[[], float] = time.time,
        on_imported: Callable[[], Awaitable[None]] | None = None,
        timeout: float = FEED_TIMEOUT_SECONDS,
        max_bytes: int = FEED_MAX_BYTES,
        max_items: int = FEED_MAX_ITEMS_PER_POLL,
        concurrency: int = FEED_CONCURRENCY,
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_imported = on_imported
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_items = max_items
        # Hosts fetched although their addresses are not public (FILMBOT_FETCH_ALLOW_HOSTS).
        self.policy = client.policy if client is not None else FetchPolicy.allowing(allow_hosts)
        self._client = client
        self._own_client = client is None
        self._limit = asyncio.Semaphore(concurrency)
        self._polling: set[int] = set()  # feeds being polled right now
        self._wake = asyncio.Event()

    async def __aenter__(self) -> FeedPoller:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_client and self._client is not None:
            await self._client.close()
            self._client = None

    def wake(self) -> None:
        """Make `run` look at the schedule now (e.g. after a feed was added)."""
        self._wake.set()

    # --- polling -----------------------------------------------------------------------

    async def poll_due(self, now: float | None = None) -> list[PollReport]:
        """Poll every feed due at `now` (default: the clock); the polls themselves take
        their times from the clock."""
        now = self.clock() if now is None else now
        return await self._poll_many(await store.due_feeds(self.db, now))

    async def poll_all(self) -> list[PollReport]:
        """Poll every feed now, whatever its schedule (`filmbot feeds poll`)."""
        return await self._poll_many(await store.list_feeds(self.db))

    async def poll(self, feed_id: int) -> PollReport | None:
        """Poll one feed now; None when there is no such feed."""
        feed = await store.get_feed(self.db, feed_id)
        if feed is None:
            return None
        return (await self._poll_many([feed]))[0]

    async def _poll_many(self, feeds: Iterable[Feed]) -> list[PollReport]:
        reports = list(await asyncio.gather(*(self._poll_limited(f) for f in feeds)))
        if self.on_imported is not None and any(r.imported for r in reports):
            try:
                await self.on_imported()
            except Exception:
                log.exception("the after-import hook of the feed poller failed")
        return reports

    async def _poll_limited(self, feed: Feed) -> PollReport:
        if feed.id in self._polling:  # a second caller would import the same items twice
            return PollReport(feed.id, feed.url, ok=True, status="already being polled")
        self._polling.add(feed.id)
        try:
            async with self._limit:
                # Read again: the row may have changed (or gone) while this poll waited.
                current = await store.get_feed(self.db, feed.id)
                if current is None:
                    return PollReport(feed.id, feed.url, ok=False, status="removed")
                return await self._poll_feed(current)
        except Exception:
            # A bug or a database error on one feed must not stop the others (or the loop).
            log.exception("polling feed #%d %s failed", feed.id, redact_url(feed.url))
            problem = FeedProblem("error: an internal error stopped the poll (logged)")
            try:
                return await self._failed(feed, self.clock(), problem)
            except Exception:
                return PollReport(feed.id, feed.url, ok=False, status=problem.status)
        finally:
            self._polling.discard(feed.id)

    async def _poll_feed(self, feed: Feed) -> PollReport:
        now = self.clock()
        try:
            report = await self._read(feed, now)
        except FeedProblem as problem:
            return await self._failed(feed, now, problem)
        log.info("%s", report.line())
        return report

    async def _fetch(self, feed: Feed) -> FetchResult:
        if self._client is None:
            self._client = GuardedClient(self.policy)
        try:
            return await fetch_feed(
                self._client,
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                timeout=self.timeout,
                max_bytes=self.max_bytes,
            )
        except FetchRefused as exc:  # 'refused: ...', counted as a failure
            raise FeedProblem(_short(str(exc))) from exc
        except FetchError as exc:
            raise FeedProblem(_short(f"error: {exc}")) from exc

    async def _read(self, feed: Feed, now: float) -> PollReport:
        result = await self._fetch(feed)
        report = PollReport(feed.id, feed.url, ok=True, status=str(result.status))
        if result.not_modified:
            report.status = "304 not modified"
            await self._succeeded(feed, now, report, feed.title, feed.etag, feed.last_modified)
            return report
        if not result.ok:
            raise FeedProblem(
                _short(f"{result.status} {result.reason}".strip()),
                retry_after=result.retry_after,
            )
        parsed, more = await asyncio.to_thread(_parse, result, self.max_items)
        problem = _syntax_problem(parsed)
        if not parsed.get("version") and not parsed.entries:
            got = (result.content_type or "").split(";")[0].strip()
            why = "; ".join(x for x in (f"got {got}" if got else "", problem) if x)
            raise FeedProblem(_short(f"malformed: not an RSS or Atom feed ({why or 'no items'})"))
        if problem and not parsed.entries:
            raise FeedProblem(_short(f"malformed: {problem}"))
        if problem:
            log.warning(
                "feed #%d %s is not well-formed (%s); reading its items",
                feed.id,
                redact_url(feed.url),
                problem,
            )

        report.baseline = feed.needs_baseline
        report.title = str(parsed.feed.get("title") or "").strip()
        listings = await self._import_items(
            feed, parsed.entries, report, retry_rejected=bool(problem)
        )
        if parsed.entries and not listings:
            # Only junk: a failure like any other, so the feed backs off.
            raise FeedProblem(
                f"junk: no release listing among the {len(parsed.entries)} items read"
                + (" (the first ones of more)" if more else "")
            )
        counts = report.counts
        new = counts["imported"] + counts["merged"]
        report.status = f"{result.status} ({new} new" + (
            f", {counts['rejected']} rejected" if counts["rejected"] else ""
        )
        report.status += f"; the first {len(parsed.entries)} items read)" if more else ")"
        if problem:
            report.status = _short(f"{report.status}; not well-formed: {problem}")
        # Validators are stored last: had the poll stopped half-way, the next one
        # fetches the whole feed again (the items done are skipped by their keys).
        await self._succeeded(feed, now, report, report.title, result.etag, result.last_modified)
        return report

    async def _import_items(
        self, feed: Feed, entries: list[Any], report: PollReport, *, retry_rejected: bool
    ) -> int:
        """Import the entries not met before, oldest first; the number of entries that
        are release listings (taken now or by an earlier poll)."""
        known = await store.item_outcomes(self.db, feed.id)
        listings = 0
        # Turning HTML into text takes a while for a big feed: not on the event loop.
        for item in await asyncio.to_thread(_feed_items, feed, entries):
            if item.key in known:
                report.already_seen += 1
                listings += not known[item.key].startswith("rejected")
                continue
            outcome = await import_document(
                self.db,
                item.name,
                item.text.encode(),
                kind=RELEASE_LISTING,
                uri=item.link or feed.url,
                # The item's own title names its film; an item cut to its title
                # alone stays a rejection, retried when the whole item comes.
                title=item.title if item.has_body else None,
                # A baseline item's edition is marked seen in the import's own
                # transaction, so the announcer never takes it for news.
                announce=not report.baseline,
            )
            report.outcomes.append(outcome)
            listings += outcome.ok
            # The same key twice in one document is taken once.
            known[item.key] = "rejected" if not outcome.ok else outcome.status
            if outcome.status == "rejected":
                log.info("feed #%d item %s rejected: %s", feed.id, item.name, outcome.message)
                if retry_rejected:
                    # The document was broken; the item may be whole next time.
                    continue
            what = (
                f"rejected: {outcome.message}" if outcome.status == "rejected" else outcome.status
            )
            await store.record_item(self.db, feed.id, item.key, _short(what), self.clock())
        return listings

    async def _succeeded(
        self,
        feed: Feed,
        now: float,
        report: PollReport,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        report.failures = 0
        report.next_poll_at = now + feed.interval_s
        report.title = title
        await store.record_poll(
            self.db,
            feed.id,
            title=title,
            etag=etag,
            last_modified=last_modified,
            failures=0,
            next_poll_at=report.next_poll_at,
            polled_at=now,
            status=report.status,
        )

    async def _failed(self, feed: Feed, now: float, problem: FeedProblem) -> PollReport:
        failures = feed.failures + 1
        delay = backoff_delay(feed.interval_s, failures)
        if problem.retry_after is not None:
            delay = min(max(delay, problem.retry_after), max(FEED_MAX_BACKOFF_SECONDS, delay))
        report = PollReport(
            feed.id,
            feed.url,
            ok=False,
            status=problem.status,
            failures=failures,
            next_poll_at=now + delay,
            title=feed.title,
        )
        # The stored ETag / Last-Modified stay: they still describe the last good read.
        await store.record_poll(
            self.db,
            feed.id,
            title=feed.title,
            etag=feed.etag,
            last_modified=feed.last_modified,
            failures=failures,
            next_poll_at=report.next_poll_at,
            polled_at=now,
            status=problem.status,
        )
        log.warning(
            "feed #%d %s failed (%s); %d in a row, next try in %.0f s",
            feed.id,
            redact_url(feed.url),
            problem.status,
            failures,
            delay,
        )
        return report

    # --- the loop ----------------------------------------------------------------------

    async def run(self, stop_event: asyncio.Event) -> None:
        """Poll feeds as they fall due until `stop_event` is set; never raises for a feed."""
        while not stop_event.is_set():
            self._wake.clear()
            try:
                await self.poll_due()
                delay = await self._sleep_for()
            except Exception:
                log.exception("polling the feeds failed; trying again later")
                delay = FEED_RECHECK_SECONDS
            if self._wake.is_set():
                continue
            stop = asyncio.ensure_future(stop_event.wait())
            wake = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({stop, wake}, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop.cancel()
                wake.cancel()

    async def _sleep_for(self) -> float:
        """Until the next feed is due; at most FEED_RECHECK_SECONDS, so feeds another
        process adds are noticed."""
        due = await store.next_poll_at(self.db)
        if due is None:
            return FEED_RECHECK_SECONDS
        return min(max(due - self.clock(), _MIN_SLEEP), FEED_RECHECK_SECONDS)
