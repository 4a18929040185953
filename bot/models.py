"""Plain records the store returns and the core turns into cards: no SQL, no platform types."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TitleEntry:
    """One name a film goes by, as title search indexes it."""

    film_id: int
    title: str
    year: int | None
    popularity: float = 0.0  # any scale: search ranks it within one index
    primary: bool = True  # the film's display title


@dataclass(frozen=True)
class NameEntry:
    """One name a person goes by, as person search indexes it."""

    person_id: int
    name: str
    credits: int  # films credited: the more, the likelier the person meant
    primary: bool = True
    directed: int = 0  # films directed (they count twice)


@dataclass(frozen=True)
class PersonCredit:
    film: FilmSummary
    roles: tuple[str, ...]


@dataclass(frozen=True)
class FilmSummary:
    id: int
    title: str
    year: int | None
    directors: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """'Title (Year)'; the year is left out when unknown."""
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True)
class ClaimedValue:
    """A value and the sources that claimed it (provenance)."""

    value: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class EditionSummary:
    id: int
    title: str
    label: str | None
    spine: str | None
    format: str | None
    release_date: str | None
    is_boxset: bool

    @property
    def name(self) -> str:
        """'The Criterion Collection #146 (Blu-ray)' or the edition's own title."""
        parts = [self.label or self.title]
        if self.spine:
            parts[0] += f" #{self.spine}"
        if self.is_boxset:
            parts.append(f"box set “{self.title}”")
        if self.format:
            parts.append(self.format)
        return f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class SpecialFeature:
    title: str
    kind: str | None
    runtime_min: int | None
    year: int | None
    description: str | None


@dataclass(frozen=True)
class ScoreLine:
    category: str  # picture | audio | extras | film | overall
    value: float
    scale_max: float
    raw: str  # as the review printed it: '8/10', 'B+'


@dataclass(frozen=True)
class ReviewSummary:
    id: int
    source: str
    kind: str  # disc | film
    scores: tuple[ScoreLine, ...]
    verdict: str | None
    publication: str | None = None
    author: str | None = None
    url: str | None = None
    source_kind: str | None = None  # disc_review | blog_review | ...
    published_at: str | None = None
    edition_id: int | None = None

    @property
    def name(self) -> str:
        """Who wrote it, as a reader would cite it: publication, else author, else source."""
        return self.publication or self.author or self.source


@dataclass(frozen=True)
class TextSection:
    """A piece of a review or a plot note, with its spoiler flag."""

    heading: str | None
    body: str
    is_spoiler: bool
    source: str = ""


@dataclass(frozen=True)
class Release:
    """An edition with a release date, for `releases` and announcements."""

    edition: EditionSummary
    films: tuple[FilmSummary, ...]


@dataclass(frozen=True)
class EditionRelation:
    relation: str  # 'replaces' or 'replaced by'
    other: EditionSummary
    note: str | None
    source: str


@dataclass(frozen=True)
class EditionDetails:
    summary: EditionSummary
    specs: dict[str, str]  # column -> display value, only what we have
    films: tuple[FilmSummary, ...]  # every film on the edition (box sets: many)
    audio: tuple[str, ...] = ()
    subtitles: tuple[str, ...] = ()
    features: tuple[SpecialFeature, ...] = ()
    conflicts: dict[str, tuple[ClaimedValue, ...]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    reviews: tuple[ReviewSummary, ...] = ()
    relations: tuple[EditionRelation, ...] = ()


@dataclass(frozen=True)
class FilmDetails:
    summary: FilmSummary
    runtime_min: int | None
    released: str | None
    synopsis: str | None
    other_titles: tuple[str, ...]
    writers: tuple[str, ...]
    cinematographers: tuple[str, ...]
    cast: tuple[str, ...]
    cast_total: int
    countries: tuple[str, ...]
    genres: tuple[str, ...]
    languages: tuple[str, ...]
    editions: tuple[EditionSummary, ...]
    boxsets: tuple[EditionSummary, ...]
    conflicts: dict[str, tuple[ClaimedValue, ...]]  # field -> every value claimed, when >1
    sources: tuple[str, ...]
    original_title: str | None = None
    reviews: tuple[ReviewSummary, ...] = ()
    # How many of the cast a source gives in billing order (they come first); the rest,
    # from a source listing names alphabetically, are in no particular order.
    cast_billed: int = 0
