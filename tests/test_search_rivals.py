"""Title search between rival readings of a query: a beginning against a shorter title's
typo, an exact title against a film spelled just as typed, near-equal typos, sequels
counted over re-releases and second rows of one film, words a title writes as one, and
the article a query typed."""

from __future__ import annotations

import pytest

from bot.models import TitleEntry
from bot.search.titles import TitleIndex, TitleSearch
from tests.test_search_beginnings import answer

# Popularity is raw (votes-like); 0.3 is a yearly list's film whose fame is unknown. The
# numbered fillers give the popularity scale a spread, as a real catalog has.
FILLERS = [TitleEntry(1000 + n, f"Film Number {n}", 1990, float(n)) for n in range(1, 20)]


def search(*entries: TitleEntry) -> TitleSearch:
    return TitleSearch([TitleIndex.build([*entries, *FILLERS])])


def test_letters_typed_past_a_shorter_title_begin_a_longer_one() -> None:
    engine = search(
        TitleEntry(1, "Mother", 2009, 950.0),
        TitleEntry(2, "Mother's Day on Waltons Mountain", 1982, 100.0),
        TitleEntry(3, "Psycho", 1960, 990.0),
        TitleEntry(4, "Psychomania", 1973, 30.0),
    )
    # 'mother's' is no slip of Mother: the longer title goes on with it word for word
    for query in ("mother's", "mothers"):
        best, ranked = answer(engine, query)
        assert best != 1 and ranked[:2] == [2, 1]
    # an unfinished word is still a typo of the better known title ('psyco' is Psycho)
    assert answer(engine, "psyco")[1][0] == 3
    assert answer(engine, "mother")[0] == 1


def test_an_exact_title_with_an_article_not_typed_asks_beside_a_film_spelled_as_typed() -> None:
    engine = search(
        TitleEntry(1, "The House of Sand", 2005, 500.0),
        TitleEntry(2, "House of Sand and Fog", 2003, 800.0),
        TitleEntry(3, "The French Connection", 1971, 950.0),
        TitleEntry(4, "French Connection II", 1975, 900.0),
        TitleEntry(5, "The Killing", 1956, 900.0),
        TitleEntry(6, "Killing Them Softly", 2012, 850.0),
        TitleEntry(7, "The Lost Weekend", 1945, 900.0),
        TitleEntry(8, "Lost Weekend Away", 2001, 2.0),
    )
    # both are asked about, the better known first
    best, ranked = answer(engine, "house of sand")
    assert best is None and ranked[:2] == [2, 1]
    assert answer(engine, "the house of sand")[0] == 1  # the article typed: that film
    # a sequel of the exact title is no rival, nor is a film far less known
    assert answer(engine, "french connection")[0] == 3
    assert answer(engine, "lost weekend")[0] == 7
    # one word is typed without its article all the time
    assert answer(engine, "killing")[0] == 5


