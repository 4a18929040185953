"""The Cannes and Wikipedia lists merged into the Wikidata catalog: one film is one row,
every fact keeps its source, original titles find their film, billing where a list gives
it, and bad rows name their file and line with nothing written."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.importers.catalog import CatalogFiles, build_catalog
from bot.importers.csvrows import CatalogError
from bot.importers.film_merge import FilmIndex
from bot.importers.wikipedia_films import _person
from bot.store import open_database

BUNDLED = CatalogFiles.bundled()


def _rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def _films(path: Path, title: str) -> list[tuple]:
    return _rows(
        path,
        "SELECT DISTINCT f.id, f.title, f.year, f.external_key FROM films f "
        "JOIN film_titles t ON t.film_id = f.id WHERE t.title = ? ORDER BY f.year",
        (title,),
    )


def test_one_film_under_three_spellings_is_one_row(catalog_db: Path) -> None:
    """Wikidata's 'MASH', Cannes' and Wikipedia's 'M*A*S*H' (1970) are one film."""
    found = _films(catalog_db, "M*A*S*H")
    assert [(t, y) for _, t, y, _ in found] == [("MASH", 1970)]
    (film_id,) = [f[0] for f in found]
    sources = {
        r[0]
        for r in _rows(
            catalog_db,
            "SELECT s.name FROM facts x JOIN sources s ON s.id = x.source_id "
            "WHERE x.entity = 'film' AND x.entity_id = ?",
            (film_id,),
        )
    }
    assert {
        "wikidata_films.csv.gz",
        "cannes_films.csv.gz",
        "wikipedia_us_films.csv.gz",
    } <= sources


def test_films_the_first_catalog_lacked_are_added_once(catalog_db: Path) -> None:
    # After 2014 (Cannes), before 1940 (Wikipedia): each once, with its director.
    parasite = _films(catalog_db, "Parasite")
    assert [y for *_, y, _ in parasite] == [1982, 2019]
    smith = _films(catalog_db, "Mr. Smith Goes to Washington")
    assert len(smith) == 1 and smith[0][2] == 1939
    directors = _rows(
        catalog_db,
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'director'",
        (parasite[1][0],),
    )
    # Cannes spells him 'Bong Joon Ho'; he is the person Wikidata already knew.
    assert directors == [("Bong Joon-ho",)]


def test_original_titles_are_names_of_the_film(catalog_db: Path) -> None:
    rows = _rows(
        catalog_db,
        "SELECT f.title, f.year, t.kind FROM film_titles t JOIN films f ON f.id = t.film_id "
        "WHERE t.title IN ('Letyat zhuravli', 'Les quatre cents coups', 'Gisaengchung')",
    )
    assert sorted(rows) == [
        ("Parasite", 2019, "original"),
        ("The 400 Blows", 1959, "original"),
        ("The Cranes Are Flying", 1957, "original"),
    ]


def test_cast_takes_the_lists_billing_and_names_its_source(catalog_db: Path) -> None:
    """Wikidata's cast is alphabetical; Wikipedia's list gives the billing."""
    (film_id,) = [f[0] for f in _films(catalog_db, "Casablanca") if f[2] == 1942]
    billed = _rows(
        catalog_db,
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'cast' AND c.billing IS NOT NULL "
        "ORDER BY c.billing LIMIT 2",
        (film_id,),
    )
    assert billed == [("Humphrey Bogart",), ("Ingrid Bergman",)]
    order = _rows(
        catalog_db,
        "SELECT s.name FROM facts x JOIN sources s ON s.id = x.source_id "
        "WHERE x.entity = 'film' AND x.entity_id = ? AND x.field = 'billing'",
        (film_id,),
    )
    assert order == [("wikipedia_us_films.csv.gz",)]


def test_a_lists_director_guess_is_cleaned_or_dropped() -> None:
    assert _person("Academy Award-winner Lewis Milestone") == "Lewis Milestone"
    assert _person("Erich von Stroheim") == "Erich von Stroheim"
    assert _person("produced by Hal Roach") is None
    assert _person("Gun") is None


def test_same_title_and_year_without_directors_is_not_guessed() -> None:
    index = FilmIndex()
    index.add_title(1, "The Harbour", 1950)
    index.add_title(2, "The Harbour", 1950)
    index.add_director(1, "Ada Crane")
    assert index.match(["The Harbour"], range(1949, 1952), []) is None
    assert index.match(["The Harbour"], range(1949, 1952), ["Ada Crane"]) == 1
    assert index.match(["The Harbour"], range(1949, 1952), ["Ivo Brandt"]) == 2
    assert index.match(["The Harbour"], range(1960, 1962), []) is None


