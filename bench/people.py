"""Benchmark person search on real people of the bundled catalog, beside the naive ranking.

    .venv/bin/filmbot catalog                      # builds var/filmbot.sqlite3 first
    .venv/bin/python bench/people.py               # that database
    .venv/bin/python bench/people.py --db PATH --json out.json

Forty-two well-known directors and actors, each asked four ways: the full name as the
catalog writes it (accents typed or not), the surname alone, and each with one typo (two
neighbouring letters of the surname swapped). For every query it records where the
person ranks, and what the engine does with it: answers with the person (right), answers
with someone else (wrong), or asks with the person in the list. A surname that several
well-known people share (Ford, Hepburn, Lynch, Lang, Wilder, Grant, Ray, Mastroianni) is
right either way: answered with this person or asked about; answering with another
person is wrong all the same. For the surnames one person dominates ('kubrick',
'hitchcock'), asking is not wrong but not what the issue asks for.

Baseline: `rapidfuzz.process.extract(query, names, scorer=WRatio)` over every name and
alias (folded once up front), the usual bot approach; it ranks but does not decide, so it
has top-1 and top-8 figures only. Index figures: build from the database's names, save,
load; lookup latency p50/p99.

The script only uses `PersonIndex(entries)`/`PersonIndex.build(entries)` and
`PersonSearch.lookup`, so it also runs against an older checkout of `bot/` (the figures in
docs/benchmarks.md for the engine before issue 18 come from that).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.search.people import PersonIndex, PersonSearch
from bot.store import search_data
from bot.store.db import open_database
from bot.text import fold

# (name as the catalog writes it, surname as people type it, what the surname alone
# should do: "answer" with this person, "either" (answer with them or ask), or None when
# the surname means someone else more (Ingrid Bergman: 'bergman' is Ingmar).
PEOPLE: list[tuple[str, str, str | None]] = [
    ("Stanley Kubrick", "kubrick", "answer"),
    ("Alfred Hitchcock", "hitchcock", "answer"),
    ("Andrei Tarkovsky", "tarkovsky", "answer"),
    ("Akira Kurosawa", "kurosawa", "answer"),
    ("Ingmar Bergman", "bergman", "answer"),
    ("Federico Fellini", "fellini", "answer"),
    ("Jean-Luc Godard", "godard", "answer"),
    ("François Truffaut", "truffaut", "answer"),
    ("Martin Scorsese", "scorsese", "answer"),
    ("Steven Spielberg", "spielberg", "answer"),
    ("Orson Welles", "welles", "answer"),
    ("Billy Wilder", "wilder", "either"),
    ("John Ford", "ford", "either"),
    ("Yasujirō Ozu", "ozu", "answer"),
    ("Kenji Mizoguchi", "mizoguchi", "answer"),
    ("Satyajit Ray", "ray", "either"),
    ("Luis Buñuel", "bunuel", "answer"),
    ("Michelangelo Antonioni", "antonioni", "answer"),
    ("Werner Herzog", "herzog", "answer"),
    ("Rainer Werner Fassbinder", "fassbinder", "answer"),
    ("David Lynch", "lynch", "either"),
    ("Quentin Tarantino", "tarantino", "answer"),
    ("Sergei Eisenstein", "eisenstein", "answer"),
    ("Fritz Lang", "lang", "either"),
    ("Robert Bresson", "bresson", "answer"),
    ("Agnès Varda", "varda", "answer"),
    ("Hayao Miyazaki", "miyazaki", "answer"),
    ("Krzysztof Kieślowski", "kieslowski", "answer"),
    ("Pedro Almodóvar", "almodovar", "answer"),
    ("Ingrid Bergman", "bergman", None),
    ("Marlon Brando", "brando", "answer"),
    ("Toshirō Mifune", "mifune", "answer"),
    ("Marcello Mastroianni", "mastroianni", "either"),
    ("Meryl Streep", "streep", "answer"),
    ("Humphrey Bogart", "bogart", "answer"),
    ("Audrey Hepburn", "hepburn", "either"),
    ("Katharine Hepburn", "hepburn", "either"),
    ("Catherine Deneuve", "deneuve", "answer"),
    ("Jack Nicholson", "nicholson", "answer"),
    ("Cary Grant", "grant", "either"),
    ("Max von Sydow", "von sydow", "answer"),
    ("Harrison Ford", "ford", "either"),
]
LIST_SIZE = 8  # what `!person` offers


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    person_id: int
    expect: str  # "answer" or "either"


def typo(word: str) -> str:
    """Two neighbouring letters of the last word swapped, in its middle: 'kubrcik'."""
    head, _, last = word.rpartition(" ")
    if len(last) < 4:
        return word
    middle = len(last) // 2
    # The pair nearest the middle whose letters differ ('fellini' -> 'felilni', not itself).
    for n in sorted(range(1, len(last)), key=lambda n: (abs(n - middle), n)):
        if last[n - 1] != last[n]:
            swapped = last[: n - 1] + last[n] + last[n - 1] + last[n + 1 :]
            return f"{head} {swapped}".strip()
    return word


def make_queries(ids: dict[str, int]) -> list[Query]:
    queries = []
    for name, surname, surname_expect in PEOPLE:
        person = ids[name]
        full = fold(name)
        queries += [
            Query("full", name, person, "answer"),
            Query("full typo", typo(full), person, "answer"),
        ]
        if surname_expect is not None:
            queries.append(Query("surname", surname, person, surname_expect))
            if typo(surname) != surname:  # 'ozu' and 'ray' are too short to mistype
                queries.append(Query("surname typo", typo(surname), person, surname_expect))
    return queries


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def measure(engine: PersonSearch, queries: list[Query]) -> dict:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ms = []
    mistakes = []
    engine.lookup("warm up", limit=LIST_SIZE)
    for q in queries:
        started = time.perf_counter()
        result = engine.lookup(q.text, limit=LIST_SIZE)
        ms.append((time.perf_counter() - started) * 1000)
        ids = [h.person_id for h in result.candidates]
        row = rows[q.kind]
        row["n"] += 1
        row["top1"] += bool(ids) and ids[0] == q.person_id
        row["listed"] += q.person_id in ids
        if result.best is not None and result.best.person_id == q.person_id:
            row["right"] += 1
        elif result.best is not None:
            row["wrong"] += 1
            mistakes.append(f"{q.kind}: {q.text!r} answered {result.best.name}")
        elif q.person_id in ids:
            row["asked"] += 1
            if q.expect == "answer":
                row["asked_dominant"] += 1
                mistakes.append(f"{q.kind}: {q.text!r} asked (rank {ids.index(q.person_id) + 1})")
        else:
            row["missed"] += 1
            mistakes.append(f"{q.kind}: {q.text!r} not in the list")
    return {"rows": rows, "ms": ms, "mistakes": mistakes}


def measure_baseline(entries: list, queries: list[Query]) -> dict:
    choices, owner = [], []
    for entry in entries:
        choices.append(utils.default_process(entry.name))
        owner.append(entry.person_id)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ms = []
    for q in queries:
        started = time.perf_counter()
        found = process.extract(
            utils.default_process(q.text), choices, scorer=fuzz.WRatio, processor=None, limit=80
        )
        ms.append((time.perf_counter() - started) * 1000)
        ids = list(dict.fromkeys(owner[n] for _, _, n in found))[:LIST_SIZE]
        row = rows[q.kind]
        row["n"] += 1
        row["top1"] += bool(ids) and ids[0] == q.person_id
        row["listed"] += q.person_id in ids
    return {"rows": rows, "ms": ms}


async def read_entries(db_path: Path) -> list:
    db = await open_database(db_path, upgrade=False)  # read only: any schema that has people
    try:
        entries, _marks = await search_data.name_entries(db)
    finally:
        await db.close()
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("var/filmbot.sqlite3"))
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--show", action="store_true", help="print every miss and question")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: run `.venv/bin/filmbot catalog` first")

    started = time.perf_counter()
    entries = asyncio.run(read_entries(args.db))
    read_s = time.perf_counter() - started
    ids = {e.name: e.person_id for e in entries if e.primary}
    missing = [name for name, _, _ in PEOPLE if name not in ids]
    if missing:
        sys.exit(f"not in this catalog: {', '.join(missing)}")
    queries = make_queries(ids)

    build = getattr(PersonIndex, "build", PersonIndex)
    gc.collect()
    started = time.perf_counter()
    index = build(entries)
    build_s = time.perf_counter() - started
    load_s = None
    if hasattr(index, "save"):
        with tempfile.TemporaryDirectory() as tmp:
            index.save(Path(tmp))
            started = time.perf_counter()
            index = PersonIndex.load(Path(tmp))
            load_s = time.perf_counter() - started
    engine = PersonSearch([index])
    ours = measure(engine, queries)
    base = None if args.no_baseline else measure_baseline(entries, queries)

    people = len({e.person_id for e in entries})
    print(
        f"{people:,} people, {len(entries):,} names; {len(PEOPLE)} people asked, {len(queries)} queries"
    )
    print(
        f"names read {read_s:.2f} s; index build {build_s:.2f} s"
        + (f", load (saved) {load_s:.3f} s" if load_s is not None else ", not saved")
    )
    header = (
        f"{'class':<14}{'n':>4}{'top1':>6}{'in 8':>6}{'right':>7}{'asked':>7}"
        f"{'wrong':>7}{'missed':>8}"
    )
    if base:
        header += f"   {'base top1':>9}{'base in 8':>10}"
    print(header)
    summary = {}
    kinds = list(dict.fromkeys(q.kind for q in queries))
    for kind in [*kinds, "all"]:
        parts = kinds if kind == "all" else [kind]
        row = {k: sum(ours["rows"][p][k] for p in parts) for k in
               ("n", "top1", "listed", "right", "asked", "asked_dominant", "wrong", "missed")}  # fmt: skip
        line = (
            f"{kind:<14}{row['n']:>4}{row['top1']:>6}{row['listed']:>6}{row['right']:>7}"
            f"{row['asked']:>7}{row['wrong']:>7}{row['missed']:>8}"
        )
        if base:
            row["base_top1"] = sum(base["rows"][p]["top1"] for p in parts)
            row["base_listed"] = sum(base["rows"][p]["listed"] for p in parts)
            line += f"   {row['base_top1']:>9}{row['base_listed']:>10}"
        print(line)
        summary[kind] = row
    latency = {"p50_ms": statistics.median(ours["ms"]), "p99_ms": pct(ours["ms"], 99)}
    print(f"filmbot  lookup p50 {latency['p50_ms']:.2f} ms, p99 {latency['p99_ms']:.2f} ms")
    if base:
        latency.update(base_p50_ms=statistics.median(base["ms"]), base_p99_ms=pct(base["ms"], 99))
        print(
            f"baseline lookup p50 {latency['base_p50_ms']:.2f} ms, "
            f"p99 {latency['base_p99_ms']:.2f} ms"
        )
    print(f"asked although one person dominates: {summary['all']['asked_dominant']}")
    if args.show:
        for line in ours["mistakes"]:
            print("  ", line)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"people": people, "names": len(entries), "queries": len(queries),
                 "read_s": read_s, "build_s": build_s, "load_s": load_s,
                 "classes": summary, "latency": latency, "mistakes": ours["mistakes"]},
                indent=1,
            )
        )  # fmt: skip


if __name__ == "__main__":
    main()
