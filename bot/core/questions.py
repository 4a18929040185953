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
        r"(?:is|has)(?!.*\b(?:out|released|put out) on\b)(?= .*\b(?:out|released)\b)"
        r"(?=.*\b(?:4k|uhd|blu-ray|dvd|criterion|arrow|edition|disc)\b)",
        r"when can i (?:get|buy|order)",
        r"pre-?order",
        r"how soon",
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
    "synopsis": (
        r"what(?:'s| is| was)(?= .*\babout\b)",
        r"what(?:'s| is) the (?:plot|story)",
        r"plot",
        r"synopsis",
        r"summary",
        r"story ?line",
        r"premise",
        r"overview",
        r"what happens in",
        r"how does(?= .*\bend\b)",
        r"(?:the )?ending of",
        r"who dies in",
        r"spoil(?:er|ers)? (?:of|for)",
    ),
    "aspect_ratio": (
        r"aspect ratios?",
        r"what ratio",
        r"which ratio",
        r"widescreen",
        r"letterbox(?:ed)?",
        r"(?:is|was) (?:it )?(?:framed|presented) (?:at|in)",
        r"framing",
    ),
    "video": (
        r"video (?:specs?|resolution|codec|format|encode)",
        r"\bvideo\b",
        r"resolution",
        r"codec",
        r"\bhdr(?:10\+?)?\b",
        r"dolby vision",
        r"(?:1080|2160)p",
        r"\bencode[sd]?\b",
    ),
    "audio": (
        r"audio(?: tracks?| options?| formats?| specs?)?",
        r"sound ?(?:track|mix|format)s?",
        r"what sound",
        r"\bmono\b",
        r"stereo",
        r"surround",
        r"\batmos\b",
        r"\bdts(?:-hd)?\b",
        r"lossless",
        r"\bpcm\b",
        r"[57]\.1",
        r"\bdub(?:bed|s)?\b",
    ),
    "discs": (
        r"how many (?:dis[ck]s|blu-rays|dvds|platters)",
        r"number of dis[ck]s",
        r"dis[ck] count",
        r"how many dis[ck]",
        r"(?:what|which) (?:kind of |type of )?dis[ck]s?",
        r"\bbd-?(?:25|50|66|100)\b",
        r"(?:single|dual|double)[- ]layer",
        r"(?:one|two|three|four|single)[- ]dis[ck]",
    ),
    "price": (
        r"how much",
        r"prices?",
        r"priced",
        r"costs?",
        r"\bmsrp\b",
        r"retail",
        r"cheap(?:er|est)?",
        r"expensive",
    ),
    "spine": (
        r"spine(?: numbers?)?",
        r"(?:what|which) number",
        r"catalog(?:ue)? number",
        r"criterion (?:number|no|#)",
    ),
    "label": (
        r"(?:what|which) (?:label|company|distributor|publisher)",
        r"\blabels?\b",
        r"licen[cs](?:ed|or|ee|e|ing)",
        r"who (?:released|releases|puts? out|put out|distributes|distributed|publishe[sd])",
        r"released by",
        r"distributor",
        r"who (?:is|was) (?:it|the \S+) (?:by|from)",
    ),
    "most_extras": (
        r"(?:the )?most (?:extras|special features|features|bonus (?:features|material|content)|supplements)",
        r"more (?:extras|special features|features|supplements)",
        r"best (?:extras|special features|bonus features)",
    ),
    "extras": (
        r"extras?",
        r"special features?",
        r"bonus (?:features?|material|content|dis[ck]s?)",
        r"supplements?",
        r"supplementary",
        r"features",
        r"what(?:'s| is) on the dis[ck]",
        r"commentar(?:y|ies)",
        r"featurettes?",
    ),
    "review": (
        r"reviews?",
        r"reviewed",
        r"reviewers?",
        r"critics?",
        r"rated",
        r"ratings?",
        r"scores?",
        r"scored",
        r"verdict",
        r"(?:picture|video|audio|extras|overall) (?:score|rating|grade)s?",
        r"worth (?:it|buying|getting|upgrading|the (?:upgrade|money|price))",
        r"should i (?:buy|get|upgrade)",
        r"how good (?:is|are|was)",
        r"how (?:is|was|does) the (?:picture|transfer|image|audio|sound|presentation)",
        r"(?:picture|transfer|image|sound|audio) quality",
        r"recommended",
        r"\bgrades?\b",
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


# A part asked about: 'who plays boris in the cranes are flying' (the character), 'who
# did tatiana samoilova play in …' (the actor). The film follows the last ' in '.
_ROLE_PATTERNS = (
    (
        "actor",
        r"^(?:who|which (?:character|part|role)|what (?:character|part|role))"
        r" (?:does|did|is|was) (?P<who>.+?) (?:play|playing|portray|portraying|voice)"
        r"(?:s|ed)? in (?P<film>.+)$",
    ),
    ("actor", r"^(?P<who>.+?)(?:'s| s) (?:role|part|character) in (?P<film>.+)$"),
    ("actor", r"^(?:who|what) (?:does|did) (?P<who>.+?) play in (?P<film>.+)$"),
    (
        "character",
        r"^who (?:plays|played|play|portrays|portrayed|is playing|was playing|voices|voiced)"
        r" (?P<who>.+?) in (?P<film>.+)$",
    ),
    ("character", r"^who (?:is|was) (?P<who>.+?) (?:played by )?in (?P<film>.+)$"),
    ("character", r"^who is the actor (?:playing|who plays) (?P<who>.+?) in (?P<film>.+)$"),
)
# Words that make a 'who is X in Y' a question about a credit, not a part.
_NOT_A_PART = re.compile(
    r"\b(?:director|directors|writer|writers|cinematographer|dp|dop|star|stars|cast|actor|"
    r"actors|actress|lead|composer|editor|producer|it|that|this|playing|starring)\b"
)
# 'which edition of parasite has the most extras', 'which cranes edition has a commentary',
# 'does the cranes blu-ray have a commentary'.
_EDITION_WORDS = (
    r"(?:editions?|releases?|versions?|dis[ck]s?|blu-rays?|dvds?|4ks?|sets?|ones?|copy|copies)"
)
_FEATURE_PATTERNS = (
    rf"^which {_EDITION_WORDS}(?: of (?P<film>.+?))? (?:has|have|had|includes?|contains?|"
    r"comes? with|features?|offers?) (?P<feature>.+)$",
    rf"^which (?P<film>.+?) {_EDITION_WORDS} (?:has|have|had|includes?|contains?|comes? with|"
    r"features?|offers?) (?P<feature>.+)$",
    r"^(?:does|do|did) (?P<film>.+?) (?:have|include|come with|contain|offer|feature)"
    r" (?P<feature>(?:a|an|any|the) .+|commentar.+|extras?.*|interviews?.*|documentar.+|"
    r"trailers?.*|booklets?.*|deleted scenes.*)$",
)
# Extras asked for by a kind: the words their titles use.
FEATURE_SYNONYMS = {
    "commentary": ("commentary", "commentaries"),
    "commentaries": ("commentary", "commentaries"),
    "booklet": ("booklet", "insert", "essay", "leaflet"),
    "essay": ("essay", "booklet", "insert"),
    "documentary": ("documentary", "documentaries"),
    "interview": ("interview", "interviews"),
    "interviews": ("interview", "interviews"),
    "trailer": ("trailer", "trailers"),
    "trailers": ("trailer", "trailers"),
    "making": ("making", "behind the scenes"),
    "deleted": ("deleted",),
}
_EXTRAS_WORDS = re.compile(
    r"\b(?:extras?|special features?|bonus|supplements?|featurettes?|commentar(?:y|ies)|"
    r"documentar(?:y|ies)|interviews?)\b"
)
_SPOILER_WORDS = re.compile(
    r"\b(?:with spoilers|spoilers?|spoil|ending|how does .+ end|who dies|twist|full plot|"
    r"what happens at the end)\b"
)
# Words that only say what kind of quality or spec is asked about (trimmed for those
# intents only: they may begin a title elsewhere).
_SPEC_FILLER = {
    "picture", "quality", "sound", "transfer", "image", "video", "audio", "score", "scores",
    "rating", "ratings", "presentation", "track", "tracks", "options", "specs", "up",
    "number", "spine", "extras", "features", "special", "bonus", "plot", "framed",
    "synopsis", "ending", "spoilers", "spoiler", "worth", "upgrading", "upgrade", "buying",
    "good", "say", "said", "think", "thought", "critics", "reviewers", "end", "ends",
    "label", "price", "cost", "costs", "its", "their", "on", "at", "presented",
}  # fmt: skip
_SPEC_INTENTS = {
    "aspect_ratio", "video", "audio", "discs", "price", "spine", "label", "extras",
    "most_extras", "has_feature", "review", "synopsis",
}  # fmt: skip


@dataclass(frozen=True)
class Question:
    """A question as understood: what is asked (`intent`, None when no rule fits), the
    words left for the title search, and the edition's format, label and language;
    for a part, the character's or actor's name (`who`, `who_is`: 'character' or
    'actor'); for extras, the feature asked about; whether spoilers are asked for."""

    text: str
    intent: str | None
    title: str
    format: str | None = None
    label: str | None = None
    language: str | None = None
    who: str | None = None
    who_is: str | None = None
    feature: str | None = None
    spoilers: bool = False

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


def _title_words(text: str, extra: set[str] | frozenset[str] = frozenset()) -> str:
    """What is left of `text` for the title search: quotes, possessives and the words
    around it that ask but name nothing taken off."""
    text = re.sub(r"\b(?:the\s+)?(?:film|movie)\s+(?=\w)", "", text, count=1)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[?!,;]", " ", text).strip(_QUOTE + " ")
    words = [w.strip(_QUOTE) for w in text.split() if w.strip(_QUOTE)]
    while True:
        before = len(words)
        words = _trim(words)
        while words and words[0].strip("?.,!:;") in extra:
            words.pop(0)
        while words and words[-1].strip("?.,!:;") in extra:
            words.pop()
        if len(words) == before:
            return " ".join(words)


def _role(lower: str) -> Question | None:
    for who_is, pattern in _ROLE_PATTERNS:
        match = re.match(pattern, lower)
        if match is None:
            continue
        who = " ".join(match["who"].strip(_QUOTE + " ,").split())
        who = re.sub(r"^(?:the )?(?:character |role |part )?(?:of )?", "", who)
        if not who or _NOT_A_PART.search(who) or len(who.split()) > 5:
            continue
        rest, fmt, label = _edition_words(match["film"])
        title = _title_words(rest)
        if title:
            return Question(lower, "role", title, fmt, label, who=who, who_is=who_is)
    return None


def _feature(lower: str) -> Question | None:
    for pattern in _FEATURE_PATTERNS:
        match = re.match(pattern, lower)
        if match is None:
            continue
        feature = " ".join(match["feature"].split())
        film = match["film"] or ""
        rest, fmt, label = _edition_words(film)
        if not fmt and not label:  # 'which dvd of …': the format named by the edition word
            _, fmt, label = _edition_words(lower[: match.start("feature")])
        title = _title_words(rest, _SPEC_FILLER)
        most = re.search(r"\b(?:most|more|best)\b", feature)
        if most and _EXTRAS_WORDS.search(feature):
            return Question(lower, "most_extras", title, fmt, label)
        feature = re.sub(r"^(?:a|an|any|the|some)\s+", "", feature)
        feature = re.sub(r"\s+(?:on it|on them|included)$", "", feature).strip(_QUOTE + " ")
        if _not_an_extra(feature):
            return None  # 'does stalker have a blu-ray', '… any subtitles': other rules
        if re.fullmatch(r"(?:any |the )?(?:extras?|special features?|bonus features?)", feature):
            return Question(lower, "extras", title, fmt, label)
        if feature:
            return Question(lower, "has_feature", title, fmt, label, feature=feature)
    return None


def _not_an_extra(feature: str) -> bool:
    """A format, a label, or a spec another rule answers (subtitles, audio, region ...)."""
    _, fmt, label = _edition_words(feature)
    if fmt or label:
        return True
    intent, _ = _find_intent(feature)
    return intent in {
        "subtitles", "audio", "video", "region", "discs", "aspect_ratio", "price", "spine",
        "label", "release_date", "editions", "cast", "director", "writer", "runtime",
    }  # fmt: skip


def understand(text: str) -> Question:
    """The question in `text` (pure: no database)."""
    normal = _normal(text)
    lower = normal.lower().strip().rstrip("?!. ")
    lower = re.sub(r"\s+", " ", lower)
    for special in (_role, _feature):
        if (found := special(lower)) is not None:
            return Question(text, *_fields(found))
    found, span = _find_intent(lower)
    intent = _adjusted(found, lower)
    rest = lower if span is None else lower[: span[0]] + " " + lower[span[1] :]
    if intent != found and intent is not None:  # the words of the intent meant go too
        for phrase in INTENTS[intent]:
            rest = re.sub(rf"(?<![\w-])(?:{phrase})(?![\w-])", " ", rest)
    language = _language(rest) if intent in ("subtitles", "audio") else None
    if language:
        rest = re.sub(rf"\b{language.lower()}\b", " ", rest)
    rest, fmt, label = _edition_words(rest)
    spoilers = False
    if intent == "synopsis":
        spoilers = bool(_SPOILER_WORDS.search(lower))
        rest = re.sub(r"\b(?:with spoilers|spoilers?|spoil|the ending|ending|end)\b", " ", rest)
    # What asks is said around the title: 'how long is stalker' / 'stalker, how long'.
    extra = _SPEC_FILLER if intent in _SPEC_INTENTS else frozenset()
    title = _title_words(rest, extra)
    if intent == "release_date" and fmt is None and label is None:
        intent = "year"  # 'when did stalker come out': the film's year, not an edition's
    return Question(text, intent, title, fmt, label, language, spoilers=spoilers)


def _fields(q: Question) -> tuple:
    return (q.intent, q.title, q.format, q.label, q.language, q.who, q.who_is, q.feature)


def _adjusted(intent: str | None, lower: str) -> str | None:
    """Where the earliest phrase misleads: 'how long are the extras' asks about extras,
    'what language are the subtitles' about subtitles, 'what language is the audio' about
    the audio."""
    if intent == "runtime" and _EXTRAS_WORDS.search(lower):
        return "extras"
    if intent == "language":
        if re.search(r"\b(?:subtitles?|subtitled|subs)\b", lower):
            return "subtitles"
        if re.search(r"\b(?:audio|dub(?:bed|s)?|soundtracks?)\b", lower):
            return "audio"
    if intent == "extras" and re.search(r"\b(?:most|more)\b", lower):
        return "most_extras"
    return intent
