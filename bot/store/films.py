"""Read queries for films and editions. The core calls these; nothing else writes SQL."""

from __future__ import annotations

from collections import defaultdict

from bot.models import (
    ClaimedValue,
    EditionDetails,
    EditionRelation,
    EditionSummary,
    FilmDetails,
    FilmSummary,
    ReviewSummary,
    ScoreLine,
    SpecialFeature,
)
from bot.store.db import Database
from bot.text import format_money, norm_title

# Edition columns returned as specs, in display order (labels live with the cards).
EDITION_SPECS = (
    "format",
    "disc_count",
    "disc_formats",
    "disc_type",
    "region",
    "video_resolution",
    "video_codec",
    "hdr",
    "aspect_ratio",
    "release_date",
    "release_country",
    "msrp_cents",
    "street_price_cents",
    "licensor",
    "studio",
    "restoration_note",
    "upc",
)

_EDITION_SUMMARY_SQL = (
    "SELECT e.id, e.title, l.name AS label, e.spine, e.format, e.release_date, e.is_boxset "
    "FROM editions e LEFT JOIN labels l ON l.id = e.label_id "
)


def spine_order(db: Database) -> str:
    """ORDER BY keys for an edition's spine as a number: SQLite's CAST takes the leading
    digits (0 when there are none, NULL for no spine, which sorts first); PostgreSQL's
    CAST would fail on '146a', so it takes the digits itself, no spine first."""
    if db.dialect == "postgres":
        return (
            "e.spine IS NOT NULL, coalesce(substring(e.spine FROM '^\\s*([0-9]{1,18})')::bigint, 0)"
        )
    return "CAST(e.spine AS INTEGER)"


def _edition_summary(row) -> EditionSummary:
    return EditionSummary(
        id=row["id"],
        title=row["title"],
        label=row["label"],
        spine=row["spine"],
        format=row["format"],
        release_date=row["release_date"],
        is_boxset=bool(row["is_boxset"]),
    )


async def film_summaries(db: Database, film_ids: list[int]) -> dict[int, FilmSummary]:
    """Title, year and directors for many films at once (disambiguation labels)."""
    if not film_ids:
        return {}
    marks = ",".join("?" * len(film_ids))
    directors: dict[int, list[str]] = defaultdict(list)
    for film_id, name in await db._fetchall(
        f"SELECT c.film_id, p.name FROM credits c JOIN people p ON p.id = c.person_id "
        f"WHERE c.role = 'director' AND c.film_id IN ({marks}) "
        # Unbilled first, as SQLite sorts NULL (PostgreSQL would put it last).
        f"ORDER BY c.film_id, c.billing IS NOT NULL, c.billing, p.name",
        film_ids,
    ):
        if name not in directors[film_id]:
            directors[film_id].append(name)
    result = {}
    for film_id, title, year in await db._fetchall(
        f"SELECT id, title, year FROM films WHERE id IN ({marks})", film_ids
    ):
        result[film_id] = FilmSummary(film_id, title, year, tuple(directors[film_id]))
    return result


async def _conflicts(
    db: Database, entity: str, entity_id: int
) -> dict[str, tuple[ClaimedValue, ...]]:
    """Fields where sources claimed more than one value, with who claimed what."""
    claimed: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for field_name, value, source in await db._fetchall(
        "SELECT fa.field, fa.value, s.name FROM facts fa JOIN sources s ON s.id = fa.source_id "
        "WHERE fa.entity = ? AND fa.entity_id = ? ORDER BY fa.field, s.id",
        (entity, entity_id),
    ):
        claimed[field_name][value].append(source)
    # Titles and countries legitimately have several values; they are not disagreements.
    multi_valued = {"title", "country", "label", "audio", "synopsis"}
    return {
        name: tuple(ClaimedValue(v, tuple(srcs)) for v, srcs in values.items())
        for name, values in claimed.items()
        if len(values) > 1 and name not in multi_valued
    }


