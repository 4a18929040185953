"""TheDiscDb's repository layout (https://github.com/TheDiscDb/data, MIT) read as editions.

A clone holds `data/movie/<Film (Year)>/metadata.json` and, per release (an edition),
`<release-slug>/release.json` with one `discNN.json` per disc: the playlists MakeMKV
found on it, those identified carrying an `Item` (the main movie, an extra, a trailer...)
and their video, audio and subtitle tracks. A `discNN.ref` says a disc is shared with
another release (`{"releasePath": "movie/<Film>/<release>", "disc": "discNN"}`).

Reading is streamed film by film (a full clone has ~1,000 films and disc files of up to
700 KB); each release becomes a `DiscdbRelease` (`bot.importers.discdb_model`), and
`import_discdb` writes them in one transaction (`bot.importers.discdb_merge`).

How the files are read:

- **The main feature** is the first `MainMovie` title on the release's best disc (a UHD
  disc before a Blu-ray before a DVD): its video, its audio tracks and its subtitle
  languages are the edition's. Other `MainMovie` titles under another name are other cuts
  (`versions`); the same film on a second disc (the Blu-ray of a 4K combo) is not.
- **Video**: the codec from the track's name (`Mpeg4 AVC` -> AVC/MPEG-4, `MpegH HEVC` ->
  HEVC, `Mpeg2` -> MPEG-2, `VC-1`), the resolution from its height (2160p, 1080p, 720p;
  576 and 480 lines are interlaced DVD video, 576i/480i). **HDR**: TheDiscDb has no HDR
  field, so it is read from the HEVC profile MakeMKV prints: `dvhe` or "Dolby Vision" in
  the name is Dolby Vision (profile 7 discs carry an HDR10 base layer too); any other
  HEVC Main10 stream at 2160p is HDR10, as UHD Blu-ray's HDR streams are; anything else
  is SDR or unknown and left empty. HDR10+ cannot be told.
- **Audio**: codecs in one spelling (DTS-HD MA, Dolby TrueHD, Dolby Atmos, Dolby Digital,
  LPCM, DTS), channels from `AudioType` (Mono 1.0, Stereo 2.0, Surround 5.1), the language
  from `Language` (so "fra" and "fre" are both French; "und" is no language), commentary
  when the track's description says so. MakeMKV lists a lossless track's lossy core as a
  track of its own (DTS after DTS-HD MA, Dolby Digital after TrueHD, same language); such
  a core without a description of its own is not listed again.
- **Extras** are identified titles of the types Extra, DeletedScene, Trailer, Interview,
  Featurette, Short, Music and Other, once per title (a 4K combo repeats them on each
  disc), with their runtime rounded to the minute. Unidentified titles (no `Item`:
  menus, logos, duplicates) are skipped.
- **Discs**: every `discNN.json` or `discNN.ref`. A `.ref` disc is the referenced disc
  when that is in the tree (even beside a `discNN.json`: the referenced one is the copy
  TheDiscDb maintains), else a disc whose contents are unknown. The legacy disc schema
  (`{Index, Format, Episodes[], Extras[], ...}`, all empty) gives just a disc.
- **Format**: 4K UHD when any disc is UHD, else Blu-ray, else DVD. When some disc is
  unknown (a `.ref` outside the tree), format words of the slug and title count too
  ("2012-blu-ray" with a known DVD disc is a Blu-ray combo).
- **Label** from the release's groups, slug and title (Criterion, Arrow, A24, Shout!
  Factory, Kino Lorber, Eureka/Masters of Cinema, ...; the film's own title is taken out
  first, so "Eureka (1983)" is not a Eureka release), else from a UPC prefix known to be a
  label's (715515 Criterion, 5027035 Arrow, 826663 Shout! Factory); else unknown.
- **Box sets**: a release whose title or slug names a collection, archive or trilogy
  ("Bong Joon Ho Collection", "The Wes Anderson Archive"); the same box set filed under
  several films is one edition (the merge joins them by UPC).

Malformed input raises `DiscdbError` naming the file (and the line, for bad JSON).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from bot.importers.discdb_fields import (
    Obj,
    Reader,
    barcode,
    disc_format,
    duration_seconds,
    edition_title,
    formats_named,
    iso_date,
    label_of,
    looks_like_boxset,
    minutes,
    read_audio,
    read_subtitles,
    read_video,
    region,
)
from bot.importers.discdb_merge import DiscdbReport, DiscdbWriter
from bot.importers.discdb_model import (
    FORMAT_RANK,
    Disc,
    DiscdbError,
    DiscdbFilm,
    DiscdbRelease,
    Extra,
    release_uri,
)
from bot.store.db import Database, Transaction
from bot.store.discdb_writes import known_uris
from bot.text import fold

__all__ = [
    "DiscdbError",
    "DiscdbRelease",
    "DiscdbReport",
    "discdb_imported",
    "import_discdb",
    "iter_films",
    "movie_folder",
    "parse_release",
    "release_hashes",
]

# --- the tree ----------------------------------------------------------------------------


def movie_folder(root: Path) -> Path:
    """The `movie/` folder of a clone: PATH is the clone's root or its `data/` folder."""
    for candidate in (root / "movie", root / "data" / "movie"):
        if candidate.is_dir():
            return candidate
    raise DiscdbError(
        str(root), None, "no movie/ folder here: give the root of a TheDiscDb clone or its data/"
    )


