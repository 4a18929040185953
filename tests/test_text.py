"""Folding rules that decide when two spellings are the same title or person."""

from __future__ import annotations

import pytest

from bot.search import split_year_hint
from bot.text import clean_cell, names_compatible, norm_title, split_names


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Firemen’s Ball", "firemen's ball"),
        ("Matrix, The", "The Matrix"),
        ("Amélie", "AMELIE"),
        ("Ivan the Terrible, Part I", "Ivan the Terrible. Part I"),
        ("Rome, Open City", "Rome Open City"),
        ("La Dolce Vita", "dolce vita"),
    ],
)
def test_same_title(a: str, b: str) -> None:
    assert norm_title(a) == norm_title(b)


def test_words_that_look_like_articles_are_kept() -> None:
    assert norm_title("I Am Cuba") == "i am cuba"
    assert norm_title("O Brother, Where Art Thou?") == "o brother where art thou"
    assert norm_title("A") == "a"  # a title that is only an article stays itself


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Carl Th. Dreyer", "Carl Theodor Dreyer", True),
        ("Carl Dreyer", "Carl Theodor Dreyer", True),
        ("Carl Th. Dreyer", "Carl Tom Dreyer", False),
        ("Jean Renoir", "Jean-Luc Renoir", False),
        ("Jean Renoir", "Pierre Renoir", False),
    ],
)
def test_names_compatible(a: str, b: str, same: bool) -> None:
    assert names_compatible(a, b) is same
    assert names_compatible(b, a) is same


def test_cells_are_cleaned_and_split() -> None:
    assert clean_cell("\t\t\tGrand Illusion\t\n ") == "Grand Illusion"
    assert split_names("Volker Schlöndorff and Margarethe von Trotta") == [
        "Volker Schlöndorff",
        "Margarethe von Trotta",
    ]
    assert split_names("Olivier Nakache, Éric Toledano") == ["Olivier Nakache", "Éric Toledano"]
    assert split_names("  ") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Solaris (1972)", ("Solaris", 1972)),
        ("solaris 1972", ("solaris", 1972)),
        ("Solaris [1972]", ("Solaris", 1972)),
        ("solaris, 2002", ("solaris", 2002)),
        ("1984", ("1984", None)),
        ("Seven Samurai", ("Seven Samurai", None)),
    ],
)
def test_year_hint(query: str, expected: tuple[str, int | None]) -> None:
    assert split_year_hint(query) == expected


def test_a_typed_half_is_written_as_titles_write_it() -> None:
    from bot.text import typed_fractions

    assert norm_title(typed_fractions("8 1/2")) == norm_title("8½")
    assert typed_fractions("what year is 8 1/2") == "what year is 8½"
    assert typed_fractions("11/2/1999") == "11/2/1999"
