"""`filmbot catalog import-wikidata FILE`: the result of docs/wikidata-query.md's query in
both of query.wikidata.org's download formats (tests/fixtures/wikidata: SPARQL JSON with
GROUP_CONCAT lists, CSV with one row per value), merged into the bundled catalog."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.core.film_cards import film_card
from bot.importers import wikidata_query
from bot.importers.csvrows import CatalogError
from bot.importers.wikidata_query import import_wikidata_query, read_query_result
from bot.render.text import render_card
from bot.store import open_database
from bot.store.films import film_details
from tests.conftest import run_cli, snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wikidata"
JSON, CSV = FIXTURES / "films.json", FIXTURES / "films.csv"


async def _import(db_path: Path, path: Path = JSON, **options: object):
    db = await open_database(db_path)
    try:
        return await import_wikidata_query(db, path, progress=False, **options)  # type: ignore[arg-type]
    finally:
        await db.close()


def _rows(path: Path, query: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(query, params)]


def _film(path: Path, where: str, params: tuple = ()) -> int:
    rows = _rows(path, f"SELECT id FROM films WHERE {where}", params)
    assert len(rows) == 1, rows
    return rows[0][0]


def _claims(path: Path, film_id: int) -> set[tuple[str, str]]:
    return set(
        _rows(
            path,
            "SELECT fa.field, fa.value FROM facts fa JOIN sources s ON s.id = fa.source_id "
            "WHERE fa.entity = 'film' AND fa.entity_id = ? AND s.name = 'Wikidata query'",
            (film_id,),
        )
    )


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [JSON, CSV])
def test_both_shapes_give_the_same_films(path: Path) -> None:
    items, no_label = read_query_result(path)
    assert no_label == 1  # Q9900005 has no English label (WDQS gives its Q-id)
    by_id = {item.qid: item for item in items}
    assert list(by_id) == ["Q189540", "Q9900002", "Q9900003", "Q9900004", "Q9900006"]
    samurai = by_id["Q189540"]
    assert (samurai.title, samurai.original, samurai.year, samurai.imdb, samurai.runtime) == (
        "Seven Samurai",
        "七人の侍",
        1954,
        "tt0047478",
        207,
    )
    assert [(p.id, p.name) for p in samurai.directors.values()] == [("Q8006", "Akira Kurosawa")]
    assert [p.name for p in samurai.cast.values()] == ["Toshiro Mifune", "Takashi Shimura"]
    assert list(samurai.genres) == ["Jidaigeki", "Drama"]  # ' film' dropped
    assert samurai.sitelinks == 80
    zone = by_id["Q9900002"]
    assert list(zone.countries) == ["United Kingdom", "Poland", "United States"]
    assert by_id["Q9900006"].year is None


def test_json_is_read_as_a_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read a few bytes at a time, the bindings and their lines come out the same."""
    whole = read_query_result(JSON)
    monkeypatch.setattr(wikidata_query, "_CHUNK", 7)
    assert read_query_result(JSON) == whole


# --- merging ------------------------------------------------------------------------------------


