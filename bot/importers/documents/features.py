"""Special features: what kind each is, and runtimes that reviews mention in their prose.

A details block lists "Audio interview from 1961 with director Mikhail Kalatozov"; the
review says elsewhere "an 11-minute audio interview from 1961 featuring Kalatozov". The
runtime belongs to the feature whose distinctive words (years, names) the sentence shares.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.importers.documents.fields import parse_runtime, parse_year
from bot.importers.documents.model import Feature
from bot.importers.documents.scores import category_of, find_scores, read_value
from bot.text import fold

_KINDS = (
    ("audio interview", r"audio interview"),
    ("commentary", r"commentary"),
    ("documentary", r"documentary|doc\b"),
    ("interview", r"interview|conversation"),
    ("essay", r"essay|booklet|insert|liner notes"),
    ("program", r"program(?:me)?|segment|featurette|excerpt"),
    ("trailer", r"trailer"),
    ("subtitles", r"subtitle"),
    ("short film", r"short film"),
    ("restoration demo", r"restoration demonstration|restoration demo"),
    ("gallery", r"gallery|stills"),
)
_RUNTIME_IN_PROSE = re.compile(
    r"(?P<m>\d{1,3})[- ]minutes?\b|(?P<m2>\d{1,3})\s*min(?:s|utes)?\b\.?", re.I
)
_STOP = set(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "at",
        "to",
        "for",
        "from",
        "with",
        "and",
        "or",
        "by",
        "about",
        "his",
        "her",
        "its",
        "their",
        "this",
        "that",
        "new",
        "film",
        "films",
        "director",
        "interview",
        "program",
        "programme",
        "segment",
        "featuring",
        "feature",
        "featurette",
        "about",
        "why",
        "is",
        "was",
        "be",
        "as",
        "into",
        "over",
        "more",
    ]
)


def classify(title: str) -> str | None:
    """The kind its earliest keyword names: 'Segment from a program … an interview' is a
    program, 'Insert featuring an essay' an essay."""
    lowered = title.lower()
    found = [(m.start(), -len(kind), kind) for kind, rx in _KINDS if (m := re.search(rx, lowered))]
    return min(found)[2] if found else None


def make_feature(text: str) -> Feature:
    title = re.sub(r"^(?:plus|also|and)\s*:\s*", "", " ".join(text.split()), flags=re.I)
    title = re.sub(
        r"^(?:the\s+)?(?:special features|extras|supplements|bonus features)\s+"
        r"(?:include|includes|are|comprise)\s*:?\s*",
        "",
        title,
        flags=re.I,
    )
    title = title.strip(" .;")
    title = title[:1].upper() + title[1:]
    runtime = None
    in_title = re.search(r"\((?P<r>[^)]*\d[^)]*(?:min|h)[^)]*)\)", title, re.I)
    if in_title:
        runtime = parse_runtime(in_title["r"])
    elif own := re.search(r"\b(?P<m>\d{1,3})[- ]minute\b", title, re.I):
        runtime = int(own["m"])  # 'a 50-minute documentary on the making of the film'
    return Feature(title=title, kind=classify(title), runtime_min=runtime, year=parse_year(title))


def same_feature(a: str, b: str) -> bool:
    """Two sources' wording of one feature ('Insert featuring an essay by Chris Fujiwara' /
    'An essay by critic Chris Fujiwara')."""
    return fuzz.token_set_ratio(fold(a), fold(b)) >= 85


def merge_features(*lists: list[Feature]) -> list[Feature]:
    merged: list[Feature] = []
    for features in lists:
        for feature in features:
            twin = next((m for m in merged if same_feature(m.title, feature.title)), None)
            if twin is None:
                merged.append(feature)
            else:
                twin.runtime_min = twin.runtime_min or feature.runtime_min
                twin.year = twin.year or feature.year
                twin.kind = twin.kind or feature.kind
    return merged


def _tokens(text: str) -> set[str]:
    return {t for t in fold(text).split() if t not in _STOP and len(t) > 2}


def assign_prose_runtimes(features: list[Feature], prose: str) -> None:
    """Give features without a runtime the one a nearby sentence states for them."""
    if not features:
        return
    token_sets = [_tokens(f.title) for f in features]
    document_frequency = Counter(t for ts in token_sets for t in ts)
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(prose.split()))
    claims: list[tuple[float, int, int]] = []  # (score, feature index, minutes)
    for index, sentence in enumerate(sentences):
        for match in _RUNTIME_IN_PROSE.finditer(sentence):
            minutes = int(match["m"] or match["m2"])
            if not 1 <= minutes <= 600:
                continue
            # The runtime's own sentence, with the one before for context ("Christie ...
            # covering a lot in 19-minutes" names the feature two clauses earlier).
            context = _tokens(sentence) | (_tokens(sentences[index - 1]) if index else set())
            own = _tokens(sentence)
            for f_index, tokens in enumerate(token_sets):
                score = 0.0
                for token in tokens & context:
                    weight = math.log(1 + len(features) / document_frequency[token])
                    if token.isdigit():
                        weight *= 2.0  # a year is the strongest link
                    score += weight * (1.0 if token in own else 0.5)
                kind = features[f_index].kind
                if kind and kind.split()[0] in fold(sentence):
                    score += 0.5
                if score >= 1.5:
                    claims.append((score, f_index, minutes))
    taken_features: set[int] = set()
    taken_minutes = {f.runtime_min for f in features if f.runtime_min is not None}
    for _score, f_index, minutes in sorted(claims, reverse=True):
        if f_index in taken_features or features[f_index].runtime_min is not None:
            continue
        if minutes in taken_minutes:
            continue
        features[f_index].runtime_min = minutes
        taken_features.add(f_index)
        taken_minutes.add(minutes)


# --- finding the list ------------------------------------------------------------------

_FEATURES_LABEL = re.compile(
    r"^(?:the\s+)?(?:special\s+edition\s+contents|special\s+features|bonus\s+features|"
    r"bonus\s+material|supplements|extras|disc\s+features)\b\s*(?:include|includes)?\s*"
    r"(?:[:：]\s*(?P<inline>.*))?$",
    re.I,
)
_ITEM_BULLET = re.compile(r"^\s*(?:[•\-*·▪‣◦–✓✔]|\d{1,2}[.)])\s+")
_LIST_SEPARATOR = re.compile(r"\s+[·•▪]\s+|\s*;\s*|(?<![.!?])\s{2,}")
# Lines that end a list: another labelled detail, a score, or a section heading.
_LIST_END = re.compile(
    r"^(?:director|directed by|writer|written by|cast|starring|actors|runtime|running time|"
    r"run time|length|release date|released|year|genres?|studio|distributor|label|series|"
    r"format|specs|region(?: code)?|aspect ratio|original aspect ratio|video|picture|image|"
    r"audio|sound|subtitles|captions|codec|resolution|discs|number of discs|packaging|upc|"
    r"catalog(?:ue)? #|price|our price|rrp|msrp|list price|rated|certificate|overview|"
    r"synopsis|plot|verdict|conclusion|final thoughts|the bottom line|overall|rating|score|"
    r"the film|the movie|movie details|technical specs|release details|reviews?|comments?|"
    r"leave a (?:reply|comment)|share this|related posts|replay|advice)\b\s*(?:[:：].*|\s*)$",
    re.I,
)


@dataclass
class FeatureFind:
    items: list[str] = field(default_factory=list)
    lines_used: set[int] = field(default_factory=set)


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


def split_inline_features(text: str) -> list[str]:
    """Features named on one line: 'Commentary · Trailer · Booklet', 'A; B; C', blurbs run
    together with runs of spaces, 'Commentary, Trailer, Booklet', or a sentence's list."""
    text = text.strip()
    if _LIST_SEPARATOR.search(text):
        parts = [p.strip(" .,") for p in _LIST_SEPARATOR.split(text)]
        return [p for p in parts if len(p) > 2]
    pieces = [p.strip(" .") for p in re.split(r",\s+(?:and\s+)?", text)]
    if len(pieces) >= 2 and all(0 < len(p) <= 60 and p[:1].isupper() for p in pieces):
        return pieces
    return split_prose_features(text)


