"""TheDiscDb's repository layout: the bundled sample (data/thediscdb) read as editions,
imported and merged with the catalog, re-imports that change nothing, bad files that
write nothing, the CLI, and `!edition <barcode>`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.core.engine import Core
from bot.core.request import Request
from bot.importers.discdb_fields import label_of
from bot.importers.discdb_model import DiscdbFilm, DiscdbRelease
from bot.importers.thediscdb import (
    DiscdbError,
    discdb_imported,
    import_discdb,
    iter_films,
    movie_folder,
    release_hashes,
)
from bot.render.answer import render
from bot.render.text import render_reply
from bot.store import migrations, open_database
from tests import sql
from tests.conftest import run_cli, snapshot
from tests.limits import check_discord_payload, check_matrix_content

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "thediscdb"


@pytest.fixture(scope="module")
def releases() -> dict[str, DiscdbRelease]:
    """Every release of the sample by '<film folder>/<slug>'."""
    found = {}
    for _, film_releases in iter_films(movie_folder(SAMPLE)):
        for release in film_releases:
            found[f"{release.film.folder}/{release.slug}"] = release
    return found


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "thediscdb"
    shutil.copytree(SAMPLE, target)
    return target


def _counts(path: Path) -> dict[str, int]:
    return {table: len(rows) for table, rows in snapshot(path).items()}


# --- reading the sample -------------------------------------------------------------------


def test_the_sample_is_bundled_with_its_licence() -> None:
    assert "MIT License" in (SAMPLE / "LICENSE").read_text(encoding="utf-8")
    assert "Luke Foust" in (SAMPLE / "LICENSE").read_text(encoding="utf-8")
    assert (SAMPLE / "data" / "movie" / "Citizen Kane (1941)" / "metadata.json").is_file()


def test_a_criterion_4k_combo(releases: dict[str, DiscdbRelease]) -> None:
    kane = releases["Citizen Kane (1941)/2021-criterion-4k"]
    assert kane.film.title == "Citizen Kane" and kane.film.year == 1941
    assert kane.film.imdb_id == "tt0033467" and kane.film.directors == ("Orson Welles",)
    assert kane.label == "The Criterion Collection"  # from the UPC: the slug says criterion too
    assert kane.format == "4K UHD"
    assert kane.disc_count == 4 and kane.disc_formats == "1 × 4K UHD + 3 × Blu-ray"
    assert kane.region == "1" and kane.release_date == "2021-11-23"
    assert kane.upc == "715515266116" and kane.asin == "B09CRM3XD1"
    assert kane.video is not None
    assert (kane.video.codec, kane.video.resolution, kane.video.hdr) == (
        "HEVC",
        "2160p",
        "Dolby Vision",
    )
    assert "dvhe.07.06" in kane.video.name
    assert kane.main_runtime_min == 120  # 1:59:33 on the UHD disc
    # The three undescribed Dolby Digital mono tracks are counted, not listed thrice.
    assert [a.description for a in kane.audio] == [
        "English LPCM 1.0",
        "English Dolby Digital 1.0 ×3",
    ]
    assert kane.subtitles == ["English"]
    features = {e.title: (e.kind, e.runtime_min) for e in kane.extras}
    assert features['The Complete "Citizen Kane"'] == ("extra", 95)
    assert features["The Hearts of Age"] == ("extra", 8)
    assert len(kane.extras) == 23


def test_hdr10_and_dolby_vision_are_told_apart(releases: dict[str, DiscdbRelease]) -> None:
    parasite = releases["Parasite (2019)/2020-4k"]
    assert parasite.video is not None and parasite.video.name == "MpegH HEVC Main10@L5.1"
    assert parasite.video.hdr == "HDR10"  # HEVC Main10 at 2160p without a Dolby Vision layer
    assert releases["Uncut Gems (2019)/2021-criterion-4k"].video.hdr == "Dolby Vision"  # type: ignore[union-attr]
    dvd = releases["2001 A Space Odyssey (1968)/2011-dvd"]
    assert dvd.video is not None
    assert (dvd.video.codec, dvd.video.resolution, dvd.video.hdr) == ("MPEG-2", "480i", None)
    assert dvd.format == "DVD"


def test_audio_codecs_channels_languages_and_commentaries(
    releases: dict[str, DiscdbRelease],
) -> None:
    thing = releases["The Thing (1982)/the-thing"]
    assert [(a.codec, a.channels) for a in thing.audio] == [
        ("LPCM", "2.0"),
        ("DTS-HD MA", "4.1"),
        ("DTS-HD MA", "5.1"),
        ("Dolby Digital", "2.0"),
        ("Dolby Digital", "2.0"),
    ]
    commentaries = [a for a in thing.audio if a.commentary]
    assert [a.label for a in commentaries] == [
        "Audio Commentary with John Carpenter and Kurt Russell",
        "Audio Commentary with Mike White, Patrick Bromley and El Goro",
    ]
    assert commentaries[0].description == (
        "English Dolby Digital 2.0 (Audio Commentary with John Carpenter and Kurt Russell)"
    )
    # 'fre' (2001's DVD) and 'fra' (Parasite) are both French.
    dvd = releases["2001 A Space Odyssey (1968)/2011-dvd"]
    assert [a.description for a in dvd.audio] == [
        "English Dolby Digital 5.1",
        "French Dolby Digital 5.1",
        "English Dolby Digital 2.0 (Actor Commentary)",
    ]
    assert dvd.subtitles == ["English", "French", "Spanish"]
    parasite = releases["Parasite (2019)/2020-4k"]
    # The Korean Dolby Digital after the Korean TrueHD Atmos is its core: not listed again.
    assert [a.description for a in parasite.audio] == [
        "French Dolby Digital 5.1",
        "Korean Dolby Atmos 7.1",
    ]
    # DTS cores after DTS-HD MA are dropped; a separate stereo track after a core is not.
    army = releases["Army of Darkness (1992)/2022-4k"]
    assert [a.description for a in army.audio] == ["English DTS-HD MA 5.1", "English DTS-HD MA 2.0"]
    gems = releases["Uncut Gems (2019)/2021-criterion-4k"]
    assert [a.description for a in gems.audio] == [
        "English Dolby Atmos 7.1",
        "English Dolby Digital 2.0",
    ]


def test_extras_deleted_scenes_and_other_cuts(releases: dict[str, DiscdbRelease]) -> None:
    army = releases["Army of Darkness (1992)/2022-4k"]
    extras = {e.title: (e.kind, e.runtime_min, e.disc) for e in army.extras}
    assert extras["Alternate Opening"] == ("deleted scene", 3, 2)  # 0:02:52
    assert extras["Original Ending"] == ("deleted scene", 5, 2)
    assert extras["International Theatrical Trailer"][0] == "trailer"
    # The Blu-ray's theatrical cut runs as long as the UHD's feature: not another cut.
    assert [(v.title, v.runtime_min) for v in army.versions] == [
        ("Army of Darkness (Director's Cut)", 96),
        ("Army of Darkness (International Cut)", 89),
        ("Army of Darkness (Television Version)", 93),
    ]
    mulholland = releases["Mulholland Drive (2001)/4k-uhd-criterion-collection"]
    kinds = {e.title: e.kind for e in mulholland.extras}
    assert kinds["David Lynch and Naomi Watts"] == "interview"
    assert kinds["Int. Hollywood Police Station - Day"] == "deleted scene"
    # Unidentified playlists (menus, logos, duplicates) are not features; 12 Monkeys' disc
    # has 11 playlists, 5 identified: the film and 4 extras.
    monkeys = releases["12 Monkeys (1995)/2018-arrow-video-special-edition-blu-ray"]
    assert monkeys.discs[0].titles == 11
    assert [e.title for e in monkeys.extras] == [
        "The Hamster Factor and Other Tales of Twelve Monkeys",
        "Theatrical Trailer",
        "Appreciation by Ian Christie",
        "The Film Exchange with Terry Gilliam",
    ]
    # A DVD's studio logo and warnings (type Other) are not features; its trailer is.
    dvd = releases["2001 A Space Odyssey (1968)/2011-dvd"]
    assert [e.title for e in dvd.extras] == ["Theatrical Trailer"]


def test_a_ref_disc_reuses_the_referenced_disc(releases: dict[str, DiscdbRelease]) -> None:
    blu = releases["Everything Everywhere All at Once (2022)/2022-blu-ray"]
    # disc01.json and disc01.ref: one disc, read from the 4K release's disc01, which
    # names the extras the Blu-ray's own copy leaves unidentified.
    assert blu.disc_count == 1
    assert (
        blu.discs[0].shared_from == "movie/Everything Everywhere All at Once (2022)/2022-4k/disc01"
    )
    assert "Alpha Bits" in [e.title for e in blu.extras]
    deleted = {e.title: e.runtime_min for e in blu.extras if e.kind == "deleted scene"}
    assert deleted == {"Deleted Scenes with Commentary": 14}  # 0:13:51
    assert blu.format == "Blu-ray" and blu.video is not None and blu.video.resolution == "1080p"
    # The 4K combo's UHD disc repeats the Blu-ray's extras, one under another name.
    four_k = releases["Everything Everywhere All at Once (2022)/2022-4k"]
    assert [e.title for e in four_k.extras if e.kind == "deleted scene"] == [
        "Deleted Scenes with Commentary"
    ]


def test_a_ref_outside_the_tree_is_a_disc_of_unknown_contents(
    releases: dict[str, DiscdbRelease],
) -> None:
    lee = releases["Do the Right Thing (1989)/2012-blu-ray"]
    assert lee.disc_count == 2
    first, second = lee.discs
    assert first.format is None
    assert first.shared_from == "movie/Do the Right Thing (1989)/2021-4k/disc02"
    assert second.format == "DVD"
    # A Blu-ray (the slug says so) whose Blu-ray disc is not in the tree: the DVD's
    # video is not the release's, but its extras are on the release.
    assert lee.format == "Blu-ray" and lee.disc_formats is None
    assert lee.video is None and lee.audio == []
    assert ("Deleted scenes (play all)", 14) in [(e.title, e.runtime_min) for e in lee.extras]


def test_the_legacy_empty_disc_schema_gives_just_a_disc(
    releases: dict[str, DiscdbRelease],
) -> None:
    slave = releases["12 Years a Slave (2013)/2014-blu-ray"]
    assert [(d.index, d.format, d.titles) for d in slave.discs] == [(1, "Blu-ray", 0)]
    assert slave.format == "Blu-ray" and slave.video is None
    assert slave.extras == [] and slave.audio == [] and slave.subtitles == []
    assert slave.upc == "024543881018" and slave.label is None  # unknown stays unknown


def test_labels_from_groups_slug_title_and_upc(releases: dict[str, DiscdbRelease]) -> None:
    labels = {key: r.label for key, r in releases.items()}
    assert labels["12 Monkeys (1995)/2018-arrow-video-special-edition-blu-ray"] == "Arrow Video"
    assert labels["The Thing (1982)/the-thing"] == "Arrow Video"  # UPC 5027035...
    assert labels["Army of Darkness (1992)/2022-4k"] == "Shout! Factory"  # UPC 826663...
    assert labels["The Lighthouse (2019)/a24-collectors-edition"] == "A24"
    assert labels["Mulholland Drive (2001)/4k-uhd-criterion-collection"] == (
        "The Criterion Collection"
    )
    assert labels["Everything Everywhere All at Once (2022)/2022-4k"] is None
    assert sum(label == "The Criterion Collection" for label in labels.values()) == 8
    # The film's own title is not a label: Eureka (1983) on a studio disc.
    eureka = DiscdbFilm("Eureka (1983)", "eureka-1983", "Eureka", 1983, None, ())
    assert label_of(eureka, "eureka", "Eureka", (), None) is None
    assert label_of(eureka, "eureka-masters-of-cinema", "Eureka", (), None) == (
        "Eureka Entertainment"
    )


def test_box_sets(releases: dict[str, DiscdbRelease]) -> None:
    archive = releases["Isle of Dogs (2018)/the-wes-anderson-archive-criterion-4k"]
    assert archive.is_boxset and archive.title == archive.edition_name
    assert releases["Parasite (2019)/2021-bong-joon-ho-collection-blu-ray-region-b"].is_boxset
    assert not releases["Mulholland Drive (2001)/4k-uhd-criterion-collection"].is_boxset
    assert not releases["Army of Darkness (1992)/2022-4k"].is_boxset  # Collector's Edition
    # A generic release title ('2022 Blu-ray') names the edition after its film.
    assert releases["Everything Everywhere All at Once (2022)/2022-blu-ray"].title == (
        "Everything Everywhere All at Once"
    )


# --- importing ------------------------------------------------------------------------------


async def test_a_fresh_database_imports_the_sample_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    db = await open_database(path)
    report = await import_discdb(db, SAMPLE, progress=False)
    assert (report.films, report.releases, report.imported) == (17, 20, 20)
    assert report.new_films == 17  # no catalog: every film is new, keyed by its slug
    assert report.discs == 38 and report.new_editions == 19  # the archive is one edition
    assert report.merged == 1
    kane = await sql.fetchall(
        db,
        "SELECT f.title, f.year, f.imdb_id, p.name FROM films f JOIN credits c "
        "ON c.film_id = f.id AND c.role = 'director' JOIN people p ON p.id = c.person_id "
        "WHERE f.external_key = 'discdb:film:citizen-kane-1941'",
    )
    assert [tuple(r) for r in kane] == [("Citizen Kane", 1941, "tt0033467", "Orson Welles")]
    await db.close()
    before = _counts(path)
    everything = snapshot(path)

    db = await open_database(path)
    again = await import_discdb(db, SAMPLE, progress=False)
    await db.close()
    assert (again.unchanged, again.imported, again.updated) == (20, 0, 0)
    assert "nothing to do" in again.summary()
    assert _counts(path) == before
    assert snapshot(path) == everything


async def test_merged_with_the_catalog_with_provenance(catalog_copy: Path) -> None:
    """The bundled catalog build imports the sample after the lists: every release is
    there (15 editions of their own, 5 merged into others), no film added for it."""
    db = await open_database(catalog_copy)
    films_before = await sql.scalar(db, "SELECT count(*) FROM films")
    report = await import_discdb(db, SAMPLE, progress=False)
    assert (report.unchanged, report.imported, report.updated) == (20, 0, 0)
    assert await sql.scalar(db, "SELECT count(*) FROM edition_keys") == 20
    own = await sql.scalar(db, "SELECT count(*) FROM editions WHERE external_key LIKE 'discdb:%'")
    assert own == 15
    # Barry Lyndon's 4K came out in 2025, after the Criterion list (March 2022) that has
    # it as spine 897 on Blu-ray: a release of its own, the list's edition untouched.
    listed = await sql.fetchone(
        db, "SELECT format, upc FROM editions WHERE external_key = 'criterion:spine:897'"
    )
    assert tuple(listed) == (None, None)
    assert (
        await sql.scalar(db, "SELECT count(*) FROM films WHERE external_key LIKE 'discdb:%'") == 0
    )
    assert await sql.scalar(db, "SELECT count(*) FROM films") == films_before

    # The Criterion list's spine edition of Citizen Kane is the Criterion 4K: filled in.
    row = await sql.fetchone(
        db,
        "SELECT e.id, e.spine, e.format, e.upc, e.hdr, e.disc_count, e.region FROM editions e "
        "JOIN edition_keys k ON k.edition_id = e.id "
        "WHERE k.external_key = 'discdb:Citizen Kane (1941)/2021-criterion-4k'",
    )
    assert row is not None
    assert tuple(row)[1:] == ("1104", "4K UHD", "715515266116", "Dolby Vision", 4, "1")
    facts = await sql.fetchall(
        db,
        "SELECT fa.field, fa.value, s.name FROM facts fa JOIN sources s ON s.id = fa.source_id "
        "WHERE fa.entity = 'edition' AND fa.entity_id = ? ORDER BY fa.field, s.id",
        (row[0],),
    )
    claims = {(r[0], r[1], r[2]) for r in facts}
    assert ("spine", "1104", "criterion.csv.gz") in claims  # the list's claim stays
    assert ("format", "4K UHD", "TheDiscDb") in claims
    assert ("upc", "715515266116", "TheDiscDb") in claims
    assert ("label", "The Criterion Collection", "TheDiscDb") in claims

    # The Wes Anderson Archive, filed under two films with one barcode: one box set.
    archive = await sql.fetchall(
        db,
        "SELECT e.id, e.is_boxset, f.title FROM editions e JOIN edition_films ef "
        "ON ef.edition_id = e.id JOIN films f ON f.id = ef.film_id WHERE e.upc = '715515316712' "
        "ORDER BY f.title",
    )
    assert [(r[1], r[2]) for r in archive] == [(1, "Isle of Dogs"), (1, "The Grand Budapest Hotel")]
    # Do the Right Thing's studio Blu-ray is not Criterion's spine 97: kept apart.
    assert (
        await sql.scalar(
            db, "SELECT format FROM editions WHERE external_key = 'criterion:spine:97'"
        )
        is None
    )
    await db.close()

    before = snapshot(catalog_copy)
    db = await open_database(catalog_copy)
    assert (await import_discdb(db, SAMPLE, progress=False)).unchanged == 20
    await db.close()
    assert snapshot(catalog_copy) == before


async def test_a_changed_release_replaces_what_it_said(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    path = tmp_path / "db.sqlite3"
    db = await open_database(path)
    await import_discdb(db, tree, progress=False)
    release = tree / "data/movie/The Thing (1982)/the-thing/release.json"
    data = json.loads(release.read_text(encoding="utf-8"))
    data["Upc"] = "5027035099999"
    release.write_text(json.dumps(data), encoding="utf-8")
    audio_before = await sql.scalar(db, "SELECT count(*) FROM edition_audio")
    report = await import_discdb(db, tree, progress=False)
    assert (report.updated, report.unchanged, report.imported) == (1, 19, 0)
    key = "discdb:The Thing (1982)/the-thing"
    assert await sql.scalar(db, "SELECT upc FROM editions WHERE external_key = ?", (key,)) == (
        "5027035099999"
    )
    assert await sql.scalar(db, "SELECT count(*) FROM edition_audio") == audio_before
    upcs = await sql.fetchall(
        db, "SELECT value FROM facts WHERE field = 'upc' AND value LIKE '502703501785%'"
    )
    assert upcs == []  # the old barcode is no longer claimed

    # The catalog build reads the bundled sample with keep_known: a release imported from
    # another copy of the tree (an operator's clone) stays as that copy said.
    kept = await import_discdb(db, SAMPLE, progress=False, keep_known=True)
    assert (kept.unchanged, kept.updated) == (20, 0)
    assert await sql.scalar(db, "SELECT upc FROM editions WHERE external_key = ?", (key,)) == (
        "5027035099999"
    )
    assert await discdb_imported(db, SAMPLE)  # by release path, whichever copy
    await db.close()


async def test_discdb_imported_tells_whether_the_catalog_build_must_import(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "db.sqlite3")
    assert not await discdb_imported(db, SAMPLE)
    await import_discdb(db, SAMPLE, progress=False)
    assert await discdb_imported(db, SAMPLE)
    tree = _copy(tmp_path)
    extra = tree / "data/movie/Citizen Kane (1941)/2030-criterion-8k"
    shutil.copytree(tree / "data/movie/Citizen Kane (1941)/2021-criterion-4k", extra)
    assert not await discdb_imported(db, tree)  # a release not imported yet
    await db.close()


async def test_malformed_json_names_the_file_and_line_and_writes_nothing(
    catalog_copy: Path, tmp_path: Path
) -> None:
    tree = _copy(tmp_path)
    disc = tree / "data/movie/Uncut Gems (2019)/2021-criterion-4k/disc02.json"
    lines = disc.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rstrip(",")  # a missing comma on line 4
    disc.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot(catalog_copy)
    db = await open_database(catalog_copy)
    with pytest.raises(DiscdbError) as caught:
        await import_discdb(db, tree, progress=False)
    await db.close()
    message = str(caught.value)
    assert message.startswith("movie/Uncut Gems (2019)/2021-criterion-4k/disc02.json, line 5:")
    assert "not valid JSON" in message
    # Films before Uncut Gems were written in the same transaction: all rolled back.
    assert snapshot(catalog_copy) == before


async def test_a_missing_key_names_the_file(tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    release = tree / "data/movie/Barry Lyndon (1975)/2025-criterion-4k/release.json"
    data = json.loads(release.read_text(encoding="utf-8"))
    del data["Title"]
    release.write_text(json.dumps(data), encoding="utf-8")
    path = tmp_path / "db.sqlite3"
    db = await open_database(path)
    with pytest.raises(DiscdbError, match=r"^movie/Barry Lyndon \(1975\)/2025-criterion-4k/"
                       r"release\.json: Title is missing$"):  # fmt: skip
        await import_discdb(db, tree, progress=False)
    assert await sql.scalar(db, "SELECT count(*) FROM editions") == 0
    await db.close()
    shutil.copyfile(SAMPLE / release.relative_to(tree), release)
    disc = tree / "data/movie/Citizen Kane (1941)/2021-criterion-4k/disc02.json"
    data = json.loads(disc.read_text(encoding="utf-8"))
    n = next(n for n, title in enumerate(data["Titles"]) if "Item" in title)
    data["Titles"][n]["Duration"] = "forty minutes"
    disc.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DiscdbError) as caught:
        release_hashes(tree)
    assert str(caught.value) == (
        "movie/Citizen Kane (1941)/2021-criterion-4k/disc02.json: "
        f"Titles[{n}].Duration 'forty minutes' is not a duration (h:mm:ss)"
    )


def test_the_release_hashes_are_stable() -> None:
    first = release_hashes(SAMPLE)
    assert len(first) == len(set(first)) == 20
    assert release_hashes(SAMPLE / "data") == first  # the clone's root or its data/


async def test_migration_8_applies_to_a_database_of_version_7(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = migrations.available()
    upto = next(n for n, m in enumerate(real, start=1) if m.name == "edition_codes")
    path = tmp_path / "old.sqlite3"
    monkeypatch.setattr(migrations, "available", lambda: real[: upto - 1])
    db = await open_database(path)
    await sql.execute(db, "INSERT INTO editions (external_key, title) VALUES ('doc:x', 'X')")
    await db.close()
    monkeypatch.setattr(migrations, "available", lambda: real)
    db = await open_database(path)
    row = await sql.fetchone(db, "SELECT upc, asin, hdr, disc_formats FROM editions")
    assert row is not None and tuple(row) == (None, None, None, None)
    indexes = await sql.fetchall(db, "SELECT name FROM sqlite_master WHERE type = 'index'")
    assert "editions_upc" in {r[0] for r in indexes}
    await db.close()


# --- the CLI --------------------------------------------------------------------------------


def test_cli_imports_and_refuses_a_bad_tree_in_one_line(catalog_copy: Path, tmp_path: Path) -> None:
    tree = _copy(tmp_path)
    bad = tree / "data/movie/Parasite (2019)/2020-4k/disc01.json"
    bad.write_text(bad.read_text(encoding="utf-8")[:500], encoding="utf-8")  # cut short
    before = snapshot(catalog_copy)
    refused = run_cli("catalog", "import-discdb", str(tree), db=catalog_copy)
    assert refused.returncode == 2, refused.stderr
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "nothing was written" in lines[0]
    assert "movie/Parasite (2019)/2020-4k/disc01.json, line" in lines[0]
    assert snapshot(catalog_copy) == before

    # The bundled build imported the sample already: an operator's import of the same
    # files has nothing to do.
    done = run_cli("catalog", "import-discdb", str(SAMPLE / "data"), db=catalog_copy)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert done.stdout.startswith("TheDiscDb: 20 releases of 17 films, all imported before")
    # The catalog action without the sub-action works as it did.
    plain = run_cli("catalog", db=catalog_copy)
    assert plain.returncode == 0 and "nothing to do" in plain.stdout


# --- the barcode lookup ---------------------------------------------------------------------


async def test_edition_by_barcode(core: Core) -> None:
    await import_discdb(core.db, SAMPLE, progress=False)
    reply = await core.handle("!edition 5027035019901", Request())
    assert reply is not None
    text = render_reply(reply)
    assert text.startswith("12 Monkeys (1995) — Arrow Video (Blu-ray)")
    assert "UPC: 5027035019901" in text
    assert "English DTS-HD MA 5.1" in text
    assert "The Hamster Factor and Other Tales of Twelve Monkeys (88 min)" in text

    # A 12-digit UPC typed as its EAN-13 (a leading 0) finds it too.
    kane = render_reply(await core.handle("!edition 0715515266116", Request()))  # type: ignore[arg-type]
    assert kane.startswith("Citizen Kane (1941) — The Criterion Collection #1104 (4K UHD)")
    assert "HDR: Dolby Vision" in kane and "Disc formats: 1 × 4K UHD + 3 × Blu-ray" in kane

    unknown = await core.handle("!edition 5027035000000", Request())
    assert unknown is not None and unknown.cards[0].kind == "error"
    assert "No edition with the barcode 5027035000000 is known." in render_reply(unknown)

    # The box set's card (two films, 24 features) stays within both platforms' limits.
    archive = await core.handle("!edition 715515316712", Request())
    assert archive is not None and "box set" in archive.cards[0].title
    check_discord_payload(render(archive, "discord"))
    check_matrix_content(render(archive, "matrix"))
