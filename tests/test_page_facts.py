"""Facts real pages print without a label or in a form of their own: a lone rating, a
rating in words, tracks named in sentences, one spelling per codec, disc counts in words,
labels inside headlines. Every page line here is invented."""

from __future__ import annotations

import pytest

from bot.importers.documents import fields, prose, spoilers
from bot.importers.documents.common import canonical_label
from bot.importers.documents.parsers import _tracks_in_prose, parse_document
from bot.importers.documents.scores import find_scores


def scores(lines: list[str]) -> dict[str, tuple[float, float]]:
    return {c: (s.value, s.scale_max) for c, s in find_scores(lines).scores.items()}


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        (["Harbour Lights ★★★★½", "", "A slow, generous film about a lighthouse."], (4.5, 5)),
        (["3.5 out of 5", "", "The ferry scenes carry the whole thing."], (3.5, 5)),
        (["My thoughts", "Three and a half stars."], (3.5, 5)),
        (["Rating: 7 out of 10, a decent evening but no more than that."], (7, 10)),
        (["The Film", "", "[Rating:4/5]"], (4, 5)),
    ],
)
def test_one_rating_without_a_category_is_the_pages_rating(lines, want) -> None:
    found = scores(lines)
    assert want in found.values()
    assert set(found) <= {"overall", "film"}


def test_two_different_lone_ratings_are_not_guessed_between() -> None:
    assert scores(["4/5", "Some words between them.", "2/5"]) == {}


def test_a_lone_letter_or_a_pagination_line_is_not_a_rating() -> None:
    assert scores(["B", "Page 2 of 5"]) == {}


def test_supplemental_materials_and_shortcodes_with_a_colon_are_scores() -> None:
    lines = ["Overall", "[Rating:4/5]", "Supplemental Materials", "[Rating:1.5/5]"]
    assert scores(lines) == {"overall": (4, 5), "extras": (1.5, 5)}


def test_film_program_grade_is_the_films_grade() -> None:
    assert scores(["Film/Program Grade: B+", "Video Grade: A"])["film"] == (3.33, 4.33)


def test_tracks_named_in_sentences_keep_their_languages() -> None:
    text = (
        "A French 5.1 DTS-HD Master Audio track leads. A French 2.0 stereo track, Italian "
        "and Greek 5.1 Dolby Digital dubs are also here."
    )
    got = {(t.language, t.codec) for t in _tracks_in_prose(text)}
    assert ("French", "DTS-HD MA") in got
    assert {("Italian", "Dolby Digital"), ("Greek", "Dolby Digital")} <= got


def test_a_word_that_is_not_a_language_is_not_a_tracks_language() -> None:
    track = fields.parse_audio("Main Audio: Danish Mono Linear PCM Audio")
    assert track is not None and track.language == "Danish"
    track = fields.parse_audio("Original Mono LPCM 1.0")
    assert track is not None and track.language is None


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("1080p AVC", "AVC/MPEG-4"),
        ("MPEG-4 AVC, 1080p", "AVC/MPEG-4"),
        ("encoded in H.264", "AVC/MPEG-4"),
        ("2160p HEVC/H.265", "HEVC"),
        ("VC-1", "VC-1"),
    ],
)
def test_one_spelling_per_codec(text: str, codec: str) -> None:
    assert fields.parse_codec(text) == codec


def test_disc_counts_in_words_and_after_their_label() -> None:
    assert fields.parse_discs("Three-disc set (2 BDs, 1 DVD)")[0] == 3
    assert fields.parse_discs("1 (1 x Blu-ray)", labelled=True)[0] == 1
    assert fields.parse_discs("1080p (1 x Blu-ray)")[0] is None


def test_labels_from_headlines_and_shop_rows() -> None:
    assert prose.label("Blu-ray Announced Harbourside Studios Home Entertainment") == (
        "Harbourside Studios Home Entertainment"
    )
    assert canonical_label("Criterion Collection (USA)") == "The Criterion Collection"
    assert prose.label("the film won universal acclaim on release") is None
    assert prose.label("out now from Universal Pictures Home Entertainment") == "Universal"


@pytest.mark.parametrize(
    ("text", "title", "director"),
    [
        (
            "the debut of Mara Kovic's controversial Salt Harbour on disc",
            "Salt Harbour",
            "Mara Kovic",
        ),
        ("Salt Harbour is Mara Kovic's (Low Tide, Ferrymen) finest", "Salt Harbour", "Mara Kovic"),
        ("The Mara Kovic directed film arrives in May.", "Salt Harbour", "Mara Kovic"),
        ("by the Croatian filmmaker, Mara Kovic. In her", "Salt Harbour", "Mara Kovic"),
        ("Mara Kovic’s ‘Salt Harbour,’ is one such film", "Salt Harbour", "Mara Kovic"),
        ("directed by J. Lee Thompson.", "Salt Harbour", "J. Lee Thompson"),
    ],
)
def test_directors_as_sentences_name_them(text: str, title: str, director: str) -> None:
    assert prose.directors(text, title) == [director]


