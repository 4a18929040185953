"""`ask`: a question in plain words, answered from stored facts, each with its source.

The question is read by rules (`bot.core.questions`), the film found by the title search
in what is left of the sentence, and the fact taken from the same store queries the cards
use. A fact no source gave is said to be unknown, with what is known instead: never a
guess, never "no". Answers use no review or plot text, so no spoiler can reach them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from rapidfuzz import fuzz

from bot.cards import Card, Reply, plain
from bot.constants import DISAMBIGUATION_MAX_CHOICES, ECHO_MAX
from bot.core.answers.people import PEOPLE_MAX, person_card
from bot.core.answers.reviews import plot
from bot.core.answers.table import COMMANDS, label_matches
from bot.core.commands import Option
from bot.core.engine import Core, not_in_catalog, shorten
from bot.core.film_cards import film_card
from bot.core.questions import (
    COUNTRY_ALSO,
    FEATURE_SYNONYMS,
    FILLER,
    Question,
    filmography_request,
    skip_words,
    understand,
)
from bot.core.request import Request
from bot.core.review_cards import review_kind
from bot.core.scores import name_of, number, out_of_ten
from bot.core.summary import key_sentences
from bot.models import (
    ClaimedValue,
    EditionDetails,
    EditionSummary,
    FilmDetails,
    ReviewSummary,
)
from bot.search.people import PART as PEOPLE_PART
from bot.search.people import PersonHit
from bot.search.spans import Span, exact_spans, is_year, namesakes
from bot.search.titles import Hit, LookupResult, TitleSearch, query_key
from bot.store import films, provenance, reviews
from bot.store import questions as asked_store
from bot.text import fold, same_person, sentences, translit_key, typed_fractions

QUESTION_MAX = 300
# A one-word name asks for a person's films only when they directed this many.
FILMOGRAPHY_ONE_WORD_DIRECTED = 2
AnswerKind = Literal["fact", "unknown", "ask", "not_found", "not_understood", "film"]
# How people know the bundled catalog's files.
SOURCE_NAMES = {
    "wikidata_films.csv.gz": "Wikidata",
    "wikipedia_us_films.csv.gz": "Wikipedia's lists of American films",
    "cannes_films.csv.gz": "the Cannes competition list",
    "criterion.csv.gz": "the Criterion Collection list",
    "boxsets.csv.gz": "the Criterion box set list",
}
# How people know imported documents, by their source's kind.
SOURCE_KINDS = {
    "disc_review": "the disc review",
    "release_listing": "the release listing",
    "blog_review": "the blog review",
    "feed_item": "the feed item",
}
VERDICT_MAX = 300  # characters of a review's verdict quoted in an answer
SYNOPSIS_SENTENCES = 2
EXAMPLES = (
    "how long is Stalker (1979)",
    "who directed the cranes are flying",
    "is there a 4k of barry lyndon",
    "what region is the thing blu-ray",
)


@dataclass(frozen=True)
class Answered:
    """What `answer_question` understood and answered (the bench reads these)."""

    question: Question
    film_id: int | None
    kind: AnswerKind
    reply: Reply


def source_names(sources: tuple[str, ...] | list[str]) -> str:
    """'Wikidata and the Cannes competition list'."""
    names = list(dict.fromkeys(SOURCE_NAMES.get(s, s) for s in sources))
    if not names:
        return "a source whose name was not kept"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _listed(items: tuple[str, ...] | list[str], limit: int = 5) -> str:
    shown = list(items[:limit])
    if not shown:
        return ""
    more = len(items) - len(shown)
    if more > 0:
        return ", ".join(shown) + f" and {more} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


@COMMANDS.command(
    "ask",
    "A question in plain words: who directed, how long, is there a 4K, region, extras, scores.",
    *EXAMPLES,
    options=(
        Option(
            "question",
            "text",
            "Your question, e.g. how long is Stalker (1979)",
            required=True,
            minimum=1,
            maximum=QUESTION_MAX,
        ),
    ),
    film=True,
)
async def ask(core: Core, req: Request, *, question: str, film_id: int | None) -> Reply:
    return (await answer_question(core, req, question, film_id)).reply


async def answer_question(
    core: Core, req: Request, text: str, film_id: int | None = None
) -> Answered:
    """Understand `text`, find its film (or ask which), and answer from stored facts."""
    text = typed_fractions(shorten(" ".join(text.split()), QUESTION_MAX))
    q = understand(text)
    if q.intent == "directed_by" and not await _a_director(core, q.who or ""):
        # 'is up a pixar movie': no director called so; read it without that rule
        q = understand(text, yes_no=False)
    if film_id is None and (asked := filmography_request(text)) is not None:
        answered = await _filmography(core, q, *asked)
        if answered is not None:
            return answered
    notes: list[Card] = []
    closest = by_edition = False
    span = q.title
    if film_id is None and q.spine and not q.title:
        film_id = await _by_spine(core, q)
    if film_id is None and not q.title and q.intent == "role" and q.who:
        kind, reply, one = await _character_answer(core, req, q)
        return Answered(q, one, kind, reply)
    if film_id is None and not q.title and q.intent is not None:
        q = await _title_of_filler(core, q)  # 'what language is get out in'
    if film_id is None:
        if not q.title:
            return Answered(q, None, "not_understood", _not_understood(req, text))
        found = await _locate(core, q)
        if found.film_id is None and q.intent in ("in_cast", "directed_by"):
            # 'is X in Y' where Y is no film: read it without that rule
            other = understand(text, yes_no=False)
            again = await _locate(core, other)
            if again.film_id is not None:
                q, found = other, again
        if q.intent is None:
            # No question words: a title alone is the film's card, anything else is help.
            if found.film_id is None or found.closest:
                return Answered(q, None, "not_understood", _not_understood(req, text))
            details = await films.film_details(core.db, found.film_id)
            if details is None:
                return Answered(q, None, "not_understood", _not_understood(req, text))
            cards = (film_card(details), *found.notes)
            return Answered(q, details.summary.id, "film", Reply(cards))
        film_id, closest, notes = found.film_id, found.closest, list(found.notes)
        span = found.span
        if film_id is None and (q.intent in EDITION_INTENTS or q.about_edition):
            film_id = await _the_one_with_editions(core, q, found.span)
            by_edition = film_id is not None
        if film_id is None and (q.intent in EDITION_INTENTS or q.boxset):
            # 'spine of the apu trilogy box': a box set's name, not a film's title
            boxed = await _boxset_named(core, req, q, found.span)
            if boxed is not None:
                return boxed
        if film_id is None:
            resolved = await core.resolve_film(found.span, req, "ask", {"question": text})
            if isinstance(resolved, int):  # pragma: no cover (the lookup above found none)
                film_id = resolved
            else:
                kind: AnswerKind = "ask" if resolved.choices else "not_found"
                return Answered(q, None, kind, resolved)
    details = await films.film_details(core.db, film_id, cast_limit=12)
    if details is None:
        return Answered(q, film_id, "not_found", _not_understood(req, text))
    if q.intent is None:
        return Answered(q, film_id, "film", Reply((film_card(details),)))
    extra: tuple[Card, ...] = ()
    if q.intent in EDITION_INTENTS:
        kind, sentence, more = await _edition_answer(core, req, q, details)
    elif q.intent == "review":
        kind, sentence = await _review_answer(core, q, details)
        more = f"{req.prefix}review {details.summary.label}"
    elif q.intent == "synopsis":
        kind, sentence, extra = await _synopsis_answer(core, req, q, details)
        spoilers = " spoilers" if q.spoilers else ""
        more = f"{req.prefix}plot {details.summary.label}{spoilers}"
    elif q.intent == "role":
        kind, sentence = await _role_answer(core, q, details)
        more = f"{req.prefix}film {details.summary.label}"
    elif q.intent in ("in_cast", "directed_by"):
        kind, sentence = await _member_answer(core, q, details)
        more = f"{req.prefix}film {details.summary.label}"
    elif q.intent == "titles":
        kind, sentence = await _titles_answer(core, details)
        more = f"{req.prefix}film {details.summary.label}"
    else:
        sources = await _described(core, await provenance.film_sources(core.db, film_id))
        conflicts = await _described_conflicts(core, details.conflicts)
        kind, sentence = _film_answer(q.intent, replace(details, conflicts=conflicts), sources)
        if q.check and kind == "fact":
            sentence = _checked(q, details, sentence)
        more = f"{req.prefix}film {details.summary.label}"
    title = details.summary.label if kind == "fact" else f"I don't know: {details.summary.label}"
    card = Card(title, plain(sentence), footer=f"More: {more}")
    cards = (card, *extra)
    cards = (*cards, *notes)
    if closest:
        said = shorten(span, ECHO_MAX)
        note = f"No title I know is “{said}”; this is the closest one."
        cards = (Card("Closest match", plain(note)), *cards)
    elif by_edition:
        said = shorten(span, ECHO_MAX)
        wanted = _wanted(q) or "home-video"
        note = (
            f"Several films are called “{said}”; {details.summary.label} is the only one "
            f"with a {wanted} edition I know of."
        )
        cards = (*cards, Card("Which film", plain(note)))
    return Answered(q, film_id, kind, Reply(cards))


@dataclass(frozen=True)
class Located:
    """The film a question is about (None: ask which, or not in the catalog), whether it
    is only the closest title, notes to show with the answer (which namesake, the person
    that chose it), and the words it was found by (what to ask about when unclear)."""

    film_id: int | None
    span: str
    closest: bool = False
    notes: tuple[Card, ...] = ()


@dataclass
class _Option:
    """One reading of where the title is: its words, its lookup, what it explains."""

    text: str
    result: LookupResult
    covered: set[int]
    exact: bool


# Candidates whose credits are read for a name hint ('solaris by soderbergh'), in the
# readings of where the title is that explain the most words.
HINT_FILMS = 6
HINTED_OPTIONS = 3
# How many fuzzy lookups a question may cost beyond the whole title and exact spans.
FUZZY_TRIES = 6
# A hint word names a person in the credits when equal to a word of the name, or (five
# letters and more) this close to one.
NAME_MATCH = 85


async def _locate(core: Core, q: Question) -> Located:
    """The film the question names: the span of its words that is a title (an exact
    title or alias first, the most telling words first; else the title search on the
    parts of the sentence), with a year next to it as a hint; names of people left
    around it choose among films of that title (the director or the cast agrees); a
    title several films share means the far better known one, said so."""
    titles = await core.titles()
    words = [w for part in q.parts for w in part]
    breaks, at = set(), 0
    for part in q.parts:
        breaks.add(at)
        at += len(part)
    hints = [w for w in (q.who or "").split()]
    skip = skip_words(q)
    options = _options(titles, q, words, breaks)
    if not options:
        return Located(None, q.title)
    credits: dict[int, list[tuple[str, str]]] = {}
    chosen: tuple[tuple[int, int, float], _Option, Hit | None, list[str], list[str]] | None = None
    # The readings that explain the most words are weighed with their names' hints.
    options.sort(
        key=lambda o: (
            -len([i for i in o.covered if _telling(words[i], skip)]),
            -int(o.exact),
            -_score(o.result),
        )
    )
    for option in options[:HINTED_OPTIONS]:
        leftover = [
            words[i]
            for i in range(len(words))
            if i not in option.covered and _telling(words[i], skip) and not is_year(words[i])
        ] + hints
        hits = [option.result.best] if option.result.best else []
        hits += [h for h in option.result.candidates if h not in hits]
        pick, named, people = None, [], []
        if leftover and hits:
            want = [h.film_id for h in hits[:HINT_FILMS] if h.film_id not in credits]
            credits.update(await asked_store.film_credit_names(core.db, want))
            agreeing = [
                (h, _named(leftover, credits.get(h.film_id, []))) for h in hits[:HINT_FILMS]
            ]
            most = max(len(n[0]) for _, n in agreeing)
            top = [(h, n) for h, n in agreeing if len(n[0]) == most]
            if most and len(top) == 1:
                pick, (named, people) = top[0]
        explained = len([i for i in option.covered if _telling(words[i], skip)]) + len(named)
        clear = option.result.best is not None or pick is not None
        key = (explained, int(clear) + int(option.exact), _score(option.result))
        if chosen is None or key > chosen[0]:
            chosen = (key, option, pick, named, people)
    assert chosen is not None
    (explained, _, _), option, pick, named, people = chosen
    result = option.result
    unexplained = len(
        [w for i, w in enumerate(words) if i not in option.covered and _telling(w, skip)]
    ) - len([w for w in named if w not in hints])
    if unexplained > explained and option.text != q.title:
        # Most of the words are not this title's: the whole sentence decides, as before.
        whole = titles.lookup(q.title, limit=DISAMBIGUATION_MAX_CHOICES)
        option = _Option(q.title, whole, set(), False)
        result, pick, named, people = whole, None, [], []
    span = option.text
    if pick is not None:
        if result.best is not None and pick.film_id == result.best.film_id:
            return Located(pick.film_id, span)
        said = _listed(list(dict.fromkeys(people)), 3)
        note = f"{_hit_label(pick)}: the one with {said} in its credits."
        return Located(pick.film_id, span, notes=(Card("Which film", plain(note)),))
    if result.best is not None:
        return Located(result.best.film_id, span)
    candidates = list(result.candidates)
    if result.year_hint is None and (famous := namesakes(titles, candidates)) is not None:
        top, others = famous
        also = _listed([_hit_label(h) for h in others], 3)
        note = (
            f"{_hit_label(top)}, the best known of that title; there is also {also} "
            f"— ask with the year for {'that one' if len(others) == 1 else 'another'}."
        )
        return Located(top.film_id, span, notes=(Card("Which film", plain(note)),))
    film_fact = q.intent not in EDITION_INTENTS and not q.about_edition and not q.boxset
    if (
        film_fact
        and result.year_hint is None
        and (released := await _released_namesake(core, candidates))
    ):
        top, others = released
        also = _listed([_hit_label(h) for h in others], 3)
        note = (
            f"{_hit_label(top)}, the best known of that title (the only one released on disc "
            f"that I know of); there is also {also} — ask with the year for "
            f"{'that one' if len(others) == 1 else 'another'}."
        )
        return Located(top.film_id, span, notes=(Card("Which film", plain(note)),))
    if len(candidates) == 1 and not not_in_catalog(span, result.year_hint, None, candidates):
        return Located(candidates[0].film_id, span, closest=True)
    return Located(None, span)


# A namesake with this many editions, when no other has one and it is the best known
# by the catalog's fame, is the film meant (Parasite (2019) over Parasite (1982)).
RELEASED_NAMESAKE_EDITIONS = 2


async def _released_namesake(core: Core, hits: list[Hit]) -> tuple[Hit, list[Hit]] | None:
    """(The film meant, the others) when films share a title and only one of them,
    the best known, has editions (several): home-video releases say who is known."""
    if len(hits) < 2 or len({fold(h.title) for h in hits}) != 1:
        return None
    counts = await asked_store.edition_counts(core.db, [h.film_id for h in hits])
    released = [h for h in hits if counts.get(h.film_id, 0) > 0]
    if len(released) != 1 or counts[released[0].film_id] < RELEASED_NAMESAKE_EDITIONS:
        return None
    titles = await core.titles()
    weights: dict[int, float] = {}
    for hit, w in titles._exact_hits(query_key(hits[0].title)):
        weights[hit.film_id] = max(w, weights.get(hit.film_id, 0.0))
    top = released[0]
    if any(weights.get(h.film_id, 0.0) > weights.get(top.film_id, 0.0) for h in hits):
        return None
    return top, [h for h in hits if h.film_id != top.film_id]


def _hit_label(hit: Hit) -> str:
    return f"{hit.title} ({hit.year})" if hit.year else hit.title


def _telling(word: str, skip: set[str]) -> bool:
    """Whether a word may say which film: not an article, filler or chatter."""
    bare = fold(word)
    return len(bare) > 1 and bare not in skip and bare not in {"by", "with", "and"}


def _score(result: LookupResult) -> float:
    if result.best is not None:
        return result.best.score
    return result.candidates[0].score if result.candidates else 0.0


def _named(words: list[str], credits: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The words that are (part of) the name of someone in these credits, and those
    people's names."""
    names = {w: name for _, name in credits for w in re.split(r"[^\w]+", fold(name)) if len(w) > 1}
    found, people = [], []
    for word in words:
        bare = fold(word)
        if len(bare) < 3 or bare in FILLER:
            continue
        near = [n for n in names if n == bare] or (
            [n for n in names if fuzz.ratio(bare, n) >= NAME_MATCH] if len(bare) >= 5 else []
        )
        if near:
            found.append(word)
            people.append(names[near[0]])
    return found, people


