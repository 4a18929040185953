"""Start-up shared by every entry point: open the database, build it once, load the core."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from bot import logsafety
from bot.announce.service import AnnouncementService
from bot.config import Settings
from bot.core.engine import Core
from bot.core.loader import load_core
from bot.importers.catalog import build_catalog
from bot.importers.documents.importer import ImportStopped, import_bundled_documents
from bot.store import open_database

log = logging.getLogger(__name__)


async def start_core(settings: Settings, *, progress: bool | None = None) -> Core:
    """Open (and migrate) the database, import the bundled catalog on first use, load search.

    Later starts find the catalog current and skip the import in milliseconds.
    """
    db = await open_database(settings.database, local_path=settings.db_path)
    try:
        report = await build_catalog(db, progress=progress)
        if not report.skipped:
            print(f"filmbot: {report.summary()} into {settings.database_label}", file=sys.stderr)
        try:
            outcomes = await import_bundled_documents(db)
        except ImportStopped as stopped:  # a read-only database: the bot answers all the same
            outcomes = stopped.outcomes
            print(f"filmbot: bundled documents not imported: {stopped.reason}", file=sys.stderr)
        for outcome in outcomes:
            if outcome.status != "unchanged":
                print(f"filmbot: bundled document {outcome.line()}", file=sys.stderr)
        # The search index loads or builds in the background; commands wait for it.
        return await load_core(db, wait=False)
    except BaseException:
        await db.close()
        raise


def setup_logging(level: str, secrets: Iterable[str | None] = ()) -> None:
    """Log to stderr at `level`, with `secrets` (the configured tokens and password) and
    every token shape redacted from every record of every logger (`bot.logsafety`)."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for secret in secrets:
        logsafety.register_secret(secret)
    logsafety.install()


@asynccontextmanager
async def announcing(
    core: Core, settings: Settings, *, announcer_options: dict | None = None
) -> AsyncIterator[AnnouncementService]:
    """Release announcements and feeds while the bot runs: the outbox is planned on a
    schedule, feeds are polled, and each platform delivers once it connects (its adapter
    attaches a sender). Everything is stopped on exit."""
    from bot.feeds.poller import FeedPoller  # aiohttp and feedparser: only when running

    service = AnnouncementService(
        core.db,
        timezone=ZoneInfo(settings.announce_timezone),
        announcer_options=announcer_options,
    )
    core.announcements = service
    core.today = service.today  # 'upcoming' and 'recent' in the same time zone

    async def imported() -> None:
        service.wake()

    poller = FeedPoller(core.db, on_imported=imported, allow_hosts=settings.fetch_allow_hosts)
    stop_feeds = asyncio.Event()
    tasks = [
        asyncio.create_task(service.run(), name="announce-plan"),
        asyncio.create_task(poller.run(stop_feeds), name="feeds"),
    ]
    try:
        yield service
    finally:
        stop_feeds.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await poller.close()
        core.announcements = None
