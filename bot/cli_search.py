"""`filmbot search`: the search engine from the command line, for people and for tooling.

filmbot search cranes flyng                    # ranked films, the answer marked
filmbot search --json --limit 5 "solaris 1972"
filmbot search --batch queries.txt --json      # one JSON line per query
filmbot search --kind person tarkovsky
filmbot search --kind keyword samurai village
filmbot search --kind complete "the cran"      # what autocomplete would offer
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.constants import SUGGESTIONS_MAX
from bot.core.engine import Core
from bot.store import search_data
from bot.terminal import one_line

KINDS = ("title", "person", "keyword", "complete")
# What a terminal would act on (see bot.terminal) that JSON leaves raw in its strings: DEL,
# C1 controls and the bidirectional embeddings, overrides and isolates (json.dumps escapes
# C0 controls itself, and the line breaks of an indent are outside strings).
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
log = logging.getLogger(__name__)


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    search = sub.add_parser(
        "search",
        parents=[common],
        help="look up titles (or people, keywords, autocomplete) and print the results",
        description="Look up titles, people or keywords as the bot would, with timings.",
    )
    search.add_argument("query", nargs="*", help="what to look for")
    search.add_argument("--json", action="store_true", help="print JSON instead of text")
    search.add_argument("--limit", type=int, default=10, metavar="N", help="results (1-100)")
    search.add_argument(
        "--batch",
        metavar="FILE",
        help="read one query per line from FILE ('-': standard input) and write one JSON "
        "line per query",
    )
    search.add_argument(
        "--kind",
        choices=KINDS,
        default="title",
        help="title lookup (default), person, keyword (synopses, reviews, notes) or complete",
    )


async def answer(core: Core, query: str, kind: str, limit: int) -> dict[str, Any]:
    """One query's results as a JSON-ready dict, with the time the search took."""
    best: int | None = None
    if kind == "title":
        titles = await core.titles()
        started = time.perf_counter()
        result = titles.lookup(query, limit=limit)
        took = time.perf_counter() - started
        best = result.best.film_id if result.best else None
        results = [
            {"id": h.film_id, "title": h.title, "year": h.year, "score": round(h.score, 1)}
            | ({"matched": h.matched} if h.matched else {})
            for h in result.candidates
        ]
    elif kind == "complete":
        titles = await core.titles()
        started = time.perf_counter()
        choices = titles.complete(query, limit=min(limit, SUGGESTIONS_MAX))
        took = time.perf_counter() - started
        results = [{"id": c.film_id, "label": c.label, "value": c.value} for c in choices]
    elif kind == "person":
        people = await core.people()
        started = time.perf_counter()
        found = people.lookup(query, limit=limit)
        took = time.perf_counter() - started
        best = found.best.person_id if found.best else None
        results = [
            {"id": h.person_id, "name": h.name, "score": round(h.score, 1)}
            | ({"matched": h.matched} if h.matched else {})
            for h in found.candidates
        ]
    else:
        started = time.perf_counter()
        films = await search_data.keyword_films(core.db, query, limit=limit)
        took = time.perf_counter() - started
        results = [{"id": f.id, "title": f.title, "year": f.year} for f in films]
    return {
        "query": query,
        "kind": kind,
        "best": best,
        "results": results,
        "ms": round(took * 1000, 3),
    }


def _clean(text: str) -> str:
    """Text safe to search and print: undecodable bytes and lone surrogates become '?'."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _lines(path: str) -> Iterator[str]:
    """Non-blank lines of FILE or stdin; bytes that are not UTF-8 become '?', never an error."""
    if path == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    else:
        stream = open(Path(path), encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for line in stream:
            line = _clean(line.rstrip("\r\n"))
            if line.strip():
                yield line
    finally:
        if path != "-":
            stream.close()


def _text(found: dict[str, Any]) -> str:
    """The results as text to read: every string from data on one line, with nothing in
    it a terminal would act on (escapes, C1 controls, bidi overrides)."""
    if not found["results"]:
        return f"No match for “{one_line(found['query'])}” ({found['ms']:.2f} ms)."
    lines = []
    for n, r in enumerate(found["results"], start=1):
        name = one_line(r.get("label") or r.get("name") or (
            f"{r['title']} ({r['year']})" if r.get("year") else r["title"]
        ))  # fmt: skip
        extra = f" · {one_line(r['matched'])}" if r.get("matched") else ""
        score = f"  {r['score']:.1f}" if "score" in r else ""
        mark = "  ← answer" if found["best"] == r["id"] else ""
        lines.append(f"{n:>3}. {name}{extra}  [{r['id']}]{score}{mark}")
    lines.append(f"({found['ms']:.2f} ms)")
    return "\n".join(lines)


def usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments, before any work is done."""
    if args.batch and args.query:
        return "give either --batch FILE or a query, not both"
    if not args.batch and not " ".join(args.query).strip():
        return "what should I look for? e.g. filmbot search cranes flying"
    return None


def _emit(found: dict[str, Any], *, indent: int | None = None) -> None:
    # JSON stays valid on any console: non-ASCII is escaped when stdout is not UTF-8, and
    # what a terminal would act on always is (the same data, written as \\uXXXX).
    ascii_only = (sys.stdout.encoding or "").lower().replace("-", "") != "utf8"
    text = json.dumps(found, ensure_ascii=ascii_only, indent=indent)
    print(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text), flush=True)


async def run(core: Core, args: argparse.Namespace) -> int:
    limit = max(1, min(100, args.limit))
    sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    await core.search.ready()  # a broken index fails the command once, not every line
    try:
        if args.batch:
            return await _batch(core, args, limit)
        found = await answer(core, _clean(" ".join(args.query)), args.kind, limit)
        if args.json:
            _emit(found, indent=2)
        else:
            print(_text(found))
        return 0 if found["results"] or args.json else 1
    except BrokenPipeError:  # `| head`: the reader has had enough
        return 0
    except OSError as exc:
        print(f"filmbot search: cannot write the output: {exc.strerror}", file=sys.stderr)
        return 2


async def _batch(core: Core, args: argparse.Namespace, limit: int) -> int:
    try:
        lines = list(_lines(args.batch))
    except OSError as exc:
        print(f"filmbot search: cannot read {args.batch}: {exc.strerror}", file=sys.stderr)
        return 2
    failed = 0
    for line in lines:
        try:
            found = await answer(core, line, args.kind, limit)
        except Exception as exc:  # one bad query must not lose the rest
            log.exception("search failed for %r", line)
            failed += 1
            found = {"query": line, "kind": args.kind, "best": None, "results": [],
                     "ms": 0.0, "error": repr(exc)}  # fmt: skip
        _emit(found)
    return 1 if failed else 0
