"""Release feeds: a real HTTP server on 127.0.0.1 serves RSS and Atom that change between polls.

The poller's clock is injected, so backoff and schedules are checked without sleeping.
127.0.0.1 is not a public address: every poller and command here allows it by name
(`LOCAL`, FILMBOT_FETCH_ALLOW_HOSTS), as an operator would; without that it is refused.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import feedparser
import pytest
from aiohttp import web

from bot.announce.planner import plan
from bot.constants import FEED_MAX_BACKOFF_SECONDS, FEED_MAX_ITEMS_PER_POLL
from bot.feeds.fetch import USER_AGENT, check_feed_url
from bot.feeds.items import feed_item, first_items
from bot.feeds.poller import FeedPoller, backoff_delay
from bot.filters import Filters
from bot.importers.documents.importer import BUNDLED_DOCUMENTS
from bot.importers.documents.parsers import parse_document
from bot.importers.documents.reader import decode_document
from bot.store import announcements, open_database
from bot.store import feeds as store
from bot.store.db import Database
from tests import sql
from tests.conftest import run_cli

START = 1_800_000_000.0
# The test server's host, allowed explicitly (the default refuses it).
LOCAL = ("127.0.0.1",)
LOCAL_ENV = {"FILMBOT_FETCH_ALLOW_HOSTS": "127.0.0.1"}
LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT"


# --- a feed server ---------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # a redirect there ('{port}' is the server's port)


@dataclass
class FeedServer:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def last_headers(self, name: str) -> dict[str, str]:
        return next(h for path, h in reversed(self.requests) if path == f"/{name}")

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, dict(request.headers)))
        route = self.routes.get(request.path.lstrip("/"))
        if route is None:
            return web.Response(status=404, text="no such feed")
        if route.location is not None:
            raise web.HTTPFound(route.location.format(port=request.url.port))
        if route.status != 200:
            return web.Response(status=route.status, text="the server is having a bad day")
        headers = {"Content-Type": route.content_type}
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        match_etag = route.etag and request.headers.get("If-None-Match") == route.etag
        match_date = (
            route.last_modified
            and request.headers.get("If-Modified-Since") == route.last_modified
            and "If-None-Match" not in request.headers
        )
        if match_etag or match_date:
            return web.Response(status=304, headers=headers)
        return web.Response(body=route.body, headers=headers)


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    feeds = FeedServer()
    app = web.Application()
    app.router.add_get("/{name}", feeds.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    feeds.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield feeds
    finally:
        await runner.cleanup()


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def db(catalog_copy: Path) -> AsyncIterator[Database]:
    database = await open_database(catalog_copy)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def poller(db: Database, clock: Clock) -> AsyncIterator[FeedPoller]:
    async with FeedPoller(db, clock=clock, allow_hosts=LOCAL) as feed_poller:
        yield feed_poller


# --- feed documents --------------------------------------------------------------------

# Films the bundled catalog does not have, so each listing makes a new film and edition.
FILMS = {
    "orchard": ("The Quiet Orchard", 2019, "Ana Lindqvist"),
    "lanterns": ("Lanterns Over Kettle Bay", 2021, "Ilse Marchetti"),
    "salt": ("The Salt Cartographer", 2018, "Tomas Wrenfield"),
    "magpies": ("A Winter for Magpies", 2022, "Oren Vasquez-Holt"),
}


def listing_html(film: str, date: str = "2031-05-20") -> str:
    _, year, director = FILMS[film]
    return (
        "<p>4K UHD Releases Details</p>"
        "<p><b>List Price:</b> $39.95</p>"
        f"<p><b>Director:</b> {director}</p>"
        f"<p><b>Release Date:</b> {date}</p>"
        f"<p><b>Movie Release Year:</b> {year}</p>"
        "<p>Special Features:</p>"
        "<ul><li>Audio commentary by the director</li><li>Trailer</li></ul>"
    )


def rss(*items: tuple[str, str, str]) -> bytes:
    """(guid, title, HTML description) items, newest first as feeds list them."""
    entries = "".join(
        f'<item><guid isPermaLink="false">{guid}</guid><title>{html.escape(title)}</title>'
        f"<link>https://shop.example/{guid}</link>"
        f"<description>{html.escape(body)}</description></item>"
        for guid, title, body in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>New releases</title><link>https://shop.example/</link>{entries}"
        "</channel></rss>"
    ).encode()


def atom(*entries: tuple[str, str, str]) -> bytes:
    body = "".join(
        f"<entry><id>urn:release:{eid}</id><title>{html.escape(title)}</title>"
        "<updated>2026-10-21T07:28:00Z</updated>"
        f'<content type="html">{html.escape(content)}</content></entry>'
        for eid, title, content in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom releases</title><id>urn:releases</id>"
        f"<updated>2026-10-21T07:28:00Z</updated>{body}</feed>"
    ).encode()


def item(film: str) -> tuple[str, str, str]:
    return (film, f"{FILMS[film][0]} (4K UHD)", listing_html(film))


async def seen(db: Database, edition_id: int | None) -> bool:
    assert edition_id is not None
    row = await sql.fetchone(db, "SELECT 1 FROM edition_seen WHERE edition_id = ?", (edition_id,))
    return row is not None


async def count(db: Database, table: str) -> int:
    return int(await sql.scalar(db, f"SELECT count(*) FROM {table}"))


# --- tests -----------------------------------------------------------------------------


async def test_first_poll_is_a_baseline_later_items_are_left_for_the_announcer(
    db: Database, clock: Clock, server: FeedServer
) -> None:
    server.routes["releases.rss"] = Route(rss(item("lanterns"), item("orchard")))
    woken: list[int] = []

    async def on_imported() -> None:
        woken.append(1)

    feed = await store.add_feed(db, server.url("releases.rss"), 1800, clock())
    assert feed.needs_baseline
    async with FeedPoller(db, clock=clock, on_imported=on_imported, allow_hosts=LOCAL) as poller:
        first = await poller.poll(feed.id)
        assert first is not None and first.ok and first.baseline
        assert [o.status for o in first.outcomes] == ["imported", "imported"]
        # Oldest first: the feed lists the newest first.
        assert [o.name for o in first.outcomes] == [
            "The Quiet Orchard (4K UHD)",
            "Lanterns Over Kettle Bay (4K UHD)",
        ]
        for outcome in first.outcomes:
            assert await seen(db, outcome.edition_id)
        assert first.status == "200 (2 new)"
        assert woken == [1]
        assert server.last_headers("releases.rss")["User-Agent"] == USER_AGENT

        stored = await store.get_feed(db, feed.id)
        assert stored is not None and stored.title == "New releases"
        assert (stored.failures, stored.next_poll_at) == (0, START + 1800)
        assert await poller.poll_due(clock.now + 1799) == []  # not due yet

        server.routes["releases.rss"] = Route(rss(item("salt"), item("lanterns"), item("orchard")))
        clock.now += 1800
        [later] = await poller.poll_due()
        assert later.ok and not later.baseline and later.already_seen == 2
        [new] = later.outcomes
        assert (new.status, new.name) == ("imported", "The Salt Cartographer (4K UHD)")
        assert not await seen(db, new.edition_id)  # the planner announces it
        film = await sql.fetchone(db, "SELECT title, year FROM films WHERE id = ?", (new.film_id,))
        assert tuple(film) == ("The Salt Cartographer", 2018)
        assert woken == [1, 1]
    assert await store.item_outcomes(db, feed.id) == {
        "orchard": "imported",
        "lanterns": "imported",
        "salt": "imported",
    }


async def test_conditional_get_answers_304_and_an_atom_feed_is_read(
    db: Database, clock: Clock, poller: FeedPoller, server: FeedServer
) -> None:
    route = Route(
        atom(item("orchard")),
        content_type="application/atom+xml",
        etag='"v1"',
        last_modified=LAST_MODIFIED,
    )
    server.routes["releases.atom"] = route
    feed = await store.add_feed(db, server.url("releases.atom"), 600, clock())
    first = await poller.poll(feed.id)
    assert first is not None and first.ok and first.imported == 1
    sent = server.last_headers("releases.atom")
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent
    stored = await store.get_feed(db, feed.id)
    assert stored is not None
    assert (stored.title, stored.etag, stored.last_modified) == (
        "Atom releases",
        '"v1"',
        LAST_MODIFIED,
    )
    assert await store.item_outcomes(db, feed.id) == {"urn:release:orchard": "imported"}

    # A failure in between, then the unchanged feed answers 304: a success, nothing new.
    route.status = 503
    clock.now += 600
    [failed] = await poller.poll_due()
    assert not failed.ok and failed.failures == 1
    route.status = 200
    clock.now = failed.next_poll_at
    sources = await count(db, "sources")
    [not_modified] = await poller.poll_due()
    sent = server.last_headers("releases.atom")
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == LAST_MODIFIED
    assert not_modified.ok and not_modified.status == "304 not modified"
    assert not_modified.outcomes == [] and not_modified.failures == 0
    assert await count(db, "sources") == sources
    stored = await store.get_feed(db, feed.id)
    assert stored is not None
    assert (stored.failures, stored.last_status, stored.etag) == (0, "304 not modified", '"v1"')
    assert stored.next_poll_at == clock.now + 600

    # A new version: fetched in full, its new entry imported, the new validators kept.
    route.body = atom(item("magpies"), item("orchard"))
    route.etag = '"v2"'
    clock.now += 600
    [changed] = await poller.poll_due()
    assert [o.name for o in changed.outcomes] == ["A Winter for Magpies (4K UHD)"]
    assert not await seen(db, changed.outcomes[0].edition_id)
    stored = await store.get_feed(db, feed.id)
    assert stored is not None and stored.etag == '"v2"'


async def test_server_errors_back_off_up_to_the_cap_then_recover(
    db: Database, clock: Clock, poller: FeedPoller, server: FeedServer
) -> None:
    route = Route(rss(item("orchard")), etag='"e1"')
    server.routes["flaky.rss"] = route
    feed = await store.add_feed(db, server.url("flaky.rss"), 60, clock())
    ok = await poller.poll(feed.id)
    assert ok is not None and ok.ok

    route.status = 500
    clock.now = ok.next_poll_at
    delays = []
    for failures in range(1, 12):
        assert await poller.poll_due(clock.now - 1) == []  # nothing is due early
        [report] = await poller.poll_due()
        assert not report.ok and report.failures == failures
        assert report.status == "500 Internal Server Error"
        delays.append(report.next_poll_at - clock.now)
        stored = await store.get_feed(db, feed.id)
        assert stored is not None
        assert (stored.failures, stored.etag, stored.title) == (failures, '"e1"', "New releases")
        assert stored.last_status == "500 Internal Server Error"
        clock.now = report.next_poll_at
    assert delays[:3] == [120, 240, 480]
    capped = delays.index(FEED_MAX_BACKOFF_SECONDS)  # doubling, then held at the cap
    assert all(a < b for a, b in itertools.pairwise(delays[: capped + 1]))
    assert capped < len(delays) - 2 and set(delays[capped:]) == {FEED_MAX_BACKOFF_SECONDS}

    route.status = 200
    [recovered] = await poller.poll_due()
    assert recovered.ok and recovered.failures == 0 and recovered.status == "304 not modified"
    assert recovered.next_poll_at == clock.now + 60


async def test_an_unreachable_host_is_a_failure_with_the_reason(
    db: Database, clock: Clock, poller: FeedPoller
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/feed.rss"
    feed = await store.add_feed(db, url, 1800, clock())
    report = await poller.poll(feed.id)
    assert report is not None and not report.ok
    # The host as the URL names it: no port, no socket error (no port-scan oracle).
    assert report.status == "error: cannot connect to 127.0.0.1"
    assert report.next_poll_at == clock.now + 3600
    stored = await store.get_feed(db, feed.id)
    assert stored is not None and stored.needs_baseline and stored.failures == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (rss(item("orchard"))[:120], "application/rss+xml", "malformed: "),
        (
            b"<!DOCTYPE html><html><head><title>Shop</title></head>"
            b"<body><p>Our new releases</p></body></html>",
            "text/html",
            "malformed: not an RSS or Atom feed",
        ),
        (b"", "application/rss+xml", "malformed: not an RSS or Atom feed"),
    ],
    ids=["truncated", "html", "empty"],
)
async def test_a_malformed_document_is_a_failure_and_writes_nothing(
    db: Database,
    clock: Clock,
    poller: FeedPoller,
    server: FeedServer,
    body: bytes,
    content_type: str,
    status: str,
) -> None:
    server.routes["bad"] = Route(body, content_type=content_type, etag='"x"')
    feed = await store.add_feed(db, server.url("bad"), 1800, clock())
    before = {t: await count(db, t) for t in ("sources", "editions", "films", "feed_items")}
    report = await poller.poll(feed.id)
    assert report is not None and not report.ok
    assert report.status.startswith(status), report.status
    stored = await store.get_feed(db, feed.id)
    assert stored is not None
    assert stored.last_status == report.status and stored.failures == 1
    assert stored.etag is None and stored.needs_baseline  # nothing of the answer kept
    assert {t: await count(db, t) for t in before} == before


async def test_an_oversized_feed_is_refused(db: Database, clock: Clock, server: FeedServer) -> None:
    server.routes["big.rss"] = Route(rss(item("orchard")))
    feed = await store.add_feed(db, server.url("big.rss"), 1800, clock())
    async with FeedPoller(db, clock=clock, max_bytes=200, allow_hosts=LOCAL) as small:
        report = await small.poll(feed.id)
    assert report is not None and not report.ok
    assert "larger than the limit of 200 bytes" in report.status


async def test_a_cut_short_feed_imports_its_whole_items_and_retries_the_rest(
    db: Database, clock: Clock, poller: FeedPoller, server: FeedServer
) -> None:
    whole = rss(item("orchard"), item("lanterns"))
    cut = whole[: whole.index(b"<description>", whole.index(b"lanterns</guid>"))]
    server.routes["cut.rss"] = Route(cut)
    feed = await store.add_feed(db, server.url("cut.rss"), 1800, clock())
    report = await poller.poll(feed.id)
    assert report is not None and report.ok and "not well-formed" in report.status
    assert [(o.name, o.status) for o in report.outcomes] == [
        ("Lanterns Over Kettle Bay (4K UHD)", "rejected"),
        ("The Quiet Orchard (4K UHD)", "imported"),
    ]
    # The cut item is not recorded: the whole feed brings it next time.
    assert await store.item_outcomes(db, feed.id) == {"orchard": "imported"}
    server.routes["cut.rss"] = Route(whole)
    again = await poller.poll(feed.id)
    assert again is not None
    assert [(o.name, o.status) for o in again.outcomes] == [
        ("Lanterns Over Kettle Bay (4K UHD)", "imported")
    ]


async def test_an_item_that_is_not_a_listing_is_rejected_once(
    db: Database, clock: Clock, poller: FeedPoller, server: FeedServer
) -> None:
    chatter = ("post-17", "Our shop is closed on Monday", "<p>Back on Tuesday with more films.</p>")
    server.routes["mixed.rss"] = Route(rss(item("lanterns"), chatter, item("orchard")))
    feed = await store.add_feed(db, server.url("mixed.rss"), 1800, clock())
    first = await poller.poll(feed.id)
    assert first is not None and first.ok
    assert first.counts == {"imported": 2, "rejected": 1}
    assert first.status == "200 (2 new, 1 rejected)"
    outcomes = await store.item_outcomes(db, feed.id)
    assert outcomes["orchard"] == outcomes["lanterns"] == "imported"
    assert outcomes["post-17"].startswith("rejected: ")

    clock.now += 1800
    [again] = await poller.poll_due()
    assert again.ok and again.outcomes == [] and again.already_seen == 3
    assert again.status == "200 (0 new)"


async def test_the_loop_polls_due_feeds_until_stopped(
    db: Database, clock: Clock, server: FeedServer
) -> None:
    server.routes["loop.rss"] = Route(rss(item("magpies")))
    feed = await store.add_feed(db, server.url("loop.rss"), 1800, clock())
    stop = asyncio.Event()

    async def on_imported() -> None:
        stop.set()

    async with FeedPoller(db, clock=clock, on_imported=on_imported, allow_hosts=LOCAL) as poller:
        await asyncio.wait_for(poller.run(stop), timeout=60)
    assert await store.item_outcomes(db, feed.id) == {"magpies": "imported"}


def test_item_keys_text_and_backoff() -> None:
    assert feed_item({"id": "urn:1", "link": "https://x/1", "title": "A"}).key == "urn:1"
    assert feed_item({"link": "https://x/1", "title": "A"}).key == "https://x/1"
    hashed = feed_item({"title": "A", "summary_detail": {"type": "text/plain", "value": "b"}})
    assert hashed.key.startswith("sha256:") and hashed.text == "A\nb"
    other = feed_item({"title": "A", "summary_detail": {"type": "text/plain", "value": "c"}})
    assert other.key != hashed.key
    assert [backoff_delay(1800, n) for n in range(5)] == [1800, 3600, 7200, 14400, 21600]
    assert backoff_delay(86400, 3) == 86400  # an interval longer than the cap is kept
    for bad in ("ftp://example.org/feed", "example.org/feed", "http://", "http://x:port/"):
        with pytest.raises(ValueError):
            check_feed_url(bad)
    assert check_feed_url(" https://example.org/f.xml ") == "https://example.org/f.xml"


def test_a_listing_in_a_feed_reads_like_the_seed_listing() -> None:
    """The seed listing, published as an HTML feed item, gives the same film and edition."""
    seed = (BUNDLED_DOCUMENTS / "release-listing_the-cranes-are-flying.txt").read_text()
    parts: list[str] = []
    bullets: list[str] = []
    for line in [*seed.splitlines()[2:], ""]:
        text = line.strip()
        if text.startswith("•"):
            bullets.append(f"<li>{html.escape(text[1:].strip())}</li>")
            continue
        if bullets:
            parts.append("<ul>" + "".join(bullets) + "</ul>")
            bullets = []
        if text:
            parts.append(f"<p>{html.escape(text)}</p>")
    document = rss(("cranes", "The Cranes Are Flying (Blu-ray)", "".join(parts)))
    entry = feedparser.parse(document).entries[0]
    from_feed = parse_document(decode_document(feed_item(entry).text.encode()), "release_listing")
    from_seed = parse_document(decode_document(seed.encode()))
    assert from_feed.title == from_seed.title == "The Cranes Are Flying"
    assert from_feed.edition == from_seed.edition
    assert len(from_feed.edition.features) == 7
    assert (from_feed.synopsis, from_feed.cast) == (from_seed.synopsis, from_seed.cast)


async def test_the_feeds_commands(catalog_copy: Path, server: FeedServer) -> None:
    server.routes["releases.rss"] = Route(rss(item("lanterns"), item("orchard")))
    url = server.url("releases.rss")

    async def cli(*args: str):
        # In a thread: the test server answers on this event loop meanwhile.
        result = await asyncio.to_thread(run_cli, "feeds", *args, db=catalog_copy, env=LOCAL_ENV)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    bad = await cli("add", "ftp://example.org/feed")
    assert bad.returncode == 2 and "not an http:// or https:// URL" in bad.stderr
    assert (await cli("add", url, "--interval", "0")).returncode == 2

    added = await cli("add", url, "--interval", "45")
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines()[-1] == (
        f"added feed #1 New releases ({url}), polled every 45 min: 2 items imported "
        "(not announced: existing items are a baseline)"
    )
    again = await cli("add", url)
    assert again.returncode == 1 and f"{url} is already feed #1 (New releases)" in again.stderr

    listed = await cli("list")
    assert listed.returncode == 0
    assert url in listed.stdout and "every 45 min, 2 items taken" in listed.stdout
    assert re.search(r": 200 \(2 new\); next poll in 4[45] min", listed.stdout), listed.stdout

    server.routes["releases.rss"] = Route(rss(item("salt"), item("lanterns"), item("orchard")))
    polled = await cli("poll")
    assert polled.returncode == 0, polled.stderr
    assert "imported  The Salt Cartographer (4K UHD): release listing; new film" in polled.stdout
    assert f"feed #1 {url}: 200 (1 new): 1 imported" in polled.stdout
    assert (await cli("poll", "--due")).stdout.strip() == "no feed is due"
    missing = await cli("poll", "7")
    assert missing.returncode == 1 and "no feed #7" in missing.stderr

    dead = f"http://127.0.0.1:{_closed_port()}/feed.rss"
    failed = await cli("add", dead)
    assert failed.returncode == 1
    assert "added feed #2" in failed.stderr and "first poll failed: error: cannot connect" in (
        failed.stderr
    )
    listed = await cli("list")
    assert "#2 (not read yet)" in listed.stdout and "failing: 1 failure in a row" in listed.stdout

    removed = await cli("remove", "1")
    assert removed.returncode == 0 and "removed feed #1 New releases" in removed.stdout
    gone = await cli("remove", "1")
    assert gone.returncode == 1 and "no feed #1" in gone.stderr
    assert url not in (await cli("list")).stdout


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_new_feed_item_is_announced_and_the_baseline_is_not(
    db: Database, clock: Clock, server: FeedServer
) -> None:
    today = date(2026, 11, 22)
    await plan(db, today)
    async with db.transaction() as conn:
        await announcements.add_subscription(
            conn,
            platform="matrix",
            scope="!room:example.org",
            target="!room:example.org",
            filters=Filters({"format": ("4K UHD",)}),
            mention=None,
            since=today.isoformat(),
            created_by="@ana:example.org",
        )
    server.routes["releases.rss"] = Route(rss(item("lanterns"), item("orchard")))
    feed = await store.add_feed(db, server.url("releases.rss"), 1800, clock())
    async with FeedPoller(db, clock=clock, allow_hosts=LOCAL) as poller:
        await poller.poll(feed.id)
        assert (await plan(db, today)).queued == 0  # the baseline is old news
        server.routes["releases.rss"] = Route(rss(item("salt"), item("lanterns"), item("orchard")))
        clock.now += 1800
        [later] = await poller.poll_due()
    [new] = later.outcomes
    planned = await plan(db, today)
    assert planned.queued == 1 and planned.new_editions == [new.edition_id]
    row = await sql.fetchone(db, "SELECT edition_id, kind, release_date FROM announcements")
    assert tuple(row) == (new.edition_id, "announced", "2031-05-20")


# --- no internal fetches (issue 15) ------------------------------------------------------


async def test_by_default_a_local_feed_is_refused_alike_open_or_closed(
    db: Database, clock: Clock, server: FeedServer
) -> None:
    """Without FILMBOT_FETCH_ALLOW_HOSTS nothing on 127.0.0.1 is fetched, and a listening
    port and a closed one fail with the same words: no port-scan oracle."""
    server.routes["releases.rss"] = Route(rss(item("orchard")))
    live = await store.add_feed(db, server.url("releases.rss"), 1800, clock())
    dead = await store.add_feed(db, f"http://127.0.0.1:{_closed_port()}/f.rss", 1800, clock())
    async with FeedPoller(db, clock=clock) as poller:
        reports = [await poller.poll(live.id), await poller.poll(dead.id)]
    for report in reports:
        assert report is not None and not report.ok and report.failures == 1
        assert report.status == "refused: 127.0.0.1 is a private or local address"
        assert report.next_poll_at == clock.now + 3600  # backs off like any failure
        stored = await store.get_feed(db, report.feed_id)
        assert stored is not None and stored.last_status == report.status
    assert server.requests == []
    assert await count(db, "feed_items") == 0


async def test_a_redirect_to_an_internal_address_is_refused_at_poll_time(
    db: Database, clock: Clock, poller: FeedPoller, server: FeedServer
) -> None:
    # 127.0.0.1 is allowed (the poller fixture); localhost is not, nor is any IPv6 loopback.
    server.routes["secret.rss"] = Route(rss(item("orchard")))
    server.routes["moved.rss"] = Route(location="http://localhost:{port}/secret.rss")
    server.routes["moved6.rss"] = Route(location="http://[::1]:{port}/secret.rss")
    for name in ("moved.rss", "moved6.rss"):
        feed = await store.add_feed(db, server.url(name), 1800, clock())
        report = await poller.poll(feed.id)
        assert report is not None and not report.ok
        assert report.status == "refused: redirected to a private or local address"
        stored = await store.get_feed(db, feed.id)
        assert stored is not None and (stored.last_status, stored.failures) == (report.status, 1)
    assert [path for path, _ in server.requests] == ["/moved.rss", "/moved6.rss"]
    assert await count(db, "feed_items") == 0


def junk(count: int) -> list[tuple[str, str, str]]:
    return [(f"junk-{n}", f"Clearance bin {n}", "<p>Nothing to see.</p>") for n in range(count)]


def test_a_document_is_cut_to_its_first_items_before_it_is_parsed() -> None:
    document = rss(item("orchard"), *junk(3000))
    cut = first_items(document, FEED_MAX_ITEMS_PER_POLL)
    assert cut is not None and len(cut) < len(document) / 5
    parsed = feedparser.parse(cut)
    assert not parsed.bozo and parsed.feed.title == "New releases"
    assert len(parsed.entries) == FEED_MAX_ITEMS_PER_POLL
    assert parsed.entries[0].id == "orchard" and parsed.entries[-1].id == "junk-498"
    assert first_items(rss(item("orchard")), FEED_MAX_ITEMS_PER_POLL) is None  # nothing to cut
    assert first_items(b"<html><p>not a feed", 10) is None


async def test_a_poll_reads_only_the_newest_items(
    db: Database, clock: Clock, poller: FeedPoller, server: FeedServer
) -> None:
    server.routes["big.rss"] = Route(rss(item("orchard"), *junk(3000)))
    feed = await store.add_feed(db, server.url("big.rss"), 1800, clock())
    report = await poller.poll(feed.id)
    assert report is not None and report.ok
    assert report.counts == {"imported": 1, "rejected": FEED_MAX_ITEMS_PER_POLL - 1}
    assert report.status == "200 (1 new, 499 rejected; the first 500 items read)"
    assert await count(db, "feed_items") == FEED_MAX_ITEMS_PER_POLL


async def test_a_feed_of_only_junk_is_a_failure_and_backs_off(
    db: Database, clock: Clock, poller: FeedPoller, server: FeedServer
) -> None:
    server.routes["junk.rss"] = Route(rss(*junk(3000)))
    feed = await store.add_feed(db, server.url("junk.rss"), 1800, clock())
    first = await poller.poll(feed.id)
    assert first is not None and not first.ok and first.failures == 1
    assert first.status == (
        "junk: no release listing among the 500 items read (the first ones of more)"
    )
    assert first.next_poll_at == clock.now + 3600
    clock.now = first.next_poll_at
    [second] = await poller.poll_due()  # the rejected items are remembered: no new work
    assert not second.ok and second.failures == 2 and second.outcomes == []
    assert second.next_poll_at == clock.now + 7200
    stored = await store.get_feed(db, feed.id)
    assert stored is not None and stored.needs_baseline and stored.last_status == second.status


async def test_the_feeds_commands_refuse_internal_addresses_and_print_safely(
    catalog_copy: Path, server: FeedServer
) -> None:
    async def cli(*args: str, env: dict[str, str] | None = None):
        result = await asyncio.to_thread(run_cli, "feeds", *args, db=catalog_copy, env=env)
        assert "Traceback" not in result.stderr, result.stderr
        assert "\x1b" not in result.stdout + result.stderr
        assert "\x07" not in result.stdout + result.stderr
        return result

    # The default: 127.0.0.1 and localhost are refused at once, and nothing is added.
    server.routes["releases.rss"] = Route(rss(item("lanterns")))
    local = await cli("add", server.url("releases.rss"))
    assert local.returncode == 2
    assert "refused: 127.0.0.1 is a private or local address" in local.stderr
    assert "FILMBOT_FETCH_ALLOW_HOSTS" in local.stderr
    by_name = await cli("add", server.url("releases.rss").replace("127.0.0.1", "localhost"))
    assert by_name.returncode == 2
    assert "refused: localhost resolves to a private or local address" in by_name.stderr
    assert "no feeds yet" in (await cli("list")).stdout
    assert server.requests == []

    secret = await cli("add", "https://ana:s3cret@shop.example/feed.rss")
    assert secret.returncode == 2 and "'https://***@shop.example/feed.rss'" in secret.stderr
    assert "s3cret" not in secret.stderr + secret.stdout

    # Escape sequences written as character references, in the feed's and an item's title.
    evil = rss(item("lanterns")).replace(
        b"<title>New releases</title>", b"<title>&#27;[2J&#27;]0;owned&#7;Evil releases</title>"
    )
    evil = evil.replace(b"<title>Lanterns", b"<title>&#27;[31mLanterns")
    server.routes["evil.rss"] = Route(evil)
    added = await cli("add", server.url("evil.rss"), env=LOCAL_ENV)
    assert added.returncode == 0, added.stderr
    # The sequences are removed whole (a cleared screen, a window title), the text kept.
    assert f"added feed #1 Evil releases ({server.url('evil.rss')})" in added.stdout
    assert "imported  Lanterns Over Kettle Bay (4K UHD)" in added.stdout
    assert "#1 Evil releases\n" in (await cli("list")).stdout

    # A feed whose URL holds credentials (stored before they were refused): printed
    # redacted, and not fetched.
    db = await open_database(catalog_copy)
    try:
        url = server.url("releases.rss").replace("//", "//ana:s3cret@")
        await store.add_feed(db, url, 1800, START)
    finally:
        await db.close()
    listed = await cli("list")
    shown = server.url("releases.rss").replace("//", "//***@")
    assert f"    {shown}" in listed.stdout and "s3cret" not in listed.stdout
    polled = await cli("poll", "2", env=LOCAL_ENV)
    assert polled.returncode == 1 and "s3cret" not in polled.stdout + polled.stderr
    assert f"feed #2 {shown}: failed (refused: the URL has credentials in it" in polled.stdout
