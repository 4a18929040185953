"""What a parser understood of one document, before it is merged into the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.importers.documents.fields import AudioTrack, Score


class DocumentError(ValueError):
    """The document cannot be imported; `reason` says why, in words for the admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Feature:
    title: str
    kind: str | None = None
    runtime_min: int | None = None
    year: int | None = None


@dataclass
class Section:
    heading: str | None
    body: str
    is_spoiler: bool = False


@dataclass
class EarlierEdition:
    """An edition the document says this one replaces ('Criterion's previous DVD')."""

    format: str
    label: str | None
    note: str


@dataclass
class EditionInfo:
    label: str | None = None
    spine: str | None = None
    format: str | None = None
    disc_count: int | None = None
    disc_type: str | None = None
    region: str | None = None
    video_resolution: str | None = None
    video_codec: str | None = None
    aspect_ratios: list[str] = field(default_factory=list)
    audio: list[AudioTrack] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    release_date: str | None = None
    release_country: str | None = None
    msrp: tuple[int, str] | None = None
    street_price: tuple[int, str] | None = None
    licensor: str | None = None
    studio: str | None = None
    restoration_note: str | None = None
    features: list[Feature] = field(default_factory=list)
    replaces: list[EarlierEdition] = field(default_factory=list)


@dataclass
class ReviewInfo:
    kind: str  # disc | film
    scores: dict[str, Score] = field(default_factory=dict)
    verdict: str | None = None
    sections: list[Section] = field(default_factory=list)
    author: str | None = None
    url: str | None = None
    publication: str | None = None


@dataclass
class ParsedDocument:
    kind: str
    title: str
    year: int | None = None
    directors: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    cast: list[str] = field(default_factory=list)
    cinematographers: list[str] = field(default_factory=list)
    characters: list[tuple[str, str]] = field(default_factory=list)  # (character, actor)
    names_in_text: list[str] = field(default_factory=list)  # capitalised words
    runtime_min: int | None = None
    released: str | None = None
    genres: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    synopsis: str | None = None
    original_title: str | None = None  # in the film's own language ('Letyat zhuravli')
    edition: EditionInfo | None = None
    review: ReviewInfo | None = None
    plot_notes: list[Section] = field(default_factory=list)
    # Every place the page names its film (page_titles.TitleCue), most trusted first.
    cues: list[Any] = field(default_factory=list)


@dataclass
class PageCues:
    """What a page says about itself besides its visible text: the HTML <title>, og:title,
    the first <h1>, schema.org objects (JSON-LD or microdata, flattened to dicts with an
    '@type'), a publication date, and the address it came from. Plain pasted text has
    none of these (all empty); the parsers then work from the text alone."""

    html_title: str | None = None
    og_title: str | None = None
    h1: str | None = None
    schema: list[dict[str, object]] = field(default_factory=list)
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    # The title a feed gives its item: the publisher's own name for what the item is
    # about, so it may name a film the catalog lacks (a shop's chrome line may not).
    item_title: str | None = None


@dataclass
class Page:
    """A document ready to parse: its main text as lines of plain text, and its cues."""

    text: str
    cues: PageCues = field(default_factory=PageCues)
    is_html: bool = False
