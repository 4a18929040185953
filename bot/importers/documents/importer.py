"""`filmbot import`: each document read, parsed and merged in its own transaction."""

from __future__ import annotations

import asyncio
import glob
import hashlib
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.importers.catalog import DATA_DIR
from bot.importers.documents.fetch_page import fetch_page
from bot.importers.documents.film_match import FilmMatch, PageFacts, match_film
from bot.importers.documents.merge import merge_document
from bot.importers.documents.model import DocumentError, Page, ParsedDocument
from bot.importers.documents.parsers import KindUnknown, parse_document
from bot.importers.documents.reader import MAX_DOCUMENT_BYTES, read_page
from bot.kinds import kind_words
from bot.net.policy import FetchPolicy, redact_url
from bot.search import SearchService, cache_dir_for
from bot.search.titles import TitleSearch
from bot.store import DatabaseBusyError, DatabaseWriteError, edition_seen, pending
from bot.store.catalog_writes import add_source, source_described
from bot.store.db import Database
from bot.store.search_data import write_film_text

log = logging.getLogger(__name__)

BUNDLED_DOCUMENTS = DATA_DIR / "documents"
PARSER_VERSION = 1


@dataclass(frozen=True)
class ImportOutcome:
    name: str
    status: str  # imported | merged | unchanged | pending | rejected
    message: str
    film_id: int | None = None
    edition_id: int | None = None  # the edition the document described, if any
    pending_id: int | None = None  # the row it waits in, when status is "pending"

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def line(self) -> str:
        return f"{self.status:<9} {self.name}: {self.message}"


async def _titles_of(db: Database) -> tuple[SearchService, TitleSearch]:
    """One search index per open database, shared by every import through it (built or
    loaded once, refreshed when something was written since). It is kept on the
    Database object itself, so it goes when the connection does."""
    service = getattr(db, "_import_search", None)
    if service is None:
        service = SearchService(db, cache_dir_for(db.path))
        db._import_search = service  # type: ignore[attr-defined]
    await service.ready()
    await service.refresh_if_changed()
    return service, service.titles


def _is_address(uri: str | None) -> bool:
    return bool(uri) and urlsplit(uri or "").scheme in ("http", "https")


def _read_and_parse(
    raw: bytes, uri: str | None, kind: str | None, charset: str | None, title: str | None
) -> tuple[Page, ParsedDocument]:
    page = read_page(raw, url=uri if _is_address(uri) else None, charset=charset)
    if title and title.strip():
        page.cues.item_title = " ".join(title.split())
    return page, parse_document(page, kind)


async def _decide_film(db: Database, doc: ParsedDocument, page: Page) -> FilmMatch:
    """Which catalog film the page is about (see film_match), on the shared index."""
    _, titles = await _titles_of(db)
    facts = PageFacts(
        text=page.text, year=doc.year, directors=tuple(doc.directors), cast=tuple(doc.cast)
    )
    return await match_film(db, titles, doc.cues, facts)


