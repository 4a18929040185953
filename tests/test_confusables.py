"""Invisible duplicates: a title that looks like a known one keys like it (issue 15).

Format characters (ZWJ, soft hyphen, bidi marks) are dropped, compatibility forms
(fullwidth letters) become plain, and a word mixing Latin with Cyrillic or Greek
look-alikes is written in one script, so a document about 'Sоlaris' (a Cyrillic 'о')
attaches to Solaris instead of creating a second film that shows the same. A title wholly
in Cyrillic stays Cyrillic.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.core.engine import Core
from bot.importers.documents.importer import import_document
from bot.models import TitleEntry
from bot.search.titles import TitleIndex, TitleSearch, query_key
from bot.store import open_database
from bot.text import _FORMAT, canonical, fold, norm_name, norm_title
from tests import sql
from tests.test_documents import DISC_VARIANT, LISTING_VARIANT

ZWJ, ZWNJ, SOFT_HYPHEN, RLM = "\u200d", "\u200c", "\u00ad", "\u200f"
CYRILLIC_O, CYRILLIC_A, CYRILLIC_E = "\u043e", "\u0430", "\u0435"


@pytest.mark.parametrize(
    ("spelled", "plain"),
    [
        (f"Sola{ZWJ}ris", "Solaris"),
        (f"Seven Sa{SOFT_HYPHEN}murai", "Seven Samurai"),
        (f"{RLM}Vertigo{ZWNJ}", "Vertigo"),
        ("Ｓｏｌａｒｉｓ", "Solaris"),  # fullwidth
        (f"S{CYRILLIC_O}laris", "Solaris"),
        (f"Th{CYRILLIC_E} Cranes {CYRILLIC_A}re Flying", "The Cranes Are Flying"),
        ("\u0422he Matrix", "The Matrix"),  # a Cyrillic capital Te
        ("Matrix, \u0422he", "The Matrix"),  # and the inversion still undone
        ("\u0396orba the Greek", "Zorba the Greek"),  # a Greek capital Zeta
        (f"Sev{CYRILLIC_E}\u0301n Samurai", "Seven Samurai"),  # an accent on the look-alike
    ],
)
def test_look_alike_titles_key_like_the_real_one(spelled: str, plain: str) -> None:
    assert norm_title(spelled) == norm_title(plain)
    assert query_key(spelled) == query_key(plain)


def test_words_wholly_in_another_script_stay_in_it() -> None:
    assert norm_title("Летят журавли") == "летят журавли"
    assert fold("Ο Θίασος") == "ο θιασος"  # Greek, with look-alike letters, stays Greek
    # A Cyrillic word with a stray Latin look-alike is written in Cyrillic.
    assert norm_title(f"Летят жур{'a'}вли") == "летят журавли"
    # 'Духless' mixes the scripts on purpose ('less' is not a stray letter): kept.
    assert fold("Духless") == "духless"
    assert canonical("Amélie") == "Amélie" and fold("Amélie") == "amelie"


def test_names_are_keyed_the_same_way() -> None:
    assert norm_name(f"Andr{CYRILLIC_E}i Tark{ZWJ}ovsky") == norm_name("Andrei Tarkovsky")


def test_the_format_character_class_is_unicode_category_cf() -> None:
    cf = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    matched = {chr(c) for c in range(sys.maxunicode + 1) if _FORMAT.fullmatch(chr(c))}
    assert matched == cf


async def _films(db) -> int:
    return await sql.scalar(db, "SELECT count(*) FROM films")


@pytest.mark.parametrize(
    ("document", "real", "spelled", "expected"),
    [
        (LISTING_VARIANT, "Seven Samurai", f"Seven Sa{ZWJ}murai", ("Seven Samurai", 1954)),
        (DISC_VARIANT, "Solaris", f"S{CYRILLIC_O}laris", ("Solaris", 1972)),
        (LISTING_VARIANT, "Seven Samurai", "Ｓｅｖｅｎ Ｓａｍｕｒａｉ", ("Seven Samurai", 1954)),
    ],
    ids=["zero-width-joiner", "cyrillic-o", "fullwidth"],
)
async def test_a_look_alike_title_attaches_to_the_existing_film(
    catalog_copy: Path, document: str, real: str, spelled: str, expected: tuple[str, int]
) -> None:
    text = re.sub(rf"^{real}$", spelled, document, count=1, flags=re.M)
    assert spelled in text
    db = await open_database(catalog_copy)
    try:
        before = await _films(db)
        outcome = await import_document(db, "look-alike.txt", text.encode())
        assert outcome.status == "merged", outcome.message
        film = await sql.fetchone(
            db, "SELECT title, year FROM films WHERE id = ?", (outcome.film_id,)
        )
        assert tuple(film) == expected
        assert await _films(db) == before  # no second film that shows like the first
        # Nor a new alias that looks like the title it already has.
        titles = await sql.fetchall(
            db, "SELECT title FROM film_titles WHERE film_id = ?", (outcome.film_id,)
        )
        assert spelled not in {t for (t,) in titles}
    finally:
        await db.close()


async def test_search_answers_look_alike_queries(core: Core) -> None:
    titles = await core.titles()
    for query in (f"S{CYRILLIC_O}laris 1972", f"Sola{ZWJ}ris (1972)", "Ｓｏｌａｒｉｓ 1972"):
        result = titles.lookup(query)
        assert result.best is not None and result.candidates[0].exact, query
        assert (result.best.title, result.best.year) == ("Solaris", 1972), query


def test_a_cyrillic_title_is_still_found_in_cyrillic() -> None:
    engine = TitleSearch(
        [
            TitleIndex.build(
                [
                    TitleEntry(1, "The Cranes Are Flying", 1957, 5.0),
                    TitleEntry(1, "Летят журавли", 1957, 5.0, primary=False),
                    TitleEntry(2, "Solaris", 1972, 4.0),
                ]
            )
        ]
    )
    for query in ("Летят журавли", f"Летят жур{'a'}вли", f"Летят жу{ZWJ}равли"):
        hit = engine.lookup(query).best
        assert hit is not None and hit.exact and hit.matched == "Летят журавли", query


def test_a_word_wholly_in_look_alikes_among_latin_words_is_latin() -> None:
    from bot.text import fold

    assert fold("Сосо Before Chanel") == fold("Coco Before Chanel")  # Cyrillic С, о
    assert fold("Летят журавли") == "летят журавли"  # a real Cyrillic title stays
    assert fold("Сон Paris") == "сон paris"  # 'н' has no Latin look-alike: a real word
