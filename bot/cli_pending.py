"""`filmbot pending`: the documents the importer would not guess about, settled by a person.

filmbot pending list                   # what waits, and why
filmbot pending show N                 # one document: reason, candidate films, its text
filmbot pending accept N [--film ID]   # import it (onto that film, else the best candidate)
filmbot pending reject N               # set it aside; nothing from it is written

Exit codes: 0 done; 1 no such pending document, one settled already, a --film that is
not a film of the catalog, or an accepted document the import then rejected; 2 the
database could not take the change (read-only, disk full, locked too long).

Names, titles, reasons and the document's text come from documents and web pages: they
are printed through `bot.terminal`.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.importers.catalog import build_catalog
from bot.importers.documents.importer import import_document
from bot.importers.documents.model import DocumentError
from bot.importers.documents.reader import decode_document
from bot.kinds import KINDS, kind_words
from bot.store import DatabaseBusyError, DatabaseWriteError, open_database
from bot.store.db import Database
from bot.store.films import film_summaries
from bot.store.pending import (
    WAITING,
    PendingDocument,
    PendingError,
    get_pending,
    list_pending,
    settle_pending,
)
from bot.terminal import one_line, terminal_safe

SHOW_LINES = 80  # of a document's text, in `show`
SHOW_LINE_CHARS = 300  # a longer line is cut (a page copied as one long line)
# Tags that make a text an HTML page rather than a page's text.
_HTML = re.compile(r"<\s*(?:!doctype\s+html|html|head|body)\b", re.I)


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    pending = sub.add_parser(
        "pending",
        parents=[common],
        help="documents waiting for you to settle them: list, show, accept, reject",
        description="When `filmbot import` cannot tell which film a document is about, or "
        "what kind of document it is, nothing from it is written: it waits here until you "
        "accept it (it is imported then) or reject it.",
    )
    actions = pending.add_subparsers(dest="pending_command", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[common], help="the waiting documents and why they wait")
    show = actions.add_parser(
        "show", parents=[common], help="one document: why it waits, candidate films, its text"
    )
    show.add_argument("pending_id", type=int, metavar="N")
    accept = actions.add_parser(
        "accept",
        parents=[common],
        help="import the document: onto --film, else its best candidate, else as a new film",
    )
    accept.add_argument("pending_id", type=int, metavar="N")
    accept.add_argument(
        "--film", type=int, default=None, metavar="ID", help="the catalog film it is about"
    )
    accept.add_argument(
        "--kind",
        choices=KINDS,
        default=None,
        help="the document's kind, when that is what was unsure",
    )
    reject = actions.add_parser(
        "reject", parents=[common], help="set the document aside; nothing from it is written"
    )
    reject.add_argument("pending_id", type=int, metavar="N")


def _age(created_at: str, now: datetime) -> str:
    """How long ago an ISO time ('2024-05-01T10:00:00Z') was, in rough words."""
    try:
        then = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return one_line(created_at)
    minutes = max(0, round((now - then).total_seconds() / 60))
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h ago"
    return f"{hours // 24} days ago"


def _kind(doc: PendingDocument) -> str:
    return kind_words(doc.kind) if doc.kind else "kind unsure"


def _candidates_line(doc: PendingDocument) -> str:
    if not doc.candidates:
        return "none in the catalog"
    return "; ".join(f"{one_line(c.label)} (film {c.film_id})" for c in doc.candidates)


async def _list(db: Database) -> int:
    waiting = await list_pending(db)
    if not waiting:
        print("nothing is waiting")
        return 0
    now = datetime.now(UTC)
    for doc in waiting:
        print(f"#{doc.id} {one_line(doc.name)} ({_kind(doc)}, {_age(doc.created_at, now)})")
        if doc.title:
            print(f"    seems to be about: {one_line(doc.title)}")
        print(f"    waits because: {one_line(doc.reason)}")
        print(f"    candidates: {_candidates_line(doc)}")
    count = len(waiting)
    print(
        f"{count} document{'s' if count != 1 else ''} waiting; "
        "`filmbot pending show N` to read one, then accept or reject it"
    )
    return 0


def _text_lines(raw: bytes) -> tuple[list[str], str | None]:
    """The document's lines as the importer reads them, or ([], a note why not shown)."""
    try:
        text = decode_document(raw)
    except DocumentError as exc:
        if _HTML.search(raw[:4000].decode("utf-8", "replace")):
            return [], "an HTML page: the importer reads its main content, not shown here"
        return [], f"not shown: {exc.reason}"
    if _HTML.search(text[:4000]):
        return [], "an HTML page: the importer reads its main content, not shown here"
    return text.split("\n"), None


def _show_text(raw: bytes) -> None:
    lines, note = _text_lines(raw)
    if note is not None:
        print(f"\n({note}; {len(raw):,} bytes)")
        return
    while lines and not lines[-1].strip():
        lines.pop()
    shown = lines[:SHOW_LINES]
    more = f", the first {SHOW_LINES} shown" if len(lines) > SHOW_LINES else ""
    print(f"\n--- the document as the importer reads it ({len(lines)} lines{more}) ---")
    for line in shown:
        line = terminal_safe(line).replace("\t", "    ")
        if len(line) > SHOW_LINE_CHARS:
            line = line[:SHOW_LINE_CHARS] + " …"
        print(line)
    if more:
        print(f"--- {len(lines) - SHOW_LINES} more lines ---")


