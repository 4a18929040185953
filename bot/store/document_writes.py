"""What only documents bring: characters, audio tracks, subtitles, special features,
edition relations, reviews with their scores and sections, plot notes.

The films, editions, people, credits and facts a document names are written the catalog's
way (`bot.store.catalog_writes`). Every function runs inside the import's transaction.
"""

from __future__ import annotations

from bot.store.db import Transaction

# --- characters ----------------------------------------------------------------------


async def add_character(tx: Transaction, film_id: int, name: str) -> int:
    """A character of the film (the one of that name if there is one); its id."""
    return int(
        await tx._scalar(
            "INSERT INTO characters (film_id, name) VALUES (?, ?) "
            "ON CONFLICT (film_id, name) DO UPDATE SET name = excluded.name RETURNING id",
            (film_id, name),
        )
    )


async def add_character_alias(
    tx: Transaction, character_id: int, name: str, key: str, source_id: int
) -> None:
    """A spelling of a character's name; `key` is its `translit_key`."""
    await tx._execute(
        "INSERT OR IGNORE INTO character_aliases (character_id, name, norm, source_id) "
        "VALUES (?, ?, ?, ?)",
        (character_id, name, key, source_id),
    )


async def cast_as(tx: Transaction, credit_id: int, character_id: int) -> None:
    """The cast credit plays this character, unless it was given one already."""
    await tx._execute(
        "UPDATE credits SET character_id = coalesce(character_id, ?) WHERE id = ?",
        (character_id, credit_id),
    )


# --- an edition's tracks, features and relations ---------------------------------------


async def add_audio(
    tx: Transaction,
    edition_id: int,
    *,
    language: str | None,
    codec: str | None,
    channels: str | None,
    description: str,
    source_id: int,
) -> None:
    """An audio track as a source lists it; the same track twice is kept once."""
    await tx._execute(
        "INSERT OR IGNORE INTO edition_audio (edition_id, language, codec, channels, "
        "description, source_id) VALUES (?, ?, ?, ?, ?, ?)",
        (edition_id, language, codec, channels, description, source_id),
    )


async def add_subtitles(tx: Transaction, edition_id: int, language: str, source_id: int) -> None:
    """A subtitle language of the edition, as a source lists it (kept once)."""
    await tx._execute(
        "INSERT OR IGNORE INTO edition_subtitles (edition_id, language, source_id) "
        "VALUES (?, ?, ?)",
        (edition_id, language, source_id),
    )


async def add_feature(
    tx: Transaction,
    edition_id: int,
    *,
    position: int,
    title: str,
    kind: str | None,
    runtime_min: int | None,
    year: int | None,
    source_id: int,
) -> int:
    """A special feature of the edition; its id."""
    return int(
        await tx._scalar(
            "INSERT INTO special_features (edition_id, position, title, kind, runtime_min, "
            "year, source_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (edition_id, position, title, kind, runtime_min, year, source_id),
        )
    )


async def fill_feature(
    tx: Transaction,
    feature_id: int,
    *,
    runtime_min: int | None,
    year: int | None,
    kind: str | None,
) -> None:
    """Fill what a feature lacks (another source describing the same feature)."""
    await tx._execute(
        "UPDATE special_features SET runtime_min = coalesce(runtime_min, ?), "
        "year = coalesce(year, ?), kind = coalesce(kind, ?) WHERE id = ?",
        (runtime_min, year, kind, feature_id),
    )


async def add_replaces(
    tx: Transaction, edition_id: int, earlier_id: int, note: str, source_id: int
) -> None:
    """The edition replaces an earlier one ('Criterion's previous DVD'), as a source says."""
    await tx._execute(
        "INSERT OR IGNORE INTO edition_relations (edition_id, related_edition_id, "
        "relation, note, source_id) VALUES (?, ?, 'replaces', ?, ?)",
        (edition_id, earlier_id, note, source_id),
    )


# --- reviews and plot notes -----------------------------------------------------------


async def add_review(
    tx: Transaction,
    *,
    film_id: int,
    edition_id: int | None,
    source_id: int,
    kind: str,
    publication: str | None,
    author: str | None,
    url: str | None,
    verdict: str | None,
) -> int:
    """A review of a film (and of an edition, for a disc review); its id."""
    return int(
        await tx._scalar(
            "INSERT INTO reviews (film_id, edition_id, source_id, kind, publication, author, "
            "url, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (film_id, edition_id, source_id, kind, publication, author, url, verdict),
        )
    )


async def add_score(
    tx: Transaction, review_id: int, category: str, value: float, scale_max: float, raw: str
) -> None:
    """A review's score in one category (picture, sound…), with the scale and the words
    it was written in."""
    await tx._execute(
        "INSERT INTO review_scores (review_id, category, value, scale_max, raw) "
        "VALUES (?, ?, ?, ?, ?)",
        (review_id, category, value, scale_max, raw),
    )


async def add_section(
    tx: Transaction,
    review_id: int,
    position: int,
    heading: str | None,
    body: str,
    *,
    is_spoiler: bool,
) -> None:
    """A section of a review, in order; spoiler sections are flagged, never shown
    unasked."""
    await tx._execute(
        "INSERT INTO review_sections (review_id, position, heading, body, is_spoiler) "
        "VALUES (?, ?, ?, ?, ?)",
        (review_id, position, heading, body, int(is_spoiler)),
    )


async def add_plot_note(
    tx: Transaction, film_id: int, source_id: int, position: int, body: str, *, is_spoiler: bool
) -> None:
    """A note on the film's plot from a source, in order, flagged when it spoils."""
    await tx._execute(
        "INSERT INTO plot_notes (film_id, source_id, position, body, is_spoiler) "
        "VALUES (?, ?, ?, ?, ?)",
        (film_id, source_id, position, body, int(is_spoiler)),
    )