def _copy_bundled(target: Path) -> CatalogFiles:
    target.mkdir()
    for path in BUNDLED.all():
        shutil.copy(path, target / path.name)
    return CatalogFiles.bundled(target)


@pytest.mark.parametrize(
    ("name", "old", "new", "reason"),
    [
        ("cannes_films.csv.gz", ",fr,FR,", ",fr,ZZ,", "unknown country code 'ZZ'"),
        ("cannes_films.csv.gz", ",tt0053198", ",nm0053198", "is not an IMDb title id"),
        (
            "wikipedia_us_films.csv.gz",
            "Mr. Smith Goes to Washington,1939,",
            "Mr. Smith Goes to Washington,19x9,",
            "is not a number",
        ),
    ],
)
async def test_a_bad_row_names_its_file_and_line_and_writes_nothing(
    tmp_path: Path, name: str, old: str, new: str, reason: str
) -> None:
    files = _copy_bundled(tmp_path / "data")
    path = tmp_path / "data" / name
    text = gzip.decompress(path.read_bytes()).decode()
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_bytes(gzip.compress(text.replace(old, new, 1).encode()))
    db = await open_database(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(CatalogError) as caught:
            await build_catalog(db, files, progress=False)
        assert f"{name}, line {line}" in str(caught.value)
        assert reason in str(caught.value)
        assert (await db.stats())["films"] == 0
    finally:
        await db.close()


def test_about_states_coverage_by_era_and_source_and_the_share_alike(seeded_copy: Path) -> None:
    from tests.conftest import run_cli

    text = " ".join(run_cli("ask", "--as", "text", "!about", db=seeded_copy).stdout.split())
    assert "Films by era" in text and "before 1940:" in text and "2015 on:" in text
    assert "Wikipedia lists:" in text and "Cannes:" in text and "Wikidata:" in text
    assert "CC BY-SA 4.0" in text
    later = int(text.split("2015 on: ")[1].split()[0].replace(",", ""))
    assert later > 2000  # the Wikidata catalog alone stopped at 2014


def test_a_title_with_its_subtitle_is_the_film_of_its_main_title(catalog_db: Path) -> None:
    """Wikipedia's 'Dr. Strangelove or: How I Learned ...' names no director; its cast
    (Sellers, Scott) says it is Wikidata's 'Dr. Strangelove'."""
    found = _films(
        catalog_db, "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"
    )
    assert [(t, y) for _, t, y, _ in found] == [("Dr. Strangelove", 1964)]


def test_a_subtitle_alone_needs_a_director_or_two_actors_in_common() -> None:
    index = FilmIndex()
    index.add_title(1, "Harbour", 1950)
    index.add_director(1, "Ada Crane")
    index.add_cast(1, ["Ivo Brandt", "Lena Moss", "Otto Ferns"])
    long = ["Harbour: A Story of the Sea"]
    assert index.match(long, range(1949, 1952), []) is None
    assert index.match(long, range(1949, 1952), [], cast=["Lena Moss"]) is None
    assert index.match(long, range(1949, 1952), [], cast=["Lena Moss", "Otto Ferns"]) == 1
    assert index.match(long, range(1949, 1952), ["Ada Crane"]) == 1
    assert index.match(long, range(1960, 1962), ["Ada Crane"]) is None


def test_a_subtitle_is_the_film_of_its_full_title_with_two_actors_in_common() -> None:
    index = FilmIndex()
    index.add_title(1, "Harbour Saga: Part II – The Storm Returns", 1981)
    index.add_cast(1, ["Ivo Brandt", "Lena Moss"])
    assert index.match(["The Storm Returns"], range(1980, 1983), [], cast=["Lena Moss"]) is None
    two = ["Ivo Brandt", "Lena Moss"]
    assert index.match(["The Storm Returns"], range(1980, 1983), [], cast=two) == 1


def test_a_festival_year_gives_way_to_a_listed_release_year(catalog_db: Path) -> None:
    """Cannes dates a film by the year it competed: Pather Panchali (1955) competed in
    1956. The Criterion list's 1955 dates it; the festival year stays its own fact."""
    (film,) = _films(catalog_db, "Pather Panchali")
    assert film[2] == 1955
    facts = _rows(
        catalog_db,
        "SELECT x.field, x.value, s.name FROM facts x JOIN sources s ON s.id = x.source_id "
        "WHERE x.entity = 'film' AND x.entity_id = ? AND x.field IN "
        "('year', 'cannes_competition') ORDER BY x.field",
        (film[0],),
    )
    assert facts == [
        ("cannes_competition", "1956", "cannes_films.csv.gz"),
        ("year", "1955", "criterion.csv.gz"),
    ]