async def import_document(
    db: Database,
    name: str,
    raw: bytes,
    *,
    kind: str | None = None,
    uri: str | None = None,
    announce: bool = True,
    film_id: int | None = None,
    pending_id: int | None = None,
    charset: str | None = None,
    title: str | None = None,
) -> ImportOutcome:
    """Import one document; never raises for a bad document, it is rejected with a reason.
    A database that cannot take it raises: DatabaseWriteError (read-only, disk full) or
    DatabaseBusyError (another process kept the write lock; see bot/store/busy.py).
    With `announce` False its edition is recorded as already seen in the same transaction
    (a feed's first read: old news), so no announcement is planned for it.

    The film a page is about is decided from every title cue and what else the page says
    (`film_match`): it is merged onto that film, made a new film, or, when that is not
    clear, left waiting in the pending queue with its reason (`filmbot pending`). With
    `film_id` (or `pending_id`, a person's decision) no guess is made. `title` is a
    title given beside the document (a feed item's), trusted over its text's lines."""
    sha = hashlib.sha256(raw).hexdigest()
    accepting = pending_id is not None
    if accepting and film_id is None:
        row = await pending.get_pending(db, pending_id)
        if row is not None and row.candidates:
            film_id = row.candidates[0].film_id
    known = await source_described(db, sha)
    if known is not None:
        return ImportOutcome(
            name, "unchanged", f"already imported ({kind_words(known[0])} of {known[1]})"
        )
    if not accepting:
        waiting = await pending.pending_by_sha(db, sha)
        if waiting is not None:
            return ImportOutcome(
                name,
                "pending",
                f"already waits for a decision as pending #{waiting} "
                f"(filmbot pending show {waiting})",
                pending_id=waiting,
            )
    try:
        # HTML extraction can take a second on a big page: not on the event loop.
        page, doc = await asyncio.to_thread(_read_and_parse, raw, uri, kind, charset, title)
    except KindUnknown as exc:
        if accepting:
            return ImportOutcome(name, "rejected", exc.reason)
        return await _kind_unknown(db, name, uri, sha, raw, exc)
    except DocumentError as exc:
        return ImportOutcome(name, "rejected", exc.reason)
    except Exception:
        # A page no library expected: logged with its name, refused in words.
        log.exception("importing %s: reading the page failed", name)
        return ImportOutcome(
            name, "rejected", "the page could not be read (an internal error, logged)"
        )
    match: FilmMatch | None = None
    if film_id is None and not accepting:
        try:
            match = await _decide_film(db, doc, page)
        except (DatabaseWriteError, DatabaseBusyError):
            raise
        except Exception:
            log.exception("importing %s: deciding its film failed", name)
            return ImportOutcome(
                name,
                "rejected",
                "an internal error stopped the import (logged); nothing was written",
            )
        if match.decision == "reject":
            return ImportOutcome(name, "rejected", match.reason)
        if match.decision == "pending":
            return await _wait(db, name, uri, sha, raw, doc, match)
        if match.decision == "attach":
            film_id = match.film_id
        else:  # a new film, under the cleaned title the page gives it
            doc.title = match.title or doc.title
            doc.year = match.year or doc.year
    try:
        async with db.transaction() as tx:
            # Under the write lock, look again: another `filmbot import` of the same file
            # may have written it since the look above.
            known = await source_described(tx, sha)
            if known is not None:
                return ImportOutcome(
                    name, "unchanged", f"already imported ({kind_words(known[0])} of {known[1]})"
                )
            source_id = await add_source(
                tx,
                kind=doc.kind,
                name=name,
                uri=uri,
                sha256=sha,
                title=doc.title,
                meta={"parser": PARSER_VERSION, "bytes": len(raw)},
            )
            result = await merge_document(tx, source_id, doc, film_id)
            if pending_id is not None:
                await pending.settle_pending(tx, pending_id, "accepted", result.film_id)
            await write_film_text(tx, [result.film_id])
            if not announce and result.edition_id is not None:
                await edition_seen.mark_seen(tx, [result.edition_id])
    except DocumentError as exc:
        return ImportOutcome(name, "rejected", exc.reason)
    except pending.PendingError as exc:
        return ImportOutcome(name, "rejected", str(exc))
    except (DatabaseWriteError, DatabaseBusyError):
        raise  # not this document's fault: the caller stops (or tries again later)
    except Exception:
        log.exception("importing %s failed", name)
        return ImportOutcome(
            name, "rejected", "an internal error stopped the import (logged); nothing was written"
        )
    what = kind_words(doc.kind)
    why = f" ({match.reason})" if match is not None and match.decision == "attach" else ""
    if result.new_film:
        return ImportOutcome(
            name,
            "imported",
            f"{what}; new film {result.film_label}",
            result.film_id,
            result.edition_id,
        )
    return ImportOutcome(
        name,
        "merged",
        f"{what}; merged into film {result.film_label} (#{result.film_id}){why}",
        result.film_id,
        result.edition_id,
    )


async def _kind_unknown(
    db: Database,
    name: str,
    uri: str | None,
    sha: str,
    raw: bytes,
    exc: KindUnknown,
) -> ImportOutcome:
    """A page of no kind filmbot can tell: when it is about a film, it waits for a person
    to say which kind (`filmbot pending accept N --kind ...`); otherwise it is refused."""
    try:
        match = await _decide_film(db, exc.doc, exc.page)
    except (DatabaseWriteError, DatabaseBusyError):
        raise
    except Exception:
        log.exception("importing %s: deciding its film failed", name)
        return ImportOutcome(name, "rejected", exc.reason)
    if match.decision == "reject":
        return ImportOutcome(name, "rejected", f"{exc.reason}; {match.reason}")
    about = match.label or match.title or exc.doc.title
    match.reason = (
        f"could not tell what kind of document this is (about {about}); accept it with "
        "--kind disc_review, release_listing or blog_review"
    )
    return await _wait(db, name, uri, sha, raw, exc.doc, match)