def _with_year(text: str, year: str | None) -> str:
    return f"{text} {year}" if year and not text.endswith(year) else text


def _options(titles: TitleSearch, q: Question, words: list[str], breaks: set[int]) -> list[_Option]:
    """The readings of where the title is: the whole (as the search reads it), each
    exact span (the most telling first) with the year next to it, then the title search
    on the parts and on shorter runs of words when none of those is clear."""
    options: list[_Option] = []
    skip = skip_words(q)
    years = [i for i, w in enumerate(words) if is_year(w)]
    whole = titles.lookup(q.title, limit=DISAMBIGUATION_MAX_CHOICES)
    if whole.best is not None or whole.candidates:
        top = whole.best or whole.candidates[0]
        options.append(_Option(q.title, whole, _covered(words, whole), top.exact))
        if whole.best is not None and whole.best.exact:
            options[-1].covered = set(range(len(words)))
            return options
    spans: list[Span] = []
    articles = q.intent not in EDITION_INTENTS and not q.about_edition
    for span in exact_spans(titles, words, breaks, skip_words(q), articles=articles):
        if not any(s.start <= span.start and span.end <= s.end for s in spans):
            spans.append(span)  # not a run inside a better one ('red' in 'red shoes')
    for span in spans[:3]:
        at, year = _year_near(words, span, years)
        text = _with_year(span.text, year)
        result = titles.lookup(text, limit=DISAMBIGUATION_MAX_CHOICES)
        if not result.candidates and year:
            result, text, at = (
                titles.lookup(span.text, limit=DISAMBIGUATION_MAX_CHOICES),
                span.text,
                None,
            )
        if result.candidates:
            covered = set(range(span.start, span.end)) | ({at} if at is not None else set())
            options.append(_Option(text, result, covered, True))
    if len(options) > 1 or any(o.result.best is not None for o in options):
        return options
    tries = 0
    runs = []
    at = 0
    for part in q.parts:
        part_words = list(range(at, at + len(part)))
        at += len(part)
        telling = [i for i in part_words if _telling(words[i], skip) and not is_year(words[i])]
        if not telling:
            continue
        first, last = telling[0], telling[-1]
        runs.append((first, last + 1))
        for cut in range(1, 4):  # a name or chatter before or after the title
            if last + 1 - cut > first:
                runs.append((first, last + 1 - cut))
            if first + cut < last + 1:
                runs.append((first + cut, last + 1))
    for start, end in dict.fromkeys(runs):
        if tries >= FUZZY_TRIES:
            break
        text = " ".join(words[start:end])
        if text == q.title:
            continue
        _, year = _year_near(words, Span(start, end, text), years)
        tries += 1
        result = titles.lookup(_with_year(text, year), limit=DISAMBIGUATION_MAX_CHOICES)
        if result.best is not None:
            covered = _covered(words[start:end], result, offset=start)
            options.append(_Option(_with_year(text, year), result, covered, False))
    return options


