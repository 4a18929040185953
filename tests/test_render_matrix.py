"""The Matrix renderer: allowed HTML only, data never markup, spoilers never in the plain
body, and every size budget kept with oversized or multibyte data."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.cards import Card, Choice, Field, Reply, Span, Style, plain
from bot.constants import (
    MATRIX_BODY_SOFT_MAX_BYTES,
    MATRIX_DESCRIPTION_MAX,
    MATRIX_EVENT_MAX_BYTES,
)
from bot.render.matrix import cut_spans, render_reply
from bot.render.text import SPOILER_HIDDEN
from tests.limits import MatrixHtml

ENDING = "Boris died at the front"
ZWSP = "\u200b"
# The spec's allow-list for org.matrix.custom.html, written out again so the constant is
# checked too, not only trusted.
SPEC_TAGS = {
    *("font", "del", "blockquote", "p", "a", "ul", "ol", "sup", "sub", "li", "b", "i"),
    *("u", "strong", "em", "s", "code", "hr", "br", "div", "pre", "span", "details"),
    *("summary", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("table", "thead", "tbody", "tr", "th", "td", "caption", "img"),
}
# The HTML checks are shared with the limit and spoiler-leak tests.
Html = MatrixHtml


def render(*cards: Card) -> dict[str, Any]:
    return render_reply(Reply(cards))


def check(content: dict[str, Any]) -> Html:
    """The content's shape and sizes, then its HTML parsed (which checks tags as it goes)."""
    assert set(content) == {"msgtype", "body", "format", "formatted_body", "m.mentions"}
    assert content["msgtype"] == "m.notice" and content["m.mentions"] == {}
    assert content["format"] == "org.matrix.custom.html"
    for key in ("body", "formatted_body"):
        assert len(content[key].encode()) <= MATRIX_BODY_SOFT_MAX_BYTES
        assert len(json.dumps(content[key])) - 2 <= MATRIX_BODY_SOFT_MAX_BYTES
    for ascii_only in (True, False):
        size = len(json.dumps(content, ensure_ascii=ascii_only).encode())
        assert size <= MATRIX_EVENT_MAX_BYTES - 4096  # room left for the event's envelope
    return Html(content["formatted_body"])


SAMURAI = Card(
    "Seven Samurai (1954)",
    plain("Farmers hire samurai."),
    (Field("Directed by", plain("Akira Kurosawa")),),
    footer="film #1",
)


def test_layout_of_a_small_card() -> None:
    content = render(SAMURAI)
    check(content)
    assert content["body"] == (
        "Seven Samurai (1954)\n====================\n\nFarmers hire samurai.\n\n"
        "Directed by: Akira Kurosawa\n\n— film #1"
    )
    assert content["formatted_body"] == (
        "<strong>Seven Samurai (1954)</strong><br>Farmers hire samurai.<br><br>"
        "<b>Directed by</b>: Akira Kurosawa<br><br><em>film #1</em>"
    )


def test_layout_of_styles_lists_links_and_several_cards() -> None:
    card = Card(
        "Ran",
        (Span("A "), Span("lord", "bold"), Span(" "), Span("divides", "italic"), Span(" ")),
        (
            Field("Special features", plain("• Commentary (160 min)\n• A.K. (1985)")),
            Field("Editions", plain("Criterion\nStudioCanal")),
            Field("Site", (Span("Criterion", "link", "https://criterion.com/films/x?a=1&b=2"),)),
            Field("Codec", (Span("HEVC", "code"),)),
        ),
        url="https://example.org/ran",
    )
    long_line = "word " * 40  # chat clients wrap; the body is not hard-wrapped
    error = Card("No film", plain(long_line), kind="error")
    content = render(card, error)
    check(content)
    assert content["formatted_body"] == (
        '<strong><a href="https://example.org/ran">Ran</a></strong><br>'
        "A <strong>lord</strong> <em>divides</em> <br><br>"
        "<b>Special features</b>:<ul><li>Commentary (160 min)</li><li>A.K. (1985)</li></ul>"
        "<b>Editions</b>:<br>Criterion<br>StudioCanal<br>"
        '<b>Site</b>: <a href="https://criterion.com/films/x?a=1&amp;b=2">Criterion</a><br>'
        "<b>Codec</b>: <code>HEVC</code>"
        f"<hr><strong>✗ No film</strong><br>{long_line}"
    )
    assert content["body"] == (
        "Ran\n===\n\nA lord divides \n\n"
        "Special features:\n  • Commentary (160 min)\n  • A.K. (1985)\n"
        "Editions:\n  Criterion\n  StudioCanal\n"
        "Site: Criterion <https://criterion.com/films/x?a=1&b=2>\nCodec: HEVC\n\n"
        f"✗ No film\n\n{long_line}"
    )


