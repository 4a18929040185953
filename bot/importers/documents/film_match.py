"""Which catalog film a page is about, decided as a person would.

Every title cue of the page (`page_titles`) is looked up with filmbot's own search
engine (typos, articles, aliases and original titles included). Each film found is then
weighed on what else the page says: the year printed with a title or given as the film's
year, the director and cast named in the page's details or anywhere in its text. Never by
exact string equality alone.

The outcome is one of:
- attach: one film is clearly the page's film;
- new: no catalog film fits, and a trusted cue gives a title with a year or a director;
- pending: a film, but not clearly which (several fit equally, or a title the catalog
  lacks with nothing to pin it) — a person decides (`filmbot pending`);
- reject: the page names no film, or it is about several.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from bot.importers.documents.page_titles import (
    EARLY_LINE,
    NAMED_ONCE,
    STRONG,
    TITLE_YEAR,
    TitleCue,
)
from bot.search.titles import Hit, TitleSearch
from bot.store.db import _Sql
from bot.store.film_match_data import (
    FilmFacts,
    credits_of_names,
    film_facts,
    films_by_director,
)
from bot.text import fold, maybe_same_person, norm_name, norm_title

# A search hit at least this good is a title match (0-100).
TITLE_MATCH = 86.0
# A page whose trusted cues name this many different films, none of them dominant, is a
# roundup.
ROUNDUP_FILMS = 3
# Each half of 'A / B' must be a catalog title this closely for the page to be two films.
DOUBLE_FEATURE_MATCH = 97.0


@dataclass(frozen=True)
class PageFacts:
    """What the page says about its film besides the title."""

    text: str  # the page's text, for names mentioned anywhere
    year: int | None = None  # a labelled film year ('Year: 1957')
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()


@dataclass
class Candidate:
    facts: FilmFacts
    title_score: float = 0.0  # 0-1: best cue weight x match quality
    cues: list[TitleCue] = field(default_factory=list)
    year_agrees: bool = False
    year_conflicts: bool = False
    director_agrees: bool = False
    director_conflicts: bool = False
    year_in_text: bool = False  # the film's year appears somewhere on the page
    people_named: int = 0  # director/cast names of this film found in the page's text
    runtime_agrees: bool = False  # the page gives its running time to the minute
    # cues that found it only by a looser reading (its article, a subtitle after it)
    loose_cues: list[TitleCue] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        f = self.facts
        return f"{f.title} ({f.year})" if f.year else f.title

    @property
    def confirmed(self) -> bool:
        """Something besides the title says it is this film."""
        return (
            self.year_agrees
            or self.director_agrees
            or self.people_named >= 2
            or (self.year_in_text and self.people_named >= 1)
            or self.runtime_agrees
        )

    @property
    def excluded(self) -> bool:
        if self.year_conflicts and len(self.loose_cues) == len(self.cues):
            return True  # 'Avatar (2009)' is not 'Avatar: The Way of Water' (2022)
        return (
            (self.year_conflicts and not self.director_agrees)
            or (self.director_conflicts and not self.year_agrees)
            or (self.year_conflicts and self.director_conflicts)
        )

    @property
    def score(self) -> float:
        value = self.title_score
        value += 0.5 if self.director_agrees else 0.0
        value += 0.35 if self.year_agrees else 0.0
        value += 0.15 if self.year_in_text and not self.year_agrees else 0.0
        value += min(self.people_named, 4) * 0.1
        value -= 1.0 if self.year_conflicts else 0.0
        value -= 1.0 if self.director_conflicts else 0.0
        return value


@dataclass
class FilmMatch:
    decision: str  # attach | new | pending | reject
    reason: str
    film_id: int | None = None
    label: str | None = None
    title: str | None = None  # for a new film: its title
    year: int | None = None
    candidates: list[Candidate] = field(default_factory=list)


def _names_in_text(names: list[str], text_folded: str) -> set[str]:
    """The people (by folded full name) whose name appears in the text."""
    found = set()
    for name in names:
        key = fold(name)
        if (
            len(key) >= 6
            and " " in key
            and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text_folded)
        ):
            found.add(norm_name(name))
    return found


_POST_MARKS = (
    ("comment links", re.compile(r"^.{0,40}\b(?:\d+\s+)?comments?\s*$", re.I | re.M)),
    (
        "bylines",
        re.compile(
            r"^\s*(?:posted\s+)?by\s+[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){0,3}\s*[|·•,–-]\s*"
            r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}|"
            r"\d{4}-\d\d-\d\d)",
            re.M,
        ),
    ),
    ("ratings", re.compile(r"^\s*(?:my\s+)?(?:rating|grade|score)\s*:", re.I | re.M)),
    (
        "'read more' links",
        re.compile(r"^\s*(?:continue reading|read more|read the full review)\b", re.I | re.M),
    ),
)


def _list_of_posts(text: str) -> str | None:
    """A blog's category, archive or front page: each post's teaser repeats the same
    furniture (a comments link, a rating line, 'continue reading')."""
    for what, rx in _POST_MARKS:
        count = len(rx.findall(text))
        if count >= 3:
            return f"the page lists several posts ({count} {what}); import the post about one film"
    return None


def _surnames_in_text(names: list[str], text_folded: str) -> set[str]:
    """Directors named by surname alone ('Tarkovsky's Stalker', 'Hitchcock'), when the
    surname is long enough not to be a common word."""
    found = set()
    for name in names:
        parts = fold(name).split()
        if (
            len(parts) >= 2
            and len(parts[-1]) >= 6
            and re.search(rf"(?<!\w){re.escape(parts[-1])}s?(?!\w)", text_folded)
        ):
            found.add(norm_name(name))
    return found


def _years_in_text(text: str) -> set[int]:
    return {int(y) for y in re.findall(r"(?<![\d/.-])(18[89]\d|19\d\d|20\d\d)(?![\d/.-])", text)}


def _near(years: set[int], year: int) -> bool:
    return any(abs(y - year) <= 1 for y in years)


def _cue_years(cues: list[TitleCue]) -> set[int]:
    return {c.year for c in cues if c.year is not None and c.strong}


async def match_film(
    db: _Sql, titles: TitleSearch, cues: list[TitleCue], page: PageFacts
) -> FilmMatch:
    """Weigh every catalog film the cues could mean; see the module docstring."""
    if not cues:
        return FilmMatch("reject", "the page names no film (no title found in it)")
    posts = _list_of_posts(page.text) or _roundup_heading(page.text)
    if posts:
        return FilmMatch("reject", posts)
    two = _two_films(titles, cues)
    if two:
        return FilmMatch("reject", two)
    found: dict[int, Candidate] = {}
    hits_by_cue: dict[int, set[int]] = {}
    for index, cue in enumerate(cues):
        ids: set[int] = set()
        for hit, quality in _title_hits(titles, cue):
            candidate = found.get(hit.film_id)
            if candidate is None:
                candidate = found[hit.film_id] = Candidate(
                    FilmFacts(hit.film_id, hit.title, hit.year)
                )
            candidate.title_score = max(candidate.title_score, quality * cue.weight)
            if quality == HEADED_QUALITY:
                candidate.loose_cues.append(cue)
            candidate.cues.append(cue)
            ids.add(hit.film_id)
        hits_by_cue[index] = ids
    facts = await film_facts(db, list(found))
    text_folded = fold(page.text)
    text_years = _years_in_text(page.text)
    strong_years = _cue_years(cues)
    labelled_years = {page.year} if page.year else set()
    pinned_years = labelled_years | strong_years
    for film_id, candidate in list(found.items()):
        if film_id not in facts:
            del found[film_id]
            continue
        candidate.facts = facts[film_id]
        year = candidate.facts.year
        # A year the prose prints beside a name it repeats dates that name only: it may
        # be another film the page compares ('after Solaris (1972)'); see _dated_by_page.
        cue_years = {c.year for c in candidate.cues if c.year is not None and c.cue != "mentioned"}
        if year is not None:
            if cue_years:
                candidate.year_agrees = _near(cue_years, year)
                candidate.year_conflicts = not candidate.year_agrees
            elif labelled_years:
                candidate.year_agrees = _near(labelled_years, year)
                candidate.year_conflicts = not candidate.year_agrees and not _near(text_years, year)
            candidate.year_in_text = year in text_years
            if candidate.year_agrees:
                candidate.evidence.append(f"year {year}")
        if page.directors and candidate.facts.directors:
            agrees = any(
                maybe_same_person(a, b) for a in page.directors for b in candidate.facts.directors
            )
            candidate.director_agrees = agrees
            candidate.director_conflicts = not agrees
        named = _names_in_text(candidate.facts.directors, text_folded) or _surnames_in_text(
            candidate.facts.directors, text_folded
        )
        if named and not candidate.director_conflicts:
            candidate.director_agrees = True
        # A director in the cast (Hitchcock's cameos) is one person, counted once.
        actors = [n for n in candidate.facts.cast if n not in candidate.facts.directors]
        cast_named = _names_in_text(actors, text_folded)
        candidate.people_named = len(named) + len(cast_named)
        runtime = candidate.facts.runtime_min
        if (
            runtime
            and runtime >= 60
            and re.search(rf"(?<![\d.]){runtime}\s*(?:min|minutes|mins)\b", text_folded)
        ):
            candidate.people_named += 1  # its running time, to the minute
            candidate.runtime_agrees = True
            candidate.evidence.append(f"runtime {runtime} min")
        if candidate.director_agrees:
            candidate.evidence.append("director")
        if cast_named:
            candidate.evidence.append(f"{len(cast_named)} of its cast")

    _drop_people_named_as_films(found)
    ranked = sorted(found.values(), key=lambda c: -c.score)
    viable = [c for c in ranked if not c.excluded]
    # A film only mentioned in the prose ('hinter „Casino Royale“ und „Skyfall“') is not
    # the page's film before the one its title line names, when the page confirms that
    # one too (the catalog may lack the credit that would have ranked it first).
    titled = [c for c in viable if c.confirmed and any(_titles_page(x) for x in c.cues)]
    if titled and viable[0] not in titled and all(x.cue in _MENTION_CUES for x in viable[0].cues):
        viable = [titled[0]] + [c for c in viable if c is not titled[0]]

    if viable:
        best = viable[0]
        # A rival found only by a cue that fits several films ('Silent', a menu item) and
        # backed by nothing else cannot be the page's film: it is not a close call.
        ambiguous = {id(cues[i]) for i, ids in hits_by_cue.items() if len(ids) >= 2}
        close = [
            c
            for c in viable[1:]
            if best.score - c.score < 0.25
            and (
                c.confirmed
                or any(x in best.cues for x in c.cues)
                or not all(id(x) in ambiguous for x in c.cues)
            )
        ]
        # A page titled for one film ('Blu-ray-Test: Spectre') names others of the same
        # director and cast in its prose (Skyfall): a rival only mentioned there is no
        # rival to a film its title line names and its people confirm.
        if best.confirmed and any(_titles_page(c) for c in best.cues):
            close = [c for c in close if not all(x.cue in _MENTION_CUES for x in c.cues)]
        trusted_title = any(c.strong for c in best.cues) or best.title_score >= 0.6
        clear = best.confirmed and not [c for c in close if c.confirmed]
        # A weak title cue (an early line, a name the text repeats) is enough when the
        # page's people or year say it is that film.
        backed = (
            best.director_agrees
            or best.people_named >= 2
            or (best.year_agrees and best.people_named >= 1)
            # its running time to the minute, and no other film of a like title
            or (best.runtime_agrees and not close)
        )
        if all(c.cue == NAMED_ONCE for c in best.cues):
            # A name the page uses once, on a page with no title: only its director
            # and someone of its cast together make it the page's film.
            backed = best.director_agrees and best.people_named >= 2 and not close
        lead = _unknown_lead(cues, hits_by_cue, best)
        if clear and (trusted_title or backed) and lead is None:
            return _attach(best, "matched by title and " + ", ".join(best.evidence), viable)
        if clear and lead is not None:
            other_name = await _other_name(db, lead, page)
            if other_name is not None:
                return other_name
            # No candidates: accepting it as it is makes the page's own film; the film
            # it mentions is one --film away.
            return FilmMatch(
                "pending",
                f"the page's title “{lead.title}” is not in the catalog; it also names "
                f"{best.label} (film {best.facts.film_id}), which may be another film it "
                f"mentions (accept with --film {best.facts.film_id} if the page is about it)",
                title=lead.title,
                year=lead.year,
            )
    roundup = _roundup(cues, hits_by_cue) or _many_films_named(titles, page.text, cues)
    if roundup:
        return FilmMatch("reject", roundup)
    # No title settles it: the people the page names may ('Masked super criminal Diabolik
    # (John Phillip Law) … Mario Bava's celebrated adaptation').
    if not (viable and viable[0].confirmed):
        by_people = await _by_people(db, cues, page, text_folded)
        if by_people is not None:
            return by_people
    if viable:
        # Only the title speaks, but one film has it and nothing on the page disagrees.
        title_only = not best.confirmed and not close and best.title_score >= STRONG * 0.95
        # A plain page whose first line is a title of two words or more that one catalog
        # film has, and nothing on the page disagrees.
        first_line = (
            not best.confirmed
            and not close
            and any(
                c.cue == "early line"
                and c.weight >= EARLY_LINE - 0.02
                and len(c.title.split()) >= 2
                # the whole line, not its head before a dash ('Star Wars - Das Erwachen
                # der Macht' is not Star Wars)
                and not _cut_from_line(c)
                for c in best.cues
            )
            and best.title_score >= (EARLY_LINE - 0.02) * 0.97
        )
        if (title_only or first_line) and not pinned_years and not page.directors:
            return _attach(
                best, "matched by its title (the only catalog film of that title)", viable
            )
        dated_film = _dated_by_page(viable)
        if dated_film is not None:
            return _attach(
                dated_film, "matched by a title the page dates with the film's year", viable
            )
        options = [best, *close][:5]
        # Only when that title is the page's leading cue: a page led by 'Shin Godzilla'
        # that dates the 1954 original is not about the original.
        own = {id(c) for option in options for c in option.cues}
        dated = _dated_beside_title(options, text_folded) if id(cues[0]) in own else None
        if dated is not None:
            return _attach(dated, "matched by its title and its year beside it", viable)
        if len(options) > 1:
            names = ", ".join(c.label for c in options[:-1]) + f" or {options[-1].label}"
            return FilmMatch(
                "pending",
                f"the page could be about {names}; nothing on it tells which",
                title=best.cues[0].title if best.cues else None,
                candidates=options,
            )
    top = cues[0]
    dated = [c for c in cues if c.strong and c.year and c.cue in _NEW_FILM_CUES]
    if top.year is None and dated:
        top = dated[0]  # of two title lines, the one that dates the film ('X (1948)')
    year = page.year or (top.year if top.strong else None)
    other_name = await _other_name(db, top, page, year)
    if other_name is not None:
        return other_name
    # A plain-text page's first lines are its title when its details name the film's year
    # and director: that is enough to add a film the catalog lacks.
    first_line = top.cue == "early line" and top.weight >= EARLY_LINE - 0.03
    has_letters = bool(re.search(r"[^\W\d_]", top.title))
    # Only a line that says "this is the title" may name a new film: a shop's 'Gift Ideas
    # Blu-ray' or 'New This Week DVD' carries a format word too.
    titled = top.cue in _NEW_FILM_CUES
    # A decorated line ('Der müde Tod – Eureka Video (BluRay / DVD Combo)') names the film
    # when the page's own credits (a director and a cast) say what film it is; a shop's
    # 'Gift Ideas Blu-ray' has none.
    credited = top.cue == "decorated title" and bool(page.directors) and len(page.cast) >= 2
    if has_letters and (
        (top.strong and (titled or credited) and (year or page.directors))
        or (first_line and page.year and page.directors and not viable)
    ):
        # 'Wyspa psów (2018)' by Wes Anderson, named on the page: his Isle of Dogs under
        # another name, perhaps; a person decides.
        known = await _directors_film_of_year(db, page.text, year)
        if known is not None and norm_title(top.title) in {
            norm_title(t) for t in known.facts.titles or [known.facts.title]
        }:
            # the very film, added since this process's title index was built (another
            # process importing the same folder)
            known.evidence.append(f"year {year}")
            return _attach(known, "matched by title and year, director", [known])
        if known is not None:
            return FilmMatch(
                "pending",
                f"“{top.title}” is not a title the catalog knows, but the page names the "
                f"director of {known.label}, of that year: it may be that film under "
                f"another name (accept with --film {known.facts.film_id} if so)",
                title=top.title,
                year=year,
                candidates=[known],
            )
        return FilmMatch(
            "new",
            "no catalog film fits (title, year and director checked)",
            title=top.title,
            year=year,
            candidates=[c for c in ranked if c.title_score >= 0.7][:3],
        )
    if viable:
        names = ", ".join(c.label for c in viable[:3])
        return FilmMatch(
            "pending",
            f"not sure the page is about {names}: nothing besides a title line agrees",
            title=top.title,
            candidates=viable[:5],
        )
    if top.strong:
        return FilmMatch(
            "pending",
            f"“{top.title}” is not in the catalog and the page gives no year or director "
            "to add it as a new film",
            title=top.title,
        )
    if page.year and page.directors:
        return FilmMatch(
            "pending",
            f"the page is about a film of {page.year} the catalog lacks, but no title line "
            f"says which for sure (perhaps “{top.title}”)",
            title=top.title,
            year=page.year,
        )
    return FilmMatch(
        "reject",
        "the page names no film: no title line, heading or label names one "
        f"(the nearest was “{top.title}”)",
    )


_MENTION_CUES = ("mentioned", NAMED_ONCE)
# How near its name a film's year must be to date the name ('the legendary 1954 Toho
# film, GOJIRA (a.k.a. Godzilla)').
_YEAR_REACH = 120


def _dated_beside_title(options: list[Candidate], text_folded: str) -> Candidate | None:
    """Of films sharing one title (Godzilla of 1954, 1998 and 2014), the one whose year
    the page prints beside that title, when only one's is; else None."""
    if len(options) < 2 or any(c.excluded for c in options):
        return None
    names = {fold(t) for t in options[0].facts.titles if len(fold(t)) >= 3}
    if not names or any(not names & {fold(t) for t in c.facts.titles} for c in options):
        return None
    where = [
        m.start()
        for name in names
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text_folded)
    ]
    beside = [
        c
        for c in options
        if c.facts.year
        and any(
            re.search(
                rf"(?<!\d){c.facts.year}(?!\d)",
                text_folded[max(0, at - _YEAR_REACH) : at + _YEAR_REACH],
            )
            for at in where
        )
    ]
    return beside[0] if len(beside) == 1 else None


