"""`editions`: a film's editions side by side, and what reviews say about the difference."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from bot.cards import Card, Field, plain
from bot.constants import COMPARE_MAX_EDITIONS
from bot.core.scores import averages, name_of, number
from bot.models import EditionDetails, FilmDetails, TextSection
from bot.text import sentences

# A sentence compares editions when it judges one against another ("an improvement
# over", "worth upgrading") or names an edition as earlier or new ("the previous DVD"),
# and mentions an edition at all.
_EDITION = r"(?:dvd|blu-?ray|4k|uhd|laserdisc|vhs|edition|release|disc|transfer|presentation)s?"
_JUDGES = re.compile(
    r"\b(?:upgrade[sd]?|upgrading|improvement|improves?|improved|better|worse|compared|"
    r"replaces?|corrects?)\b",
    re.I,
)
_NAMES_EARLIER = re.compile(
    rf"\b(?:previous|earlier|older|original|old|first|new|newer)\W+(?:[\w’'-]+\W+){{0,3}}?"
    rf"{_EDITION}\b",
    re.I,
)
_EDITION_WORD = re.compile(rf"\b{_EDITION}\b", re.I)
MAX_QUOTES = 4
QUOTE_MAX_CHARS = 300
MISSING = "—"

Row = tuple[str, Callable[[EditionDetails], str]]


def _year(edition: EditionDetails) -> str:
    date = edition.summary.release_date or ""
    return date[:4] if date[:4].isdigit() else ""


def _discs(edition: EditionDetails) -> str:
    count, kind = edition.specs.get("disc_count", ""), edition.specs.get("disc_type", "")
    return f"{count} ({kind})" if count and kind else count or kind


def _spec(edition: EditionDetails, column: str) -> str:
    """The value, or every value when sources disagree ('1.33:1 / 1.37:1')."""
    if column in edition.conflicts:
        return " / ".join(c.value for c in edition.conflicts[column])
    return edition.specs.get(column, "")


def _scores(edition: EditionDetails) -> str:
    return ", ".join(f"{name_of(c)} {number(v)}" for c, v, _ in averages(edition.reviews))


ROWS: tuple[Row, ...] = (
    ("Format", lambda e: e.summary.format or ""),
    ("Label", lambda e: e.summary.label or ""),
    ("Spine", lambda e: f"#{e.summary.spine}" if e.summary.spine else ""),
    ("Year", _year),
    ("Discs", _discs),
    ("Region", lambda e: _spec(e, "region")),
    ("Video", lambda e: " ".join(v for v in (_spec(e, "video_resolution"), _spec(e, "hdr")) if v)),
    ("Aspect ratio", lambda e: _spec(e, "aspect_ratio")),
    ("Features", lambda e: str(len(e.features)) if e.features else ""),
    ("Scores /10", _scores),
)


def _quotes(
    editions: Sequence[EditionDetails],
    film: FilmDetails,
    sections: Mapping[int, Sequence[TextSection]],
) -> list[str]:
    """Sentences from reviews (never their spoiler parts) that compare editions."""
    found: list[str] = []

    def add(sentence: str, source: str) -> None:
        sentence = sentence.strip()
        if sentence and len(sentence) <= QUOTE_MAX_CHARS and not any(sentence in q for q in found):
            found.append(f"“{sentence}” ({source})")

    for edition in editions:
        for relation in edition.relations:
            if relation.relation == "replaces" and relation.note:
                add(relation.note, relation.source)
    for review in film.reviews:
        texts = list(sentences(review.verdict or ""))
        for section in sections.get(review.id, ()):
            if not section.is_spoiler:
                texts.extend(sentences(section.body))
        for sentence in texts:
            if _NAMES_EARLIER.search(sentence) or (
                _JUDGES.search(sentence) and _EDITION_WORD.search(sentence)
            ):
                add(sentence, review.name)
    return found[:MAX_QUOTES]


def comparison_card(
    film: FilmDetails,
    editions: Sequence[EditionDetails],
    sections: Mapping[int, Sequence[TextSection]],
    prefix: str = "!",
) -> Card:
    """One column (an inline field) per edition, the same rows in each, rows nobody
    knows left out; then the reviews' words on how the editions differ."""
    shown = list(editions[:COMPARE_MAX_EDITIONS])
    rows = [(name, get) for name, get in ROWS if any(get(e) for e in shown)]
    fields = [
        Field(
            edition.summary.name,
            plain("\n".join(f"{name}: {get(edition) or MISSING}" for name, get in rows)),
            inline=True,
        )
        for edition in shown
    ]
    if len(editions) > len(shown):
        rest = ", ".join(e.summary.name for e in editions[len(shown) :])
        fields.append(Field(f"{len(editions) - len(shown)} more", plain(rest)))
    quotes = _quotes(editions, film, sections)
    if quotes:
        fields.append(Field("What the reviews say", plain("\n".join(quotes))))
    count = len(editions)
    return Card(
        title=f"Editions of {film.summary.label}",
        description=plain(f"{count} edition{'s' if count != 1 else ''} known."),
        fields=tuple(fields),
        footer=f"{prefix}edition {film.summary.label} <format> shows one edition in full.",
    )