def film_folders(movies: Path) -> list[Path]:
    """The film folders, in name order (a stable order makes re-runs identical)."""
    return sorted((p for p in movies.iterdir() if p.is_dir()), key=lambda p: p.name)


def iter_films(movies: Path) -> Iterator[tuple[DiscdbFilm, list[DiscdbRelease]]]:
    """Each film folder with its releases, one folder at a time."""
    for folder in film_folders(movies):
        yield _read_film(movies, folder)


def release_hashes(root: Path) -> list[str]:
    """The SHA-256 of every release of the tree, as the import records them in `sources`:
    all known means the tree was imported as it is now."""
    return [r.sha256 for _, releases in iter_films(movie_folder(root)) for r in releases]


# --- discs ----------------------------------------------------------------------------------

_EXTRA_KINDS = {
    "extra": "extra",
    "deletedscene": "deleted scene",
    "trailer": "trailer",
    "interview": "interview",
    "featurette": "featurette",
    "short": "short film",
    "music": "music",
    "other": "other",
}
_MAIN = "mainmovie"
_FOLDER_YEAR = re.compile(r"\((\d{4})\)\s*$")
_DISC_FILE = re.compile(r"^disc(\d+)\.(json|ref)$", re.I)
_LEGACY_KEYS = ("Episodes", "Extras", "DeletedScenes", "Trailers", "MainMovies", "Unknown")


@dataclass(frozen=True)
class _Title:
    """An identified title (playlist) of a disc."""

    disc: Disc
    order: int
    name: str
    kind: str  # the Item.Type folded: mainmovie, extra, deletedscene, ...
    seconds: int | None
    tracks: list[Obj]


def _disc(obj: Obj, number: int) -> tuple[Disc, list[_Title]]:
    """A disc file: the disc and its identified titles. The legacy schema (no Titles,
    empty Extras/MainMovies/... lists) gives just the disc."""
    fmt = disc_format(obj.text("Format", required=True))
    if not obj.has("Titles") and not any(obj.has(k) for k in _LEGACY_KEYS):
        raise obj.fail("Titles", "is missing")
    entries = obj.objects("Titles")
    disc = Disc(
        index=obj.number("Index") or number,
        format=fmt,
        name=obj.text("Name"),
        titles=len(entries),
    )
    titles = []
    for order, entry in enumerate(entries):
        item = entry.object("Item")
        if item is None:
            continue  # unidentified: a menu, a logo, a duplicate playlist
        titles.append(
            _Title(
                disc=disc,
                order=order,
                name=item.text("Title", required=True) or "",
                kind=fold(item.text("Type", required=True) or "").replace(" ", ""),
                seconds=duration_seconds(entry),
                tracks=entry.objects("Tracks"),
            )
        )
    return disc, titles


def _ref_target(reader: Reader, ref: Obj) -> Path:
    release_path = ref.text("releasePath", required=True) or ""
    disc = ref.text("disc", required=True) or ""
    if ".." in Path(release_path).parts or Path(release_path).is_absolute():
        raise ref.fail("releasePath", f"{release_path!r} is not a path inside the tree")
    return reader.movies.parent / release_path / f"{disc}.json"