def _dated_by_page(viable: list[Candidate]) -> Candidate | None:
    """The one film whose name the page keeps repeating and prints with its very year in
    brackets ('Drive My Car (ドライブ・マイ・カー, 2021)'), when no other catalog film is dated
    so, nothing on the page disagrees, and the other films are only names in its prose."""

    def dated(candidate: Candidate) -> bool:
        return any(
            c.cue == "mentioned" and c.year is not None and c.year == candidate.facts.year
            for c in candidate.cues
        )

    found = [c for c in viable if dated(c)]
    if len(found) != 1:
        return None
    film = found[0]
    if film.year_conflicts or film.director_conflicts:
        return None
    others = [c for c in viable if c is not film]
    if any(c.confirmed or any(x.strong for x in c.cues) for c in others):
        return None
    return film


_NEW_FILM_CUES = (
    "label",
    "schema",
    "review line",
    "title over details",
    "title (year)",
    "og:title",
    "h1",
    "item title",
)
_LEAD_CUES = _NEW_FILM_CUES


def _unknown_lead(
    cues: list[TitleCue], hits_by_cue: dict[int, set[int]], best: Candidate
) -> TitleCue | None:
    """The page's own title line, when it names no catalog film and the best candidate
    was found only by cues less trusted than it (a shop's 'you may also like')."""
    for index, cue in enumerate(cues):
        if cue.cue not in _LEAD_CUES or not re.search(r"[^\W\d_]", cue.title):
            continue
        if hits_by_cue.get(index) or any(c.source == cue.source for c in best.cues):
            return None  # the lead (or a shorter reading of its line) names a catalog film
        weakest = max((c.weight for c in best.cues), default=0.0)
        if weakest < cue.weight:
            return cue
        if cue.year and weakest <= cue.weight and not any(c.year for c in best.cues):
            return cue  # a dated title line ('La Passion de Jeanne d'Arc (1928)') leads
        return None
    return None


