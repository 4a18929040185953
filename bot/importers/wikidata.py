"""The bundled CC0 Wikidata film catalog (`data/wikidata_films.csv.gz`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from bot.importers.csvrows import CatalogError, iter_rows, parse_date, parse_float, parse_int
from bot.text import clean_cell, split_cast, split_list, split_names

COLUMNS = (
    "ID",
    "imdbID",
    "Title",
    "Year",
    "Runtime",
    "Genre",
    "Released",
    "Director",
    "Writer",
    "Cast",
    "Language",
    "Country",
    "Oscars",
    "RT_Reviews",
)


@dataclass(frozen=True)
class WikidataFilm:
    line: int
    qid: str
    imdb_id: str | None
    title: str
    year: int
    runtime_min: int | None
    released: str | None
    mpaa: str | None
    genres: list[str]
    directors: list[str]
    writers: list[str]
    cast: list[str]  # alphabetical in the source: no billing order is known
    languages: list[str]
    countries: list[str]
    popularity: float

    @property
    def external_key(self) -> str:
        return f"wikidata:{self.qid}"


def parse(path: Path, text: str) -> list[WikidataFilm]:
    """Validate every row; the first bad one raises CatalogError naming its line."""
    films = []
    for row in iter_rows(path, text, COLUMNS):
        qid = clean_cell(row.cells["ID"])
        if not qid.isdigit():
            raise CatalogError(path, row.line, f"ID {qid!r} is not a Wikidata item number")
        title = clean_cell(row.cells["Title"])
        if not title:
            raise CatalogError(path, row.line, "Title is empty")
        year = parse_int(path, row, "Year", lo=1870, hi=2100)
        if year is None:
            raise CatalogError(path, row.line, "Year is empty")
        runtime = parse_int(path, row, "Runtime", lo=1, hi=2000)
        reviews = parse_float(path, row, "RT_Reviews") or 0.0
        oscars = parse_int(path, row, "Oscars", lo=0, hi=100) or 0
        imdb = clean_cell(row.cells["imdbID"]) or None
        films.append(
            WikidataFilm(
                line=row.line,
                qid=f"Q{qid}",
                imdb_id=imdb,
                title=title,
                year=year,
                runtime_min=runtime,
                released=parse_date(path, row, "Released"),
                mpaa=clean_cell(row.cells.get("MPAA", "")) or None,
                genres=split_list(row.cells["Genre"]),
                directors=split_names(row.cells["Director"]),
                writers=split_names(row.cells["Writer"]),
                cast=split_cast(row.cells["Cast"]),
                languages=split_list(row.cells["Language"]),
                countries=split_list(row.cells["Country"]),
                # Critics' review count is the catalog's best proxy for how known a film
                # is; awards add a little. Log-scaled so it only breaks ties in ranking.
                popularity=round(math.log1p(reviews) + 0.5 * oscars, 4),
            )
        )
    return films
