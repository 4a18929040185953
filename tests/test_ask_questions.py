"""`!ask`: questions in plain words, answered through the core from stored facts."""

from __future__ import annotations

from pathlib import Path

from bot.cards import Reply
from bot.core.answers.ask import answer_question
from bot.core.engine import Core
from bot.core.questions import understand
from bot.core.request import Request
from bot.render.answer import render
from bot.render.text import render_reply
from tests.conftest import run_cli
from tests.test_spoiler_leak import Seeds, leaks, seeds  # noqa: F401 (a fixture)


def text_of(reply: Reply | None) -> str:
    assert reply is not None
    return " ".join(render_reply(reply, reveal=True).split())


def test_the_rules_find_the_fact_the_film_words_and_the_edition() -> None:
    q = understand("what region is the cranes are flying blu-ray?")
    assert (q.intent, q.title, q.format) == ("region", "cranes are flying", "Blu-ray")
    q = understand("when does the criterion barry lyndon come out")
    assert (q.intent, q.title, q.label) == ("release_date", "barry lyndon", "criterion")
    q = understand("does the cranes blu ray have english subtitles")
    assert (q.intent, q.language, q.format) == ("subtitles", "English", "Blu-ray")
    # The phrase found first decides: this is a runtime question, not a cinematographer's.
    q = understand("how long is the man who shot liberty valance")
    assert (q.intent, q.title) == ("runtime", "man who shot liberty valance")
    assert understand("when did the godfather come out").intent == "year"
    assert understand("is there a 4k of seven samurai").format == "4K UHD"


async def test_a_fact_comes_with_its_source_and_the_full_command(core: Core) -> None:
    text = text_of(await core.handle("!ask how long is seven samurai", Request()))
    assert "Seven Samurai (1954) runs 207 minutes, from Wikidata." in text
    assert "More: !film Seven Samurai (1954)" in text
    typo = text_of(await core.handle("!ask who direted sevn samurai", Request()))
    assert "directed by Akira Kurosawa, from Wikidata" in typo
    hinted = text_of(await core.call("ask", Request(), question="how long is Stalker (1979)"))
    assert "Stalker (1979) runs 163 minutes" in hinted


async def test_sources_that_differ_are_all_shown(core: Core) -> None:
    text = text_of(await core.handle("!ask how long is the cranes are flying", Request()))
    assert "Sources differ on how long The Cranes Are Flying (1957) runs" in text
    assert "97 minutes" in text and "95 minutes" in text


async def test_unknown_is_not_no(core: Core) -> None:
    vertigo = await answer_question(core, Request(), "is there a 4k of vertigo")
    said = text_of(vertigo.reply)
    assert vertigo.kind == "unknown"
    assert "I know of no 4K UHD edition of Vertigo (1958)" in said
    assert "there is no" not in said.lower() and not said.lower().startswith("no")
    # An edition whose format no source gave may be the 4K asked about.
    samurai = await answer_question(core, Request(), "is there a 4k of seven samurai")
    assert samurai.kind == "unknown"
    assert "I don't know the format of The Criterion Collection #2" in text_of(samurai.reply)
    shot = await answer_question(core, Request(), "who shot barry lyndon")
    assert shot.kind == "unknown"
    assert "I don't know its cinematographer" in text_of(shot.reply)
    assert "directed by Stanley Kubrick" in text_of(shot.reply)  # what is known instead


async def test_edition_facts_name_the_edition_and_source(core: Core) -> None:
    region = text_of(await core.handle("!ask what region is the thing 1982 blu-ray", Request()))
    assert "Arrow Video (Blu-ray): region B, from TheDiscDb." in region
    assert "More: !edition The Thing (1982) blu-ray" in region
    subs = text_of(await core.handle("!ask does the 2001 dvd have french subtitles", Request()))
    assert "has French subtitles, from TheDiscDb" in subs
    out = text_of(
        await core.handle("!ask when does the criterion barry lyndon come out", Request())
    )
    assert "The Criterion Collection (4K UHD) came out on 8 July 2025, from TheDiscDb." in out
    yes = text_of(await core.handle("!ask is there a 4k of barry lyndon", Request()))
    assert yes.startswith("Barry Lyndon (1975)") and "Yes:" in yes and "from TheDiscDb" in yes


