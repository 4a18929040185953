"""Pages shaped like real ones (tests/fixtures/pages: imitations of real sites' layouts
and chrome, our own words) imported into the bundled catalog: each onto the right film,
or left waiting, or refused, as a person labelled it (manifest.json); the fields they
state read right. The same scoring as bench/import_quality.py."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bot.importers.documents.importer import import_document
from bot.importers.documents.parsers import parse_document
from bot.importers.documents.reader import read_page
from bot.store import open_database, pending
from tests import sql

PAGES = Path(__file__).parent / "fixtures" / "pages"
MANIFEST = json.loads((PAGES / "manifest.json").read_text())


def _bench():
    spec = importlib.util.spec_from_file_location(
        "import_quality", Path(__file__).parent.parent / "bench" / "import_quality.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _bench()


async def _import_all(path: Path, bench) -> list[dict]:
    db = await open_database(path)
    rows = []
    try:
        for entry in MANIFEST:
            raw = (PAGES / entry["file"]).read_bytes()
            row = {"file": entry["file"], "kind": None, "fields": {}}
            try:
                doc = parse_document(read_page(raw))
                row["kind"], row["fields"] = doc.kind, bench._doc_fields(doc)
            except Exception as exc:
                row["parse_error"] = str(exc)
            outcome = await import_document(db, entry["file"], raw)
            row.update(status=outcome.status, message=outcome.message, film_id=outcome.film_id)
            row["pending_id"] = outcome.pending_id
            if outcome.film_id is not None:
                found = await sql.fetchone(
                    db, "SELECT title, year FROM films WHERE id = ?", (outcome.film_id,)
                )
                row["film"] = [found[0], found[1]]
            rows.append(row)
        films = await sql.scalar(db, "SELECT count(*) FROM films")
        waiting = await pending.list_pending(db)
    finally:
        await db.close()
    return rows, films, waiting


async def test_fixture_pages_attach_to_the_right_film(catalog_copy: Path, bench) -> None:
    db = await open_database(catalog_copy)
    films_before = await sql.scalar(db, "SELECT count(*) FROM films")
    await db.close()
    rows, films_after, waiting = await _import_all(catalog_copy, bench)
    by_file = {r["file"]: r for r in rows}
    totals = bench.score(MANIFEST, rows)

    # No page becomes a film that is not its own: no junk films, no wrong merges.
    assert totals["junk"] == 0, [r["message"] for r in rows if r["status"] == "imported"]
    assert totals["wrong_merge"] == 0
    new_expected = sum(1 for e in MANIFEST if e["expect"] == "new")
    assert films_after - films_before <= new_expected
    # Most pages are attached to their catalog film (the importer before this read 0).
    assert totals["attach_right"] >= 0.7 * totals["attach"], totals
    assert totals["decisions"] >= 0.75 * totals["pages"], totals
    # Fields: two thirds of what the pages state is read right (before: 19%).
    assert totals["right"] >= 0.65 * totals["fields"], totals

    for entry in MANIFEST:
        row = by_file[entry["file"]]
        decision = bench._decision(row["status"])
        if entry["expect"] == "reject":
            assert decision in ("reject", "pending"), (entry["file"], row["message"])
        if entry["expect"] == "new":
            assert decision in ("new", "pending"), (entry["file"], row["message"])
        if decision == "pending":
            # Waiting means nothing was written, and the reason says how to decide.
            assert row["film_id"] is None and "filmbot pending show" in row["message"]
    assert {w.id for w in waiting} == {r["pending_id"] for r in rows if r["status"] == "pending"}


async def test_a_retail_header_or_a_4k_suffix_never_names_a_film(catalog_copy: Path) -> None:
    """The user trial: a shop's '4K Blu-ray Releases Details' header became a film, and
    'Seven Samurai 4K' a duplicate of Seven Samurai."""
    page = (
        "4K Blu-ray Releases Details\n"
        "Seven Samurai 4K\n"
        "List Price: $49.95\n"
        "Director: Akira Kurosawa\n"
        "Release Date: 2025-11-18\n"
        "Region: A\n"
    )
    db = await open_database(catalog_copy)
    try:
        films = await sql.scalar(db, "SELECT count(*) FROM films")
        outcome = await import_document(db, "shop.txt", page.encode())
        assert outcome.status == "merged", outcome.message
        title, year = await sql.fetchone(
            db, "SELECT title, year FROM films WHERE id = ?", (outcome.film_id,)
        )
        assert (title, year) == ("Seven Samurai", 1954)
        assert await sql.scalar(db, "SELECT count(*) FROM films") == films
        titles = await sql.fetchall(
            db, "SELECT title FROM film_titles WHERE film_id = ?", (outcome.film_id,)
        )
        assert "Seven Samurai 4K" not in {t for (t,) in titles}
    finally:
        await db.close()


@pytest.mark.parametrize(
    "chrome",
    ["Gift Ideas Blu-ray", "New This Week DVD", "Summer Sale Blu-ray Collection", "Spine #12"],
)
async def test_shop_chrome_with_a_format_word_never_becomes_a_film(
    catalog_copy: Path, chrome: str
) -> None:
    page = (
        f"Home | Shop | Deals | Basket\n{chrome}\nDirector: Jane Roe\nYear: 2001\n"
        "Price: $19.99\nFormat: Blu-ray\nRegion: A\n"
    )
    db = await open_database(catalog_copy)
    try:
        films = await sql.scalar(db, "SELECT count(*) FROM films")
        outcome = await import_document(db, "shop.txt", page.encode())
        assert outcome.status in ("pending", "rejected"), outcome.message
        assert await sql.scalar(db, "SELECT count(*) FROM films") == films
    finally:
        await db.close()


def test_a_review_opening_about_the_disc_is_not_the_synopsis() -> None:
    page = (
        "Ikiru Blu-ray Review\n\n"
        "This is one of the great humanist films, and this new disc with its fresh "
        "restoration is a welcome surprise for collectors.\n\n"
        "Video: 4/5\nThe transfer is clean and the grain is fine throughout the film.\n\n"
        "Audio: 3.5/5\nThe mono track is clear, with some hiss in quiet scenes.\n"
    )
    doc = parse_document(page)
    assert doc.kind == "disc_review" and doc.synopsis is None
    assert any("humanist" in s.body for s in doc.review.sections)


def test_a_link_line_under_the_title_does_not_end_the_review() -> None:
    page = (
        "Ugetsu Blu-ray Review\n"
        "See more details, or buy at our partner shop\n\n"
        "Mizoguchi's ghost story arrives with a new restoration that keeps the grain intact "
        "and the greys deep, a big step past the old DVD.\n\n"
        "Video: 4.5/5\nAudio: 4/5\nExtras: 3.5/5\n\n"
        "Verdict\nA lovely disc of a film that deserves it.\n"
    )
    doc = parse_document(page)
    assert doc.kind == "disc_review" and doc.title == "Ugetsu"
    assert set(doc.review.scores) == {"picture", "audio", "extras"}
    assert doc.review.verdict == "A lovely disc of a film that deserves it."


def test_a_disc_review_without_grades_is_still_a_disc_review() -> None:
    page = (
        "Home | Reviews | Forums | Login\n"
        "The Leopard 4K UHD Review\n\n"
        "Visconti's epic arrives on 4K UHD with a 2160p HEVC encode from the 4K restoration, "
        "in 2.21:1. Grain is fine and even, the colours of the ballroom are warm.\n\n"
        "The Italian mono track is clean, presented in LPCM 1.0, with optional English "
        "subtitles. The disc carries the extras of the earlier Blu-ray.\n\n"
        "Against the old Blu-ray the new transfer is a clear step up in detail and in the "
        "highlights; the restoration has removed the damage that marred the last master.\n\n"
        "Leave a comment\n"
    )
    doc = parse_document(page)
    assert doc.kind == "disc_review" and doc.title == "The Leopard"
    assert doc.edition.video_resolution == "2160p" and doc.edition.format == "4K UHD"
    assert doc.review.scores == {}
    # A review's first paragraph is not taken for the film's synopsis.
    assert doc.synopsis is None


async def test_a_page_of_no_known_kind_about_a_film_waits_for_its_kind(
    catalog_copy: Path,
) -> None:
    page = (
        "Seven Samurai (1954)\n"
        "Director: Akira Kurosawa\n"
        "Toshiro Mifune, Takashi Shimura\n"
        "Showing at the Orpheum on Friday.\n"
    )
    db = await open_database(catalog_copy)
    try:
        before = await sql.scalar(db, "SELECT count(*) FROM sources")
        outcome = await import_document(db, "cinema.txt", page.encode())
        assert outcome.status == "pending", outcome.message
        assert "what kind of document" in outcome.message and "--kind" in outcome.message
        waiting = await pending.get_pending(db, outcome.pending_id)
        assert waiting.kind is None and waiting.candidates[0].label == "Seven Samurai (1954)"
        assert await sql.scalar(db, "SELECT count(*) FROM sources") == before
        # Accepting without a kind still cannot tell it: it keeps waiting.
        again = await import_document(
            db, "cinema.txt", page.encode(), pending_id=outcome.pending_id
        )
        assert again.status == "rejected"
        assert (await pending.get_pending(db, outcome.pending_id)).status == "waiting"
        # With the kind, it is imported onto its film and settled.
        done = await import_document(
            db, "cinema.txt", page.encode(), kind="blog_review", pending_id=outcome.pending_id
        )
        assert done.status == "merged", done.message
        assert (await pending.get_pending(db, outcome.pending_id)).status == "accepted"
    finally:
        await db.close()


async def test_a_page_of_no_known_kind_about_no_film_is_refused(catalog_copy: Path) -> None:
    db = await open_database(catalog_copy)
    try:
        outcome = await import_document(
            db, "menu.txt", b"Home | Shop | Deals | Basket\nOpening hours\nCall us today\n"
        )
        assert outcome.status == "rejected"
        assert await pending.list_pending(db) == []
    finally:
        await db.close()


def test_release_news_is_a_listing_and_a_judged_disc_a_review() -> None:
    news = (
        "Cult label brings a teen classic home\n\n"
        "Boutique label Harbour Lights has announced that The Paper Kites (1987) will be "
        "released on 4K Blu-ray this October, with a new commentary and a booklet.\n\n"
        "Special features include an interview with the composer and the original trailer.\n"
    )
    doc = parse_document(news)
    assert doc.kind == "release_listing" and doc.edition.format == "4K UHD"
    judged = (
        "The Paper Kites (1987)\n\n"
        "The new Blu-ray transfer looks clean: grain is fine, contrast firm, and the colours "
        "hold in the night scenes. The audio is clear, with the score well balanced.\n\n"
        "Extras include a commentary and the trailer, the same as the old DVD had, and a "
        "short piece on the restoration that is worth a look.\n"
    )
    assert parse_document(judged).kind == "disc_review"


def test_a_blog_reviews_one_rating_is_the_films() -> None:
    blog = (
        "Night Ferry (1961)\n\n"
        "A quiet crossing becomes a long night of small betrayals, told with patience and "
        "a sharp eye for faces. The harbour scenes are the best thing in it, and the lead "
        "holds every one of them. It is slow to start and long in the middle, but worth "
        "the trip.\n\nRating: 4/5\n"
    )
    doc = parse_document(blog)
    assert doc.kind == "blog_review"
    assert (doc.review.scores["film"].value, doc.review.scores["film"].scale_max) == (4, 5)


async def test_a_page_under_another_name_of_a_catalog_film_finds_it_by_director_and_year(
    catalog_copy: Path,
) -> None:
    """The catalog knows 'Bicycle Thieves'; an Italian page calls it by its own title."""
    page = (
        "Ladri di biciclette (1948) – Blu-ray Review\n\n"
        "Directed by Vittorio De Sica\n\n"
        "With Lamberto Maggiorani and Enzo Staiola. A bill-poster's bicycle is stolen on his first day at work, and with his son he "
        "walks Rome looking for it. The new restoration keeps the grain and the grey light "
        "of the streets, and the mono track is clean.\n\n"
        "Video: 4/5\nAudio: 3.5/5\n"
    )
    db = await open_database(catalog_copy)
    try:
        outcome = await import_document(db, "ladri.txt", page.encode())
        assert outcome.status == "merged", outcome.message
        assert "Bicycle Thieves (1948)" in outcome.message
        assert "director and year" in outcome.message
    finally:
        await db.close()


def test_credits_stated_in_sentences() -> None:
    from bot.importers.documents import prose

    assert prose.directors("Directed by Akira Kurosawa\nThe film") == ["Akira Kurosawa"]
    assert prose.directors("Andrei Tarkovsky’s Stalker arrives", "Stalker") == ["Andrei Tarkovsky"]
    assert prose.directors("Carol Reed’s 1949 classic") == ["Carol Reed"]
    assert prose.directors("Tarkovsky’s Stalker") == []  # a surname alone is no credit
    assert prose.cast("Starring Charlize Theron and Kim Basinger, the film") == [
        "Charlize Theron",
        "Kim Basinger",
    ]
    assert prose.label("On Blu-ray from The Criterion Collection.") == ("The Criterion Collection")


def test_audio_tracks_named_in_a_reviews_sentences() -> None:
    page = (
        "Harbour Lights Blu-ray Review\n\n"
        "Video: 4/5\nThe transfer is clean and the grain is fine throughout, with firm "
        "contrast in the night scenes and no sign of compression trouble.\n\n"
        "Audio: 4/5\nThe film arrives with a DTS-HD Master Audio 5.1 remix and the "
        "original mono in LPCM; both are clear.\n"
    )
    doc = parse_document(page)
    assert {t.codec for t in doc.edition.audio} == {"DTS-HD MA", "LPCM"}


async def test_a_blogs_category_page_is_not_taken_for_its_first_review(
    catalog_copy: Path,
) -> None:
    teaser = (
        "{title} ({year}) Blu-ray Review\n"
        "Posted by the editor | {day} March 2024 | 2 Comments\n"
        "{title} arrives in a new restoration, and the disc is a fine one: the transfer "
        "is clean, the mono track is clear and the extras are generous.\n\n"
    )
    page = "Blu-ray | Category\n\n" + "".join(
        teaser.format(title=t, year=y, day=d)
        for t, y, d in (("Vertigo", 1958, 3), ("Seven Samurai", 1954, 2), ("Stalker", 1979, 1))
    )
    db = await open_database(catalog_copy)
    try:
        outcome = await import_document(db, "category.txt", page.encode())
        assert outcome.status == "rejected", outcome.message
        assert "several" in outcome.message
    finally:
        await db.close()


async def _outcome(catalog_copy: Path, name: str, page: str):
    db = await open_database(catalog_copy)
    try:
        return await import_document(db, name, page.encode())
    finally:
        await db.close()


async def test_a_title_less_page_is_its_films_when_director_and_cast_are_named(
    catalog_copy: Path,
) -> None:
    """A page cut before its title names the film once; Hitchcock, Stewart and Novak on
    the same page make it Vertigo. With the director alone it is not enough."""
    body = (
        "What a pairing: the easy charm of James Stewart and the cold eye of Alfred "
        "Hitchcock, in a thriller that still unsettles sixty years on. Vertigo keeps its "
        "grip through every staircase and every bell tower, and Kim Novak gives the film "
        "its double heart. The colours of San Francisco have never looked so strange.\n"
    )
    outcome = await _outcome(catalog_copy, "cut.txt", body)
    assert outcome.status == "merged", outcome.message
    assert "Vertigo (1958)" in outcome.message

    thin = body.replace("James Stewart", "its star").replace("Kim Novak", "its heroine")
    outcome = await _outcome(catalog_copy, "thin.txt", thin)
    assert outcome.status != "merged", outcome.message


async def test_a_running_time_to_the_minute_backs_a_title_the_page_opens_on(
    catalog_copy: Path,
) -> None:
    page = (
        "Seven Samurai appears in its original 1.33:1 shape on this disc, and the new "
        "transfer is firm and clean across all 207 minutes; grain is fine and stable, "
        "and the contrast holds in the rain of the last battle without crushing.\n\n"
        "The mono track is thin but clear, as it should be for its age, and the new "
        "subtitles read better than the ones on the old disc. The extras are the same as "
        "before, which is no complaint: the commentaries alone are worth the price.\n"
    )
    outcome = await _outcome(catalog_copy, "opens.txt", page)
    assert outcome.status == "merged", outcome.message
    assert "runtime 207 min" in outcome.message


async def test_headline_and_diary_decorations_are_not_part_of_the_title(
    catalog_copy: Path,
) -> None:
    from bot.importers.documents.page_titles import clean_title

    assert clean_title("Moonrise Kingdom Blu-ray Announced") == ("Moonrise Kingdom", None)
    assert clean_title("Heat 4K UHD Release Date Set") == ("Heat", None)
    assert clean_title("61. May 22, 2010 - Vertigo (1958)") == ("Vertigo", 1958)
    assert clean_title("Coming Home") == ("Coming Home", None)
    page = (
        "Sunday, May 23, 2010\n\n"
        "61. May 22, 2010 - Vertigo (1958)\n\n"
        "One of the strangest plots of its decade, and it all makes sense in the end, "
        "though the road there runs through mistaken identities and a tall tower. Kim "
        "Novak is very good in two parts, and the camera trick on the stairs still works. "
        "I had not seen it since college and found it sadder than I remembered, a film "
        "about wanting someone to be another person, with San Francisco in strange colours "
        "and Bernard Herrmann's music circling and circling.\n"
    )
    outcome = await _outcome(catalog_copy, "diary.txt", page)
    assert outcome.status == "merged", outcome.message
    assert "Vertigo (1958)" in outcome.message


async def test_a_slash_title_is_two_films_only_when_both_names_are_catalog_films(
    catalog_copy: Path,
) -> None:
    """'Solaris / Stalker' names two catalog films: one document per film, please.
    'Children of Men / Menneskenes Barn' is one film with its Norwegian title."""
    listing = (
        "New Releases | Blu-ray | DVD\n\n"
        "Solaris / Stalker\n"
        "Format: Blu-ray\nRegion: B\nRelease date: 12 March 2024\nPrice: £24.99\n"
    )
    outcome = await _outcome(catalog_copy, "double.txt", listing)
    assert outcome.status == "rejected"
    assert "two films on one disc" in outcome.message

    blog = (
        "Thursday, 3 April 2008\n\n"
        "Children of Men / Menneskenes Barn\n\n"
        "I put off Children of Men for a long time after a friend called it bleak, and "
        "bleak it is, but the long unbroken takes in the last act left me with my mouth "
        "open. The future it shows is grey and very close to ours.\n\n"
        "Rating: 5 of 6\n"
    )
    outcome = await _outcome(catalog_copy, "slash.txt", blog)
    assert outcome.status == "merged", outcome.message
    assert "Children of Men (2006)" in outcome.message


async def test_a_title_only_in_quotes_in_the_prose_finds_its_film(catalog_copy: Path) -> None:
    """No title line: the spec block opens the page and the prose quotes the title, as a
    small review site's copied text does. A weekday's letters inside a title ('Sunset')
    are not a date line."""
    page = (
        "Starring: William Holden, Gloria Swanson, Nancy Olson\n"
        "Director: Billy Wilder\n"
        "Studio: Paramount\n"
        "Run Time: 110 minutes\n"
        "Film: 5 out of 5 stars\n"
        "Extras: 3 out of 5 stars\n"
        "Being late to the party is no crime: “Sunset Boulevard” holds up from the "
        "first body in the pool to the last close-up. Since this disc is the first HD "
        "release, the new scan is the reason to buy “Sunset Boulevard” again.\n"
    )
    outcome = await _outcome(catalog_copy, "quoted.txt", page)
    assert outcome.status == "merged", outcome.message
    assert "Sunset Boulevard (1950)" in outcome.message


def test_makers_news_words_and_site_owners_are_not_part_of_a_title() -> None:
    from bot.importers.documents.page_titles import _plausible, clean_title

    assert clean_title("Review: Arrival, 2016, dir. Denis Villeneuve") == ("Arrival", 2016)
    assert clean_title("Upcoming Return of the Living Dead UK Blu-ray") == (
        "Return of the Living Dead",
        None,
    )
    assert clean_title("Us Blu-ray Review") == ("Us", None)  # a film called Us stays
    assert not _plausible(*clean_title("Bry's DVD Review"))


async def test_a_title_over_its_details_row_beats_a_menu_item_with_a_format_word(
    catalog_copy: Path,
) -> None:
    """A review site's menu ('Silent DVD') above the review; the title sits over a row of
    'label // rating // date', as some review sites print it."""
    page = (
        "Reviews & Columns\nNew Releases\nHorror DVDs\nSilent DVD\nArt House\nForum\n\n"
        "Portrait of a Lady on Fire\n\n"
        "The Criterion Collection // R // June 23, 2020\n"
        "List Price: $39.99\n\n"
        "Review by a staff writer | posted July 2, 2020\n\n"
        "Two women on an island off Brittany, one painting the other in secret: the film "
        "builds its romance out of looks and pauses, and the disc keeps every candle-lit "
        "interior clean and steady, with grain resolved and no smearing in the dark.\n"
    )
    outcome = await _outcome(catalog_copy, "details-row.txt", page)
    assert outcome.status == "merged", outcome.message
    assert "Portrait of a Lady on Fire (2019)" in outcome.message


async def test_a_title_without_its_article_or_subtitle_finds_the_catalog_film(
    catalog_copy: Path,
) -> None:
    """'The Phantom of the Opera' is the catalog's 'Phantom of the Opera' (1925) when
    the page names Rupert Julian; 'Sunrise (1927)' is 'Sunrise: A Song of Two Humans'."""
    phantom = (
        "Silent horror returns in a new restoration\n\n"
        "The British Film Institute will release Rupert Julian's The Phantom of the Opera "
        "on Blu-ray this spring, with Lon Chaney's unmasking scene restored from the best "
        "surviving print. The Phantom of the Opera comes with two scores and a booklet.\n"
        "Format: Blu-ray\nRelease date: 14 April 2025\n"
    )
    outcome = await _outcome(catalog_copy, "phantom.txt", phantom)
    assert outcome.status == "merged", outcome.message
    assert "Phantom of the Opera (1925)" in outcome.message

    sunrise = (
        "Sunrise (1927)\n\n"
        "Murnau's first American film still feels like a dream: George O'Brien and Janet "
        "Gaynor cross the lake, lose each other and find each other again, and the city "
        "sequences are as giddy as anything made in the silent years. I watched it twice "
        "in a row and liked it more the second time.\n\nRating: 5/5\n"
    )
    outcome = await _outcome(catalog_copy, "sunrise.txt", sunrise)
    assert outcome.status == "merged", outcome.message
    assert "Sunrise: A Song of Two Humans (1927)" in outcome.message


async def test_a_decorated_title_with_its_credits_names_a_film_the_catalog_lacks(
    catalog_copy: Path,
) -> None:
    page = (
        "Cellar Cinema   notes on old films\n\n"
        "The Lantern Keeper (Der Laternenwärter) – Eureka Video BluRay\n"
        "Written by: a contributor on March 3rd, 2019\n\n"
        "Theatrical Release Date: Germany, 1923\n"
        "Director: Otto Brenner-Lisk\n"
        "Cast: Hanna Vollrath, Emil Sauter, Greta Lindqvist\n\n"
        "BluRay released: March 18th, 2019\n"
        "Approximate running times: 94 Minutes\n"
        "Aspect Ratio: 1.33:1 / 1080 Progressive / MPEG-4 AVC\n\n"
        "A lighthouse keeper's daughter waits for a ship that never comes in this slow, "
        "lovely silent drama, restored from two incomplete prints. The tinting is back and "
        "the new piano score is sensitive. The disc is a welcome surprise.\n"
    )
    outcome = await _outcome(catalog_copy, "decorated-new.txt", page)
    assert outcome.status == "imported", outcome.message
    assert "The Lantern Keeper" in outcome.message
    db = await open_database(catalog_copy)
    try:
        row = await sql.fetchone(
            db, "SELECT year FROM films WHERE title = ?", ("The Lantern Keeper",)
        )
    finally:
        await db.close()
    assert row is not None and row[0] == 1923


def test_names_titles_and_rows_read_as_a_person_reads_them() -> None:
    from bot.importers.documents import prose
    from bot.importers.documents.model import Page
    from bot.importers.documents.page_titles import _plausible, clean_title, title_cues
    from bot.text import maybe_same_person, same_person

    text = "Jean-Pierre Melville's Le Samouraï arrives in 4K with its cool blues intact."
    assert prose.directors(text, "Le Samouraï") == ["Jean-Pierre Melville"]
    assert maybe_same_person("Kurosawa Akira", "Akira Kurosawa")
    assert maybe_same_person("Pierre Melville", "Jean-Pierre Melville")
    assert not maybe_same_person("Joel Coen", "Ethan Coen")
    # credits are merged on the strict rule only (the loose one is not transitive)
    assert not same_person("Kore-eda Hirokazu", "Hirokazu Koreeda")
    assert clean_title("Blu-ray Review HTF BLU-RAY REVIEW: Seven Samurai (1 Viewer)") == (
        "Seven Samurai",
        None,
    )
    assert clean_title('"Drive My Car" 「ドライブ・マイ・カー」 (2021)') == ("Drive My Car", 2021)
    assert clean_title("Heat 4K Review: Mann at his best")[0] == "Heat"
    assert not _plausible(*clean_title("DVD & Blu-ray Release Report, a columnist"))
    menu = "Left bar Home button Disc reviews button Film review button Articles button"
    cues = title_cues(Page(text=menu + "\n"), [menu])
    assert all(c.cue != "review line" for c in cues)
    listing = parse_document(
        "Der Laternenwärter – Eureka Video (BluRay / DVD Combo)\n"
        "Theatrical Release Date: Germany, 1923\nDirector: Otto Brenner-Lisk\n"
        "BluRay released: March 18th, 2019\nFormat: Blu-ray\nRegion: B\n"
    )
    assert listing.year == 1923


def test_a_review_byline_makes_a_priced_page_a_disc_review_and_release_news_a_listing() -> None:
    review = parse_document(
        "Nightfall Harbor\n\n"
        "Arrow Video // R // May 3, 2022\n"
        "List Price: $39.95 [Buy now]\n\n"
        "Review by a staff writer | posted May 9, 2022\n\n"
        "A fog-bound thriller about a harbour pilot who takes the wrong ship in, given a "
        "sturdy Blu-ray with a fresh scan and a lively commentary. The new transfer has "
        "fine grain and deep blacks.\n"
    )
    assert review.kind == "disc_review"
    news = parse_document(
        "Tuesday, March 4, 2025\n\n"
        "Nightfall Harbor (1961) Special Edition Blu-ray arrives May 12th 2025\n\n"
        "Label: Arrow Video\nDuration: 88 mins\n\n"
        "Arrow Video to release the harbour thriller Nightfall Harbor, restored in 4K from "
        "the original negative, on Blu-ray for the first time in the UK. The disc will be "
        "available from all good retailers, with a new commentary and a booklet.\n"
    )
    assert news.kind == "release_listing"


def test_idioms_the_viewer_and_history_are_not_the_plots_outcome() -> None:
    from bot.importers.documents.spoilers import tells_outcome

    for sentence in (
        "A British wartime aviator cheats death and must argue for his life in a court.",
        "I finally saw it last night, and it was the best film I have seen all year.",
        "I got what the character was about when I finally watched the series.",
        "Towards the end of World War II, a pilot lands on a small island.",
        "Godzilla is a harbinger of death & destruction in this version.",
        "At night a series of murders takes place and suspicion falls on the showman.",
    ):
        assert not tells_outcome(sentence), sentence
    assert tells_outcome("In the end he dies in her arms on the quay.")
    assert tells_outcome("The film ends with the wedding they never had.")


async def test_a_directors_film_a_year_off_is_another_film_not_another_name(
    catalog_copy: Path,
) -> None:
    """Charles Laughton's one catalog film is The Night of the Hunter (1955); a page
    about a 1956 film he is credited with is a new film, not another name of it."""
    page = (
        "The River Road (1956) – Blu-ray Review\n\n"
        "Directed by Charles Laughton\n\n"
        "A riverboat pilot and his brother take a cargo downriver in the last dry summer "
        "before the dam. The new scan is firm and the mono track clean, and the disc adds "
        "a short interview with a film historian.\n\n"
        "Video: 4/5\nAudio: 3/5\n"
    )
    outcome = await _outcome(catalog_copy, "year-off.txt", page)
    assert outcome.status == "imported", outcome.message
    assert "Night of the Hunter" not in outcome.message


async def test_a_roundup_naming_many_films_and_a_list_of_posts_are_refused(
    catalog_copy: Path,
) -> None:
    column = (
        "What a week for shelves. The big one is a box of five comedies from the early "
        "eighties, but the week also brings North by Northwest in a new 4K scan, a fresh "
        "pressing of Seven Samurai, Taxi Driver with a new commentary, a budget reissue "
        "of Lawrence of Arabia and, for the brave, a steelbook of Blade Runner. I would "
        "start with the Kurosawa and work outwards from there, but every one of these "
        "discs deserves a place on the shelf.\n"
    )
    outcome = await _outcome(catalog_copy, "column.txt", column)
    assert outcome.status == "rejected", outcome.message
    assert "several films" in outcome.message

    posts = (
        "More from the site\n"
        "A new director for the old franchise\n"
        "by Jo Marsh | Sep 25, 2024 | News\n"
        "The studio has found someone to take on the long-delayed sequel...\n"
        "Streaming and the cinema, again\n"
        "by Sam Reed | Sep 20, 2024 | Feature\n"
        "The argument about windows is back, and louder...\n"
        "Our pick of the festival\n"
        "by Ana Ruiz | Sep 18, 2024 | Reviews\n"
        "Ten days, forty films, and one we cannot stop thinking about...\n"
    )
    outcome = await _outcome(catalog_copy, "posts.txt", posts)
    assert outcome.status == "rejected", outcome.message


async def test_review_findings_pages_rows_markets_and_loose_titles(catalog_copy: Path) -> None:
    """A pagination row is no details row; 'Us' ends a title; a short title of a
    subtitled catalog film never wins against a conflicting year; a long run of language
    words is no list of subtitles."""

    from bot.importers.documents.fields import subtitles_in
    from bot.importers.documents.page_titles import _details_row, clean_title

    assert not _details_row("1 | 2 | 3 | 12 | 15 | Next")
    assert not _details_row("2023 | 2022 | 2021")
    assert clean_title("All of Us Blu-ray") == ("All of Us", None)
    # a run of language words (this took minutes before the list was bounded)
    assert subtitles_in("English and " * 4000) == []
    assert subtitles_in(("Subtitles\n" + "Xand" * 40 + "\n") * 50) == []
    page = (
        "Sunrise (1990) Blu-ray Review\n\n"
        "Directed by Lena Moor\n\n"
        "A dawn-to-dusk drama about a fishing village, on a clean Blu-ray with a fine "
        "grain structure and a lossless stereo mix. The extras are slim.\n\n"
        "Video: 4/5\nAudio: 3/5\n"
    )
    outcome = await _outcome(catalog_copy, "sunrise-1990.txt", page)
    assert "A Song of Two Humans" not in outcome.message


async def _imported_film(catalog_copy: Path, page: str) -> tuple[str, tuple | None]:
    db = await open_database(catalog_copy)
    try:
        outcome = await import_document(db, "page.txt", page.encode())
        row = None
        if outcome.film_id is not None:
            row = await sql.fetchone(
                db, "SELECT title, year FROM films WHERE id = ?", (outcome.film_id,)
            )
        return outcome.status, (tuple(row) if row else None)
    finally:
        await db.close()


async def test_a_german_disc_test_titled_for_one_bond_film_is_not_taken_for_another(
    catalog_copy: Path,
) -> None:
    # 'Blu-ray-Test: X' is how German sites title a disc review; the prose names another
    # film of the same director and cast, which is no rival to the title line.
    page = (
        "Heimkino Magazin\n\nBlu-ray-Test: Spectre\n\n"
        "Die Eröffnung in Mexiko-Stadt gehört zu den aufwendigsten Szenen der Reihe, und "
        "Regisseur Sam Mendes inszeniert sie in einer einzigen langen Einstellung. Daniel "
        "Craig spielt Bond müder als in Skyfall, Léa Seydoux bleibt blass.\n\n"
        "Das Bild der Blu-ray ist scharf, der Ton in DTS-HD MA 5.1 kräftig. Die Extras "
        "dauern zusammen kaum zehn Minuten.\n"
    )
    doc = parse_document(page)
    assert doc.kind == "disc_review" and doc.directors == ["Sam Mendes"]
    assert await _imported_film(catalog_copy, page) == ("merged", ("Spectre", 2015))


async def test_a_film_quoted_in_the_prose_is_no_rival_to_the_title_line(
    catalog_copy: Path,
) -> None:
    """The other Bond film named twice in German quotes, as prose marks titles, scores
    higher on credits (the catalog gives Spectre no director): a mention still."""
    page = (
        "Heimkino Magazin\n\nBlu-ray-Test: Spectre\n\n"
        "Regisseur Sam Mendes beginnt mit einer langen Einstellung in Mexiko-Stadt. Daniel "
        "Craig spielt Bond müder als in „Skyfall“, und nie so gut wie in „Skyfall“; Léa "
        "Seydoux bleibt blass.\n\nDas Bild der Blu-ray ist scharf, der Ton in DTS-HD MA 5.1 "
        "kräftig. Die Extras dauern zusammen kaum zehn Minuten.\n"
    )
    assert await _imported_film(catalog_copy, page) == ("merged", ("Spectre", 2015))


def test_a_title_shared_by_several_films_is_dated_by_the_year_beside_it() -> None:
    from bot.importers.documents.film_match import Candidate, _dated_beside_title
    from bot.store.film_match_data import FilmFacts
    from bot.text import fold

    films = [
        Candidate(FilmFacts(n, "Godzilla", year, titles=["Godzilla"]))
        for n, year in ((1, 1954), (2, 1998), (3, 2014))
    ]
    beside = fold("Imagine my delight: the legendary 1954 Toho film, GODZILLA, in HD at last.")
    assert _dated_beside_title(films, beside) is films[0]
    # the year far from the name, or two of the films' years beside it: no choice
    far = fold("GODZILLA in HD at last. " + "The grain is fine. " * 20 + "Toho, 1954.")
    assert _dated_beside_title(films, far) is None
    both = fold("The 1954 Godzilla is nothing like the 1998 one.")
    assert _dated_beside_title(films, both) is None
    # films of different titles are not a choice between namesakes
    other = [films[0], Candidate(FilmFacts(4, "Godzilla Raids Again", 1955, titles=["x"]))]
    assert _dated_beside_title(other, beside) is None


async def test_a_page_led_by_another_title_is_not_merged_into_the_original_it_dates(
    catalog_copy: Path,
) -> None:
    page = (
        "Godzilla Resurgence Rising\n\n"
        "Godzilla Resurgence Rising borrows the 1954 Godzilla's dread and little else; "
        "the new monster is all teeth and no mourning.\n\n"
        "The disc is a plain Blu-ray with a trailer and a short making-of.\n"
    )
    _status, film = await _imported_film(catalog_copy, page)
    assert film != ("Godzilla", 1954)


def test_directors_and_years_as_essays_in_other_languages_cite_them() -> None:
    from bot.importers.documents import prose

    cited = "Zangiku monogatari (Historia del crisantemo, Kenji Mizoguchi, 1939) es una obra."
    assert prose.directors(cited, "Zangiku monogatari") == ["Kenji Mizoguchi"]
    assert prose.film_year(cited, "Zangiku monogatari") == 1939
    dated = "the much-lauded Drive My Car (ドライブ・マイ・カー, 2021) runs three hours"
    assert prose.film_year(dated, "Drive My Car") == 2021
    assert prose.directors("Ein Film, den Regisseur Tom Tykwer gern zeigt.") == ["Tom Tykwer"]
    assert prose.directors("Un drame réalisé par Agnès Varda en 1962.") == ["Agnès Varda"]
    assert prose.directors("Makoto Shinkai's latest work, Weathering") == ["Makoto Shinkai"]
    # a company beside a year is not the film's director
    assert prose.directors("Godzilla (Classic Media, 2009) on disc", "Godzilla") == []


async def test_a_page_headed_as_a_roundup_is_refused_whatever_film_it_starts_with(
    catalog_copy: Path,
) -> None:
    page = (
        "Blu-ray and DVD Round-Up for the Week of March 4\n\n"
        "Plenty arrives on disc this week, from blockbusters to festival favourites.\n\n"
        "SPECTRE: Daniel Craig, Léa Seydoux and Christoph Waltz square off in the Bond "
        "film Sam Mendes directed; the Blu-ray carries a short featurette.\n\n"
        "VERTIGO: Hitchcock's dream of obsession returns in a new 4K scan.\n"
    )
    status, film = await _imported_film(catalog_copy, page)
    assert status == "rejected" and film is None


async def test_a_film_the_prose_keeps_naming_and_dates_is_the_page_s_film(
    catalog_copy: Path,
) -> None:
    # A blog post with no title line: an author's name, a quote, then prose that names
    # the film three times and dates it once, beside its original title.
    page = (
        "• Posted by Marta K.\n\nUpdated: Mar 3\n\n"
        "Some journeys are made sitting down.\n\n"
        "Three hours pass quickly in Drive My Car (ドライブ・マイ・カー, 2021), a film "
        "about grief, theatre and a red SAAB. The SAAB is nearly a character.\n\n"
        "By the end, Drive My Car feels less like a story than a long conversation, and "
        "Drive My Car earns every minute of it.\n"
    )
    assert await _imported_film(catalog_copy, page) == ("merged", ("Drive My Car", 2021))


@pytest.mark.parametrize(
    ("opening", "other"),
    [
        # the page's own film, not in the catalog, named three times; another film dated
        # once in passing
        (
            "Posted on March 3 by filmfan\n\nThe Quiet Orchard is the best thing I saw "
            "this spring. The Quiet Orchard reminded me of Days of Heaven (1978), all wheat "
            "and low sun, but The Quiet Orchard is warmer.",
            ("Days of Heaven", 1978),
        ),
        # a page about one catalog film that dates another by the same director
        (
            "Revisiting Stalker\n\nTarkovsky made Stalker after Solaris (1972), and the "
            "zone feels like that film's ocean turned to grass.",
            ("Solaris", 1972),
        ),
    ],
)
async def test_a_film_dated_once_in_passing_is_never_the_page_s(
    catalog_copy: Path, opening: str, other: tuple[str, int]
) -> None:
    page = (
        opening + "\n\nThe camera waits, the actors barely speak, and the sound does the work. "
        "I came out of it quiet, which is the best thing I can say of any film this year.\n"
    )
    _status, film = await _imported_film(catalog_copy, page)
    assert film != other


async def test_a_film_dated_only_in_passing_or_beside_another_is_not_the_page_s(
    catalog_copy: Path,
) -> None:
    # Two films dated alike: nothing says which one the page is about.
    both = (
        "Two road films\n\nDrive My Car (2021) and Paris, Texas (1984) both take their "
        "time. Drive My Car is quieter; Paris, Texas is the lonelier of the two.\n"
    )
    status, film = await _imported_film(catalog_copy, both)
    assert film is None and status != "merged"
    # A dated mention deep in an essay about something else is no cue at all.
    aside = (
        "Notes on long takes\n\n"
        + "Long takes ask for patience, and patience is rarer every year. " * 8
        + "Even Drive My Car (2021) cuts more than you would think.\n"
    )
    status, film = await _imported_film(catalog_copy, aside)
    assert film != ("Drive My Car", 2021)


def test_essay_and_foreign_review_headings_give_the_title() -> None:
    from bot.importers.documents.page_titles import clean_title

    assert clean_title("Decision to Leave Explained") == ("Decision to Leave", None)
    assert clean_title("Vertigo: Ending Explained") == ("Vertigo", None)
    assert clean_title("Mini-crítica de Zangiku Monogatari") == ("Zangiku Monogatari", None)
    assert clean_title("Crítica: El espíritu de la colmena") == ("El espíritu de la colmena", None)
    assert clean_title("Kritik zu Der Himmel über Berlin") == ("Der Himmel über Berlin", None)
    assert clean_title("Review of Vertigo by John Smith") == ("Vertigo", None)
    # 'explained' inside a word, 'von' (by) and headings that name no film keep the line
    for kept in (
        "The Unexplained Files",
        "The Unexplained",
        "Ending explained",
        "Kritik von Peter Meier",
        "Crítica de cine",
        "Crítica de la película",
        "Review of the year",
    ):
        assert clean_title(kept) == (kept, None), kept
    # half marks belong to titles; star grades do not
    assert clean_title("8½ Blu-ray Review") == ("8½", None)
    assert clean_title("9½ Weeks (1986)") == ("9½ Weeks", 1986)


def test_image_file_names_and_original_title_labels_name_the_film() -> None:
    from bot.importers.documents.page_titles import _image_slug

    assert _image_slug("rome-open-city-1945-700x987") == "rome open city (1945)"
    assert _image_slug("the-third-man-1949-scaled.jpg") == "the third man (1949)"
    assert _image_slug("vertigo-1958-blu-ray-cover.jpg") == "vertigo (1958)"
    # a number ending a title is the title's: a sequel's, or a year too late to be one
    assert _image_slug("toy-story-2.jpg") == "toy story 2"
    assert _image_slug("blade-runner-2049-poster.jpg") == "blade runner 2049"
    not_titles = ("2020-08-01-post", "img_2033_jpg", "DSC-0042-edit", "one-two", "x")
    chrome = ("back-to-top", "skip-to-content", "add-to-cart", "share-on-facebook")
    for not_a_title in (*not_titles, *chrome):
        assert _image_slug(not_a_title) is None, not_a_title
    page = (
        "“Caminho Escuro” (1920), um drama esquecido\n\nnota: A\n\n"
        "  • Título original: Way Down East\n  • Direção: D.W. Griffith\n"
        "  • Duração: 145 min\n\n"
        "Griffith filma a neve e o gelo como ninguém; a cena do rio continua assombrosa, "
        "e Lillian Gish carrega o filme inteiro com um olhar. Um melodrama que o tempo "
        "não apagou, longo mas nunca lento, e que merece ser redescoberto hoje.\n"
    )
    doc = parse_document(page, "blog_review")
    assert doc.original_title == "Way Down East" and doc.year == 1920
    assert doc.title == "Caminho Escuro"  # the page's own title stays its title
    assert doc.directors == ["D.W. Griffith"] and doc.runtime_min == 145


def test_a_star_s_movies_are_not_a_director_s_and_4k_ends_a_name() -> None:
    from bot.importers.documents import prose
    from bot.importers.documents.page_titles import mentioned_titles

    assert prose.directors("Sadly, Will Ferrell’s movies all feel alike now.") == []
    assert prose.directors("Carol Reed's 1949 classic holds up.") == ["Carol Reed"]
    lines = ["Mann's The Keep in 4K Ultra HD is here.", "The Keep in 4K looks new."]
    assert mentioned_titles(lines)[0][0] == "The Keep"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Laufzeit: 1 Std. 42 Min.", 102),
        ("2 Stunden 8 Minuten", 128),
        ("102 Minuten", 102),
        ("1 hora 45 minutos", 105),
        ("1 heure 45 minutes", 105),
        ("1 ora e 30 minuti", 90),
        ("1 godz. 45 min.", 105),
        ("120'", 120),
        ("2 Hr. 21 Min.", 141),
        ("95 min.", 95),
    ],
)
def test_running_times_in_the_words_of_other_languages(text: str, minutes: int) -> None:
    from bot.importers.documents.fields import parse_runtime

    assert parse_runtime(text) == minutes


def test_peoples_names_are_read_from_prose() -> None:
    from bot.importers.documents.film_match import name_spans

    spans = name_spans(
        "Starring Ricardo Darín (as a clerk) and the director Vittorio De Sica’s friend "
        "John C. Reilly. BLU-RAY REVIEW"
    )
    assert {"ricardo darin", "vittorio de sica", "john c reilly"} <= set(spans)
    assert not any("blu" in s for s in spans)


async def test_a_page_that_never_prints_a_known_title_finds_its_film_by_its_people(
    catalog_copy: Path,
) -> None:
    """A Spanish disc review calls The Secret in Their Eyes by its own title, which the
    catalog lacks; its director and three of its cast, and the year, say which film."""
    page = (
        "Análisis del Blu-ray\n\n"
        "El drama policial de Juan J. Campanella llegó a las salas en 2009 y se llevó "
        "el Óscar al año siguiente. Ricardo Darín interpreta a un funcionario jubilado, "
        "Soledad Villamil a su antigua jefa y Guillermo Francella a un compañero que bebe "
        "demasiado. El Secreto de sus Ojos gana con cada visionado.\n\n"
        "La imagen del disco es limpia y el sonido en DTS-HD MA 5.1 envuelve bien.\n"
    )
    assert await _imported_film(catalog_copy, page) == (
        "merged",
        ("The Secret in Their Eyes", 2009),
    )
    # Its people without its title or year: they may have made another film together.
    undated = page.replace("en 2009", "hace tiempo").replace("al año siguiente", "después")
    status, film = await _imported_film(catalog_copy, undated)
    assert status == "pending" and film is None


async def test_a_foreign_title_of_a_named_directors_film_of_that_year_waits(
    catalog_copy: Path,
) -> None:
    """'Wyspa psów (2018)' is not a catalog title; the page names Wes Anderson, whose
    2018 film the catalog has: it may be that film, so it waits instead of becoming a
    new film (and no quote mark is ever part of a title)."""
    page = (
        "Recenzja Blu-ray\n\n„Wyspa psów” (2018)\n\n"
        "Wes Anderson wraca do animacji poklatkowej. Psy wygnane na wyspę śmieci szukają "
        "drogi do domu, a chłopiec szuka swojego psa.\n\n"
        "Obraz: 1080p, dźwięk DTS-HD MA 5.1.\n\nVideo: 4.5/5\nAudio: 4/5\nExtras: 3/5\n"
    )
    db = await open_database(catalog_copy)
    try:
        outcome = await import_document(db, "wyspa.txt", page.encode())
        assert outcome.status == "pending", outcome.message
        assert "Isle of Dogs (2018)" in outcome.message
        assert "„" not in outcome.message
    finally:
        await db.close()


async def test_the_head_of_a_line_before_a_subtitle_is_not_the_title_it_begins(
    catalog_copy: Path,
) -> None:
    """'Star Wars - Das Erwachen der Macht' is The Force Awakens, not the film called
    Star Wars: a line cut before its subtitle never attaches by its head alone."""
    page = (
        "News\n\nStar Wars - Das Erwachen der Macht\n\n"
        "Erste Gerüchte nennen einen Termin im Frühjahr für die Veröffentlichung auf Blu-ray "
        "Disc; bestätigt ist noch nichts, und auch zu den Extras schweigt das Studio.\n"
    )
    status, film = await _imported_film(catalog_copy, page)
    assert film != ("Star Wars: Episode IV – A New Hope", 1977)
    assert status in ("pending", "rejected") or film == ("Star Wars: The Force Awakens", 2015)


async def test_the_people_of_a_first_film_do_not_make_its_sequel_that_film(
    catalog_copy: Path,
) -> None:
    """A sequel the catalog lacks, with the first film's director and cast: the first
    film's title inside 'Paddington 2' is not its title printed on the page."""
    page = (
        "Filmfreunde Blog\n\nPaddington 2 im Heimkino\n\n"
        "Regisseur Paul King schickt den Bären wieder nach London. Ben Whishaw spricht den "
        "Bären, Hugh Bonneville und Sally Hawkins spielen die Browns, und Julie Walters ist "
        "wieder dabei.\n\nDas Bild der Blu-ray ist scharf, der Ton in DTS-HD MA 5.1 kräftig.\n"
    )
    status, film = await _imported_film(catalog_copy, page)
    assert film != ("Paddington", 2014), status
