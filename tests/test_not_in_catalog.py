"""A film the catalog lacks is said to be missing, with what the catalog covers: never
another film answered with confidence (issue 17, 'truth in answers')."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import not_in_catalog
from bot.search.titles import Hit
from tests.conftest import run_cli


def _ask(db: Path, message: str) -> str:
    out = run_cli("ask", "--as", "text", message, db=db)
    assert out.returncode == 0, out.stderr
    return " ".join(out.stdout.split())


@pytest.mark.parametrize(
    ("message", "closest"),
    [
        ("!film Solaris (1990)", "Solaris (1972)"),  # a year no film of that title has
    ],
)
def test_a_missing_film_is_said_missing_with_what_the_catalog_covers(
    catalog_copy: Path, message: str, closest: str
) -> None:
    text = _ask(catalog_copy, message)
    assert "Not in my catalog" in text and "won't guess" in text
    assert "My catalog covers" in text and "Cannes" in text
    assert f"close: {closest}" in text


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("!film Solaris (1972)", "Solaris (1972)"),
        ("!film casablnca", "Casablanca (1942)"),  # a typo is still answered
        ("!film blade runner 2049", "Blade Runner 2049 (2017)"),  # a year in the title
        ("!film 2046", "2046 (2004)"),
        ("!film Parasite (2019)", "Parasite (2019)"),  # after 2014: from the Cannes list
        # The review's misfires: a part after a colon or a dash, a typo beside a number.
        ("!film attack of the clones", "Star Wars: Episode II – Attack of the Clones (2002)"),
        ("!film revenge of the sith (2005)", "Star Wars: Episode III – Revenge of the Sith"),
        ("!film The Fellowship of the Ring (2001)", "The Lord of the Rings: The Fellowship"),
        ("!film blade runer 2049", "Blade Runner 2049 (2017)"),
    ],
)
def test_films_in_the_catalog_are_still_answered(
    catalog_copy: Path, message: str, title: str
) -> None:
    text = _ask(catalog_copy, message)
    assert text.startswith(title) and "Not in my catalog" not in text


def _hit(title: str, year: int, *, exact: bool = False) -> Hit:
    return Hit(1, title, year, 80.0, exact)


def test_the_rule() -> None:
    inside = [_hit("Leaving Metropolis", 2002)]
    assert not_in_catalog("metropolis", None, None, inside) == "“metropolis”"
    # The search's own clear answer stands (a famous title holding the word).
    assert not_in_catalog("lebowski", None, _hit("The Big Lebowski", 1998), inside) is None
    # Two words or more that only one longer title holds: that title ('liberty valance').
    valance = [_hit("The Man Who Shot Liberty Valance", 1962)]
    assert not_in_catalog("liberty valance", None, None, valance) is None
    # ...and one word inside several titles asks about them (the heading warns).
    several = [*inside, _hit("Metropolis Blues", 1990)]
    assert not_in_catalog("metropolis", None, None, several) is None
    # A lone unclear title holding at most half of the words asked is not the film.
    spirited = [Hit(1, "Spirited", 2022, 74.0, False)]
    assert not_in_catalog("spirited away", None, None, spirited) == "“spirited away”"
    added = [Hit(1, "The Cranes Are Flying", 1957, 76.0, False)]
    assert not_in_catalog("the crane are flying over", None, None, added) is None
    # The words opening a longer title are a beginning, not a miss.
    start = [_hit("Strangers on a Train", 1951)]
    assert not_in_catalog("strangers on", None, start[0], start) is None
    # ...after the title's article too: 'cranes' begins 'The Cranes Are Flying'.
    article = [_hit("The Cranes Are Flying", 1957)]
    assert not_in_catalog("cranes", None, article[0], article) is None
    # An exact title of another year is asked about, unless the year rules it out.
    exact = [_hit("Solaris", 1972, exact=True), _hit("Solaris", 2002, exact=True)]
    assert not_in_catalog("Solaris", None, None, exact) is None
    assert not_in_catalog("Solaris (2003)", 2003, None, exact) is None  # within one year
    assert not_in_catalog("Solaris (1990)", 1990, None, exact) == "“Solaris (1990)”"
    assert not_in_catalog("zzzqqq", None, None, []) == "“zzzqqq”"


def test_a_list_of_titles_that_only_share_words_says_the_film_may_be_missing(
    catalog_copy: Path,
) -> None:
    # Nothing matches the whole query, only parts of it: a list, saying so.
    vague = _ask(catalog_copy, "!film my favourite ran")
    assert "Which film did you mean? It may not be in my catalog." in vague
    # Titles that begin with the query are a real choice: no such warning.
    begun = _ask(catalog_copy, "!film you only")
    assert "Which film did you mean?" in begun and "may not be" not in begun


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("!film liberty valance", "The Man Who Shot Liberty Valance (1962)"),
        ("!film lebowski", "The Big Lebowski (1998)"),
        ("!film the matirx", "The Matrix (1999)"),  # two letters swapped
    ],
)
def test_the_distinctive_end_of_a_title_or_a_famous_one_holding_a_word_answers(
    catalog_copy: Path, message: str, title: str
) -> None:
    text = _ask(catalog_copy, message)
    assert text.startswith(title) and "Not in my catalog" not in text


def test_sequels_no_title_numbers_offer_the_series(catalog_copy: Path) -> None:
    text = _ask(catalog_copy, "!film alien 2")
    assert "Which film did you mean?" in text
    assert text.index("Aliens (1986)") < text.index("Alien (1979)")  # the guess first
    assert "Alien 3 (1992)" in text  # the series is there to pick from


def test_a_title_only_inside_an_obscure_longer_one_asks_saying_it_may_be_missing(
    catalog_copy: Path,
) -> None:
    # the user trial's confident miss: 'metropolis' answered with Leaving Metropolis
    text = _ask(catalog_copy, "!film metropolis")
    assert "Which film did you mean? It may not be in my catalog." in text
    assert "Leaving Metropolis (2002)" in text