async def test_an_unclear_film_asks_and_pick_answers_the_question(core: Core) -> None:
    req = Request(user="asker")
    asked = await core.handle("!ask how long is solaris", req)
    assert asked is not None and len(asked.choices) == 2
    assert "Which film did you mean?" in text_of(asked)
    picked = text_of(await core.handle("!pick 1", req))
    assert "Solaris (1972)" in picked and "minutes" in picked
    missing = text_of(await core.handle("!ask who directed zzqxv", Request()))
    assert "not in my catalog" in missing


async def test_no_spoiler_reaches_an_answer(core: Core, seeds: Seeds) -> None:  # noqa: F811
    for question in (
        "how long is the cranes are flying",
        "who is in the cranes are flying",
        "what genre is the cranes are flying",
        "does the cranes are flying blu-ray have english subtitles",
        "what region is the cranes are flying blu-ray",
        "when does the criterion cranes are flying come out",
        "the cranes are flying",
    ):
        reply = await core.handle(f"!ask {question}", Request())
        assert reply is not None
        assert not any(s.style == "spoiler" for c in reply.cards for s in c.description)
        for platform in ("text", "discord", "matrix"):
            shown = str(render(reply, platform, reveal=True))
            assert not leaks(shown, seeds), (question, platform)


async def test_every_platform_renders_the_answer(core: Core) -> None:
    reply = await core.handle("!ask how long is seven samurai", Request())
    assert reply is not None
    assert "207 minutes" in str(render(reply, "discord"))
    assert "207 minutes" in str(render(reply, "matrix"))


def test_plain_text_is_a_question_for_filmbot_ask_and_the_console(catalog_copy: Path) -> None:
    result = run_cli("ask", "how long is seven samurai?", db=catalog_copy)
    assert result.returncode == 0, result.stderr
    assert "Seven Samurai (1954) runs 207 minutes, from Wikidata." in " ".join(
        result.stdout.split()
    )
    chat = run_cli(
        "console", db=catalog_copy, stdin="who directed the cranes are flying\n!quit\n"
    ).stdout
    assert "directed by Mikhail Kalatozov" in " ".join(chat.split())
    # A lone prefix is still no command.
    assert "Commands start with !" in run_cli("ask", "!", db=catalog_copy).stdout


async def test_chat_rooms_still_ignore_conversation(core: Core) -> None:
    assert await core.handle("I love the cranes are flying", Request()) is None


def test_the_rules_read_parts_extras_and_specs() -> None:
    q = understand("who plays boris in the cranes are flying")
    assert (q.intent, q.who, q.who_is, q.title) == (
        "role",
        "boris",
        "character",
        "cranes are flying",
    )
    q = understand("who did tatiana samoilova play in the cranes are flying")
    assert (q.intent, q.who, q.who_is) == ("role", "tatiana samoilova", "actor")
    # 'who is in' stays a cast question, 'who is the director of' a director's.
    assert understand("who is in stalker").intent == "cast"
    assert understand("who is the director of citizen kane").intent == "director"
    q = understand("which edition of parasite has the most extras")
    assert (q.intent, q.title) == ("most_extras", "parasite")
    q = understand("does the criterion cranes are flying blu-ray have a commentary")
    assert (q.intent, q.feature, q.label, q.format) == (
        "has_feature",
        "commentary",
        "criterion",
        "Blu-ray",
    )
    # A format after 'does … have' is still an editions question.
    assert understand("does round midnight have a blu-ray").intent == "editions"
    assert understand("how long are the extras on the cranes blu-ray").intent == "extras"
    assert understand("what language are the subtitles on the 2001 dvd").intent == "subtitles"
    assert understand("how does the cranes are flying end").spoilers
    assert not understand("what is the cranes are flying about").spoilers
    for text, intent in (
        ("what aspect ratio is the cranes are flying blu-ray", "aspect_ratio"),
        ("does the mulholland drive 4k have dolby vision", "video"),
        ("what audio does the thing blu-ray have", "audio"),
        ("how many discs is the citizen kane 4k", "discs"),
        ("how much is the cranes are flying blu-ray", "price"),
        ("what criterion number is the cranes are flying", "spine"),
        ("who released the thing 1982 blu-ray", "label"),
        ("is the criterion cranes are flying worth upgrading", "review"),
        ("is the barry lyndon 4k out yet", "release_date"),
    ):
        assert understand(text).intent == intent, text