def test_near_equal_typos_put_the_typed_article_and_spelling_and_the_famous_film_first() -> None:
    engine = search(
        TitleEntry(1, "The Sea Wolf", 1941, 950.0),
        TitleEntry(2, "Once See the Wolf", 1950, 20.0),
        TitleEntry(3, "One See Wolf", 1983, 0.3),
        TitleEntry(4, "Mirror", 1975, 700.0),
        TitleEntry(5, "The Mirror", 1997, 750.0),
        TitleEntry(6, "The Godfather", 1972, 1000.0),
        TitleEntry(7, "Godfather", 1991, 5.0),
    )
    # the reordered titles hold the typed words, but only one begins with the 'the' typed
    best, ranked = answer(engine, "the see wolf")
    assert ranked[0] == 1 and best in (None, 1)
    # two films of one key: the one spelled as typed first, article or none
    assert answer(engine, "mirorr")[1][:2] == [4, 5]
    assert answer(engine, "the mirorr")[1][:2] == [5, 4]
    # ...unless the other is far better known (and the catalog knows both)
    assert answer(engine, "godfathr")[1][:2] == [6, 7]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # no film is named just 'pirates of the caribbean': the series counts from its
        # earliest film, a second row of that film (same year, fame unknown) once
        ("pirates of the caribbean 2", 3),
        ("pirates of the caribbean 3", 4),
        # a re-release in 3D and an older namesake are not sequels; a title that says it
        # follows (a subtitle after the name) is one, its fame unknown or not
        ("avatar 2", 13),
        # the series' name as the subtitle of another title: that title is a sequel
        ("night train 2", 16),
    ],
)
def test_sequels_are_counted_over_re_releases_namesakes_and_second_rows(
    query: str, first: int
) -> None:
    engine = search(
        TitleEntry(1, "Pirates of the Caribbean: The Curse of the Black Pearl", 2003, 900.0),
        TitleEntry(2, "Pirates of the Caribbean: Curse of the Black Pearl", 2003, 0.3),
        TitleEntry(3, "Pirates of the Caribbean: Dead Man's Chest", 2006, 850.0),
        TitleEntry(4, "Pirates of the Caribbean: At World's End", 2007, 800.0),
        TitleEntry(10, "Avatar", 2009, 990.0),
        TitleEntry(11, "Avatar", 1950, 0.3),
        TitleEntry(12, "Avatar 3D", 2012, 0.3),
        TitleEntry(13, "Avatar: The Way of Water", 2022, 0.3),
        TitleEntry(15, "Night Train", 1990, 700.0),
        TitleEntry(16, "Dark Crossing: Night Train", 1994, 500.0),
        TitleEntry(17, "Night Train Home", 1992, 0.3),  # says nothing of following it
    )
    best, ranked = answer(engine, query)
    assert best is None and ranked[0] == first


def test_a_series_with_no_title_of_that_number_lists_the_rest_after_the_guess() -> None:
    engine = search(
        TitleEntry(10, "Avatar", 2009, 990.0),
        TitleEntry(12, "Avatar 3D", 2012, 0.3),
        TitleEntry(13, "Avatar: The Way of Water", 2022, 0.3),
    )
    best, ranked = answer(engine, "avatar 3")
    assert best is None and ranked[0] == 10 and set(ranked) == {10, 12, 13}


def test_words_a_title_writes_as_one_are_found_typed_apart() -> None:
    engine = search(
        TitleEntry(1, "Wallace & Gromit: The Curse of the Were-Rabbit", 2005, 800.0),
        TitleEntry(2, "Scooby-Doo", 2002, 850.0),
        TitleEntry(3, "Scooby-Doo in Arabian Nights", 1994, 0.3),
        TitleEntry(4, "Scooby-Doo in Where's My Mummy?", 2005, 0.3),
        TitleEntry(5, "The Freshie", 1922, 400.0),
    )
    assert answer(engine, "curse were rabbit")[1][:1] == [1]
    # ...and begin titles as their keys write them: asked, not Scooby-Doo answered
    best, ranked = answer(engine, "scooby doo in")
    assert best is None and set(ranked[:2]) == {3, 4}
    # joined, the words must make the title's word itself, not a typo of it
    assert answer(engine, "fresh ice")[0] is None


def test_the_article_typed_puts_the_title_that_begins_with_it_first() -> None:
    engine = search(
        TitleEntry(1, "Valley of the Dolls", 1967, 900.0),
        TitleEntry(2, "The Valley of Gwangi", 1969, 300.0),
        TitleEntry(3, "A Valley of Kings", 1950, 0.3),
    )
    best, ranked = answer(engine, "the valley of")
    assert best is None and ranked[0] == 2
    assert answer(engine, "a valley of")[1][0] == 3
    assert answer(engine, "valley of")[1][0] == 1  # no article typed: the best known


def test_a_3d_sequel_counts_in_its_series_and_a_late_3d_re_release_does_not() -> None:
    """'Saw 3D' (2010, six years after Saw) is the series' seventh film; 'Top Gun 3D'
    (2013, 27 years after) is Top Gun again."""
    from bot.search.titles import Hit, _re_release

    saw3d = Hit(1, "Saw 3D", 2010, 99.0, False)
    topgun3d = Hit(2, "Top Gun 3D", 2013, 99.0, False)
    assert not _re_release("saw", saw3d, 2004)
    assert _re_release("top gun", topgun3d, 1986)
    assert _re_release("apocalypse now", Hit(3, "Apocalypse Now Redux", 2001, 99.0, False), 1979)
