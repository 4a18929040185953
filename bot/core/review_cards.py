"""Review summaries and plot cards. Review cards are spoiler-safe; plot cards wrap every
spoiler in a spoiler span, so each platform can hide it its own way."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Card, Field, Span, Text, plain, spoiler
from bot.core.scores import score_line
from bot.core.summary import key_sentences
from bot.kinds import KIND_LABELS
from bot.models import FilmSummary, ReviewSummary, TextSection
from bot.text import sentences

KEY_POINTS = 4


def review_kind(review: ReviewSummary) -> str:
    """'Disc review', 'Blog review'."""
    if review.source_kind in KIND_LABELS:
        return KIND_LABELS[review.source_kind]
    return "Disc review" if review.kind == "disc" else "Film review"


def _source(review: ReviewSummary) -> Text:
    parts = [review_kind(review), review.name]
    if review.author and review.author != review.name:
        parts.append(f"by {review.author}")
    if review.published_at:
        parts.append(review.published_at)
    text = " · ".join(parts)
    if review.url:
        return (Span(text + " · "), Span("read it", "link", review.url))
    return plain(text)


def review_card(
    film: FilmSummary,
    review: ReviewSummary,
    sections: Sequence[TextSection],
    *,
    edition_name: str | None,
    prefix: str = "!",
) -> Card:
    """Scores as bars, the verdict, a few key sentences, the source; no spoiler text."""
    fields: list[Field] = []
    if review.scores:
        fields.append(Field("Scores", plain("\n".join(score_line(s) for s in review.scores))))
    if review.verdict:
        fields.append(Field("Verdict", plain(review.verdict)))
    points = key_sentences(sections, count=KEY_POINTS, avoid=sentences(review.verdict or ""))
    if points:
        fields.append(Field("Key points", plain("\n".join(f"• {p}" for p in points))))
    if edition_name:
        fields.append(Field("Edition reviewed", plain(edition_name)))
    fields.append(Field("Source", _source(review)))
    hidden = sum(1 for s in sections if s.is_spoiler)
    footer = f"review #{review.id} · spoiler-free"
    if hidden:
        footer += (
            f": {hidden} passage{'s' if hidden != 1 else ''} with spoilers left out "
            f"({prefix}plot {film.label} spoilers shows them)"
        )
    return Card(
        title=f"{film.label} — {review_kind(review).lower()}", fields=tuple(fields), footer=footer
    )


def plot_card(
    film: FilmSummary,
    synopsis: str | None,
    notes: Sequence[TextSection],
    review_spoilers: Sequence[tuple[str, TextSection]],
    *,
    reveal: bool,
    prefix: str = "!",
) -> Card:
    """The spoiler-free overview; with `reveal`, every plot note and spoiler passage too,
    each wrapped as a spoiler (the platform hides it until clicked)."""
    description = plain(synopsis) if synopsis else plain("No spoiler-free overview yet.")
    fields: list[Field] = []
    for note in notes:
        if not note.is_spoiler and note.body.strip() != (synopsis or "").strip():
            fields.append(Field(f"Plot note ({note.source})", plain(note.body)))
    spoilers = [(f"Plot note ({n.source})", None, n.body) for n in notes if n.is_spoiler]
    spoilers += [(f"From the {name}", s.heading, s.body) for name, s in review_spoilers]
    seen: set[str] = set()
    unique = []
    for name, heading, body in spoilers:  # a blog's ending is often a note and a section
        key = " ".join(body.split())
        if key not in seen:
            seen.add(key)
            # A spoiler section's heading can give the ending away too, so it goes inside.
            unique.append((name, f"{heading}: {body}" if heading else body))
    if reveal and unique:
        fields.extend(Field(f"Spoiler · {name}", spoiler(body)) for name, body in unique)
        footer = "Each spoiler stays hidden until you reveal it."
    elif unique:
        count = len(unique)
        footer = (
            f"{count} passage{'s' if count != 1 else ''} with spoilers not shown: "
            f"{prefix}plot {film.label} spoilers"
        )
    else:
        footer = "No spoilers known for this film."
    return Card(
        title=f"{film.label} — plot", description=description, fields=tuple(fields), footer=footer
    )
