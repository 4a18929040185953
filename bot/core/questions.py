"""What a question in plain words asks for: deterministic rules, no model.

`understand` finds the fact asked for (the intent), the words that name the film (left
for the title search, which forgives typos and reads a year hint), and the edition's
format, label and a subtitle language. Every rule is a phrase in `INTENTS`; the phrase
found earliest in the sentence decides ('how long is the man who shot liberty valance' is
a runtime question, not a cinematographer's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.words import FORMATS, join_format_words

# Intent -> phrases (regular expressions over the lower-cased sentence, word-bounded).
INTENTS: dict[str, tuple[str, ...]] = {
    "cinematographer": (
        r"who shot",
        r"who filmed",
        r"director of photography",
        r"\bdp\b",
        r"\bdop\b",
        r"cinematograph\w*",
        r"camera ?work",
        r"who photographed",
    ),
    "writer": (
        r"who wrote",
        r"who (?:penned|scripted)",
        r"writers?",
        r"written by",
        r"screen ?(?:play|writers?)",
        r"script(?:ed)?",
        r"who (?:is|was) the writer",
    ),
    "director": (
        r"who direct(?:ed|s)?",
        r"who directs",
        r"who made",
        r"who helmed",
        r"directors?",
        r"directed by",
        r"whose (?:film|movie) is",
        r"directer",
        r"who dir\w*",
    ),
    "cast": (
        r"who(?:'s| is| was| are| were)? (?:in|starring in|acting in)",
        r"who stars? in",
        r"who starred in",
        r"who acts? in",
        r"who acted in",
        r"who plays? in",
        r"who played in",
        r"(?:the )?cast",
        r"actors?",
        r"actress(?:es)?",
        r"stars? of",
        r"starring",
        r"lead actors?",
    ),
    "runtime": (
        r"how long (?:is|was|does|did)",
        r"how long",
        r"run ?time",
        r"running time",
        r"length of",
        r"how many minutes",
        r"minutes long",
        r"duration",
        r"how lengthy",
    ),
    "release_date": (
        r"release date",
        r"when (?:does|did|will|is|was)(?= .*\b(?:come|comes|coming|came) out\b)",
        r"when (?:does|will|is|was|did)(?= .*\b(?:released?|out)\b)(?=.*\b(?:4k|uhd|blu-ray|dvd|criterion|arrow|edition|disc)\b)",
        r"(?:coming|come|comes|came) out",
        r"street date",
        r"out yet",
    ),
    "year": (
        r"when (?:was|is|did)",
        r"what year",
        r"which year",
        r"year (?:of|was|did|is)",
        r"how old is",
        r"\byear\b",
    ),
    "country": (
        r"what countr(?:y|ies)",
        r"which countr(?:y|ies)",
        r"countr(?:y|ies) of",
        r"where (?:was|is|does|did)",
        r"from what country",
        r"nationality",
        r"\bcountry\b",
    ),
    "language": (
        r"what language",
        r"which language",
        r"language of",
        r"in what language",
        r"languages?",
        r"spoken",
    ),
    "genres": (
        r"what genres?",
        r"which genres?",
        r"genres? of",
        r"what kind of (?:film|movie)",
        r"what type of (?:film|movie)",
        r"what sort of (?:film|movie)",
        r"genres?",
    ),
    "subtitles": (
        r"subtitles?",
        r"subtitled",
        r"\bsubs\b",
    ),
    "region": (
        r"what region",
        r"which region",
        r"region (?:code|free|locked|coded?)",
        r"\bregions?\b",
    ),
    "editions": (
        r"is there (?:a|an|any)",
        r"are there (?:any )?",
        r"is(?= .* on (?:4k|uhd|blu-ray|dvd|disc)\b)",
        r"(?:has|have)(?= .*\b(?:been )?(?:released|put out) on\b)",
        r"what editions?",
        r"which editions?",
        r"editions? of",
        r"releases? of",
        r"can i (?:get|buy)",
        r"(?:any|a)(?= (?:4k|uhd|blu-ray|dvd|criterion)\b)",
        r"available on",
        r"does(?= .* have (?:a|an|any) (?:4k|uhd|blu-ray|dvd|criterion)\b)",
    ),
}

# Words that ask but name nothing: taken off either end of what is left for the title.
_FILLER = {
    "a", "an", "about", "and", "any", "are", "be", "been", "by", "can", "come", "comes",
    "coming", "came", "did", "does", "edition", "editions", "for", "from", "get",
    "had", "has", "have", "how", "i", "in", "is", "it", "its", "made", "me", "movie",
    "film", "of", "on", "out", "please", "release", "released", "releases", "run", "runs",
    "shot", "filmed", "tell", "the", "there", "to", "version", "was", "were", "what",
    "when", "where", "which", "who", "whom", "will", "with", "yet", "disc", "discs", "last",
    "lasts", "long", "set", "know", "you", "screenplay", "script", "cast", "copy",
    "physical", "media", "available", "buy", "new", "upcoming", "minutes",
    "much", "many", "take", "takes", "starring", "star", "stars",
}  # fmt: skip
# Labels people name by a word: any word of the label's name matches it.
LABELS = (
    "criterion",
    "arrow",
    "shout",
    "scream factory",
    "a24",
    "eureka",
    "masters of cinema",
    "kino",
    "second sight",
    "88 films",
    "bfi",
    "indicator",
    "vinegar syndrome",
    "umbrella",
    "imprint",
)
LANGUAGES = (
    "english", "french", "german", "italian", "spanish", "japanese", "russian", "korean",
    "chinese", "mandarin", "cantonese", "portuguese", "swedish", "danish", "norwegian",
    "dutch", "polish", "czech", "hungarian", "greek", "turkish", "arabic", "hindi",
    "finnish", "hebrew", "persian", "romanian",
)  # fmt: skip
_QUOTE = "\"'“”‘’"


@dataclass(frozen=True)
class Question:
    """A question as understood: what is asked (`intent`, None when no rule fits), the
    words left for the title search, and the edition's format, label and language."""

    text: str
    intent: str | None
    title: str
    format: str | None = None
    label: str | None = None
    language: str | None = None

    @property
    def about_edition(self) -> bool:
        return self.format is not None or self.label is not None


