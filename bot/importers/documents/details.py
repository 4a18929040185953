"""Labelled details blocks, in the forms sites print them.

Directed by: Mikhail Kalatozov        label and colon, value on the line
Length:96 Minutes                     no space after the colon
Director                              label alone, value on the next line
Mikhail Kalatozov
Sale Price 27.88                      a few labels need no colon
Directed by: X Year: 1957 Time: 95 min.   several run together on one line
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

# canonical field -> labels, longest first where one is a prefix of another.
_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("movie title", "title"),
    "original_title": ("original title", "original name", "native title"),
    "director": ("directed by", "director(s)", "directors", "director"),
    "writer": ("written by", "screenplay by", "screenplay", "writers", "writer"),
    "cast": ("starring", "actors", "cast"),
    "cinematographer": (
        "director of photography",
        "cinematography by",
        "cinematographer",
        "cinematography",
    ),
    "runtime": ("running time", "run time", "runtime", "length", "duration", "time"),
    "year": ("movie release year", "production year", "year"),
    "release_date": ("release date", "street date", "released"),
    "genres": ("genres", "genre"),
    "release_country": ("release country",),
    "country": ("countries", "country of origin", "country"),
    "series": ("series", "label", "collection"),
    "spine": ("edition #", "edition number", "edition no.", "spine #", "spine number", "spine"),
    "licensor": ("licensor", "licensed from"),
    "msrp": ("list price", "retail price", "msrp", "srp", "rrp"),
    "street_price": ("sale price", "street price", "our price", "price"),
    "studio": ("movie studio", "studio", "distributor"),
    "specs": ("specs", "format"),
    "video": ("video resolution/codec", "video resolution", "video codec", "video"),
    "aspect": ("aspect ratio(s)", "aspect ratios", "aspect ratio"),
    "audio": ("audio formats", "audio tracks", "audio"),
    "subtitles": ("subtitles/captions", "subtitles", "captions"),
    "region": ("region code", "region"),
    "features": ("special features", "bonus features", "supplements"),
    "synopsis": ("plot synopsis", "synopsis", "overview", "plot"),
    "discs": ("number of discs", "discs"),
}
# Labels that may stand without a colon before their value ('Sale Price 27.88').
_NO_COLON = {"msrp", "street_price", "region"}
# Fields whose value must look like a list of names, not a sentence.
_NAME_FIELDS = {"director", "writer", "cast", "cinematographer"}
# Fields whose value may be a paragraph on the next line.
_PARAGRAPH_FIELDS = {"synopsis"}
_BULLET = re.compile(r"^\s*(?:[•\-*·▪‣◦–]|\d{1,2}[.)])\s+")

_ALL = sorted(((lab, f) for f, labs in _LABELS.items() for lab in labs), key=lambda x: -len(x[0]))
_LABEL_ALT = "|".join(re.escape(lab) for lab, _ in _ALL)
_FIELD_OF = {lab: f for lab, f in _ALL}
_WITH_COLON = re.compile(rf"^(?P<label>{_LABEL_ALT})(?:\s*[:：]|\t)\s*(?P<value>.*)$", re.I)
_BARE = re.compile(rf"^(?P<label>{_LABEL_ALT})\s*[:：]?\s*$", re.I)
_NO_COLON_RX = re.compile(
    rf"^(?P<label>{'|'.join(re.escape(lab) for lab, f in _ALL if f in _NO_COLON)})\s+(?P<value>\S.*)$",
    re.I,
)
_INLINE_LABEL = re.compile(rf"(?<=\S)\s+(?=(?:{_LABEL_ALT})\s*[:：])", re.I)


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
        if len(re.findall(rf"(?:^|\s)(?:{_LABEL_ALT})\s*[:：]", line, re.I)) >= 2:
            out.extend(part.strip() for part in _INLINE_LABEL.split(line) if part.strip())
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


def _valid(name: str, value: str) -> bool:
    if name in ("audio", "video") and _SCORE_LIKE.match(value):
        return False  # 'Audio: 5.0/5' is a score, not a track
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
            i += 1
            continue
        name = _FIELD_OF[label.lower()]
        if name == "features":
            used = _collect_features(lines, i, value, details)
            details.lines_used.update(used)
            i = max(used) + 1
            continue
        if value:
            if _valid(name, value):
                details.values[name].append(value)
                details.lines_used.add(i)
            i += 1
            continue
        # Label alone: the value is the next line, unless that is a label too.
        if i + 1 < len(lines):
            nxt = lines[i + 1].strip()
            if nxt and not _WITH_COLON.match(nxt) and not _BARE.match(nxt) and _valid(name, nxt):
                details.values[name].append(nxt)
                details.lines_used.update({i, i + 1})
                i += 2
                continue
        i += 1
    return details


def _collect_features(lines: list[str], start: int, inline: str, details: Details) -> set[int]:
    """Bullets after a 'Special Features' label, or the features named on its line."""
    used = {start}
    if inline:
        details.features.extend(split_prose_features(inline))
        return used
    j = start + 1
    while j < len(lines) and _BULLET.match(lines[j]):
        details.features.append(_BULLET.sub("", lines[j]).strip())
        used.add(j)
        j += 1
    return used


def split_prose_features(text: str) -> list[str]:
    """'A commentary by X; an interview with Y, and a trailer' -> three features."""
    text = re.sub(
        r"^(?:special features|extras|supplements)\s*(?:include|are)?\s*:?\s*",
        "",
        text.strip(),
        flags=re.I,
    )
    parts = re.split(
        r"\s*;\s*|,\s+(?:and\s+)?(?=(?:an?|the|new|audio|video|\d)\b)|\s+and\s+(?=an?\b)",
        text,
        flags=re.I,
    )
    return [p.strip(" .") for p in parts if len(p.strip(" .")) > 3]


def split_run_on_features(line: str) -> list[str]:
    """Blurbs run together on one line, separated by runs of spaces."""
    return [p.strip() for p in re.split(r"\s{2,}", line.strip()) if len(p.strip()) > 3]
