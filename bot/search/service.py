"""The search indexes of a running bot: built or loaded off the event loop, kept current.

At start-up the title index is loaded from `<database>.search/` when its fingerprint
(counts and highest ids of titles, people and aliases) matches the database, else built
in a worker thread and saved for next time; the bot connects meanwhile, and commands
wait for `ready()`. The person index is loaded (or built and saved, in `people/` of the
same folder, with a fingerprint of its own: people, aliases and credits) on first use. After an import, `refresh()` indexes only the titles and names added
since (a small second index searched beside the big one), so new films are found at
once without a rebuild. `refresh_if_changed()`, called before lookups, notices writes by
this connection and by other processes (`filmbot import` while the bot runs, through
SQLite's data_version). On PostgreSQL each process also LISTENs on `filmbot_changes`
(fired by triggers when titles or people change) and refreshes in the background as soon
as another process commits; the check before lookups stays as the fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

from bot.models import NameEntry
from bot.search.people import PersonIndex, PersonSearch
from bot.search.titles import TitleIndex, TitleSearch
from bot.store import search_data
from bot.store.db import Database

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
CACHE_FILE_MODE = 0o600
CACHE_DIR_MODE = 0o700
# The NOTIFY channel writes to titles and people fire (PostgreSQL, migration 0011).
CHANGES_CHANNEL = "filmbot_changes"
# How often (at most) a lookup asks SQLite whether another process changed the data.
CHANGE_CHECK_SECONDS = 2.0
# Past this many re-indexed films the side index is folded into a full rebuild.
REBUILD_AFTER_FILMS = 20_000
# The same for names (people and aliases) added since the person index was built.
REBUILD_AFTER_NAMES = 20_000
# The person index's folder inside the title index's.
PEOPLE_FOLDER = "people"


def cache_dir_for(db_path: Path | None) -> Path | None:
    """Where the persisted index of this database lives (None for in-memory databases,
    and for a PostgreSQL database given no local path)."""
    if db_path is None or str(db_path) in ("", ":memory:"):
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
        self._recent_films: set[int] = set()
        self._recent_names: list[NameEntry] = []
        self._change_mark = 0
        self._name_marks = (0, 0)
        self._task: asyncio.Task[None] | None = None
        self._people_task: asyncio.Task[None] | None = None
        self._rebuild_task: asyncio.Task[None] | None = None
        self._people_rebuild_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._data_version: int | None = None
        self._own_changes = 0
        self._checked_at = 0.0
        self._listening = False
        self._notified = False
        self._notify_task: asyncio.Task[None] | None = None
        self.notified_refreshes = 0  # refreshes a NOTIFY started (tests, logs)
        self.loaded_from_cache = False
        self.people_loaded_from_cache = False

    # -- start-up --------------------------------------------------------------------

    def start(self) -> None:
        """Begin building or loading in the background (idempotent)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._load())

    async def ready(self) -> None:
        """Wait until the indexes can answer. A failed build raises here and is tried
        again by the next caller (the database may have been fixed meanwhile)."""
        if self._task is not None and self._task.done() and not self.is_ready:
            self._task = None
        self.start()
        assert self._task is not None
        await asyncio.shield(self._task)

    @property
    def busy(self) -> bool:
        """True while a build or load is still running in the background."""
        tasks = (self._task, self._people_task, self._rebuild_task, self._people_rebuild_task)
        return any(t is not None and not t.done() for t in tasks)

    @property
    def is_ready(self) -> bool:
        return self._titles is not None

    @property
    def titles(self) -> TitleSearch:
        if self._titles is None:
            raise RuntimeError("the search index is not ready yet; await ready() first")
        return self._titles

    @property
    def people_ready(self) -> bool:
        return self._people is not None

    def start_people(self) -> None:
        """Start building the person index in the background, if nobody has yet."""
        idle = self._people_task is None or self._people_task.done()
        if self.is_ready and idle and self._people is None:
            self._people_task = asyncio.get_running_loop().create_task(self._load_people())

    async def people(self) -> PersonSearch:
        """The person search, built on first use (most chats never ask for a person)."""
        await self.ready()
        if self._people_task is not None and self._people_task.done() and self._people is None:
            self._people_task = None  # the last try failed: try again
        if self._people_task is None:
            self._people_task = asyncio.get_running_loop().create_task(self._load_people())
        await asyncio.shield(self._people_task)
        assert self._people is not None
        return self._people

    async def _load_people(self) -> None:
        started = time.perf_counter()
        async with self._lock:
            fingerprint = await search_data.people_fingerprint(self.db)
            cached = await asyncio.to_thread(self._load_people_cached, fingerprint)
            self.people_loaded_from_cache = cached is not None
            if cached is None:
                cached = await self._build_people(fingerprint)
            self._main_people, self._name_marks = cached
            self._recent_names = []
            self._people = PersonSearch([self._main_people])
        log.debug(
            "person index: %s %d people in %.2f s",
            "loaded" if self.people_loaded_from_cache else "built",
            self._main_people.size,
            time.perf_counter() - started,
        )

    async def _build_people(self, fingerprint: str) -> tuple[PersonIndex, tuple[int, int]]:
        """Every name read and indexed, then saved: the fingerprint is read before the
        names, so a write landing in between only costs the next process a rebuild."""
        names, marks = await search_data.name_entries(self.db)
        index = await asyncio.to_thread(PersonIndex.build, names)
        await asyncio.to_thread(self._save_people_cached, index, fingerprint, marks)
        return index, marks

    def _people_dir(self) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / PEOPLE_FOLDER

    def _load_people_cached(self, fingerprint: str) -> tuple[PersonIndex, tuple[int, int]] | None:
        folder = self._people_dir()
        if folder is None or not (folder / "meta.json").exists():
            return None
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != CACHE_FORMAT or meta.get("fingerprint") != fingerprint:
                return None
            person_mark, alias_mark = (int(m) for m in meta["marks"])
            return PersonIndex.load(folder), (person_mark, alias_mark)
        except Exception as exc:  # any damage means: build it again
            log.warning("person index in %s unreadable (%r); rebuilding", folder, exc)
            return None

    def _save_people_cached(
        self, index: PersonIndex, fingerprint: str, marks: tuple[int, int]
    ) -> None:
        """Like the title index: a private staging folder swapped in whole."""
        folder = self._people_dir()
        if folder is None or self.cache_dir is None:
            return
        staging: Path | None = None
        try:
            self.cache_dir.mkdir(mode=CACHE_DIR_MODE, parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".people-", dir=self.cache_dir))
            index.save(staging)
            meta = {"format": CACHE_FORMAT, "fingerprint": fingerprint, "marks": list(marks)}
            (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            for file in staging.rglob("*"):
                file.chmod(CACHE_DIR_MODE if file.is_dir() else CACHE_FILE_MODE)
            shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
        except OSError as exc:  # a rebuild on first use next time, nothing more
            log.warning("could not save the person index to %s: %s", folder, exc)
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)

    async def _load(self) -> None:
        started = time.perf_counter()
        await self._listen()
        if await search_data.film_text_missing(self.db):
            count = await search_data.refresh_film_text(self.db)
            log.info("keyword index: filled for %d films (first start after upgrade)", count)
        # Read every marker before the data, so a write landing in between is seen later.
        mark = await search_data.change_mark(self.db)
        fingerprint = await search_data.fingerprint(self.db, mark)
        self._data_version = await search_data.data_version(self.db)
        self._own_changes = self.db.total_changes()
        index = await asyncio.to_thread(self._load_cached, fingerprint)
        if index is not None:
            self._main_titles = index
            self.loaded_from_cache = True
            how = "loaded"
        else:
            self._main_titles = await self._build_main(fingerprint)
            how = "built"
        self._change_mark = mark
        self._titles = TitleSearch([self._main_titles])
        if self._notified:  # a change committed while loading
            self._refresh_soon()
        log.log(
            logging.INFO if self._main_titles.size > 100_000 else logging.DEBUG,
            "search index: %s %d titles in %.2f s",
            how,
            self._main_titles.size,
            time.perf_counter() - started,
        )

    async def _build_main(self, fingerprint: str) -> TitleIndex:
        entries = await search_data.title_entries(self.db)
        log.log(
            logging.INFO if len(entries) > 100_000 else logging.DEBUG,
            "search index: building for %d titles…",
            len(entries),
        )
        index = await asyncio.to_thread(TitleIndex.build, entries)
        await asyncio.to_thread(self._save_cached, index, fingerprint)
        return index

    def _load_cached(self, fingerprint: str) -> TitleIndex | None:
        if self.cache_dir is None or not (self.cache_dir / "meta.json").exists():
            return None
        try:
            meta = json.loads((self.cache_dir / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != CACHE_FORMAT or meta.get("fingerprint") != fingerprint:
                return None
            return TitleIndex.load(self.cache_dir)
        except Exception as exc:  # any damage means: build it again
            log.warning("search index in %s unreadable (%r); rebuilding", self.cache_dir, exc)
            return None

    def _save_cached(self, index: TitleIndex, fingerprint: str) -> None:
        """Write into a private staging folder, then swap it in: readers never see a half."""
        if self.cache_dir is None:
            return
        staging: Path | None = None
        try:
            self.cache_dir.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".search-", dir=self.cache_dir.parent))
            index.save(staging)
            meta = {"format": CACHE_FORMAT, "fingerprint": fingerprint}
            (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            # Like the database, readable by its owner only (the folder is mkdtemp's 0700).
            for file in staging.rglob("*"):
                file.chmod(CACHE_DIR_MODE if file.is_dir() else CACHE_FILE_MODE)
            with contextlib.suppress(OSError):  # the person index, checked on its own
                (self.cache_dir / PEOPLE_FOLDER).rename(staging / PEOPLE_FOLDER)
            shutil.rmtree(self.cache_dir, ignore_errors=True)
            staging.rename(self.cache_dir)
        except OSError as exc:  # a read-only folder costs a rebuild next start, nothing more
            log.warning("could not save the search index to %s: %s", self.cache_dir, exc)
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)

    async def close(self) -> None:
        """Stop a build still running (the bot is shutting down before it finished).

        A build already inside its worker thread runs on there until done; asyncio.run
        waits for worker threads when the loop closes."""
        tasks = (self._task, self._people_task, self._rebuild_task, self._people_rebuild_task)
        for task in (*tasks, self._notify_task):
            if task is not None and not task.done():
                task.cancel()
                await asyncio.wait([task])

    # -- staying current -------------------------------------------------------------

    async def refresh(self) -> int:
        """Re-index the films whose titles, year or editions changed, and people added,
        since the last look; returns how many films and names that was.

        The markers are read before the data and kept only once everything succeeded,
        so a refresh that fails is simply done again by the next one."""
        await self.ready()
        async with self._lock:
            mark = await search_data.change_mark(self.db)
            data_version = await search_data.data_version(self.db)
            own_changes = self.db.total_changes()
            films = await search_data.changed_films(self.db, self._change_mark, mark)
            names: list[NameEntry] = []
            name_marks = self._name_marks
            if self._main_people is not None:
                names, name_marks = await search_data.name_entries(self.db, self._name_marks)
            assert self._main_titles is not None
            if films:
                recent_films = self._recent_films | films
                entries = await search_data.title_entries(self.db, recent_films)
                recent = await asyncio.to_thread(TitleIndex.build, entries, self._main_titles.scale)
                self._titles = TitleSearch([self._main_titles, recent], recent_films)
                self._recent_films = recent_films
                if len(recent_films) > REBUILD_AFTER_FILMS and self._rebuild_task is None:
                    # The side index grew big: rebuild the main one in the background
                    # while this one keeps answering.
                    self._rebuild_task = asyncio.get_running_loop().create_task(self._rebuild(mark))
            if names:
                assert self._main_people is not None
                recent_names = [*self._recent_names, *names]
                recent_people = await asyncio.to_thread(PersonIndex.build, recent_names)
                self._people = PersonSearch([self._main_people, recent_people])
                self._recent_names = recent_names
                if len(recent_names) > REBUILD_AFTER_NAMES and self._people_rebuild_task is None:
                    self._people_rebuild_task = asyncio.get_running_loop().create_task(
                        self._rebuild_people()
                    )
            self._change_mark, self._name_marks = mark, name_marks
            self._data_version, self._own_changes = data_version, own_changes
            if films or names:
                log.info("search index: re-indexed %d films and %d names", len(films), len(names))
            return len(films) + len(names)

    async def _rebuild(self, mark: int) -> None:
        """A new main index as of `mark`; films changed since stay in the side index."""
        try:
            fingerprint = await search_data.fingerprint(self.db, mark)
            main = await self._build_main(fingerprint)
            async with self._lock:
                later = await search_data.changed_films(self.db, mark, self._change_mark)
                parts = [main]
                if later:
                    entries = await search_data.title_entries(self.db, later)
                    parts.append(await asyncio.to_thread(TitleIndex.build, entries, main.scale))
                self._main_titles, self._recent_films = main, later
                self._titles = TitleSearch(parts, later)
            log.info("search index: rebuilt with %d titles", main.size)
        except Exception:
            log.exception("search index: background rebuild failed; the side index goes on")
        finally:
            self._rebuild_task = None

    async def _rebuild_people(self) -> None:
        """A new main person index (saved), and a side index of names added since."""
        try:
            fingerprint = await search_data.people_fingerprint(self.db)
            main, marks = await self._build_people(fingerprint)
            async with self._lock:
                later, marks = await search_data.name_entries(self.db, marks)
                parts = [main]
                if later:
                    parts.append(await asyncio.to_thread(PersonIndex.build, later))
                self._main_people, self._recent_names, self._name_marks = main, later, marks
                self._people = PersonSearch(parts)
            log.info("person index: rebuilt with %d people", main.size)
        except Exception:
            log.exception("person index: background rebuild failed; the side index goes on")
        finally:
            self._people_rebuild_task = None

    async def _listen(self) -> None:
        """LISTEN for other processes' changes (PostgreSQL); a failure leaves polling."""
        if self._listening:
            return
        try:
            self._listening = await self.db.listen(CHANGES_CHANNEL, self._on_change)
        except Exception as exc:
            log.warning("search index: cannot LISTEN for changes (%s); polling instead", exc)

    def _on_change(self, payload: str) -> None:
        """A NOTIFY: refresh in the background (one at a time; a notification arriving
        during a refresh starts another after it)."""
        self._notified = True
        if self.is_ready:
            self._refresh_soon()

    def _refresh_soon(self) -> None:
        if self._notify_task is None or self._notify_task.done():
            self._notify_task = asyncio.get_running_loop().create_task(self._refresh_notified())

    async def _refresh_notified(self) -> None:
        while self._notified:
            self._notified = False
            try:
                await self.refresh()
                self.notified_refreshes += 1
            except Exception as exc:  # the poll before the next lookup tries again
                log.warning("search index: refresh after a change notice failed: %s", exc)
                return

    async def refresh_if_changed(self) -> None:
        """Refresh when anything was written since the last look: by this connection (an
        import inside the bot) or by another one (`filmbot import`). Checked at most every
        CHANGE_CHECK_SECONDS; a refresh that finds nothing new costs two indexed queries."""
        now = time.monotonic()
        if not self.is_ready or now - self._checked_at < CHANGE_CHECK_SECONDS:
            return
        self._checked_at = now
        if self.db.in_transaction:
            return  # an import still writing: look again once it committed
        ours = self.db.total_changes()
        if ours != self._own_changes or (
            await search_data.data_version(self.db) != self._data_version
        ):
            await self.refresh()
