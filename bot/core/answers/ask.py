"""`ask`: a question in plain words, answered from stored facts, each with its source.

The question is read by rules (`bot.core.questions`), the film found by the title search
in what is left of the sentence, and the fact taken from the same store queries the cards
use. A fact no source gave is said to be unknown, with what is known instead: never a
guess, never "no". Answers use no review or plot text, so no spoiler can reach them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.cards import Card, Reply, plain
from bot.constants import DISAMBIGUATION_MAX_CHOICES, ECHO_MAX
from bot.core.answers.table import COMMANDS, label_matches
from bot.core.commands import Option
from bot.core.engine import Core, not_in_catalog, shorten
from bot.core.film_cards import film_card
from bot.core.questions import Question, understand
from bot.core.request import Request
from bot.models import EditionDetails, EditionSummary, FilmDetails
from bot.store import films, provenance

QUESTION_MAX = 300
AnswerKind = Literal["fact", "unknown", "ask", "not_found", "not_understood", "film"]
# How people know the bundled catalog's files.
SOURCE_NAMES = {
    "wikidata_films.csv.gz": "Wikidata",
    "wikipedia_us_films.csv.gz": "Wikipedia's lists of American films",
    "cannes_films.csv.gz": "the Cannes competition list",
    "criterion.csv.gz": "the Criterion Collection list",
    "boxsets.csv.gz": "the Criterion box set list",
}
# Fields an unknown answer lists instead, in this order.
_EDITION_FIELDS = ("region", "release_date", "subtitles", "audio", "features")
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
    "A question in plain words: who directed, how long, is there a 4K, what region, subtitles.",
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
    text = shorten(" ".join(text.split()), QUESTION_MAX)
    q = understand(text)
    if film_id is None:
        if not q.title:
            return Answered(q, None, "not_understood", _not_understood(req, text))
        if q.intent is None:
            # No question words: a title alone is the film's card, anything else is help.
            result = (await core.titles()).lookup(q.title, limit=2)
            if result.best is None:
                return Answered(q, None, "not_understood", _not_understood(req, text))
            details = await films.film_details(core.db, result.best.film_id)
            if details is None:
                return Answered(q, None, "not_understood", _not_understood(req, text))
            return Answered(q, details.summary.id, "film", Reply((film_card(details),)))
        film_id, closest = await _film_of(core, q.title)
        if film_id is None:
            resolved = await core.resolve_film(q.title, req, "ask", {"question": text})
            if isinstance(resolved, int):  # pragma: no cover (the lookup above found none)
                film_id = resolved
            else:
                kind: AnswerKind = "ask" if resolved.choices else "not_found"
                return Answered(q, None, kind, resolved)
    else:
        closest = False
    details = await films.film_details(core.db, film_id, cast_limit=12)
    if details is None:
        return Answered(q, film_id, "not_found", _not_understood(req, text))
    if q.intent is None:
        return Answered(q, film_id, "film", Reply((film_card(details),)))
    sources = await provenance.film_sources(core.db, film_id)
    if q.intent in EDITION_INTENTS:
        kind, sentence, more = await _edition_answer(core, req, q, details)
    else:
        kind, sentence = _film_answer(q.intent, details, sources)
        more = f"{req.prefix}film {details.summary.label}"
    title = details.summary.label if kind == "fact" else f"I don't know: {details.summary.label}"
    card = Card(title, plain(sentence), footer=f"More: {more}")
    cards = (card,)
    if closest:
        said = shorten(q.title, ECHO_MAX)
        note = f"No title I know is “{said}”; this is the closest one."
        cards = (Card("Closest match", plain(note)), card)
    return Answered(q, film_id, kind, Reply(cards))


async def _film_of(core: Core, title: str) -> tuple[int | None, bool]:
    """The film the words name clearly, and whether it is only the closest title (the
    one candidate left); (None, False) when the search asks or knows no such film."""
    result = (await core.titles()).lookup(title, limit=DISAMBIGUATION_MAX_CHOICES)
    if result.best is not None:
        return result.best.film_id, False
    candidates = list(result.candidates)
    if len(candidates) == 1 and not not_in_catalog(
        title, result.year_hint, result.best, candidates
    ):
        return candidates[0].film_id, True
    return None, False


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

EDITION_INTENTS = ("editions", "region", "subtitles", "release_date")


def _fits(e: EditionSummary, q: Question) -> bool:
    return (q.format is None or e.format == q.format) and (
        q.label is None or label_matches(e.label, q.label)
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
    if q.intent == "editions":
        kind, sentence = _editions_sentence(q, name, every, matching, wanted, known)
        if kind == "fact":
            sentence = sentence[:-1] + f", from {await _listing_sources(core, matching or every)}."
        return kind, sentence, more
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
    loaded = [x for e in matching[:6] if (x := await films.edition_details(core.db, e.id))]
    answers: list[str] = []
    for edition in loaded:
        sentence = await _edition_fact(core, q, edition)
        if sentence:
            answers.append(sentence)
    if answers:
        return "fact", note + " ".join(answers[:3]), more
    asked = {
        "region": "the region",
        "subtitles": "the subtitles",
        "release_date": "the release date",
    }[q.intent or ""]
    names = _listed([e.summary.name for e in loaded], 4)
    return (
        "unknown",
        f"{note}I don't know {asked} of {name}'s {names}: no source I have gives it.",
        more,
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
    sources = await provenance.edition_sources(core.db, e.summary.id)
    what = e.summary.name
    if q.intent == "region":
        region = e.specs.get("region")
        if not region:
            return ""
        return f"{what}: region {region}, from {source_names(sources.get('region', ()))}."
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
