"""HTML pages read as a person reads them (`read_page`): the main text one block a line,
menus and footers gone, and the cues a page gives about itself (title, og:title, h1,
schema.org objects, publication date, address). Plain text goes through as before.

The pages in tests/fixtures/html are written for this project: real sites' layouts, our
own words, invented films.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from bot.importers.documents.model import DocumentError, Page, PageCues
from bot.importers.documents.reader import MAX_DOCUMENT_BYTES, decode_document, read_page

PAGES = Path(__file__).parent / "fixtures" / "html"
SEEDS = Path(__file__).parent.parent / "data" / "documents"


def page(name: str, **kwargs: str) -> Page:
    return read_page((PAGES / name).read_bytes(), **kwargs)


def refusal(raw: bytes, **kwargs: str) -> str:
    with pytest.raises(DocumentError) as refused:
        read_page(raw, **kwargs)
    return refused.value.reason


def of_type(cues: PageCues, kind: str) -> dict[str, object]:
    found = [o for o in cues.schema if o.get("@type") == kind]
    assert len(found) == 1, cues.schema
    return found[0]


# --- a review page ----------------------------------------------------------------------


def test_a_review_page_reads_as_its_article_with_the_chrome_gone() -> None:
    review = page("review_jsonld.html")
    lines = review.text.splitlines()
    assert review.is_html
    assert lines[0] == "The Lantern Keeper Blu-ray Review"
    # A table row is its cells joined by " | "; list items and headings are lines.
    assert "Studio | Northlight Editions" in lines
    assert "Video | 1080p AVC, 1.66:1" in lines
    assert lines[lines.index("Scores") + 1 :][:4] == [
        "Movie: 4.5/5",
        "Video: 4/5",
        "Audio: 3.5/5",
        "Extras: 3/5",
    ]
    assert "Audio commentary by film historian Per Ekdahl" in lines
    # <br> ends a line.
    assert "Tomas Brandt carries the film with very little dialogue." in lines
    assert "Edda Lorne appears only in the last act, but she changes everything." in lines
    for chrome in ("Log in", "Forum", "New Releases", "Latest reviews", "Harbour of Mist",
                   "Subscribe", "Newsletter", "All rights reserved", "Tweet", "dataLayer",
                   "font-family"):  # fmt: skip
        assert chrome not in review.text, chrome


def test_a_review_page_gives_its_cues() -> None:
    cues = page("review_jsonld.html").cues
    assert cues.html_title == "The Lantern Keeper Blu-ray Review | DiscHarbor"
    assert cues.og_title == "The Lantern Keeper (1958) Blu-ray Review"
    assert cues.h1 == "The Lantern Keeper Blu-ray Review"
    assert cues.url == "https://discharbor.example/reviews/the-lantern-keeper-bluray"
    assert cues.published == "2021-03-14"
    review = of_type(cues, "Review")
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": "4.5", "bestRating": "5"}
    movie = review["itemReviewed"]
    assert isinstance(movie, dict)
    assert movie["@type"] == "Movie" and movie["name"] == "The Lantern Keeper"
    assert movie["director"] == {"@type": "Person", "name": "Ilse Varga"}
    assert [a["name"] for a in movie["actor"]] == ["Tomas Brandt", "Edda Lorne"]  # type: ignore[index,union-attr]
    assert "@context" not in review


def test_the_canonical_link_wins_over_the_address_fetched() -> None:
    fetched = "https://discharbor.example/r?id=17&utm_source=feed"
    assert page("review_jsonld.html", url=fetched).cues.url.endswith("the-lantern-keeper-bluray")
    html = b"<html><head><title>A page</title></head><body><p>Some words here.</p></body></html>"
    assert read_page(html, url=fetched).cues.url == fetched


# --- schema.org: microdata and @graph ------------------------------------------------------


def test_microdata_on_a_shop_page_becomes_a_product_with_its_offer() -> None:
    listing = page("listing_microdata.html")
    product = of_type(listing.cues, "Product")
    assert product["name"] == "Harbour of Mist (4K UHD + Blu-ray)"
    assert product["gtin13"] == "5021234567890"
    assert product["brand"] == {"@type": "Brand", "name": "Quayside Classics"}
    offer = product["offers"]
    assert isinstance(offer, dict)
    assert offer["@type"] == "Offer"
    assert (offer["price"], offer["priceCurrency"]) == ("24.99", "GBP")
    assert offer["availabilityStarts"] == "2024-11-18"
    assert listing.cues.url == "https://shop.reelside.example/p/harbour-of-mist-4k"
    assert "Colm Rafferty" in listing.text.splitlines()
    assert "Customers also bought" not in listing.text
    assert listing.cues.published is None  # a pre-order date is not the page's date


def test_a_json_ld_graph_is_unpacked_and_its_references_followed() -> None:
    blog = page("blog_graph.html")
    types = [o["@type"] for o in blog.cues.schema]
    assert sorted(types) == ["Article", "Person", "WebPage", "WebSite"]
    article = of_type(blog.cues, "Article")
    assert article["headline"] == "Nine Winters (1971)"
    assert article["author"] == {"@type": "Person", "name": "Juno Dray"}  # was {"@id": …}
    # Entities in JSON-LD are decoded; the block that is not JSON is skipped, not fatal.
    assert of_type(blog.cues, "WebPage")["name"] == "Nine Winters (1971) – Notes from the Back Row"
    assert blog.cues.html_title == "Nine Winters (1971) – Notes from the Back Row"
    assert blog.cues.published == "2023-02-05"
    lines = blog.text.splitlines()
    assert lines[:3] == [
        "Nine Winters (1971)",
        "Director: Hanna Sjöberg",
        "Starring: Oskar Lind, Birgit Falk",
    ]
    assert "Spoilers below" in lines and "Rating: ★★★★☆" in lines
    for chrome in ("Share this", "Great write-up", "Recent posts", "A–Z index"):
        assert chrome not in blog.text, chrome


def test_schema_objects_are_plain_bounded_dicts() -> None:
    deep = '{"@type": "Review", "itemReviewed": ' * 30 + "{}" + "}" * 30
    html = f"""<html><head>
    <script type="application/ld+json">[[{{"@type": "http://schema.org/Movie",
      "name": "Salt &amp; Iron", "@context": "https://schema.org"}}]]</script>
    <script type="application/ld+json">{deep}</script>
    <script type="application/ld+json">{{"name": "no type at all"}}</script>
    </head><body><h1>Salt &amp; Iron</h1><p>A short note about a film.</p></body></html>"""
    cues = read_page(html.encode()).cues
    assert cues.schema[0] == {"@type": "Movie", "name": "Salt & Iron"}
    assert [o["@type"] for o in cues.schema] == ["Movie", "Review"]
    depth, node = 0, cues.schema[1]
    while isinstance(node.get("itemReviewed"), dict):
        node, depth = node["itemReviewed"], depth + 1  # type: ignore[assignment]
    assert depth < 8  # cut off, not followed 30 levels down


# --- pages that are not a film's -----------------------------------------------------------


def test_an_error_page_is_refused_with_its_title() -> None:
    assert refusal((PAGES / "error_404.html").read_bytes()) == (
        "the page is an error page (“Sorry, we can't find that page”), not a film document"
    )


@pytest.mark.parametrize(
    ("head", "body", "shown"),
    [
        ("<title>404 Not Found</title>", "<center><h1>404 Not Found</h1></center><hr>", "404 Not Found"),
        ("<title>Just a moment...</title>", "<div><p>Checking the site connection.</p></div>", "Just a moment..."),
        ("<title>Access Denied</title>", "<div><p>You don't have permission.</p></div>", "Access Denied"),
        ("<title>Error | Reelside</title>", "<div><p>Something broke.</p></div>", "Error | Reelside"),
        ("<title>Reelside</title>", "<div><h1>Error 500</h1><p>Try later.</p></div>", "Error 500"),
    ],
)  # fmt: skip
def test_error_pages_in_many_words(head: str, body: str, shown: str) -> None:
    html = f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    assert refusal(html.encode()) == f"the page is an error page (“{shown}”), not a film document"


def test_a_film_named_like_an_error_is_not_an_error_page() -> None:
    prose = "<p>" + "A long night on the motorway, told in real time by one driver. " * 40 + "</p>"
    for title in ("Gone", "Forbidden", "(500) Days of Summer"):
        html = (
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{prose}</body></html>"
        )
        assert read_page(html.encode()).cues.h1 == title


def test_a_shop_home_page_still_gives_its_text() -> None:
    home = page("shop_home.html")
    lines = home.text.splitlines()
    assert home.cues.h1 is None and home.cues.og_title == "Reelside Shop"
    assert "New this week" in lines and "Coming soon" in lines
    assert any(line.startswith("Nine Winters (Blu-ray)") for line in lines)
    assert "Search" not in lines and "Box sets" not in home.text  # header and menu


def test_a_page_that_is_mostly_a_spec_table_is_read_from_its_blocks() -> None:
    specs = page("spec_table.html")
    assert specs.text.splitlines() == [
        "The Copper Wheel (1949)",
        "Label | Foundry Films",
        "Format | Blu-ray",
        "Region | A",
        "Release date | 2019-06-11",
        "Aspect ratio | 1.37:1",
        "Audio | English LPCM 2.0 mono",
        "Subtitles | English SDH",
        "Runtime | 88 min",
        "Discs | 1",
        "Video | Audio | Extras",
        "8/10 | 7/10 | 5/10",
    ]
    assert specs.cues.published is None  # the release date in the table is not the page's


def test_a_page_without_text_says_why() -> None:
    html = b'<html><head><title>Reelside</title><script src="/app.js"></script></head><body><div id="app"></div></body></html>'
    assert "shows no text to read" in refusal(html)


# --- characters --------------------------------------------------------------------------


def test_a_cp1252_page_with_a_meta_charset() -> None:
    cafe = page("cp1252_meta.html")
    assert cafe.cues.h1 == "Café Lumière (1954)"
    assert cafe.cues.html_title == "Café Lumière – a review"
    assert "Director: René Marchal" in cafe.text
    assert "It’s a small film about a café" in cafe.text
    assert "Picture: 3/5 • Sound: 3/5 • Extras: 2/5" in cafe.text


def test_a_byte_order_mark_and_the_servers_charset_come_first() -> None:
    body = "<html><head><title>Ålgårdens tåg</title></head><body><h1>Ålgårdens tåg</h1><p>En dag på stationen.</p></body></html>"
    assert read_page(b"\xef\xbb\xbf" + body.encode()).cues.h1 == "Ålgårdens tåg"
    assert read_page(b"\xff\xfe" + body.encode("utf-16-le")).cues.h1 == "Ålgårdens tåg"
    assert read_page(body.encode("utf-16-le")).cues.h1 == "Ålgårdens tåg"  # no mark at all
    # The server says cp1252 and the page claims UTF-8: the server wins, as in a browser.
    claimed = body.replace("<head>", '<head><meta charset="utf-8">').encode("cp1252")
    assert read_page(claimed, charset="windows-1252").cues.h1 == "Ålgårdens tåg"
    # Nothing declared, not UTF-8: read as cp1252. A charset nobody knows is passed over.
    assert read_page(body.encode("cp1252")).cues.h1 == "Ålgårdens tåg"
    unknown = body.replace("<head>", '<head><meta charset="x-klingon">').encode("cp1252")
    assert read_page(unknown, charset="nonsense").cues.h1 == "Ålgårdens tåg"
    # Bytes no charset reads still give a page, never an exception.
    mangled = body.encode("utf-8").replace(b"\xc3\xa5", b"\x81\x8d")
    assert "rdens t" in (read_page(mangled).cues.h1 or "")


# --- time ------------------------------------------------------------------------------------


def _timed(raw: bytes) -> tuple[Page, float]:
    start = time.perf_counter()
    result = read_page(raw)
    return result, time.perf_counter() - start


def _ordinary(size: int) -> bytes:
    """The same review page grown to `size` bytes with ordinary prose: the yardstick a
    pathological page is timed against in the same run (no wall-clock threshold, so a
    loaded machine slows both alike)."""
    html = (PAGES / "review_jsonld.html").read_text()
    base = len(html.encode())
    sentence = "<p>" + "The grain is fine and the blacks are deep in this scene. " * 20 + "</p>"
    filler = sentence * max(1, (size - base) // len(sentence))
    return html.replace("</article>", f"{filler}</article>").encode()[:MAX_DOCUMENT_BYTES]


# A pathological page may cost a few times an ordinary one of its size, never the
# minutes a backtracking pattern or a quadratic walk would take.
PATHOLOGICAL_RATIO = 15


def test_a_900_kb_page_with_a_giant_script_is_quick() -> None:
    html = (PAGES / "review_jsonld.html").read_text()
    script = "<script>" + "var frame = { x: 1, y: [2, 3] };\n" * 27_000 + "</script>"
    raw = html.replace("</head>", script + "</head>").encode()
    assert 850_000 < len(raw) < MAX_DOCUMENT_BYTES
    read_page(raw)  # the first call imports trafilatura
    result, seconds = _timed(raw)
    _, yardstick = _timed(_ordinary(len(raw)))
    assert seconds < PATHOLOGICAL_RATIO * yardstick, (seconds, yardstick)
    assert "Movie: 4.5/5" in result.text and "var frame" not in result.text


@pytest.mark.parametrize(
    "filler",
    [
        "<span>a</span> <b>b</b> " * 38_000,  # tens of thousands of inline tags
        "<p>word word word</p>" * 45_000,  # more blocks than the main-text extractor reads
        "<div>" * 200 + "deep" + "</div>" * 200,  # nesting
    ],
    ids=["inline", "blocks", "nested"],
)
def test_pathological_pages_finish_in_seconds(filler: str) -> None:
    html = (PAGES / "review_jsonld.html").read_text()
    raw = html.replace("</article>", f"<p>{filler}</p></article>").encode()[:MAX_DOCUMENT_BYTES]
    read_page((PAGES / "review_jsonld.html").read_bytes())
    result, seconds = _timed(raw)
    _, yardstick = _timed(_ordinary(len(raw)))
    assert seconds < PATHOLOGICAL_RATIO * yardstick, (seconds, yardstick)
    assert result.text.startswith("The Lantern Keeper Blu-ray Review")


# --- plain text and the old refusals ---------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_plain_text_goes_through_untouched(seed: str) -> None:
    raw = (SEEDS / seed).read_bytes()
    assert read_page(raw) == Page(text=decode_document(raw))
    assert not read_page(raw, url="https://example.org/x").is_html


def test_pasted_text_with_a_stray_tag_is_still_text() -> None:
    raw = b"The Lantern Keeper (1958)\nVideo: 4/5 <b>great</b>\nAudio: 3/5\n"
    assert read_page(raw) == Page(text=raw.decode())


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "the document is empty"),
        (b"  \n\t\n", "the document is empty"),
        (b"x" * (MAX_DOCUMENT_BYTES + 1), "the document is over the limit of 1,000,000 bytes"),
        (b"<html><body>" + b"<p>x</p>" * 200_000 + b"</body></html>", "the document is over the limit"),
        (b"PK\x03\x04\x00\x00binary", "this is a binary file, not a text document"),
        (b"<html><body><p>a\x00b</p></body></html>", "this is a binary file, not a text document"),
        (b"Caf\xe9 Lumi\xe8re (1954)\nA review.\n", "the document is not UTF-8 text (byte 0xe9 at offset 3)"),
        (b"\xff\xfe\x00\xd8", "the document claims to be UTF-16 but is not"),
        (b"\x01\x02\x03\x04\x05\x06 some text", "this looks like a binary file, not a text document"),
    ],
    ids=["empty", "blank", "too big", "too big html", "binary", "binary html", "not utf-8",
         "bad utf-16", "control characters"],
)  # fmt: skip
def test_every_refusal_keeps_its_reason(raw: bytes, reason: str) -> None:
    assert refusal(raw).startswith(reason)
    if b"<html>" not in raw:  # the text reader refuses it in the same words
        with pytest.raises(DocumentError) as refused:
            decode_document(raw)
        assert refused.value.reason == refusal(raw)


def test_decode_document_alone_still_refuses_html() -> None:
    with pytest.raises(DocumentError, match="this is an HTML page"):
        decode_document((PAGES / "review_jsonld.html").read_bytes())


# --- hostile pages ---------------------------------------------------------------------------


def test_framework_attributes_do_not_cost_the_main_text() -> None:
    html = (PAGES / "review_jsonld.html").read_text()
    noisy = html.replace("<p>", '<p @click="open = !open" :class="{on: open}" a{b="x">')
    result = read_page(noisy.encode())
    assert result.text == page("review_jsonld.html").text


def test_mangled_pages_are_read_or_refused_never_a_crash() -> None:
    rng = random.Random(16)
    originals = [p.read_bytes() for p in sorted(PAGES.glob("*.html"))]
    pieces = [b"<", b">", b"</table>", b"<tr>", b"<td>", b"<script>", b"<!--", b'"', b"{",
              b"<h1>", b" itemscope ", b"\x00", b"\xff\xfe", b' @a="1"', b"<br>"]  # fmt: skip
    outcomes = {"read": 0, "refused": 0}
    for _ in range(150):
        raw = bytearray(rng.choice(originals))
        for _ in range(rng.randint(1, 40)):
            at, roll = rng.randrange(len(raw) or 1), rng.random()
            if roll < 0.4:
                del raw[at : at + rng.randint(1, 50)]
            elif roll < 0.7:
                raw[at:at] = rng.randbytes(rng.randint(1, 10))
            else:
                raw[at:at] = rng.choice(pieces)
        try:
            read_page(bytes(raw))
            outcomes["read"] += 1
        except DocumentError:
            outcomes["refused"] += 1
    assert outcomes["read"] > 50 and outcomes["refused"] > 0, outcomes
