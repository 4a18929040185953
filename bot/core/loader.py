"""A ready core on a database: the search index started and every command registered."""

from __future__ import annotations

from bot.core.answers import COMMANDS
from bot.core.engine import Core
from bot.search import SearchService, cache_dir_for
from bot.store.db import Database


async def load_core(db: Database, *, wait: bool = True) -> Core:
    """A core on this database. The search index is loaded or built in the background;
    with `wait` this returns once it is ready, else commands wait for it."""
    search = SearchService(db, cache_dir_for(db.path))
    search.start()
    if wait:
        await search.ready()
    return Core(db, search, COMMANDS)
