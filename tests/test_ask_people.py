"""`!ask` about people: a person's films, yes/no questions about a credit, and years
known only from a festival."""

from __future__ import annotations

from bot.core.answers.ask import answer_question
from bot.core.engine import Core
from bot.core.questions import filmography_request, understand
from bot.core.request import Request
from tests.test_ask_questions import text_of


def test_the_rules_read_a_request_for_someones_films() -> None:
    assert filmography_request("what films did satyajit ray direct?") == (
        "satyajit ray",
        "director",
    )
    assert filmography_request("movies with toshiro mifune") == ("toshiro mifune", "cast")
    assert filmography_request("what films is monica vitti in") == ("monica vitti", "cast")
    assert filmography_request("filmbot, list mizoguchi films") == ("mizoguchi", None)
    assert filmography_request("jean-pierre melville filmography") == (
        "jean-pierre melville",
        None,
    )
    # kinds of film are no names
    for text in ("horror movies", "best kurosawa films", "criterion films", "french films"):
        assert filmography_request(text) is None, text


async def test_a_persons_films_best_known_first_with_their_source(core: Core) -> None:
    answered = await answer_question(core, Request(), "what films did kurosawa direct?")
    said = text_of(answered.reply)
    assert answered.kind == "fact"
    assert said.startswith("Akira Kurosawa")
    assert "from Wikidata" in said
    # the role asked for comes first, its best-known films first
    # (he has more writing credits than directing ones), the best-known of many first
    director = said.index("Director:")
    assert director < said.index("Writer:")
    assert "Seven Samurai (1954)" in said[director : said.index("Writer:")]
    assert "Madadayo (1993)" not in said[director : said.index("Writer:")]
    cast = await answer_question(core, Request(), "movies with toshiro mifune")
    assert "Cast: Rashomon (1950), Seven Samurai (1954)" in text_of(cast.reply)


async def test_a_films_name_is_not_taken_for_a_person(core: Core) -> None:
    godzilla = await answer_question(core, Request(), "godzilla movies")
    assert godzilla.kind == "film" and godzilla.film_id is not None
    nobody = await answer_question(core, Request(), "films by zzqxv blorp")
    assert nobody.kind != "fact"
    # a film's whole title, a common word that is someone's surname, a first name
    for text in ("date movie", "the peanuts movie", "space movies", "films from japan"):
        answered = await answer_question(core, Request(), text)
        assert answered.kind != "fact", (text, text_of(answered.reply)[:80])
    date = await answer_question(core, Request(), "date movie")
    assert date.kind == "film" and text_of(date.reply).startswith("Date Movie (2006)")


def test_the_rules_read_yes_no_questions_about_a_credit() -> None:
    for text, intent, title, who in (
        ("did kurosawa make throne of blood", "directed_by", "throne of blood", "kurosawa"),
        ("fellini directed bicycle thieves, right?", "directed_by", "bicycle thieves", "fellini"),
        ("perfect days is a wim wenders film right", "directed_by", "perfect days", "wim wenders"),
        ("is ran a kurosawa film", "directed_by", "ran", "kurosawa"),
        ("jeanne moreau is in jules and jim, yes?", "in_cast", "jules and jim", "jeanne moreau"),
    ):
        q = understand(text)
        assert (q.intent, q.title, q.who) == (intent, title, who), text
    assert understand("did parasite make money").intent is None
    assert understand("stalker is a russian film right").intent == "country"
    # words that describe a film are no makers; names holding such words are people
    for text in (
        "is up a disney movie",
        "is jaws a summer movie",
        "did kurosawa make any westerns",
    ):
        assert understand(text).intent != "directed_by", text
    q = understand("is martin short in three amigos")
    assert (q.intent, q.who, q.title) == ("in_cast", "martin short", "three amigos")


async def test_a_surname_of_two_words_finds_its_actor(core: Core) -> None:
    answered = await answer_question(core, Request(), "was de niro in the godfather part ii")
    assert answered.kind == "fact"
    assert text_of(answered.reply).count("Yes: Robert De Niro is in the cast") == 1


async def test_a_year_only_the_festival_gave_is_said_as_such(core: Core) -> None:
    answered = await answer_question(core, Request(), "what year is the lobster")
    said = text_of(answered.reply)
    assert "The Lobster competed at Cannes in 2015, from the Cannes competition list" in said
    assert "no source I have gives the year it came out" in said
    dated = text_of((await answer_question(core, Request(), "pather panchali year")).reply)
    assert "Pather Panchali is from 1955, from the Criterion Collection list." in dated


async def test_an_either_or_of_formats_is_answered_or_said_unknown(core: Core) -> None:
    samurai = await answer_question(core, Request(), "seven samurai criterion - is it blu or dvd")
    assert samurai.kind == "unknown"
    said = text_of(samurai.reply)
    assert "no source I have gives their format" in said and not said.startswith("Yes")
    cranes = await answer_question(core, Request(), "cranes are flying criterion, blu-ray or dvd?")
    said = text_of(cranes.reply)
    assert cranes.kind == "fact" and "#146 (Blu-ray)" in said and "(DVD)" in said
    assert "(Blu-ray) (Blu-ray)" not in said