def test_ephemeral_and_choices_change_nothing() -> None:
    choices = (Choice("film:1", "Seven Samurai (1954)"),)
    assert render_reply(Reply((SAMURAI,), choices, ephemeral=True)) == render(SAMURAI)


def test_hostile_data_shows_as_text() -> None:
    card = Card(
        "<script>alert(1)</script> @room",
        (
            Span("</span><b>x &lt; y || z "),
            Span("click", "link", "javascript:alert(1)"),
            Span(" "),
            Span("data", "link", "data:text/html,<script>alert(1)</script>"),
            Span(" "),
            Span("odd", "link", "http://[bad"),
            Span(" @ROOM\x1b[2J\x00 "),
            Span('"quoted"', "link", 'https://example.org/"><script>'),
            Span("lines", "link", "https://example.org/a\nb\x1b"),
        ),
        (Field("<i>name</i>", (Span("</span>spoiled @room", "spoiler"),)),),
        footer="&amp; @Room",
    )
    content = render(card)
    parsed = check(content)
    assert set(parsed.tags) <= {"strong", "br", "b", "a", "span", "em"}
    assert parsed.tags.count("a") == 2  # the https links only
    text = parsed.text
    assert "<script>alert(1)</script>" in text
    assert "</span><b>x &lt; y || z click data odd " in text
    assert "<i>name</i>" in text and "&amp;" in text
    assert "\x1b" not in text + content["body"] and "\x00" not in text + content["body"]
    assert "[2J" in text
    assert parsed.spoilers == [f"</span>spoiled @{ZWSP}room"]
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;"' in content["formatted_body"]
    assert '<a href="https://example.org/ab">lines</a>' in content["formatted_body"]
    for out in (content["body"], content["formatted_body"]):
        assert not re.search("@room", out, re.IGNORECASE)
        assert "javascript:" not in out or out is content["body"]
    assert content["body"].count(f"@{ZWSP}") == 3  # title, description, footer
    assert "click <javascript:alert(1)>" in content["body"]  # plain text, not a link


def test_spoilers_are_in_spoiler_spans_and_never_in_the_body() -> None:
    card = Card(
        "Cranes Are Flying",
        (Span("Veronica waits. "), Span(ENDING, "spoiler")),
        (Field("Plot", (Span("• Act one\n• "), Span(ENDING, "spoiler"))),),
        footer="film #2",
    )
    content = render(card)
    parsed = check(content)
    assert parsed.spoilers == [ENDING, ENDING]
    assert "Boris" not in parsed.text
    assert "Boris" not in content["body"]
    assert content["body"].count(SPOILER_HIDDEN) == 2
    assert f"<li><span data-mx-spoiler>{ENDING}</span></li>" in content["formatted_body"]


def test_a_spoiler_at_the_cut_is_dropped_whole() -> None:
    assert cut_spans((Span("x" * 10), Span(ENDING, "spoiler")), 15) == (
        Span("x" * 10),
        Span("…"),
    )
    spans = (Span("x" * (MATRIX_DESCRIPTION_MAX - 6)), Span(ENDING, "spoiler"))
    content = render(Card("Plot", spans))
    parsed = check(content)
    assert parsed.spoilers == [] and "Boris" not in parsed.text
    assert parsed.text.endswith("x…")


