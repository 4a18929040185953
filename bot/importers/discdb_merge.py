"""Writing TheDiscDb releases into the catalog: the right film, the right edition, every
value with its source.

- **Sources**: each release is one source (kind `thediscdb`, named "TheDiscDb", its uri
  the release's path in the repository), recorded with the SHA-256 of every file read for
  it. A release whose files are unchanged is skipped; one that changed has what it wrote
  before removed and is written again under the same source.
- **Films**: the catalog film with the release's IMDb id; else one of the same title (or
  alias) and year within one, with no other IMDb id, whose directors agree when both
  sides name some; else a new film keyed `discdb:film:<slug>`. The film's title, year and IMDb id are facts of the
  release's source.
- **Editions**, keyed `discdb:<Film (Year)>/<release>` (kept in `edition_keys` wherever
  the release went):
  - an edition with the same barcode is the same product: a box set TheDiscDb files under
    each of its films becomes one edition holding them all;
  - an edition of the same film from the same label, in the same format or one not known
    yet (the Criterion list's spine editions have none), in no other region, with no other
    barcode, from the same year if dated, and no other TheDiscDb release in it, is the
    same release: the release fills in what it lacks, its facts kept beside the other
    sources'. Two such editions, equally likely, leave it unsure: a new edition then;
  - else a new edition.
- **Announcements**: the editions written are marked as seen by the planner: a catalog of
  released discs is not news (as a feed's first read is not).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.importers.discdb_model import DiscdbFilm, DiscdbRelease
from bot.importers.documents.features import same_feature
from bot.store import discdb_writes as store
from bot.store import document_writes as documents
from bot.store import edition_seen
from bot.store import import_lookups as lookups
from bot.store.catalog_writes import CatalogWrites, FilmRow, add_source
from bot.store.db import Transaction
from bot.store.search_data import write_film_text
from bot.text import fold, norm_name, norm_title, same_person

SOURCE_KIND = "thediscdb"
SOURCE_NAME = "TheDiscDb"
# Edition columns that are also facts, in the order they are written: what a release
# states, but the label (a fact of its own, by name).
_FACT_COLUMNS = tuple(c for c in store.RELEASE_COLUMNS if c != "label_id")

# The Criterion list (data/criterion.csv.gz) is criterion.com as of March 2022: a later
# release (a 4K of a film the list has on Blu-ray) is not the edition it lists.
CRITERION_LIST_DATE = "2022-03-31"


@dataclass
class DiscdbReport:
    """What one import did; `summary()` is the CLI's line."""

    films: int = 0  # film folders read
    releases: int = 0  # release folders read
    imported: int = 0  # releases new to the database
    updated: int = 0  # releases whose files changed since they were imported
    unchanged: int = 0  # releases imported before, as they are
    new_editions: int = 0
    merged: int = 0  # releases written into an edition another source (or release) made
    new_films: int = 0
    matched_films: int = 0
    discs: int = 0
    extras: int = 0
    audio_tracks: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        written = self.imported + self.updated
        if not written:
            return (
                f"TheDiscDb: {self.releases:,} releases of {self.films:,} films, all imported "
                f"before and unchanged; nothing to do ({self.seconds:.1f} s)"
            )
        changed = f", {self.updated:,} updated" if self.updated else ""
        same = f", {self.unchanged:,} unchanged" if self.unchanged else ""
        return (
            f"TheDiscDb: {written:,} of {self.releases:,} releases of {self.films:,} films "
            f"imported{changed}{same} ({self.new_editions:,} new editions, {self.merged:,} "
            f"merged into known ones; {self.new_films:,} new films; {self.discs:,} discs, "
            f"{self.extras:,} extras, {self.audio_tracks:,} audio tracks) "
            f"in {self.seconds:.1f} s"
        )


