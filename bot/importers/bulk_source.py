"""What a bulk film import writes as, and where its writes go.

`BulkSource` names a source (IMDb's datasets, a Wikidata query's result) and how its ids
key films and people; `SourceRequest` is one import of it (its files' hash). A merge
(`film_bulk.BulkMerger`) writes through a `BatchWriter`: `LocalWriter` in the caller's
transaction, or the writer process of a big import (`bulk_writer.ProcessWriter`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.store import bulk_films as store
from bot.store.bulk_films import Batch, Scope
from bot.store.catalog_writes import NameTable, add_source
from bot.store.db import Transaction
from bot.store.search_data import write_film_text


@dataclass(frozen=True)
class BulkSource:
    """What a bulk source is called and how its ids key films and people."""

    name: str  # the source's name on cards: 'IMDb datasets'
    uri: str  # one source row per uri: a newer download renews it
    prefix: str  # of its films' and people's keys: 'imdb:'
    scope: Scope  # which catalog films a row may match by title
    by_key: bool  # catalog films may carry its keys (the bundled Wikidata films do)


# Page cache while an import writes. A 700,000-film import grows the database by a
# gigabyte; with 512 MiB SQLite spills pages mid-transaction and re-reads them, and the
# writing takes twice as long; 640 MiB holds the pages it keeps coming back to.
BUILD_CACHE_MIB = 640


class BatchWriter:
    """Where a merge's writes go: the source row, genre and country names, row batches,
    the keyword text. `LocalWriter` writes in this process's transaction; the writer
    process (`bulk_writer.ProcessWriter`) in its own."""

    async def begin(self, request: SourceRequest) -> int | None:
        raise NotImplementedError

    async def names(self, table: NameTable, names: list[str]) -> dict[str, int]:
        raise NotImplementedError

    async def rows(self, batch: Batch) -> None:
        raise NotImplementedError

    async def finish(self, touched: Iterable[int] | None) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class SourceRequest:
    """The source an import writes as: its files' hash, what to record about them."""

    source: BulkSource
    sha256: str
    meta: dict[str, object]
    title: str
    force: bool


async def begin_source(tx: Transaction, request: SourceRequest) -> int | None:
    """Under the write lock: the source's id, or None when these very files were its
    last import and not `force`. A newer version of the source (another hash) replaces
    the claims of the older one: its facts are removed, to be written as the newer files
    say. Foreign keys are checked at COMMIT, as the catalog build does."""
    source = request.source
    previous = await store.import_source(tx, source.uri)
    if previous is not None and previous[1] == request.sha256 and not request.force:
        return None
    await tx.defer_foreign_keys()
    await tx.large_cache(BUILD_CACHE_MIB)
    if previous is None:
        return await add_source(
            tx,
            kind="catalog",
            name=source.name,
            uri=source.uri,
            sha256=request.sha256,
            meta=request.meta,
            title=request.title,
        )
    if previous[1] != request.sha256:
        await store.forget_facts(tx, previous[0])
        await store.renew_source(tx, previous[0], sha256=request.sha256, meta=request.meta)
    return previous[0]


class LocalWriter(BatchWriter):
    """Writes in the caller's transaction."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    async def begin(self, request: SourceRequest) -> int | None:
        return await begin_source(self.tx, request)

    async def names(self, table: NameTable, names: list[str]) -> dict[str, int]:
        return await store.add_names(self.tx, table, names)

    async def rows(self, batch: Batch) -> None:
        await store.write_rows(self.tx, batch)

    async def finish(self, touched: Iterable[int] | None) -> None:
        await write_film_text(self.tx, touched)
