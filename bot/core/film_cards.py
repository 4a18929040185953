"""Card layouts for films and editions, shared by every platform."""

from __future__ import annotations

from collections.abc import Callable

from bot.cards import Card, Field, Text, plain
from bot.constants import FILM_CARD_CAST_MAX
from bot.core.scores import averages_line, name_of
from bot.models import ClaimedValue, EditionDetails, FilmDetails, FilmSummary

# How fields are named on cards: film facts and edition columns.
FIELD_LABELS = {
    "year": "Year",
    "runtime_min": "Runtime",
    "released": "Released",
    "spine": "Spine",
    "format": "Format",
    "disc_count": "Discs",
    "disc_formats": "Disc formats",
    "disc_type": "Disc type",
    "region": "Region",
    "video_resolution": "Video",
    "video_codec": "Codec",
    "hdr": "HDR",
    "aspect_ratio": "Aspect ratio",
    "release_date": "Release date",
    "release_country": "Release country",
    "msrp_cents": "MSRP",
    "street_price_cents": "Street price",
    "licensor": "Licensor",
    "studio": "Studio",
    "restoration_note": "Restoration",
    "upc": "UPC",
}
# Edition specs too long to sit side by side with others.
_WIDE_SPECS = {"restoration_note", "studio"}

Adder = Callable[..., None]


def _fields() -> tuple[list[Field], Adder]:
    fields: list[Field] = []

    def add(name: str, value: str, inline: bool = True) -> None:
        if value:
            fields.append(Field(name, plain(value), inline))

    return fields, add


def _list(
    names: tuple[str, ...] | list[str], limit: int | None = None, total: int | None = None
) -> str:
    shown = list(names[:limit] if limit else names)
    text = ", ".join(shown)
    more = (total if total is not None else len(names)) - len(shown)
    if more > 0:
        text += f" and {more} more"
    return text


def _runtime(minutes: int | str) -> str:
    return f"{minutes} min"


def _claims(claims: tuple[ClaimedValue, ...], field_name: str) -> str:
    """'97 min (wikidata_films.csv.gz) · 95 min (disc-review.txt)': every value, its sources."""
    parts = []
    for claim in claims:
        value = _runtime(claim.value) if field_name.endswith("runtime_min") else claim.value
        parts.append(f"{value} ({', '.join(claim.sources)})")
    return " · ".join(parts)


def _conflict(add: Adder, name: str, claims: tuple[ClaimedValue, ...]) -> None:
    add(f"{FIELD_LABELS.get(name, name)} (sources differ)", _claims(claims, name), inline=False)


def film_card(film: FilmDetails) -> Card:
    summary = film.summary
    fields, add = _fields()
    add("Original title", film.original_title or "")
    others = [t for t in film.other_titles if t != film.original_title]
    add("Also known as", _list(others, 4), inline=False)
    add("Directed by", _list(summary.directors))
    add("Written by", _list(film.writers, 4))
    add("Cinematography", _list(film.cinematographers, 3))
    # Billing order only where a source gives one; an alphabetical list says so.
    shown = min(len(film.cast), FILM_CARD_CAST_MAX)
    cast_label = "Cast" if film.cast_billed >= shown else "Cast (not in billing order)"
    if 0 < film.cast_billed < shown:
        cast_label = f"Cast (first {film.cast_billed} in billing order)"
    add(cast_label, _list(film.cast, FILM_CARD_CAST_MAX, film.cast_total), inline=False)
    if "runtime_min" not in film.conflicts and film.runtime_min:
        add("Runtime", _runtime(film.runtime_min))
    add("Country", _list(film.countries))
    add("Genres", _list(film.genres))
    add("Language", _list(film.languages, 4))
    for name, claims in film.conflicts.items():
        _conflict(add, name, claims)
    editions = [e.name for e in film.editions]
    add("Editions", "\n".join(editions) if editions else "none in the database yet", inline=False)
    if film.boxsets:
        add("In box sets", "\n".join(b.title for b in film.boxsets), inline=False)
    if film.reviews:
        count = len(film.reviews)
        scores = averages_line(film.reviews)
        add(
            "Average scores" if scores else "Reviews",
            (f"{scores} (" if scores else "")
            + f"{count} review{'s' if count != 1 else ''}"
            + (")" if scores else ""),
            inline=False,
        )
    description: Text = plain(film.synopsis) if film.synopsis else ()
    return Card(
        title=summary.label,
        description=description,
        fields=tuple(fields),
        footer=f"film #{summary.id} · sources: {', '.join(film.sources) or 'catalog'}",
    )


def _feature_line(title: str, runtime_min: int | None, year: int | None) -> str:
    extra = ", ".join(
        x for x in (_runtime(runtime_min) if runtime_min else "", str(year) if year else "") if x
    )
    return f"• {title}" + (f" ({extra})" if extra else "")


def edition_card(edition: EditionDetails, *, film: FilmSummary | None = None) -> Card:
    summary = edition.summary
    fields, add = _fields()
    add("Label", summary.label or "")
    add("Spine", f"#{summary.spine}" if summary.spine else "")
    if summary.is_boxset or len(edition.films) > 1:
        add("Films", "\n".join(f.label for f in edition.films) or "not listed", inline=False)
    for column, value in edition.specs.items():
        if column in edition.conflicts:
            _conflict(add, column, edition.conflicts[column])
        else:
            add(FIELD_LABELS.get(column, column), value, inline=column not in _WIDE_SPECS)
    for name, claims in edition.conflicts.items():
        if name not in edition.specs:
            _conflict(add, name, claims)
    add("Audio", "\n".join(edition.audio), inline=False)
    add("Subtitles", ", ".join(edition.subtitles))
    if edition.features:
        add(
            "Special features",
            "\n".join(_feature_line(f.title, f.runtime_min, f.year) for f in edition.features),
            inline=False,
        )
    for review in edition.reviews:
        scores = " · ".join(f"{name_of(s.category)} {s.raw}" for s in review.scores)
        add(f"Review ({review.publication or review.source})", scores, inline=False)
        if review.verdict:
            add("Verdict", review.verdict, inline=False)
    for relation in edition.relations:
        text = relation.other.name
        if relation.note:
            text += f" — “{relation.note}” ({relation.source})"
        add(relation.relation.capitalize(), text, inline=False)
    if not edition.specs and not edition.features:
        add(
            "Specs",
            "No format or disc details yet: the Criterion list gives spine and title "
            "only. Imported reviews and listings add the rest.",
            inline=False,
        )
    heading = summary.name
    if film is not None and not summary.is_boxset:
        heading = f"{film.label} — {heading}"
    return Card(
        title=heading,
        fields=tuple(fields),
        footer=f"edition #{summary.id} · sources: {', '.join(edition.sources) or 'catalog'}",
    )
