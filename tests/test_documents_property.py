"""Property tests: no input makes a parser raise anything but the importer's own error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.importers.documents import fields
from bot.importers.documents.model import DocumentError
from bot.importers.documents.parsers import PARSERS, detect_kind, parse_document
from bot.importers.documents.reader import decode_document

# Fragments of real documents, so generated text reaches the deeper parsing paths.
FRAGMENTS = [
    "The Cranes Are Flying",
    "Picture 8/10",
    "Audio: 4.5 of 5",
    "Extras B+",
    "Video ★★★☆☆",
    "Directed by: Mikhail Kalatozov",
    "Year: 1957",
    "Time: 95 min.",
    "Edition #: 146",
    "Series: The Criterion Collection",
    "Release Date: March 24th, 2020",
    "MSRP: $39.95",
    "1 Disc | BD-50",
    "1.33:1 ratio",
    "Russian 1.0 PCM Mono",
    "Region A",
    "Subtitles: English",
    "Special Features:",
    "• New interview (19 min)",
    "Sale Price 27.88",
    "List Price 39.95",
    "Technical Specs",
    "Length:96 Minutes",
    "Director",
    "Writer",
    "Actors",
    "Overview",
    "Movie Details",
    "The Biggest Spoiler: The Ending",
    "Veronica (Tatyana Samoylova) waits.",
    "a 74-minute, 2009 documentary",
    "Criterion's previous DVD.",
    "Leave a Reply",
    "",
    "Verdict",
    "cinematography by Kalatozov's regular collaborator Sergei Urusevsky",
    "new 2K restoration performed by Mosfilm. sourced from the 35mm original camera negative",
    "Year: 1972",
    "02h:21m:09s",
    "Genres: Drama, Romance, War",
    ":",
    "(",
    "•",
    "||",
    "@everyone",
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=80)), max_size=40).map(
    "\n".join
)
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents, st.sampled_from(sorted(PARSERS)))
def test_parsers_raise_only_document_errors(text: str, kind: str) -> None:
    try:
        doc = PARSERS[kind](text)  # the parser itself, without parse_document's safety net
    except DocumentError as exc:
        assert exc.reason
    else:
        assert doc.title.strip() and doc.kind == kind


@SETTINGS
@given(documents)
def test_detection_never_raises(text: str) -> None:
    assert detect_kind(text) in (None, "disc_review", "release_listing", "blog_review")


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_give_text_or_a_reason(raw: bytes) -> None:
    try:
        parse_document(decode_document(raw))
    except DocumentError as exc:
        assert exc.reason


@SETTINGS
@given(st.text(max_size=60))
def test_value_parsers_never_raise(text: str) -> None:
    fields.parse_score(text)
    fields.parse_runtime(text)
    fields.parse_date(text)
    fields.parse_price(text)
    fields.parse_discs(text)
    fields.parse_aspect_ratios(text)
    fields.parse_region(text)
    fields.parse_audio(text)
    fields.format_from(text)