async def _film_label(db: Database, film_id: int | None) -> str:
    if film_id is None:
        return "(a film since removed)"
    films = await film_summaries(db, [film_id])
    return (
        f"{one_line(films[film_id].label)} (film {film_id})" if film_id in films else f"#{film_id}"
    )


async def _show(db: Database, pending_id: int) -> int:
    doc = await get_pending(db, pending_id)
    if doc is None:
        print(f"filmbot pending show: no pending document #{pending_id}", file=sys.stderr)
        return 1
    now = datetime.now(UTC)
    print(f"pending #{doc.id}: {one_line(doc.name)}")
    if doc.uri and doc.uri != doc.name:
        print(f"  from: {one_line(doc.uri)}")
    print(f"  added: {doc.created_at} ({_age(doc.created_at, now)})")
    if doc.status == WAITING:
        print("  status: waiting")
    else:
        onto = f", onto {await _film_label(db, doc.film_id)}" if doc.status == "accepted" else ""
        print(f"  status: {doc.status} at {doc.settled_at}{onto}")
    print(f"  kind: {_kind(doc)}")
    if doc.title:
        print(f"  seems to be about: {one_line(doc.title)}")
    print(f"  waits because: {one_line(doc.reason)}")
    if doc.candidates:
        print("  candidates:")
        for number, candidate in enumerate(doc.candidates, start=1):
            why = f": {one_line(candidate.why)}" if candidate.why else ""
            print(f"    {number}. {one_line(candidate.label)}, film {candidate.film_id}{why}")
    else:
        print("  candidates: none in the catalog")
    if doc.status == WAITING:
        first = doc.candidates[0].film_id if doc.candidates else "ID"
        accept = f"filmbot pending accept {doc.id}"
        onto = "onto candidate 1" if doc.candidates else "as a new film"
        width = len(accept) + len(f" --film {first}") + 2
        print("  settle it:")
        print(f"    {accept + f' --film {first}':<{width}}onto that film (any catalog film's id)")
        print(f"    {accept:<{width}}{onto}")
        print(f"    {f'filmbot pending reject {doc.id}':<{width}}set it aside")
    assert doc.raw is not None
    _show_text(doc.raw)
    return 0


async def _waiting(db: Database, pending_id: int, action: str) -> PendingDocument | None:
    """The waiting document, or None after saying why it cannot be settled."""
    doc = await get_pending(db, pending_id)
    if doc is None:
        print(f"filmbot pending {action}: no pending document #{pending_id}", file=sys.stderr)
        return None
    if doc.status != WAITING:
        print(
            f"filmbot pending {action}: pending document #{pending_id} was already "
            f"{doc.status} (at {doc.settled_at}); nothing changed",
            file=sys.stderr,
        )
        return None
    return doc


async def _reject(db: Database, pending_id: int) -> int:
    doc = await _waiting(db, pending_id, "reject")
    if doc is None:
        return 1
    try:
        async with db.transaction() as tx:
            await settle_pending(tx, pending_id, "rejected")
    except PendingError as exc:  # settled by another process meanwhile
        print(f"filmbot pending reject: {exc}; nothing changed", file=sys.stderr)
        return 1
    print(f"rejected pending #{pending_id} ({one_line(doc.name)}); nothing from it was written")
    return 0


async def _accept(db: Database, args: argparse.Namespace) -> int:
    pending_id = args.pending_id
    doc = await _waiting(db, pending_id, "accept")
    if doc is None:
        return 1
    if args.film is not None and args.film not in await film_summaries(db, [args.film]):
        print(
            f"filmbot pending accept: there is no film {args.film} in the catalog "
            "(`filmbot search` finds a film's id); nothing changed",
            file=sys.stderr,
        )
        return 1
    report = await build_catalog(db)
    if not report.skipped:
        print(f"filmbot: {report.summary()}", file=sys.stderr)
    assert doc.raw is not None
    outcome = await import_document(
        db,
        doc.name,
        doc.raw,
        kind=args.kind or doc.kind,
        uri=doc.uri,
        film_id=args.film,
        pending_id=pending_id,
    )
    print(terminal_safe(outcome.line()).replace("\n", " "))
    after = await get_pending(db, pending_id)
    if after is not None and after.status == "accepted":
        print(f"accepted pending #{pending_id}")
        return 0
    state = "still waits" if after is not None and after.status == WAITING else "was not accepted"
    print(f"filmbot pending accept: pending #{pending_id} {state}", file=sys.stderr)
    return 1


async def run(settings: Settings, args: argparse.Namespace) -> int:
    action = args.pending_command
    try:
        db = await open_database(settings.database, local_path=settings.db_path)
        try:
            if action == "list":
                return await _list(db)
            if action == "show":
                return await _show(db, args.pending_id)
            if action == "reject":
                return await _reject(db, args.pending_id)
            return await _accept(db, args)
        finally:
            await db.close()
    except (DatabaseWriteError, DatabaseBusyError) as exc:
        print(f"filmbot pending {action}: nothing changed: {exc}", file=sys.stderr)
        return 2