def test_a_title_followed_by_directed_by_is_not_a_director() -> None:
    assert prose.directors("Salt Harbour directed by one of my favourites", "Salt Harbour") == []


@pytest.mark.parametrize(
    ("text", "cast"),
    [
        (
            "mostly local actors (among them Ivo Brandt, Lena Moss and Pieter Vance) and",
            ["Ivo Brandt", "Lena Moss", "Pieter Vance"],
        ),
        ("her brother (masterfully played by Otto Ferns) is", ["Otto Ferns"]),
        (
            "an ensemble that included Ivo Brandt, Lena Moss and Anne McAllister.",
            ["Ivo Brandt", "Lena Moss", "Anne McAllister"],
        ),
        ("Lena Moss stars as the keeper's daughter", ["Lena Moss"]),
        ("Lena Moss is superb as the widow", ["Lena Moss"]),
        (
            "fine performances by Ivo Brandt, Lena Moss, and Otto Ferns",
            ["Ivo Brandt", "Lena Moss", "Otto Ferns"],
        ),
        ("Dane and Elmer (Ivo Brandt and Otto Ferns) argue", ["Ivo Brandt", "Otto Ferns"]),
        ("the widow Hanna(Lena Moss), a painter", ["Lena Moss"]),
    ],
)
def test_cast_named_in_sentences(text: str, cast: list[str]) -> None:
    assert prose.cast(text) == cast


def test_titles_and_products_in_brackets_are_not_cast() -> None:
    text = (
        "Written by the novelist Ada Crane (The Glass Orchard), it has a Blu-ray exclusive: "
        "The Longest Reel Ever Made (In Harbour History). This Blu-ray Disc stars Ivo Brandt."
    )
    assert prose.cast(text) == ["Ivo Brandt"]


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        ("Lighthouse Keepers (1968/Criterion Blu-ray)", "Lighthouse Keepers", 1968),
        ("Mara Kovic's 1971 classic Salt Harbour tells of", "Salt Harbour", 1971),
        ("The 1984 Croatian film is a marvel", "Salt Harbour", 1984),
        ("as fresh as when first released back in 1962, perhaps more", "Salt Harbour", 1962),
        ("poorly received upon its release in May, 1958, it grew", "Salt Harbour", 1958),
        ("a forgotten Yugoslav film from 1966.", "Salt Harbour", 1966),
        ("a sixty-year-old picture which was released in 1962, yet it feels", "X", 1962),
        ('Shot for a song, "Salt Harbour" was released in 1971, based on a story', "X", 1971),
        ("Il primo film del 1968 seguiva il guardiano del faro", "X", 1968),
    ],
)
def test_the_films_year_as_sentences_state_it(text: str, title: str, year: int) -> None:
    assert prose.film_year(text, title) == year


@pytest.mark.parametrize(
    "text",
    [
        "It premiered at the 1972 Cannes Film Festival to boos.",
        "The 2011 Blu-ray was released in 2011 on Region B.",
        "Harbour Films released it on disc in 2019.",
        "The restored Blu-ray edition was released in 2020 by a small label.",
        "Its soundtrack album was released in 1999.",
        "The sequel was released in 1986.",
        "The remake was released in 2005 to shrugs.",
        "Harbour Films issued a new disc. It was released in 2011.",
    ],
)
def test_a_festivals_or_a_discs_year_is_not_the_films(text: str) -> None:
    assert prose.film_year(text, "Salt Harbour") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Dane, locked up since his youth for having killed his stepfather, is released.",
        "Ivo arrives in the port only to discover that his brother has recently died.",
        "On arrival he learns that his friend was hit by a lorry a few days ago.",
        "Against all advice, the sailor stays to investigate his friend's death.",
        "A shipping magnate dies alone in his tower, and a clerk sets out to learn why.",
        "The crew are about to end their rotation and just want to stay alive.",
    ],
)
def test_a_premise_death_is_not_an_outcome(sentence: str) -> None:
    assert not spoilers.tells_outcome(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "In the last reel the brother is killed on the pier.",
        "Hanna dies in the storm and Ivo never learns why.",
        "The film ends with the lighthouse dark.",
    ],
)
def test_outcomes_are_still_outcomes(sentence: str) -> None:
    assert spoilers.tells_outcome(sentence, story_names=["Hanna", "Ivo"])


def test_a_disc_section_speaks_of_the_disc_unless_it_names_the_story() -> None:
    audio = "The mono track is limited by what survived. The hiss is mild."
    assert not any(s.is_spoiler for s in spoilers.split_spoilers("Audio", audio))
    told = "The mono track is fine. Hanna dies in the storm, and it is loud."
    assert any(s.is_spoiler for s in spoilers.split_spoilers("Audio", told, story_names=["Hanna"]))


def test_a_row_of_score_labels_is_not_a_title() -> None:
    from bot.importers.documents.page_titles import is_chrome

    assert is_chrome("Movie: Picture: Sound: Extras:")
    assert not is_chrome("Picture Perfect")