# How much a catalog title that only starts with the page's ('Sunrise' for 'Sunrise: A
# Song of Two Humans') or differs by its article counts, against an exact title.
HEADED_QUALITY = 0.9
_ARTICLE = re.compile(r"^(?:the|a|an)\s+(?=\S)", re.I)


def _title_hits(titles: TitleSearch, cue: TitleCue) -> list[tuple[Hit, float]]:
    """Catalog films a cue's title may mean, each with how well the title matches (0-1):
    the search engine's hits, the same title with or without its article ('The Phantom
    of the Opera' is also 'Phantom of the Opera'), and, for a title line, catalog titles
    it is the head of ('Sunrise' -> 'Sunrise: A Song of Two Humans')."""
    out: dict[int, tuple[Hit, float]] = {}

    def take(hit: Hit, quality: float) -> None:
        if hit.film_id not in out or out[hit.film_id][1] < quality:
            out[hit.film_id] = (hit, quality)

    for hit in titles.lookup(cue.title, limit=8).candidates:
        if hit.score >= TITLE_MATCH:
            take(hit, min(hit.score, 100.0) / 100.0)
    bare = _ARTICLE.sub("", cue.title)
    other = bare if bare != cue.title else f"The {cue.title}"
    if len(bare.split()) >= 2:
        for hit in titles.lookup(other, limit=8).candidates:
            if hit.exact:
                take(hit, HEADED_QUALITY)
    if cue.weight >= TITLE_YEAR and len(bare) >= 4:
        for hit in titles.headed(cue.title, limit=20):
            take(hit, HEADED_QUALITY)
    return list(out.values())


