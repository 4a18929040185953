"""`filmbot catalog import-imdb DIR`: IMDb's dataset files (tests/fixtures/imdb, rows in
IMDb's documented format) merged into the bundled catalog: films only, akas as aliases,
billing from principals, matches by IMDb id and by title, year and director, new films,
re-runs that change nothing, malformed rows that write nothing, the CLI."""

from __future__ import annotations

import gzip
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.core.film_cards import film_card
from bot.importers import film_bulk
from bot.importers.bulk_writer import WriterError
from bot.importers.csvrows import CatalogError
from bot.importers.imdb import import_imdb
from bot.render.text import render_card
from bot.store import open_database
from bot.store.bulk_films import BulkRows
from bot.store.films import film_details
from tests.conftest import run_cli, snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imdb"
SOURCE = "(SELECT id FROM sources WHERE uri = 'imdb:datasets')"


async def _import(db_path: Path, folder: Path = FIXTURES, **options: object):
    db = await open_database(db_path)
    try:
        return await import_imdb(db, folder, progress=False, **options)  # type: ignore[arg-type]
    finally:
        await db.close()


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "imdb"
    shutil.copytree(FIXTURES, folder)
    return folder


def _rows(path: Path, query: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(query, params)]


def _film_id(path: Path, where: str, params: tuple = ()) -> int:
    rows = _rows(path, f"SELECT id FROM films WHERE {where}", params)
    assert len(rows) == 1, rows
    return rows[0][0]


