"""What the three document kinds share: film facts and edition specs from details."""

from __future__ import annotations

import re

from bot.importers.documents import fields
from bot.importers.documents.details import Details
from bot.importers.documents.features import make_feature
from bot.importers.documents.model import DocumentError, EditionInfo, ParsedDocument
from bot.importers.documents.spoilers import split_spoilers
from bot.text import fold, norm_title, same_person, split_list, split_names

LABEL_ALIASES = {
    "criterion": "The Criterion Collection",
    "criterion collection": "The Criterion Collection",
    "the criterion collection": "The Criterion Collection",
}


def canonical_label(name: str | None) -> str | None:
    if not name:
        return None
    # 'Criterion Collection (USA)': the company, without the market in brackets.
    name = " ".join(
        re.sub(r"\s*\((?:usa?|us|uk|eu|region\s+\w+|[a-z]{2})\)\s*$", "", name, flags=re.I).split()
    )
    return LABEL_ALIASES.get(name.lower(), name)


def check_one_film(details: Details, title: str = "") -> None:
    """A document whose details name two films (two years, two directors) is rejected."""
    years = {
        int(y)
        for v in details.all("year")
        for y in re.findall(r"(?<!\d)(?:18[89]\d|19\d\d|20\d\d)(?!\d)", v)
    }
    if len(years) > 1:
        raise DocumentError(
            "the document seems to be about more than one film (years "
            f"{', '.join(map(str, sorted(years)))}); import one document per film"
        )
    director_lists = [split_names(v) for v in details.all("director")]
    for other in director_lists[1:]:
        if not any(same_person(a, b) for a in director_lists[0] for b in other):
            raise DocumentError(
                "the document seems to be about more than one film (different directors in "
                "its details); import one document per film"
            )
    titles = {norm_title(v) for v in details.all("title")}
    if len(titles) > 1:
        raise DocumentError("the document names more than one film title; import one per film")
    # 'Solaris / Stalker' may be two films or one film under two names ('Children of
    # Men / Menneskenes Barn'): film_match decides that against the catalog.
    if re.search(r"double feature", title, re.I):
        raise DocumentError(
            f"“{title}” looks like two films on one disc; import one document per film"
        )


def _cased(names: list[str]) -> list[str]:
    """Names a page sets in capitals ('DAVID SILVERMAN') as names are written."""
    return [n.title() if n.isupper() and len(n) > 3 else n for n in names]


def apply_film_details(doc: ParsedDocument, details: Details) -> None:
    doc.directors = _cased(split_names(details.first("director") or ""))
    doc.writers = _cased(split_names(details.first("writer") or ""))
    doc.cast = _cased(_unique_names(details.first("cast") or ""))
    doc.cinematographers = _cased(split_names(details.first("cinematographer") or ""))
    doc.genres = split_list(details.first("genres") or "")
    doc.countries = split_list(details.first("country") or "")
    for value in details.all("runtime"):
        doc.runtime_min = doc.runtime_min or fields.parse_runtime(value)
    year = details.first("year")
    if year:
        doc.year = fields.parse_year(year)
    for value in details.all("release_date"):
        date = fields.parse_date(value)
        if date:
            doc.released = doc.released or date
    synopsis = details.first("synopsis")
    if synopsis:
        doc.synopsis = safe_synopsis(synopsis)
    original = " ".join((details.first("original_title") or "").split())
    if original and fold(original) != fold(doc.title or ""):
        doc.original_title = original


def safe_synopsis(text: str) -> str | None:
    """The synopsis without any sentence that may tell the outcome (it is shown to all)."""
    safe = [piece.body for piece in split_spoilers(None, text) if not piece.is_spoiler]
    return " ".join(safe) or None


def _unique_names(cell: str) -> list[str]:
    """A cast list, with exact repeats dropped ('Tatyana Samoilova, Tatiana Samoilova' keeps
    both spellings: the merge step makes them one person)."""
    seen: dict[str, str] = {}
    for name in split_names(cell):
        seen.setdefault(name.lower(), name)
    return list(seen.values())


_SPECS_WORD = re.compile(r"\b(?:disc|specs?|specifications|technical|video|information)\b", re.I)