# A page that names this many different catalog films by their full titles, none of them
# in a title line, is a roundup (a week's releases, a year's best).
MANY_FILMS = 5
_NAMED_FILM = re.compile(
    r"[“\"](?P<q>[^”\"\n]{2,60})[”\"]|"
    r"(?<![\w'’])(?P<c>[A-Z][\w'’\-]*(?:[ \t]+(?:of|the|and|a|an|in|on|to|for|at|with|from|by|"
    r"&)?[ \t]*[A-Z][\w'’\-]*)+)"
)


def _many_films_named(titles: TitleSearch, text: str, cues: list[TitleCue]) -> str | None:
    if any(c.strong for c in cues):
        return None
    films: dict[int, str] = {}
    seen: set[str] = set()
    for match in _NAMED_FILM.finditer(text[:6000]):
        name = (match["q"] or match["c"] or "").strip(" .,:;")
        if len(name) < 4 or name in seen or len(seen) >= 80:
            continue
        seen.add(name)
        hits = [h for h in titles.lookup(name, limit=3).candidates if h.exact and h.score >= 100]
        if hits and len({h.film_id for h in hits}) == 1:
            films.setdefault(hits[0].film_id, name)
    if len(films) >= MANY_FILMS:
        shown = ", ".join(list(films.values())[:4])
        return f"the page covers several films ({shown}, …); import a page about one film"
    return None