async def test_merged_by_item_imdb_id_and_title(catalog_copy: Path) -> None:
    films_before = _rows(catalog_copy, "SELECT count(*) FROM films")[0][0]
    samurai = _film(catalog_copy, "external_key = 'wikidata:Q189540'")
    zone = _film(catalog_copy, "imdb_id = 'tt7160372'")
    sunrise = _film(catalog_copy, "external_key LIKE 'enwiki:Sunrise: A Song of Two Humans|%'")
    report = await _import(catalog_copy)
    assert (report.films, report.no_label, report.not_found) == (5, 1, 1)
    assert (report.by_item, report.by_imdb, report.by_title, report.new_films) == (1, 1, 1, 1)
    assert "1 by Wikidata item, 1 by IMDb id, 1 by title, year and director" in report.summary()
    # One new film only (The Brutalist); the undated item the catalog lacks is left out.
    assert _rows(catalog_copy, "SELECT count(*) FROM films")[0][0] == films_before + 1
    assert _rows(catalog_copy, "SELECT 1 FROM films WHERE external_key = 'wikidata:Q9900006'") == []

    # Seven Samurai, by its item: the bundled film, completed, its claims beside the others.
    assert ("runtime_min", "207") in _claims(catalog_copy, samurai)
    assert ("wikidata_id", "Q189540") in _claims(catalog_copy, samurai)
    assert _rows(
        catalog_copy,
        "SELECT kind FROM film_titles WHERE film_id = ? AND title = '七人の侍'",
        (samurai,),
    ) == [("original",)]
    kurosawa = _rows(
        catalog_copy,
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'director'",
        (samurai,),
    )
    assert kurosawa == [("Akira Kurosawa",)]  # one Kurosawa, now keyed by his item
    assert _rows(
        catalog_copy,
        "SELECT p.name FROM person_keys k JOIN people p ON p.id = k.person_id "
        "WHERE k.external_key = 'wikidata:Q8006'",
    ) == [("Akira Kurosawa",)]
    # The Zone of Interest (the Cannes list's), by its IMDb id; Sunrise by title, year
    # and (no director on the list's film: the one film of that title and year).
    assert ("year", "2023") in _claims(catalog_copy, zone)
    assert _rows(
        catalog_copy,
        "SELECT c.name FROM film_countries fc JOIN countries c ON c.id = fc.country_id "
        "WHERE fc.film_id = ? ORDER BY c.name",
        (zone,),
    ) == [("Poland",), ("United Kingdom",), ("United States",)]
    assert ("title", "Sunrise: A Song of Two Humans") in _claims(catalog_copy, sunrise)
    assert _rows(
        catalog_copy,
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'director'",
        (sunrise,),
    ) == [("F. W. Murnau",)]


async def test_a_new_film_with_its_cast_unordered(catalog_copy: Path) -> None:
    await _import(catalog_copy)
    brutalist = _film(catalog_copy, "external_key = 'wikidata:Q9900004'")
    assert _rows(
        catalog_copy,
        "SELECT f.title, f.year, f.runtime_min, s.name FROM films f JOIN sources s "
        "ON s.id = f.source_id WHERE f.id = ?",
        (brutalist,),
    ) == [("The Brutalist", 2024, 215, "Wikidata query")]
    assert _rows(
        catalog_copy,
        "SELECT count(*) FROM credits WHERE film_id = ? AND role = 'cast' AND billing IS NULL",
        (brutalist,),
    ) == [(3,)]
    db = await open_database(catalog_copy)
    details = await film_details(db, brutalist)
    await db.close()
    assert details is not None
    text = render_card(film_card(details))
    assert "Cast (not in billing order)" in text
    assert "Brady Corbet" in text and "sources: Wikidata query" in text


async def test_csv_and_json_write_the_same_films(catalog_db: Path, tmp_path: Path) -> None:
    from_json, from_csv = tmp_path / "json.sqlite3", tmp_path / "csv.sqlite3"
    shutil.copyfile(catalog_db, from_json)
    shutil.copyfile(catalog_db, from_csv)
    await _import(from_json, JSON)
    await _import(from_csv, CSV)
    json_rows, csv_rows = snapshot(from_json), snapshot(from_csv)
    for table in ("film_titles", "credits", "film_genres", "film_countries", "person_keys"):
        assert json_rows[table] == csv_rows[table], table
    assert json_rows["facts"] == csv_rows["facts"]


async def test_a_rerun_changes_nothing(catalog_copy: Path) -> None:
    await _import(catalog_copy)
    before = snapshot(catalog_copy)
    again = await _import(catalog_copy)
    assert again.skipped and "nothing to do" in again.summary()
    forced = await _import(catalog_copy, force=True)
    assert forced.rewritten == 1 and forced.by_item == 1
    assert snapshot(catalog_copy) == before
    assert _rows(catalog_copy, "PRAGMA foreign_key_check") == []