async def _sources(db: Database, entity: str, entity_id: int) -> tuple[str, ...]:
    rows = await db._fetchall(
        "SELECT s.name FROM facts fa JOIN sources s ON s.id = fa.source_id "
        "WHERE fa.entity = ? AND fa.entity_id = ? GROUP BY s.name ORDER BY min(s.id)",
        (entity, entity_id),
    )
    return tuple(r[0] for r in rows)


async def film_details(db: Database, film_id: int, *, cast_limit: int = 8) -> FilmDetails | None:
    film = await db._fetchone(
        "SELECT id, title, year, runtime_min, released, synopsis FROM films WHERE id = ?",
        (film_id,),
    )
    if film is None:
        return None
    credits: dict[str, list[str]] = defaultdict(list)
    billed: set[str] = set()
    for role, name, billing in await db._fetchall(
        "SELECT c.role, p.name, c.billing FROM credits c JOIN people p ON p.id = c.person_id "
        # Unbilled names: the best known first (most credits in the catalog), not A to Z.
        "WHERE c.film_id = ? ORDER BY c.role, c.billing IS NULL, c.billing, "
        "(SELECT count(*) FROM credits k WHERE k.person_id = c.person_id) DESC, p.name",
        (film_id,),
    ):
        if name not in credits[role]:
            credits[role].append(name)
            if role == "cast" and billing is not None:
                billed.add(name)

    async def names(sql: str) -> tuple[str, ...]:
        return tuple(r[0] for r in await db._fetchall(sql, (film_id,)))

    other_titles = await names(
        "SELECT title FROM film_titles WHERE film_id = ? AND kind != 'primary' "
        "ORDER BY kind != 'original', id"
    )
    original = await names(
        "SELECT title FROM film_titles WHERE film_id = ? AND kind = 'original' ORDER BY id LIMIT 1"
    )
    countries = await names(
        "SELECT c.name FROM film_countries fc JOIN countries c ON c.id = fc.country_id "
        "WHERE fc.film_id = ? ORDER BY c.name"
    )
    genres = await names(
        "SELECT g.name FROM film_genres fg JOIN genres g ON g.id = fg.genre_id "
        "WHERE fg.film_id = ? ORDER BY g.name"
    )
    languages = await names(
        "SELECT l.name FROM film_languages fl JOIN languages l ON l.id = fl.language_id "
        "WHERE fl.film_id = ? ORDER BY l.name"
    )
    editions = [
        _edition_summary(r)
        for r in await db._fetchall(
            _EDITION_SUMMARY_SQL + "JOIN edition_films ef ON ef.edition_id = e.id "
            "WHERE ef.film_id = ? ORDER BY e.is_boxset, e.release_date IS NULL, e.release_date, "
            f"{spine_order(db)}, e.id",
            (film_id,),
        )
    ]
    cast = credits.get("cast", [])
    title = film["title"]
    return FilmDetails(
        summary=FilmSummary(film_id, title, film["year"], tuple(credits.get("director", []))),
        runtime_min=film["runtime_min"],
        released=film["released"],
        synopsis=film["synopsis"],
        other_titles=tuple(t for t in other_titles if t != title),
        writers=tuple(credits.get("writer", [])),
        cinematographers=tuple(credits.get("cinematographer", [])),
        cast=tuple(cast[:cast_limit]),
        cast_total=len(cast),
        cast_billed=len(billed),
        countries=countries,
        genres=genres,
        languages=languages,
        editions=tuple(e for e in editions if not e.is_boxset),
        boxsets=tuple(e for e in editions if e.is_boxset),
        conflicts=await _conflicts(db, "film", film_id),
        sources=await _sources(db, "film", film_id),
        original_title=original[0] if original and original[0] != title else None,
        reviews=await reviews_for(db, film_id=film_id),
    )