def _discs(reader: Reader, folder: Path) -> tuple[list[Disc], list[_Title]]:
    numbers: dict[int, dict[str, Path]] = {}
    for path in folder.iterdir():
        match = _DISC_FILE.match(path.name)
        if match and path.is_file():
            numbers.setdefault(int(match[1]), {})[match[2].lower()] = path
    discs: list[Disc] = []
    titles: list[_Title] = []
    for number in sorted(numbers):
        files = numbers[number]
        source = files.get("json")
        shared = None
        if "ref" in files:
            ref = reader.object(files["ref"])
            target = _ref_target(reader, ref)
            shared = reader.shown(target).removesuffix(".json")
            if target.is_file():
                source = target
            elif source is None:
                discs.append(
                    Disc(index=number, format=None, name=None, titles=0, shared_from=shared)
                )
                continue
        assert source is not None
        disc, found = _disc(reader.object(source), number)
        if shared:  # numbered as this release's disc, not the other release's
            disc = Disc(number, disc.format, disc.name, disc.titles, shared_from=shared)
            found = [_Title(disc, t.order, t.name, t.kind, t.seconds, t.tracks) for t in found]
        discs.append(disc)
        titles.extend(found)
    return discs, titles


def _release_format(discs: list[Disc], slug: str, title: str) -> str | None:
    known = {d.format for d in discs if d.format}
    if not discs or any(d.format is None for d in discs):
        known |= formats_named(slug, title)
    ranked = [f for f in known if f in FORMAT_RANK]
    if ranked:
        return max(ranked, key=lambda f: FORMAT_RANK[f])
    return next(iter(sorted(known)), None)


def _main_feature(titles: list[_Title]) -> _Title | None:
    """The first main movie on the best disc (UHD, then Blu-ray, then DVD)."""
    mains = [t for t in titles if t.kind == _MAIN]
    if not mains:
        return None
    return max(
        mains, key=lambda t: (FORMAT_RANK.get(t.disc.format or "", 0), -t.disc.index, -t.order)
    )


# An 'Other' title that is a studio logo, a warning or a menu, not a feature.
_NOT_A_FEATURE = re.compile(r"\b(?:logo|warning|disclaimer|fbi|menu|intro|bumper)s?\b", re.I)


def _is_feature(title: _Title) -> bool:
    if title.kind != "other":
        return True
    return not _NOT_A_FEATURE.search(title.name) and (title.seconds or 0) >= 30


def _feature_title(title: _Title, kind: str) -> str:
    """'Play All' of a deleted scenes menu is 'Deleted scenes (play all)'."""
    if fold(title.name) == "play all":
        return f"{kind.capitalize()}s (play all)"
    return title.name


def _features(titles: list[_Title], main: _Title | None) -> tuple[list[Extra], list[Extra]]:
    """(extras, other cuts), each once, in disc order. A main movie under another
    name is another cut unless it runs as long as the main feature (the same cut on the
    combo's Blu-ray: 'Army of Darkness (Theatrical Cut)')."""
    extras: dict[str, Extra] = {}
    versions: dict[str, Extra] = {}
    # (kind, seconds) -> disc of the extras seen: a UHD disc repeats the Blu-ray's extras,
    # sometimes under other names ('Deleted Scenes with Commentary' / 'Deleted Scenes').
    timed: dict[tuple[str, int], int] = {}
    main_key = fold(main.name) if main else None
    main_minutes = minutes(main.seconds) if main else None
    for title in sorted(titles, key=lambda t: (t.disc.index, t.order)):
        runtime = minutes(title.seconds)
        if title.kind in _EXTRA_KINDS and _is_feature(title):
            kind = _EXTRA_KINDS[title.kind]
            name = _feature_title(title, kind)
            if title.seconds and title.seconds >= 60:
                seen_on = timed.setdefault((kind, title.seconds), title.disc.index)
                if seen_on != title.disc.index:
                    continue
            extras.setdefault(fold(name), Extra(name, kind, runtime, title.disc.index))
        elif title.kind == _MAIN and fold(title.name) != main_key:
            if main_minutes and runtime and abs(runtime - main_minutes) <= 1:
                continue
            versions.setdefault(
                fold(title.name),
                Extra(title.name, "alternate version", runtime, title.disc.index),
            )
    return list(extras.values()), list(versions.values())


# --- films and releases ---------------------------------------------------------------------


def _read_film(movies: Path, folder: Path) -> tuple[DiscdbFilm, list[DiscdbRelease]]:
    film_reader = Reader(movies)
    meta_path = folder / "metadata.json"
    if not meta_path.is_file():
        raise DiscdbError(
            film_reader.shown(meta_path), None, "the film folder has no metadata.json"
        )
    film = _film(film_reader.object(meta_path), folder.name)
    metadata = film_reader.hash.digest()
    releases = []
    for release_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if (release_dir / "release.json").is_file():
            releases.append(parse_release(movies, film, release_dir, metadata))
    return film, releases


