"""Which catalog film a row from another list is, so one film is one row.

The same film: the same IMDb id, or a title (any of its names) with a year within the
source's window and, when both sides name directors, a director in common. When the
row or the film names no director, the title and year must point at one film only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.text import norm_title, same_person


@dataclass
class FilmIndex:
    """Films by folded title, their years, directors' spellings and IMDb ids."""

    by_title: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    years: dict[int, int | None] = field(default_factory=dict)
    directors: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_imdb: dict[str, int] = field(default_factory=dict)

    def add_title(self, film_id: int, title: str, year: int | None) -> None:
        bucket = self.by_title[norm_title(title)]
        if film_id not in bucket:
            bucket.append(film_id)
        self.years.setdefault(film_id, year)

    def add_director(self, film_id: int, name: str) -> None:
        if name not in self.directors[film_id]:
            self.directors[film_id].append(name)

    def match(
        self,
        titles: list[str],
        years: range,
        directors: list[str],
        imdb_id: str | None = None,
        prefer_year: int | None = None,
    ) -> int | None:
        """The film these describe, or None (a new film). `years` is the window the
        film's year may fall in; `prefer_year` breaks ties by distance."""
        if imdb_id and imdb_id in self.by_imdb:
            return self.by_imdb[imdb_id]
        found: dict[int, bool] = {}  # film -> a director agrees
        for title in titles:
            for film_id in self.by_title.get(norm_title(title), ()):
                year = self.years.get(film_id)
                if year is not None and year not in years:
                    continue
                known = self.directors.get(film_id, [])
                if directors and known:
                    if not any(same_person(a, b) for a in directors for b in known):
                        continue
                    found[film_id] = True
                else:
                    found.setdefault(film_id, False)
        if not found:
            return None
        agreed = [f for f, ok in found.items() if ok]
        pool = agreed or list(found)
        if not agreed and len(pool) > 1:
            return None  # two films of that title and year and nothing to choose: keep apart
        target = prefer_year if prefer_year is not None else years.start
        return min(pool, key=lambda f: (abs((self.years.get(f) or target) - target), f))
