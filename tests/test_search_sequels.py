"""Sequels asked for by a number no title carries ('alien 2' is Aliens), and typos that
swap two letters ('matirx'): offered or found, never answered with the wrong number."""

from __future__ import annotations

import pytest

from bot.models import TitleEntry
from bot.search.titles import TitleIndex, TitleSearch
from tests.test_search_beginnings import answer

# Popularity is raw (votes-like); 0.3 is a yearly list's film whose fame is unknown.
ENTRIES = [
    TitleEntry(1, "Alien", 1979, 980.0),
    TitleEntry(2, "Aliens", 1986, 970.0),
    TitleEntry(3, "Alien 3", 1992, 500.0),
    TitleEntry(4, "Alien Resurrection", 1997, 450.0),
    TitleEntry(5, "The Alien Encounters", 1979, 2.0),  # shares the name, not the series
    TitleEntry(6, "Alien Dead", 1980, 0.3),
    TitleEntry(7, "Alienator", 1989, 3.0),
    TitleEntry(8, "Die Hard", 1988, 900.0),
    TitleEntry(9, "Die Hard 2", 1990, 700.0),
    TitleEntry(10, "Die Hard with a Vengeance", 1995, 750.0),
    TitleEntry(11, "Hard Boiled", 1992, 300.0),  # its key begins like Die Hard's
    TitleEntry(12, "Rambo: First Blood Part II", 1985, 600.0),
    TitleEntry(13, "Rambo III", 1988, 500.0),
    TitleEntry(14, "Rambo", 2008, 550.0),
    TitleEntry(15, "The Matrix", 1999, 990.0),
    TitleEntry(16, "The Matrix Reloaded", 2003, 800.0),
    TitleEntry(17, "The Matrix Revolutions", 2003, 700.0),
    TitleEntry(18, "Matir Moina", 2002, 5.0),
    TitleEntry(19, "Spirited", 2022, 200.0),
    TitleEntry(20, "Casablanca", 1942, 950.0),
    TitleEntry(21, "Rocky", 1948, 0.3),  # an older namesake, fame unknown
    TitleEntry(22, "Rocky", 1976, 700.0),
    TitleEntry(23, "Rocky II", 1979, 450.0),
    TitleEntry(24, "Rocky III", 1982, 400.0),
]


@pytest.fixture(scope="module")
def engine() -> TitleSearch:
    return TitleSearch([TitleIndex.build(ENTRIES)])


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("alien 2", 2),  # the second film of the series by release, not Alien 3
        ("die hard 3", 10),
        ("matrix 2", 16),  # typed without the title's article
        ("the matrix 3", 17),
        ("rocky 4", 22),  # only three in the series: release order, the first film first
    ],
)
def test_a_sequel_number_no_title_has_offers_the_series_with_a_guess_first(
    engine: TitleSearch, query: str, first: int
) -> None:
    best, ranked = answer(engine, query)
    assert best is None  # a guess is offered, never answered
    assert ranked[0] == first


def test_the_series_is_the_first_film_and_what_goes_on_from_its_name(
    engine: TitleSearch,
) -> None:
    _, ranked = answer(engine, "alien 2")
    assert sorted(ranked[:4]) == [1, 2, 3, 4]  # Alien, Aliens, Alien 3, Alien Resurrection
    assert 7 not in ranked  # 'Alienator' is another word, not the name in the plural
    _, hard = answer(engine, "die hard 3")
    assert 11 not in hard  # 'Hard Boiled' shares a key, not the written name
    _, rocky = answer(engine, "rocky 4")
    assert rocky[:2] == [22, 23]  # the series first: the 1948 namesake is not counted in it


def test_the_one_title_of_the_series_that_holds_the_number_answers(engine: TitleSearch) -> None:
    assert answer(engine, "rambo 2")[0] == 12  # 'Part II' inside the title
    assert answer(engine, "rocky 2")[0] == 23  # spelled as the title spells it


def test_two_swapped_letters_still_find_the_title(engine: TitleSearch) -> None:
    assert answer(engine, "the matirx")[0] == 15
    assert answer(engine, "casalbanca")[0] == 20


def test_words_beyond_a_shorter_title_keep_the_question_open(engine: TitleSearch) -> None:
    best, ranked = answer(engine, "spirited aw")
    assert best is None and ranked[0] == 19
    assert answer(engine, "spirited")[0] == 19


def test_an_exact_title_of_unknown_fame_asks_when_a_famous_film_is_subtitled_so() -> None:
    entries = [
        TitleEntry(1, "Winter Soldier", 1972, 0.3),  # a yearly list's film: fame unknown
        TitleEntry(2, "Captain America: The Winter Soldier", 2014, 990.0),
        TitleEntry(3, "Casablanca", 1942, 950.0),
        TitleEntry(4, "Tokyo Story", 1953, 0.3),
        *(TitleEntry(10 + n, f"Film Number {n}", 1990, float(n)) for n in range(1, 20)),
    ]
    engine = TitleSearch([TitleIndex.build(entries)])
    best, ranked = answer(engine, "winter soldier")
    assert best is None and ranked[:2] == [2, 1]  # asks, the famous film first
    assert answer(engine, "the winter soldier")[1][:2] == [2, 1]
    # no famous film is subtitled so: the exact title answers as before
    assert answer(engine, "tokyo story")[0] == 4


def test_a_part_of_a_film_in_two_parts_is_not_the_series_second() -> None:
    entries = [
        TitleEntry(1, "Harry Potter and the Philosopher's Stone", 2001, 900.0),
        TitleEntry(2, "Harry Potter and the Chamber of Secrets", 2002, 850.0),
        TitleEntry(3, "Harry Potter and the Deathly Hallows – Part 1", 2010, 800.0),
        TitleEntry(4, "Harry Potter and the Deathly Hallows – Part 2", 2011, 880.0),
        *(TitleEntry(10 + n, f"Film Number {n}", 1990, float(n)) for n in range(1, 20)),
    ]
    engine = TitleSearch([TitleIndex.build(entries)])
    best, ranked = answer(engine, "harry potter 2")
    assert best is None and ranked[0] != 4  # asked, and not led by the finale's Part 2
    assert 2 in ranked


def test_hyphenated_names_typed_apart_and_numbers_are_not_letter_slips(
    engine: TitleSearch,
) -> None:
    entries = [
        TitleEntry(1, "Spider-Man", 2002, 900.0),
        TitleEntry(2, "Spider-Man 2", 2004, 880.0),
        TitleEntry(3, "2001: A Space Odyssey", 1968, 950.0),
        TitleEntry(4, "2010", 1984, 300.0),
        *(TitleEntry(10 + n, f"Film Number {n}", 1990, float(n)) for n in range(1, 20)),
    ]
    search = TitleSearch([TitleIndex.build(entries)])
    assert answer(search, "spider man")[0] == 1
    assert answer(search, "spider man 2")[0] == 2
    assert 4 not in answer(search, "2001")[1]  # '2001' is not a swap of '2010'
    # no guess carries another number: 'alien 4' lists the series in release order
    best, ranked = answer(engine, "alien 4")
    assert best is None and ranked[0] != 3
