"""Spoiler precision: remarks about a disc are not plot spoilers; the plot's outcome, and a
section headed as spoilers or as the ending, still are. Both directions, on invented
sentences and on the Cranes seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.importers.documents.importer import BUNDLED_DOCUMENTS
from bot.importers.documents.parsers import parse_document
from bot.importers.documents.prose import story_names
from bot.importers.documents.reader import decode_document
from bot.importers.documents.spoilers import heading_is_spoiler, split_spoilers, tells_outcome

DISC = BUNDLED_DOCUMENTS / "disc-review_the-cranes-are-flying.txt"
BLOG = BUNDLED_DOCUMENTS / "blog-review_the-cranes-are-flying.txt"

DISC_REMARKS = [
    "In the end it's a remarkable restoration.",
    "In the end, this is the best the film has looked on any format.",
    "The ending credits are windowboxed.",
    "The end credits show some speckling.",
    "By the end of the commentary you will know every lens they used.",
    "Ultimately this is the best the film has looked.",
    "Music can screech a bit on the higher ends.",
    "The low end of the mix is thin but dialogue is clear.",
    "Criterion finally gets around to giving it a proper release.",
    "They've finally done right by this film on disc.",
    "The film is at last available in high definition.",
    "At the end of the day, the upgrade is worth the price.",
    "The documentary recalls how the director's career stalled after Stalin's death.",
    "The interview covers his work for the studio until his death in 1973.",
    "It is a film about love and death, told with great tenderness.",
    "The booklet ends with a short essay on the score.",
    "The audio track ends abruptly on the second disc.",
    "The final presentation is a huge step up from the old DVD.",
]


@pytest.mark.parametrize("sentence", DISC_REMARKS)
def test_disc_remarks_are_not_spoilers(sentence: str) -> None:
    assert not tells_outcome(sentence)
    assert [s.is_spoiler for s in split_spoilers("Video", sentence)] == [False]


PLOT_OUTCOMES = [
    "The film ends when the ferry finally reaches the island.",
    "In the end Marta leaves the village for good.",
    "The sheriff dies in the last reel.",
    "It turns out the lodger was the brother all along.",
    "The final scene finds the two sisters together again.",
    "Anton is killed during the storm.",
    "The twist is that the letters were never sent.",
    "She learns the truth about her father.",
    "The transfer is lovely, and the climax on the bridge looks superb.",
    "The commentary explains why the hero dies at the lighthouse.",
    "The restored last scene, where Anton dies, looks wonderful.",
    "At last the soldiers come home.",
]


@pytest.mark.parametrize("sentence", PLOT_OUTCOMES)
def test_plot_outcomes_are_spoilers(sentence: str) -> None:
    assert tells_outcome(sentence)


def test_a_death_near_a_story_name_is_plot_even_in_a_talk_on_the_disc() -> None:
    sentence = "The documentary discusses Anton's death at length."
    assert not tells_outcome(sentence)  # nothing says Anton is in the story ...
    assert tells_outcome(sentence, {"Anton"})  # ... the synopsis does
    names = story_names("Anton and Marta run a ferry. When Anton falls ill, Marta steers.")
    assert {"Anton", "Marta"} <= names


def test_story_names_leave_out_full_names_hyphenated_words_and_the_title() -> None:
    names = story_names(
        "A post-Stalin drama by Lena Orlova about Ilya and Vera. Winner at Venice, "
        "The Quiet Shore stars Ilya's brother.",
        "The Quiet Shore",
    )
    assert "Ilya" in names and "Vera" in names
    assert not names & {"Stalin", "Lena", "Orlova", "Quiet", "Shore", "Winner"}


@pytest.mark.parametrize(
    "heading",
    ["Spoilers", "Spoiler warning", "The ending", "Ending explained", "Warning: spoilers ahead!"],
)
def test_spoiler_headings_mark_the_whole_section(heading: str) -> None:
    assert heading_is_spoiler(heading)
    body = "The restoration is lovely. The grain is fine."
    assert [(s.body, s.is_spoiler) for s in split_spoilers(heading, body)] == [(body, True)]


@pytest.mark.parametrize("heading", ["End credits", "High-end audio", "Video", "Extras"])
def test_disc_headings_are_not_spoiler_headings(heading: str) -> None:
    assert not heading_is_spoiler(heading)


def test_a_revealing_sentence_marks_the_rest_of_its_paragraph_only() -> None:
    body = (
        "The picture is crisp. The film ends on the pier at dawn. The mix is clear.\n\n"
        "Extras are thin but the booklet is good."
    )
    pieces = [(s.body, s.is_spoiler) for s in split_spoilers("Picture", body)]
    assert pieces == [
        ("The picture is crisp.", False),
        ("The film ends on the pier at dawn. The mix is clear.", True),
        ("Extras are thin but the booklet is good.", False),
    ]


# --- the seeds -------------------------------------------------------------------------


def _parse(path: Path):
    return parse_document(decode_document(path.read_bytes()))


def test_the_disc_review_keeps_its_disc_remarks() -> None:
    """The three passages flagged before (the picture's 'in the end', the audio's 'higher
    ends', the extras' history) are remarks about the disc: all shown, none hidden."""
    review = _parse(DISC).review
    assert [s for s in review.sections if s.is_spoiler] == []
    safe = " ".join(s.body for s in review.sections)
    for remark in (
        "In the end it’s a remarkable restoration",
        "music can screech a bit on the higher ends",  # the audio criticism
        "the thaw that occurred after Stalin’s death",
        "they’ve finally got around to it",
    ):
        assert remark in safe


def test_the_blog_review_hides_its_ending_and_nothing_else() -> None:
    doc = _parse(BLOG)
    hidden = [s for s in doc.review.sections if s.is_spoiler]
    assert [(s.heading, s.body.split(".")[0]) for s in hidden] == [
        (
            "THE CRANES ARE FLYING",
            "The film ends when the war ends and the troops are returning home",
        ),
        (
            "The Biggest Spoiler: The Ending",
            "The troops are returning home and Veronica cannot find Boris",
        ),
    ]
    ending = hidden[1].body
    for phrase in ("Boris died", "Stepan", "never be forgotten", "give out flowers"):
        assert phrase in ending
    shown = " ".join(s.body for s in doc.review.sections if not s.is_spoiler)
    assert "there is death and love" in shown  # a theme, not an outcome
    assert "The acting is adequate, nothing special." in shown
    for phrase in ("Boris died", "Stepan", "flowers", "The film ends"):
        assert phrase not in shown
    assert any(n.is_spoiler and "Stepan" in n.body for n in doc.plot_notes)


def test_a_question_or_the_films_title_is_no_outcome() -> None:
    assert not tells_outcome("What will their fate be, now that there is no way back?")
    assert not tells_outcome("This is Death Race, a remake of an older film.", title="Death Race")
    assert tells_outcome("In Death Race the hero dies in the last lap.", title="Death Race")
    assert not tells_outcome("Criterion revealed it would release the film this spring.")
    assert not tells_outcome("Three men set out to learn the truth behind the legend.")
