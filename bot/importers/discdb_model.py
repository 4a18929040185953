"""What the TheDiscDb importer reads from one release folder: plain records, no I/O.

`bot.importers.thediscdb` fills them from the files; `bot.importers.discdb_merge` writes
them into the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.importers.csvrows import CatalogError


class DiscdbError(CatalogError):
    """A file of a TheDiscDb tree cannot be imported. The message names the file by its
    path under the folder the import was given (several files share a name:
    'disc01.json'), with the line when the JSON parser gives one."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        super().__init__(path, line, reason)
        where = f"{path}, line {line}" if line else path
        self.args = (f"{where}: {reason}",)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class DiscdbFilm:
    """A film folder's metadata.json."""

    folder: str  # 'Citizen Kane (1941)'
    slug: str  # 'citizen-kane-1941'
    title: str
    year: int | None
    imdb_id: str | None
    directors: tuple[str, ...]


@dataclass(frozen=True)
class Video:
    """The main feature's video track."""

    codec: str | None  # AVC/MPEG-4, HEVC, MPEG-2, VC-1
    resolution: str | None  # 2160p, 1080p, 720p, 576i, 480i
    hdr: str | None  # Dolby Vision, HDR10 (see discdb_fields.hdr_of)
    # The stream's display frame as MakeMKV reports it (16:9, 4:3): not the film's aspect
    # ratio (a 1.37:1 film is pillarboxed in a 16:9 frame), so never written as one.
    frame: str | None
    name: str  # as TheDiscDb wrote it: 'MpegH HEVC Main10@L5.1 (dvhe.07.06 BL+FEL+RPU)'


@dataclass(frozen=True)
class Audio:
    """One audio track of the main feature."""

    language: str | None  # 'English'; None for 'und'
    codec: str  # DTS-HD MA, Dolby TrueHD, Dolby Atmos, Dolby Digital, LPCM, DTS, ...
    channels: str | None  # 1.0, 2.0, 5.1, 7.1
    commentary: bool
    label: str | None  # the track's own description ('Director's Commentary')
    count: int = 1  # identical tracks (three undescribed English mono tracks)

    @property
    def description(self) -> str:
        """'English DTS-HD MA 5.1', 'English Dolby Digital 2.0 (Director's Commentary)',
        'English Dolby Digital 1.0 ×3'."""
        words = " ".join(w for w in (self.language, self.codec, self.channels) if w)
        if self.label and self.label != self.language:
            words += f" ({self.label})"
        if self.count > 1:
            words += f" ×{self.count}"
        return words


@dataclass(frozen=True)
class Extra:
    """A special feature: an identified title that is not the main feature."""

    title: str
    kind: str  # extra, deleted scene, trailer, interview, featurette, short film, ...
    runtime_min: int | None
    disc: int  # the disc it was found on


@dataclass(frozen=True)
class Disc:
    """One physical disc of a release."""

    index: int
    format: str | None  # DVD, Blu-ray, 4K UHD; None for a shared disc not in the tree
    name: str | None
    titles: int  # playlists MakeMKV found (identified or not)
    shared_from: str | None = None  # 'movie/<Film>/<release>/discNN' for a .ref disc


@dataclass
class DiscdbRelease:
    """One release folder: an edition of a film as TheDiscDb describes it."""

    film: DiscdbFilm
    slug: str  # the release folder's name
    edition_name: str  # release.json Title
    title: str  # the edition's title: edition_name, or the film's when that is generic
    label: str | None
    format: str | None  # 4K UHD when any disc is UHD, else Blu-ray, else DVD
    discs: list[Disc]
    region: str | None
    release_date: str | None  # ISO date
    upc: str | None
    asin: str | None
    locale: str | None
    groups: tuple[str, ...]
    video: Video | None = None
    audio: list[Audio] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    # Other cuts of the film on the discs ('Army of Darkness (Director's Cut)').
    versions: list[Extra] = field(default_factory=list)
    main_runtime_min: int | None = None
    is_boxset: bool = False
    sha256: str = ""  # of every file read for this release
    files: list[str] = field(default_factory=list)  # those files, relative to the root

    @property
    def key(self) -> str:
        """The edition's natural key: 'discdb:Citizen Kane (1941)/2021-criterion-4k'."""
        return f"discdb:{self.film.folder}/{self.slug}"

    @property
    def path(self) -> str:
        """Where it lives in the repository: 'movie/Citizen Kane (1941)/2021-criterion-4k'."""
        return f"movie/{self.film.folder}/{self.slug}"

    @property
    def uri(self) -> str:
        """Its source's uri (`release_uri`)."""
        return release_uri(self.film.folder, self.slug)

    @property
    def disc_count(self) -> int:
        return len(self.discs)

    @property
    def disc_formats(self) -> str | None:
        """'1 × 4K UHD + 2 × Blu-ray' for a combo pack whose discs are all known; else
        None (one format says nothing the format does not)."""
        if not self.discs or any(d.format is None for d in self.discs):
            return None
        counts: dict[str, int] = {}
        for disc in self.discs:
            assert disc.format is not None
            counts[disc.format] = counts.get(disc.format, 0) + 1
        if len(counts) < 2:
            return None
        order = sorted(counts, key=lambda f: -FORMAT_RANK.get(f, 0))
        return " + ".join(f"{counts[f]} × {f}" for f in order)


def release_uri(film_folder: str, slug: str) -> str:
    """'thediscdb:movie/Citizen Kane (1941)/2021-criterion-4k': the `sources.uri` of a
    release, the same whichever copy of the tree it was read from."""
    return f"thediscdb:movie/{film_folder}/{slug}"


# Better formats first: a release with one UHD disc is a 4K UHD release.
FORMAT_RANK = {"4K UHD": 3, "Blu-ray": 2, "DVD": 1}