def _is_prose(line: str) -> bool:
    """A review's sentences, not a list item: very long, or two sentences and long."""
    if len(line) > 220:
        return True
    return len(line) > 100 and bool(re.search(r"[.!?][\"”’)]?\s+[A-Z]", line))


def _is_stop(line: str) -> bool:
    """A labelled detail, a score ('Video: 4/5', or a value alone: '3/5', '****'), or a
    section heading ends a list."""
    return (
        bool(_LIST_END.match(line))
        or bool(find_scores([line]).scores)
        or read_value(line) is not None
    )


def _in_ratings_box(lines: list[str], start: int) -> bool:
    """'Video', 'Audio', 'Extras' stacked as a box of ratings (values shown as images):
    the 'Extras' there is a score label, not a list's."""
    j = start - 1
    while j >= 0 and not (lines[j] or "").strip():
        j -= 1
    return j >= 0 and category_of(lines[j].strip()) is not None


def _block(lines: list[str], start: int, found: FeatureFind) -> None:
    """The list under the label at `start`: items until a blank line after them, or the
    next label, score or heading, or a paragraph of prose."""
    match = _FEATURES_LABEL.match(_ITEM_BULLET.sub("", lines[start]).strip())
    if not match:
        return
    inline = (match["inline"] or "").strip()
    if inline:
        if read_value(inline) is None and not _is_stop(inline):
            found.items.extend(split_inline_features(inline))
            found.lines_used.add(start)
        return
    if _in_ratings_box(lines, start):
        return
    items: list[str] = []
    used = {start}
    j = start + 1
    blanks = 0
    while j < len(lines):
        line = (lines[j] or "").strip()
        if not line:
            if items or blanks:
                break
            blanks += 1
            j += 1
            continue
        bullet = _ITEM_BULLET.match(line)
        if not bullet and (_is_stop(line) or _FEATURES_LABEL.match(line)):
            break
        text = _ITEM_BULLET.sub("", line).strip() if bullet else line
        if not bullet and _is_prose(text):
            break
        if not bullet and text.endswith(":") and len(text) <= 40:
            used.add(j)  # 'Disc one:' heads part of the list
        elif len(split_inline_features(text)) >= 2 and _LIST_SEPARATOR.search(text):
            items.extend(split_inline_features(text))
            used.add(j)
        else:
            items.append(text)
            used.add(j)
        j += 1
    if items:
        found.items.extend(items)
        found.lines_used.update(used)