def _two_films(titles: TitleSearch, cues: list[TitleCue]) -> str | None:
    """'Solaris / Stalker' on a title line is two films on one disc when each half is a
    catalog film of its own; 'Children of Men / Menneskenes Barn' is one film under two
    names (only one half is a catalog title, or both are the same film)."""
    for cue in cues:
        leading = cue.cue in _LEAD_CUES or (cue.cue == "early line" and cue.weight >= 0.4)
        if not leading or not re.search(r"\s/\s", cue.title):
            continue
        halves = [h.strip() for h in re.split(r"\s/\s", cue.title) if h.strip()]
        if len(halves) != 2:
            continue
        films = set()
        for half in halves:
            hits = titles.lookup(half, limit=3).candidates
            exact = [h for h in hits if h.score >= DOUBLE_FEATURE_MATCH]
            if not exact:
                return None
            films.add(exact[0].film_id)
        if len(films) == 2:
            return f"“{cue.title}” looks like two films on one disc; import one document per film"
        return None
    return None


async def _other_name(
    db: _Sql, lead: TitleCue, page: PageFacts, year: int | None = None
) -> FilmMatch | None:
    """The page's title line may be another name of a catalog film (its original title):
    with a year and the page's director, that director's one film of that very year is
    it. A film a year off is another film ('They're Playing with Fire' (1984) is not the
    same director's 'Mortuary' (1983))."""
    year = year or page.year or lead.year
    if not (year and page.directors):
        return None
    known = await films_by_director(db, list(page.directors), year, slack=0)
    if len(known) != 1:
        return None
    film_id, title, film_year = known[0]
    facts = (await film_facts(db, [film_id])).get(film_id)
    text_folded = fold(page.text)
    cast = [n for n in (facts.cast if facts else []) if n not in (facts.directors if facts else [])]
    runtime = facts.runtime_min if facts else None
    backed = bool(_names_in_text(cast, text_folded)) or bool(
        runtime and re.search(rf"(?<![\d.]){runtime}\s*(?:min|minutes|mins)\b", text_folded)
    )
    if not backed:
        # the director made one film that year, but nothing else on the page says it is
        # this one (the page's film may be missing from the catalog): ask
        return FilmMatch(
            "pending",
            f"“{lead.title}” may be another name of {title} ({film_year}), the director's "
            f"film of that year, but nothing else on the page says so (accept with --film "
            f"{film_id} if it is)",
            title=lead.title,
            year=year,
            candidates=[Candidate(facts)] if facts else [],
        )
    return FilmMatch(
        "attach",
        f"matched by director and year {film_year} (“{lead.title}” is another name of it)",
        film_id,
        f"{title} ({film_year})",
        title=lead.title,
    )