def _oversized_card(number: int) -> Card:
    cast = ", ".join(f"Actor Number {n}" for n in range(300))
    review = "A long review sentence. " * 2_100  # ~50,000 characters
    features = tuple(Field(f"Feature {n}", plain("An interview, 12 min")) for n in range(40))
    return Card(
        f"Card {number} " + "T" * 400,
        (Span(review), Span(ENDING, "spoiler")),
        (Field("Cast", plain(cast)), *features),
        footer="f",
    )


def test_oversized_data_keeps_every_budget() -> None:
    content = render(*(_oversized_card(n) for n in range(12)))
    parsed = check(content)
    body, html = content["body"], content["formatted_body"]
    assert "Card 0 " in body and "Card 11 " not in body
    assert "…" in parsed.text and "…" in body
    assert re.search(r"… \d+ more cards not shown$", body)
    assert re.search(r"… \d+ more fields? not shown", body)
    assert re.search(r"<em>… \d+ more cards not shown</em>$", html)
    assert parsed.spoilers == []  # each spoiler followed 50,000 characters: cut away
    assert html.count("<strong>Card ") == body.count("Card ") == html.count("<hr>")


def test_spoilers_near_the_byte_cut_are_whole_or_absent() -> None:
    shown = set()
    for shift in range(0, 44, 2):  # move the byte cut across plain text and spoilers
        chunk = (Span("😀" * 40), Span(ENDING, "spoiler"))  # ~530 bytes of HTML as JSON
        spans = (Span("😀" * shift), *chunk * 60)  # 3,800 characters: under the cap
        content = render(Card("Emoji", spans), Card("Next", plain("x")))
        parsed = check(content)
        assert parsed.spoilers and all(spoiler == ENDING for spoiler in parsed.spoilers)
        assert "Boris" not in parsed.text and "Boris" not in content["body"]
        assert "😀…" in parsed.text and content["body"].endswith("1 more card not shown")
        shown.add(len(parsed.spoilers))
    assert len(shown) > 1  # some shift put the cut inside a spoiler, which was dropped


def test_multibyte_text_is_measured_in_bytes() -> None:
    cjk = Card("七人の侍", plain("侍" * 3_000), (Field("監督", plain("黒澤明")),))
    content = render(*(cjk,) * 4)  # 12,000 characters: few by count, many by bytes
    parsed = check(content)
    assert len(content["formatted_body"]) < MATRIX_BODY_SOFT_MAX_BYTES // 2
    assert re.search(r"… \d more cards? not shown$", content["body"])
    assert parsed.text.count("黒澤明") >= 1
    emoji = Card("🎬", plain("🎞" * 4_000))  # within the character cap, 48 KB as JSON
    content = render(emoji)
    parsed = check(content)
    assert parsed.text.endswith("🎞…") and content["body"].endswith("🎞…")


STYLES: tuple[Style, ...] = ("plain", "bold", "italic", "code", "spoiler", "link")
URLS = ("https://example.org/?a=1&b=<x>", "javascript:alert(1)", "data:x", "http://[x", "")


def _expected(text: str) -> str:
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)
    return re.sub(r"@(?=room)", "@" + ZWSP, text, flags=re.IGNORECASE)


@given(
    st.lists(
        st.tuples(st.text(max_size=40), st.sampled_from(STYLES), st.sampled_from(URLS)),
        max_size=8,
    )
)
def test_any_text_stays_text(pieces: list[tuple[str, Style, str]]) -> None:
    spans = tuple(Span(text, style, url or None) for text, style, url in pieces)
    parsed = check(render(Card("T", spans)))
    shown = "".join(_expected(s.text) for s in spans if s.style != "spoiler")
    assert parsed.text == "T" + ("\n" + shown if spans else "")
    assert parsed.spoilers == [
        _expected(s.text) for s in spans if s.style == "spoiler" and _expected(s.text)
    ]
