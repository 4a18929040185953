"""Document import: the three seed documents field by field, variations, merging, bad input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.importers.documents.importer import (
    BUNDLED_DOCUMENTS,
    import_document,
    import_paths,
)
from bot.importers.documents.model import DocumentError
from bot.importers.documents.parsers import detect_kind, parse_document
from bot.importers.documents.reader import MAX_DOCUMENT_BYTES, decode_document
from bot.store import open_database, pending
from tests import sql
from tests.conftest import run_cli, snapshot

DISC = BUNDLED_DOCUMENTS / "disc-review_the-cranes-are-flying.txt"
LISTING = BUNDLED_DOCUMENTS / "release-listing_the-cranes-are-flying.txt"
BLOG = BUNDLED_DOCUMENTS / "blog-review_the-cranes-are-flying.txt"
ENDING = ("Stepan", "flowers", "Boris died")


def _parse(path: Path):
    return parse_document(decode_document(path.read_bytes()))


def test_bundled_documents_are_the_seeds() -> None:
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if seeds.is_dir():  # beside the checkout in CI and on developer machines
        for seed in seeds.glob("*.txt"):
            assert (BUNDLED_DOCUMENTS / seed.name).read_bytes() == seed.read_bytes()
    assert {p.name for p in BUNDLED_DOCUMENTS.glob("*.txt")} == {DISC.name, LISTING.name, BLOG.name}


def test_kinds_are_detected() -> None:
    assert detect_kind(decode_document(DISC.read_bytes())) == "disc_review"
    assert detect_kind(decode_document(LISTING.read_bytes())) == "release_listing"
    assert detect_kind(decode_document(BLOG.read_bytes())) == "blog_review"


def test_disc_review_fields() -> None:
    doc = _parse(DISC)
    assert (doc.title, doc.year, doc.directors) == (
        "The Cranes are Flying",
        1957,
        ["Mikhail Kalatozov"],
    )
    assert doc.runtime_min == 95
    assert doc.cinematographers == ["Sergei Urusevsky"]
    edition = doc.edition
    assert edition.label == "The Criterion Collection"
    assert (edition.spine, edition.format, edition.disc_count, edition.disc_type) == (
        "146",
        "Blu-ray",
        1,
        "BD-50",
    )
    assert edition.region == "A"
    assert edition.video_resolution == "1080p"
    assert edition.release_date == "2020-03-24"
    assert edition.msrp == (3995, "USD")
    assert edition.licensor == "Mosfilm"
    assert edition.subtitles == ["English"]
    assert [t.description for t in edition.audio] == ["Russian 1.0 PCM Mono"]
    # The details block says 1.33:1; the picture section says 1.37:1. Both are kept.
    assert sorted(edition.aspect_ratios) == ["1.33:1", "1.37:1"]
    assert edition.restoration_note == (
        "new 2K restoration by Mosfilm from the 35mm original camera negative"
    )
    runtimes = {
        f.title.split(" ")[0] + " " + f.title.split(" ")[1]: f.runtime_min for f in edition.features
    }
    assert runtimes == {
        "New interview": 19,
        "Audio interview": 11,
        "Hurricane Kalatozov,": 74,
        "Segment from": 14,
        "Interview from": 5,
        "Insert featuring": None,
    }
    assert [e.format for e in edition.replaces] == ["DVD"]
    assert edition.replaces[0].label == "Criterion"
    review = doc.review
    assert {c: (s.value, s.scale_max) for c, s in review.scores.items()} == {
        "picture": (8, 10),
        "audio": (5, 10),
        "extras": (8, 10),
    }
    assert review.verdict.startswith("Criterion corrects its problematic, barebones original DVD")
    assert doc.synopsis.startswith("This landmark film by the virtuosic Mikhail Kalatozov")


def test_release_listing_fields() -> None:
    doc = _parse(LISTING)
    assert (doc.title, doc.year, doc.runtime_min) == ("The Cranes Are Flying", 1957, 96)
    assert doc.genres == ["Drama", "Romance", "War"]
    assert "Tatyana Samoilova" in doc.cast and "Vasily Merkuryev" in doc.cast
    edition = doc.edition
    assert edition.format == "Blu-ray"
    assert edition.street_price == (2788, "USD")
    assert edition.msrp == (3995, "USD")
    assert edition.release_date == "2020-03-24"
    assert edition.release_country == "United States"
    assert edition.label == "The Criterion Collection"
    assert (edition.video_resolution, edition.video_codec) == ("1080p", "AVC/MPEG-4")
    assert edition.aspect_ratios == ["1.37:1"]
    assert [(t.language, t.codec) for t in edition.audio] == [("Russian", "PCM")]
    assert len(edition.features) == 7
    assert edition.features[-1].title == "An essay by critic Chris Fujiwara"
    assert edition.features[-2].title == "New English subtitle translation"
    assert doc.released is None  # the listing's release date is the disc's


def test_blog_review_fields_and_spoilers() -> None:
    doc = _parse(BLOG)
    assert (doc.title, doc.year, doc.released) == ("The Cranes Are Flying", 1957, "1957-10-12")
    assert doc.writers == ["Viktor Rozov"]
    assert doc.runtime_min == 97
    assert doc.cast[:3] == ["Tatyana Samoylova", "Aleksey Batalov", "Vasili Merkuryev"]
    assert ("Veronica", "Tatyana Samoylova") in doc.characters
    spoilers = [s for s in doc.review.sections if s.is_spoiler]
    safe = [s for s in doc.review.sections if not s.is_spoiler]
    ending = next(s for s in spoilers if s.heading == "The Biggest Spoiler: The Ending")
    assert all(word in ending.body for word in ENDING)
    for section in safe:
        assert not any(word in section.body for word in ENDING)
    # The overview tells the set-up only: it is the synopsis and not a spoiler.
    assert doc.synopsis.startswith("Veronika and Boris come together in Moscow")
    overview = next(n for n in doc.plot_notes if n.heading == "Overview")
    assert not overview.is_spoiler
    assert any(n.is_spoiler and "Stepan" in n.body for n in doc.plot_notes)


DISC_VARIANT = """Solaris