def _drop_people_named_as_films(found: dict[int, Candidate]) -> None:
    """'Hitchcock's Vertigo' mentions Hitchcock (2012) as often as Vertigo: a film found
    only by a name the text repeats, when that name is a person of another candidate,
    is the person."""
    people = {
        part
        for c in found.values()
        for name in (*c.facts.directors, *c.facts.cast)
        for part in [fold(name), *fold(name).split()]
        if len(part) >= 3
    }
    for film_id, candidate in list(found.items()):
        mentioned_only = all(c.cue == "mentioned" for c in candidate.cues)
        if mentioned_only and any(fold(c.title) in people for c in candidate.cues):
            others = [o for o in found.values() if o is not candidate]
            own = {fold(n) for n in (*candidate.facts.directors, *candidate.facts.cast)}
            if others and not any(fold(c.title) in own for c in candidate.cues):
                del found[film_id]


# How many different people of one film (its director, its cast) a page must name, and
# by how many more than any other film, for its people alone to say which film it is.
PEOPLE_ALONE = 3
PEOPLE_LEAD = 2
# Words inside a name ('Juan José Campanella', 'Gus Van Sant', 'Vittorio De Sica').
_NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "di",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "le",
        "la",
        "du",
        "dos",
        "das",
        "bin",
        "al",
        "el",
        "ter",
        "ten",
    ]
)
_OPENERS = '("“‘[«„'
_CLOSERS = ',;:!?)]}»"”’.'
# A page's names looked up at most: a long page's capitalised runs are many.
_NAME_SPANS_MAX = 600


