"""How many films a list names does the bundled catalog answer right: `!film Title (Year)`.

    .venv/bin/python bench/catalog_coverage.py LIST.json
    .venv/bin/python bench/catalog_coverage.py LIST.json --baseline REV   # compare a revision
    .venv/bin/python bench/catalog_coverage.py LIST.json --misses         # a line per miss

LIST is a JSON list of {"title", "year", "director"} (optionally "original_title"). Each
revision builds its own database from its own bundled data (in a subprocess, with that
revision's code) and answers `!film Title (Year)` and, when given, `!film <original
title>` through the core, as a user on the console would. An answer is:

- right: a film card of that title's film (year within one) naming the director;
- asked: a list to choose from, or "not in my catalog" (the bot did not pretend);
- film: the right film, but the card names no director (the catalog does not know it);
- wrong: a film card of another film (a confident wrong answer).

It prints right/asked/wrong overall and by era, beside the baseline revision (default: the
commit before the Cannes and Wikipedia lists were bundled).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE_REV = "3a5ead5"
ERAS = ((None, 1939, "1902–1939"), (1940, 2014, "1940–2014"), (2015, None, "2015–2024"))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


async def _answers(db_path: str, films: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Build the catalog with the revision on sys.path and ask about every film."""
    from bot.core.loader import load_core
    from bot.core.request import Request
    from bot.importers.catalog import build_catalog
    from bot.store import open_database

    db = await open_database(Path(db_path))
    await build_catalog(db, progress=False)
    core = await load_core(db)
    out = []
    try:
        for n, film in enumerate(films):
            row: dict[str, Any] = {}
            for key, query in (
                ("by_title", f"{film['title']} ({film['year']})"),
                ("by_original", film.get("original_title")),
            ):
                if not query:
                    continue
                req = Request(channel=f"bench{n}{key}", user="bench")
                started = time.perf_counter()
                reply = await core.handle(f"!film {query}", req)
                ms = (time.perf_counter() - started) * 1000
                card = reply.cards[0] if reply and reply.cards else None
                row[key] = {
                    "ms": ms,
                    "kind": card.kind if card else None,
                    "title": card.title if card else "",
                    "choices": len(reply.choices) if reply else 0,
                    "fields": {f.name: _plain(f.value) for f in card.fields} if card else {},
                    "text": " ".join(
                        [card.title, *(f"{f.name}: {_plain(f.value)}" for f in card.fields)]
                        if card
                        else []
                    )
                    + " "
                    + (" ".join(_plain(card.description).split()) if card else ""),
                }
            out.append(row)
    finally:
        await core.close()
    return out


def _plain(text: Any) -> str:
    if isinstance(text, str):
        return text
    return "".join(getattr(span, "text", str(span)) for span in text)


def classify(film: dict[str, Any], answer: dict[str, Any] | None) -> str:
    if not answer:
        return "none"
    if answer["choices"] or answer["kind"] in ("choices", "error"):
        return "asked"
    title = answer["title"]
    head, _, tail = title.rpartition(" (")
    year = int(tail[:4]) if tail[:4].isdigit() else None
    same_year = year is not None and abs(year - int(film["year"])) <= 1
    names = {_fold(film["title"]), _fold(film.get("original_title") or "")} - {""}
    fields = answer.get("fields", {})
    # The card's own names: its title, original title and the names it is also known as.
    known = {_fold(head)} | {
        _fold(part)
        for key in ("Original title", "Also known as")
        for part in fields.get(key, "").replace("\n", ", ").split(", ")
    }
    director = _fold(film["director"]).split()
    directed = _fold(next((v for k, v in fields.items() if k.startswith("Directed by")), ""))
    named = bool(director) and director[-1] in directed.split()
    right_title = bool(names & known)
    if same_year and right_title:
        return "right" if named else "film"  # the film, but its director is not known
    return "wrong"


def _run(python_path: Path, films: list[dict[str, Any]], tmp: Path) -> list[dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(python_path))
    db = tmp / f"coverage-{python_path.name}.sqlite3"
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(db)],
        input=json.dumps(films),
        capture_output=True,
        text=True,
        env=env,
        cwd=python_path,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the run from {python_path} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def _era(year: int) -> str:
    for first, last, label in ERAS:
        if (first is None or year >= first) and (last is None or year <= last):
            return label
    return "?"


def summary(films: list[dict[str, Any]], answers: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, dict[str, int]] = {}
    originals = {"right": 0, "film": 0, "asked": 0, "wrong": 0, "none": 0}
    misses = []
    for film, answer in zip(films, answers, strict=True):
        verdict = classify(film, answer.get("by_title"))
        for key in ("all", _era(int(film["year"]))):
            bucket = totals.setdefault(key, {"right": 0, "film": 0, "asked": 0, "wrong": 0, "n": 0})
            bucket[verdict] += 1
            bucket["n"] += 1
        if verdict != "right":
            misses.append((film, verdict, answer.get("by_title", {}).get("title", "")))
        if film.get("original_title"):
            originals[classify(film, answer.get("by_original"))] += 1
    ms = sorted(a["by_title"]["ms"] for a in answers if "by_title" in a)
    return {
        "totals": totals,
        "originals": originals,
        "misses": misses,
        "p50": ms[len(ms) // 2] if ms else 0.0,
    }


def _line(bucket: dict[str, int] | None) -> str:
    if not bucket:
        return "-"
    n = bucket["n"]
    return (
        f"{bucket['right']}/{n} right ({bucket['right'] / n:.0%}), {bucket['film']} film "
        f"without its director, {bucket['asked']} asked, {bucket['wrong']} wrong film"
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        films = json.loads(sys.stdin.read())
        print(json.dumps(asyncio.run(_answers(sys.argv[2], films))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("films", type=Path)
    parser.add_argument("--baseline", default=BASELINE_REV, help="git revision to compare")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--misses", action="store_true", help="a line per film not right")
    args = parser.parse_args()
    films = json.loads(args.films.read_text())
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        now = summary(films, _run(ROOT, films, tmp))
        base = None
        if not args.no_baseline:
            tree = tmp / "baseline"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.baseline],
                check=True,
                capture_output=True,
            )
            try:
                base = summary(films, _run(tree, films, tmp))
            finally:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                    check=False,
                    capture_output=True,
                )
    print(f"{len(films)} films from {args.films}: `!film Title (Year)`")
    for key in ["all", *(label for *_, label in ERAS)]:
        print(f"  {key:<10} now: {_line(now['totals'].get(key))}")
        if base is not None:
            print(f"  {'':<10} baseline ({args.baseline}): {_line(base['totals'].get(key))}")
    o = now["originals"]
    if sum(o.values()):
        print(
            f"  by original title: {o['right']} right, {o['asked']} asked, {o['wrong']} wrong"
            + (
                f" (baseline {base['originals']['right']} right, {base['originals']['wrong']} wrong)"
                if base
                else ""
            )
        )
    print(f"  median answer {now['p50']:.1f} ms")
    if args.misses:
        for film, verdict, shown in now["misses"]:
            print(f"  {verdict:<6} {film['title']} ({film['year']}) -> {shown}")


if __name__ == "__main__":
    main()