async def test_a_newer_download_under_the_same_name_replaces_its_claims(
    catalog_copy: Path, tmp_path: Path
) -> None:
    path = tmp_path / "films.json"
    shutil.copyfile(JSON, path)
    await _import(catalog_copy, path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"value" : "215"', '"value" : "214"'),
        encoding="utf-8",
    )
    assert (await _import(catalog_copy, path)).rewritten == 1
    brutalist = _film(catalog_copy, "external_key = 'wikidata:Q9900004'")
    assert {v for f, v in _claims(catalog_copy, brutalist) if f == "runtime_min"} == {"214"}
    # Another file is another source: both are kept.
    other = tmp_path / "films-1950s.json"
    shutil.copyfile(JSON, other)
    await _import(catalog_copy, other)
    assert _rows(
        catalog_copy, "SELECT uri FROM sources WHERE name = 'Wikidata query' ORDER BY id"
    ) == [("wikidata-query:films.json",), ("wikidata-query:films-1950s.json",)]


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        (
            JSON,
            '"value" : "Q8006:Akira Kurosawa"\n',
            '"value" : "Q8006:Akira Kurosawa"\n          "x" : 1\n',
            "films.json, line 51: not valid JSON (Expecting ',' delimiter)",
        ),
        (
            JSON,
            '"value" : "215"',
            '"value" : "three hours"',
            "films.json, line 163: runtime 'three hours' is not a number",
        ),
        (
            JSON,
            "http://www.wikidata.org/entity/Q9900004",
            "http://www.wikidata.org/entity/L9900004",
            "films.json, line 163: 'http://www.wikidata.org/entity/L9900004' is not a Wikidata item (Q…)",
        ),
        (
            CSV,
            ",1927-09-23T00:00:00Z,",
            ",1927-09-23T00:00:00Z,,,",
            "films.csv, line 18: expected 13 fields, found 15",
        ),
        (
            CSV,
            "2024-09-01T00:00:00Z",
            "the first of September",
            "films.csv, line 22: date 'the first of September' is not a date or a year",
        ),
    ],
)
async def test_a_malformed_row_names_its_file_and_line_and_writes_nothing(
    tmp_path: Path, path: Path, old: str, new: str, message: str
) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / path.name
    bad.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")
    db = tmp_path / "db.sqlite3"
    await _import(db, JSON if path == CSV else CSV)  # a catalog to leave as it is
    before = snapshot(db)
    with pytest.raises(CatalogError) as caught:
        await _import(db, bad)
    assert str(caught.value) == message
    assert snapshot(db) == before


def test_not_a_result_at_all(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"head": {"vars": []}}', encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape("no results.bindings")):
        read_query_result(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(CatalogError, match="empty"):
        read_query_result(path)


# --- the CLI ---------------------------------------------------------------------------------------


def test_cli_imports_and_refuses_a_bad_file_in_one_line(catalog_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "films.csv"
    bad.write_text(CSV.read_text(encoding="utf-8").replace(",207,", ",long,", 1), encoding="utf-8")
    before = snapshot(catalog_copy)
    refused = run_cli("catalog", "import-wikidata", str(bad), db=catalog_copy)
    assert refused.returncode == 2, refused.stderr
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "filmbot: the Wikidata query result was not imported, nothing was written: "
        "films.csv, line 2: runtime 'long' is not a number"
    ]
    assert snapshot(catalog_copy) == before

    done = run_cli("catalog", "import-wikidata", str(JSON), db=catalog_copy)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert done.stdout.startswith("Wikidata query: 5 films (1 new; 3 already in the catalog")
    answer = run_cli("ask", "!film the brutalist", db=catalog_copy)
    assert "The Brutalist (2024)" in answer.stdout and "Brady Corbet" in answer.stdout
