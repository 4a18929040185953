"""Card layouts for films and editions, shared by every platform."""

from __future__ import annotations

from bot.constants import FILM_CARD_CAST_MAX
from bot.core.cards import Card, Field, Text, plain
from bot.models import ClaimedValue, EditionDetails, FilmDetails, FilmSummary

# Facts fields shown as disagreements, with how to print a value.
_FIELD_LABELS = {
    "year": "Year",
    "runtime_min": "Runtime",
    "released": "Released",
    "aspect_ratio": "Aspect ratio",
    "spine": "Spine",
}


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
    """'97 min (wikidata_films.csv) · 95 min (disc review)': every value with its source."""
    parts = []
    for claim in claims:
        value = _runtime(claim.value) if field_name == "runtime_min" else claim.value
        parts.append(f"{value} ({', '.join(claim.sources)})")
    return " · ".join(parts)


def film_card(film: FilmDetails) -> Card:
    summary = film.summary
    fields: list[Field] = []

    def add(name: str, value: str, inline: bool = True) -> None:
        if value:
            fields.append(Field(name, plain(value), inline))

    add("Also known as", _list(film.other_titles, 4), inline=False)
    add("Directed by", _list(summary.directors))
    add("Written by", _list(film.writers, 4))
    add("Cast", _list(film.cast, FILM_CARD_CAST_MAX, film.cast_total), inline=False)
    if "runtime_min" in film.conflicts:
        add(
            "Runtime (sources differ)",
            _claims(film.conflicts["runtime_min"], "runtime_min"),
            inline=False,
        )
    elif film.runtime_min:
        add("Runtime", _runtime(film.runtime_min))
    add("Country", _list(film.countries))
    add("Genres", _list(film.genres))
    add("Language", _list(film.languages, 4))
    for name, claims in film.conflicts.items():
        if name != "runtime_min":
            add(
                f"{_FIELD_LABELS.get(name, name)} (sources differ)",
                _claims(claims, name),
                inline=False,
            )
    editions = [e.name for e in film.editions]
    add("Editions", "\n".join(editions) if editions else "none in the database yet", inline=False)
    if film.boxsets:
        add("In box sets", "\n".join(b.title for b in film.boxsets), inline=False)
    description: Text = plain(film.synopsis) if film.synopsis else ()
    return Card(
        title=summary.label,
        description=description,
        fields=tuple(fields),
        footer=f"film #{summary.id} · sources: {', '.join(film.sources) or 'catalog'}",
    )


def edition_card(edition: EditionDetails, *, film: FilmSummary | None = None) -> Card:
    summary = edition.summary
    fields: list[Field] = []

    def add(name: str, value: str, inline: bool = True) -> None:
        if value:
            fields.append(Field(name, plain(value), inline))

    add("Label", summary.label or "")
    add("Spine", f"#{summary.spine}" if summary.spine else "")
    if summary.is_boxset or len(edition.films) > 1:
        add("Films", "\n".join(f.label for f in edition.films) or "not listed", inline=False)
    for label, value in edition.specs.items():
        add(label, value)
    add("Audio", "\n".join(edition.audio), inline=False)
    add("Subtitles", ", ".join(edition.subtitles))
    if edition.features:
        lines = []
        for feature in edition.features:
            extra = ", ".join(
                x
                for x in (
                    _runtime(feature.runtime_min) if feature.runtime_min else "",
                    str(feature.year) if feature.year else "",
                )
                if x
            )
            lines.append(f"• {feature.title}" + (f" ({extra})" if extra else ""))
        add("Special features", "\n".join(lines), inline=False)
    for name, claims in edition.conflicts.items():
        add(
            f"{_FIELD_LABELS.get(name, name)} (sources differ)", _claims(claims, name), inline=False
        )
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
