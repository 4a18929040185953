"""The store's public functions on both backends (issue 20): every test here runs twice,
`[sqlite]` and `[postgres]` (a real server, tests/postgres.py), and asserts the same
values on each. The rows are written through the store's own writers, as importers do.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from bot.filters import Filters
from bot.store import (
    announcements,
    bulk_films,
    catalog_writes,
    coverage,
    discdb_writes,
    document_writes,
    edition_seen,
    feeds,
    film_match_data,
    films,
    import_lookups,
    matrix_state,
    pending,
    provenance,
    questions,
    releases,
    reviews,
    search_data,
)
from bot.store.catalog_writes import CatalogWrites, FilmRow
from bot.store.db import Database
from tests import sql


async def _small_catalog(db: Database) -> dict[str, int]:
    """Two films (one a namesake), their people, an edition with a review: the ids."""
    async with db.transaction() as tx:
        await tx.defer_foreign_keys()
        source = await catalog_writes.add_source(
            tx, kind="catalog", name="test.csv", uri="test://catalog", sha256="a" * 64, meta={}
        )
        review_source = await catalog_writes.add_source(
            tx, kind="disc_review", name="Disc Site", uri=None, sha256="b" * 64, meta={}
        )
        writes = CatalogWrites(tx)
        # Given ids (the catalog build's way) and a chosen one (a document's way).
        cranes = await writes.film(
            FilmRow("test:cranes", "The Cranes Are Flying", 1957, 97, id=10), source, replace=True
        )
        solaris = await writes.film(
            FilmRow("test:solaris", "Solaris", 1972, popularity=5.0), source, replace=False
        )
        assert solaris > cranes  # the sequence moved past the given id
        await writes.title(cranes, "The Cranes Are Flying", "primary", source)
        await writes.title(cranes, "Летят журавли", "original", source)
        await writes.title(solaris, "Solaris", "primary", source)
        kalatozov = await writes.person("Mikhail Kalatozov", person_id=7)
        tarkovsky = await writes.person("Andrei Tarkovsky")
        actor = await writes.person("Tatiana Samoilova")
        for person, name in ((kalatozov, "Mikhail Kalatozov"), (tarkovsky, "Andrei Tarkovsky")):
            await writes.alias(person, name, source)
        await writes.alias(actor, "Tatyana Samoylova", source)
        await writes.credit(cranes, kalatozov, "director", None, source)
        await writes.credit(cranes, actor, "cast", None, source)
        await writes.credit(cranes, actor, "cast", 1, source, fill_billing=True)
        await writes.credit(solaris, tarkovsky, "director", None, source)
        await writes.fact("film", cranes, "runtime_min", 97, source)
        await writes.fact("film", cranes, "runtime_min", 95, review_source)
        await writes.add_names("genres", ["Drama", "drama", "War"])  # one Drama: no case
        drama = await writes.name_id("genres", "DRAMA")
        await writes.link("genres", cranes, drama, source)
        criterion = await writes.name_id("labels", "The Criterion Collection")
        edition = await writes.edition(
            "test:spine:146", "The Cranes Are Flying", label_id=criterion, spine="146",
            source_id=source, replace=True, fmt="Blu-ray",
        )  # fmt: skip
        await writes.fill_edition(
            edition, {"release_date": "2030-05-01", "region": "A", "upc": "715515012345"}
        )
        await writes.edition_film(edition, cranes, 0, source)
        await writes.flush()
        review = await document_writes.add_review(
            tx, film_id=cranes, edition_id=edition, source_id=review_source, kind="disc",
            publication="Disc Site", author="Ann Critic", url=None, verdict="A landmark.",
        )  # fmt: skip
        await document_writes.add_score(tx, review, "picture", 8, 10, "8/10")
        await document_writes.add_section(tx, review, 0, None, "Cranes soar over Moscow.", is_spoiler=False)  # fmt: skip
        await document_writes.add_section(tx, review, 1, None, "Boris dies at the front.", is_spoiler=True)  # fmt: skip
        await document_writes.add_plot_note(tx, cranes, review_source, 0, "A secret ending.", is_spoiler=True)  # fmt: skip
        await document_writes.add_audio(
            tx, edition, language="Russian", codec="PCM", channels="1.0",
            description="Russian PCM 1.0", source_id=review_source,
        )  # fmt: skip
        await document_writes.add_audio(
            tx,
            edition,
            language="Russian",
            codec="PCM",
            channels="1.0",
            description="Russian PCM 1.0",
            source_id=review_source,
        )  # fmt: skip  (kept once)
        await document_writes.add_subtitles(tx, edition, "English", review_source)
        feature = await document_writes.add_feature(
            tx, edition, position=0, title="Interview", kind="interview", runtime_min=None,
            year=None, source_id=review_source,
        )  # fmt: skip
        await document_writes.fill_feature(tx, feature, runtime_min=12, year=2001, kind="x")
        character = await document_writes.add_character(tx, cranes, "Veronika")
        assert await document_writes.add_character(tx, cranes, "Veronika") == character
        await document_writes.add_character_alias(tx, character, "Veronica", "veronika", source)
        await search_data.write_film_text(tx, None)
    return {
        "cranes": cranes, "solaris": solaris, "edition": edition, "review": review,
        "kalatozov": kalatozov, "tarkovsky": tarkovsky, "actor": actor, "source": source,
        "character": character, "drama": drama,
    }  # fmt: skip


async def test_films_and_editions_read_back(store_db: Database) -> None:
    ids = await _small_catalog(store_db)
    details = await films.film_details(store_db, ids["cranes"])
    assert details is not None
    assert details.summary.directors == ("Mikhail Kalatozov",)
    assert details.original_title == "Летят журавли"
    assert details.cast == ("Tatiana Samoilova",) and details.cast_billed == 1
    assert details.genres == ("Drama",)
    assert [e.spine for e in details.editions] == ["146"]
    assert {c.value for c in details.conflicts["runtime_min"]} == {"95", "97"}
    assert details.sources == ("test.csv", "Disc Site")
    assert [r.verdict for r in details.reviews] == ["A landmark."]
    edition = await films.edition_details(store_db, ids["edition"])
    assert edition is not None
    assert edition.specs["region"] == "A" and edition.specs["format"] == "Blu-ray"
    assert edition.audio == ("Russian PCM 1.0",) and edition.subtitles == ("English",)
    assert [(f.title, f.runtime_min, f.year) for f in edition.features] == [("Interview", 12, 2001)]
    assert await films.editions_by_barcode(store_db, "0715515012345") == [ids["edition"]]
    assert await films.editions_by_spine(store_db, "0146", None) == [ids["edition"]]
    assert await films.editions_by_spine(store_db, "146", "CRITERION") == [ids["edition"]]
    assert await films.editions_by_spine(store_db, "146", "arrow") == []
    assert await films.boxsets_named(store_db, "the cranes are flying") == []
    counts = await films.catalog_counts(store_db)
    assert counts == {"films": 2, "people": 3, "editions": 1, "boxsets": 0, "reviews": 1,
                      "sources": 2}  # fmt: skip
    assert await films.source_names(store_db) == ["test.csv", "Disc Site"]
    assert await films.titles_and_years(store_db) == [
        ("The Cranes Are Flying", 1957),
        ("Solaris", 1972),
    ]
    summaries = await films.film_summaries(store_db, [ids["solaris"]])
    assert summaries[ids["solaris"]].directors == ("Andrei Tarkovsky",)
    assert await reviews.review_sections(store_db, ids["review"]) == (
        reviews.TextSection(None, "Cranes soar over Moscow.", False),
        reviews.TextSection(None, "Boris dies at the front.", True),
    )
    notes = await reviews.plot_notes(store_db, ids["cranes"])
    assert [(n.body, n.is_spoiler) for n in notes] == [("A secret ending.", True)]
    assert set(await reviews.review_source_names(store_db)) == {"Disc Site", "Ann Critic"}
    assert (await provenance.film_sources(store_db, ids["cranes"]))["runtime_min"] == (
        "test.csv",
        "Disc Site",
    )
    assert (await provenance.edition_sources(store_db, ids["edition"]))["subtitles"] == (
        "Disc Site",
    )
    assert await coverage.films_by_era(store_db) == [
        ("before 1940", 0), ("1940–1969", 1), ("1970–1999", 1), ("2000–2014", 0), ("2015 on", 0),
    ]  # fmt: skip
    assert await coverage.films_by_catalog_source(store_db) == [("test.csv", 1)]


async def test_releases_and_their_order(store_db: Database) -> None:
    ids = await _small_catalog(store_db)
    page, total = await releases.releases(store_db, on_or_after="2030-01-01", label="criter")
    assert total == 1 and page[0].edition.id == ids["edition"]
    assert page[0].films[0].title == "The Cranes Are Flying"
    assert await releases.releases(store_db, label="50%") == ([], 0)  # % is no wildcard
    assert await releases.dated_editions(store_db, after="2029-12-31") == [
        (ids["edition"], "2030-05-01")
    ]
    assert list(await releases.releases_by_id(store_db, [ids["edition"]])) == [ids["edition"]]


async def test_search_data(store_db: Database) -> None:
    ids = await _small_catalog(store_db)
    entries = await search_data.title_entries(store_db)
    assert {(e.film_id, e.title) for e in entries} >= {
        (ids["cranes"], "Летят журавли"),
        (ids["solaris"], "Solaris"),
    }
    cranes = next(e for e in entries if e.title == "The Cranes Are Flying")
    assert cranes.popularity == 2.0 and cranes.primary  # an edition's bonus
    mark = await search_data.change_mark(store_db)
    assert await search_data.changed_films(store_db, 0, mark) == {ids["cranes"], ids["solaris"]}
    version = await search_data.data_version(store_db)
    names, marks = await search_data.name_entries(store_db)
    assert {n.name for n in names} >= {"Andrei Tarkovsky", "Tatyana Samoylova"}
    assert marks[0] == max(ids["kalatozov"], ids["tarkovsky"], ids["actor"])
    assert await search_data.best_known_films(store_db, [ids["tarkovsky"]]) == {
        ids["tarkovsky"]: ids["solaris"]
    }
    credits = await search_data.credits_of(store_db, [ids["actor"]])
    assert [(c.film.title, c.roles) for c in credits[ids["actor"]]] == [
        ("The Cranes Are Flying", ("cast",))
    ]
    fingerprint = await search_data.fingerprint(store_db, mark)
    people = await search_data.people_fingerprint(store_db)
    assert not await search_data.film_text_missing(store_db)
    # Keyword search: all words, else any; spoiler text never; accents and case aside.
    found = await search_data.keyword_films(store_db, "CRANES moscow")
    assert [f.title for f in found] == ["The Cranes Are Flying"]
    assert [f.title for f in await search_data.keyword_films(store_db, "solaris moscow")] == [
        "Solaris",
        "The Cranes Are Flying",
    ]
    assert await search_data.keyword_films(store_db, "boris") == []  # a spoiler section
    assert await search_data.keyword_films(store_db, 'NEAR "* -') == []
    # A new title is logged, noticed by data_version, and changes the fingerprints.
    async with store_db.transaction() as tx:
        await CatalogWrites(tx).title(ids["solaris"], "Солярис", "original", ids["source"])
        await CatalogWrites(tx).alias(ids["tarkovsky"], "Andrey Tarkovskiy", ids["source"])
        await search_data.write_film_text(tx, [ids["solaris"]])
    assert await search_data.change_mark(store_db) > mark
    assert await search_data.changed_films(
        store_db, mark, await search_data.change_mark(store_db)
    ) == {ids["solaris"]}
    assert await search_data.data_version(store_db) != version or store_db.dialect == "sqlite"
    assert await search_data.fingerprint(store_db, mark) != fingerprint
    assert await search_data.people_fingerprint(store_db) != people
    assert [f.title for f in await search_data.keyword_films(store_db, "солярис")] == ["Solaris"]


async def test_importer_lookups(store_db: Database) -> None:
    ids = await _small_catalog(store_db)
    async with store_db.transaction() as tx:
        assert (await import_lookups.film_ids_by_key(tx))["test:cranes"] == ids["cranes"]
        assert await import_lookups.last_film_id(tx) == ids["solaris"]
        assert (await import_lookups.person_ids_by_norm(tx))["tatyana samoylova"] == ids["actor"]
        assert await import_lookups.films_titled(tx, "solaris") == [(ids["solaris"], "Solaris", 1972)]  # fmt: skip
        assert await import_lookups.directors_of(tx, ids["cranes"]) == ["Mikhail Kalatozov"]
        assert await import_lookups.person_spelled(tx, "tatyana samoylova") == ids["actor"]
        assert await import_lookups.character_keyed(tx, ids["cranes"], "veronika") == ids["character"]  # fmt: skip
        assert await import_lookups.single_editions_of(tx, ids["cranes"]) == [
            (ids["edition"], "146", "Blu-ray", await sql.scalar(tx, "SELECT id FROM labels"), "A")
        ]
        assert await import_lookups.film_label(tx, ids["cranes"]) == "The Cranes Are Flying (1957)"
        assert await discdb_writes.films_with_imdb(tx, "tt0050634") == []
        await discdb_writes.fill_imdb(tx, ids["cranes"], "tt0050634")
        assert await discdb_writes.films_with_imdb(tx, "tt0050634") == [ids["cranes"]]
        await discdb_writes.add_edition_key(tx, "discdb:cranes/1", ids["edition"], ids["source"])
        await discdb_writes.add_edition_key(tx, "discdb:cranes/1", ids["edition"], ids["source"])
        assert await discdb_writes.edition_by_key(tx, "discdb:cranes/1") == (
            ids["edition"],
            "test:spine:146",
        )
        candidates = await discdb_writes.editions_with_barcode(tx, "715515012345")
        assert [(c.id, c.claimed) for c in candidates] == [(ids["edition"], True)]
        await discdb_writes.set_edition(tx, ids["edition"], {"region": "B", "hdr": "HDR10"}, replace=False)  # fmt: skip
        await discdb_writes.mark_boxset(tx, ids["edition"])
        facts = await film_match_data.film_facts(tx, [ids["cranes"]])
        assert facts[ids["cranes"]].directors == ["Mikhail Kalatozov"]
        assert await film_match_data.films_by_director(tx, ["MIKHAIL KALATOZOV"], 1958) == [
            (ids["cranes"], "The Cranes Are Flying", 1957)
        ]
        assert await bulk_films.films_by_imdb(tx, "imdb:", ids["source"]) == [
            ("tt0050634", ids["cranes"], 1957, False)
        ]
        assert await bulk_films.films_billed_by_others(tx, None) == set()
        rows = bulk_films.BulkRows()
        rows.fill_film(ids["solaris"], runtime_min=167, imdb_id="tt0069293", popularity=9.0)
        rows.add_person_key("imdb:nm0001789", ids["tarkovsky"], ids["source"])
        await bulk_films.write_rows(tx, rows.take())
        assert await bulk_films.person_keys(tx, "imdb:") == [("nm0001789", ids["tarkovsky"])]
        assert (await bulk_films.name_ids(tx, "genres"))["drama"] == ids["drama"]
    edition = await films.edition_details(store_db, ids["edition"])
    assert edition is not None and edition.specs["region"] == "A"  # filled only when empty
    assert edition.summary.is_boxset
    summaries = await films.film_summaries(store_db, [ids["solaris"]])
    assert summaries[ids["solaris"]].title == "Solaris"
    assert await search_data.title_entries(store_db, [ids["solaris"]])
    popularity = await sql.scalar(store_db, "SELECT popularity FROM films WHERE id = ?", (ids["solaris"],))  # fmt: skip
    assert popularity == 9.0


async def test_announcement_outbox(store_db: Database) -> None:
    ids = await _small_catalog(store_db)
    async with store_db.transaction() as tx:
        sub = await announcements.add_subscription(
            tx, platform="discord", scope="1", target="42", filters=Filters(), mention=None,
            since="2020-01-01", created_by="7",
        )  # fmt: skip
        rows = [(sub, ids["edition"], "announced", "2030-05-01")]
        assert await announcements.enqueue(tx, rows) == 1
        assert await announcements.enqueue(tx, rows) == 0  # once
        await edition_seen.mark_seen(tx, [ids["edition"]])
        assert await edition_seen.unseen_changes(tx) == []
        await CatalogWrites(tx).set_release_date(ids["edition"], "2030-06-01")
        changes = await edition_seen.unseen_changes(tx)
        assert [(c.edition_id, c.was_seen, c.seen_date) for c in changes] == [
            (ids["edition"], True, "2030-05-01")
        ]
        await edition_seen.mark_seen(tx, [ids["edition"]])
    [(subscription, item, _)] = await announcements.heads(store_db, "discord", "2030-01-01")
    assert subscription.queued == 1 and item.kind == "announced" and not item.is_edit
    await announcements.mark_failed(store_db, item, error="403", retry_at=99.0, failing=True)
    assert (await announcements.subscription(store_db, sub)).status == "failing"
    await announcements.retry_now(store_db, "discord", "42")
    [(_, item, due)] = await announcements.heads(store_db, "discord", "2030-01-01")
    assert due == 0 and item.attempts == 1
    await announcements.mark_sent(store_db, item, "m1", "2030-05-01")
    assert await announcements.delivered(store_db, sub) == [(ids["edition"], "announced", "m1")]
    assert (await announcements.subscription(store_db, sub)).status == "ok"
    assert await announcements.heads(store_db, "discord", "2030-01-01") == []
    async with store_db.transaction() as tx:
        await announcements.move_release_date(tx, ids["edition"], "2030-07-01")
    [(_, edit, _)] = await announcements.heads(store_db, "discord", "2030-01-01")
    assert edit.is_edit and edit.release_date == "2030-07-01"
    await announcements.give_up_edit(store_db, edit)
    assert await announcements.heads(store_db, "discord", "2030-01-01") == []
    assert await announcements.released_pairs(store_db) == set()
    profiles = await announcements.edition_profiles(store_db, [ids["edition"]])
    assert profiles[ids["edition"]].label == "The Criterion Collection"
    assert [s.id for s in await announcements.subscriptions(store_db, platform="discord")] == [sub]
    await announcements.remove_subscription(store_db, sub)
    assert await announcements.subscriptions(store_db) == []


async def test_feeds_matrix_state_and_questions(store_db: Database) -> None:
    feed = await feeds.add_feed(store_db, "https://example.org/feed", 3600, 1000.0)
    with pytest.raises(feeds.FeedExistsError):
        await feeds.add_feed(store_db, "https://example.org/feed", 3600, 1000.0)
    assert [f.id for f in await feeds.due_feeds(store_db, 1000.0)] == [feed.id]
    await feeds.record_poll(
        store_db, feed.id, title="T", etag=None, last_modified=None, failures=0,
        next_poll_at=5000.0, polled_at=1000.0, status="200",
    )  # fmt: skip
    assert await feeds.next_poll_at(store_db) == 5000.0
    await feeds.record_item(store_db, feed.id, "item-1", "imported", 1000.0)
    await feeds.record_item(store_db, feed.id, "item-1", "merged", 1001.0)  # replaced
    assert await feeds.item_outcomes(store_db, feed.id) == {"item-1": "merged"}
    assert [f.items for f in await feeds.list_feeds(store_db)] == [1]
    assert (await feeds.remove_feed(store_db, feed.id)).url == "https://example.org/feed"

    await matrix_state.set_state(store_db, "@bot:x", "next_batch", "s1")
    await matrix_state.set_state(store_db, "@bot:x", "next_batch", "s2")
    assert await matrix_state.get_state(store_db, "@bot:x", "next_batch") == "s2"
    assert await matrix_state.claim_reply(store_db, "@bot:x", "$e", "!r", "t1") == "t1"
    assert await matrix_state.claim_reply(store_db, "@bot:x", "$e", "!r", "t2") == "t1"
    assert await matrix_state.unconfirmed_replies(store_db, "@bot:x") == [("$e", "!r")]
    await matrix_state.reply_sent(store_db, "@bot:x", "$e", "$reply")
    assert await matrix_state.reply_for(store_db, "@bot:x", "$e") == ("t1", "$reply")

    key = ("discord", "42", "7")
    asked = questions.OpenQuestion("q1", "film", {"year": None}, ("film:1", "film:2"), 100.0)
    await questions.remember(store_db, key, asked, now=10.0)
    assert await questions.open_question(store_db, key, now=50.0) == asked
    assert await questions.open_question(store_db, key, now=101.0) is None  # expired
    assert await questions.take(store_db, key, "q1")
    assert not await questions.take(store_db, key, "q1")  # answered once


async def test_pending_queue(store_db: Database) -> None:
    raw = b"Solaris Blu-ray Review\n"
    sha = hashlib.sha256(raw).hexdigest()
    candidate = pending.PendingCandidate(1, "Solaris (1972)", "title")
    async with store_db.transaction() as tx:
        first = await pending.add_pending(
            tx, name="r.txt", uri=None, sha256=sha, raw=raw, kind=None, title="Solaris",
            reason="two films", candidates=[candidate],
        )  # fmt: skip
        again = await pending.add_pending(
            tx, name="r.txt", uri=None, sha256=sha, raw=raw, kind=None, title="Solaris",
            reason="two films", candidates=[candidate],
        )  # fmt: skip
    assert first == again and await pending.pending_by_sha(store_db, sha) == first
    [listed] = await pending.list_pending(store_db)
    assert listed.raw is None and listed.candidates == (candidate,)
    document = await pending.get_pending(store_db, first)
    assert document is not None and document.raw == raw
    async with store_db.transaction() as tx:
        await pending.settle_pending(tx, first, pending.REJECTED)
    with pytest.raises(pending.PendingError, match="already rejected"):
        async with store_db.transaction() as tx:
            await pending.settle_pending(tx, first, pending.ACCEPTED)
    assert await pending.list_pending(store_db) == []
    assert [d.status for d in await pending.list_pending(store_db, status=None)] == ["rejected"]


async def test_a_failed_transaction_writes_nothing(store_db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with store_db.transaction() as tx:
            await tx._execute(
                "INSERT INTO matrix_state (account, key, value) VALUES (?, ?, ?)", ("a", "k", "v")
            )
            raise RuntimeError("stop")
    assert await matrix_state.get_state(store_db, "a", "k") is None
    assert not store_db.in_transaction
    # A constraint is the same error on both backends.
    async with store_db.transaction() as tx:
        await catalog_writes.add_source(
            tx, kind="catalog", name="x", uri=None, sha256="c" * 64, meta={}
        )
    with pytest.raises(sqlite3.IntegrityError):
        async with store_db.transaction() as tx:
            await catalog_writes.add_source(
                tx, kind="catalog", name="y", uri=None, sha256="c" * 64, meta={}
            )
