"""The store's SQL as PostgreSQL reads it: placeholders and SQLite's purely syntactic idioms.

Store modules write one SQL string for both backends where the meaning is the same. This
module turns such a string into PostgreSQL's spelling, once per string (cached):

- `?` placeholders become `$1, $2, ...`; named `:name` placeholders become `$n` too,
  each name keeping one number (the parameters then come from a dict);
- `INSERT OR IGNORE INTO ...` becomes `INSERT INTO ... ON CONFLICT DO NOTHING`;
- `a IS b` / `a IS NOT b` (SQLite's null-safe comparison, where b is not NULL, TRUE or
  FALSE) become `IS NOT DISTINCT FROM` / `IS DISTINCT FROM`;
- SQLite's "now as ISO text" (`strftime('%Y-%m-%dT%H:%M:%SZ', 'now')`) becomes the same
  text from PostgreSQL's clock.

String literals, quoted names and comments are left alone. Where the two databases mean
different things (full-text search, LIKE's case rules, lenient casts, `group_concat`,
PRAGMAs), the store module branches on `db.dialect` instead: see docs/deploy.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

# SQLite's strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), from PostgreSQL's clock (UTC).
NOW_ISO = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
_NOW_SQLITE = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

# What the scanner steps over whole (literals, quoted names, comments, casts) and what it
# rewrites (placeholders, IS / IS NOT).
_TOKEN = re.compile(
    r"""'(?:[^']|'')*'            # a string literal
      | "(?:[^"]|"")*"            # a quoted name
      | --[^\n]*                  # a comment
      | ::                        # a PostgreSQL cast, not a named parameter
      | \?                        # a positional parameter
      | :(?P<name>[A-Za-z_]\w*)   # a named parameter
      | \bIS\s+NOT\s+(?=\S)(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)
      | \bIS\s+(?=\S)(?!NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)
    """,
    re.I | re.X,
)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.I)


class PlaceholderError(ValueError):
    """A statement whose parameters do not fit its placeholders."""


@lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None, int]:
    """(PostgreSQL's SQL, the names of its named parameters in `$n` order or None when
    positional, how many positional parameters)."""
    sql = sql.replace(_NOW_SQLITE, NOW_ISO)
    ignore = bool(_OR_IGNORE.match(sql))
    if ignore:
        sql = _OR_IGNORE.sub("INSERT INTO", sql, count=1)
    names: dict[str, int] = {}
    positional = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal positional
        token = match.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        name = match.group("name")
        if name is not None:
            number = names.setdefault(name, len(names) + 1)
            return f"${number}"
        if token[:2].upper() == "IS":
            negated = re.match(r"IS\s+NOT\b", token, re.I) is not None
            return "IS DISTINCT FROM " if negated else "IS NOT DISTINCT FROM "
        return token

    out = _TOKEN.sub(replace, sql)
    if names and positional:
        raise PlaceholderError("a statement mixes ? and :name placeholders")
    if ignore:
        out = out.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return out, (tuple(names) if names else None), positional


def arguments(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> tuple[str, list[Any]]:
    """PostgreSQL's SQL for `sql` and its parameters as a list in `$n` order."""
    text, names, count = translate(sql)
    if names is not None:
        if not isinstance(params, Mapping):
            raise PlaceholderError("named placeholders take a dict of parameters")
        return text, [params[name] for name in names]
    if isinstance(params, Mapping):
        if params:
            raise PlaceholderError("a dict of parameters for a statement with ? placeholders")
        params = ()
    values = list(params)
    if len(values) != count:
        raise PlaceholderError(f"the statement takes {count} parameters, {len(values)} given")
    return text, values