Video: 4.5/5
Tarkovsky's film arrives in 2160p HEVC from a new 4K restoration, presented in 2.39:1.

Audio: 4 of 5
Russian DTS-HD MA 5.1 and the original mono.

Extras: B+
Special features include a commentary by film scholars; an interview with Natalya Bondarchuk, and a trailer.

Verdict
An easy recommendation.

Directed by: Andrei Tarkovsky Year: 1972 Running time: 2 Hr. 47 Min. Label: Criterion Edition #: 164
2 Discs | UHD-100
Region: A, B
"""


def test_disc_review_variations() -> None:
    doc = parse_document(DISC_VARIANT)
    assert doc.kind == "disc_review"
    assert (doc.title, doc.year, doc.runtime_min, doc.directors) == (
        "Solaris",
        1972,
        167,
        ["Andrei Tarkovsky"],
    )
    assert {c: (s.value, s.scale_max) for c, s in doc.review.scores.items()} == {
        "picture": (4.5, 5),
        "audio": (4, 5),
        "extras": (3.33, 4.33),
    }
    edition = doc.edition
    assert (edition.label, edition.spine) == ("The Criterion Collection", "164")
    assert (edition.disc_count, edition.disc_type, edition.format) == (2, "UHD-100", "4K UHD")
    assert edition.region == "A,B"
    assert (edition.video_resolution, edition.video_codec) == ("2160p", "HEVC")
    assert edition.aspect_ratios == ["2.39:1"]
    assert doc.review.verdict == "An easy recommendation."


LISTING_VARIANT = """4K UHD Releases Details
Seven Samurai
List Price: $49.95
Sale Price: $34.99
Director: Akira Kurosawa
Genres: Action, Drama
Release Date: 2025-11-18
Movie Release Year: 1954
Running Time: 3 h 27 min
Aspect Ratio: 1.37:1
Audio Formats: Japanese LPCM 1.0; English Dolby Digital 2.0
Subtitles: English, French
Special Features:
- Audio commentary by film historians (207 min)
- My Life in Cinema, a 2003 documentary
- Trailers
"""


def test_release_listing_variations() -> None:
    doc = parse_document(LISTING_VARIANT)
    assert doc.kind == "release_listing"
    assert (doc.title, doc.year, doc.runtime_min) == ("Seven Samurai", 1954, 207)
    edition = doc.edition
    assert edition.format == "4K UHD"
    assert (edition.msrp, edition.street_price) == ((4995, "USD"), (3499, "USD"))
    assert edition.release_date == "2025-11-18"
    assert [(t.language, t.codec, t.channels) for t in edition.audio] == [
        ("Japanese", "LPCM", "1.0"),
        ("English", "Dolby Digital", "2.0"),
    ]
    assert edition.subtitles == ["English", "French"]
    assert [(f.kind, f.runtime_min, f.year) for f in edition.features] == [
        ("commentary", 207, None),
        ("documentary", None, 2003),
        ("trailer", None, None),
    ]


def test_prose_features_are_split() -> None:
    doc = parse_document(DISC_VARIANT)
    # 'Special features include a commentary …; an interview …, and a trailer.'
    assert [f.kind for f in doc.edition.features] == ["commentary", "interview", "trailer"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"<!DOCTYPE html><html><head></head><body><p>Solaris</p></body></html>", "HTML page"),
        ("Café review\nPicture 8/10\n".encode("latin-1"), "not UTF-8"),
        (b"x" * (MAX_DOCUMENT_BYTES + 1), "over the limit of 1,000,000 bytes"),
        (b"Just some words about nothing in particular.\n", "what kind of document"),
        (b"Picture 8/10\n\nAudio 5/10\n", "no film title"),
        (
            b"Solaris\n\nPicture 8/10\n\nNice.\n\nAudio 5/10\n\nFine.\n\n"
            b"Directed by: Andrei Tarkovsky\nYear: 1972\nDirected by: Steven Soderbergh\n",
            "more than one film",
        ),
    ],
)
def test_bad_documents_get_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        parse_document(decode_document(raw))


async def test_seeds_merge_into_the_catalog_film(catalog_copy: Path) -> None:
    db = await open_database(catalog_copy)
    outcomes = await import_paths(db, [str(BUNDLED_DOCUMENTS)])
    assert [o.status for o in outcomes] == ["merged", "merged", "merged"]
    again = await import_paths(db, [str(BUNDLED_DOCUMENTS / "*.txt")])
    assert [o.status for o in again] == ["unchanged"] * 3
    await db.close()

    with sqlite3.connect(catalog_copy) as conn:
        (film_id,) = conn.execute(
            "SELECT id FROM films WHERE external_key = 'wikidata:Q714524'"
        ).fetchone()
        assert {r[0] for r in conn.execute("SELECT DISTINCT film_id FROM reviews")} == {film_id}

        def aliases(name: str) -> set[str]:
            return {
                r[0]
                for r in conn.execute(
                    "SELECT a2.name FROM person_aliases a1 JOIN person_aliases a2 "
                    "ON a2.person_id = a1.person_id WHERE a1.name = ?",
                    (name,),
                )
            }

        assert {"Tatiana Samoilova", "Tatyana Samoylova", "Tatyana Samoilova"} <= aliases(
            "Tatiana Samoilova"
        )
        assert {"Vasili Merkuryev", "Vasily Merkuryev"} <= aliases("Vasili Merkuryev")
        assert {"Aleksandr Shvorin", "Alexander Shvorin"} <= aliases("Aleksandr Shvorin")
        characters = conn.execute(
            "SELECT group_concat(ca.name, '/') FROM characters ch JOIN character_aliases ca "
            "ON ca.character_id = ch.id WHERE ch.film_id = ? AND ch.name = 'Veronica'",
            (film_id,),
        ).fetchone()[0]
        assert sorted(characters.split("/")) == ["Veronica", "Veronika"]
        runtimes = conn.execute(
            "SELECT f.value, s.name FROM facts f JOIN sources s ON s.id = f.source_id "
            "WHERE f.entity = 'film' AND f.entity_id = ? AND f.field = 'runtime_min' "
            "ORDER BY f.value",
            (film_id,),
        ).fetchall()
        assert {v for v, _ in runtimes} == {"95", "96", "97"}
        editions = conn.execute(
            "SELECT e.external_key, e.format FROM editions e JOIN edition_films ef "
            "ON ef.edition_id = e.id WHERE ef.film_id = ? ORDER BY e.id",
            (film_id,),
        ).fetchall()
        # The listing and the review both describe the Criterion spine 146 edition: one row.
        assert editions[0] == ("criterion:spine:146", "Blu-ray")
        assert [fmt for _, fmt in editions[1:]] == ["DVD"]  # the earlier DVD it replaces
        spoilers = conn.execute("SELECT body FROM review_sections WHERE is_spoiler = 0").fetchall()
        assert not any("Stepan" in body for (body,) in spoilers)


async def test_same_title_other_film_is_not_merged(catalog_copy: Path) -> None:
    db = await open_database(catalog_copy)
    outcome = await import_document(db, "solaris.txt", DISC_VARIANT.encode())
    assert outcome.status == "merged"
    year = await sql.scalar(db, "SELECT year FROM films WHERE id = ?", (outcome.film_id,))
    assert year == 1972
    undated = DISC_VARIANT.replace("Directed by: Andrei Tarkovsky Year: 1972 ", "")
    # Without its details line the page still names Tarkovsky and one of the cast: a
    # person (and the importer) knows which Solaris that is.
    named = await import_document(db, "solaris-named.txt", undated.encode())
    assert named.status == "merged" and named.film_id == outcome.film_id, named.message
    ambiguous = (
        undated.replace("Tarkovsky's film", "The film")
        .replace("Natalya Bondarchuk", "a film scholar")
        .encode()
    )
    before = await sql.scalar(db, "SELECT count(*) FROM sources")
    unsure = await import_document(db, "solaris-undated.txt", ambiguous)
    # Nothing on the page tells which Solaris: it waits for a person, nothing is written.
    assert unsure.status == "pending", unsure.message
    assert "Solaris (1972)" in unsure.message and "Solaris (2002)" in unsure.message
    assert f"filmbot pending show {unsure.pending_id}" in unsure.message
    assert await sql.scalar(db, "SELECT count(*) FROM sources") == before
    waiting = await pending.get_pending(db, unsure.pending_id)
    assert {c.label for c in waiting.candidates} >= {"Solaris (1972)", "Solaris (2002)"}
    again = await import_document(db, "solaris-undated.txt", ambiguous)
    assert (again.status, again.pending_id) == ("pending", unsure.pending_id)
    await db.close()


async def test_rejected_document_leaves_the_database_unchanged(
    catalog_copy: Path, monkeypatch
) -> None:
    db = await open_database(catalog_copy)
    await db.close()
    before = snapshot(catalog_copy)
    db = await open_database(catalog_copy)
    bad = await import_document(
        db,
        "two-films.txt",
        (b"Solaris\n\nPicture 8/10\n\nNice.\n\nAudio 5/10\n\nFine.\n\nYear: 1972\nYear: 2002\n"),
    )
    assert bad.status == "rejected"

    # A failure half-way through the merge rolls the whole document back.
    from bot.importers.documents import merge

    async def explode(self, result):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge.DocumentMerger, "review", explode)
    failed = await import_document(db, "disc.txt", DISC.read_bytes())
    assert failed.status == "rejected" and "nothing was written" in failed.message
    await db.close()
    assert snapshot(catalog_copy) == before


def test_cli_import_reports_each_document_and_exit_status(
    tmp_path: Path, catalog_copy: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    good = run_cli("import", str(LISTING), db=catalog_copy)
    assert good.returncode == 0, good.stderr
    assert (
        "merged    release-listing_the-cranes-are-flying.txt: release listing; merged into film The Cranes Are Flying (1957)"
        in good.stdout
    )
    assert good.stdout.rstrip().endswith("1 document: 1 merged")
    mixed = run_cli(
        "import", str(DISC), str(tmp_path / "docs"), str(tmp_path / "missing.txt"), db=catalog_copy
    )
    assert mixed.returncode == 1
    lines = mixed.stdout.splitlines()
    assert lines[0].startswith("merged    disc-review_the-cranes-are-flying.txt")
    assert lines[1] == "rejected  empty.txt: the document is empty"
    assert lines[2].startswith("rejected  ") and "no such file" in lines[2]
    assert lines[-1] == "3 documents: 1 merged, 2 rejected"
    piped = run_cli("import", "-", db=catalog_copy, stdin=BLOG.read_text())
    assert piped.returncode == 0 and "merged    <stdin>: blog review" in piped.stdout


def test_ask_answers_from_the_seeds(catalog_copy: Path) -> None:
    film = " ".join(run_cli("ask", "!film The Cranes Are Flying", db=catalog_copy).stdout.split())
    for expected in (
        "Written by: Viktor Rozov",
        "Cinematography: Sergei Urusevsky",
        "Genres: Drama, Romance, War",
    ):
        assert expected in film
    edition = " ".join(
        run_cli("ask", "!edition The Cranes Are Flying", db=catalog_copy).stdout.split()
    )
    for expected in (
        "The Criterion Collection #146 (Blu-ray)",
        "Release date: 2020-03-24",
        "MSRP: $39.95",
        "Street price: $27.88",
        "Discs: 1",
        "Disc type: BD-50",
        "Video: 1080p",
        "Codec: AVC/MPEG-4",
        "Region: A",
        "Russian 1.0 PCM Mono",
        "Subtitles: English",
        "Licensor: Mosfilm",
        "Restoration: new 2K restoration by Mosfilm from the 35mm original camera negative",
        "Ian Christie on why the film is a landmark of Soviet cinema (19 min)",
        "Audio interview from 1961 with director Mikhail Kalatozov (11 min, 1961)",
        "Hurricane Kalatozov, a documentary from 2009",
        "(74 min, 2009)",
        "interview with actor Alexei Batalov (14 min, 2008)",
        "the 1958 Cannes Film Festival (5 min, 2001)",
        "New English subtitle translation",
        "Insert featuring an essay by Chris Fujiwara",
        "Picture 8/10 · Audio 5/10 · Extras 8/10",
        "Verdict: Criterion corrects its problematic, barebones original DVD edition",
        "Replaces: The Criterion Collection (DVD)",
        "Aspect ratio (sources differ): 1.33:1 (disc-review_the-cranes-are-flying.txt) · "
        "1.37:1 (disc-review_the-cranes-are-flying.txt, release-listing_the-cranes-are-flying.txt)",
    ):
        assert expected in edition, expected
    for word in ENDING:
        assert word not in film + edition


async def test_document_about_a_film_the_catalog_lacks_creates_it(catalog_copy: Path) -> None:
    text = (
        LISTING_VARIANT.replace("Seven Samurai", "The Quiet Orchard")
        .replace("Akira Kurosawa", "Ana Lindqvist")
        .replace("1954", "2019")
    )
    text += (
        "Plot Synopsis:\n"
        "Two sisters inherit an orchard in the north. In the end the younger one dies.\n"
    )
    db = await open_database(catalog_copy)
    outcome = await import_document(db, "orchard.txt", text.encode())
    assert outcome.status == "imported", outcome.message
    assert outcome.message == "release listing; new film The Quiet Orchard (2019)"
    film = await sql.fetchone(
        db, "SELECT title, year, synopsis FROM films WHERE id = ?", (outcome.film_id,)
    )
    assert tuple(film[:2]) == ("The Quiet Orchard", 2019)
    # The synopsis is shown to everyone, so the sentence telling the ending is left out.
    assert film[2] == "Two sisters inherit an orchard in the north."
    director = await sql.scalar(
        db,
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.film_id = ? AND c.role = 'director'",
        (outcome.film_id,),
    )
    assert director == "Ana Lindqvist"
    await db.close()


SEVEN_SAMURAI_REVIEW = """Seven Samurai (1954) – a Blu-ray review