def name_spans(text: str) -> list[str]:
    """Folded runs of two to four capitalised words (with particles inside): the
    people's names a page may print in its prose, among other capitalised words."""
    spans: dict[str, None] = {}
    run: list[str] = []

    def flush() -> None:
        for size in (2, 3, 4):
            for i in range(len(run) - size + 1):
                words = run[i : i + size]
                if words[0].casefold() in _NAME_PARTICLES or words[-1].casefold() in (
                    _NAME_PARTICLES
                ):
                    continue
                key = norm_name(" ".join(words))
                if key and len(spans) < _NAME_SPANS_MAX:
                    spans[key] = None
        run.clear()

    for raw in text.split():
        if raw[:1] in _OPENERS:
            flush()
        word = raw.strip(_OPENERS + _CLOSERS + "'")
        possessive = re.search(r"['’]s$", word) is not None
        if possessive:
            word = word[:-2]
        initial = re.fullmatch(r"[^\W\d_]\.", raw) is not None  # 'John C. Reilly'
        ends = possessive or (raw[-1:] in _CLOSERS and not initial)
        capital = (bool(word) and word[0].isupper() and not word.isupper()) or initial
        if word and (capital or (run and word.casefold() in _NAME_PARTICLES)):
            run.append(word)
            if ends:
                flush()
        else:
            flush()
    flush()
    return list(spans)