async def edition_details(db: Database, edition_id: int) -> EditionDetails | None:
    row = await db._fetchone(
        "SELECT e.*, l.name AS label FROM editions e LEFT JOIN labels l ON l.id = e.label_id "
        "WHERE e.id = ?",
        (edition_id,),
    )
    if row is None:
        return None
    specs: dict[str, str] = {}
    for column in EDITION_SPECS:
        value = row[column]
        if value is None or value == "":
            continue
        if column.endswith("_cents"):
            value = format_money(int(value), row["currency"])
        specs[column] = str(value)
    film_ids = [
        r[0]
        for r in await db._fetchall(
            "SELECT film_id FROM edition_films WHERE edition_id = ? ORDER BY position, film_id",
            (edition_id,),
        )
    ]
    summaries = await film_summaries(db, film_ids)
    audio = tuple(
        r[0]
        for r in await db._fetchall(
            "SELECT description FROM edition_audio WHERE edition_id = ? ORDER BY id", (edition_id,)
        )
    )
    subtitles = tuple(
        r[0]
        for r in await db._fetchall(
            "SELECT language FROM edition_subtitles WHERE edition_id = ? ORDER BY id", (edition_id,)
        )
    )
    features = tuple(
        SpecialFeature(r["title"], r["kind"], r["runtime_min"], r["year"], r["description"])
        for r in await db._fetchall(
            "SELECT title, kind, runtime_min, year, description FROM special_features "
            "WHERE edition_id = ? ORDER BY position, id",
            (edition_id,),
        )
    )
    return EditionDetails(
        reviews=await reviews_for(db, edition_id=edition_id),
        relations=await _relations(db, edition_id),
        summary=_edition_summary(row),
        specs=specs,
        films=tuple(summaries[f] for f in film_ids if f in summaries),
        audio=audio,
        subtitles=subtitles,
        features=features,
        conflicts=await _conflicts(db, "edition", edition_id),
        sources=await _sources(db, "edition", edition_id),
    )


async def reviews_for(
    db: Database, *, edition_id: int | None = None, film_id: int | None = None
) -> tuple[ReviewSummary, ...]:
    """Reviews of one edition, or of one film (any edition), oldest import first."""
    column, value = (
        ("r.edition_id", edition_id) if edition_id is not None else ("r.film_id", film_id)
    )
    rows = await db._fetchall(
        "SELECT r.id, s.name, r.kind, r.verdict, r.publication, r.author, r.url, s.kind, "
        "r.published_at, r.edition_id "
        f"FROM reviews r JOIN sources s ON s.id = r.source_id WHERE {column} = ? ORDER BY r.id",
        (value,),
    )
    order = {"film": 0, "picture": 1, "audio": 2, "extras": 3, "overall": 4}
    result = []
    for row in rows:
        scores = sorted(
            (
                ScoreLine(r[0], r[1], r[2], r[3])
                for r in await db._fetchall(
                    "SELECT category, value, scale_max, raw FROM review_scores WHERE review_id = ?",
                    (row[0],),
                )
            ),
            key=lambda sc: order.get(sc.category, 9),
        )
        result.append(
            ReviewSummary(
                row[0],
                row[1],
                row[2],
                tuple(scores),
                row[3],
                row[4],
                row[5],
                row[6],
                source_kind=row[7],
                published_at=row[8],
                edition_id=row[9],
            )
        )
    return tuple(result)


