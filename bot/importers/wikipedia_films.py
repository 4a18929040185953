"""American films 1900-2023 from Wikipedia's yearly lists (`data/wikipedia_us_films.csv.gz`,
Wikipedia contributors, CC BY-SA 4.0).

The cast is the list table's, in its order (the billing the lists print); the directors
were pulled from each article's first sentence by a pattern, so a cell may carry a
stray word ('Academy Award-winner Lewis Milestone'): such names are cleaned or dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.importers.csvrows import CatalogError, iter_rows, parse_int
from bot.text import attach_suffixes, clean_cell

COLUMNS = ("title", "year", "directors_heuristic", "cast", "genres", "enwiki_title")

# Words that cannot be in a person's name, only in the sentence around it.
_NOT_NAME = re.compile(
    r"\b(?:award|winner|winning|academy|oscar|director|directors|filmmaker|produced|"
    r"written|starring|film|films|movie|company|studios?|pictures|the|an?|and|by|from|"
    r"in|of|with|hong|kong|palestinian|american|british|french|german|italian|japanese|"
    r"canadian|australian|indian|chinese|israeli|mexican|spanish|swedish|danish)\b",
    re.I,
)
_PARTICLES = {"de", "da", "van", "von", "del", "der", "di", "la", "le", "du", "st.", "y"}


@dataclass(frozen=True)
class WikipediaFilm:
    line: int
    title: str
    year: int
    directors: list[str]
    cast: list[str]  # in the list table's order
    genres: list[str]
    article: str | None

    @property
    def external_key(self) -> str:
        # An article may list a serial's parts, and two articles may share a title and
        # year: the three together name one row.
        return f"enwiki:{self.article or ''}|{self.year}|{self.title}"


def _names(cell: str) -> list[str]:
    """'; '-separated names; a suffix the list split off ('Noah Beery; Sr.') rejoins its
    name ('Noah Beery, Sr.')."""
    parts = [re.sub(r"^and\s+", "", p.strip()) for p in clean_cell(cell).split(";")]
    return list(dict.fromkeys(attach_suffixes(parts)))


_NOT_ACTOR = {"voices of", "voices", "voice", "narrator", "narrators", "various", "writers"}


def _actor(name: str) -> str | None:
    """A cast cell's name without the list's notes ('(voice)', '(narrator)'); None for a
    note alone ('Voices of', '(voices)')."""
    name = " ".join(re.sub(r"\([^)]*\)?", " ", name).split()).strip(" ,;:")
    if not name or name.lower() in _NOT_ACTOR or not re.search(r"[A-Z]", name[:1]):
        return None
    return name


def _person(name: str) -> str | None:
    """A director's name as the pattern found it: the name at the end of the words it
    caught ('Academy Award-winner Lewis Milestone' -> 'Lewis Milestone'), or None. A
    name's words are capitalised, except particles ('Erich von Stroheim')."""
    if re.search(r"\b(?:produc\w*|written|writer|starring|narrat\w*)\b", name, re.I):
        return None  # the sentence's other credit, not its director
    words = name.split()
    cut = 0
    for i, word in enumerate(words):
        if _NOT_NAME.search(word) or (not word[:1].isupper() and word.lower() not in _PARTICLES):
            cut = i + 1
    words = words[cut:]
    if not 2 <= len(words) <= 5 or words[0].lower() in _PARTICLES:
        return None
    return " ".join(words)


def parse(path: Path, text: str) -> list[WikipediaFilm]:
    """Validate every row; the first bad one raises CatalogError naming its line."""
    films = []
    for row in iter_rows(path, text, COLUMNS):
        title = clean_cell(row.cells["title"])
        if not title:
            raise CatalogError(path, row.line, "title is empty")
        year = parse_int(path, row, "year", lo=1880, hi=2100)
        if year is None:
            raise CatalogError(path, row.line, "year is empty")
        directors = [p for p in (_person(n) for n in _names(row.cells["directors_heuristic"])) if p]
        films.append(
            WikipediaFilm(
                line=row.line,
                title=title,
                year=year,
                directors=directors,
                cast=[c for c in (_actor(n) for n in _names(row.cells["cast"])) if c],
                genres=_names(row.cells["genres"]),
                article=clean_cell(row.cells["enwiki_title"]) or None,
            )
        )
    return films
