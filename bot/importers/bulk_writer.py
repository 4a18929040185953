"""The writer process of a big bulk import: it holds the import's one transaction and
writes the row batches the importing process sends, while that process reads, matches
and prepares the next batch.

Why a process: SQLite writes a row in some ten microseconds on a small machine and a
million-film import queues some fifteen million rows; preparing them is as much Python
work again. A thread would not help (the sqlite3 module binds every row holding the
GIL, so two threads take turns); two processes use two cores.

The protocol is a pipe of pickled messages, answered in order:

    ("source", request, rebuild)-> ("ok", source id or None)    BEGIN IMMEDIATE, the source
    ("names", table, [names])   -> ("ok", {folded name: id})
    ("rows", batch)             -> (no answer: an error is sent instead, and the writer stops)
    ("finish", touched or None) -> ("ok", None)                  indexes, the keyword text
    ("done",)                   -> ("ok", peak RSS MiB)          COMMIT
    anything else, or the pipe closed                             ROLLBACK

Only `bot.store` functions touch the database, in the writer as anywhere. Nothing is
committed unless the importing process asks for it after everything was written; if
either process fails, the transaction is rolled back and the database is as it was.
The writer's connection does not check foreign keys (see `skip_foreign_key_checks`):
the importing process read every id it refers to under the writer's lock, or writes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import subprocess
import sys
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.importers.bulk_source import BatchWriter, SourceRequest, begin_source
from bot.store import DatabaseBusyError, DatabaseWriteError, open_database
from bot.store import bulk_films as store
from bot.store.catalog_writes import NameTable
from bot.store.search_data import write_film_text

_ERRORS: dict[str, type[Exception]] = {
    "DatabaseWriteError": DatabaseWriteError,
    "DatabaseBusyError": DatabaseBusyError,
}


class WriterError(RuntimeError):
    """The writer process failed (the message says how); nothing was committed."""


class ProcessWriter(BatchWriter):
    """The importing side: `async with ProcessWriter(path) as writer:` starts the writer
    process; leaving the block without `commit()` (or with an exception) rolls back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.peak_mib = 0.0
        self._to: Connection | None = None
        self._from: Connection | None = None
        self._process: subprocess.Popen[bytes] | None = None

    async def __aenter__(self) -> ProcessWriter:
        # A fresh interpreter on two pipes (not multiprocessing's spawn, which would run
        # the caller's main script again in the child).
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(self.path), str(down_read), str(up_write)],
                pass_fds=(down_read, up_write),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(down_read)
            os.close(up_write)
        self._to = Connection(down_write, readable=False)
        self._from = Connection(up_read, writable=False)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for pipe in (self._to, self._from):
            if pipe is not None:
                pipe.close()  # the writer rolls back whatever it has not committed
        self._to = self._from = None
        process = self._process
        if process is not None:
            try:
                await asyncio.to_thread(process.wait, 120)
            except subprocess.TimeoutExpired:
                process.kill()
                await asyncio.to_thread(process.wait)

    async def _ask(self, message: tuple[Any, ...]) -> Any:
        self._send(message)
        return await self._answer()

    def _send(self, message: tuple[Any, ...]) -> None:
        if self._live(self._from).poll():  # the writer stopped on an error meanwhile
            self._raise(self._last_word())
        try:
            self._live(self._to).send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            self._raise(self._last_word())

    async def _answer(self) -> Any:
        conn = self._live(self._from)
        try:
            # Waiting for the writer (a COMMIT, the keyword text) off the event loop.
            reply = await asyncio.to_thread(conn.recv)
        except (EOFError, ConnectionResetError):
            raise WriterError("the import's writer process stopped unexpectedly") from None
        if reply[0] != "ok":
            self._raise(reply)
        return reply[1]

    def _last_word(self) -> tuple[Any, ...]:
        conn = self._live(self._from)
        try:
            return conn.recv() if conn.poll(5) else ("error", "WriterError", "no answer")
        except (EOFError, ConnectionResetError):
            return ("error", "WriterError", "the import's writer process stopped")

    @staticmethod
    def _live(pipe: Connection | None) -> Connection:
        if pipe is None:
            raise WriterError("the import's writer process is not running")
        return pipe

    @staticmethod
    def _raise(reply: tuple[Any, ...]) -> None:
        _, kind, message = reply
        raise _ERRORS.get(kind, WriterError)(message)

    async def begin(self, request: SourceRequest, *, rebuild_indexes: bool = False) -> int | None:
        """The source's id under the writer's lock (None: imported already). With
        `rebuild_indexes` (an import that will at least double what the tables hold) the
        writer sets the indexes of the tables it fills aside and builds them again, sorted,
        before it commits."""
        return await self._ask(("source", request, rebuild_indexes))

    async def names(self, table: NameTable, names: list[str]) -> dict[str, int]:
        return await self._ask(("names", table, names))

    async def rows(self, batch: store.Batch) -> None:
        self._send(("rows", batch))

    async def finish(self, touched: Iterable[int] | None) -> None:
        await self._ask(("finish", None if touched is None else list(touched)))

    async def commit(self) -> None:
        self.peak_mib = await self._ask(("done",))


# --- the writer process ----------------------------------------------------------------------


def main(argv: list[str]) -> int:
    """The writer process: `python -m bot.importers.bulk_writer DB READ_FD WRITE_FD`;
    serve the pipes until the importing process says done, else roll back."""
    path, down, up = argv
    inbox = Connection(int(down), writable=False)
    outbox = Connection(int(up), readable=False)
    try:
        asyncio.run(_serve_async(inbox, outbox, Path(path)))
    except _Stop:
        return 0
    except BaseException as exc:  # reported to the importing process, which raises it
        with contextlib.suppress(OSError):
            outbox.send(("error", type(exc).__name__, str(exc) or repr(exc)))
        return 1
    finally:
        inbox.close()
        outbox.close()
    return 0


class _Stop(Exception):
    """The importing process closed the pipe or gave up: roll back."""


def _receive(conn: Connection) -> tuple[Any, ...]:
    try:
        return conn.recv()
    except (EOFError, ConnectionResetError, OSError):
        raise _Stop from None


async def _serve_async(inbox: Connection, conn: Connection, path: Path) -> None:
    db = await open_database(path, upgrade=False)
    try:
        # Every id a batch holds was read under this process's write lock or is a row
        # of the same import: checking each reference would cost a third of the time.
        # (The tests check the references of imports written this way.)
        await store.skip_foreign_key_checks(db)
        async with db.transaction() as tx:
            message = _receive(inbox)
            if message[0] != "source":
                raise _Stop
            source_id = await begin_source(tx, message[1])
            if source_id is None:
                conn.send(("ok", None))
                return
            aside = await store.set_indexes_aside(tx) if message[2] else []
            conn.send(("ok", source_id))
            while True:
                message = _receive(inbox)
                kind = message[0]
                if kind == "rows":
                    await store.write_rows(tx, message[1])
                elif kind == "names":
                    conn.send(("ok", await store.add_names(tx, message[1], message[2])))
                elif kind == "finish":
                    await store.restore_indexes(tx, aside)
                    await write_film_text(tx, message[1])
                    conn.send(("ok", None))
                elif kind == "done":
                    break
                else:
                    raise _Stop
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send(("ok", peak))
    finally:
        await db.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