async def test_a_part_names_who_plays_it_and_where_that_is_from(core: Core) -> None:
    boris = text_of(await core.handle("!ask who plays boris in the cranes are flying", Request()))
    assert "Boris is played by Aleksey Batalov, from the blog review" in boris
    veronika = text_of(
        await core.handle("!ask who did tatiana samoilova play in the cranes are flyng", Request())
    )
    assert "Tatiana Samoilova plays Veronica (also written Veronika)" in veronika
    joker = await answer_question(core, Request(), "who plays the joker in the dark knight")
    said = text_of(joker.reply)
    assert joker.kind == "unknown" and "I don't know who plays “joker”" in said
    assert "Its cast: Christian Bale" in said  # what is known instead


async def test_edition_specs_name_their_sources_and_disagreements(core: Core) -> None:
    ratio = text_of(
        await core.handle("!ask aspect ratio of the cranes are flying blu-ray", Request())
    )
    assert "Sources differ on the aspect ratio of The Criterion Collection #146 (Blu-ray)" in ratio
    assert "1.33:1 (the disc review" in ratio and "1.37:1 (the disc review" in ratio
    price = text_of(await core.handle("!ask how much is the cranes are flying blu-ray", Request()))
    assert (
        "list price (MSRP) $39.95" in price
        and "street price $27.88 (from the release listing" in price
    )
    discs = text_of(await core.handle("!ask how many discs is the citizen kane 4k", Request()))
    assert "has 4 discs (1 × 4K UHD + 3 × Blu-ray), from TheDiscDb" in discs
    spine = text_of(await core.handle("!ask what is the spine number of seven samurai", Request()))
    assert (
        "Seven Samurai (1954) is spine #2 of The Criterion Collection, from the Criterion" in spine
    )
    label = text_of(await core.handle("!ask who licensed the cranes are flying blu-ray", Request()))
    assert "licensed from Mosfilm" in label
    extras = text_of(await core.handle("!ask special features on the barry lyndon 4k", Request()))
    assert "has 10 extras" in extras and 'Making "Barry Lyndon" (38 min)' in extras
    unknown = await answer_question(core, Request(), "what is the aspect ratio of seven samurai")
    assert unknown.kind == "unknown" and "I don't know the aspect ratio" in text_of(unknown.reply)


async def test_which_edition_has_extras_and_unknown_is_not_no(core: Core) -> None:
    most = await answer_question(core, Request(), "which edition of parasite has the most extras")
    said = text_of(most.reply)
    assert most.kind == "fact" and "Bong Joon Ho Collection" in said and "has the most: 7" in said
    assert "Parasite (2019) is the only one with a home-video edition" in said  # says why
    has = text_of(
        await core.handle(
            "!ask which cranes are flying edition has the hurricane kalatozov documentary",
            Request(),
        )
    )
    assert has.startswith("The Cranes Are Flying (1957)") and "Hurricane Kalatozov" in has
    assert "(74 min)" in has
    commentary = await answer_question(
        core, Request(), "does the criterion cranes are flying blu-ray have a commentary"
    )
    said = text_of(commentary.reply)
    assert commentary.kind == "unknown" and "I know of no “commentary” among the 7 listed" in said
    assert not said.lower().startswith("no") and "there is no" not in said.lower()
    # Commentaries listed as audio tracks count.
    thing = text_of(
        await core.handle("!ask does the thing 1982 blu-ray have a commentary", Request())
    )
    assert "Yes:" in thing and "John Carpenter" in thing


