"""Benchmark: building the database from the bundled catalog, and starting on it later.

Prints, for the real bundled catalog (17,472 Wikidata films + 1,716 Criterion rows):
- parse only (read, gunzip, validate every row): the floor any build must pay;
- a cold build into an empty database (the issue's target: under 30 s);
- a warm start (the catalog is current: hash check only) and a forced re-run;
- importing the three bundled documents (parse, merge, provenance);
- building the search index (and saving it), loading it back; peak memory, database size;
- search latency on the bundled catalog beside rapidfuzz's extractOne over its titles.
Each build figure is shown beside the parse-only floor measured in the same run.

    .venv/bin/python bench/build_db.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from corpus import typo
from rapidfuzz import fuzz, process, utils

from bot.importers import criterion, wikidata
from bot.importers.catalog import CatalogFiles, build_catalog
from bot.importers.csvrows import read_text
from bot.importers.documents.importer import import_bundled_documents
from bot.search import SearchService, TitleSearch
from bot.store import films, open_database

TARGET_BUILD_SECONDS = 30.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def search_latency(titles: TitleSearch, names: list[str], count: int = 400) -> dict[str, float]:
    """Lookup (one typo in a real title) and autocomplete (its first 3-12 letters) on the
    bundled catalog, beside rapidfuzz extractOne(WRatio) over the same titles."""
    rng = random.Random(3)
    sample = [rng.choice([n for n in names if len(n) >= 3]) for _ in range(count)]
    queries = [typo(t, rng) for t in sample]
    typed = [t[: rng.randint(3, min(12, len(t)))] for t in sample]
    processed = [utils.default_process(n) for n in names]
    figures: dict[str, list[float]] = {"lookup": [], "complete": [], "baseline": []}
    for query, prefix in zip(queries, typed, strict=True):
        started = time.perf_counter()
        titles.lookup(query)
        figures["lookup"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        titles.complete(prefix)
        figures["complete"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        process.extractOne(
            utils.default_process(query), processed, scorer=fuzz.WRatio, processor=None
        )
        figures["baseline"].append((time.perf_counter() - started) * 1000)
    out = {}
    for name, values in figures.items():
        out[f"{name}_p50"] = statistics.median(values)
        out[f"{name}_p99"] = _pct(values, 99)
    return out


def parse_only(files: CatalogFiles) -> float:
    started = time.perf_counter()
    wikidata.parse(files.wikidata, read_text(files.wikidata)[0])
    criterion.parse(files.criterion, read_text(files.criterion)[0])
    criterion.parse_boxsets(files.boxsets, read_text(files.boxsets)[0])
    return time.perf_counter() - started


async def one_run(folder: Path) -> dict[str, float]:
    path = folder / "bench.sqlite3"
    db = await open_database(path)
    started = time.perf_counter()
    report = await build_catalog(db, progress=False)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    warm_report = await build_catalog(db, progress=False)
    warm = time.perf_counter() - started
    assert warm_report.skipped
    started = time.perf_counter()
    await build_catalog(db, force=True, progress=False)
    forced = time.perf_counter() - started
    started = time.perf_counter()
    outcomes = await import_bundled_documents(db)
    documents = time.perf_counter() - started
    assert [o.status for o in outcomes] == ["merged"] * 3, outcomes
    started = time.perf_counter()
    built = SearchService(db, folder / "bench.search")
    await built.ready()
    search_build = time.perf_counter() - started
    started = time.perf_counter()
    loaded = SearchService(db, folder / "bench.search")
    await loaded.ready()
    load = time.perf_counter() - started
    assert loaded.loaded_from_cache and not built.loaded_from_cache
    names = [title for title, _ in await films.titles_and_years(db)]
    latency = search_latency(loaded.titles, names)
    await db.close()
    size = sum(p.stat().st_size for p in folder.glob("bench.sqlite3*"))
    return {
        "cold": cold,
        "warm": warm,
        "forced": forced,
        "search_build": search_build,
        "lookup_load": load,
        "documents": documents,
        "titles": float(loaded.titles.size),
        "films": float(report.counts["films"]),
        "credits": float(report.counts["credits"]),
        "db_mib": size / 2**20,
        **latency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = CatalogFiles.bundled()
    floors = [parse_only(files) for _ in range(args.runs)]
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(asyncio.run(one_run(Path(tmp))))
    floor = statistics.median(floors)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"catalog: {med('films'):,.0f} films, {med('credits'):,.0f} credits, "
        f"{med('titles'):,.0f} titles; median of {args.runs} runs"
    )
    print(f"{'measure':<34}{'seconds':>10}  comparison")
    print(f"{'parse only (floor)':<34}{floor:>10.2f}")
    cold = med("cold")
    verdict = "PASS" if cold < TARGET_BUILD_SECONDS else "FAIL"
    print(
        f"{'cold build':<34}{cold:>10.2f}  {cold / floor:.1f}x the floor; "
        f"target < {TARGET_BUILD_SECONDS:.0f} s: {verdict}"
    )
    print(
        f"{'warm start (catalog current)':<34}{med('warm'):>10.3f}  "
        f"{cold / med('warm'):.0f}x faster than a build"
    )
    print(
        f"{'forced re-run (changes nothing)':<34}{med('forced'):>10.2f}  "
        f"{med('forced') / floor:.1f}x the floor"
    )
    print(f"{'import the 3 bundled documents':<34}{med('documents'):>10.3f}")
    print(f"{'search index build (+ save)':<34}{med('search_build'):>10.3f}")
    print(f"{'search index load (saved)':<34}{med('lookup_load'):>10.3f}")
    print(f"database size: {med('db_mib'):.1f} MiB; peak RSS of this process: {peak_mib:.0f} MiB")
    print(
        f"search on the bundled catalog (ms): lookup p50 {med('lookup_p50'):.2f} "
        f"p99 {med('lookup_p99'):.2f}; autocomplete p50 {med('complete_p50'):.2f} "
        f"p99 {med('complete_p99'):.2f}; baseline extractOne(WRatio) p50 "
        f"{med('baseline_p50'):.2f} p99 {med('baseline_p99'):.2f}"
    )
    sys.exit(0 if cold < TARGET_BUILD_SECONDS else 1)


if __name__ == "__main__":
    main()