def test_subtitles_resolution_and_the_films_year_where_pages_put_them() -> None:
    from bot.importers.documents.fields import parse_resolution, subtitles_in
    from bot.importers.documents.prose import film_year

    assert subtitles_in("DISC INFORMATION: 1080p, Korean 5.1 DTS-HD MA, Subtitles: English") == [
        "English"
    ]
    assert subtitles_in("English Subtitles") == ["English"]
    assert subtitles_in("Original Japanese with English subtitles or dubbed.") == ["English"]
    assert subtitles_in("- Optional English SDH") == ["English SDH"]
    assert subtitles_in("  • Subtitles\n    English, English SDH") == ["English", "English SDH"]
    # a remark about subtitles names no track
    assert subtitles_in("The English subtitles on the old DVD were poor.") == []
    assert parse_resolution("1.33:1 / 1080 Progressive / MPEG-4 AVC") == "1080p"
    assert parse_resolution("sourced from an interlaced 1080 interlaced master") == "1080i"
    assert film_year("as the dying clerk, Ikiru (1952) is a lyrical film", "Ikiru") == 1952
    assert (
        film_year(
            "the latest is 1925's The Phantom of the Opera, restored", "The Phantom of the Opera"
        )
        == 1925
    )
    assert film_year("the 1932 American pre-code horror film starring Fay Wray") == 1932


def test_actors_beside_the_parts_a_synopsis_describes() -> None:
    from bot.importers.documents.prose import cast

    assert cast("She looks after her widowed father (Hideo Tanabe) in Kamakura.") == [
        "Hideo Tanabe"
    ]
    assert cast("a gossip writer (a wonderfully weary Paolo Renzi) drifts through Rome") == [
        "Paolo Renzi"
    ]
    assert cast("Inspector Mori (Kenji Hayama — also in the Outlaw films) breaks a rule") == [
        "Kenji Hayama"
    ]
    assert cast("at its centre a legendary performance by Anna Vessel, all eyes") == ["Anna Vessel"]
    # a label or a cut in brackets after a part's word is nobody
    assert (
        cast(
            "the man (Director's Cut) and the girl (Arrow Video) and the hero (Criterion Collection)"
        )
        == []
    )


def test_picture_words_in_a_spec_row_are_specs_not_a_label() -> None:
    from bot.importers.documents.details import spec_row

    row = spec_row("HD | 1080P | DTS-HD Master Audio 7.1")
    assert row is not None and ("studio", "HD") not in row and ("series", "HD") not in row
    assert ("rated", "PG13") in (spec_row("PG13 | 2hrs 7 min") or [])


def test_the_original_title_in_its_own_script_beside_the_title() -> None:
    brackets = parse_document(
        "Harbour Lights [Blu-ray]\nBlu-ray ALL - Japan - a small label\n\n"
        '"Harbour Lights" 「港の灯」 (2019)\n\n'
        "A ferry captain (played by Kenji Hayama) takes one last crossing. The film is "
        "quiet and patient, and the disc presents it in 1080p with a lossless track.\n"
        "Subtitles: English\nFormat: Blu-ray\nRegion: ALL\n",
        "disc_review",
    )
    assert brackets.original_title == "港の灯"
    under = parse_document(
        "Harbour Lights Blu-ray Movie\n\nHome\n\nHarbour Lights Blu-ray Movie Japan\n\n"
        "港の灯 / Minato no akari\n"
        "Criterion | 2019 | 121 min | Not rated | Jul 19, 2022\n\n"
        "A ferry captain takes one last crossing in this quiet drama; the Blu-ray is "
        "sharp and clean with a lossless Japanese track and new English subtitles.\n",
        "disc_review",
    )
    assert under.original_title == "港の灯"


def test_cast_labels_parts_in_brackets_and_names_in_capitals() -> None:
    doc = parse_document(
        "Salt Harbour (reissue)\n\nStars: Ivo Brandt, Mara Kovic, Tonka\n\n"
        "Director: ANTE PERIC\n\nA keeper and his daughter wait out a storm that never "
        "ends, in a film that has not aged a day. Blu-ray review to follow soon.\n",
        "blog_review",
    )
    assert doc.cast[:2] == ["Ivo Brandt", "Mara Kovic"]
    assert doc.directors == ["Ante Peric"]
    # 'protagonizado por' an actor with the part in brackets: the actor, not the part
    said = prose.cast(
        "Protagonizado por Ivo Brandt (Marko Lukas) y Mara Kovic (Ana Lukas), con un buen elenco."
    )
    assert said == ["Ivo Brandt", "Mara Kovic"]


def test_a_cast_lists_parts_before_actors_in_english_and_places_are_no_actors() -> None:
    assert prose.cast("The cast includes Marko Lukas (Ivo Brandt) and Ana Lukas (Mara Kovic).") == [
        "Ivo Brandt",
        "Mara Kovic",
    ]
    assert prose.cast("Protagonizada por Mara Kovic en Nueva York.") == ["Mara Kovic"]