async def _by_people(
    db: _Sql, cues: list[TitleCue], page: PageFacts, text_folded: str
) -> FilmMatch | None:
    """The one catalog film whose director and cast the page names, at least
    PEOPLE_ALONE of them and PEOPLE_LEAD more than any other film's, when nothing on the
    page says otherwise: its year, if the page gives one, agrees, and a page whose own
    title line names another film (one the catalog may lack) prints this one's title too.
    None otherwise."""
    people: dict[int, set[int]] = defaultdict(set)
    for film_id, _, person_id in await credits_of_names(db, name_spans(page.text)):
        people[film_id].add(person_id)
    ranked = sorted(people.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if not ranked or len(ranked[0][1]) < PEOPLE_ALONE:
        return None
    film_id, named = ranked[0]
    if len(ranked) > 1 and len(named) - len(ranked[1][1]) < PEOPLE_LEAD:
        return None
    facts = (await film_facts(db, [film_id])).get(film_id)
    if facts is None:
        return None
    if page.year and facts.year and abs(page.year - facts.year) > 1:
        return None
    titled = any(
        # not inside a longer title: 'Paddington 2', 'Alien: Covenant', 'Rocky II'
        re.search(rf"(?<!\w){re.escape(key)}(?!\w)(?!\s+(?:\d|[ivx]+\b|part\b))", text_folded)
        # 'Third Man, The (reissue)' prints The Third Man
        for key in {norm_title(t) for t in facts.titles or [facts.title]}
        if len(key) >= 4
    )
    if not titled and any(c.strong for c in cues):
        return None
    # Its title or its year must be on the page too: the same director and stars made
    # other films (Carné, Gabin and Prévert: Le jour se lève and Le quai des brumes).
    dated = facts.year is not None and _near(_years_in_text(page.text), facts.year)
    candidate = Candidate(facts, people_named=len(named))
    if not (titled or dated):
        return FilmMatch(
            "pending",
            f"the page names {len(named)} of the director and cast of {candidate.label} "
            "but neither its title nor its year (they made other films together)",
            candidates=[candidate],
        )
    candidate.evidence.append(f"{len(named)} of its director and cast named")
    return _attach(
        candidate,
        f"matched by the people it names: {len(named)} of the film's director and cast"
        + (", and its title" if titled else ""),
        [candidate],
    )


# Words of what follows a title on its line that a cleaning rightly took off: formats,
# review words, labels, sites.
_DECORATION = re.compile(
    r"blu|dvd|4k|uhd|hd|review|kritik|critique|recensi|resen|test|edition|criterion|"
    r"collection|com\b|net\b|magazine|digest|forum|beaver|talk|bits|disc|\bsite\b|"
    r"\bmovie\b|\bfilm\b|\d{4}"
)


def _titles_page(cue: TitleCue) -> bool:
    return cue.strong and cue.weight >= TITLE_YEAR


async def _directors_film_of_year(db: _Sql, text: str, year: int | None) -> Candidate | None:
    """The one catalog film of `year` directed by someone the page names, or None."""
    if year is None:
        return None
    directed = {
        film_id
        for film_id, role, _ in await credits_of_names(db, name_spans(text))
        if role == "director"
    }
    facts = await film_facts(db, sorted(directed))
    of_year = [f for f in facts.values() if f.year == year]
    return Candidate(of_year[0]) if len(of_year) == 1 else None


def _cut_from_line(cue: TitleCue) -> bool:
    """Whether the cue is the head of its line before a dash or colon, and what follows
    is more words of a title, not a decoration the cleaning took off."""
    match = re.match(
        rf"^\W*{re.escape(cue.title)}\s*[-–—:]\s*(?P<tail>.+)$", " ".join(cue.source.split())
    )
    if match is None:
        return False  # 'Children of Men / Menneskenes Barn': a second name, not a subtitle
    tail = fold(match["tail"]).split()
    return len(tail) >= 2 and not _DECORATION.search(" ".join(tail))


def _attach(best: Candidate, reason: str, viable: list[Candidate]) -> FilmMatch:
    return FilmMatch("attach", reason, best.facts.film_id, best.label, candidates=viable[:5])


_ROUNDUP_WORD = re.compile(r"\bround[- ]?up\b", re.I)


def _roundup_heading(text: str) -> str | None:
    """A page headed as a roundup ('Blu-ray/DVD Roundup for May 27, 2022'): it reviews
    the week's releases one after another, whichever film it starts with."""
    heads = [line.strip() for line in text.splitlines() if line.strip()][:3]
    for line in heads:
        if len(line) <= 120 and not line.endswith((".", "!", "?")) and _ROUNDUP_WORD.search(line):
            return f"the page is a roundup of several releases (“{line}”); import a page about one film"
    return None


def _roundup(cues: list[TitleCue], hits_by_cue: dict[int, set[int]]) -> str | None:
    """A page whose trusted title lines name several different films, none leading."""
    heads = [i for i, c in enumerate(cues) if c.cue in ("label", "schema", "og:title", "h1")]
    if any(hits_by_cue.get(i) for i in heads):
        return None  # the page's own heading names its film
    films: list[str] = []
    for index, cue in enumerate(cues):
        if cue.cue not in ("title (year)", "review line"):
            continue
        ids = hits_by_cue.get(index) or set()
        if ids or cue.year:
            key = cue.title.lower()
            if key not in films:
                films.append(key)
    if len(films) >= ROUNDUP_FILMS:
        shown = ", ".join(
            cues[i].title for i in range(len(cues)) if cues[i].title.lower() in films[:3]
        )
        return f"the page covers several films ({shown}, …); import a page about one film"
    return None
