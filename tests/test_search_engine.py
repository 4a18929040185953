"""The search engine itself: fuzzy index, title lookup, decision rule, autocomplete."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.constants import DISCORD_AUTOCOMPLETE_MAX_CHOICES, DISCORD_AUTOCOMPLETE_NAME_MAX
from bot.core.engine import Core
from bot.models import TitleEntry
from bot.search.fuzzy import FuzzyIndex, StringTable, edit_similarity, similarity
from bot.search.titles import TitleIndex, TitleSearch, label, title_keys

ENTRIES = [
    TitleEntry(1, "The Cranes Are Flying", 1957, 5.0),
    TitleEntry(1, "Летят журавли", 1957, 5.0, primary=False),
    TitleEntry(2, "Solaris", 1972, 4.0),
    TitleEntry(3, "Solaris", 2002, 3.0),
    TitleEntry(4, "Matrix, The", 1999, 6.0),
    TitleEntry(5, "Marseillaise, La", 1938, 1.0),
    TitleEntry(6, "Les Marseillais", None, 0.5),
    TitleEntry(7, "Blade Runner 2049", 2017, 4.0),
    TitleEntry(8, "Blade Runner", 1982, 5.0),
    TitleEntry(9, "Seven Samurai", 1954, 5.0),
    TitleEntry(10, "Samurai Rebellion", 1967, 2.0),
    TitleEntry(11, "The Seventh Seal", 1957, 4.0),
    TitleEntry(12, "Léon: The Professional", 1994, 5.0),
    TitleEntry(13, "W" * 150, 2001, 0.0),
]


@pytest.fixture(scope="module")
def engine() -> TitleSearch:
    return TitleSearch([TitleIndex.build(ENTRIES)])


def _top(engine: TitleSearch, query: str) -> tuple[int | None, int | None]:
    result = engine.lookup(query)
    return (
        result.best.film_id if result.best else None,
        result.candidates[0].film_id if result.candidates else None,
    )


def test_string_table_round_trip_and_newlines_refused() -> None:
    table = StringTable.of(["a", "ßé", "", "летят"])
    assert list(table) == ["a", "ßé", "", "летят"]
    assert [table[n] for n in range(len(table))] == ["a", "ßé", "", "летят"]
    assert table[-1] == "летят"
    with pytest.raises(ValueError):
        StringTable.of(["one\ntwo"])


def test_fuzzy_index_requires_sorted_distinct_keys() -> None:
    with pytest.raises(ValueError):
        FuzzyIndex.build(["b", "a"], [1.0, 1.0])
    with pytest.raises(ValueError):
        FuzzyIndex.build(["a", "a"], [1.0, 1.0])
    empty = FuzzyIndex.build([], [])
    assert empty.candidates("anything") == [] and empty.prefixed("a", 5) == []


def test_trigram_candidates_find_typos_partials_and_reordered_words() -> None:
    keys = sorted(["cranes are flying", "seven samurai", "seventh seal", "solaris"])
    index = FuzzyIndex.build(keys, np.ones(len(keys)))
    assert keys[index.candidates("cranes are flyng")[0]] == "cranes are flying"
    assert keys[index.candidates("flying cranes")[0]] == "cranes are flying"
    assert keys[index.candidates("samurai seven")[0]] == "seven samurai"
    assert index.find("solaris") == keys.index("solaris") and index.find("solari") is None
    assert [keys[n] for n in index.prefixed("seven", 5)] == ["seven samurai", "seventh seal"]


def test_similarity_forgives_slips_order_and_missing_small_words() -> None:
    # Every one-letter slip costs the same; a swap is no worse than a missing letter.
    assert edit_similarity("marseillaies", "marseillaise") >= edit_similarity(
        "marseillaies", "marseillais"
    )
    assert similarity("cranes flying", "cranes are flying") > similarity(
        "cranes flying", "cranes are flying over the river of time"
    )
    assert similarity("tower the", "tower") > similarity("tower the", "behind the white tower")
    assert similarity("man", "man") == 100.0
    assert similarity("man", "man who knew too much") < 85
    assert similarity("cran", "cranes are flying", partial=True) > similarity(
        "cran", "cranes are flying"
    )


def test_keys_fold_articles_inversions_and_scripts() -> None:
    assert title_keys("Matrix, The") == ["matrix"]
    assert title_keys("The Matrix") == ["matrix"]
    assert title_keys("Летят журавли") == ["летят журавли", "letyat zhuravli"]
    assert title_keys("Amélie") == ["amelie"]


def test_lookup_exact_typo_partial_reordered_year_and_original(engine: TitleSearch) -> None:
    assert _top(engine, "the matrix") == (4, 4)
    assert _top(engine, "Matrix") == (4, 4)
    assert _top(engine, "cranes are flyng") == (1, 1)
    assert _top(engine, "cranes flying") == (1, 1)
    assert _top(engine, "flying cranes are") == (1, 1)
    assert _top(engine, "Летят журавли") == (1, 1)
    assert _top(engine, "letyat zhuravli")[1] == 1  # typed in Latin letters
    assert _top(engine, "leon the profesional") == (12, 12)
    assert _top(engine, "Marseillaies, La")[1] == 5


def test_year_hints_decide_and_numbers_can_be_titles(engine: TitleSearch) -> None:
    ambiguous = engine.lookup("Solaris")
    assert ambiguous.best is None
    assert [h.film_id for h in ambiguous.candidates] == [2, 3]  # the better known first
    assert _top(engine, "Solaris (1972)") == (2, 2)
    assert _top(engine, "solaris 2002") == (3, 3)
    assert _top(engine, "solaris [1973]") == (2, 2)  # one year off still finds it
    assert _top(engine, "Blade Runner 2049") == (7, 7)
    assert _top(engine, "blade runer 2049")[1] == 7  # a typo, and the number is the title's


def test_results_carry_stable_ids_and_the_matched_alias(engine: TitleSearch) -> None:
    hit = engine.lookup("Летят журавли").best
    assert hit is not None
    assert (hit.film_id, hit.title, hit.year, hit.matched) == (
        1,
        "The Cranes Are Flying",
        1957,
        "Летят журавли",
    )


def test_close_candidates_ask_instead_of_guessing(engine: TitleSearch) -> None:
    result = engine.lookup("solaros")  # a typo, and two films of that title
    assert result.best is None
    assert [h.film_id for h in result.candidates] == [2, 3]
    result = engine.lookup("samurai")
    assert result.best is None
    assert {h.film_id for h in result.candidates} == {9, 10}
    assert engine.lookup("zzzqqqxx").candidates == ()


def test_autocomplete_prefixes_fuzzy_labels_and_limits(engine: TitleSearch) -> None:
    choices = engine.complete("the cran")
    assert choices[0].film_id == 1
    assert choices[0].label == "The Cranes Are Flying (1957)"
    assert choices[0].value == "film:1"
    assert engine.complete("sol")[0].label == "Solaris (1972)"
    assert [c.film_id for c in engine.complete("solaris 2002")][:1] == [3]
    assert engine.complete("crnaes ar")[0].film_id == 1  # typo in what is typed so far
    assert engine.complete("летят")[0].label == "The Cranes Are Flying (1957) · Летят журавли"
    long = engine.complete("wwwwww")[0]
    assert len(long.label) == DISCORD_AUTOCOMPLETE_NAME_MAX
    assert long.label.endswith("… (2001)")
    assert len(engine.complete("")) == len({e.film_id for e in ENTRIES})


def test_label_cuts_title_and_alias_but_keeps_the_year() -> None:
    text = label("A" * 300, 1999, "B" * 300)
    assert len(text) == 100 and "(1999)" in text and text.endswith("…")
    assert label("Solaris", None) == "Solaris"


def test_persisted_index_answers_like_the_built_one(engine: TitleSearch, tmp_path: Path) -> None:
    engine.parts[0].save(tmp_path)
    loaded = TitleSearch([TitleIndex.load(tmp_path)])
    for query in ("cranes flyng", "solaris", "the matrix", "летят", "blade runner 2049"):
        assert loaded.lookup(query) == engine.lookup(query)
        assert loaded.complete(query) == engine.complete(query)


def test_a_small_index_beside_the_big_one_ranks_alike(engine: TitleSearch) -> None:
    main = engine.parts[0]
    recent = TitleIndex.build([TitleEntry(20, "The Quiet Orchard", 2019, 0.0)], main.scale)
    both = TitleSearch([main, recent])
    assert both.lookup("quiet orchard").best.film_id == 20
    assert both.lookup("the matrix").best.film_id == 4
    assert both.complete("the qui")[0].film_id == 20


async def test_real_catalog_titles(core: Core) -> None:
    titles = await core.titles()

    def best(query: str) -> tuple[str, int | None] | None:
        hit = titles.lookup(query).best
        return (hit.title, hit.year) if hit else None

    assert best("the cranes are flying") == ("The Cranes Are Flying", 1957)
    assert best("Seven Samurai") == ("Seven Samurai", 1954)
    assert best("Matrix, The") == ("The Matrix", 1999)
    assert best("amelie") == ("Amélie", 2001)
    assert best("vertgo") == ("Vertigo", 1958)
    assert best("samurai seven") == ("Seven Samurai", 1954)
    assert best("passion of joan arc") == ("The Passion of Joan of Arc", 1928)
    assert best("1984") == ("1984", 1984)
    assert best("2001 a space odyssey") == ("2001: A Space Odyssey", 1968)
    assert best("Solaris 1973") == ("Solaris", 1972)
    choices = titles.complete("seven sam")
    assert 0 < len(choices) <= DISCORD_AUTOCOMPLETE_MAX_CHOICES
    assert choices[0].label == "Seven Samurai (1954)"
    assert len(titles.complete("s")) == DISCORD_AUTOCOMPLETE_MAX_CHOICES
    assert all(len(c.label) <= DISCORD_AUTOCOMPLETE_NAME_MAX for c in titles.complete("the"))