def edition_from_details(details: Details, lines: list[str]) -> EditionInfo:
    edition = EditionInfo()
    edition.label = canonical_label(details.first("series") or details.first("studio"))
    edition.studio = details.first("studio")
    spine = details.first("spine")
    if spine:
        number = re.search(r"\d+", spine)
        edition.spine = str(int(number.group())) if number else None
    edition.licensor = details.first("licensor")
    # The disc's own date first ('Blu-ray release date'); a plain 'Release date' on a
    # disc's page is the disc's too, but never the film's year or premiere.
    for value in details.all("disc_date") + details.all("release_date"):
        edition.release_date = edition.release_date or fields.parse_date(value)
    edition.release_country = details.first("release_country")
    msrp = details.first("msrp")
    edition.msrp = fields.parse_price(msrp) if msrp else None
    street = details.first("street_price")
    edition.street_price = fields.parse_price(street) if street else None
    counted = details.all("discs")
    for spec in details.all("specs") + counted:
        edition.format = edition.format or fields.format_from(spec)
        count, disc_type = fields.parse_discs(spec, labelled=spec in counted)
        edition.disc_count = edition.disc_count or count
        edition.disc_type = edition.disc_type or disc_type
    # 'Aspect Ratio: 1.33:1  1080p  AVC codec': a spec row may carry the video too.
    for video in details.all("video") + details.all("aspect") + details.all("specs"):
        edition.video_resolution = edition.video_resolution or fields.parse_resolution(video)
        edition.video_codec = edition.video_codec or fields.parse_codec(video)
    for aspect in details.all("aspect"):
        for ratio in fields.parse_aspect_ratios(aspect):
            if ratio not in edition.aspect_ratios:
                edition.aspect_ratios.append(ratio)
    for audio in details.all("audio"):
        for part in re.split(r"\s*;\s*|\s*\|\s*|,\s+(?=[A-Z])", audio):
            track = fields.parse_audio(part)
            if track:
                edition.audio.append(track)
    for subtitles in details.all("subtitles"):
        for language in split_list(subtitles.replace(";", ",")):
            if language.lower() not in {s.lower() for s in edition.subtitles}:
                edition.subtitles.append(language)
    if not edition.subtitles:
        edition.subtitles = fields.subtitles_in("\n".join(lines))
    if not edition.video_resolution:
        # 'BLU-RAY DISC INFORMATION: 1080p High Definition, (16:9), ...': a labelled row
        # of specs under another name
        for line in lines:
            if len(line) <= 200 and re.match(r"^[^:]{2,40}:\s", line) and _SPECS_WORD.search(line):
                edition.video_resolution = fields.parse_resolution(line)
                if edition.video_resolution:
                    break
    region = details.first("region")
    if region:
        edition.region = fields.parse_region(f"Region {region}")
    _unlabelled_specs(
        edition,
        [line for i, line in enumerate(lines) if i not in details.lines_used and len(line) <= 80],
    )
    edition.features = [make_feature(f) for f in details.features]
    return edition


def _unlabelled_specs(edition: EditionInfo, short_lines: list[str]) -> None:
    """'1 Disc | BD-50', '1.33:1 ratio', 'Russian 1.0 PCM Mono', 'Region A' on their own."""
    for line in short_lines:
        count, disc_type = fields.parse_discs(line)
        if count or disc_type:
            edition.disc_count = edition.disc_count or count
            edition.disc_type = edition.disc_type or disc_type
            edition.format = edition.format or fields.format_from(line)
            continue
        ratios = fields.parse_aspect_ratios(line)
        if ratios and len(line) <= 30:
            edition.aspect_ratios.extend(r for r in ratios if r not in edition.aspect_ratios)
            continue
        if re.match(r"^\s*region\b", line, re.I):
            edition.region = edition.region or fields.parse_region(line)
            continue
        track = fields.parse_audio(line)
        if (
            track
            and track.codec
            and len(line) <= 50
            and all(fold(t.description) != fold(track.description) for t in edition.audio)
        ):
            edition.audio.append(track)


_TITLE_SUFFIX = re.compile(
    r"\s*(?:[-–—:|]\s*(?:a\s+)?(?:(?:blu-?ray|dvd|4k|uhd)\s+)?review\b.*|"
    r"\((?:blu-?ray|dvd|4k(?:\s+uhd)?|uhd|criterion(?:\s+collection)?)\)|"
    r"\[(?:blu-?ray|dvd|4k(?:\s+uhd)?|uhd)\]|"
    r"\s+(?:blu-?ray|dvd|4k uhd)\s+review\b.*)\s*$",
    re.I,
)
_TITLE_YEAR = re.compile(r"\s*[(\[](?P<year>18[89]\d|19\d\d|20\d\d)[)\]]\s*$")


def split_title(line: str | None) -> tuple[str, int | None]:
    """The film's title from a document's title line, and a year printed with it.

    'Solaris (1972)', 'Solaris (Blu-ray) (1972)', 'The Cranes Are Flying (1957) – a review'
    all name the film; the suffixes are the page's, not the title's.
    """
    title = " ".join((line or "").split())
    year = None
    for _ in range(3):
        before = title
        title = _TITLE_SUFFIX.sub("", title)
        match = _TITLE_YEAR.search(title)
        if match and match.start() > 0:
            year = year or int(match["year"])
            title = title[: match.start()]
        if title == before:
            break
    title = title.strip(' :-–—"“”')
    if not title or len(title) > 200 or not re.search(r"\w", title):
        raise DocumentError("the document has no film title on its first line")
    return title, year
