"""The bundled Criterion Collection list (`data/criterion.csv.gz`, `data/boxsets.csv.gz`).

The list is messy and every row is kept: cells carry tabs and newlines, unnumbered
releases have spine `NA`, box sets have blank year and director, some spines hold two
films (88: both parts of Ivan the Terrible), and directors are spelled as Criterion
prints them ("Carl Th. Dreyer", "Volker Schlöndorff and Margarethe von Trotta").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.importers.csvrows import CatalogError, iter_rows, parse_int
from bot.text import clean_cell, split_names

LABEL = "The Criterion Collection"
COLUMNS = ("spine", "year", "country", "title", "director")
BOXSET_COLUMNS = ("selection3_name", "selection3_selection2_name")


@dataclass(frozen=True)
class CriterionRow:
    line: int
    spine: str | None  # None for 'NA' (released without a spine number)
    year: int | None
    country: str | None
    title: str
    directors: list[str]

    @property
    def is_boxset(self) -> bool:
        """Box sets are the rows with neither a year nor a director."""
        return self.year is None and not self.directors


@dataclass(frozen=True)
class BoxsetMember:
    line: int
    boxset: str
    title: str | None  # None: the list names the set but none of its films


def parse(path: Path, text: str) -> list[CriterionRow]:
    rows = []
    for row in iter_rows(path, text, COLUMNS):
        spine = clean_cell(row.cells["spine"])
        if spine.upper() in ("NA", "N/A", ""):
            spine_value = None
        elif spine.isdigit():
            spine_value = str(int(spine))
        else:
            raise CatalogError(path, row.line, f"spine {spine!r} is neither a number nor NA")
        title = clean_cell(row.cells["title"])
        if not title:
            raise CatalogError(path, row.line, "title is empty")
        rows.append(
            CriterionRow(
                line=row.line,
                spine=spine_value,
                year=parse_int(path, row, "year", lo=1870, hi=2100),
                country=clean_cell(row.cells["country"]) or None,
                title=title,
                directors=split_names(row.cells["director"]),
            )
        )
    return rows


def parse_boxsets(path: Path, text: str) -> list[BoxsetMember]:
    members = []
    for row in iter_rows(path, text, BOXSET_COLUMNS):
        boxset = clean_cell(row.cells["selection3_name"])
        title = clean_cell(row.cells["selection3_selection2_name"])
        if not boxset:
            raise CatalogError(path, row.line, "the box set name is empty")
        members.append(BoxsetMember(row.line, boxset, title or None))
    return members
