"""What the importer reads to tell which catalog film a page is about: each candidate
film's titles, year, and the people credited on it (every spelling)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.store.db import _Sql


@dataclass
class FilmFacts:
    film_id: int
    title: str
    year: int | None
    runtime_min: int | None = None
    titles: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)  # every spelling
    cast: list[str] = field(default_factory=list)  # every spelling
    writers: list[str] = field(default_factory=list)


async def film_facts(db: _Sql, film_ids: list[int]) -> dict[int, FilmFacts]:
    """Facts of these films (missing ids are left out)."""
    if not film_ids:
        return {}
    marks = ",".join("?" * len(film_ids))
    found: dict[int, FilmFacts] = {}
    for row in await db._fetchall(
        f"SELECT id, title, year, runtime_min FROM films WHERE id IN ({marks})", film_ids
    ):
        found[row[0]] = FilmFacts(row[0], row[1], row[2], row[3])
    for row in await db._fetchall(
        f"SELECT film_id, title FROM film_titles WHERE film_id IN ({marks})", film_ids
    ):
        if row[0] in found:
            found[row[0]].titles.append(row[1])
    for row in await db._fetchall(
        "SELECT c.film_id, c.role, a.name FROM credits c "
        "JOIN person_aliases a ON a.person_id = c.person_id "
        f"WHERE c.film_id IN ({marks}) AND c.role IN ('director', 'cast', 'writer')",
        film_ids,
    ):
        facts = found.get(row[0])
        if facts is None:
            continue
        {"director": facts.directors, "cast": facts.cast, "writer": facts.writers}[row[1]].append(
            row[2]
        )
    return found


async def films_by_director(
    db: _Sql, names: list[str], year: int, slack: int = 1
) -> list[tuple[int, str, int]]:
    """(film_id, title, year) of catalog films any of these people directed within
    `slack` years of `year` (the name as credited or any alias, case aside)."""
    if not names:
        return []
    marks = ",".join("?" * len(names))
    rows = await db._fetchall(
        "SELECT DISTINCT f.id, f.title, f.year FROM films f "
        "JOIN credits c ON c.film_id = f.id AND c.role = 'director' "
        "JOIN person_aliases a ON a.person_id = c.person_id "
        f"WHERE lower(a.name) IN ({marks}) AND f.year BETWEEN ? AND ? ORDER BY f.id",
        [n.lower() for n in names] + [year - slack, year + slack],
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def credits_of_names(db: _Sql, norms: list[str]) -> list[tuple[int, str, int]]:
    """(film_id, role, person_id) for each film that credits, as director or cast,
    someone known by one of these folded names (`norm_name`, any alias)."""
    found: list[tuple[int, str, int]] = []
    wanted = sorted(set(n for n in norms if n))
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        marks = ",".join("?" * len(chunk))
        rows = await db._fetchall(
            "SELECT DISTINCT c.film_id, c.role, c.person_id FROM person_aliases a "
            "JOIN credits c ON c.person_id = a.person_id AND c.role IN ('director', 'cast') "
            f"WHERE a.norm IN ({marks})",
            chunk,
        )
        found.extend((int(r[0]), str(r[1]), int(r[2])) for r in rows)
    return found
