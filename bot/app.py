"""Start-up shared by every entry point: open the database, build it once, load the core."""

from __future__ import annotations

import logging
import sys

from bot.config import Settings
from bot.core.engine import Core
from bot.importers.catalog import build_catalog
from bot.importers.documents.importer import import_bundled_documents
from bot.store import open_database

log = logging.getLogger(__name__)


async def start_core(settings: Settings, *, progress: bool | None = None) -> Core:
    """Open (and migrate) the database, import the bundled catalog on first use, load search.

    Later starts find the catalog current and skip the import in milliseconds.
    """
    db = await open_database(settings.db_path)
    try:
        report = await build_catalog(db, progress=progress)
        if not report.skipped:
            print(f"filmbot: {report.summary()} into {settings.db_path}", file=sys.stderr)
        for outcome in await import_bundled_documents(db):
            if outcome.status != "unchanged":
                print(f"filmbot: bundled document {outcome.line()}", file=sys.stderr)
        # The search index loads or builds in the background; commands wait for it.
        return await Core.load(db, wait=False)
    except BaseException:
        await db.close()
        raise


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