def _normal(text: str) -> str:
    text = " ".join(text.replace("’", "'").split())
    text = join_format_words(text)
    text = re.sub(r"\b(?:4k\s+ultra\s+hd|ultra\s+hd|4k\s+uhd)\b", "4k", text, flags=re.I)
    text = re.sub(r"\bblu\s*rays?\b|\bblurays?\b|\bblue?-?rays?\b", "blu-ray", text, flags=re.I)
    return text


def _find_intent(lower: str) -> tuple[str | None, tuple[int, int] | None]:
    """The intent whose phrase starts earliest (the longest phrase among equals)."""
    best: tuple[int, int, str, tuple[int, int]] | None = None
    for intent, phrases in INTENTS.items():
        for phrase in phrases:
            match = re.search(rf"(?<![\w-])(?:{phrase})(?![\w-])", lower)
            if match is None:
                continue
            key = (match.start(), -(match.end() - match.start()), intent, match.span())
            if best is None or key[:2] < best[:2]:
                best = key
    if best is None:
        return None, None
    return best[2], best[3]


def _edition_words(lower: str) -> tuple[str, str | None, str | None]:
    """The sentence without its format and label words, and those found."""
    fmt = None
    words = []
    for word in lower.split():
        bare = re.sub(r"[^\w-]", "", word)
        if bare in FORMATS:
            fmt = FORMATS[bare]
            continue
        words.append(word)
    text = " ".join(words)
    label = None
    for name in LABELS:
        pattern = rf"(?<![\w-])(?:the\s+)?{re.escape(name)}(?:\s+(?:collection|video|factory|films))?(?:'s)?(?![\w-])"
        if re.search(pattern, text):
            label = name
            text = re.sub(pattern, " ", text)
            break
    return " ".join(text.split()), fmt, label


def _language(lower: str) -> str | None:
    for name in LANGUAGES:
        if re.search(rf"\b{name}\b", lower):
            return name.capitalize()
    return None


def _trim(words: list[str]) -> list[str]:
    while words and words[0].strip("?.,!:;") in _FILLER:
        words.pop(0)
    while words and words[-1].strip("?.,!:;") in _FILLER:
        words.pop()
    return words


def understand(text: str) -> Question:
    """The question in `text` (pure: no database)."""
    normal = _normal(text)
    lower = normal.lower().strip().rstrip("?!. ")
    intent, span = _find_intent(lower)
    rest = lower if span is None else lower[: span[0]] + " " + lower[span[1] :]
    language = _language(rest) if intent == "subtitles" else None
    if language:
        rest = re.sub(rf"\b{language.lower()}\b", " ", rest)
    rest, fmt, label = _edition_words(rest)
    rest = re.sub(r"\b(?:the\s+)?(?:film|movie)\s+(?=\w)", "", rest, count=1)
    rest = re.sub(r"'s\b", "", rest)  # 'stalker's director'
    rest = re.sub(r"[?!,;]", " ", rest).strip(_QUOTE + " ")
    # What asks is said around the title: 'how long is stalker' / 'stalker, how long'.
    words = _trim([w.strip(_QUOTE) for w in rest.split() if w.strip(_QUOTE)])
    if intent == "release_date" and fmt is None and label is None:
        intent = "year"  # 'when did stalker come out': the film's year, not an edition's
    return Question(text, intent, " ".join(words), fmt, label, language)
