"""Films in competition at Cannes, 1946-2024 (`data/cannes_films.csv.gz`, MIT).

Its `festival_year` is the year the film competed, usually its release year, sometimes a
year or two after it; `original_title` is filled only when it differs from the English
title. Codes for languages and countries are read as names (`iso_codes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.importers.csvrows import CatalogError, iter_rows, parse_int
from bot.importers.iso_codes import COUNTRIES, LANGUAGES
from bot.text import clean_cell

COLUMNS = (
    "festival_year",
    "title",
    "original_title",
    "directors",
    "languages",
    "countries",
    "runtime_min",
    "imdb_id",
)


@dataclass(frozen=True)
class CannesFilm:
    line: int
    festival_year: int
    title: str
    original_title: str | None
    directors: list[str]
    languages: list[str]
    countries: list[str]
    runtime_min: int | None
    imdb_id: str | None

    @property
    def external_key(self) -> str:
        return (
            f"cannes:{self.imdb_id}"
            if self.imdb_id
            else f"cannes:{self.festival_year}:{self.title}"
        )


def _codes(path: Path, line: int, cell: str, names: dict[str, str], what: str) -> list[str]:
    out: list[str] = []
    for code in (c.strip() for c in clean_cell(cell).split(";")):
        if not code:
            continue
        name = names.get(code)
        if name is None:
            raise CatalogError(path, line, f"unknown {what} code {code!r}")
        if name not in out:
            out.append(name)
    return out


def parse(path: Path, text: str) -> list[CannesFilm]:
    """Validate every row; the first bad one raises CatalogError naming its line."""
    films = []
    for row in iter_rows(path, text, COLUMNS):
        title = clean_cell(row.cells["title"])
        if not title:
            raise CatalogError(path, row.line, "title is empty")
        year = parse_int(path, row, "festival_year", lo=1946, hi=2100)
        if year is None:
            raise CatalogError(path, row.line, "festival_year is empty")
        imdb = clean_cell(row.cells["imdb_id"]) or None
        if imdb and not (imdb.startswith("tt") and imdb[2:].isdigit()):
            raise CatalogError(path, row.line, f"imdb_id {imdb!r} is not an IMDb title id")
        original = clean_cell(row.cells["original_title"]) or None
        films.append(
            CannesFilm(
                line=row.line,
                festival_year=year,
                title=title,
                original_title=original if original != title else None,
                directors=[
                    d for d in (clean_cell(x) for x in row.cells["directors"].split(";")) if d
                ],
                languages=_codes(path, row.line, row.cells["languages"], LANGUAGES, "language"),
                countries=_codes(path, row.line, row.cells["countries"], COUNTRIES, "country"),
                runtime_min=parse_int(path, row, "runtime_min", lo=1, hi=2000),
                imdb_id=imdb,
            )
        )
    return films