Akira Kurosawa's epic arrives on Blu-ray again.  A poor village hires seven samurai.  It remains one of the most influential films ever made.

Video: 4/5

The image is presented in 1080p.  Grain is well resolved and the new 4K restoration is a marked step up.

Audio: 5.0/5

The Japanese mono track is clean.  Dialogue is always clear.

Extras: 4.0/5

The extras include an audio commentary by film historian Stephen Prince, a 50-minute documentary on the making of the film, and the theatrical trailer.

Spoilers below

Kikuchiyo is shot by the bandit chief and falls in the mud.  Kambei says the farmers are the real winners.

Verdict

Highly recommended. In the end only three samurai survive, and it is devastating.

Director: Akira Kurosawa
Directed by: Akira Kurosawa
Series: Criterion
Spine #: 2
2 Discs | BD-50
Region A
Price: $39.95
"""


def test_review_of_the_real_world_kind() -> None:
    """Double spaces after stops, a year in the title line, a spoiler heading, a spoiler in
    the verdict, a score on a detail-like label: the import the review found wanting."""
    doc = parse_document(SEVEN_SAMURAI_REVIEW)
    assert (doc.title, doc.year) == ("Seven Samurai", 1954)
    edition = doc.edition
    # Prose with two spaces after its stops is not a run-on list of features.
    assert [(f.kind, f.runtime_min) for f in edition.features] == [
        ("commentary", None),
        ("documentary", 50),
        ("trailer", None),
    ]
    assert edition.audio == []  # 'Audio: 5.0/5' is a score, not a 5.0 track
    assert doc.review.scores["audio"].raw == "5.0/5"
    assert doc.review.verdict == "Highly recommended."
    spoilers = " ".join(s.body for s in doc.review.sections if s.is_spoiler)
    safe = " ".join(s.body for s in doc.review.sections if not s.is_spoiler)
    for secret in ("Kikuchiyo is shot", "only three samurai survive"):
        assert secret in spoilers and secret not in safe and secret not in (doc.synopsis or "")


async def test_title_line_with_year_merges_into_the_catalog_film(catalog_copy: Path) -> None:
    db = await open_database(catalog_copy)
    outcome = await import_document(db, "seven.txt", SEVEN_SAMURAI_REVIEW.encode())
    assert outcome.status == "merged", outcome.message
    assert "Seven Samurai (1954)" in outcome.message
    await db.close()


STALKER_BLOG = """Stalker

