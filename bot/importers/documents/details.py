"""Labelled details blocks, in the forms sites print them.

Directed by: Mikhail Kalatozov        label and colon, value on the line
Length:96 Minutes                     no space after the colon
Director                              label alone, value on the next line
Mikhail Kalatozov
Sale Price 27.88                      a few labels need no colon
Directed by: X Year: 1957 Time: 95 min.   several run together on one line
Criterion | 1957 | 97 min | Jul 24, 2018  unlabelled spec rows, each piece by its look
£14.99Add to basket / Was £20 Now £12     shop price lines

A disc's own date ('Blu-ray release date', 'Disc release date') is `disc_date`, never the
film's; 'Original aspect ratio' is `original_aspect`, never the disc's `aspect`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from bot.importers.documents.features import find_features, split_prose_features
from bot.importers.documents.fields import (
    format_from,
    parse_aspect_ratios,
    parse_audio,
    parse_date,
    parse_discs,
    parse_price,
    parse_resolution,
    parse_runtime,
)
from bot.importers.documents.scores import read_value

# canonical field -> labels, longest first where one is a prefix of another.
_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("movie title", "title"),
    "original_title": (
        "original title",
        "original name",
        "native title",
        # the labels of the pages seen in Portuguese, Spanish, French, Italian, German,
        # Polish and Dutch
        "título original",
        "titulo original",
        "titre original",
        "titolo originale",
        "originaltitel",
        "tytuł oryginalny",
        "originele titel",
    ),
    "director": (
        "directed by",
        "director(s)",
        "directors",
        "director",
        "réalisateur",
        "réalisatrice",
        "réalisation",
        "regisseur",
        "regie",
        "regia",
        "dirección",
        "direção",
        "direcção",
        "reżyseria",
    ),
    "writer": (
        "written by",
        "screenplay by",
        "screenplay",
        "writers",
        "writer",
        "roteiro",
        "guion",
        "guión",
        "sceneggiatura",
        "drehbuch",
        "scénario",
        "scenariusz",
    ),
    "cast": (
        "starring",
        "stars",
        "main cast",
        "actors",
        "cast",
        "interpreti",
        "protagonisti",
        "acteurs",
        "hrají",
        "w rolach głównych",
        "elenco",
        "reparto",
        "besetzung",
        "darsteller",
        "interprètes",
        "obsada",
    ),
    "cinematographer": (
        "director of photography",
        "cinematography by",
        "cinematographer",
        "cinematography",
    ),
    "runtime": (
        "running time",
        "run time",
        "runtime",
        "length",
        "duration",
        "time",
        "duração",
        "duración",
        "durata",
        "durée",
        "laufzeit",
        "czas trwania",
    ),
    "year": (
        "movie release year",
        "production year",
        "theatrical release date",
        "theatrical release",
        "original release date",
        "original release",
        "year of release",
        "release year",
        "year",
    ),
    "disc_date": (
        "blu-ray release date",
        "bluray release date",
        "4k release date",
        "uhd release date",
        "dvd release date",
        "disc release date",
        "disc released",
        "bluray released",
        "blu-ray released",
        "dvd released",
        "uhd released",
        "released on blu-ray",
        "released on dvd",
    ),
    "release_date": ("release date", "street date", "released"),
    "rated": ("mpaa rating", "certificate", "rated", "cert."),
    "genres": ("genres", "genre"),
    "release_country": ("release country",),
    "country": ("countries", "country of origin", "country"),
    "series": ("series", "label", "collection"),
    "catalog": ("catalog #", "catalogue #", "catalog number", "catalogue number", "cat. no."),
    "upc": ("upc", "ean", "barcode"),
    "packaging": ("packaging", "case type"),
    "spine": ("edition #", "edition number", "edition no.", "spine #", "spine number", "spine"),
    "licensor": ("licensor", "licensed from"),
    "msrp": ("list price", "retail price", "msrp", "srp", "rrp"),
    "street_price": ("sale price", "street price", "our price", "price"),
    "studio": ("movie studio", "studio", "distributor", "distribution"),
    "specs": ("specs", "media format", "format"),
    "video": (
        "video resolution/codec",
        "video resolution",
        "video codec",
        "resolution",
        "codec",
        "video",
    ),
    "original_aspect": ("original aspect ratio", "original ratio", "theatrical aspect ratio"),
    "aspect": ("aspect ratio(s)", "aspect ratios", "aspect ratio"),
    "audio": (
        "audio formats",
        "audio codecs",
        "audio codec",
        "audio tracks",
        "audio languages",
        "audio language",
        "main audio",
        "primary audio",
        "audio",
        "languages",
        "language",
    ),
    "subtitles": ("subtitles/captions", "subtitles", "captions"),
    "region": ("region code", "region"),
    "features": (
        "special edition contents",
        "special features",
        "bonus features",
        "bonus material",
        "supplements",
        "extras",
    ),
    "synopsis": ("plot synopsis", "synopsis", "overview", "plot"),
    "discs": ("number of discs", "discs"),
}
# Labels that may stand without a colon before their value ('Sale Price 27.88').
_NO_COLON = {"msrp", "street_price", "region", "rated"}
# Fields whose value must look like a list of names, not a sentence.
_NAME_FIELDS = {"director", "writer", "cast", "cinematographer"}
# Fields whose value may be a paragraph on the next line.
_PARAGRAPH_FIELDS = {"synopsis"}
_BULLET = re.compile(r"^\s*(?:[•\-*·▪‣◦–✓]|\d{1,2}[.)])\s+")

__all__ = [
    "Details",
    "extract_details",
    "shop_prices",
    "spec_row",
    "split_prose_features",
    "split_run_on_features",
    "split_run_together",
]

_ALL = sorted(((lab, f) for f, labs in _LABELS.items() for lab in labs), key=lambda x: -len(x[0]))
_LABEL_ALT = "|".join(re.escape(lab) for lab, _ in _ALL)
_FIELD_OF = {lab: f for lab, f in _ALL}
_WITH_COLON = re.compile(rf"^(?P<label>{_LABEL_ALT})(?:\s*[:：]|\t)\s*(?P<value>.*)$", re.I)
_BARE = re.compile(rf"^(?P<label>{_LABEL_ALT})\s*[:：]?\s*$", re.I)
_NO_COLON_RX = re.compile(
    rf"^(?P<label>{'|'.join(re.escape(lab) for lab, f in _ALL if f in _NO_COLON)})\s+(?P<value>\S.*)$",
    re.I,
)
# Where a run-together line splits: before a label, after spaces or a '|' or '·' separator.
_INLINE_LABEL = re.compile(rf"(?<=\S)(?:\s*[|·•]\s*|\s+)(?=(?:{_LABEL_ALT})\s*[:：])", re.I)


_DISC_SPEC_LABEL = re.compile(
    r"(?:^|[\s|·•])(?:region(?: code)?|discs|number of discs|rrp|msrp|list price|format|"
    r"packaging|upc|catalog(?:ue)? #)\s*[:：]",
    re.I,
)
_PLAIN_RELEASE = re.compile(r"^(?:release date|released)(?=\s*[:：])", re.I)


@dataclass
class Details:
    values: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lines_used: set[int] = field(default_factory=set)
    features: list[str] = field(default_factory=list)

    def first(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[str]:
        return list(self.values.get(name, []))


def split_run_together(lines: list[str]) -> list[str]:
    """Split a line holding two or more 'Label: value' pairs into one line per pair."""
    out = []
    for line in lines:
        if len(re.findall(rf"(?:^|[\s|·•])(?:{_LABEL_ALT})\s*[:：]", line, re.I)) >= 2:
            parts = [part.strip(" |·•") for part in _INLINE_LABEL.split(line)]
            if _DISC_SPEC_LABEL.search(line):
                # 'Region: B | Discs: 1 | Release date: 25 April 2016': beside the disc's
                # specs, a release date is the disc's.
                parts = [_PLAIN_RELEASE.sub("Disc release date", p) for p in parts]
            out.extend(part for part in parts if part)
        else:
            out.append(line)
    return out


def _looks_like_names(value: str) -> bool:
    if not value or len(value) > 1500:
        return False
    parts = [p.strip() for p in re.split(r",|;| and ", value) if p.strip()]
    return bool(parts) and all(
        len(p) <= 60 and not p.endswith((".", "!", "?")) and p[0].isupper() for p in parts
    )


_SCORE_LIKE = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*(?:/|of|out of)\s*\d+\s*$|^[A-F][+\-]?$", re.I)
_CHANNELS = re.compile(r"^\s*[1-7]\.[01]\s*$")


def _is_score(value: str) -> bool:
    """'5.0/5', 'B+', '★★★★☆', '4.5': a review score, not a spec ('5.1' is channels)."""
    if _SCORE_LIKE.match(value):
        return True
    found = read_value(value)
    return found is not None and not (found.score is None and _CHANNELS.match(value))


def _valid(name: str, value: str) -> bool:
    if name in _STRICT and not _STRICT[name](value):
        return False
    if name in ("audio", "video") and _is_score(value):
        return False  # 'Audio: 5.0/5' is a score, not a track
    if name in ("msrp", "street_price") and parse_price(value) is None:
        return False
    if name == "rated" and len(value) > 40:
        return False
    if name in _NAME_FIELDS:
        return _looks_like_names(value)
    if name in _PARAGRAPH_FIELDS:
        return len(value) >= 20
    return 0 < len(value) <= 200


def extract_details(lines: list[str]) -> Details:
    """Find every labelled value; `lines_used` marks the lines that were details."""
    details = Details()
    i = 0
    while i < len(lines):
        line = _BULLET.sub("", lines[i]).strip()
        match = _WITH_COLON.match(line)
        value = match["value"].strip() if match else ""
        label = match["label"] if match else None
        if match is None:
            bare = _BARE.match(line)
            if bare:
                label = bare["label"]
            else:
                no_colon = _NO_COLON_RX.match(line)
                if no_colon:
                    label, value = no_colon["label"], no_colon["value"].strip()
        if label is None:
            pairs = spec_row(line) or shop_prices(line)
            if pairs:
                for name, value in pairs:
                    details.values[name].append(value)
                details.lines_used.add(i)
            i += 1
            continue
        name = _FIELD_OF[label.lower()]
        if name == "features":
            used = _collect_features(lines, i, value, details)
            details.lines_used.update(used)
            i = max(used, default=i) + 1
            continue
        if value:
            if _valid(name, value):
                details.values[name].append(value)
                details.lines_used.add(i)
            i += 1
            continue
        # Label alone: the value is the next line, unless that is a label too. A value
        # that proves itself ('£19.99', '1.37:1') may come after a blank line.
        j = i + 1
        if name in _STRICT and j < len(lines) and not lines[j].strip():
            j += 1
        if j < len(lines):
            nxt = _BULLET.sub("", lines[j]).strip()
            if nxt and not _WITH_COLON.match(nxt) and not _BARE.match(nxt) and _valid(name, nxt):
                details.values[name].append(nxt)
                details.lines_used.update({i, j})
                i = j + 1
                continue
        i += 1
    return details


# Fields whose value proves itself, so a label alone may take it from past a blank line.
_STRICT = {
    "runtime": lambda v: parse_runtime(v) is not None,
    "release_date": lambda v: bool(re.search(r"\d", v)) and len(v) <= 40,
    "disc_date": lambda v: bool(re.search(r"\d", v)) and len(v) <= 40,
    "year": lambda v: (
        len(v) <= 40 and bool(re.search(r"(?<!\d)(?:18[89]\d|19\d\d|20\d\d)(?!\d)", v))
    ),
    "aspect": lambda v: bool(parse_aspect_ratios(v)),
    "original_aspect": lambda v: bool(parse_aspect_ratios(v)),
    "msrp": lambda v: parse_price(v) is not None and len(v) <= 40,
    "street_price": lambda v: parse_price(v) is not None and len(v) <= 40,
    "region": lambda v: len(v) <= 30,
    "upc": lambda v: bool(re.fullmatch(r"[\d -]{8,20}", v)),
}


_SPEC_SEPARATOR = re.compile(r"\s+[|–—]\s+|\s+-\s+|\s*\|\s*")
_RATED = re.compile(
    r"^(?:rated\s+)?(?P<r>G|PG|PG-?13|R|NC-17|NR|unrated|not rated|U|12A?|15|18)$|"
    r"^(?:rated|cert(?:ificate)?\.?)\s+(?P<r2>\S{1,10})$",
    re.I,
)
_KNOWN_LABELS = re.compile(
    r"^(?:the\s+)?(?:criterion(?:\s+collection)?|arrow(?:\s+(?:video|academy))?|eureka|"
    r"masters of cinema|bfi|kino(?:\s+lorber)?|second sight|indicator|powerhouse|"
    r"shout(?:\s+factory)?|scream factory|vinegar syndrome|severin|radiance)$",
    re.I,
)
_COMPANY = re.compile(r"^[A-Z][\w&'’.\-/]*(?:\s+[A-Z0-9][\w&'’.\-/]*){0,4}$")
# Picture words a spec row prints on their own ('HD | 1080P | DTS-HD Master Audio 7.1'):
# specs, never a company.
_PICTURE_WORD = re.compile(r"^(?:HD|SD|UHD|HDR\s*10\+?|HDR|SDR|Dolby Vision|3D|2D|4K)$", re.I)


def _spec_piece(piece: str) -> list[tuple[str, str]]:
    """What one cell of an unlabelled spec row is: [(field, value)], or [] if unknown."""
    piece = piece.strip(" ,;")
    year = re.fullmatch(
        r"(?P<y>18[89]\d|19\d\d|20\d\d)(?:\s*\((?:18[89]\d|19\d\d|20\d\d)\))?", piece
    )
    if year:
        return [("year", year["y"])]  # '2008 (2009)': the film's year, then the disc's
    if parse_date(piece):
        return [("release_date", piece)]
    if re.fullmatch(r"[\d\s.,:hrsminutes]+", piece, re.I) and parse_runtime(piece):
        return [("runtime", piece)]
    rated = _RATED.match(piece)
    if rated:
        return [("rated", rated["r"] or rated["r2"])]
    region = re.fullmatch(r"region\s*:?\s*(?P<r>[\w,/& ]{1,12})", piece, re.I)
    if region:
        return [("region", region["r"])]
    count, disc_type = parse_discs(piece)
    if count or disc_type:
        return [("discs", piece)]
    if _PICTURE_WORD.match(piece):
        return [("video", piece)]
    out: list[tuple[str, str]] = []
    if parse_resolution(piece) and len(piece) <= 40:
        out.append(("video", piece))
    if parse_aspect_ratios(piece) and len(piece) <= 40:
        out.append(("aspect", piece))
    if out:
        return out
    track = parse_audio(piece)
    if track and track.codec and len(piece) <= 60:
        return [("audio", piece)]
    if format_from(piece) and len(piece) <= 30:
        return [("specs", piece)]
    if re.fullmatch(r"(?:US\$|C\$|A\$|[$£€¥])\s?\d[\d.,]*", piece):
        return [("street_price", piece)]
    company = re.fullmatch(r"(?P<studio>[^()]+?)\s*\((?P<series>[^()]+)\)", piece)
    if company and _COMPANY.match(company["studio"]) and _COMPANY.match(company["series"]):
        if _KNOWN_LABELS.match(company["studio"]):
            return [("series", company["studio"])]  # 'Criterion (America)': a country
        if _KNOWN_LABELS.match(company["series"]):
            return [("studio", company["studio"]), ("series", company["series"])]
        return [("studio", piece)]
    if _KNOWN_LABELS.match(piece):
        return [("series", piece)]
    if _COMPANY.match(piece) and len(piece) <= 40:
        return [("studio", piece)]
    return []


def spec_row(line: str) -> list[tuple[str, str]] | None:
    """'Criterion | 1957 | 97 min | Rated NR | Jul 24, 2018' -> [('series', 'Criterion'),
    ('year', '1957'), ('runtime', '97 min'), ('rated', 'NR'), ('release_date', ...)].

    Every cell must be recognised, at most one of them by its looks as a company name (a
    menu 'Home | Reviews | Forum' is not a spec row), and at least two as specs."""
    if len(line) > 300:
        return None
    pieces = [p.strip() for p in _SPEC_SEPARATOR.split(line.strip()) if p.strip()]
    if len(pieces) < 2:
        return None
    pairs: list[tuple[str, str]] = []
    names = 0
    for piece in pieces:
        found = _spec_piece(piece)
        if not found:
            return None
        if {f for f, _ in found} <= {"studio", "series"}:
            names += 1
        pairs.extend(found)
    specs = len(pieces) - names
    if any(re.search(r"\(\s*\d{4}\s*\)", p) for p in pieces if _spec_piece(p)[0][0] == "year"):
        specs += 1  # '2008 (2009)': the film's year and the disc's, a spec row's own mark
    formats = {v for f, v in pairs if f == "specs"}
    if names > 1 or specs < 2 or len(formats) > 1:
        return None  # 'Blu-ray | DVD | 4K' is a menu of formats
    return pairs


_WAS_NOW = re.compile(
    r"\bwas\s*:?\s*(?P<was>(?:US\$|[$£€¥])?\s?\d[\d.,]*)\W{0,3}\s*(?:now(?:\s+only)?|only)\s*:?\s*"
    r"(?P<now>(?:US\$|[$£€¥])?\s?\d[\d.,]*)",
    re.I,
)
_PRICE_ALONE = re.compile(
    r"^(?:our\s+price\s*:?\s*)?(?P<p>(?:US\$|C\$|A\$|[$£€¥])\s?\d{1,5}(?:[.,]\d{2})?)\s*"
    r"(?:(?:add\s+to\s+(?:basket|cart|bag)|buy\s+now|in\s+stock|pre-?order)\b.*)?$",
    re.I,
)


def shop_prices(line: str) -> list[tuple[str, str]] | None:
    """Shop lines: 'Was £20 Now £12' (msrp, then street price), '£14.99Add to basket' and a
    price alone on its line ('$29.95'), which is what the shop asks."""
    match = _WAS_NOW.search(line)
    if match and len(line) <= 80:
        return [("msrp", match["was"].strip(" ,.")), ("street_price", match["now"].strip(" ,."))]
    match = _PRICE_ALONE.match(line.strip())
    if match:
        return [("street_price", match["p"])]
    return None


def _collect_features(lines: list[str], start: int, inline: str, details: Details) -> set[int]:
    """The list after a 'Special Features' label, or the features named on its line. An
    'Extras: 4/5' is a score, not a feature: nothing is taken and no line is used."""
    if inline and read_value(inline) is not None:
        return set()
    found = find_features(lines, start=start)
    if start not in found.lines_used:
        return set()
    details.features.extend(found.items)
    return found.lines_used


def split_run_on_features(line: str) -> list[str]:
    """Blurbs run together on one line, separated by runs of spaces."""
    return [p.strip() for p in re.split(r"\s{2,}", line.strip()) if len(p.strip()) > 3]
