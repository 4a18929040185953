"""Special features: what kind each is, and runtimes that reviews mention in their prose.

A details block lists "Audio interview from 1961 with director Mikhail Kalatozov"; the
review says elsewhere "an 11-minute audio interview from 1961 featuring Kalatozov". The
runtime belongs to the feature whose distinctive words (years, names) the sentence shares.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from rapidfuzz import fuzz

from bot.importers.documents.fields import parse_runtime, parse_year
from bot.importers.documents.model import Feature
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