def _year_near(words: list[str], span: Span, years: list[int]) -> tuple[int | None, str | None]:
    """The year typed right after (or before) the span, else the only year typed, and
    where it is."""
    for i in (span.end, span.end + 1, span.start - 1):
        if i in years:
            return i, words[i].strip("()[]")
    if len(years) == 1:
        return years[0], words[years[0]].strip("()[]")
    return None, None


def _covered(words: list[str], result: LookupResult, offset: int = 0) -> set[int]:
    """The positions of the words the result's top title holds (a typo allowed)."""
    top = result.best or (result.candidates[0] if result.candidates else None)
    if top is None:
        return set()
    have = [w for name in (top.title, top.matched) if name for w in fold(name).split()]
    return {
        offset + i
        for i, word in enumerate(words)
        if any(fuzz.ratio(fold(word), h) >= 75 for h in have) or is_year(word)
    }


async def _by_spine(core: Core, q: Question) -> int | None:
    """The film of the edition with this spine number ('criterion 146')."""
    ids = await films.editions_by_spine(core.db, q.spine or "", q.label)
    for edition_id in ids[:1]:
        details = await films.edition_details(core.db, edition_id)
        if details is not None and len(details.films) == 1:
            return details.films[0].id
    return None


async def _the_one_with_editions(core: Core, q: Question, span: str) -> int | None:
    """An edition question about a title several films share: the one film among them
    with an edition of the format and label asked (Parasite (2019) for 'does parasite 4k
    have dolby vision'); None when it is not exactly one."""
    titles = await core.titles()
    result = titles.lookup(span, limit=DISAMBIGUATION_MAX_CHOICES)
    ids = [c.film_id for c in result.candidates]
    bare = re.sub(r"^(?:the|a|an) ", "", span.strip(), flags=re.I)
    for text in dict.fromkeys((bare, f"the {bare}")):  # 'the lighthouse' beside 'lighthouse'
        found = titles.lookup(text, limit=DISAMBIGUATION_MAX_CHOICES)
        hits = [found.best] if found.best and found.best.exact else []
        for c in [*hits, *found.candidates]:
            if fold(c.title).removeprefix("the ") == fold(bare) and c.film_id not in ids:
                ids.append(c.film_id)
    if len(ids) < 2:
        return None
    having = await asked_store.films_with_editions(core.db, ids, q.format, q.label)
    return having[0] if len(having) == 1 else None


async def _title_of_filler(core: Core, q: Question) -> Question:
    """A title made of words that usually ask ('get out', 'up'): the longest run of the
    sentence's words left by the question's phrase that is a title, else `q` as it is."""
    titles = await core.titles()
    words = [w for part in q.parts for w in part]
    breaks, at = set(), 0
    for part in q.parts:
        breaks.add(at)
        at += len(part)
    spans = [s for s in exact_spans(titles, words, breaks) if s.size > 1 or len(words) == 1]
    if not spans:
        return q
    best = max(spans, key=lambda s: (s.size, -s.start))
    return replace(q, title=best.text, parts=(tuple(words[best.start : best.end]),))


async def _character_answer(
    core: Core, req: Request, q: Question
) -> tuple[AnswerKind, Reply, int | None]:
    """'who plays travis bickle': the part looked up among the parts sources name (and
    the film, when they are all in one)."""
    who = shorten(q.who or "", ECHO_MAX)
    parts = await asked_store.parts_named(core.db, q.who or "")
    if not parts:
        known = await asked_store.films_with_parts(core.db)
        some = f"{known} film{'s' if known != 1 else ''}" if known else "no film yet"
        sentence = (
            f"I don't know which film “{who}” is in: no part of that name is stored, and I "
            f"know the parts of only some films ({some}). Ask with the film: "
            f"{req.prefix}ask who plays {q.who} in <title>."
        )
        card = Card(f"I don't know: {who}", plain(sentence))
        return "unknown", Reply((card,)), None
    summaries = await films.film_summaries(core.db, list(dict.fromkeys(p.film_id for p in parts)))
    said = []
    for part in parts[:3]:
        film = summaries.get(part.film_id)
        label = film.label if film else "a film"
        src = await _sources_of(core, part.sources)
        said.append(f"In {label}, {part.character} is played by {part.actor}, from {src}.")
    first = summaries.get(parts[0].film_id)
    more = f"{req.prefix}film {first.label}" if first else f"{req.prefix}help ask"
    one = len({p.film_id for p in parts}) == 1
    title = first.label if first and one else who
    card = Card(title, plain(" ".join(said)), footer=f"More: {more}")
    return "fact", Reply((card,)), parts[0].film_id if one else None