Tarkovsky's Stalker is slow and hypnotic.

The Journey

The Stalker leads the Writer and the Professor into the Zone.

Warning: spoilers ahead!

The Professor dismantles his bomb and throws it into the pool. At home, the Stalker's daughter moves a glass with her mind.

Movie Details
Director
Andrei Tarkovsky
Release Date
25 May 1979
Overview
Three men cross a guarded wasteland towards a room said to grant wishes.
"""


def test_blog_with_details_at_the_bottom_and_an_exclaimed_spoiler_heading() -> None:
    doc = parse_document(STALKER_BLOG)
    assert doc.kind == "blog_review" and doc.year == 1979
    sections = {(s.heading, s.is_spoiler) for s in doc.review.sections}
    assert ("The Journey", False) in sections
    assert ("Warning: spoilers ahead!", True) in sections
    spoiler = next(s for s in doc.review.sections if s.is_spoiler)
    assert "dismantles his bomb" in spoiler.body


def test_an_ending_without_a_spoiler_heading_is_still_hidden() -> None:
    text = (
        BLOG.read_text()
        .replace("The Biggest Spoiler: The Ending", "Veronica at the station")
        .replace("tells her that Boris died", "tells her the news")
    )
    doc = parse_document(text, "blog_review")
    safe = " ".join(s.body for s in doc.review.sections if not s.is_spoiler)
    assert "Stepan" not in safe and "flowers" not in safe
    assert doc.synopsis.startswith("Veronika and Boris come together")


def test_two_spellings_of_one_director_are_one_film_but_a_double_feature_is_refused() -> None:
    listing = LISTING_VARIANT.replace(
        "Director: Akira Kurosawa", "Director: Akira Kurosawa\nDirected by: Akira Kurosawa."
    )
    assert parse_document(listing).directors == ["Akira Kurosawa"]
    with pytest.raises(DocumentError, match="two films on one disc"):
        parse_document(LISTING_VARIANT.replace("Seven Samurai", "Solaris Double Feature"))
    # 'A / B' is decided against the catalog (tests/test_import_pages.py): one film under
    # two names, or two films.
    assert parse_document(LISTING_VARIANT.replace("Seven Samurai", "Solaris / Stalker")).title


def test_utf16_without_a_byte_order_mark_is_read() -> None:
    text = decode_document(LISTING_VARIANT.encode("utf-16-le"))
    assert parse_document(text).title == "Seven Samurai"


async def test_price_conflicts_show_money_with_currency(catalog_copy: Path) -> None:
    db = await open_database(catalog_copy)
    await import_paths(db, [str(LISTING)])
    uk = LISTING.read_text().replace("List Price 39.95", "List Price £29.99")
    await import_document(db, "uk-listing.txt", uk.encode())
    await db.close()
    edition = " ".join(run_cli("ask", "!edition cranes are flying", db=catalog_copy).stdout.split())
    assert "MSRP (sources differ): $39.95 (release-listing_the-cranes-are-flying.txt" in edition
    assert "· £29.99 (uk-listing.txt)" in edition


def test_cli_says_the_size_limit_for_a_huge_file(tmp_path: Path, catalog_copy: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Solaris\n" + b"words " * 400_000)
    result = run_cli("import", str(huge), db=catalog_copy)
    assert result.returncode == 1
    assert "huge.txt: the document is over the limit of 1,000,000 bytes" in result.stdout