async def _wait(
    db: Database,
    name: str,
    uri: str | None,
    sha: str,
    raw: bytes,
    doc: ParsedDocument,
    match: FilmMatch,
) -> ImportOutcome:
    """Nothing is written from the document: its bytes wait for a person's decision."""
    candidates = [
        pending.PendingCandidate(
            c.facts.film_id, c.label, ", ".join(c.evidence) or "the title only"
        )
        for c in match.candidates
    ]
    async with db.transaction() as tx:
        # Another process may have imported these very bytes since they were read here
        # (two `filmbot import` runs of one folder): then there is nothing to decide.
        known = await source_described(tx, sha)
        if known is not None:
            return ImportOutcome(
                name, "unchanged", f"already imported ({kind_words(known[0])} of {known[1]})"
            )
        waiting = await pending.pending_by_sha(tx, sha)
        if waiting is None:
            waiting = await pending.add_pending(
                tx,
                name=name,
                uri=uri,
                sha256=sha,
                raw=raw,
                kind=doc.kind or None,
                title=match.title or match.label or doc.title,
                reason=match.reason,
                candidates=candidates,
            )
    return ImportOutcome(
        name,
        "pending",
        f"{kind_words(doc.kind) if doc.kind else 'document'}; waits for a decision as "
        f"pending #{waiting}: {match.reason} "
        f"(filmbot pending show {waiting})",
        pending_id=waiting,
    )


def expand_paths(specs: list[str]) -> Iterator[tuple[str, Path | None, str | None]]:
    """(name, path, problem) for files, folders (recursively), globs and '-' (stdin)."""
    for spec in specs:
        if spec == "-":
            yield "<stdin>", None, None
            continue
        matches = sorted(glob.glob(spec, recursive=True)) if glob.has_magic(spec) else [spec]
        if not matches:
            yield spec, None, "no file matches this pattern"
        for match in matches:
            path = Path(match)
            if path.is_dir():
                files = sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not any(x.startswith(".") for x in p.relative_to(path).parts)
                )
                if not files:
                    yield str(path), None, "the folder has no files"
                for file in files:
                    yield str(file), file, None
            elif path.is_file():
                yield str(path), path, None
            else:
                yield str(path), None, "no such file"


class ImportStopped(Exception):
    """The database could not take the documents (read-only, disk full, locked for too
    long): the import stopped there. `outcomes` holds what was done before; `left` counts
    the documents not imported (the one that met the problem and those after it)."""

    def __init__(self, reason: str, outcomes: list[ImportOutcome], left: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.outcomes = outcomes
        self.left = left


async def import_paths(
    db: Database,
    specs: list[str],
    *,
    kind: str | None = None,
    stdin: bytes | None = None,
    fetch_policy: FetchPolicy | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[ImportOutcome]:
    """Import every document the specs name (files, folders, globs, '-' for stdin, and
    http(s) addresses, fetched through the guarded client with `fetch_policy`), each in
    its own transaction; raises ImportStopped at the first document the database cannot
    take (every later one would fail the same way). `progress(done, total, name)` is
    called before each document."""
    outcomes: list[ImportOutcome] = []
    found = list(expand_paths([s for s in specs if not _is_address(s)]))
    addresses = [s for s in specs if _is_address(s)]
    total = len(found) + len(addresses)
    for index, address in enumerate(addresses):
        if progress:
            progress(index, total, redact_url(address))
        try:
            fetched = await fetch_page(address, policy=fetch_policy)
        except DocumentError as exc:
            outcomes.append(ImportOutcome(redact_url(address), "rejected", exc.reason))
            continue
        try:
            outcome = await import_document(
                db,
                redact_url(fetched.final_url),
                fetched.raw,
                kind=kind,
                uri=fetched.final_url,
                charset=fetched.charset,
            )
        except (DatabaseWriteError, DatabaseBusyError) as exc:
            raise ImportStopped(str(exc), outcomes, total - index) from exc
        outcomes.append(outcome)
    for index, (name, path, problem) in enumerate(found, start=len(addresses)):
        if progress:
            progress(index, total, name)
        if problem:
            outcomes.append(ImportOutcome(name, "rejected", problem))
            continue
        if path is None:
            raw = stdin if stdin is not None else sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        else:
            try:
                with path.open("rb") as handle:
                    raw = handle.read(MAX_DOCUMENT_BYTES + 1)
            except OSError as exc:
                outcomes.append(ImportOutcome(name, "rejected", f"cannot read it ({exc.strerror})"))
                continue
        try:
            outcome = await import_document(
                db, path.name if path else name, raw, kind=kind, uri=str(path) if path else None
            )
        except (DatabaseWriteError, DatabaseBusyError) as exc:
            raise ImportStopped(str(exc), outcomes, total - index) from exc
        outcomes.append(outcome)
    return outcomes


async def import_bundled_documents(db: Database) -> list[ImportOutcome]:
    """The documents shipped in data/documents, imported once (their hashes are recorded)."""
    if not BUNDLED_DOCUMENTS.is_dir():
        return []
    outcomes = await import_paths(db, [str(BUNDLED_DOCUMENTS)])
    for outcome in outcomes:
        if outcome.status == "rejected":
            log.error("bundled document %s rejected: %s", outcome.name, outcome.message)
    return outcomes