class DiscdbWriter:
    """Writes releases film by film inside the caller's transaction; `finish()` last."""

    def __init__(self, tx: Transaction, *, keep_known: bool = False) -> None:
        self.tx = tx
        # A release imported before from another copy of the tree (an operator's newer
        # clone, when the bundled sample is read) is kept as it is, not replaced.
        self.keep_known = keep_known
        self.writes = CatalogWrites(tx)
        self.report = DiscdbReport()
        self.touched_films: set[int] = set()  # their keyword text is rewritten at the end
        self.editions: set[int] = set()

    async def film(self, film: DiscdbFilm, releases: list[DiscdbRelease]) -> None:
        """One film folder's releases (those unchanged since their import are skipped)."""
        self.report.films += 1
        film_id: int | None = None
        for release in releases:
            self.report.releases += 1
            previous = await store.release_source(self.tx, release.uri)
            if previous is not None and (previous[1] == release.sha256 or self.keep_known):
                self.report.unchanged += 1
                continue
            source_id = await self._source(release, previous)
            film_id = await self._film(film, source_id, film_id)
            await self._release(release, film_id, source_id)

    async def finish(self) -> None:
        if self.touched_films:
            await write_film_text(self.tx, sorted(self.touched_films))
        await edition_seen.mark_seen(self.tx, sorted(self.editions))

    # --- sources ---------------------------------------------------------------------

    async def _source(self, release: DiscdbRelease, previous: tuple[int, str] | None) -> int:
        title = f"{release.film.title} ({release.film.year}) — {release.edition_name}"
        meta = {"files": release.files, "discs": release.disc_count}
        if previous is not None:
            await store.forget_release(self.tx, previous[0])
            await store.renew_source(
                self.tx, previous[0], sha256=release.sha256, title=title, meta=meta
            )
            self.report.updated += 1
            return previous[0]
        self.report.imported += 1
        return await add_source(
            self.tx,
            kind=SOURCE_KIND,
            name=SOURCE_NAME,
            uri=release.uri,
            sha256=release.sha256,
            meta=meta,
            title=title,
        )

    # --- films -----------------------------------------------------------------------

    async def _film(self, film: DiscdbFilm, source_id: int, known: int | None) -> int:
        """The catalog film (found once per folder), with this release's claims about it."""
        film_id = known if known is not None else await self._find_film(film)
        if film_id is None:
            row = FilmRow(
                external_key=f"discdb:film:{film.slug}",
                title=film.title,
                year=film.year,
                imdb_id=film.imdb_id,
            )
            film_id = await self.writes.film(row, source_id, replace=False)
            await self.writes.title(film_id, film.title, "primary", source_id)
            self.report.new_films += 1
        elif known is None:
            self.report.matched_films += 1
            if film.imdb_id:
                await store.fill_imdb(self.tx, film_id, film.imdb_id)
            titles = await lookups.titles_of(self.tx, film_id)
            if all(fold(t) != fold(film.title) for t in titles):
                await self.writes.title(film_id, film.title, "alternative", source_id)
        for field, value in (("title", film.title), ("year", film.year), ("imdb_id", film.imdb_id)):
            if value is not None:
                await self.writes.fact("film", film_id, field, value, source_id)
        await self._directors(film_id, film, source_id)
        self.touched_films.add(film_id)
        return film_id

    async def _find_film(self, film: DiscdbFilm) -> int | None:
        if film.imdb_id:
            found = await store.films_with_imdb(self.tx, film.imdb_id)
            if found:
                return found[0]
        best: tuple[tuple[int, bool, int], int] | None = None
        for film_id, _, year in await lookups.films_titled(self.tx, norm_title(film.title)):
            if film.year and year and abs(film.year - year) > 1:
                continue
            imdb = await store.imdb_of(self.tx, film_id)
            if film.imdb_id and imdb and imdb != film.imdb_id:
                continue  # another film of that title: IMDb ids tell them apart
            known = await lookups.directors_of(self.tx, film_id)
            agree = any(same_person(d, k) for d in film.directors for k in known)
            if film.directors and known and not agree:
                continue
            distance = abs(film.year - year) if film.year and year else 1
            rank = (distance, not agree, film_id)
            if best is None or rank < best[0]:
                best = (rank, film_id)
        return best[1] if best else None

    async def _directors(self, film_id: int, film: DiscdbFilm, source_id: int) -> None:
        """Directors for a film the catalog gives none (a film this import made)."""
        if not film.directors or await store.film_has_directors(self.tx, film_id):
            return
        for billing, name in enumerate(film.directors, start=1):
            person_id = await lookups.person_spelled(self.tx, norm_name(name))
            if person_id is None:
                person_id = await self.writes.person(name)
            await self.writes.alias(person_id, name, source_id)
            await self.writes.credit(film_id, person_id, "director", billing, source_id)

    # --- editions --------------------------------------------------------------------

    async def _release(self, release: DiscdbRelease, film_id: int, source_id: int) -> None:
        label_id = await self.writes.name_id("labels", release.label) if release.label else None
        edition_id, own = await self._edition(release, film_id, label_id, source_id)
        await store.add_edition_key(self.tx, release.key, edition_id, source_id)
        films = await store.films_of(self.tx, edition_id)
        if film_id not in films:
            await self.writes.edition_film(edition_id, film_id, len(films), source_id)
            if films:
                await store.mark_boxset(self.tx, edition_id)
        values = _values(release, label_id)
        await store.set_edition(self.tx, edition_id, values, replace=own)
        for column in _FACT_COLUMNS:
            if values.get(column) is not None:
                await self.writes.fact("edition", edition_id, column, values[column], source_id)
        if release.label:
            await self.writes.fact("edition", edition_id, "label", release.label, source_id)
        await self._tracks(release, edition_id, source_id, own=own)
        await self._features(release, edition_id, source_id)
        self.editions.add(edition_id)
        self.report.discs += release.disc_count
        self.report.extras += len(release.extras) + len(release.versions)
        self.report.audio_tracks += sum(a.count for a in release.audio)

    async def _edition(
        self, release: DiscdbRelease, film_id: int, label_id: int | None, source_id: int
    ) -> tuple[int, bool]:
        """The release's edition, and whether it is its own (made by this release: its
        values replace what is there) rather than one it was merged into."""
        known = await store.edition_by_key(self.tx, release.key)
        if known is not None:
            return known[0], known[1] == release.key
        same = await self._same_release(release, film_id, label_id)
        if same is not None:
            self.report.merged += 1
            return same, False
        edition_id = await self.writes.edition(
            release.key,
            release.title,
            label_id=label_id,
            spine=None,
            source_id=source_id,
            replace=False,
            is_boxset=release.is_boxset,
            fmt=release.format,
        )
        self.report.new_editions += 1
        return edition_id, True

    async def _same_release(
        self, release: DiscdbRelease, film_id: int, label_id: int | None
    ) -> int | None:
        """An edition already known that is clearly this release (see the module's text)."""
        if release.upc:
            same_code = await store.editions_with_barcode(self.tx, release.upc)
            if same_code:
                return same_code[0].id
        if label_id is None:
            return None
        fitting: list[tuple[tuple[bool, bool], int]] = []
        for edition in await store.editions_of(self.tx, film_id):
            if edition.claimed or edition.upc or edition.label_id != label_id:
                continue
            if edition.is_boxset != release.is_boxset:
                continue
            if edition.is_boxset and norm_title(edition.title) != norm_title(release.title):
                continue
            if edition.format and edition.format != release.format:
                continue
            if (
                edition.external_key.startswith("criterion:")
                and release.release_date
                and release.release_date > CRITERION_LIST_DATE
            ):
                continue  # released after the list was compiled: not the list's edition
            if edition.region and release.region and edition.region != release.region:
                continue
            if (
                edition.release_date
                and release.release_date
                and edition.release_date[:4] != release.release_date[:4]
            ):
                continue  # a reissue years apart is another release
            rank = (edition.format == release.format, edition.spine is not None)
            fitting.append((rank, edition.id))
        fitting.sort(key=lambda f: f[0], reverse=True)
        if not fitting or (len(fitting) > 1 and fitting[0][0] == fitting[1][0]):
            return None  # none, or two alike: unsure, so kept apart
        return fitting[0][1]

    async def _tracks(
        self, release: DiscdbRelease, edition_id: int, source_id: int, *, own: bool
    ) -> None:
        """Audio and subtitles. Into an edition another source described, a track whose
        language and codec it lists already is that track in other words."""
        listed = set() if own else set(await lookups.audio_tracks(self.tx, edition_id))
        for track in release.audio:
            await self.writes.fact("edition", edition_id, "audio", track.description, source_id)
            if (track.language, track.codec) in listed:
                continue
            await documents.add_audio(
                self.tx,
                edition_id,
                language=track.language,
                codec=track.codec,
                channels=track.channels,
                description=track.description,
                source_id=source_id,
            )
        for language in release.subtitles:
            await documents.add_subtitles(self.tx, edition_id, language, source_id)

    async def _features(self, release: DiscdbRelease, edition_id: int, source_id: int) -> None:
        """Other cuts, then extras. One another source listed ('Trailer' for 'Theatrical
        Trailer') takes the runtime it lacked; each is matched once."""
        others = await lookups.features_of(self.tx, edition_id)
        by_title = {title: fid for fid, title in others}
        position = len(others)
        for feature in (*release.versions, *release.extras):
            twin = by_title.get(feature.title) or next(
                (fid for fid, title in others if same_feature(title, feature.title)), None
            )
            if twin is not None:
                others = [(fid, title) for fid, title in others if fid != twin]
                await documents.fill_feature(
                    self.tx, twin, runtime_min=feature.runtime_min, year=None, kind=feature.kind
                )
                feature_id = twin
            else:
                feature_id = await documents.add_feature(
                    self.tx,
                    edition_id,
                    position=position,
                    title=feature.title,
                    kind=feature.kind,
                    runtime_min=feature.runtime_min,
                    year=None,
                    source_id=source_id,
                )
                position += 1
            await self.writes.fact("special_feature", feature_id, "title", feature.title, source_id)
            if feature.runtime_min is not None:
                await self.writes.fact(
                    "special_feature", feature_id, "runtime_min", feature.runtime_min, source_id
                )


def _values(release: DiscdbRelease, label_id: int | None) -> dict[str, object]:
    """The edition columns the release states. A box set's discs are not counted: the
    tree lists only the discs of the film it is filed under."""
    video = release.video
    return {
        "format": release.format,
        "disc_count": None if release.is_boxset else release.disc_count,
        "disc_formats": None if release.is_boxset else release.disc_formats,
        "region": release.region,
        "video_resolution": video.resolution if video else None,
        "video_codec": video.codec if video else None,
        "hdr": video.hdr if video else None,
        "release_date": release.release_date,
        "upc": release.upc,
        "asin": release.asin,
        "label_id": label_id,
    }