async def test_review_scores_and_verdict_come_from_the_review(core: Core) -> None:
    said = text_of(
        await core.handle(
            "!ask what did reviewers think of the cranes are flying blu-ray", Request()
        )
    )
    assert "From the disc review" in said
    assert "picture 8/10, audio 5/10, extras 8/10" in said and "Highly recommended" in said
    none = await answer_question(core, Request(), "reviews of seven samurai")
    assert none.kind == "unknown" and "I know of no review" in text_of(none.reply)


async def test_a_synopsis_is_spoiler_free_unless_spoilers_are_asked_for(
    core: Core,
    seeds: Seeds,  # noqa: F811
) -> None:
    safe = await core.handle("!ask what is the cranes are flying about", Request())
    assert safe is not None and "Veronika and Boris come together" in text_of(safe)
    for platform in ("text", "discord", "matrix"):
        assert not leaks(str(render(safe, platform, reveal=True)), seeds)
    spoiled = await core.handle("!ask how does the cranes are flying end", Request())
    assert spoiled is not None
    assert "spoilers included" in text_of(spoiled)
    assert any(s.style == "spoiler" for c in spoiled.cards for f in c.fields for s in f.value)
    # Wrapped by each platform's own spoiler markup, never shown plain.
    assert "||" in str(render(spoiled, "discord"))
    matrix = render(spoiled, "matrix")
    assert "data-mx-spoiler" in matrix["formatted_body"]
    assert not leaks(matrix["body"], seeds)
    assert "[spoiler hidden]" in render_reply(spoiled)


def test_the_rules_keep_the_sentence_parts_and_read_yes_no_forms() -> None:
    q = understand("vivarium 2020 - who directed it?")
    assert (q.intent, q.parts[0]) == ("director", ("vivarium", "2020"))
    q = understand("is clint eastwood in tarantula?")
    assert (q.intent, q.who, q.title) == ("in_cast", "clint eastwood", "tarantula")
    q = understand("did kurosawa direct seven samurai")
    assert (q.intent, q.who, q.title) == ("directed_by", "kurosawa", "seven samurai")
    q = understand("is titane french or belgian")
    assert (q.intent, q.check, q.title) == ("country", ("France", "Belgium"), "titane")
    q = understand("is the bye bye man horror")
    assert (q.intent, q.check, q.title) == ("genres", ("Horror",), "bye bye man")
    q = understand("is stalker in russian")  # a language, not a cast member
    assert (q.intent, q.check, q.title) == ("language", ("Russian",), "stalker")
    q = understand("is the 2001 disc dvd or bluray")  # either format: which ones there are
    assert (q.intent, q.format, q.title) == ("editions", None, "2001")
    assert understand("what langauge is seven samurai").intent == "language"
    assert understand("vertigo lenght").intent == "runtime"
    assert understand("original title of harakiri").intent == "titles"
    q = understand("criterion 146")
    assert (q.spine, q.label, q.title) == ("146", "criterion", "")
    assert understand("the criterion 1984 blu-ray").spine is None  # a year is a title


async def test_the_title_span_leaves_the_chatter_out(core: Core) -> None:
    shot = await answer_question(
        core, Request(), "who shot the cranes are flying? the camerawork is insane"
    )
    assert shot.kind == "fact" and "was shot by Sergei Urusevsky" in text_of(shot.reply)
    dash = text_of(await core.handle("!ask vivarium 2020 - who directed it?", Request()))
    assert "Vivarium (2020) was directed by Lorcan Finnegan" in dash
    yiyi = text_of(await core.handle("!ask yi yi is like 3 hours right? exact runtime?", Request()))
    assert "Yi Yi (2000) runs 173 minutes" in yiyi
    # an abbreviation is spelled out, never a nearby title guessed (Escape from L.A.)
    ny = text_of(await core.handle("!ask escape from ny director", Request()))
    assert "Escape from New York (1981) was directed by John Carpenter" in ny
    assert "L.A." not in ny