async def _relations(db: Database, edition_id: int) -> tuple[EditionRelation, ...]:
    found = []
    for direction, mine, theirs in (
        ("replaces", "edition_id", "related_edition_id"),
        ("replaced by", "related_edition_id", "edition_id"),
    ):
        for row in await db._fetchall(
            _EDITION_SUMMARY_SQL + f"JOIN edition_relations er ON er.{theirs} = e.id "
            f"WHERE er.{mine} = ? ORDER BY e.id",
            (edition_id,),
        ):
            # A note that a spoiler passage of its source contains is not shown (databases
            # imported before the importer learnt to pick notes from safe text only).
            inside = "strpos" if db.dialect == "postgres" else "instr"
            meta = await db._fetchone(
                f"SELECT CASE WHEN EXISTS (SELECT 1 FROM review_sections rs JOIN reviews r "
                f"ON r.id = rs.review_id WHERE r.source_id = er.source_id AND rs.is_spoiler = 1 "
                f"AND {inside}(rs.body, er.note) > 0) THEN NULL ELSE er.note END, s.name "
                f"FROM edition_relations er JOIN sources s "
                f"ON s.id = er.source_id WHERE er.{mine} = ? AND er.{theirs} = ?",
                (edition_id, row["id"]),
            )
            found.append(EditionRelation(direction, _edition_summary(row), meta[0], meta[1]))
    return tuple(found)


async def catalog_counts(db: Database) -> dict[str, int]:
    """Headline numbers for `about`."""
    row = await db._fetchone(
        "SELECT (SELECT count(*) FROM films), (SELECT count(*) FROM people), "
        "(SELECT count(*) FROM editions WHERE is_boxset = 0), "
        "(SELECT count(*) FROM editions WHERE is_boxset = 1), "
        "(SELECT count(*) FROM reviews), (SELECT count(*) FROM sources)"
    )
    keys = ("films", "people", "editions", "boxsets", "reviews", "sources")
    return dict(zip(keys, (int(v) for v in row), strict=True)) if row else {}


async def source_names(db: Database) -> list[str]:
    """Each source's name once, in import order (TheDiscDb's releases share one name)."""
    rows = await db._fetchall("SELECT name FROM sources GROUP BY name ORDER BY min(id)")
    return [r[0] for r in rows]


def barcode_variants(code: str) -> list[str]:
    """The spellings of one barcode: a 12-digit UPC-A is the 13-digit EAN with a leading 0."""
    if len(code) == 13 and code.startswith("0"):
        return [code, code[1:]]
    if len(code) == 12:
        return [code, f"0{code}"]
    return [code]


async def editions_by_barcode(db: Database, code: str) -> list[int]:
    """The editions whose UPC/EAN is this barcode, oldest first."""
    codes = barcode_variants(code)
    rows = await db._fetchall(
        f"SELECT id FROM editions WHERE upc IN ({','.join('?' * len(codes))}) ORDER BY id", codes
    )
    return [r[0] for r in rows]


async def editions_by_spine(db: Database, spine: str, label: str | None) -> list[int]:
    """The editions numbered `spine` (as printed, '146'), of the label whose name holds
    `label` when given; the Criterion Collection's first, since its numbers are the ones
    people quote."""
    # LIKE ignores ASCII case in SQLite; PostgreSQL's ILIKE does so.
    like = "ILIKE" if db.dialect == "postgres" else "LIKE"
    of_label = f"AND l.name {like} '%' || ? || '%' " if label is not None else ""
    rows = await db._fetchall(
        "SELECT e.id FROM editions e LEFT JOIN labels l ON l.id = e.label_id "
        f"WHERE e.spine = ? {of_label}"
        "ORDER BY coalesce(l.name, '') != 'The Criterion Collection', e.id",
        (spine.lstrip("0") or "0", *([label] if label is not None else [])),
    )
    return [r[0] for r in rows]


async def boxsets_named(db: Database, query: str) -> list[int]:
    """The box sets whose name is the query, compared as titles are ('the apu trilogy')."""
    wanted = norm_title(query)
    rows = await db._fetchall("SELECT id, title FROM editions WHERE is_boxset = 1 ORDER BY id")
    return [r[0] for r in rows if wanted and norm_title(r[1]) == wanted]


async def titles_and_years(db: Database) -> list[tuple[str, int | None]]:
    """Every film's title and year, in id order (benchmarks draw real queries from it)."""
    rows = await db._fetchall("SELECT title, year FROM films ORDER BY id")
    return [(r[0], r[1]) for r in rows]
