"""Reading catalog CSV files (plain or gzipped) with errors that name the file and line."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path


class CatalogError(ValueError):
    """A catalog file cannot be imported; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path.name}, line {line}" if line else self.path.name
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class CsvRow:
    line: int  # the physical line the record starts on (header is line 1)
    cells: dict[str, str]


def read_text(path: Path) -> tuple[str, str]:
    """The file's text (gunzipped if needed) and the SHA-256 of that text's bytes."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(path, None, f"cannot read the file ({exc.strerror})") from exc
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise CatalogError(path, None, f"not a valid gzip file ({exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(path, line, "the file is not UTF-8 text") from exc
    return text, hashlib.sha256(raw).hexdigest()


def iter_rows(path: Path, text: str, required: tuple[str, ...]) -> Iterator[CsvRow]:
    """Yield each record with its starting line; reject a bad header or a ragged row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CatalogError(path, 1, "the file is empty (no header row)") from None
    except csv.Error as exc:
        raise CatalogError(path, 1, f"the header is not valid CSV ({exc})") from exc
    header = [h.strip() for h in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise CatalogError(path, 1, f"the header lacks column(s) {', '.join(missing)}")
    start = reader.line_num + 1
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
            yield CsvRow(start, dict(zip(header, cells, strict=True)))
        start = reader.line_num + 1


def parse_int(
    path: Path, row: CsvRow, column: str, *, lo: int | None = None, hi: int | None = None
) -> int | None:
    """An integer cell ('1957', '97.0'); blank gives None; anything else is an error."""
    value = " ".join(row.cells.get(column, "").split())
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise CatalogError(path, row.line, f"{column} {value!r} is not a number") from None
    if number != int(number):
        raise CatalogError(path, row.line, f"{column} {value!r} is not a whole number")
    result = int(number)
    if (lo is not None and result < lo) or (hi is not None and result > hi):
        raise CatalogError(path, row.line, f"{column} {value!r} is out of range {lo}-{hi}")
    return result


def parse_float(path: Path, row: CsvRow, column: str) -> float | None:
    value = row.cells.get(column, "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise CatalogError(path, row.line, f"{column} {value!r} is not a number") from None


def parse_date(path: Path, row: CsvRow, column: str) -> str | None:
    value = row.cells.get(column, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise CatalogError(
            path, row.line, f"{column} {value!r} is not a date (YYYY-MM-DD)"
        ) from None