async def test_a_person_named_chooses_among_films_of_that_title(core: Core) -> None:
    later = await answer_question(core, Request(), "how long is the soderbergh solaris")
    said = text_of(later.reply)
    assert "Solaris (2002) runs 99 minutes" in said
    assert "the one with Steven Soderbergh in its credits" in said
    earlier = text_of((await answer_question(core, Request(), "solaris tarkovsky runtime")).reply)
    assert "Solaris (1972)" in earlier and "Solaris (2002)" not in earlier
    card = await answer_question(core, Request(), "the lighthouse with pattinson and dafoe")
    assert card.kind == "film" and "Robert Eggers" in text_of(card.reply)


async def test_a_far_better_known_namesake_answers_and_says_so(core: Core) -> None:
    stalker = await answer_question(core, Request(), "who directed stalker")
    said = text_of(stalker.reply)
    assert stalker.kind == "fact" and "Stalker (1979) was directed by Andrei Tarkovsky" in said
    assert "there is also Stalker (2021)" in said and "ask with the year" in said
    # two well-known films of one title: still asked
    psycho = await answer_question(core, Request(user="p"), "who directed psycho")
    assert psycho.kind == "ask" and len(psycho.reply.choices) == 2


async def test_yes_no_questions_answer_with_the_stored_fact(core: Core) -> None:
    yes = text_of(await core.handle("!ask is clint eastwood in tarantula?", Request()))
    assert "Yes: Clint Eastwood is in the cast of Tarantula (1955), from Wikidata." in yes
    absent = await answer_question(core, Request(), "was tom cruise in seven samurai")
    said = text_of(absent.reply)
    assert absent.kind == "unknown" and "the cast as stored doesn't include them" in said
    assert not said.lower().startswith("no")
    iran = text_of(await core.handle("!ask taste of cherry is iranian right?", Request()))
    assert "Yes: Taste of Cherry (1997) is from France and Iran" in iran
    horror = text_of(await core.handle("!ask is the bye bye man horror", Request()))
    assert "Yes: The Bye Bye Man (2017) is listed as horror" in horror
    formats = text_of(
        await core.handle("!ask is the uncut gems criterion 4k or blu-ray", Request())
    )
    assert "The Criterion Collection #1101 (4K UHD)" in formats
    spine = text_of(await core.handle("!ask spine 146 who directed it", Request()))
    assert "The Cranes Are Flying (1957) was directed by Mikhail Kalatozov" in spine


# --- round 4: named extras, reviews, discs, box sets, namesakes, more forms ---------------


def test_words_inside_an_extras_name_never_decide_the_intent() -> None:
    q = understand("does the army of darkness 4k include the director's cut")
    assert (q.intent, q.title, q.format, q.feature) == (
        "has_feature",
        "army of darkness",
        "4K UHD",
        "director's cut",
    )
    q = understand("any deleted scenes on the do the right thing blu?")
    assert (q.intent, q.title, q.format) == ("has_feature", "do the right thing", "Blu-ray")
    q = understand("how long is the kalatozov documentary on the cranes blu-ray")
    assert (q.intent, q.feature) == ("has_feature", "kalatozov documentary")
    assert understand("what bonus stuff is on the thing blu-ray").intent == "extras"
    # without an edition named, 'how long is … on …' stays the film's running time
    assert understand("how long is the man who shot liberty valance").intent == "runtime"


async def test_a_named_extra_is_matched_word_by_word_with_its_running_time(core: Core) -> None:
    cut = await answer_question(core, Request(), "is the directors cut on the army of darkness 4k")
    assert cut.kind == "fact"
    assert "Army of Darkness (Director's Cut) (96 min), from TheDiscDb" in text_of(cut.reply)
    doc = text_of(
        (
            await answer_question(
                core, Request(), "how long is the kalatozov doc on the cranes blu"
            )
        ).reply
    )
    assert "Hurricane Kalatozov" in doc and "(74 min)" in doc
    assert "Audio interview" not in doc  # the documentary was asked for, not the interview
    none = await answer_question(
        core, Request(), "does the army of darkness 4k include the theatrical cut"
    )
    said = text_of(none.reply)
    assert none.kind == "unknown"
    assert "I know of no “theatrical cut” among the 18 listed extras" in said
    assert "from TheDiscDb" in said


