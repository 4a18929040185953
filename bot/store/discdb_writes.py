"""What the TheDiscDb import reads and writes beyond the catalog's writer: films by IMDb id,
a release's source and its rows, editions by key, barcode and film, and the edition
columns a release states (`bot.importers.discdb_merge` calls these).

Films, editions, people, credits, titles and facts go through `bot.store.catalog_writes`;
tracks and features through `bot.store.document_writes`. Every function runs inside the
import's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database, Transaction
from bot.store.films import barcode_variants

# The edition columns a release states, written by `set_edition`.
RELEASE_COLUMNS = (
    "format",
    "disc_count",
    "disc_formats",
    "region",
    "video_resolution",
    "video_codec",
    "hdr",
    "release_date",
    "upc",
    "asin",
    "label_id",
)

# --- films ---------------------------------------------------------------------------------


async def films_with_imdb(tx: Transaction, imdb_id: str) -> list[int]:
    """The films with this IMDb id, most popular first."""
    rows = await tx._fetchall(
        "SELECT id FROM films WHERE imdb_id = ? ORDER BY popularity DESC, id", (imdb_id,)
    )
    return [r[0] for r in rows]


async def imdb_of(tx: Transaction, film_id: int) -> str | None:
    return await tx._scalar("SELECT imdb_id FROM films WHERE id = ?", (film_id,))


async def fill_imdb(tx: Transaction, film_id: int, imdb_id: str) -> None:
    """Give the film this IMDb id unless it has one."""
    await tx._execute(
        "UPDATE films SET imdb_id = coalesce(imdb_id, ?) WHERE id = ?", (imdb_id, film_id)
    )


async def film_has_directors(tx: Transaction, film_id: int) -> bool:
    return bool(
        await tx._scalar(
            "SELECT 1 FROM credits WHERE film_id = ? AND role = 'director' LIMIT 1", (film_id,)
        )
    )


# --- a release's source ------------------------------------------------------------------


async def known_uris(db: Database | Transaction, uris: list[str]) -> set[str]:
    """Which of these release uris have a source (were imported, from any copy)."""
    found: set[str] = set()
    for start in range(0, len(uris), 500):
        chunk = uris[start : start + 500]
        rows = await db._fetchall(
            f"SELECT uri FROM sources WHERE uri IN ({','.join('?' * len(chunk))})", chunk
        )
        found.update(r[0] for r in rows)
    return found


async def release_source(tx: Transaction, uri: str) -> tuple[int, str] | None:
    """(id, sha256) of the source an earlier import recorded for this release."""
    row = await tx._fetchone("SELECT id, sha256 FROM sources WHERE uri = ?", (uri,))
    return (row[0], row[1]) if row else None


async def forget_release(tx: Transaction, source_id: int) -> None:
    """Remove what a release's earlier version wrote (tracks, features, facts), before its
    new version is written under the same source; the edition and its keys stay."""
    for table in ("edition_audio", "edition_subtitles", "special_features", "facts"):
        await tx._execute(f"DELETE FROM {table} WHERE source_id = ?", (source_id,))


async def renew_source(
    tx: Transaction, source_id: int, *, sha256: str, title: str, meta: Mapping[str, Any]
) -> None:
    """The release's source now stands for its new version."""
    await tx._execute(
        "UPDATE sources SET sha256 = ?, title = ?, meta = ?, "
        "imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        (sha256, title, json.dumps(dict(meta)), source_id),
    )


# --- editions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionCandidate:
    """An edition of a film, as the merge weighs whether a release is the same one."""

    id: int
    external_key: str
    title: str
    label_id: int | None
    spine: str | None
    format: str | None
    region: str | None
    upc: str | None
    release_date: str | None
    is_boxset: bool
    claimed: bool  # a TheDiscDb release was merged into it already


async def edition_by_key(tx: Transaction, key: str) -> tuple[int, str] | None:
    """(id, its own external key) of the edition imported under this key."""
    row = await tx._fetchone(
        "SELECT e.id, e.external_key FROM edition_keys k JOIN editions e "
        "ON e.id = k.edition_id WHERE k.external_key = ? UNION ALL "
        "SELECT id, external_key FROM editions WHERE external_key = ? LIMIT 1",
        (key, key),
    )
    return (row[0], row[1]) if row else None


async def add_edition_key(tx: Transaction, key: str, edition_id: int, source_id: int) -> None:
    await tx._execute(
        "INSERT OR IGNORE INTO edition_keys (external_key, edition_id, source_id) VALUES (?, ?, ?)",
        (key, edition_id, source_id),
    )


_CANDIDATE = (
    "SELECT e.id, e.external_key, e.title, e.label_id, e.spine, e.format, e.region, e.upc, "
    "e.release_date, e.is_boxset, EXISTS (SELECT 1 FROM edition_keys k "
    "WHERE k.edition_id = e.id AND k.external_key LIKE 'discdb:%') FROM editions e "
)


def _candidate(row: Any) -> EditionCandidate:
    return EditionCandidate(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
        bool(row[9]), bool(row[10]),
    )  # fmt: skip


async def editions_of(tx: Transaction, film_id: int) -> list[EditionCandidate]:
    """The film's editions, box sets included, oldest first."""
    rows = await tx._fetchall(
        _CANDIDATE + "JOIN edition_films ef ON ef.edition_id = e.id "
        "WHERE ef.film_id = ? ORDER BY e.id",
        (film_id,),
    )
    return [_candidate(r) for r in rows]


async def editions_with_barcode(tx: Transaction, code: str) -> list[EditionCandidate]:
    """Editions with this UPC or EAN (either spelling of it), oldest first."""
    codes = barcode_variants(code)
    rows = await tx._fetchall(
        _CANDIDATE + f"WHERE e.upc IN ({','.join('?' * len(codes))}) ORDER BY e.id", codes
    )
    return [_candidate(r) for r in rows]


async def films_of(tx: Transaction, edition_id: int) -> list[int]:
    rows = await tx._fetchall(
        "SELECT film_id FROM edition_films WHERE edition_id = ? ORDER BY position, film_id",
        (edition_id,),
    )
    return [r[0] for r in rows]


async def set_edition(
    tx: Transaction, edition_id: int, values: Mapping[str, object], *, replace: bool
) -> None:
    """Write a release's values (names: RELEASE_COLUMNS; None values are skipped). With
    `replace` they replace what is there (the release's own edition, re-imported), else
    they fill only what is empty (an edition another source made)."""
    unknown = set(values) - set(RELEASE_COLUMNS)
    if unknown:
        raise ValueError(f"not a release column: {', '.join(sorted(unknown))}")
    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        return
    assignments = ", ".join(
        f"{col} = :{col}" if replace else f"{col} = coalesce({col}, :{col})" for col in given
    )
    await tx._execute(
        f"UPDATE editions SET {assignments} WHERE id = :id", {**given, "id": edition_id}
    )


async def mark_boxset(tx: Transaction, edition_id: int) -> None:
    """The edition holds several films (one release TheDiscDb files under each)."""
    await tx._execute("UPDATE editions SET is_boxset = 1 WHERE id = ?", (edition_id,))
