"""Benchmark title search against the naive rapidfuzz baseline, on real titles.

    .venv/bin/python bench/search.py                 # real catalogs (216k keys) and 1M titles
    .venv/bin/python bench/search.py --corpus base   # only the real catalogs
    .venv/bin/python bench/search.py --baseline-sample 100   # baseline on fewer queries

For each corpus it prints: index build time, load time of the persisted index and the
index's memory; recall@1 and recall@5 per query class; p50/p99 latency of lookup and of
autocomplete; and the same figures for `rapidfuzz.process.extract(query, titles,
scorer=WRatio)` (the usual bot approach) run in this process on the same queries. How the
corpora and queries are made: see bench/corpus.py.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process, utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import Film, Query, derive, load_base, make_queries, prefixes

from bot.models import TitleEntry
from bot.search.titles import TitleIndex, TitleSearch


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def entries_of(films: list[Film]) -> list[TitleEntry]:
    return [
        TitleEntry(f.id, title, f.year, f.popularity, primary=(n == 0))
        for f in films
        for n, title in enumerate(f.titles)
    ]


def measure_engine(engine: TitleSearch, queries: list[Query], pref: list[Query]) -> dict:
    ranks: dict[str, list[int | None]] = defaultdict(list)
    lookup_ms, complete_ms = [], []
    answered = wrong = 0
    for q in queries:
        started = time.perf_counter()
        result = engine.lookup(q.text, limit=5)
        lookup_ms.append((time.perf_counter() - started) * 1000)
        ids = [h.film_id for h in result.candidates]
        ranks[q.kind].append(ids.index(q.answer) if q.answer in ids else None)
        if result.best is not None:
            answered += 1
            wrong += result.best.film_id != q.answer
    completed = 0
    for q in [*queries, *pref]:
        started = time.perf_counter()
        choices = engine.complete(q.text)
        complete_ms.append((time.perf_counter() - started) * 1000)
        if q.kind == "prefix":
            completed += any(c.film_id == q.answer for c in choices)
    return {
        "ranks": ranks,
        "lookup_ms": lookup_ms,
        "complete_ms": complete_ms,
        "answered": answered,
        "answered_wrong": wrong,
        "prefix_in_25": completed / len(pref),
    }


def measure_baseline(films: list[Film], queries: list[Query], pref: list[Query]) -> dict:
    """`process.extract(query, titles, scorer=WRatio)` as bots use it, given every chance:
    the titles are normalised once up front (not per query), and 50 titles are taken so
    that five distinct films remain for recall@5."""
    choices, owner = [], []
    for f in films:
        for title in f.titles:
            choices.append(utils.default_process(title))
            owner.append(f.id)
    ranks: dict[str, list[int | None]] = defaultdict(list)
    lookup_ms, complete_ms = [], []
    for q in queries:
        started = time.perf_counter()
        found = process.extract(
            utils.default_process(q.text), choices, scorer=fuzz.WRatio, processor=None, limit=50
        )
        lookup_ms.append((time.perf_counter() - started) * 1000)
        ids = list(dict.fromkeys(owner[n] for _, _, n in found))[:5]
        ranks[q.kind].append(ids.index(q.answer) if q.answer in ids else None)
    completed = 0
    for q in pref:
        started = time.perf_counter()
        found = process.extract(
            utils.default_process(q.text), choices, scorer=fuzz.WRatio, processor=None, limit=80
        )
        complete_ms.append((time.perf_counter() - started) * 1000)
        ids = list(dict.fromkeys(owner[n] for _, _, n in found))[:25]
        completed += q.answer in ids
    return {
        "ranks": ranks,
        "lookup_ms": lookup_ms,
        "complete_ms": complete_ms,
        "prefix_in_25": completed / len(pref),
    }


def recall(ranks: list[int | None], k: int) -> float:
    return sum(r is not None and r < k for r in ranks) / len(ranks) if ranks else 0.0


def report(name: str, info: dict, engine: dict, base: dict | None) -> dict:
    print(f"\n== {name}: {info['films']:,} films, {info['titles']:,} titles, {info['keys']:,} keys")
    print(
        f"index build {info['build_s']:.2f} s, load {info['load_s']:.2f} s, "
        f"index memory {info['index_mib']:.0f} MiB, "
        f"process peak RSS {info['peak_mib']:.0f} MiB (corpus, build and baseline included)"
    )
    kinds = list(engine["ranks"])
    rows = []
    header = f"{'class':<10}{'n':>5}  {'R@1':>6}{'R@5':>6}"
    if base:
        header += f"   {'base R@1':>8}{'base R@5':>9}"
    print(header)
    summary = {}
    for kind in [*kinds, "all"]:
        e = (
            [r for k in kinds for r in engine["ranks"][k]]
            if kind == "all"
            else engine["ranks"][kind]
        )
        line = f"{kind:<10}{len(e):>5}  {recall(e, 1):>6.3f}{recall(e, 5):>6.3f}"
        entry = {"n": len(e), "r1": recall(e, 1), "r5": recall(e, 5)}
        if base:
            b = (
                [r for k in kinds for r in base["ranks"].get(k, [])]
                if kind == "all"
                else base["ranks"].get(kind, [])
            )
            if b:
                line += f"   {recall(b, 1):>8.3f}{recall(b, 5):>9.3f}"
                entry.update(base_n=len(b), base_r1=recall(b, 1), base_r5=recall(b, 5))
        print(line)
        rows.append(line)
        summary[kind] = entry
    lat = {
        "lookup_p50": statistics.median(engine["lookup_ms"]),
        "lookup_p99": pct(engine["lookup_ms"], 99),
        "complete_p50": statistics.median(engine["complete_ms"]),
        "complete_p99": pct(engine["complete_ms"], 99),
    }
    print(
        f"filmbot  lookup p50 {lat['lookup_p50']:.2f} ms p99 {lat['lookup_p99']:.2f} ms; "
        f"autocomplete p50 {lat['complete_p50']:.2f} ms p99 {lat['complete_p99']:.2f} ms; "
        f"prefix target in the 25 choices {engine['prefix_in_25']:.3f}"
    )
    print(
        f"decision: answered directly {engine['answered']}/{sum(len(v) for v in engine['ranks'].values())}, "
        f"of which wrong {engine['answered_wrong']}"
    )
    if base:
        lat.update(
            base_lookup_p50=statistics.median(base["lookup_ms"]),
            base_lookup_p99=pct(base["lookup_ms"], 99),
            base_complete_p50=statistics.median(base["complete_ms"]),
            base_complete_p99=pct(base["complete_ms"], 99),
        )
        print(
            f"baseline lookup p50 {lat['base_lookup_p50']:.2f} ms p99 {lat['base_lookup_p99']:.2f} ms; "
            f"autocomplete p50 {lat['base_complete_p50']:.2f} ms p99 {lat['base_complete_p99']:.2f} ms; "
            f"prefix target in 25 {base['prefix_in_25']:.3f} "
            f"(filmbot on these same {len(base['complete_ms'])} prefixes: "
            f"{engine['prefix_in_25_same']:.3f})"
        )
    return {"info": info, "recall": summary, "latency": lat,
            "answered": engine["answered"], "answered_wrong": engine["answered_wrong"],
            "prefix_in_25": engine["prefix_in_25"],
            "base_prefix_in_25": base["prefix_in_25"] if base else None}  # fmt: skip


def run(name: str, films: list[Film], queries, pref, baseline_sample: int | None) -> dict:
    entries = entries_of(films)
    gc.collect()
    started = time.perf_counter()
    index = TitleIndex.build(entries)
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp))
        del index
        gc.collect()
        # The loaded index is what a running bot holds: measure its allocations (in a
        # second load, since tracing slows the load itself down).
        tracemalloc.start()
        index = TitleIndex.load(Path(tmp))
        index_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del index
        gc.collect()
        started = time.perf_counter()
        index = TitleIndex.load(Path(tmp))
        load_s = time.perf_counter() - started
    engine = TitleSearch([index])
    for q in queries[:20]:  # warm caches the way a running bot has them
        engine.lookup(q.text)
    measured = measure_engine(engine, queries, pref)
    base = None
    if baseline_sample != 0:
        sample, pref_sample = queries, pref
        if baseline_sample:
            step = max(1, len(queries) // baseline_sample)
            sample, pref_sample = queries[::step], pref[::step]
        base = measure_baseline(films, sample, pref_sample)
        # The engine on exactly the baseline's prefixes, for a like-for-like comparison.
        same = sum(any(c.film_id == q.answer for c in engine.complete(q.text)) for q in pref_sample)
        measured["prefix_in_25_same"] = same / len(pref_sample)
    peak = _peak_mib()
    info = {
        "films": len(films),
        "titles": len(entries),
        "keys": len(engine.parts[0].fuzzy),
        "build_s": build_s,
        "load_s": load_s,
        "index_mib": index_bytes / 2**20,
        "peak_mib": peak,
    }
    return report(name, info, measured, base)


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=("base", "million", "both"), default="both")
    parser.add_argument("--size", type=int, default=1_000_000, help="titles in the big corpus")
    parser.add_argument("--per-kind", type=int, default=50, help="queries per class")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=None,
        help="run the baseline on about this many queries (0: not at all; default: all)",
    )
    parser.add_argument(
        "--seed", type=int, default=11, help="query-set seed (the engine was tuned on 11)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--dump-queries", type=Path, help="write the query set as TSV")
    args = parser.parse_args()

    started = time.perf_counter()
    base = load_base()
    print(
        f"loaded {len(base):,} films from the real catalogs in {time.perf_counter() - started:.1f} s"
    )
    results = {}
    big = None
    if args.corpus in ("million", "both"):
        started = time.perf_counter()
        big = derive(base, args.size)
        titles = sum(len(f.titles) for f in big)
        print(
            f"derived {len(big):,} films ({titles:,} titles) in {time.perf_counter() - started:.1f} s"
        )
    # One query set for both corpora, answerable on the bigger one.
    queries = make_queries(big or base, per_kind=args.per_kind, seed=args.seed)
    pref = prefixes(base, seed=args.seed + 2)
    if args.dump_queries:
        with open(args.dump_queries, "w", encoding="utf-8") as f:
            for q in [*queries, *pref]:
                f.write(f"{q.kind}\t{q.answer}\t{q.text}\n")
    if args.corpus in ("base", "both"):
        results["base"] = run("real catalogs", base, queries, pref, args.baseline_sample)
    if big is not None:
        results["million"] = run("1M titles", big, queries, pref, args.baseline_sample)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