async def test_review_questions_pick_the_review_and_the_score_asked(core: Core) -> None:
    sound = text_of(
        (await answer_question(core, Request(), "was the sound any good on the cranes blu")).reply
    )
    assert "audio 5/10" in sound and sound.index("audio 5/10") < sound.index("picture 8/10")
    assert "the disc review “disc-review_the-cranes-are-flying.txt”" in sound
    blog = await answer_question(
        core, Request(), "what did the blog review of the cranes are flying say"
    )
    said = text_of(blog.reply)
    assert blog.kind == "fact" and "the blog review" in said and "8/10" not in said
    overall = text_of(
        (await answer_question(core, Request(), "how did the cranes blu-ray score overall")).reply
    )
    assert "no overall score" in overall
    dvd = text_of(
        (
            await answer_question(
                core, Request(), "should i upgrade from the cranes are flying dvd"
            )
        ).reply
    )
    assert "I know of no review of The Criterion Collection (DVD) itself" in dvd
    assert "worth upgrading" in dvd


async def test_disc_counts_and_what_comes_with_a_4k(core: Core) -> None:
    combo = await answer_question(core, Request(), "does the uncut gems 4k come with a blu-ray too")
    said = text_of(combo.reply)
    assert combo.question.check == ("Blu-ray",)
    assert said.count("Yes:") == 1 and "(1 × 4K UHD + 1 × Blu-ray), from TheDiscDb" in said
    one = text_of(
        (
            await answer_question(core, Request(), "is the cranes are flying blu-ray 1 or 2 discs")
        ).reply
    )
    assert "has 1 disc (BD-50)" in one


async def test_box_sets_by_the_film_and_by_their_name(core: Core) -> None:
    which = text_of(
        (await answer_question(core, Request(), "which box set has chungking express")).reply
    )
    assert "is in the box set “World of Wong Kar Wai”" in which
    assert "from the Criterion Collection list" in which
    spine = await answer_question(core, Request(), "spine of the apu trilogy box")
    assert spine.kind == "fact"
    assert "The box set “The Apu Trilogy” is spine #782" in text_of(spine.reply)
    none = await answer_question(core, Request(), "is stalker in a box set")
    assert none.kind == "unknown" and "I know of no box set with Stalker (1979)" in text_of(
        none.reply
    )


async def test_namesakes_of_any_number_and_the_released_one(core: Core) -> None:
    label = await answer_question(core, Request(), "the lighthouse 4k label")
    assert label.kind == "fact" and "released by A24" in text_of(label.reply)
    assert "is the only one with a 4K UHD edition" in text_of(label.reply)
    writer = await answer_question(core, Request(), "who wrote parasite")
    said = text_of(writer.reply)
    assert writer.kind == "unknown" and "Parasite (2019)" in said
    assert "there is also Parasite (1982)" in said
    # one edition is not enough to call a namesake the best known: Solaris still asks
    assert (await answer_question(core, Request(), "who directed solaris")).kind == "ask"


async def test_more_forms_parts_languages_and_region_players(core: Core) -> None:
    part = await answer_question(core, Request(), "who plays boris")
    assert "Boris is played by Aleksey Batalov, from Wikidata" in text_of(part.reply)
    nobody = await answer_question(core, Request(), "who plays travis bickle")
    said = text_of(nobody.reply)
    assert nobody.kind == "unknown" and "I know the parts of only some films" in said
    get_out = await answer_question(core, Request(), "what language is get out in")
    assert get_out.question.title == "get out" and "Get Out (2017)" in text_of(get_out.reply)
    region = text_of(
        (
            await answer_question(
                core, Request(), "will the uk arrow release of the thing play in a region b player"
            )
        ).reply
    )
    assert "Yes: Arrow Video (Blu-ray): region B" in region
    cranes = text_of(
        (
            await answer_question(
                core, Request(), "will the cranes criterion blu-ray play in a region b player"
            )
        ).reply
    )
    assert "region B is not among them" in cranes and not cranes.startswith("No")