def _without_times(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """A snapshot without the columns that record when a row was written."""
    stamp = ("T", "Z")
    return {
        table: sorted(
            (
                tuple(
                    v
                    for v in row
                    if not (
                        isinstance(v, str) and len(v) == 20 and v[10] == stamp[0] and v[-1] == "Z"
                    )
                )
                for row in table_rows
            ),
            key=repr,
        )
        for table, table_rows in rows.items()
    }


# --- what is read --------------------------------------------------------------------------


async def test_films_only(catalog_copy: Path) -> None:
    films_before = _rows(catalog_copy, "SELECT count(*) FROM films")[0][0]
    report = await _import(catalog_copy)
    assert (report.films, report.new_films, report.matched_imdb, report.matched_title) == (
        5,
        1,
        2,
        2,
    )
    # One new film (Conclave); a TV series and its episode, a short, a TV film, an adult
    # film and a film with no year yet are not films of the catalog.
    assert _rows(catalog_copy, "SELECT count(*) FROM films")[0][0] == films_before + 1
    for tconst in ("tt0098936", "tt0757093", "tt9900001", "tt9900002", "tt9900003", "tt9900004"):
        assert _rows(catalog_copy, "SELECT id FROM films WHERE imdb_id = ?", (tconst,)) == []
    # David Lynch wrote and starred in the series only: nobody new from it.
    assert (
        _rows(catalog_copy, "SELECT 1 FROM person_keys WHERE external_key = 'imdb:nm0000186'") == []
    )
    # Duel is a TV film on IMDb and a film of the catalog (Wikidata's): completed only.
    duel = _film_id(catalog_copy, "imdb_id = 'tt0067023'")
    claims = _rows(
        catalog_copy,
        f"SELECT field, value FROM facts WHERE entity = 'film' AND entity_id = ? "
        f"AND source_id = {SOURCE} ORDER BY field",
        (duel,),
    )
    assert ("runtime_min", "89") in claims and ("year", "1971") in claims


async def test_akas_are_aliases_once_each(catalog_copy: Path) -> None:
    await _import(catalog_copy)
    samurai = _film_id(catalog_copy, "external_key = 'wikidata:Q189540'")
    titles = _rows(
        catalog_copy,
        "SELECT t.title, t.kind, s.name FROM film_titles t LEFT JOIN sources s "
        "ON s.id = t.source_id WHERE t.film_id = ? ORDER BY t.id",
        (samurai,),
    )
    assert titles == [
        ("Seven Samurai", "primary", "wikidata_films.csv.gz"),
        ("Shichinin no samurai", "original", "IMDb datasets"),
        ("七人の侍", "alternative", "IMDb datasets"),
        ("Les sept samouraïs", "alternative", "IMDb datasets"),
        ("Die sieben Samurai", "alternative", "IMDb datasets"),
    ]  # 'Seven samurai' (GB) is the title again, after folding
    sunrise = _film_id(catalog_copy, "imdb_id = 'tt0018455'")
    names = {
        t
        for (t,) in _rows(
            catalog_copy, "SELECT title FROM film_titles WHERE film_id = ?", (sunrise,)
        )
    }
    assert names == {"Sunrise: A Song of Two Humans", "Sunrise", "L'Aurore"}


async def test_cast_in_billing_order(catalog_copy: Path) -> None:
    await _import(catalog_copy)
    samurai = _film_id(catalog_copy, "external_key = 'wikidata:Q189540'")
    billed = _rows(
        catalog_copy,
        "SELECT c.billing, p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'cast' AND c.billing IS NOT NULL ORDER BY c.billing",
        (samurai,),
    )
    # principals' `ordering` (the file lists 3 before 2), actors and actresses only: the
    # composer (6) and the director (5) are not cast.
    assert billed == [
        (1, "Toshirō Mifune"),
        (2, "Takashi Shimura"),
        (3, "Keiko Tsushima"),
        (4, "Yukiko Shimazaki"),
        (5, "Kamatari Fujiwara"),
    ]
    db = await open_database(catalog_copy)
    details = await film_details(db, samurai)
    await db.close()
    assert details is not None
    assert details.cast[:3] == ("Toshirō Mifune", "Takashi Shimura", "Keiko Tsushima")
    text = render_card(film_card(details))
    assert "Cast (first 5 in billing order)" in text  # Wikidata's other 17 are unordered
    assert "IMDb datasets" in text  # the footer's sources
    # The order is a claim of its own, with its source.
    assert _rows(
        catalog_copy,
        f"SELECT value FROM facts WHERE entity = 'film' AND entity_id = ? AND field = 'billing' "
        f"AND source_id = {SOURCE}",
        (samurai,),
    ) == [("Toshirô Mifune; Takashi Shimura; Keiko Tsushima; Yukiko Shimazaki; Kamatari Fujiwara",)]


async def test_merged_by_imdb_id_into_the_bundled_film(catalog_copy: Path) -> None:
    before = _rows(
        catalog_copy, "SELECT id, title, year, popularity FROM films WHERE imdb_id = 'tt0047478'"
    )
    await _import(catalog_copy)
    after = _rows(
        catalog_copy, "SELECT id, title, year, popularity FROM films WHERE imdb_id = 'tt0047478'"
    )
    assert len(before) == len(after) == 1  # no duplicate
    assert after[0][:3] == before[0][:3]  # the catalog's film keeps its columns
    assert after[0][3] > before[0][3]  # 380,000 votes raise its popularity
    # Its people are the catalog's, spelled as IMDb spells them too, keyed by IMDb's ids.
    mifune = _rows(catalog_copy, "SELECT id FROM people WHERE norm = 'toshiro mifune'")
    assert len(mifune) == 1
    assert (
        _rows(
            catalog_copy, "SELECT person_id FROM person_keys WHERE external_key = 'imdb:nm0000054'"
        )
        == mifune
    )
    spellings = {
        n
        for (n,) in _rows(
            catalog_copy, "SELECT name FROM person_aliases WHERE person_id = ?", mifune[0]
        )
    }
    assert {"Toshirō Mifune", "Toshirô Mifune"} <= spellings
    kurosawa = _rows(
        catalog_copy,
        "SELECT count(*) FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND p.norm = 'akira kurosawa' AND c.role = 'director'",
        (after[0][0],),
    )
    assert kurosawa == [(1,)]


async def test_merged_by_title_year_and_director(catalog_copy: Path) -> None:
    dune = _film_id(catalog_copy, "external_key LIKE 'enwiki:Dune: Part Two|%'")
    sunrise = _film_id(catalog_copy, "external_key LIKE 'enwiki:Sunrise: A Song of Two Humans|%'")
    await _import(catalog_copy)
    # Wikipedia's list says 2023, IMDb 2024: within a year, and Denis Villeneuve directs.
    assert _rows(catalog_copy, "SELECT id, year, imdb_id FROM films WHERE id = ?", (dune,)) == [
        (dune, 2023, "tt15239678")
    ]
    years = _rows(
        catalog_copy,
        "SELECT fa.value, s.name FROM facts fa JOIN sources s ON s.id = fa.source_id "
        "WHERE fa.entity = 'film' AND fa.entity_id = ? AND fa.field = 'year' ORDER BY s.id",
        (dune,),
    )
    assert years == [("2023", "wikipedia_us_films.csv.gz"), ("2024", "IMDb datasets")]
    # The list gave the billing: IMDb's cast joins it unordered, its order kept.
    assert _rows(
        catalog_copy,
        "SELECT c.billing FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND p.name = 'Zendaya'",
        (dune,),
    ) == [(2,)]
    assert (
        _rows(
            catalog_copy,
            f"SELECT 1 FROM facts WHERE entity_id = ? AND field = 'billing' AND source_id = {SOURCE}",
            (dune,),
        )
        == []
    )
    # Sunrise: IMDb's title is 'Sunrise', its original title the catalog's.
    assert _rows(catalog_copy, "SELECT imdb_id FROM films WHERE id = ?", (sunrise,)) == [
        ("tt0018455",)
    ]
    directors = _rows(
        catalog_copy,
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'director'",
        (sunrise,),
    )
    assert directors == [("F. W. Murnau",)]  # the catalog's person, not a second Murnau


async def test_a_new_film(catalog_copy: Path) -> None:
    await _import(catalog_copy)
    conclave = _film_id(catalog_copy, "external_key = 'imdb:tt20215234'")
    row = _rows(
        catalog_copy,
        "SELECT f.title, f.year, f.runtime_min, f.imdb_id, s.name FROM films f "
        "JOIN sources s ON s.id = f.source_id WHERE f.id = ?",
        (conclave,),
    )
    assert row == [("Conclave", 2024, 120, "tt20215234", "IMDb datasets")]
    credits = _rows(
        catalog_copy,
        "SELECT c.role, c.billing, p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? ORDER BY c.role, c.billing",
        (conclave,),
    )
    assert credits == [
        ("cast", 1, "Ralph Fiennes"),
        ("cast", 2, "Stanley Tucci"),
        ("cast", 3, "John Lithgow"),
        ("cast", 4, "Isabella Rossellini"),
        ("director", 1, "Edward Berger"),
        ("writer", 1, "Peter Straughan"),
    ]
    genres = _rows(
        catalog_copy,
        "SELECT g.name FROM film_genres fg JOIN genres g ON g.id = fg.genre_id "
        "WHERE fg.film_id = ? ORDER BY g.name",
        (conclave,),
    )
    assert genres == [("Drama",), ("Mystery",), ("Thriller",)]
    # Searchable at once by keyword (the keyword text is written by the import).
    assert _rows(
        catalog_copy, "SELECT film_id FROM film_text WHERE film_text MATCH 'konklave'"
    ) == [(conclave,)]


async def test_namesakes_with_other_ids_are_two_people(tmp_path: Path) -> None:
    folder = tmp_path / "namesakes"
    folder.mkdir()
    tab = "\t"

    def write(name: str, rows: list[str]) -> None:
        (folder / name).write_text("\n".join(rows) + "\n", encoding="utf-8")

    write(
        "title.basics.tsv",
        [
            tab.join(("tconst", "titleType", "primaryTitle", "originalTitle", "isAdult",
                      "startYear", "endYear", "runtimeMinutes", "genres")),
            tab.join(("tt9910001", "movie", "First Film", "First Film", "0", "1990", "\\N", "90", "Drama")),
            tab.join(("tt9910002", "movie", "Second Film", "Second Film", "0", "2010", "\\N", "95", "Drama")),
        ],
    )  # fmt: skip
    write(
        "title.principals.tsv",
        [
            tab.join(("tconst", "ordering", "nconst", "category", "job", "characters")),
            tab.join(("tt9910001", "1", "nm9910001", "actor", "\\N", "\\N")),
            tab.join(("tt9910002", "1", "nm9910002", "actor", "\\N", "\\N")),
        ],
    )
    write(
        "name.basics.tsv",
        [
            tab.join(("nconst", "primaryName", "birthYear", "deathYear", "primaryProfession",
                      "knownForTitles")),
            tab.join(("nm9910001", "Jean Dupuis-Namesake", "1950", "\\N", "actor", "\\N")),
            tab.join(("nm9910002", "Jean Dupuis-Namesake", "1985", "\\N", "actor", "\\N")),
        ],
    )  # fmt: skip
    path = tmp_path / "db.sqlite3"
    await _import(path, folder)
    people = _rows(
        path,
        "SELECT k.external_key, p.id FROM person_keys k JOIN people p ON p.id = k.person_id "
        "ORDER BY k.external_key",
    )
    assert [k for k, _ in people] == ["imdb:nm9910001", "imdb:nm9910002"]
    assert people[0][1] != people[1][1]
    before = snapshot(path)
    await _import(path, folder, force=True)  # by their ids again, not by their one name
    assert snapshot(path) == before


# --- re-runs, newer files, the writer process --------------------------------------------------


async def test_a_rerun_changes_nothing(catalog_copy: Path) -> None:
    await _import(catalog_copy)
    before = snapshot(catalog_copy)
    again = await _import(catalog_copy)
    assert again.skipped and "nothing to do" in again.summary()
    forced = await _import(catalog_copy, force=True)
    assert not forced.skipped and forced.rewritten == 1 and forced.matched_imdb == 4
    assert snapshot(catalog_copy) == before
    assert _rows(catalog_copy, "PRAGMA foreign_key_check") == []


@pytest.mark.parametrize("rebuild", [False, True])
async def test_the_writer_process_writes_the_same(
    catalog_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rebuild: bool
) -> None:
    """A big import hands its rows to a writer process: the same rows as in-process, the
    same schema (an import that doubles the catalog sets the indexes of what it fills
    aside and builds them again)."""
    here, there = tmp_path / "here.sqlite3", tmp_path / "there.sqlite3"
    shutil.copyfile(catalog_db, here)
    shutil.copyfile(catalog_db, there)
    await _import(here, pipeline=False)
    if rebuild:

        async def no_films(db: object) -> int:
            return 0

        monkeypatch.setattr(film_bulk.store, "film_count", no_films)
    report = await _import(there, pipeline=True)
    assert report.writer_peak_mib > 0
    assert _without_times(snapshot(there)) == _without_times(snapshot(here))
    assert _rows(there, "PRAGMA foreign_key_check") == []
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
    assert _rows(there, schema) == _rows(here, schema)
    assert _rows(there, "PRAGMA integrity_check") == [("ok",)]


async def test_gzipped_files_are_read_as_published(catalog_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "gz"
    folder.mkdir()
    for path in FIXTURES.iterdir():
        (folder / f"{path.name}.gz").write_bytes(gzip.compress(path.read_bytes()))
    report = await _import(catalog_copy, folder)
    assert (report.films, report.new_films) == (5, 1)


async def test_a_newer_dump_replaces_what_the_older_one_claimed(
    catalog_copy: Path, tmp_path: Path
) -> None:
    folder = _copy(tmp_path)
    await _import(catalog_copy, folder)
    basics = folder / "title.basics.tsv"
    basics.write_text(
        basics.read_text(encoding="utf-8").replace("2024\t\\N\t120\t", "2024\t\\N\t121\t"),
        encoding="utf-8",
    )
    report = await _import(catalog_copy, folder)
    assert report.rewritten == 1
    conclave = _film_id(catalog_copy, "external_key = 'imdb:tt20215234'")
    assert _rows(catalog_copy, "SELECT runtime_min FROM films WHERE id = ?", (conclave,)) == [
        (121,)
    ]
    assert _rows(
        catalog_copy,
        "SELECT value FROM facts WHERE entity_id = ? AND field = 'runtime_min'",
        (conclave,),
    ) == [("121",)]  # the older claim (120) is gone
    assert len(_rows(catalog_copy, "SELECT id FROM sources WHERE uri = 'imdb:datasets'")) == 1


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "title.principals.tsv",
            "tt0047478\t2\tnm0793111",
            "tt0047478\tsecond\tnm0793111",
            "title.principals.tsv, line 8: ordering 'second' is not a whole number",
        ),
        (
            "title.basics.tsv",
            "Conclave\t0\t2024\t\\N\t120\t",
            "Conclave\t0\t2024\t120\t",
            "title.basics.tsv, line 8: expected 9 tab-separated fields, found 8",
        ),
        (
            "name.basics.tsv",
            "nm0898288\tDenis Villeneuve",
            "nm0898288\t\\N",
            "name.basics.tsv, line 30: primaryName is empty",
        ),
        (
            "title.basics.tsv",
            "0\t1954\t\\N\t207",
            "0\t1954\t\\N\tlong",
            "title.basics.tsv, line 3: runtimeMinutes 'long' is not a whole number",
        ),
    ],
)
async def test_a_malformed_row_names_its_file_and_line_and_writes_nothing(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    db = tmp_path / "db.sqlite3"
    await _import(db)  # a catalog to leave as it is
    folder = _copy(tmp_path)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = snapshot(db)
    with pytest.raises(CatalogError) as caught:
        await _import(db, folder)
    assert str(caught.value) == message
    assert snapshot(db) == before


@pytest.mark.parametrize("pipeline", [False, True])
async def test_a_failure_while_writing_rolls_everything_back(
    catalog_copy: Path, monkeypatch: pytest.MonkeyPatch, pipeline: bool
) -> None:
    """A row the database refuses, after other batches were written: nothing stays, in
    this process's transaction as in the writer process's."""
    monkeypatch.setattr(film_bulk, "BATCH_FILMS", 2)
    taken = 0
    take = BulkRows.take

    def refused_second_batch(self: BulkRows) -> dict:
        nonlocal taken
        batch = take(self)
        taken += 1
        if taken == 2:
            batch.setdefault("people", []).append((None, None, None))  # NOT NULL name
        return batch

    monkeypatch.setattr(BulkRows, "take", refused_second_batch)
    before = snapshot(catalog_copy)
    with pytest.raises((sqlite3.IntegrityError, WriterError), match="NOT NULL"):
        await _import(catalog_copy, pipeline=pipeline)
    assert taken >= 2
    assert snapshot(catalog_copy) == before


async def test_a_missing_file_or_folder_is_said(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=re.escape("no title.basics.tsv.gz")):
        await _import(tmp_path / "db.sqlite3", tmp_path)
    folder = _copy(tmp_path)
    (folder / "name.basics.tsv").unlink()
    with pytest.raises(CatalogError, match=re.escape("need name.basics")):
        await _import(tmp_path / "db.sqlite3", folder)


# --- the CLI ---------------------------------------------------------------------------------------


def test_cli_imports_and_refuses_a_bad_file_in_one_line(catalog_copy: Path, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    crew = folder / "title.crew.tsv"
    crew.write_text(
        crew.read_text(encoding="utf-8").replace(
            "nm0074163\tnm0834902", "Edward Berger\tnm0834902"
        ),
        encoding="utf-8",
    )
    before = snapshot(catalog_copy)
    refused = run_cli("catalog", "import-imdb", str(folder), db=catalog_copy)
    assert refused.returncode == 2, refused.stderr
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert lines == [
        "filmbot: IMDb datasets were not imported, nothing was written: title.crew.tsv, "
        "line 7: directors 'Edward Berger' is not an IMDb person id (nm…)"
    ]
    assert snapshot(catalog_copy) == before

    done = run_cli("catalog", "import-imdb", str(FIXTURES), db=catalog_copy)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert done.stdout.startswith("IMDb datasets: 5 films (1 new; 4 already in the catalog")
    again = run_cli("catalog", "import-imdb", str(FIXTURES), db=catalog_copy)
    assert again.returncode == 0
    assert again.stdout == "IMDb datasets: these files were imported already; nothing to do\n"
    answer = run_cli("ask", "!film conclave", db=catalog_copy)
    assert "Conclave (2024)" in answer.stdout and "Edward Berger" in answer.stdout
