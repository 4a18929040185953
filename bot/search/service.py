"""The search indexes of a running bot: built or loaded off the event loop, kept current.

At start-up the title index is loaded from `<database>.search/` when its fingerprint
(counts and highest ids of titles, people and aliases) matches the database, else built
in a worker thread and saved for next time; the bot connects meanwhile, and commands
wait for `ready()`. After an import, `refresh()` indexes only the titles and names added
since (a small second index searched beside the big one), so new films are found at
once without a rebuild. `refresh_if_changed()` notices imports made by another process
(`filmbot import` while the bot runs) through SQLite's data_version.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import time
from pathlib import Path

from bot.models import NameEntry, TitleEntry
from bot.search.people import PersonIndex, PersonSearch
from bot.search.titles import TitleIndex, TitleSearch
from bot.store import search_data
from bot.store.db import Database

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
# How often (at most) a lookup asks SQLite whether another process changed the data.
CHANGE_CHECK_SECONDS = 2.0


def cache_dir_for(db_path: Path) -> Path | None:
    """Where the persisted index of this database lives (None for in-memory databases)."""
    if str(db_path) in ("", ":memory:"):
        return None
    return db_path.with_name(db_path.name + ".search")


class SearchService:
    def __init__(self, db: Database, cache_dir: Path | None) -> None:
        self.db = db
        self.cache_dir = cache_dir
        self._titles: TitleSearch | None = None
        self._people: PersonSearch | None = None
        self._main_titles: TitleIndex | None = None
        self._main_people: PersonIndex | None = None
        self._recent_titles: list[TitleEntry] = []
        self._recent_names: list[NameEntry] = []
        self._title_mark = 0
        self._name_marks = (0, 0)
        self._task: asyncio.Task[None] | None = None
        self._people_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._data_version: int | None = None
        self._checked_at = 0.0
        self.loaded_from_cache = False

    # -- start-up --------------------------------------------------------------------

    def start(self) -> None:
        """Begin building or loading in the background (idempotent)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._load())

    async def ready(self) -> None:
        """Wait until the indexes can answer; re-raises a failed build."""
        self.start()
        assert self._task is not None
        await asyncio.shield(self._task)

    @property
    def is_ready(self) -> bool:
        return self._titles is not None

    @property
    def titles(self) -> TitleSearch:
        if self._titles is None:
            raise RuntimeError("the search index is not ready yet; await ready() first")
        return self._titles

    async def people(self) -> PersonSearch:
        """The person search, built on first use (most chats never ask for a person)."""
        await self.ready()
        if self._people_task is None:
            self._people_task = asyncio.get_running_loop().create_task(self._load_people())
        await asyncio.shield(self._people_task)
        assert self._people is not None
        return self._people

    async def _load_people(self) -> None:
        started = time.perf_counter()
        async with self._lock:
            names, self._name_marks = await search_data.name_entries(self.db)
            self._main_people = await asyncio.to_thread(PersonIndex, names)
            self._people = PersonSearch([self._main_people])
        log.debug(
            "person index: %d people in %.2f s",
            self._main_people.size,
            time.perf_counter() - started,
        )

    async def _load(self) -> None:
        started = time.perf_counter()
        if await search_data.film_text_missing(self.db):
            count = await search_data.refresh_film_text(self.db)
            log.info("keyword index: filled for %d films (first start after upgrade)", count)
        fingerprint = await search_data.fingerprint(self.db)
        self._data_version = await search_data.data_version(self.db)
        index = await asyncio.to_thread(self._load_cached, fingerprint)
        if index is not None:
            self._main_titles, self._title_mark = index
            self.loaded_from_cache = True
            how = "loaded"
        else:
            entries, self._title_mark = await search_data.title_entries(self.db)
            log.log(
                logging.INFO if len(entries) > 100_000 else logging.DEBUG,
                "search index: building for %d titles…",
                len(entries),
            )
            self._main_titles = await asyncio.to_thread(TitleIndex.build, entries)
            await asyncio.to_thread(self._save_cached, fingerprint)
            how = "built"
        self._titles = TitleSearch([self._main_titles])
        log.debug(
            "search index: %s %d titles in %.2f s",
            how,
            self._main_titles.size,
            time.perf_counter() - started,
        )

    def _load_cached(self, fingerprint: str) -> tuple[TitleIndex, int] | None:
        if self.cache_dir is None or not (self.cache_dir / "meta.json").exists():
            return None
        try:
            meta = json.loads((self.cache_dir / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != CACHE_FORMAT or meta.get("fingerprint") != fingerprint:
                return None
            return TitleIndex.load(self.cache_dir), int(meta["title_mark"])
        except (OSError, ValueError, KeyError) as exc:
            log.warning("search index in %s unreadable (%s); rebuilding", self.cache_dir, exc)
            return None

    def _save_cached(self, fingerprint: str) -> None:
        if self.cache_dir is None or self._main_titles is None:
            return
        staging = self.cache_dir.with_name(self.cache_dir.name + ".tmp")
        try:
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            self._main_titles.save(staging)
            meta = {
                "format": CACHE_FORMAT,
                "fingerprint": fingerprint,
                "title_mark": self._title_mark,
            }
            (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            shutil.rmtree(self.cache_dir, ignore_errors=True)
            staging.rename(self.cache_dir)
        except OSError as exc:  # a read-only folder costs a rebuild next start, nothing more
            log.warning("could not save the search index to %s: %s", self.cache_dir, exc)
            shutil.rmtree(staging, ignore_errors=True)

    # -- staying current -------------------------------------------------------------

    async def refresh(self) -> int:
        """Index titles and names added since the last look; returns how many."""
        await self.ready()
        async with self._lock:
            titles, self._title_mark = await search_data.title_entries(self.db, self._title_mark)
            names: list[NameEntry] = []
            if self._main_people is not None:
                names, self._name_marks = await search_data.name_entries(self.db, self._name_marks)
            if titles:
                self._recent_titles.extend(titles)
                assert self._main_titles is not None
                recent = TitleIndex.build(self._recent_titles, self._main_titles.scale)
                self._titles = TitleSearch([self._main_titles, recent])
            if names:
                self._recent_names.extend(names)
                assert self._main_people is not None
                self._people = PersonSearch([self._main_people, PersonIndex(self._recent_names)])
            self._data_version = await search_data.data_version(self.db)
            if titles or names:
                log.info("search index: added %d titles and %d names", len(titles), len(names))
            return len(titles) + len(names)

    async def refresh_if_changed(self) -> None:
        """Refresh when another connection committed since the last look (throttled)."""
        now = time.monotonic()
        if not self.is_ready or now - self._checked_at < CHANGE_CHECK_SECONDS:
            return
        self._checked_at = now
        if await search_data.data_version(self.db) != self._data_version:
            await self.refresh()
