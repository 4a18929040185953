"""Search quality on the real catalogs in ../shared/data (the benchmark's corpus and queries).

No timings here (those are the benchmark's job): only what the engine answers. The query
set is generated from the real titles with known answers, see bench/corpus.py.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import corpus

from bot.models import TitleEntry
from bot.search.titles import TitleIndex, TitleSearch


@pytest.fixture(scope="module")
def real() -> tuple[list[corpus.Film], TitleSearch]:
    if not (corpus.SHARED / "wikidata_films.csv").exists():
        pytest.fail(f"the real catalogs are missing: {corpus.SHARED} (CI puts ../shared beside)")
    films = corpus.load_base()
    entries = [
        TitleEntry(f.id, title, f.year, f.popularity, primary=(n == 0))
        for f in films
        for n, title in enumerate(f.titles)
    ]
    return films, TitleSearch([TitleIndex.build(entries)])


def test_the_corpus_is_the_real_catalogs(real: tuple[list[corpus.Film], TitleSearch]) -> None:
    films, engine = real
    keys = {key for film in films for key in film.keys}
    assert len(films) > 150_000 and len(keys) > 120_000
    assert engine.size > 200_000


def test_recall_on_every_query_class(real: tuple[list[corpus.Film], TitleSearch]) -> None:
    films, engine = real
    queries = corpus.make_queries(films, per_kind=30, seed=5)  # not the benchmark's seed
    found: dict[str, list[bool]] = defaultdict(list)
    wrong_answers = 0
    for q in queries:
        result = engine.lookup(q.text, limit=5)
        found[q.kind].append(bool(result.candidates) and result.candidates[0].film_id == q.answer)
        if result.best is not None and result.best.film_id != q.answer:
            wrong_answers += 1
    recall = {kind: sum(hits) / len(hits) for kind, hits in found.items()}
    assert set(recall) == {
        "typo1", "typo2", "article", "partial", "reorder", "year", "original", "beginning"
    }  # fmt: skip
    assert all(value >= 0.85 for value in recall.values()), recall
    assert sum(sum(h) for h in found.values()) / len(queries) >= 0.93, recall
    # Answering directly must almost never be wrong: when unsure, the engine asks.
    assert wrong_answers <= len(queries) // 50


def test_derived_corpus_keeps_every_real_title_unique_and_answerable() -> None:
    films = corpus.load_base()
    big = corpus.derive(films, len(films) + 20_000)
    assert len(big) == len(films) + 20_000
    derived_keys = [key for film in big[len(films) :] for key in film.keys]
    assert len(set(derived_keys)) == len(derived_keys)
    assert not set(derived_keys) & {key for film in films for key in film.keys}
