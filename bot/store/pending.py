"""The pending queue (`pending_documents`): documents the importer would not guess about.

When the film or the kind of a document is uncertain, nothing from it is written: its
bytes wait here with the reason and the candidate films, until a person accepts it (the
importer then imports it and settles the row as accepted in the same transaction) or
rejects it. A row is settled once; the same bytes wait at most once at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.store.db import Database, Transaction

WAITING = "waiting"
ACCEPTED = "accepted"
REJECTED = "rejected"
STATUSES = (WAITING, ACCEPTED, REJECTED)

_COLUMNS = (
    "id, name, uri, sha256, {raw}, kind, title, reason, candidates, status, film_id, "
    "created_at, settled_at"
)


@dataclass(frozen=True)
class PendingCandidate:
    """A catalog film the document could be about, and why the importer thought so."""

    film_id: int
    label: str  # 'Title (Year)'
    why: str


@dataclass(frozen=True)
class PendingDocument:
    id: int
    name: str
    uri: str | None
    sha256: str
    raw: bytes | None  # the document's bytes; None from `list_pending` (not read there)
    kind: str | None  # None when the kind is what is unsure
    title: str | None  # what the page seemed to be about
    reason: str
    candidates: tuple[PendingCandidate, ...]
    status: str  # waiting | accepted | rejected
    film_id: int | None  # the film it was imported onto, once accepted
    created_at: str  # ISO time, UTC
    settled_at: str | None


class PendingError(Exception):
    """A pending document that cannot be settled: there is none of that number, or it
    was settled already. The message says which, in words."""


def _candidates_json(candidates: list[PendingCandidate]) -> str:
    return json.dumps(
        [{"film_id": c.film_id, "label": c.label, "why": c.why} for c in candidates],
        ensure_ascii=False,
    )


def _candidates(text: str) -> tuple[PendingCandidate, ...]:
    return tuple(
        PendingCandidate(int(item["film_id"]), str(item["label"]), str(item.get("why", "")))
        for item in json.loads(text or "[]")
    )


def _document(row) -> PendingDocument:
    raw = row[4]
    return PendingDocument(
        id=row[0],
        name=row[1],
        uri=row[2],
        sha256=row[3],
        raw=bytes(raw) if raw is not None else None,
        kind=row[5],
        title=row[6],
        reason=row[7],
        candidates=_candidates(row[8]),
        status=row[9],
        film_id=row[10],
        created_at=row[11],
        settled_at=row[12],
    )


async def pending_by_sha(db: Database | Transaction, sha256: str) -> int | None:
    """The id of the document with these bytes' hash that waits, if one does."""
    found = await db._scalar(
        "SELECT id FROM pending_documents WHERE sha256 = ? AND status = 'waiting'", (sha256,)
    )
    return int(found) if found is not None else None


async def add_pending(
    tx: Transaction,
    *,
    name: str,
    uri: str | None,
    sha256: str,
    raw: bytes,
    kind: str | None,
    title: str | None,
    reason: str,
    candidates: list[PendingCandidate],
) -> int:
    """Put a document in the queue; its id. When the same bytes (`sha256`) wait already,
    that row's id, and nothing changes."""
    waiting = await pending_by_sha(tx, sha256)
    if waiting is not None:
        return waiting
    return int(
        await tx._scalar(
            "INSERT INTO pending_documents (name, uri, sha256, raw, kind, title, reason, "
            "candidates) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (name, uri, sha256, raw, kind, title, reason, _candidates_json(candidates)),
        )
    )


async def list_pending(db: Database, *, status: str | None = WAITING) -> list[PendingDocument]:
    """The documents in that state (every one with `status` None), oldest first, without
    their bytes (`raw` is None: `get_pending` reads them)."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"a pending document is {', '.join(STATUSES)}, not {status!r}")
    sql = f"SELECT {_COLUMNS.format(raw='NULL')} FROM pending_documents"
    params: tuple[str, ...] = ()
    if status is not None:
        sql += " WHERE status = ?"
        params = (status,)
    return [_document(row) for row in await db._fetchall(sql + " ORDER BY id", params)]


async def get_pending(db: Database | Transaction, pending_id: int) -> PendingDocument | None:
    """One pending document, whatever its state, with its bytes."""
    row = await db._fetchone(
        f"SELECT {_COLUMNS.format(raw='raw')} FROM pending_documents WHERE id = ?", (pending_id,)
    )
    return _document(row) if row is not None else None


async def settle_pending(
    tx: Transaction, pending_id: int, status: str, film_id: int | None = None
) -> None:
    """Settle a waiting document: 'accepted' (imported onto `film_id`) or 'rejected'.

    Raises PendingError when there is no such document or it was settled already (by
    another process since it was read, say): the caller's transaction should then be
    rolled back, so an import and its settling stay one thing."""
    if status not in (ACCEPTED, REJECTED):
        raise ValueError(f"a pending document is settled as accepted or rejected, not {status!r}")
    changed = await tx._execute(
        "UPDATE pending_documents SET status = ?, film_id = ?, "
        "settled_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
        "WHERE id = ? AND status = 'waiting'",
        (status, film_id, pending_id),
    )
    if changed:
        return
    row = await tx._fetchone(
        "SELECT status, settled_at FROM pending_documents WHERE id = ?", (pending_id,)
    )
    if row is None:
        raise PendingError(f"there is no pending document #{pending_id}")
    raise PendingError(f"pending document #{pending_id} was already {row[0]} (at {row[1]})")