def _unlabelled_list(line: str) -> list[str]:
    """'Commentary · Trailer · Booklet' or blurbs run together with runs of spaces, on a
    line of their own: most pieces must name a kind of feature, none be a sentence."""
    if not _LIST_SEPARATOR.search(line) or ";" in line:
        return []
    parts = [p.strip() for p in _LIST_SEPARATOR.split(line.strip()) if p.strip()]
    if len(parts) < 2 or any(len(p) > 200 or p.endswith((".", "!", "?")) for p in parts):
        return []
    kinds = sum(1 for p in parts if classify(p))
    return parts if kinds * 2 >= len(parts) and kinds >= 2 else []


def find_features(lines: list[str], *, start: int | None = None) -> FeatureFind:
    """The special features a page lists, and the lines that listed them.

    Numbered or bulleted lines, plain lines, 'A · B · C', blurbs run together, or a comma
    or semicolon list, under 'Special Features', 'Extras', 'Supplements', 'Bonus Features'
    (on the label's line or the lines after it); and unlabelled 'A · B · C' lines whose
    pieces name kinds of feature. With `start`, only the list at that label line.
    """
    found = FeatureFind()
    if start is not None:
        _block(lines, start, found)
        return found
    for i, raw in enumerate(lines):
        if i in found.lines_used:
            continue
        line = _ITEM_BULLET.sub("", raw or "").strip()
        if not line:
            continue
        if _FEATURES_LABEL.match(line):
            _block(lines, i, found)
            continue
        parts = _unlabelled_list(line)
        if parts:
            found.items.extend(parts)
            found.lines_used.add(i)
    return found
