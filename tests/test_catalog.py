"""The bundled catalog import: counts, linking, messy cells, idempotence, bad rows."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.importers import catalog as catalog_module
from bot.importers.catalog import CatalogFiles, build_catalog
from bot.importers.csvrows import CatalogError
from bot.store import open_database
from tests.conftest import run_cli, snapshot

BUNDLED = CatalogFiles.bundled()


def _rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def test_import_counts(catalog_db: Path) -> None:
    (films,) = _rows(catalog_db, "SELECT count(*) FROM films")[0]
    (wikidata,) = _rows(
        catalog_db, "SELECT count(*) FROM films WHERE external_key LIKE 'wikidata:%'"
    )[0]
    assert wikidata == 17472  # every row of the CC0 catalog, none dropped
    assert films > wikidata  # plus Criterion films the catalog lacks (pre-1940, post-2014...)
    (criterion_editions,) = _rows(
        catalog_db,
        "SELECT count(*) FROM editions e JOIN labels l ON l.id = e.label_id "
        "WHERE l.name = 'The Criterion Collection' AND e.external_key LIKE 'criterion:%'",
    )[0]
    # 1,716 rows: spine 88 holds two films (one edition) and one box set named only in
    # boxsets.csv is added, so the edition count equals the row count.
    assert criterion_editions == 1716
    (boxsets,) = _rows(
        catalog_db,
        "SELECT count(*) FROM editions WHERE is_boxset = 1 AND external_key LIKE 'criterion:%'",
    )[0]
    assert boxsets == 148  # TheDiscDb's sample adds its own (the Wes Anderson Archive)
    (sources,) = _rows(catalog_db, "SELECT count(*) FROM sources WHERE kind = 'catalog'")[0]
    assert sources == 5  # Wikidata, Criterion, box sets, Cannes, Wikipedia


def test_cranes_are_flying_is_linked_to_spine_146(catalog_db: Path) -> None:
    rows = _rows(
        catalog_db,
        "SELECT f.external_key, f.year, e.spine FROM films f "
        "JOIN edition_films ef ON ef.film_id = f.id JOIN editions e ON e.id = ef.edition_id "
        "WHERE f.title = 'The Cranes Are Flying'",
    )
    assert rows == [("wikidata:Q714524", 1957, "146")]
    directors = _rows(
        catalog_db,
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "JOIN films f ON f.id = c.film_id WHERE f.title = 'The Cranes Are Flying' "
        "AND c.role = 'director'",
    )
    assert directors == [("Mikhail Kalatozov",)]


def test_same_title_different_films_stay_apart(catalog_db: Path) -> None:
    rows = _rows(
        catalog_db,
        "SELECT f.year, e.spine FROM films f LEFT JOIN edition_films ef ON ef.film_id = f.id "
        "LEFT JOIN editions e ON e.id = ef.edition_id WHERE f.title = 'Solaris' ORDER BY f.year",
    )
    assert rows == [(1972, "164"), (2002, None)]


def test_spelling_variants_link_but_sequels_do_not(catalog_db: Path) -> None:
    def linked(edition_title: str) -> list[tuple]:
        return _rows(
            catalog_db,
            "SELECT f.external_key, f.title FROM editions e JOIN edition_films ef "
            "ON ef.edition_id = e.id JOIN films f ON f.id = ef.film_id "
            "WHERE e.title = ? AND e.is_boxset = 0",
            (edition_title,),
        )

    assert linked("Three Colors: Blue")[0][1] == "Three Colours: Blue"
    assert linked("Mulholland Dr.")[0][1] == "Mulholland Drive"
    assert linked("Blow-Up")[0][1] == "Blowup"
    # Same director, adjacent year, nearly the same title, but a different number.
    assert linked("Once Upon a Time in China V") == [
        ("criterion:film:once upon a time in china v:1994", "Once Upon a Time in China V")
    ]


def test_names_are_split_whole(catalog_db: Path) -> None:
    bogus = _rows(
        catalog_db,
        "SELECT name FROM people WHERE name IN ('Jr.', 'Sr.', 'II', 'III') "
        "OR name LIKE 'and %' OR name LIKE '% and' OR name = ''",
    )
    assert bogus == []
    assert _rows(catalog_db, "SELECT count(*) FROM people WHERE name = 'William Broyles, Jr.'") == [
        (1,)
    ]


def test_messy_cells_are_cleaned_not_dropped(catalog_db: Path) -> None:
    # Stray tabs and newlines are gone from every Criterion-derived title and country.
    bad = _rows(
        catalog_db, "SELECT title FROM editions WHERE title GLOB '*[\t\n]*' OR title != trim(title)"
    )
    assert bad == []
    # 'Carl Th. Dreyer' is an alias of the catalog's 'Carl Theodor Dreyer', not a new person.
    dreyer = _rows(
        catalog_db,
        "SELECT DISTINCT person_id FROM person_aliases "
        "WHERE name IN ('Carl Th. Dreyer', 'Carl Theodor Dreyer')",
    )
    assert len(dreyer) == 1
    joan = _rows(
        catalog_db,
        "SELECT p.name FROM films f JOIN credits c ON c.film_id = f.id AND c.role = 'director' "
        "JOIN people p ON p.id = c.person_id WHERE f.title = 'The Passion of Joan of Arc'",
    )
    assert joan == [("Carl Theodor Dreyer",)]
    # Spine NA rows are kept as unnumbered editions.
    (unnumbered,) = _rows(
        catalog_db, "SELECT count(*) FROM editions WHERE spine IS NULL AND is_boxset = 0"
    )[0]
    assert unnumbered > 300
    killers = _rows(
        catalog_db,
        "SELECT f.year FROM editions e JOIN edition_films ef ON ef.edition_id = e.id "
        "JOIN films f ON f.id = ef.film_id WHERE e.spine IS NULL AND e.title = 'The Killers' "
        "ORDER BY f.year",
    )
    assert killers == [(1946,), (1964,)]
    # Spine 88 is one edition holding both parts of Ivan the Terrible.
    ivan = _rows(
        catalog_db,
        "SELECT count(*) FROM edition_films ef JOIN editions e "
        "ON e.id = ef.edition_id WHERE e.spine = '88'",
    )
    assert ivan == [(2,)]
    # Two directors in one cell become two credits.
    lost_honor = _rows(
        catalog_db,
        "SELECT p.name FROM films f JOIN credits c ON c.film_id = f.id AND c.role = 'director' "
        "JOIN people p ON p.id = c.person_id WHERE f.title = 'The Lost Honor of Katharina Blum' "
        "ORDER BY c.billing",
    )
    assert [r[0] for r in lost_honor] == ["Volker Schlöndorff", "Margarethe von Trotta"]


def test_box_sets_are_kept_with_their_films(catalog_db: Path) -> None:
    members = _rows(
        catalog_db,
        "SELECT f.title FROM editions e JOIN edition_films ef ON ef.edition_id = e.id "
        "JOIN films f ON f.id = ef.film_id WHERE e.title = 'Roberto Rossellini’s War Trilogy' "
        "ORDER BY ef.position",
    )
    # Linked to the catalog's films, whose titles have commas the set's list lacks.
    # Paisan is Wikidata's Paisà: linked by director and year although spelled differently.
    assert [m[0] for m in members] == ["Rome, Open City", "Paisà", "Germany, Year Zero"]
    # The BRD Trilogy's 'Lola' is Fassbinder's (1981), not Demy's (1961) that shares the title.
    lola = _rows(
        catalog_db,
        "SELECT f.year FROM editions e JOIN edition_films ef ON ef.edition_id = e.id "
        "JOIN films f ON f.id = ef.film_id WHERE e.title = 'The BRD Trilogy' AND f.title = 'Lola'",
    )
    assert lola == [(1981,)]
    # A set the list names without films is still a box set.
    empty = _rows(
        catalog_db,
        "SELECT is_boxset FROM editions WHERE title = '100 Years of Olympic Films: 1912–2012'",
    )
    assert empty == [(1,)]


async def test_second_start_skips_and_forced_rerun_changes_nothing(catalog_copy: Path) -> None:
    before = snapshot(catalog_copy)
    db = await open_database(catalog_copy)
    try:
        assert (await build_catalog(db, progress=False)).skipped
        report = await build_catalog(db, force=True, progress=False)
        assert not report.skipped
    finally:
        await db.close()
    assert snapshot(catalog_copy) == before


def _copy_bundled(target: Path) -> CatalogFiles:
    target.mkdir(parents=True, exist_ok=True)
    for path in BUNDLED.all():
        shutil.copyfile(path, target / path.name)
    return CatalogFiles.bundled(target)


def _edit_gz(path: Path, edit) -> None:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress(edit(text).encode("utf-8")))


def _break_line(text: str, line_no: int, old: str, new: str) -> str:
    lines = text.split("\n")
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    return "\n".join(lines)


async def test_malformed_row_names_file_and_line_and_writes_nothing(tmp_path: Path) -> None:
    files = _copy_bundled(tmp_path / "data")
    # Line 3 of the Wikidata file is the Intouchables row: give it a year that is no year.
    _edit_gz(files.wikidata, lambda t: _break_line(t, 3, ",2011,", ",twenty-eleven,"))
    db_path = tmp_path / "db.sqlite3"
    db = await open_database(db_path)
    before = await db.stats()
    with pytest.raises(CatalogError) as caught:
        await build_catalog(db, files, progress=False)
    assert caught.value.path.name == "wikidata_films.csv.gz"
    assert caught.value.line == 3
    assert "Year 'twenty-eleven' is not a number" in str(caught.value)
    assert await db.stats() == before
    await db.close()


async def test_ragged_multiline_row_reports_its_first_line(tmp_path: Path) -> None:
    files = _copy_bundled(tmp_path / "data")

    # Criterion records span several physical lines; an extra field on the record for
    # spine 2 must be reported at the line the record starts on.
    def add_field(text: str) -> str:
        start = text.index('"2","')
        end = text.index("Akira Kurosawa", start)
        end = text.index('"', end) + 1
        return text[:end] + ',"extra"' + text[end:]

    _edit_gz(files.criterion, add_field)
    text = gzip.decompress(files.criterion.read_bytes()).decode()
    expected_line = text[: text.index('"2","')].count("\n") + 1
    db = await open_database(tmp_path / "db.sqlite3")
    with pytest.raises(CatalogError, match="expected 5 fields, found 6") as caught:
        await build_catalog(db, files, progress=False)
    assert caught.value.line == expected_line
    assert (await db.stats())["films"] == 0
    await db.close()


async def test_failure_during_write_rolls_back_everything(catalog_copy: Path, monkeypatch) -> None:
    """An error after the Wikidata rows were written leaves the database as it was."""
    before = snapshot(catalog_copy)

    async def explode(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(catalog_module._Writer, "write_criterion", explode)
    db = await open_database(catalog_copy)
    with pytest.raises(RuntimeError, match="disk on fire"):
        await build_catalog(db, force=True, progress=False)
    await db.close()
    assert snapshot(catalog_copy) == before


def test_cli_rejects_bad_catalog_with_file_and_line(tmp_path: Path) -> None:
    files = _copy_bundled(tmp_path / "data")
    _edit_gz(files.criterion, lambda t: t.replace('"146"', '"14six"', 1))
    db_path = tmp_path / "cli.sqlite3"
    result = run_cli("catalog", "--data-dir", str(files.wikidata.parent), db=db_path)
    assert result.returncode == 2
    assert "criterion.csv.gz, line" in result.stderr
    assert "spine '14six' is neither a number nor NA" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM films").fetchone() == (0,)