def _film(meta: Obj, folder: str) -> DiscdbFilm:
    year = meta.number("Year")
    if not year:
        match = _FOLDER_YEAR.search(folder)
        year = int(match[1]) if match else None
    ids = meta.object("ExternalIds")
    imdb = ids.text("Imdb") if ids else None
    return DiscdbFilm(
        folder=folder,
        slug=meta.text("Slug") or fold(folder).replace(" ", "-"),
        title=meta.text("Title", required=True) or folder,
        year=year,
        imdb_id=imdb if imdb and re.fullmatch(r"tt\d+", imdb) else None,
        directors=meta.texts("Directors"),
    )


def parse_release(
    movies: Path, film: DiscdbFilm, folder: Path, metadata: bytes = b""
) -> DiscdbRelease:
    """One release folder as an edition (its film read already from metadata.json, whose
    hash `metadata` counts in the release's: a changed film changes its releases)."""
    reader = Reader(movies)
    reader.hash.update(metadata)
    info = reader.object(folder / "release.json")
    discs, titles = _discs(reader, folder)
    slug = info.text("Slug") or folder.name
    name = info.text("Title", required=True) or slug
    groups = info.texts("Groups")
    upc = barcode(info.text("Upc"))
    main = _main_feature(titles)
    extras, versions = _features(titles, main)
    is_boxset = looks_like_boxset(film, slug, name)
    release = DiscdbRelease(
        film=film,
        slug=folder.name,
        edition_name=name,
        title=edition_title(film, name, is_boxset),
        label=label_of(film, slug, name, groups, upc),
        format=_release_format(discs, slug, name),
        discs=discs,
        region=region(info.text("RegionCode")),
        release_date=iso_date(info, "ReleaseDate"),
        upc=upc,
        asin=info.text("Asin"),
        locale=info.text("Locale"),
        groups=groups,
        extras=extras,
        versions=versions,
        is_boxset=is_boxset,
    )
    # The main feature's specs are the release's only when it is on a disc of the
    # release's format (not the DVD of a Blu-ray combo whose Blu-ray is not in the tree).
    if main is not None and main.disc.format == release.format:
        release.video = read_video(main.tracks)
        release.audio = read_audio(main.tracks)
        release.subtitles = read_subtitles(main.tracks)
        release.main_runtime_min = minutes(main.seconds)
    release.sha256 = reader.hash.hexdigest()
    release.files = reader.files
    return release


# --- the import ----------------------------------------------------------------------------


async def import_discdb(
    target: Database | Transaction,
    root: Path,
    *,
    progress: bool | None = None,
    keep_known: bool = False,
) -> DiscdbReport:
    """Import a TheDiscDb tree (a clone's root, its data/ folder, or data/thediscdb).

    Given a Database, the import is one transaction of its own; given a Transaction (the
    catalog build's), it writes inside it. Either way a bad file raises DiscdbError and,
    the transaction rolled back, nothing is written. Releases imported before (the same
    files, by hash) are skipped, so a re-run changes nothing; a release whose files
    changed replaces what it wrote, unless `keep_known` (the bundled sample must not
    undo an operator's import of a newer clone)."""
    started = time.perf_counter()
    movies = movie_folder(root)
    if isinstance(target, Transaction):
        report = await _import(target, movies, progress, keep_known)
    else:
        async with target.transaction() as tx:
            report = await _import(tx, movies, progress, keep_known)
    report.seconds = time.perf_counter() - started
    return report


async def discdb_imported(db: Database | Transaction, root: Path) -> bool:
    """True when every release of the tree was imported, from this copy or another (by
    its path in the repository; no file is read but the folder listing)."""
    uris = [
        release_uri(film.name, release.name)
        for film in film_folders(movie_folder(root))
        for release in sorted(film.iterdir())
        if (release / "release.json").is_file()
    ]
    return len(await known_uris(db, uris)) == len(uris)


async def _import(
    tx: Transaction, movies: Path, progress: bool | None, keep_known: bool
) -> DiscdbReport:
    folders = film_folders(movies)
    if progress is None:
        progress = sys.stderr.isatty()
    writer = DiscdbWriter(tx, keep_known=keep_known)
    with tqdm(
        total=len(folders),
        desc="Importing TheDiscDb",
        unit="film",
        disable=not progress,
        file=sys.stderr,
    ) as bar:
        for folder in folders:
            film, releases = _read_film(movies, folder)
            await writer.film(film, releases)
            bar.update(1)
    await writer.finish()
    return writer.report
