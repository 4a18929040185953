"""The foundation's title lookup, on the real bundled catalog."""

from __future__ import annotations

from bot.core.engine import Core


def _best(core: Core, query: str) -> tuple[str, int | None] | None:
    result = core.search.titles.lookup(query)
    return (result.best.title, result.best.year) if result.best else None


async def test_exact_titles_answer_at_once(core: Core) -> None:
    assert _best(core, "the cranes are flying") == ("The Cranes Are Flying", 1957)
    assert _best(core, "Seven Samurai") == ("Seven Samurai", 1954)
    assert _best(core, "Matrix, The") == ("The Matrix", 1999)
    assert _best(core, "amelie") == ("Amélie", 2001)


async def test_year_hint_chooses_between_films_sharing_a_title(core: Core) -> None:
    ambiguous = core.search.titles.lookup("Solaris")
    assert ambiguous.best is None
    assert [(h.title, h.year) for h in ambiguous.candidates] == [
        ("Solaris", 1972),
        ("Solaris", 2002),
    ]
    assert _best(core, "Solaris (1972)") == ("Solaris", 1972)
    assert _best(core, "solaris 2002") == ("Solaris", 2002)
    # A wrong-by-one year still finds the film (release vs production year).
    assert _best(core, "Solaris 1973") == ("Solaris", 1972)


async def test_a_number_can_be_the_title(core: Core) -> None:
    assert _best(core, "1984") == ("1984", 1984)
    assert _best(core, "2001 a space odyssey") == ("2001: A Space Odyssey", 1968)


async def test_typos_and_missing_words(core: Core) -> None:
    assert _best(core, "cranes are flyng") == ("The Cranes Are Flying", 1957)
    assert _best(core, "cranes flying") == ("The Cranes Are Flying", 1957)


async def test_nonsense_finds_nothing(core: Core) -> None:
    result = core.search.titles.lookup("zzzqqqxx")
    assert result.best is None
    assert result.candidates == ()


async def test_criterion_only_films_are_searchable(core: Core) -> None:
    # Before 1940, so only the Criterion list knows it.
    assert _best(core, "the passion of joan of arc") == ("The Passion of Joan of Arc", 1928)


async def test_the_article_typed_narrows_the_exact_matches(core: Core) -> None:
    with_article = core.search.titles.lookup("The Killers")
    assert [(h.title, h.year) for h in with_article.candidates] == [
        ("The Killers", 1946),
        ("The Killers", 1964),
    ]
    without = core.search.titles.lookup("killers")
    assert {h.year for h in without.candidates} >= {2010, 2014}
