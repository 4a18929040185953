"""Which catalog film a row from another list is, so one film is one row.

The same film: the same IMDb id, or a title (any of its names) with a year within the
source's window and, when both sides name directors, a director in common. When the
row or the film names no director, the title and year must point at one film only, or
two of the row's actors be in the film's cast. A title with its subtitle ('Dr.
Strangelove or: How I Learned ...') is the film of its main title only with a director
or two actors in common."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from bot.text import norm_name, norm_title, same_person

# 'Dr. Strangelove, or: How I Learned ...', 'Star Wars: Episode IV – A New Hope': the
# main title before its subtitle.
_SUBTITLE = re.compile(r"\s*(?:,?\s+or:?\s+|:\s+|\s+[–—-]\s+|,\s+or,\s+)", re.I)


def tail_title(title: str) -> str | None:
    """The folded subtitle of a title that has one ('Star Wars: Episode V – The Empire
    Strikes Back' -> 'the empire strikes back'... its last part), or None."""
    parts = _SUBTITLE.split(title)
    if len(parts) < 2:
        return None
    tail = norm_title(parts[-1])
    return tail if len(tail) >= 6 and tail != norm_title(title) else None


def head_title(title: str) -> str | None:
    """The folded main title of a title with a subtitle, or None when it has none."""
    parts = _SUBTITLE.split(title, maxsplit=1)
    if len(parts) < 2:
        return None
    head = norm_title(parts[0])
    return head if len(head) >= 4 and head != norm_title(title) else None


@dataclass
class FilmIndex:
    """Films by folded title, their years, directors' spellings and IMDb ids."""

    by_title: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    years: dict[int, int | None] = field(default_factory=dict)
    directors: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Wikidata gives one IMDb id to a film and its re-cut (Apocalypse Now and its Redux):
    # every film with the id, the year then chooses.
    by_imdb: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # main title (before a subtitle) -> films, for titles printed with and without one
    by_head: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cast: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # norm names

    def add_cast(self, film_id: int, names: list[str]) -> None:
        self.cast[film_id].update(norm_name(n) for n in names)

    def _shares_cast(self, film_id: int, cast: list[str]) -> bool:
        """Two of the row's actors in the film's cast: the same film."""
        known = self.cast.get(film_id)
        return bool(known) and sum(norm_name(n) in known for n in cast) >= 2

    def add_title(self, film_id: int, title: str, year: int | None) -> None:
        bucket = self.by_title[norm_title(title)]
        if film_id not in bucket:
            bucket.append(film_id)
        self.years.setdefault(film_id, year)
        self.add_head(film_id, title)

    def add_head(self, film_id: int, title: str) -> None:
        for part in (head_title(title), tail_title(title)):
            if part and film_id not in self.by_head[part]:
                self.by_head[part].append(film_id)

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
        cast: list[str] | None = None,
    ) -> int | None:
        """The film these describe, or None (a new film). `years` is the window the
        film's year may fall in; `prefer_year` breaks ties by distance."""
        target = prefer_year if prefer_year is not None else years.start
        if imdb_id and self.by_imdb.get(imdb_id):
            same = [
                f
                for f in self.by_imdb[imdb_id]
                if self.years.get(f) is None or self.years[f] in years
            ]
            if same:
                return min(same, key=lambda f: (abs((self.years.get(f) or target) - target), f))
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
                    found[film_id] = found.get(film_id, False) or self._shares_cast(
                        film_id, cast or []
                    )
        if not found:
            # The same title with or without its subtitle: only with a director in common.
            heads = {norm_title(t) for t in titles}
            heads |= {h for t in titles for h in (head_title(t), tail_title(t)) if h}
            for key in heads:
                for film_id in {*self.by_head.get(key, ()), *self.by_title.get(key, ())}:
                    year = self.years.get(film_id)
                    known = self.directors.get(film_id, [])
                    agrees = bool(directors) and any(
                        same_person(a, b) for a in directors for b in known
                    )
                    if year in years and (agrees or self._shares_cast(film_id, cast or [])):
                        found[film_id] = True
        if not found:
            return None
        agreed = [f for f, ok in found.items() if ok]
        pool = agreed or list(found)
        if not agreed and len(pool) > 1:
            return None  # two films of that title and year and nothing to choose: keep apart
        target = prefer_year if prefer_year is not None else years.start
        return min(pool, key=lambda f: (abs((self.years.get(f) or target) - target), f))
