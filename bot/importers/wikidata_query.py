"""The result of a Wikidata query for films (docs/wikidata-query.md), as query.wikidata.org
downloads it, imported into the catalog: `filmbot catalog import-wikidata FILE`.

Two formats, told by the file's first character: SPARQL JSON results (`{"head": {"vars":
[...]}, "results": {"bindings": [...]}}`, the "JSON file" download) and CSV (the "CSV
file" download: a header of variable names, item URIs and plain values). Either shape of
the query works, because rows are grouped by their item: one row per film with
`GROUP_CONCAT` lists (`Q8006:Akira Kurosawa|Q…:…`), or one row per value (`?director`
with `?directorLabel`, and so on). The variables read (docs/wikidata-query.md):

    film (or item)           the item: http://www.wikidata.org/entity/Q189540 or Q189540
    filmLabel (or itemLabel) its English label: the title
    originalTitle            its title in the original language (P1476)
    published (or date)      its earliest publication date (P577), or a year
    imdb                     its IMDb id (P345; values that are not tt… ids are left out)
    runtime                  its duration in minutes (P2047)
    directors / director+directorLabel, cast / castMember+castMemberLabel (or actor+
    actorLabel), countries / countryLabel, genres / genreLabel, sitelinks

Genres are Wikidata's labels without their " film" ('science fiction film' -> 'Science
Fiction'); cast members come in no billing order (Wikidata states none), so cards mark
them unordered. Popularity is log(1 + sitelinks) when the query gives them: the scale of
the bundled Wikidata catalog's log of review counts. An item is keyed `wikidata:Q…`, as
the bundled Wikidata films are, so it merges into its bundled film by item, else by IMDb
id, else by title, year and director (`film_bulk`). An item with no year only completes a
film the catalog has; one without an English label (WDQS then gives its Q-id) is left out.

The file is read as a stream (a JSON result binding by binding) and checked whole before
anything is written; a malformed row raises `CatalogError` naming the file and the line
it starts on. The file is one source, "Wikidata query", named by the file's name: the same
file again is "nothing to do", a newer download under that name replaces what the older
one claimed. Download each slice of the query (a decade, say) under a name of its own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tqdm import tqdm

from bot.importers.bulk_source import BulkSource, SourceRequest
from bot.importers.csvrows import CatalogError
from bot.importers.film_bulk import (
    BulkFilm,
    BulkPerson,
    already_imported,
    write_bulk,
)
from bot.store.db import Database

NAME = "Wikidata query"
_CHUNK = 1 << 20
_MAX_BINDING = 8 << 20  # a binding this long that still does not parse is malformed

# Variable names, first the documented one, then accepted alternatives.
ITEM = ("film", "item")
LABEL = ("filmLabel", "itemLabel", "label")
ORIGINAL = ("originalTitle", "title")
DATE = ("published", "date", "publicationDate", "year")
IMDB = ("imdb", "imdbId")
RUNTIME = ("runtime", "duration")
SITELINKS = ("sitelinks",)
# (list variable or per-row variable, the per-row variable's label variable)
DIRECTORS = (("directors", None), ("director", "directorLabel"))
CAST = (("cast", None), ("castMember", "castMemberLabel"), ("actor", "actorLabel"))
COUNTRIES = ("countries", "countryLabel", "country")
GENRES = ("genres", "genreLabel", "genre")

_QID = re.compile(r"(?:^|/|:)(Q\d+)$")
_PAIR = re.compile(r"^(Q\d+):(.+)$", re.S)
_TCONST = re.compile(r"tt\d+")
_YEAR = re.compile(r"^([+-]?\d{1,4})(?:-\d\d-\d\d(?:T[\d:.]+Z?)?)?$")
_COUNTRY_NAMES = {"United States of America": "United States"}

Row = dict[str, str]


def _source(path: Path) -> BulkSource:
    return BulkSource(
        name=NAME,
        uri=f"wikidata-query:{path.name}",
        prefix="wikidata:",
        scope="not_wikidata",
        by_key=True,
    )


# --- reading the two formats ----------------------------------------------------------------


class _Progress:
    """Bytes read so far, for the progress bar."""

    def __init__(self, bar: tqdm, raw: IO[bytes]) -> None:
        self.bar, self.raw, self.done = bar, raw, 0

    def update(self) -> None:
        position = self.raw.tell()
        self.bar.update(position - self.done)
        self.done = position


def _json_rows(path: Path, text: IO[str], progress: _Progress) -> Iterator[tuple[int, Row]]:
    """Each binding of a SPARQL JSON result as (the line it starts on, variable -> value),
    read chunk by chunk: only the binding being decoded is held in memory."""
    decoder = json.JSONDecoder()
    buf = ""
    pos = 0
    line = 1  # of buf[0]
    eof = False

    def more() -> bool:
        nonlocal buf, pos, line, eof
        if eof:
            return False
        chunk = text.read(_CHUNK)
        progress.update()
        line += buf.count("\n", 0, pos)
        buf = buf[pos:] + chunk
        pos = 0
        eof = not chunk
        return bool(chunk)

    def fail(at: int, reason: str) -> CatalogError:
        return CatalogError(path, line + buf.count("\n", 0, at), reason)

    def skip_ws() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not more():
                return ""

    def expect(chars: str, what: str) -> str:
        nonlocal pos
        found = skip_ws()
        if not found or found not in chars:
            raise fail(pos, f"not a SPARQL JSON result: expected {what}")
        pos += 1
        return found

    def value() -> object:
        """The JSON value at pos, reading more until it is whole."""
        nonlocal pos
        skip_ws()
        while True:
            try:
                decoded, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                # Cut short by the chunk's end (the error near it), or malformed?
                cut = exc.pos + (256 << 10) >= len(buf) and len(buf) - pos <= _MAX_BINDING
                if cut and not eof:
                    more()  # then decode again, from the same value's start
                    continue
                raise fail(exc.pos, f"not valid JSON ({exc.msg})") from None
            pos = end
            return decoded

    expect("{", "an object")
    found_bindings = False
    while True:
        if skip_ws() == "}":
            break
        key = value()
        expect(":", "':'")
        if key != "results":
            value()  # head (the variables: every binding names its own), link, ...
        else:
            expect("{", "the results object")
            while True:
                if skip_ws() == "}":
                    pos += 1
                    break
                inner = value()
                expect(":", "':'")
                if inner != "bindings":
                    value()
                else:
                    found_bindings = True
                    expect("[", "the bindings list")
                    if skip_ws() == "]":
                        pos += 1
                    else:
                        while True:
                            skip_ws()
                            start_line = line + buf.count("\n", 0, pos)
                            binding = value()
                            yield start_line, _binding(path, start_line, binding)
                            if expect(",]", "',' or ']' between bindings") == "]":
                                break
                if expect(",}", "',' or '}'") == "}":
                    break
        if expect(",}", "',' or '}'") == "}":
            break
    if not found_bindings:
        raise CatalogError(path, None, "not a SPARQL JSON result: it has no results.bindings")
    if skip_ws():
        raise fail(pos, "text after the JSON result")


def _binding(path: Path, line: int, binding: object) -> Row:
    if not isinstance(binding, dict):
        raise CatalogError(path, line, "a binding is not an object")
    row: Row = {}
    for name, cell in binding.items():
        if not isinstance(cell, dict) or not isinstance(cell.get("value"), str):
            raise CatalogError(path, line, f"{name}: a value must be an object with a 'value'")
        row[name] = cell["value"]
    return row


def _csv_rows(path: Path, text: IO[str], progress: _Progress) -> Iterator[tuple[int, Row]]:
    reader = csv.reader(text, strict=True)
    try:
        header = [h.strip().lstrip("?") for h in next(reader)]
    except StopIteration:
        raise CatalogError(path, 1, "the file is empty (no header row)") from None
    except csv.Error as exc:
        raise CatalogError(path, 1, f"the header is not valid CSV ({exc})") from exc
    start = reader.line_num + 1
    n = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CatalogError(path, start, f"not valid CSV ({exc})") from exc
        if cells:
            if len(cells) != len(header):
                raise CatalogError(
                    path, start, f"expected {len(header)} fields, found {len(cells)}"
                )
            yield start, {h: c for h, c in zip(header, cells, strict=True) if c != ""}
        start = reader.line_num + 1
        n += 1
        if not n & 0x3FFF:
            progress.update()


# --- rows grouped by item ---------------------------------------------------------------------


@dataclass
class _Item:
    qid: str
    line: int
    title: str
    original: str | None = None
    year: int | None = None
    imdb: str | None = None
    runtime: int | None = None
    sitelinks: int | None = None
    directors: dict[str, BulkPerson] = field(default_factory=dict)
    cast: dict[str, BulkPerson] = field(default_factory=dict)
    countries: dict[str, None] = field(default_factory=dict)
    genres: dict[str, None] = field(default_factory=dict)


def _first(row: Row, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value is not None and value.strip():
            return " ".join(value.split())
    return None


def _genre(label: str) -> str:
    """'science fiction film' -> 'Science Fiction' (letters after the first kept)."""
    label = re.sub(r"\s+(?:film|movie)$", "", label.strip(), flags=re.I)
    return " ".join(w[:1].upper() + w[1:] for w in label.split())


def _people(
    path: Path, line: int, row: Row, columns: tuple[tuple[str, str | None], ...]
) -> list[BulkPerson]:
    found: list[BulkPerson] = []
    for column, label_column in columns:
        cell = row.get(column)
        if not cell:
            continue
        for entry in cell.split("|"):
            entry = entry.strip()
            if not entry:
                continue
            pair = _PAIR.match(entry)
            uri = _QID.search(entry) if entry.startswith(("http", "wd:", "Q")) else None
            if pair:
                name = " ".join(pair[2].split())
                if name and name != pair[1]:
                    found.append(BulkPerson(pair[1], name))
            elif uri:
                label = " ".join(row.get(label_column or "", "").split())
                if label and not _QID.fullmatch(label):
                    found.append(BulkPerson(uri[1], label))
            else:
                found.append(BulkPerson(None, " ".join(entry.split())))
    return found


def _labels(row: Row, columns: tuple[str, ...]) -> list[str]:
    for column in columns:
        cell = row.get(column)
        if cell:
            return [v for v in (" ".join(p.split()) for p in cell.split("|")) if v]
    return []


def _add_row(path: Path, line: int, row: Row, items: dict[str, _Item]) -> bool:
    """Fold one row into its item; False when the row has no usable label."""
    ref = _first(row, ITEM)
    if ref is None:
        raise CatalogError(path, line, f"no item (the variable {ITEM[0]!r} is empty or missing)")
    qid = _QID.search(ref)
    if qid is None:
        raise CatalogError(path, line, f"{ref!r} is not a Wikidata item (Q…)")
    label = _first(row, LABEL)
    item = items.get(qid[1])
    if item is None:
        if label is None or _QID.fullmatch(label) or label == qid[1]:
            return False  # no English label: WDQS gives the Q-id instead
        item = items[qid[1]] = _Item(qid[1], line, label)
    original = _first(row, ORIGINAL)
    if original and item.original is None:
        item.original = original
    date = _first(row, DATE)
    if date is not None:
        match = _YEAR.match(date)
        if match is None:
            raise CatalogError(path, line, f"date {date!r} is not a date or a year")
        year = int(match[1])
        if 1870 <= year <= 2100 and (item.year is None or year < item.year):
            item.year = year
    imdb = _first(row, IMDB)
    if imdb and item.imdb is None and _TCONST.fullmatch(imdb):
        item.imdb = imdb
    runtime = _first(row, RUNTIME)
    if runtime is not None:
        try:
            minutes = float(runtime)
        except ValueError:
            raise CatalogError(path, line, f"runtime {runtime!r} is not a number") from None
        if 1 <= minutes <= 100_000 and item.runtime is None:
            item.runtime = round(minutes)
    sitelinks = _first(row, SITELINKS)
    if sitelinks is not None:
        if not sitelinks.isdigit():
            raise CatalogError(path, line, f"sitelinks {sitelinks!r} is not a whole number")
        item.sitelinks = max(item.sitelinks or 0, int(sitelinks))
    for person in _people(path, line, row, DIRECTORS):
        item.directors.setdefault(person.id or person.name, person)
    for person in _people(path, line, row, CAST):
        item.cast.setdefault(person.id or person.name, person)
    for country in _labels(row, COUNTRIES):
        if not _QID.fullmatch(country):
            item.countries[_COUNTRY_NAMES.get(country, country)] = None
    for genre in _labels(row, GENRES):
        if not _QID.fullmatch(genre):
            item.genres[_genre(genre)] = None
    return True


def read_query_result(path: Path, *, progress: bool = False) -> tuple[list[_Item], int]:
    """The items of the file, in the order first seen, and the rows left out (no label)."""
    items: dict[str, _Item] = {}
    skipped = 0
    try:
        raw = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise CatalogError(path, None, f"cannot read the file ({exc.strerror})") from exc
    with (
        raw,
        tqdm(
            total=path.stat().st_size,
            desc="Reading the Wikidata result",
            unit="B",
            unit_scale=True,
            disable=not progress,
            file=sys.stderr,
        ) as bar,
    ):
        head = raw.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
        if not head:
            raise CatalogError(path, 1, "the file is empty")
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = _json_rows if head[:1] in (b"{", b"[") else _csv_rows
        line = 1
        try:
            for line, row in reader(path, text, _Progress(bar, raw)):
                skipped += not _add_row(path, line, row, items)
        except UnicodeDecodeError as exc:
            raise CatalogError(path, line, "the file is not UTF-8 text") from exc
    if not items and not skipped:
        raise CatalogError(path, None, "the result holds no films")
    return list(items.values()), skipped


def _film(item: _Item) -> BulkFilm:
    popularity = round(math.log1p(item.sitelinks), 4) if item.sitelinks else 0.0
    return BulkFilm(
        id=item.qid,
        title=item.title,
        year=item.year,
        imdb_id=item.imdb,
        original_title=item.original if item.original != item.title else None,
        runtime_min=item.runtime,
        genres=tuple(item.genres),
        countries=tuple(item.countries),
        directors=tuple(item.directors.values()),
        cast=tuple(item.cast.values()),
        cast_billed=False,  # Wikidata states no billing order
        popularity=popularity,
        facts=(("wikidata_id", item.qid),),
        enrich_only=item.year is None,
    )


# --- the import ---------------------------------------------------------------------------------


@dataclass
class WikidataReport:
    skipped: bool = False
    films: int = 0
    no_label: int = 0
    new_films: int = 0
    rewritten: int = 0
    by_item: int = 0
    by_imdb: int = 0
    by_title: int = 0
    not_found: int = 0
    people_new: int = 0
    people_linked: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if self.skipped:
            return f"{NAME}: this file was imported already as it is; nothing to do"
        known = self.by_item + self.by_imdb + self.by_title
        again = f", {self.rewritten:,} imported before" if self.rewritten else ""
        left = (
            f"; {self.no_label:,} rows without an English label left out" if self.no_label else ""
        )
        undated = (
            f"; {self.not_found:,} undated items not in the catalog left out"
            if self.not_found
            else ""
        )
        return (
            f"{NAME}: {self.films:,} films ({self.new_films:,} new{again}; {known:,} already "
            f"in the catalog: {self.by_item:,} by Wikidata item, {self.by_imdb:,} by IMDb id, "
            f"{self.by_title:,} by title, year and director), {self.people_new:,} new people "
            f"and {self.people_linked:,} known ones{left}{undated} in {self.seconds:.1f} s"
        )


async def import_wikidata_query(
    db: Database,
    path: Path,
    *,
    progress: bool | None = None,
    force: bool = False,
    pipeline: bool | None = None,
) -> WikidataReport:
    """Import a query result file (see the module's text). Raises CatalogError, with
    nothing written, on a malformed file; a file imported before as it is is "nothing to
    do" unless `force` (which writes the same rows again: nothing changes)."""
    started = time.perf_counter()
    if progress is None:
        progress = sys.stderr.isatty()
    source = _source(path)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise CatalogError(path, None, f"cannot read the file ({exc.strerror})") from exc
    sha256 = digest.hexdigest()
    if not force and await already_imported(db, source, sha256):
        return WikidataReport(skipped=True)
    items, no_label = read_query_result(path, progress=progress)
    request = SourceRequest(
        source,
        sha256=sha256,
        meta={"items": len(items), "rows_without_label": no_label},
        title=f"Wikidata query result {path.name}",
        force=force,
    )
    merged = await write_bulk(
        db,
        request,
        count=len(items),
        film_at=lambda n, full: _film(items[n]),
        progress=progress,
        pipeline=pipeline,
    )
    if merged is None:
        return WikidataReport(skipped=True)
    return WikidataReport(
        films=merged.films,
        no_label=no_label,
        new_films=merged.new_films,
        rewritten=merged.rewritten,
        by_item=merged.by_key,
        by_imdb=merged.by_imdb,
        by_title=merged.by_title,
        not_found=merged.not_found,
        people_new=merged.people_new,
        people_linked=merged.people_linked,
        seconds=time.perf_counter() - started,
    )