async def _boxset_named(core: Core, req: Request, q: Question, span: str) -> Answered | None:
    """An edition question about a box set by its name ('spine of the apu trilogy box')."""
    ids: list[int] = []
    for text in dict.fromkeys((span, q.title, f"the {q.title}")):
        ids = await films.boxsets_named(core.db, text)
        if ids:
            break
    if not ids and q.boxset:  # 'the wes anderson box set': the words of its name
        words = {fold(w) for w in span.split() if _telling(w, skip_words(q))}
        held = [
            (len(words & set(re.findall(r"\w+", fold(title)))), i)
            for i, title in await asked_store.boxset_titles(core.db)
        ]
        most = max((n for n, _ in held), default=0)
        if most >= max(2, (len(words) + 1) // 2):  # most of the words, and two at least
            ids = [i for n, i in held if n == most]
    if len(ids) != 1:
        return None
    e = await films.edition_details(core.db, ids[0])
    if e is None:
        return None
    name = f"the box set “{e.summary.title}”"
    if q.intent in (None, "editions"):
        sources = await _described(core, await provenance.edition_sources(core.db, e.summary.id))
        src = source_names([s for v in sources.values() for s in v][:2])
        spine = f", spine #{e.summary.spine}" if e.summary.spine else ""
        held = _listed([f.label for f in e.films], 6)
        sentence = (
            f"{name[0].upper() + name[1:]} ({e.summary.label or 'label unknown'}{spine}) holds "
            f"{held}, from {src}."
        )
        kind: AnswerKind = "fact"
    else:
        sentence = await _edition_fact(core, q, e)
        kind = "fact" if sentence else "unknown"
        if not sentence:
            asked = _ASKED.get(q.intent or "", "that")
            sentence = f"I don't know {asked} of {name}: no source I have gives it."
        elif q.intent == "spine" and e.summary.spine:
            src = await _sources_of(
                core, (await provenance.edition_sources(core.db, e.summary.id)).get("spine", ())
            )
            sentence = (
                f"The box set “{e.summary.title}” is spine #{e.summary.spine} of "
                f"{e.summary.label or 'its label'}, from {src}."
            )
    title = e.summary.title if kind == "fact" else f"I don't know: {e.summary.title}"
    card = Card(title, plain(sentence), footer=f"More: {req.prefix}edition {e.summary.title}")
    return Answered(q, e.films[0].id if len(e.films) == 1 else None, kind, Reply((card,)))


def _not_understood(req: Request, text: str) -> Reply:
    said = shorten(text, ECHO_MAX)
    examples = "; ".join(f"{req.prefix}ask {e}" for e in EXAMPLES[:3])
    card = Card(
        "I didn't understand the question",
        plain(
            f"I could not tell which film “{said}” is about, or what it asks. "
            f"I answer questions such as: {examples}."
        ),
        footer=f"{req.prefix}help lists every command.",
        kind="help",
    )
    return Reply((card,), ephemeral=True)


async def _described(core: Core, found: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Sources as people know them: an imported document by its kind and file name
    ('the disc review (disc-review_x.txt)'), the bundled files by name (`source_names`)."""
    names = sorted({n for v in found.values() for n in v})
    kinds = await asked_store.source_kinds(core.db, names)
    return {k: tuple(_source_label(n, kinds.get(n)) for n in v) for k, v in found.items()}


def _source_label(name: str, kind: str | None) -> str:
    said = SOURCE_KINDS.get(kind or "")
    return f"{said} “{name}”" if said else name


async def _described_conflicts(
    core: Core, conflicts: dict[str, tuple[ClaimedValue, ...]]
) -> dict[str, tuple[ClaimedValue, ...]]:
    """Disagreeing claims with their sources as people know them."""
    found = {f"{k}\0{i}": c.sources for k, v in conflicts.items() for i, c in enumerate(v)}
    named = await _described(core, found)
    return {
        k: tuple(ClaimedValue(c.value, named[f"{k}\0{i}"]) for i, c in enumerate(v))
        for k, v in conflicts.items()
    }


async def _sources_of(core: Core, names: list[str] | tuple[str, ...]) -> str:
    return source_names((await _described(core, {"": tuple(names)})).get("", ()))


# --- facts of the film ---------------------------------------------------------------

# intent -> (what the fact is called, its field in the sources)
_FILM_FIELDS = {
    "director": ("its director", "director"),
    "writer": ("its writers", "writer"),
    "cinematographer": ("its cinematographer", "cinematographer"),
    "cast": ("its cast", "cast"),
    "runtime": ("its running time", "runtime_min"),
    "year": ("its year", "year"),
    "country": ("its country", "country"),
    "language": ("its language", "language"),
    "genres": ("its genres", "genre"),
}


async def _a_director(core: Core, name: str) -> bool:
    """Whether someone who directed a film in the catalog goes by this name."""
    found = (await core.people()).lookup(name, limit=PEOPLE_MAX)
    return any(h.directed and h.score >= PEOPLE_PART for h in found.candidates)


async def _filmography(core: Core, q: Question, name: str, role: str | None) -> Answered | None:
    """'films by satyajit ray': the person's card, when the name is clearly one person's
    (every word of it, or a surname alone, matching) and, when no role was said, no film
    is called so ('godzilla movies' are a film's, not a person's); else None."""
    found = (await core.people()).lookup(name, limit=PEOPLE_MAX)
    best = found.best
    # the surname typed ('films from japan' is no Japan Mthembu's), and a name of one
    # word only for a director ('kurosawa films'; 'space movies' is not Arthur Space's)
    if best is None or best.score < PEOPLE_PART or not best.surname:
        return None
    if len(name.split()) == 1 and best.directed < FILMOGRAPHY_ONE_WORD_DIRECTED:
        return None
    titles = await core.titles()
    # 'date movie', 'the peanuts movie', 'godzilla movies': a film's title
    if any(h.exact for h in titles.lookup(q.text).candidates) or (
        role != "director" and any(h.exact for h in titles.lookup(name).candidates)
    ):
        return None
    sources = source_names(
        (await _described(core, {"": await provenance.person_sources(core.db, best.person_id)}))[""]
    )
    note = f"Their films in my catalog, from {sources}."
    if best.matched:
        note = f"Also credited as {best.matched}. " + note
    reply = await person_card(
        core, best, (note,), best_known_first=True, first_role=role or _main_role(best)
    )
    return Answered(q, None, "fact", reply)


def _main_role(hit: PersonHit) -> str | None:
    """A person who mostly directed is asked about as a director ('kurosawa films'), not
    an actor with a film or two of their own ('hanks movies')."""
    return "director" if hit.directed * 2 >= hit.films else None


def _film_answer(
    intent: str, d: FilmDetails, sources: dict[str, tuple[str, ...]]
) -> tuple[AnswerKind, str]:
    name = d.summary.label
    what, field_name = _FILM_FIELDS[intent]
    src = source_names(sources.get(field_name, ()))
    if intent == "runtime" and "runtime_min" in d.conflicts:
        claims = "; ".join(
            f"{c.value} minutes ({source_names(c.sources)})" for c in d.conflicts["runtime_min"]
        )
        return "fact", f"Sources differ on how long {name} runs: {claims}."
    if intent == "year" and "year" in d.conflicts:
        claims = "; ".join(f"{c.value} ({source_names(c.sources)})" for c in d.conflicts["year"])
        return "fact", f"Sources differ on the year of {name}: {claims}."
    if (
        intent == "year"
        and d.summary.year
        and "year" not in sources
        and "cannes_competition" in sources
    ):
        # Dated by the festival alone: the year it competed, not its release year.
        festival = source_names(sources["cannes_competition"])
        return "fact", (
            f"{d.summary.title} competed at Cannes in {d.summary.year}, from {festival}; no "
            "source I have gives the year it came out, which is that year or a year or two "
            "before."
        )
    value = _film_value(intent, d)
    if not value:
        return "unknown", (
            f"I don't know {what}: no source I have gives it for {name}. {_known(d)}"
        )
    sentences = {
        "director": f"{name} was directed by {value}, from {src}.",
        "writer": f"{name} was written by {value}, from {src}.",
        "cinematographer": f"{name} was shot by {value}, from {src}.",
        "cast": (
            f"{name} stars {value}, from {src}."
            if d.cast_billed
            else f"{name}'s cast includes {value} (not in billing order), from {src}."
        ),
        "runtime": f"{name} runs {value} minutes, from {src}.",
        "year": f"{d.summary.title} is from {value}, from {src}.",
        "country": f"{name} is from {value}, from {src}.",
        "language": f"{name} is in {value}, from {src}.",
        "genres": f"{name} is listed as {value}, from {src}.",
    }
    return "fact", sentences[intent]


def _checked(q: Question, d: FilmDetails, sentence: str) -> str:
    """A yes/no question's answer: 'Yes: ' when the stored fact holds a value asked
    about, else the fact and which values no source gives (never a bare no)."""
    stored = {
        "country": d.countries,
        "genres": d.genres,
        "language": d.languages,
    }.get(q.intent or "", ())
    have = {_plain(v) for v in stored}
    matched, missing = [], []
    for value in q.check:
        names = {_plain(value), *(_plain(a) for a in COUNTRY_ALSO.get(value, ()))}
        if q.intent == "genres" and _plain(value) in ("sci fi", "science fiction"):
            names |= {"sci fi", "science fiction"}
        (matched if names & have else missing).append(value)
    if matched and not missing:
        return "Yes: " + sentence
    if matched:
        return f"Yes, in part: {sentence[:-1]}; no source I have lists {_listed(missing)}."
    return f"{sentence[:-1]}; no source I have lists {_listed(missing)} for it."


def _plain(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(value)).split())


async def _member_answer(core: Core, q: Question, d: FilmDetails) -> tuple[AnswerKind, str]:
    """'is clint eastwood in tarantula': yes with the source when the stored credits
    name them; else what the stored cast holds (a cast list may be partial: no 'no')."""
    name = d.summary.label
    who = q.who or ""
    said = shorten(who, ECHO_MAX)
    sources = await _described(core, await provenance.film_sources(core.db, d.summary.id))
    credits = (await asked_store.film_credit_names(core.db, [d.summary.id])).get(d.summary.id, [])
    roles = {"director": "directed", "writer": "wrote", "cinematographer": "shot"}
    found = [(role, person) for role, person in credits if _same_name(who, person)]
    cast = [p for r, p in found if r == "cast"]
    src = {r: source_names(sources.get(r, ())) for r in ("cast", "director", "writer")}
    if q.intent == "directed_by":
        directors = [p for r, p in found if r == "director"]
        if directors:
            return "fact", f"Yes: {directors[0]} directed {name}, from {src['director']}."
        if d.summary.directors:
            return "fact", (
                f"{name} was directed by {_listed(d.summary.directors)}, from "
                f"{src['director']}; no source I have credits {said} as its director."
            )
        return "unknown", f"I don't know who directed {name}: no source I have gives it."
    if cast:
        return "fact", f"Yes: {cast[0]} is in the cast of {name}, from {src['cast']}."
    crew = [(r, p) for r, p in found if r in roles]
    if crew:
        role, person = crew[0]
        return "fact", (
            f"{person} {roles[role]} {name} (from {source_names(sources.get(role, ()))}); "
            f"the cast as stored doesn't include them."
        )
    listed = (
        f" The cast as stored ({d.cast_total} names, from {src['cast']}): "
        f"{_listed(list(d.cast), 5)}."
        if d.cast
        else " No source I have lists its cast."
    )
    return "unknown", (
        f"I don't know of {said} in {name}: the cast as stored doesn't include them, and "
        f"a cast list may be partial.{listed}"
    )


async def _titles_answer(core: Core, d: FilmDetails) -> tuple[AnswerKind, str]:
    """The film's other titles: the original one first, then the aliases."""
    name = d.summary.label
    others = [t for t in dict.fromkeys([*(filter(None, [d.original_title])), *d.other_titles])]
    if not others:
        return "unknown", (
            f"I know no other title of {name}: no source I have gives one. {_known(d)}"
        )
    sources = await _described(core, await provenance.film_sources(core.db, d.summary.id))
    said = list(dict.fromkeys([*sources.get("title", ()), *sources.get("original_title", ())]))
    src = source_names(said or [s for v in sources.values() for s in v][:1])
    original = f"Its original title is {d.original_title}" if d.original_title else ""
    rest = [t for t in others if t != d.original_title]
    also = f"also known as {_listed(rest, 6)}" if rest else ""
    joined = "; ".join(x for x in (original, also) if x)
    return "fact", f"{name}: {joined[0].upper() + joined[1:]}, from {src}."


def _film_value(intent: str, d: FilmDetails) -> str:
    if intent == "director":
        return _listed(d.summary.directors)
    if intent == "writer":
        return _listed(d.writers)
    if intent == "cinematographer":
        return _listed(d.cinematographers)
    if intent == "cast":
        if not d.cast:
            return ""
        return (
            _listed(d.cast, 5)
            if d.cast_total <= 5
            else (", ".join(d.cast[:5]) + f" and {d.cast_total - 5} more")
        )
    if intent == "runtime":
        return str(d.runtime_min) if d.runtime_min else ""
    if intent == "year":
        return str(d.summary.year) if d.summary.year else ""
    if intent == "country":
        return _listed(d.countries)
    if intent == "language":
        return _listed(d.languages)
    if intent == "genres":
        return _listed([g.lower() for g in d.genres], 8)
    return ""


def _known(d: FilmDetails) -> str:
    """What is known of the film, for an answer that does not know what was asked."""
    parts = []
    if d.summary.directors:
        parts.append(f"directed by {_listed(d.summary.directors, 2)}")
    if d.runtime_min:
        parts.append(f"{d.runtime_min} minutes")
    if d.countries:
        parts.append(_listed(d.countries, 2))
    if d.cast:
        parts.append(f"with {_listed(d.cast, 2)}")
    editions = len(d.editions) + len(d.boxsets)
    if editions:
        parts.append(f"{editions} edition{'s' if editions > 1 else ''}")
    return f"What I know of it: {'; '.join(parts)}." if parts else ""


# --- editions --------------------------------------------------------------------------

EDITION_INTENTS = (
    "editions", "region", "subtitles", "release_date", "aspect_ratio", "video", "audio",
    "discs", "price", "spine", "label", "extras", "has_feature", "most_extras",
)  # fmt: skip
# What an unknown edition fact is called.
_ASKED = {
    "region": "the region",
    "subtitles": "the subtitles",
    "release_date": "the release date",
    "aspect_ratio": "the aspect ratio",
    "video": "the video specs",
    "audio": "the audio",
    "discs": "the discs",
    "price": "the price",
    "spine": "the spine number",
    "label": "the label",
    "extras": "the extras",
}
# What an unknown edition answer lists instead, in this order.
_KNOWN_SPECS = (
    ("format", "format"),
    ("region", "region"),
    ("release_date", "released"),
    ("disc_count", "discs"),
    ("video_resolution", "video"),
    ("aspect_ratio", "aspect ratio"),
)


def _fits(e: EditionSummary, q: Question) -> bool:
    return (
        (q.format is None or e.format == q.format)
        and (q.label is None or label_matches(e.label, q.label))
        and (q.spine is None or e.spine == q.spine)
        and (not q.boxset or e.is_boxset)
    )


def _wanted(q: Question) -> str:
    label = {"criterion": "Criterion", "a24": "A24", "bfi": "BFI"}.get(q.label or "", "")
    label = label or (q.label or "").title()
    return " ".join(x for x in (label, q.format) if x)


def _edition_command(req: Request, q: Question, d: FilmDetails) -> str:
    words = [d.summary.label]
    if q.format:
        words.append(q.format.split()[0].lower())
    if q.label:
        words.append(q.label)
    return f"{req.prefix}edition " + " ".join(words)


def _date(value: str, today: date) -> tuple[str, bool]:
    """('8 July 2025', whether it is still to come)."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value, False
    return f"{day.day} {day:%B %Y}", day > today


async def _edition_answer(
    core: Core, req: Request, q: Question, d: FilmDetails
) -> tuple[AnswerKind, str, str]:
    name = d.summary.label
    more = _edition_command(req, q, d)
    every = list(d.editions + d.boxsets)
    known = _listed([e.name for e in every], 6) if every else ""
    matching = [e for e in every if _fits(e, q)]
    wanted = _wanted(q)
    if q.intent == "editions" and q.boxset:
        return (*await _boxsets_sentence(core, q, name, every, matching), more)
    if q.intent == "editions":
        kind, sentence = _editions_sentence(q, name, every, matching, wanted, known)
        if kind == "fact":
            sentence = sentence[:-1] + f", from {await _listing_sources(core, matching or every)}."
        return kind, sentence, more
    if q.intent == "spine" and q.label is None and not matching:
        matching = [e for e in every if e.spine]
    note = ""
    unsure = [e for e in every if q.format and e.format is None and _fits_label(e, q)]
    if not matching and unsure:
        # Unknown is not "no": an edition of unknown format may be the one asked about.
        matching = unsure
        names = _listed([e.name for e in unsure], 3)
        note = f"No source says whether {names} is a {q.format} edition. "
    if not matching:
        what = f"{wanted} edition" if wanted else "home-video edition"
        also = f" I know these editions: {known}." if known else ""
        return "unknown", f"I know of no {what} of {name}, so I can't say.{also}", more
    loaded = [x for e in matching[:8] if (x := await films.edition_details(core.db, e.id))]
    if q.intent in ("has_feature", "most_extras"):
        kind, sentence = await _extras_across(core, q, name, loaded)
        return kind, note + sentence, more
    answers: list[str] = []
    for edition in loaded:
        sentence = await _edition_fact(core, q, edition)
        if sentence:
            answers.append(sentence)
    if answers:
        return "fact", note + " ".join(answers[:3]), more
    asked = _ASKED[q.intent or ""]
    names = _listed([e.summary.name for e in loaded], 4)
    known = "; ".join(k for e in loaded[:3] if (k := _edition_known(e)))
    known = f" What I know of it: {known}." if known else ""
    return (
        "unknown",
        f"{note}I don't know {asked} of {name}'s {names}: no source I have gives it.{known}",
        more,
    )


async def _boxsets_sentence(
    core: Core, q: Question, name: str, every: list[EditionSummary], boxes: list[EditionSummary]
) -> tuple[AnswerKind, str]:
    """'which box set has chungking express': the box sets holding the film, by name,
    label and spine."""
    if not boxes:
        alone = [e.name for e in every if not e.is_boxset]
        also = f" I know these editions of it: {_listed(alone, 4)}." if alone else ""
        return "unknown", f"I know of no box set with {name}.{also}"
    told = []
    for e in boxes[:4]:
        about = [x for x in (e.label, f"spine #{e.spine}" if e.spine else "", e.format) if x]
        told.append(f"“{e.title}” ({', '.join(about)})" if about else f"“{e.title}”")
    count = len(boxes)
    sets = "box set" if count == 1 else f"{count} box sets"
    src = await _listing_sources(core, boxes)
    return "fact", f"Yes: {name} is in the {sets} {_listed(told, 4)}, from {src}."


def _edition_known(e: EditionDetails) -> str:
    parts = [f"{label} {e.specs[key]}" for key, label in _KNOWN_SPECS if e.specs.get(key)]
    if e.features:
        parts.append(f"{len(e.features)} extras")
    return f"{e.summary.name}: {', '.join(parts)}" if parts else ""


# 'blu or dvd', 'dvd or blu-ray', '4k or regular blu': an either/or of formats.
_FORMAT_WORD = r"(?:blu[- ]?rays?|blus?|bd|dvds?|4k|uhd|ultra hd|vhs|laserdisc)"
_EITHER_FORMAT = re.compile(
    rf"\b{_FORMAT_WORD}\b(?: disc)?,? or (?:an? |the |on |regular |standard )?{_FORMAT_WORD}\b"
)


def _editions_sentence(
    q: Question,
    name: str,
    every: list[EditionSummary],
    matching: list[EditionSummary],
    wanted: str,
    known: str,
) -> tuple[AnswerKind, str]:
    if not wanted:
        if not every:
            return "unknown", f"I know of no home-video edition of {name} yet."
        return "fact", f"I know {len(every)} edition(s) of {name}: {known}."
    if matching and not q.format and _EITHER_FORMAT.search(q.text.casefold()):
        # 'criterion seven samurai: blu or dvd?': the formats, or that none is known
        told = [
            _with_date(e)
            if e.format.casefold() in e.name.casefold()
            else f"{_with_date(e)} ({e.format})"
            for e in matching
            if e.format
        ]
        if not told:
            names = _listed([_with_date(e) for e in matching], 4)
            return "unknown", (
                f"I know of {wanted} editions of {name}: {names}; no source I have gives "
                "their format."
            )
        return "fact", f"I know of {wanted} editions of {name}: {_listed(told, 4)}."
    if matching:
        names = _listed([_with_date(e) for e in matching], 4)
        return "fact", f"Yes: I know of {wanted} editions of {name}: {names}."
    unsure = [e for e in every if q.format and e.format is None and _fits_label(e, q)]
    if unsure:
        names = _listed([e.name for e in unsure], 4)
        return "unknown", (
            f"I know of no edition of {name} that a source calls {wanted}, but I don't know "
            f"the format of {names}, so one of them may be."
        )
    if not every:
        return "unknown", f"I know of no {wanted} edition of {name}; I know of no edition of it."
    return "unknown", f"I know of no {wanted} edition of {name}; I know these editions: {known}."


async def _listing_sources(core: Core, editions: list[EditionSummary]) -> str:
    """Who said these editions exist, in this format and from this label."""
    found: list[str] = []
    for e in editions[:6]:
        sources = await provenance.edition_sources(core.db, e.id)
        for field_name in ("format", "label", "spine"):
            found.extend(sources.get(field_name, ()))
        if not found:
            found.extend(s for v in sources.values() for s in v)
    return source_names(found)


def _fits_label(e: EditionSummary, q: Question) -> bool:
    return q.label is None or label_matches(e.label, q.label)


def _with_date(e: EditionSummary) -> str:
    return f"{e.name}, {e.release_date}" if e.release_date else e.name


async def _edition_fact(core: Core, q: Question, e: EditionDetails) -> str:
    sources = await _described(core, await provenance.edition_sources(core.db, e.summary.id))
    e = replace(e, conflicts=await _described_conflicts(core, e.conflicts))
    what = e.summary.name
    if q.intent in _SPEC_ANSWERS:
        return _SPEC_ANSWERS[q.intent](q, e, sources)
    if q.intent == "region":
        region = e.specs.get("region")
        if not region:
            return ""
        said = f"{what}: region {region}, from {source_names(sources.get('region', ()))}."
        for wanted in q.check:  # 'will it play in a region b player'
            codes = {c.strip().upper() for c in re.split(r"[,/ ]+|\band\b", region) if c.strip()}
            free = bool(codes & {"0", "FREE", "ALL"}) or "free" in region.lower()
            if wanted.upper() in codes or free:
                said = f"Yes: {said[:-1]} (region {wanted} is among them)."
            else:
                said = f"{said[:-1]}; region {wanted} is not among them (the disc is coded for {region})."
        return said
    if q.intent == "release_date":
        released = e.specs.get("release_date")
        if not released:
            return ""
        shown, coming = _date(released, core.today())
        verb = "comes out on" if coming else "came out on"
        src = source_names(sources.get("release_date", ()))
        return f"{what} {verb} {shown}, from {src}."
    if q.intent == "subtitles":
        if not e.subtitles:
            return ""
        src = source_names(sources.get("subtitles", ()))
        if q.language is None:
            return f"{what} has subtitles in {_listed(e.subtitles, 8)}, from {src}."
        if any(s.lower().startswith(q.language.lower()) for s in e.subtitles):
            return f"Yes: {what} has {q.language} subtitles, from {src}."
        return (
            f"{what} has subtitles in {_listed(e.subtitles, 8)}, from {src}; "
            f"{q.language} is not among them."
        )
    return ""


# --- edition specs ---------------------------------------------------------------------

Sources = dict[str, tuple[str, ...]]


def _claimed(e: EditionDetails, field_name: str, what: str) -> str:
    """'Sources differ on the aspect ratio of X: 1.33:1 (A); 1.37:1 (A and B).'"""
    claims = "; ".join(
        f"{c.value} ({source_names(c.sources)})" for c in e.conflicts.get(field_name, ())
    )
    return f"Sources differ on {what} of {e.summary.name}: {claims}."


def _specs(
    e: EditionDetails, sources: Sources, fields: tuple[tuple[str, str], ...]
) -> list[tuple[str, tuple[str, ...]]]:
    """The fields the edition has, as ('label value', their sources)."""
    return [(f"{label}{e.specs[f]}", sources.get(f, ())) for f, label in fields if e.specs.get(f)]


def _with_sources(parts: list[tuple[str, tuple[str, ...]]]) -> str:
    """'1080p, AVC, from A' when one set of sources gave all; else each with its own."""
    if len({p[1] for p in parts}) == 1:
        return ", ".join(p[0] for p in parts) + f", from {source_names(parts[0][1])}"
    return "; ".join(f"{p[0]} (from {source_names(p[1])})" for p in parts)


def _aspect_ratio(q: Question, e: EditionDetails, sources: Sources) -> str:
    if "aspect_ratio" in e.conflicts:
        return _claimed(e, "aspect_ratio", "the aspect ratio")
    ratio = e.specs.get("aspect_ratio")
    if not ratio:
        return ""
    src = source_names(sources.get("aspect_ratio", ()))
    return f"{e.summary.name} is presented in {ratio}, from {src}."


def _video(q: Question, e: EditionDetails, sources: Sources) -> str:
    parts = _specs(e, sources, (("video_resolution", ""), ("video_codec", ""), ("hdr", "HDR: ")))
    if not parts:
        return ""
    return f"{e.summary.name}: video {_with_sources(parts)}."


def _audio(q: Question, e: EditionDetails, sources: Sources) -> str:
    if not e.audio:
        return ""
    src = source_names(sources.get("audio", ()))
    tracks = _listed(list(e.audio), 8)
    if q.language is None:
        return f"{e.summary.name} has audio: {tracks}, from {src}."
    if any(q.language.lower() in t.lower() for t in e.audio):
        return f"Yes: {e.summary.name} has {q.language} audio ({tracks}), from {src}."
    return f"{e.summary.name} has audio: {tracks}, from {src}; {q.language} is not among them."


def _discs(q: Question, e: EditionDetails, sources: Sources) -> str:
    count = e.specs.get("disc_count")
    kinds = [e.specs[f] for f in ("disc_type", "disc_formats") if e.specs.get(f)]
    if not count and not kinds:
        return ""
    said = list(sources.get("disc_count", ()))
    for f in ("disc_type", "disc_formats"):
        said.extend(sources.get(f, ()))
    src = source_names(list(dict.fromkeys(said)))
    discs = f"{count} disc{'s' if count != '1' else ''}" if count else "discs"
    kind = f" ({', '.join(kinds)})" if kinds else ""
    said = f"{e.summary.name} has {discs}{kind}, from {src}."
    combo = e.specs.get("disc_formats") or ""
    for wanted in q.check:  # 'does the 4k come with a blu-ray too'
        if wanted.lower() in combo.lower():
            said = f"Yes: {said}"
        elif combo:
            said = f"{said[:-1]}; no {wanted} disc among them."
        else:
            said += f" No source says whether a {wanted} disc comes with it."
    return said


def _price(q: Question, e: EditionDetails, sources: Sources) -> str:
    parts = _specs(
        e, sources, (("msrp_cents", "list price (MSRP) "), ("street_price_cents", "street price "))
    )
    if not parts:
        return ""
    return f"{e.summary.name}: {_with_sources(parts)}."


def _spine(q: Question, e: EditionDetails, sources: Sources) -> str:
    if "spine" in e.conflicts:
        return _claimed(e, "spine", "the spine number")
    if not e.summary.spine:
        return ""
    label = e.summary.label or "its label"
    src = source_names(sources.get("spine", ()))
    films = e.films[0].label if len(e.films) == 1 else f"The box set “{e.summary.title}”"
    return f"{films} is spine #{e.summary.spine} of {label}, from {src}."


def _label(q: Question, e: EditionDetails, sources: Sources) -> str:
    parts = []
    if e.summary.label:
        parts.append((f"released by {e.summary.label}", sources.get("label", ())))
    parts += _specs(e, sources, (("licensor", "licensed from "), ("studio", "studio ")))
    if not parts:
        return ""
    return f"{e.summary.name}: {_with_sources(parts)}."


def _extras(q: Question, e: EditionDetails, sources: Sources) -> str:
    if not e.features:
        return ""
    src = source_names(sources.get("features", ()))
    shown = [_feature(f.title, f.runtime_min) for f in e.features[:8]]
    more = len(e.features) - len(shown)
    listed = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    timed = [f.runtime_min for f in e.features if f.runtime_min]
    total = f" ({sum(timed)} minutes of those with a running time)" if len(timed) > 1 else ""
    count = len(e.features)
    return (
        f"{e.summary.name} has {count} extra{'s' if count != 1 else ''}{total}, "
        f"from {src}: {listed}."
    )


def _feature(title: str, runtime_min: int | None) -> str:
    title = shorten(title, 90)
    return f"{title} ({runtime_min} min)" if runtime_min else title


_SPEC_ANSWERS = {
    "aspect_ratio": _aspect_ratio,
    "video": _video,
    "audio": _audio,
    "discs": _discs,
    "price": _price,
    "spine": _spine,
    "label": _label,
    "extras": _extras,
}


# Words of a feature asked for that only say what kind of thing it is: they need not be
# in the extra's title when the other words are ('the making-of doc', 'the kalatozov
# documentary' for 'Hurricane Kalatozov, a documentary from 2009 …').
_KIND_WORDS = {
    "doc", "docs", "documentary", "documentaries", "featurette", "featurettes", "feature",
    "features", "extra", "extras", "bonus", "piece", "segment", "video", "special", "stuff",
    "short", "film", "movie", "disc", "included", "one", "new", "old", "thing",
}  # fmt: skip
# Other spellings of a word asked for, as extras' titles write them.
_WORD_ALSO = {
    "doc": ("documentary",),
    "bts": ("behind",),
    "making-of": ("making",),
    "q&a": ("question", "q"),
    "alt": ("alternate", "alternative"),
    "alternative": ("alternate",),
    "blooper": ("gag", "outtakes"),
    "bloopers": ("gag", "outtakes"),
    "outtakes": ("outtakes", "gag"),
}
WORD_MATCH = 85  # a word asked for is in an extra's title when this close to one of its words


def _feature_words(feature: str) -> list[tuple[str, ...]]:
    """Each word asked for, as the spellings an extra's title may use; words that only
    say the kind of extra are left out when others are asked (`_kinds_asked` has them)."""
    skip = {"a", "an", "the", "any", "some", "of", "with", "on", "in", "and", "by", "from"}
    words = [w for w in fold(feature).replace("'s", "").split() if w not in skip]
    wanted = []
    for w in words:
        spellings = (w, *FEATURE_SYNONYMS.get(w, ()), *_WORD_ALSO.get(w, ()))
        if w.endswith("s") and len(w) > 3:
            spellings += (w[:-1],)
        wanted.append(tuple(dict.fromkeys(spellings)))
    specific = [s for s in wanted if s[0] not in _KIND_WORDS]
    return specific or wanted


def _kinds_asked(feature: str) -> list[tuple[str, ...]]:
    """The kind words of a feature asked for ('documentary' in 'the kalatozov
    documentary'): among several extras that match, those of this kind are meant."""
    words = [w for w in fold(feature).split() if w in _KIND_WORDS and w not in {"one", "new"}]
    return [(w, *FEATURE_SYNONYMS.get(w, ()), *_WORD_ALSO.get(w, ())) for w in words]


def _word_in(spellings: tuple[str, ...], words: list[str], text: str) -> bool:
    for spelling in spellings:
        if " " in spelling and spelling in text:
            return True
        for word in words:
            if word == spelling or word.rstrip("s") == spelling.rstrip("s"):
                return True
            if len(spelling) >= 5 and fuzz.ratio(word, spelling) >= WORD_MATCH:
                return True
    return False


def _has(
    e: EditionDetails, wanted: list[tuple[str, ...]], kinds: list[tuple[str, ...]] | None = None
) -> list[str]:
    """The extras (and audio tracks: commentaries are often listed there) whose words
    hold every word asked for (word by word, a typo or a plural allowed); of several,
    those of the kind asked ('documentary') when some are."""
    found: list[str] = []
    of_kind: list[str] = []
    listed = [
        (f"{f.title} {f.kind or ''} {f.description or ''}", f.title, f.runtime_min)
        for f in e.features
    ]
    listed += [(track, f"the audio track {track}", None) for track in e.audio]
    for text, title, runtime in listed:
        text = fold(text)
        words = re.findall(r"[\w&'-]+", text.replace("'s", ""))
        words += [p for w in words if "-" in w for p in w.split("-")]
        if wanted and all(_word_in(spellings, words, text) for spellings in wanted):
            found.append(_feature(title, runtime))
            if kinds and all(_word_in(spellings, words, text) for spellings in kinds):
                of_kind.append(found[-1])
    return of_kind if len(found) > 1 and of_kind else found


async def _extras_across(
    core: Core, q: Question, name: str, loaded: list[EditionDetails]
) -> tuple[AnswerKind, str]:
    """'Which edition has the most extras / has a commentary', over the editions asked."""
    known = [e for e in loaded if e.features]
    unknown = [e.summary.name for e in loaded if not e.features]
    not_known = f" I don't know the extras of {_listed(unknown, 4)}." if unknown else ""
    if not known:
        names = _listed([e.summary.name for e in loaded], 4)
        return (
            "unknown",
            f"I don't know the extras of {name}'s {names}: no source I have lists them.",
        )
    said = {}
    for e in known:
        src = await provenance.edition_sources(core.db, e.summary.id)
        said[e.summary.id] = await _sources_of(core, src.get("features", ()))
    if q.intent == "most_extras":
        ranked = sorted(known, key=lambda e: -len(e.features))
        most = len(ranked[0].features)
        top = [e for e in ranked if len(e.features) == most]
        rest = ranked[len(top) :]
        others = "; ".join(f"{e.summary.name}: {len(e.features)}" for e in rest[:3])
        others = f" Then {others}." if others else ""
        alone = "" if len(known) > 1 else " It is the only one whose extras I know."
        src = source_names(list(dict.fromkeys(said[e.summary.id] for e in top)))
        names = _listed([e.summary.name for e in top], 3)
        has = f"has the most: {most}" if len(top) == 1 else f"have the most, {most} each"
        return "fact", (
            f"Of {name}'s editions whose extras I know, {names} {has}, from {src}."
            f"{others}{alone}{not_known}"
        )
    wanted = _feature_words(q.feature or "")
    kinds = _kinds_asked(q.feature or "")
    having = [(e, found) for e in known if (found := _has(e, wanted, kinds))]
    feature = shorten(q.feature or "", ECHO_MAX)
    if having:
        answers = [
            f"{e.summary.name} has {_listed(found, 3)}, from {said[e.summary.id]}"
            for e, found in having[:3]
        ]
        return "fact", f"Yes: {'; '.join(answers)}.{not_known}"
    count = sum(len(e.features) for e in known)
    lists = _listed([e.summary.name for e in known], 4)
    sources = _listed(list(dict.fromkeys(said[e.summary.id] for e in known)), 3)
    return "unknown", (
        f"I know of no “{feature}” among the {count} listed extras of {name}'s {lists} "
        f"(from {sources}).{not_known}"
    )


# --- reviews, the plot, parts ------------------------------------------------------------


def _scores(review: ReviewSummary) -> str:
    return ", ".join(
        f"{name_of(s.category).lower()} {number(out_of_ten(s))}/10"
        + (f" ({s.raw})" if s.raw.replace(" ", "") != f"{number(out_of_ten(s))}/10" else "")
        for s in review.scores
    )


def _of_kind(review: ReviewSummary, kind: str | None) -> bool:
    """Whether a review is of the kind named ('blog': a review of the film; 'disc': of
    an edition)."""
    if kind == "blog":
        return review.source_kind == "blog_review" or review.kind == "film"
    if kind == "disc":
        return review.source_kind == "disc_review" or review.kind == "disc"
    return True


async def _review_answer(core: Core, q: Question, d: FilmDetails) -> tuple[AnswerKind, str]:
    """Scores and verdict of the stored reviews, the one asked for by its words: a blog
    or a disc review, an edition's format or label, a score (picture, audio, extras,
    overall). An edition without a review of its own is told about through the review
    of the edition that replaces it, said so. Key sentences (never spoiler passages)
    when a review gives neither score nor verdict."""
    name = d.summary.label
    found = [r for r in d.reviews if _of_kind(r, q.review_of)]
    editions = {e.id: e.name for e in d.editions + d.boxsets}
    note = ""
    if q.about_edition and q.review_of != "blog":
        asked = [e for e in d.editions + d.boxsets if _fits(e, q)]
        fitting = {e.id for e in asked}
        own = [r for r in found if r.edition_id in fitting]
        if not own:
            later = await _replacing_reviews(core, asked, found)
            if later:
                replaced, review = later[0]
                note = (
                    f"I know of no review of {replaced} itself; {editions.get(review.edition_id)}"
                    f" replaces it, and its review compares them. "
                )
                own = [review]
        found = own
    if not found:
        what = f"of its {_wanted(q)} edition" if q.about_edition else "of it"
        what = f"{q.review_of} review {what}" if q.review_of else f"review {what}"
        others = [f"{review_kind(r).lower()} “{r.name}”" for r in d.reviews]
        also = f" I know its {_listed(others, 3)}." if others else ""
        return "unknown", f"I know of no {what} yet, so I can't say how {name} fares.{also}"
    told: list[str] = []
    silent: list[str] = []
    for review in found[:3]:
        who = await _sources_of(core, [review.source])
        of = f" of {editions[review.edition_id]}" if review.edition_id in editions else ""
        parts = []
        asked_score = [s for s in review.scores if q.score and s.category == q.score]
        if q.score and not asked_score and review.scores:
            parts.append(f"no {q.score} score; its scores: {_scores(review)}")
        elif asked_score:
            parts.append(_scores(replace(review, scores=tuple(asked_score))))
            others = [s for s in review.scores if s not in asked_score]
            if others:
                parts.append(f"also {_scores(replace(review, scores=tuple(others)))}")
        elif review.scores:
            parts.append(f"scores: {_scores(review)}")
        if review.verdict:
            parts.append(f"verdict: “{shorten(review.verdict, VERDICT_MAX)}”")
        if not parts:
            sections = await reviews.review_sections(core.db, review.id)
            points = key_sentences(sections, count=2)
            if points:
                parts.append("no score or verdict; it says: " + " ".join(f"“{p}”" for p in points))
        if parts:
            said = f"From {who}{of}: {'; '.join(parts)}"
            told.append(said if said.endswith((".”", "!”", "?”", "…”", ".")) else said + ".")
        else:
            silent.append(who)
    if not told:
        return "unknown", (
            f"I don't know how {name} scores: the {_listed(silent, 3)} gives no score or verdict."
        )
    also = f" The {_listed(silent, 3)} gives no score." if silent else ""
    return "fact", note + " ".join(told) + also


async def _replacing_reviews(
    core: Core, asked: list[EditionSummary], found: list[ReviewSummary]
) -> list[tuple[str, ReviewSummary]]:
    """(The edition asked about, a review of an edition a source says replaces it)."""
    reviewed = {r.edition_id: r for r in found if r.edition_id is not None}
    out = []
    for e in asked[:4]:
        details = await films.edition_details(core.db, e.id)
        for relation in details.relations if details else ():
            if relation.relation == "replaced by" and relation.other.id in reviewed:
                out.append((e.name, reviewed[relation.other.id]))
    return out


async def _synopsis_answer(
    core: Core, req: Request, q: Question, d: FilmDetails
) -> tuple[AnswerKind, str, tuple[Card, ...]]:
    name = d.summary.label
    if q.spoilers:
        notes = await reviews.plot_notes(core.db, d.summary.id)
        said = [n.source for n in notes if n.is_spoiler and n.source]
        for review in d.reviews:
            if any(s.is_spoiler for s in await reviews.review_sections(core.db, review.id)):
                said.append(review.source)
        if said:
            card = await plot(core, req, title=name, spoilers=True, film_id=d.summary.id)
            src = await _sources_of(core, list(dict.fromkeys(said)))
            return (
                "fact",
                (
                    f"What happens in {name}, spoilers included (each hidden until you reveal "
                    f"it), from {src}:"
                ),
                card.cards,
            )
    if not d.synopsis:
        return (
            "unknown",
            (f"I don't know what {name} is about: no source I have gives a synopsis. {_known(d)}"),
            (),
        )
    src = await _sources_of(core, await asked_store.synopsis_sources(core.db, d.summary.id))
    overview = " ".join(sentences(d.synopsis)[:SYNOPSIS_SENTENCES]) or d.synopsis
    if q.spoilers:
        return (
            "unknown",
            (f"I know no spoilers for {name}. Spoiler-free, from {src}: {overview}"),
            (),
        )
    return "fact", f"{name}, spoiler-free, from {src}: {overview}", ()


def _same_name(asked: str, name: str) -> bool:
    a, b = fold(asked), fold(name)
    if not a or not b:
        return False
    return (
        a == b
        or translit_key(a) == translit_key(b)
        or a in b.split()
        # a surname of several words: 'de niro', 'von trier', 'del toro'
        or (" " in a and b.endswith(" " + a))
        or same_person(a, b)
    )


async def _role_answer(core: Core, q: Question, d: FilmDetails) -> tuple[AnswerKind, str]:
    name = d.summary.label
    who = q.who or ""
    roles = await asked_store.film_roles(core.db, d.summary.id)
    parts = _listed([f"{r.character} ({r.actor})" for r in roles], 5)
    parts = f" The parts I know: {parts}." if parts else ""
    cast_sources = await _described(core, await provenance.film_sources(core.db, d.summary.id))
    cast = (
        f" Its cast: {_listed(list(d.cast), 5)}, from {source_names(cast_sources.get('cast', ()))}."
        if d.cast
        else ""
    )
    if q.who_is == "character":
        hits = [r for r in roles if any(_same_name(who, n) for n in (r.character, *r.aliases))]
        if hits:
            r = hits[0]
            also = f" (also written {_listed(list(r.aliases), 2)})" if r.aliases else ""
            src = await _sources_of(core, r.sources)
            return "fact", f"In {name}, {r.character}{also} is played by {r.actor}, from {src}."
        return "unknown", (
            f"I don't know who plays “{shorten(who, ECHO_MAX)}” in {name}: no source I have "
            f"names that part.{parts or cast}"
        )
    hits = [r for r in roles if _same_name(who, r.actor)]
    if hits:
        r = hits[0]
        also = f" (also written {_listed(list(r.aliases), 2)})" if r.aliases else ""
        src = await _sources_of(core, r.sources)
        return "fact", f"In {name}, {r.actor} plays {r.character}{also}, from {src}."
    in_cast = [c for c in d.cast if _same_name(who, c)]
    if in_cast:
        src = source_names(cast_sources.get("cast", ()))
        return "unknown", (
            f"I don't know which part {in_cast[0]} plays in {name}: {in_cast[0]} is in its "
            f"cast, from {src}, but no source I have names the part.{parts}"
        )
    return "unknown", (
        f"I don't know of “{shorten(who, ECHO_MAX)}” in the cast of {name}.{parts or cast}"
    )
