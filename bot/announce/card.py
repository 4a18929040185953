"""The card an announcement posts: platform-neutral, rendered by each adapter."""

from __future__ import annotations

from datetime import date

from bot.cards import Card, Field, Reply, plain
from bot.models import Release


def long_date(iso: str | None) -> str | None:
    """'2020-03-24' -> '24 March 2020' (None or an unreadable date stays as it is)."""
    if not iso:
        return None
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def postponed(kind: str, release_date: str | None, today: date) -> bool:
    """A release announced as out whose date has since moved into the future (or is no
    longer known)."""
    return kind == "released" and (not release_date or release_date > today.isoformat())


def posted_marker(kind: str, release_date: str | None, today: date) -> str | None:
    """What a posted message is recorded as saying: its date, or '~' + the date for a
    "postponed" one (edited again to "out" when the date arrives)."""
    if postponed(kind, release_date, today):
        return f"~{release_date or ''}"
    return release_date


def announcement_reply(
    release: Release, kind: str, release_date: str | None, today: date, *, note: str = ""
) -> Reply:
    """'New edition announced: …' (kind 'announced') or 'Out today: …' ('released')."""
    edition = release.edition
    films = ", ".join(f.label for f in release.films[:3]) or edition.title
    if len(release.films) > 3:
        films += f" and {len(release.films) - 3} more"
    when = long_date(release_date)
    if kind == "released" and postponed(kind, release_date, today):
        title = f"Postponed: {films}"
        line = f"Now releasing on {when}." if when else "New release date to be announced."
    elif kind == "released":
        out_today = release_date == today.isoformat()
        title = f"{'Out today' if out_today else 'Out now'}: {films}"
        line = f"Released on {when}." if when else "Released."
    else:
        title = f"New edition announced: {films}"
        if not when:
            line = "Release date to be announced."
        elif release_date and release_date <= today.isoformat():
            line = f"Announced; released on {when}."
        else:
            line = f"Announced, releasing on {when}."
    fields = [Field("Edition", plain(edition.name))]
    directors = sorted({d for f in release.films for d in f.directors})
    if directors:
        fields.append(Field("Directed by", plain(", ".join(directors[:4])), inline=True))
    if edition.format:
        fields.append(Field("Format", plain(edition.format), inline=True))
    first = release.films[0].title if release.films else edition.title
    footer = f"filmbot release announcements{note} · details: edition {first}"
    return Reply((Card(title, plain(line), tuple(fields), footer=footer),))
