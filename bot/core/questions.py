"""What a question in plain words asks for: deterministic rules, no model.

`understand` finds the fact asked for (the intent), the words that name the film (left
for the title search, which forgives typos and reads a year hint), and the edition's
format, label and a subtitle language. Every rule is a phrase in `INTENTS`; the phrase
found earliest in the sentence decides ('how long is the man who shot liberty valance' is
a runtime question, not a cinematographer's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

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
        r"who(?:'s| is| are)? (?:the )?(?:stars?|leads?)",
        r"\bstars?$",
        r"\bleads?$",
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
        r"\blength\b",
        r"how many (?:mins?|hours?|hrs?)",
        r"\b(?:mins?|hours?|hrs?) long",
        r"(?:is|was) (?:it|this|that) (?:short|long)",
        r"^(?:is|was) (?=.+ (?:too |very |really |so )?(?:short|long)$)",
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
        r"what languages? (?:do|did|does|is|are) (?:they|the characters|people|the actors|it)"
        r" (?:speak|speaks|spoken|talk|talks|in)(?: in)?",
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
        r"play (?:in|on) (?:a|an|my|our) (?:\w+ )?region (?:[a-c0-6]|free)(?: blu-ray| dvd| 4k)?"
        r" (?:players?|machines?|decks?|drives?|consoles?)",
        r"what region",
        r"which region",
        r"region (?:code|free|locked|coded?|lock(?:ed)?)",
        r"region[- ]?(?:a|b|c|1|2|free)\b",
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
        r"\b[12]\.\d\d(?::1)?(?= or |$)",
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
        r"(?:\d|one|two|three)(?: dis[ck]s?)? or (?:\d|one|two|three|four) dis[ck]s?",
        r"(?:come|comes|came) with (?:a|an|the) (?:4k|blu-ray|dvd)",
        r"(?:include|includes) (?:a|an|the) (?:4k|blu-ray|dvd)(?= (?:too|as well|also|dis[ck])|$)",
        r"combo(?: pack)?",
        r"dis[ck]s in (?:the|this|that|it)",
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
        r"bonus (?:features?|material|content|dis[ck]s?|stuff|things|goodies)",
        r"supplements?",
        r"supplementary",
        r"features",
        r"what(?:'s| is) on the dis[ck]",
        r"commentar(?:y|ies)",
        r"featurettes?",
    ),
    "review": (
        r"what did(?= .*\b(?:get|say|think|give|score)\b)",
        r"how did(?= .*\b(?:score|scored|rate|rated|do|fare|review)\b)",
        r"thumbs up(?: or down)?",
        r"thumbs down",
        r"\brate\b",
        r"any good",
        r"(?:is|was|are|were) (?:the )?(?:sound|audio|picture|video|image|transfer|extras|"
        r"supplements)(?: any)? (?:good|great|bad)",
        r"upgrade from",
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
    "titles": (
        r"original (?:title|name)s?",
        r"(?:russian|korean|japanese|french|german|italian|spanish|chinese|swedish|danish|"
        r"polish|czech|hungarian|persian|native|foreign|english|other|alternative|alternate|"
        r"international|us|uk|american|british|local) (?:title|name)s?",
        r"what(?:'s| is) (?:it|the (?:film|movie)) called in",
        r"also known as",
        r"\baka\b",
        r"other titles?",
        r"\btitles?\b",
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
        r"(?:what|which) versions?",
        r"versions? (?:of|are|out)",
        r"\bversions\b",
        r"\beditions\b",
        r"(?:what|which) formats?",
        r"\bformats?\b",
        r"releases? on (?:disc|home video|physical)",
        r"on (?:disc|physical media|home video)",
        r"physical releases?",
        r"(?:in )?(?:a |any )?box ?sets?",
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
# Words of chatter around a title ('yi yi is like 3 hours right'): they explain nothing.
CHATTER = {
    "like", "right", "exact", "exactly", "really", "actually", "that", "this", "one",
    "just", "again", "though", "pls", "plz", "hey", "hi", "thanks", "lol", "btw", "guess",
    "think", "wondering", "curious", "anyone", "somebody", "someone", "roughly", "about",
    "approximately", "hours", "hour", "hrs", "min", "insane", "amazing", "great", "good",
    "love", "loved", "watch", "watched", "watching", "seen", "saw", "tonight", "today",
    "old", "classic", "flick", "or", "so", "too", "very", "correct", "true", "yes", "no",
    "ok", "okay", "uk", "us", "usa", "import", "version", "cut", "collectors", "collector",
    "limited", "special", "deluxe", "anniversary", "steelbook", "remaster", "remastered",
    "restored", "restoration", "edition", "release", "releases", "one's", "that's",
    "it's", "is", "was", "my", "your", "short", "mins", "minutes", "runtime",
}  # fmt: skip
FILLER = _FILLER | CHATTER
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
# A named extra on an edition: 'any deleted scenes on the do the right thing blu', 'is the
# making-of doc on the arrow release', 'how long is the kalatozov documentary on the cranes
# blu-ray'. The words after 'on' must name an edition (a format, a label, 'disc' ...).
_ON_EDITION_PATTERNS = (
    r"^(?:is|are) (?:there )?(?:a |an |any |the )?(?P<feature>.+?) (?:on|in|included (?:on|in|"
    r"with)) (?P<film>.+)$",
    r"^(?:any|some) (?P<feature>.+?) (?:on|in) (?P<film>.+)$",
    r"^how long (?:is|are|does|do) (?:the )?(?P<feature>.+?) (?:on|in) (?P<film>.+?)"
    r"(?: run| last| take)?$",
    r"^(?:what|which) (?P<feature>.+?) (?:is|are) (?:on|in) (?P<film>.+)$",
)
# Words that tell an edition is meant (besides formats and labels).
_EDITION_MARK = re.compile(
    r"\b(?:dis[ck]s?|editions?|release|releases|box ?sets?|box|set|version|4k|blu-ray|dvd|"
    r"steelbook|copy)\b"
)
# Words that make a thing asked for an extra, whatever other words it holds ('the
# director's cut' is an extra, not a question about the director).
_EXTRA_KIND = re.compile(
    r"\b(?:cut|cuts|version|versions|scenes?|documentar\w*|docs?|featurettes?|making|"
    r"making-of|interviews?|commentar\w*|trailers?|outtakes?|gag|reel|footage|storyboards?|"
    r"galler\w*|short|shorts|program|programme|essay|booklet|bloopers?|ending|opening|"
    r"behind|tests?|q&a|extras?|bonus|special features?|supplements?|stuff)\b"
)
# Box sets: 'which box set has chungking express', 'is playtime in a box set'.
_BOXSET_PATTERNS = (
    r"^(?:which|what) (?:criterion )?box ?sets? (?:has|have|had|includes?|contains?|is|are|holds?)"
    r" (?P<film>.+?)(?: in| on)?$",
    r"^(?:is|was|are|were) (?P<film>.+?) (?:in|part of|included in|on) (?:a|any|the|some)"
    r" (?:criterion )?box ?sets?$",
    r"^(?:which|what) (?:criterion )?box ?sets? (?:is|are|was) (?P<film>.+?) (?:in|part of|on)$",
    r"^(?:does|did|is) (?P<film>.+?) (?:have|come in|appear in) (?:a|any) box ?sets?$",
)
# A part asked about without a film: 'who plays travis bickle'.
_CHARACTER_ALONE = re.compile(
    r"^who (?:plays|played|play|portrays|portrayed|is playing|was playing|voices|voiced|"
    r"is the actor (?:playing|who plays)) (?P<who>(?!in\b)[\w' .-]+?)$"
)
# The score a review question asks for, by the words used.
_SCORE_WORDS = (
    ("audio", r"\b(?:sound|audio|mix|soundtrack)\b"),
    ("picture", r"\b(?:picture|video|image|transfer|visuals?|a/v)\b"),
    ("extras", r"\b(?:supplements?|extras?|bonus|special features?|features)\b"),
    ("overall", r"\b(?:overall|in total|all in all|total)\b"),
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
    "supplements", "overall", "blog", "any", "get", "thumbs", "down", "rate",
    "old", "older", "original", "doc", "stuff",
}  # fmt: skip
_SPEC_INTENTS = {
    "aspect_ratio", "video", "audio", "discs", "price", "spine", "label", "extras",
    "most_extras", "has_feature", "review", "synopsis",
}  # fmt: skip


# Yes/no questions about where a film is from, its genre or language: the words people
# use, as the catalog stores them.
DEMONYMS = {
    "american": "United States", "us": "United States", "usa": "United States",
    "british": "United Kingdom", "uk": "United Kingdom", "english": "United Kingdom",
    "french": "France", "belgian": "Belgium", "german": "Germany", "italian": "Italy",
    "japanese": "Japan", "iranian": "Iran", "persian": "Iran", "korean": "South Korea",
    "chinese": "People's Republic of China", "taiwanese": "Taiwan", "swedish": "Sweden",
    "danish": "Denmark", "norwegian": "Norway", "finnish": "Finland", "spanish": "Spain",
    "mexican": "Mexico", "indian": "India", "polish": "Poland", "czech": "Czech Republic",
    "czechoslovak": "Czechoslovakia", "hungarian": "Hungary", "russian": "Russia",
    "soviet": "Soviet Union", "canadian": "Canada", "australian": "Australia",
    "brazilian": "Brazil", "argentine": "Argentina", "argentinian": "Argentina",
    "greek": "Greece", "turkish": "Turkey", "irish": "Ireland", "dutch": "Netherlands",
    "austrian": "Austria", "swiss": "Switzerland", "portuguese": "Portugal",
    "israeli": "Israel", "egyptian": "Egypt", "senegalese": "Senegal", "thai": "Thailand",
    "filipino": "Philippines", "romanian": "Romania", "yugoslav": "Yugoslavia",
    "icelandic": "Iceland", "cuban": "Cuba", "chilean": "Chile", "hong kong": "Hong Kong",
    "new zealand": "New Zealand", "south african": "South Africa", "georgian": "Georgia",
}  # fmt: skip
# Other names of the same country, as sources give them.
COUNTRY_ALSO = {
    "Russia": ("Soviet Union",),
    "Soviet Union": ("Russia",),
    "Czech Republic": ("Czechoslovakia",),
    "Germany": ("West Germany", "East Germany"),
    "People's Republic of China": ("China", "Hong Kong", "Taiwan"),
}
GENRE_WORDS = {
    "horror": "Horror", "comedy": "Comedy", "comedic": "Comedy", "funny": "Comedy",
    "drama": "Drama", "thriller": "Thriller", "western": "Western",
    "documentary": "Documentary", "doc": "Documentary", "musical": "Musical",
    "animated": "Animated", "animation": "Animation", "cartoon": "Animated",
    "sci-fi": "Sci-Fi", "scifi": "Sci-Fi", "science fiction": "Science Fiction",
    "romance": "Romance", "romantic": "Romance", "war": "War", "crime": "Crime",
    "noir": "Noir", "film noir": "Noir", "fantasy": "Fantasy", "mystery": "Mystery",
    "action": "Action", "adventure": "Adventure", "biopic": "Biography",
    "biographical": "Biography", "family": "Family", "silent": "Silent",
    "slasher": "Slasher", "superhero": "Superhero", "spy": "Spy", "satire": "Satire",
    "historical": "Historical", "erotic": "Erotic", "supernatural": "Supernatural",
    "teen": "Teen", "sports": "Sports", "martial arts": "Martial Arts",
    "disaster": "Disaster", "suspense": "Suspense", "kids": "Family",
}  # fmt: skip
# A sentence that asks for a yes or a no, or one of two: 'is titane french or belgian',
# 'taste of cherry is iranian right', 'was persona a drama?'.
_YES_NO = re.compile(r"^(?:is|was|are|were|isn't|wasn't)\b|\b(?:right|correct|yes|true|no)$|\bor\b")
# 'is clint eastwood in tarantula', 'did nick cave appear in wings of desire'.
_MEMBER_PATTERNS = (
    r"^(?:is|was|isn't|wasn't) (?P<who>.+?) (?:in|starring in|acting in|appearing in|"
    r"(?:in|part of) the cast of|one of the (?:actors|stars) (?:in|of)|a cast member of)"
    r" (?P<film>.+?)(?: right| correct| too| as well)?$",
    r"^(?:does|did|do) (?P<who>.+?) (?:star|appear|act|play|feature|show up)s? in"
    r" (?P<film>.+?)(?: right| correct| too| as well)?$",
    r"^(?:does|did|is|was) (?P<film>.+?) (?:star|starring|feature|featuring|have)"
    r" (?P<who>.+?) in (?:it|the cast)$",
    r"^(?:does|did) (?P<film>.+?) (?:star|feature) (?P<who>.+?)$",
    # 'jeanne moreau is in jules and jim, yes?'
    r"^(?P<who>.+?) (?:is|was) in (?P<film>.+?)(?: yes| right| correct| too| no)$",
)
_DIRECTOR_PATTERNS = (
    r"^(?:did|does) (?P<who>.+?) direct (?P<film>.+?)(?: right| correct)?$",
    r"^(?:is|was) (?P<film>.+?) (?:directed|made|helmed) by (?P<who>.+?)(?: right| correct)?$",
    r"^(?:is|was) (?P<who>.+?) the director of (?P<film>.+?)(?: right| correct)?$",
    # 'did kurosawa make throne of blood' (not 'did parasite make money')
    r"^(?:did|does) (?P<who>.+?) (?:make|helm) (?!(?:a|an|any|much|more|some|many|other)\b)"
    r"(?!(?:the )?(?:money|profit|loss|cut|list|history|it|sense|top)\b)"
    r"(?P<film>.+?)(?: right| correct)?$",
    # 'fellini directed bicycle thieves, right?'
    r"^(?P<who>.+?) (?:directed|made) (?P<film>.+?) (?:right|correct|yes|no)$",
    # 'perfect days is a wim wenders film, right?', 'is ran a kurosawa film'
    r"^(?P<film>.+?) (?:is|was) (?:a|an) (?P<who>.+?) (?:film|movie|picture|joint)"
    r"(?: right| correct| yes)?$",
    r"^(?:is|was) (?P<film>.+?) (?:a|an) (?P<who>.+?) (?:film|movie|picture|joint)"
    r"(?: right| correct)?$",
)
# What a name is not: words of other questions.
_NOT_A_NAME = re.compile(
    r"\b(?:there|it|this|that|a|an|any|some|the film|the movie|region|subtitles?|subs|"
    r"dub(?:bed)?|audio|sound|extras?|features?|commentary|format|disc|dis[ck]s|4k|uhd|"
    r"blu-ray|dvd|criterion|arrow|edition|color|colour|black|white|english|widescreen|"
    r"print|stock|cinemas?|theaters?|theatres?|box|set|stores?|streaming|netflix|"
    r"public domain|production|development|who|what|which|how|when|where|why)\b"
)
# Words that describe a film, not its maker: 'is jaws a summer movie', 'is up a disney
# movie' (a studio), 'is barry lyndon a period film'. Whole names only: Martin Short and
# Justin Long are people.
_NOT_A_MAKER = re.compile(
    r"^(?:(?:a|an|the|very|really|real|true|good|great|bad|best|worst|long|short|silent|new|"
    r"old|classic|cult|famous|foreign|early|late|recent|sequel|remake|documentary|animated|"
    r"feature|kids?|family|christmas|holiday|summer|winter|period|epic|scary|war|disney|pixar|"
    r"marvel|dc|netflix|hbo|studio|technicolor|color|colour|black and white|b&w|3d|imax|"
    r"indie|independent|art ?house|musical|foreign language|popular|hit|flop|low budget|"
    r"big budget|oscar winning|award winning|must see|\d+s)\s*)+$"
)
_SPINE = re.compile(
    r"(?<![\w-])(?:(?P<label>criterion|cc)(?: collection)?|spine)\s*(?:#|no\.?|number|num)?\s*"
    r"(?P<n>\d{1,4})(?![\w-])|(?<![\w&])#\s?(?P<bare>\d{1,4})(?![\w-])"
)


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
    # The words left for the title, part by part of the sentence (split at '?', ',',
    # a dash), untrimmed: the title span is looked for among them.
    parts: tuple[tuple[str, ...], ...] = ()
    # A yes/no or either/or question: the values to check against the stored fact
    # (countries, genres, languages; for 'in_cast', the person is `who`).
    check: tuple[str, ...] = ()
    spine: str | None = None  # 'criterion 146', 'spine #146'
    boxset: bool = False  # 'in a box set'
    # A review question: the score asked for ('audio', 'picture', 'extras', 'overall')
    # and the kind of review named ('blog', 'disc').
    score: str | None = None
    review_of: str | None = None

    @property
    def about_edition(self) -> bool:
        return self.format is not None or self.label is not None


# Words that ask, as people misspell them ('langauge', 'subtitels'): a word of 5+ letters
# this close to one of them is read as it.
INTENT_WORDS = (
    "director", "directed", "directs", "direct", "language", "languages", "subtitles",
    "subtitle", "subtitled", "runtime", "running", "cinematographer", "cinematography",
    "writer", "writers", "written", "screenplay", "country", "countries", "genre",
    "genres", "region", "release", "released", "edition", "editions", "extras",
    "features", "commentary", "audio", "aspect", "resolution", "starring", "actors",
    "actress", "length", "minutes", "synopsis", "summary", "review", "reviews", "rating",
    "ratings", "format", "formats", "version", "versions", "original", "english",
    "french", "japanese", "german", "italian", "spanish", "russian", "korean", "chinese",
    "swedish", "duration", "special", "supplements", "criterion",
)  # fmt: skip
TYPO_MATCH = 85
_SWAPS = {(len(w), "".join(sorted(w))): w for w in INTENT_WORDS}
_SEPARATOR = re.compile(r"\s*(?:[?!;]+|\s[-–—]+\s|\.{2,})\s*|\s[-–—]+$")
_CONTRACTIONS = {
    "whos": "who's", "whats": "what's", "wheres": "where's", "hows": "how's",
    "whens": "when's", "dont": "don't", "doesnt": "doesn't", "isnt": "isn't",
    "wasnt": "wasn't", "mins": "minutes",
}  # fmt: skip


def _spelled(text: str) -> str:
    """Contractions typed without the apostrophe, and misspelt words that ask."""
    words = []
    for word in text.split(" "):
        bare = word.lower().strip("?!.,;:")
        if bare in _CONTRACTIONS:
            word = word.lower().replace(bare, _CONTRACTIONS[bare])
        elif len(bare) >= 5 and bare.isalpha() and bare not in INTENT_WORDS:
            found = process.extractOne(
                bare, INTENT_WORDS, scorer=fuzz.ratio, score_cutoff=TYPO_MATCH
            )
            if found is None:  # two letters swapped: 'lenght'
                found = _SWAPS.get((len(bare), "".join(sorted(bare))))
                found = (found,) if found and fuzz.ratio(bare, found) >= 60 else None
            if found is not None:
                word = word.lower().replace(bare, found[0])
        words.append(word)
    return " ".join(words)


def skip_words(q: Question) -> set[str]:
    """Words that never tell which film a question is about: filler, chatter, and for a
    question about a spec the words that name it ('cost', 'picture')."""
    return FILLER | _SPEC_FILLER if q.intent in _SPEC_INTENTS else FILLER


def _normal(text: str) -> str:
    text = " ".join(text.replace("’", "'").split())
    text = _spelled(text)
    text = join_format_words(text)
    text = re.sub(r"\b(?:4k\s+ultra\s+hd|ultra\s+hd|4k\s+uhd)\b", "4k", text, flags=re.I)
    text = re.sub(r"\bblu\s*rays?\b|\bblurays?\b|\bblue?-?rays?\b", "blu-ray", text, flags=re.I)
    text = re.sub(r"\bblu\b(?!-)", "blu-ray", text, flags=re.I)
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


# Chatter that ends a sentence after the title ('red shoes 1948 who directed that').
_END_CHATTER = {
    "or", "that", "this", "right", "exactly", "exact", "correct", "true", "please", "pls",
    "again", "though", "one", "lol", "thanks", "btw",
}  # fmt: skip


def _trim(words: list[str]) -> list[str]:
    while words and words[0].strip("?.,!:;") in _FILLER:
        words.pop(0)
    while words and words[-1].strip("?.,!:;") in _FILLER | _END_CHATTER:
        words.pop()
    return words


def _parts(text: str) -> tuple[tuple[str, ...], ...]:
    """The words of `text` part by part (split where the sentence had a '?' or a dash)."""
    text = re.sub(r"[,()\[\]]", " ", text)
    found = []
    for part in text.split("|"):
        words = tuple(w.strip(_QUOTE + ".:") for w in part.split() if w.strip(_QUOTE + ".:"))
        if words:
            found.append(words)
    return tuple(found)


def _title_words(text: str, extra: set[str] | frozenset[str] = frozenset()) -> str:
    """What is left of `text` for the title search: quotes, possessives and the words
    around it that ask but name nothing taken off."""
    text = re.sub(r"\b(?:the\s+)?(?:film|movie)\s+(?=\w)", "", text, count=1)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[?!,;|]", " ", text).strip(_QUOTE + " ")
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


def _boxset(lower: str) -> Question | None:
    """'which box set has chungking express', 'is playtime in a box set': the box sets
    that hold the film (`editions` of box sets)."""
    for pattern in _BOXSET_PATTERNS:
        match = re.match(pattern, lower)
        if match is None:
            continue
        rest, fmt, label = _edition_words(match["film"])
        title = _title_words(rest)
        if title:
            return Question(lower, "editions", title, fmt, label, boxset=True)
    return None


def _character(lower: str) -> Question | None:
    """'who plays travis bickle': a part named without its film (`role`, no title)."""
    match = _CHARACTER_ALONE.match(lower)
    if match is None:
        return None
    who = " ".join(match["who"].strip(_QUOTE + " ,").split())
    who = re.sub(r"^(?:the )?(?:character |role |part )?(?:of )?", "", who)
    if not who or _NOT_A_PART.search(who) or len(who.split()) > 4 or " in " in f" {who} ":
        return None
    return Question(lower, "role", "", who=who, who_is="character")


def _on_edition(lower: str) -> Question | None:
    """A named extra asked about on an edition ('any deleted scenes on the do the right
    thing blu'): `has_feature`, or `extras` for extras in general ('bonus stuff')."""
    for pattern in _ON_EDITION_PATTERNS:
        match = re.match(pattern, lower)
        if match is None:
            continue
        film = re.sub(r"^(?:the|this|that|a|an) ", "", match["film"])
        if not _EDITION_MARK.search(film) and not _edition_words(film)[2]:
            continue
        feature = re.sub(r"^(?:a|an|any|the|some)\s+", "", " ".join(match["feature"].split()))
        feature = feature.strip(_QUOTE + " ")
        timed = pattern.startswith("^how long")  # 'how long is hurricane kalatozov on …'
        if not feature or not (timed or _EXTRA_KIND.search(feature)):
            continue
        rest, fmt, label = _edition_words(film)
        title = _title_words(rest, _SPEC_FILLER)
        if not title:
            continue
        if re.fullmatch(
            r"(?:bonus|special|extra)? ?(?:extras?|features?|stuff|material|content|"
            r"supplements?|goodies|things)",
            feature,
        ):
            return Question(lower, "extras", title, fmt, label)
        return Question(lower, "has_feature", title, fmt, label, feature=feature)
    return None


def _not_an_extra(feature: str) -> bool:
    """A format, a label, or a spec another rule answers (subtitles, audio, region ...)."""
    _, fmt, label = _edition_words(feature)
    if fmt or label:
        return True
    if _EXTRA_KIND.search(feature) and not re.fullmatch(
        r"(?:a |an )?(?:4k|blu-ray|dvd) .*", feature
    ):
        return False  # 'the director's cut', 'the making-of doc'
    intent, _ = _find_intent(feature)
    return intent in {
        "subtitles", "audio", "video", "region", "discs", "aspect_ratio", "price", "spine",
        "label", "release_date", "editions", "cast", "director", "writer", "runtime",
    }  # fmt: skip


def understand(text: str, *, yes_no: bool = True) -> Question:
    """The question in `text` (pure: no database). `yes_no=False` reads it without the
    'is X in Y' rules (when X is no one in Y's credits, it may be a title after all)."""
    normal = _normal(text)
    lower = normal.lower().strip().rstrip("?!. ")
    lower = re.sub(r"\s+", " ", lower)
    # The parts of the sentence: '?', '!', ';' and a dash between words end one.
    marked = " ".join(_SEPARATOR.sub(" | ", lower).split()).strip(" |")
    # Words in brackets are a part of their own ('… box come out (grand budapest)'); a
    # year in brackets stays a hint next to the title.
    marked = re.sub(r"\(([^()]*[a-z][^()]*)\)", r" | \1 | ", marked).strip(" |")
    marked = " ".join(marked.split())
    spine, spine_label, marked = _spine(marked)
    lower = " ".join(marked.replace("|", " ").split())
    for special in (_boxset, _role, _character, _feature, _on_edition):
        if (found := special(lower)) is not None:
            return replace(found, text=text, parts=_parts(found.title), spine=spine)
    if yes_no:
        for special in (_member,):
            if (found := special(lower)) is not None:
                return replace(found, text=text, spine=spine)
    found, span = _find_intent(marked)
    intent = _adjusted(found, lower)
    rest = marked if span is None else marked[: span[0]] + " " + marked[span[1] :]
    if intent != found and intent is not None:  # the words of the intent meant go too
        for phrase in INTENTS[intent]:
            rest = re.sub(rf"(?<![\w-])(?:{phrase})(?![\w-])", " ", rest)
    check: tuple[str, ...] = ()
    if yes_no and _YES_NO.search(lower) and intent in (None, "country", "genres", "language"):
        intent, check, rest = _checked(intent, rest)
    language = _language(rest) if intent in ("subtitles", "audio") else None
    if language:
        rest = re.sub(rf"\b{language.lower()}\b", " ", rest)
    formats = {FORMATS[b] for w in rest.split() if (b := re.sub(r"[^\w-]", "", w)) in FORMATS}
    rest, fmt, label = _edition_words(rest)
    label = label or spine_label
    named = [FORMATS[b] for w in lower.split() if (b := re.sub(r"[^\w-]", "", w)) in FORMATS]
    if intent == "discs" and len(set(named)) > 1:
        # 'does the 4k come with a blu-ray too': the edition is the first format named
        fmt, check = named[0], tuple(f for f in dict.fromkeys(named[1:]) if f != named[0])
    elif len(formats) > 1 and re.search(r"\bor\b", lower):
        fmt = None  # 'is the 2001 disc dvd or blu-ray': which formats there are
    if intent == "region" and (asked := re.search(r"\bregion ([a-c0-6]|free)\b", lower)):
        check = (asked[1].upper() if asked[1] != "free" else "free",)
    boxset = bool(re.search(r"\bbox ?sets?\b|\b(?:4k|blu-ray|dvd) box\b", lower))
    # 'how many discs in the grand budapest hotel box': a box set, when a title is left
    boxset = boxset or bool(
        intent in _BOX_INTENTS
        and re.search(r"\w+ box$", lower)
        and not re.search(r"^\w+ (?:the |a )?box$", lower)
    )
    if boxset:
        rest = re.sub(r"\bbox(?: ?sets?)?\b", " ", rest)
    score = review_of = None
    if intent == "review":
        score = next((k for k, p in _SCORE_WORDS if re.search(p, lower)), None)
        found_kind = re.search(r"\b(blog|disc|disk)\b", lower)
        review_of = {"disk": "disc"}.get(found_kind[1], found_kind[1]) if found_kind else None
        rest = re.sub(r"\b(?:blog|overall|thumbs|up or down|get for|say|said)\b", " ", rest)
    if intent is None and (fmt or label or len(formats) > 1 or boxset):
        intent = "editions"  # 'mulholland dr criterion 4k': is there one
    if intent == "aspect_ratio":  # 'is it 1.33 or 1.37': the ratios asked about
        rest = re.sub(r"(?<![\w.])[12]\.\d\d(?::1)?(?![\w.])", " ", rest)
    spoilers = False
    if intent == "synopsis":
        spoilers = bool(_SPOILER_WORDS.search(lower))
        rest = re.sub(r"\b(?:with spoilers|spoilers?|spoil|the ending|ending|end)\b", " ", rest)
    # What asks is said around the title: 'how long is stalker' / 'stalker, how long'.
    extra = _SPEC_FILLER if intent in _SPEC_INTENTS else frozenset()
    title = _title_words(rest, extra)
    if intent == "release_date":
        rest = re.sub(r"\b(?:come|comes|coming|came) out\b", " ", rest)
        title = _title_words(rest, extra)
    if (
        intent == "release_date"
        and fmt is None
        and label is None
        and not boxset
        and not re.search(r"\b(?:editions?|collector'?s|steelbook|restoration|remaster)", lower)
    ):
        intent = "year"  # 'when did stalker come out': the film's year, not an edition's
    return Question(
        text,
        intent,
        title,
        fmt,
        label,
        language,
        spoilers=spoilers,
        parts=_parts(rest),
        check=check,
        spine=spine,
        boxset=boxset,
        score=score,
        review_of=review_of,
    )


def _spine(marked: str) -> tuple[str | None, str | None, str]:
    """A spine number asked by ('criterion 146', 'spine #146', '#146'): (the number, the
    label it names, the sentence without it). A year after 'criterion' is a title
    ('the criterion 1984'), no spine."""
    for match in _SPINE.finditer(marked):
        number = match["n"] or match["bare"]
        if match["n"] and match["label"] and re.fullmatch(r"(?:18[89]|19\d|20[0-3])\d", number):
            continue
        label = "criterion" if match["label"] else None
        rest = marked[: match.start()] + " " + marked[match.end() :]
        return number.lstrip("0") or "0", label, " ".join(rest.split())
    return None, None, marked


def _could_be_a_name(who: str) -> bool:
    """Whether the words a question puts where a person goes may be someone's name: not
    a question word, a kind of film, a nationality, a genre or a language."""
    return bool(
        who
        and len(who.split()) <= 4
        and not any(c.isdigit() for c in who)
        and not _NOT_A_NAME.search(who)
        and not _NOT_A_MAKER.match(who)
        and who not in DEMONYMS
        and who not in GENRE_WORDS
        and who not in LANGUAGES
    )


def _member(lower: str) -> Question | None:
    """'is clint eastwood in tarantula', 'did bergman direct persona': whether a person
    is in a film's cast (`in_cast`) or directed it (`directed_by`); `who` is the name."""
    for intent, patterns in (("directed_by", _DIRECTOR_PATTERNS), ("in_cast", _MEMBER_PATTERNS)):
        for pattern in patterns:
            match = re.match(pattern, lower)
            if match is None:
                continue
            who = " ".join(match["who"].strip(_QUOTE + " ,").split())
            if not _could_be_a_name(who):
                continue
            rest, fmt, label = _edition_words(match["film"])
            if fmt or label:
                continue
            title = _title_words(rest)
            if title in LANGUAGES or title in DEMONYMS or title in GENRE_WORDS:
                continue  # 'is stalker in russian'
            if re.fullmatch(r"(?:colou?r|black and white|b&w|widescreen|3d|imax)", title):
                continue
            if title and fold_words(title) != fold_words(who):
                return Question(lower, intent, title, who=who, parts=_parts(rest))
    return None


def fold_words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


# Words between a title and what is checked: 'taste of cherry is iranian, right?'.
_CHECK_GLUE = {"a", "an", "or", "film", "movie", "flick", "one", "right", "correct", "is",
               "it", "really", "actually", "considered", "true", "yes", "no", "|", "in",
               "originally", "made", "from", "language", "spoken", "picture", "genre",
               "country", "entirely", "mostly", "partly", "both", "and"}  # fmt: skip


def _checked(intent: str | None, rest: str) -> tuple[str | None, tuple[str, ...], str]:
    """The values a yes/no question checks, read from the end of the sentence (where
    they follow the title), and the sentence without them."""
    words = rest.split()
    found: list[tuple[str, str]] = []  # (kind, value)
    end = len(words)
    n = len(words) - 1
    while n >= 0:
        two = " ".join(words[n - 1 : n + 1]) if n >= 1 else ""
        one = words[n].strip("?,.!")
        if two in DEMONYMS or two in GENRE_WORDS:
            kind = "country" if two in DEMONYMS else "genres"
            found.append((kind, two))
            end, n = n - 1, n - 2
            continue
        if one in DEMONYMS or one in GENRE_WORDS or one in LANGUAGES:
            is_language = one in LANGUAGES and n >= 1 and words[n - 1] == "in"
            kind = "language" if is_language else ("country" if one in DEMONYMS else "genres")
            found.append((kind, one))
            end, n = n, n - 1
            continue
        if one in _CHECK_GLUE:
            n -= 1
            continue
        break
    if not found:
        return intent, (), rest
    kinds = [k for k, _ in found]
    wanted = intent or max(set(kinds), key=kinds.count)
    if wanted == "country":
        values = [DEMONYMS[v] for k, v in found if v in DEMONYMS]
    elif wanted == "genres":
        values = [GENRE_WORDS[v] for k, v in found if v in GENRE_WORDS]
    elif wanted == "language":
        values = [v.capitalize() for k, v in found if v in LANGUAGES or v in DEMONYMS]
    else:
        return intent, (), rest
    if not values:
        return intent, (), rest
    # The title is what comes before the first word checked.
    first = min(n + 1, end)
    kept = [w for w in words[:first]]
    while kept and kept[-1].strip("?,.!") in _CHECK_GLUE:
        kept.pop()
    return wanted, tuple(dict.fromkeys(reversed(values))), " ".join(kept)


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
    if intent == "editions":
        # 'the uk arrow release of the thing, what region': the edition is the subject,
        # the spec asked about comes later
        for other in _EDITION_SPECS:
            if any(re.search(rf"(?<![\w-])(?:{p})(?![\w-])", lower) for p in INTENTS[other]):
                return other
    return intent


# What is asked about a box set called 'the … box'.
_BOX_INTENTS = {"discs", "release_date", "spine", "editions", "label", "price", "extras"}
_EDITION_SPECS = (
    "region", "subtitles", "aspect_ratio", "video", "audio", "discs", "price", "spine",
    "release_date", "review",
)  # fmt: skip


# 'films by satyajit ray', 'movies with toshiro mifune', 'what has aki kaurismaki
# directed', 'mizoguchi films': a person's films, with the role asked for when said.
_FILMS = r"(?:films?|movies?|pictures?|work)"
_FILMOGRAPHY_PATTERNS: tuple[tuple[str, str | None], ...] = (
    (rf"^(?:what|which) (?:other |else )?{_FILMS} (?:did|has|have) (?P<who>.+?) "
     r"(?:directed|direct|helmed|helm)$", "director"),
    (rf"^(?:what|which) (?:other |else )?{_FILMS} (?:did|has|have) (?P<who>.+?) "
     r"(?:made|make|done|do)$", "director"),
    (rf"^(?:what|which) (?:other |else )?{_FILMS} (?:did|has|have) (?P<who>.+?) "
     r"(?:starred in|star in|acted in|act in|appeared in|appear in|been in|played in)$", "cast"),
    (rf"^(?:what|which) (?:other |else )?{_FILMS} (?:is|was|has been) (?P<who>.+?) in$", "cast"),
    (r"^what (?:else |other films? )?(?:did|has) (?P<who>.+?) (?:directed|direct)$", "director"),
    (r"^what (?:else |other films? )?(?:did|has) (?P<who>.+?) (?:made|make|done)$", "director"),
    (r"^what (?:else |other films? )?(?:did|has) (?P<who>.+?) "
     r"(?:starred in|star in|acted in|act in|appeared in|appear in|been in)$", "cast"),
    (rf"^(?:list |show |name )?(?:me )?(?:the |all |some |other |more )*{_FILMS} "
     r"(?:directed|made|helmed) by (?P<who>.+?)$", "director"),
    (rf"^(?:list |show |name )?(?:me )?(?:the |all |some |other |more )*{_FILMS} "
     r"(?:by|from) (?P<who>.+?)$", None),
    (rf"^(?:list |show |name )?(?:me )?(?:the |all |some |other |more )*{_FILMS} "
     r"(?:with|starring|featuring) (?P<who>.+?)$", "cast"),
    (rf"^(?:list |show |name )?(?:me )?(?:all )?(?P<who>.+?)(?:'s)? "
     rf"(?:{_FILMS}|filmography|directed films)$", None),
    (r"^(?:the )?filmography of (?P<who>.+?)$", None),
)  # fmt: skip
_FILMOGRAPHY_NOT_A_NAME = re.compile(
    r"^(?:the best|best|good|great|new|old|other|similar|more|some|any|all|which|what|"
    r"upcoming|recent|this|that|these|those|top|favou?rite|my|your|their)\b|"
    r"\b(?:criterion|arrow|4k|blu-ray|dvd|editions?|releases?)\b"
)


def filmography_request(text: str) -> tuple[str, str | None] | None:
    """(name, role) when `text` asks for a person's films (pure: no database): the role
    is 'director' or 'cast' when the words say which, else None. The caller checks that
    the name is a person in the catalog and no film's title."""
    lower = " ".join(_normal(text).lower().split()).strip().rstrip("?!. ")
    lower = re.sub(r"^(?:hey |ok |hi )?filmbot\b[,:]?\s*", "", lower)
    lower = re.sub(r"^(?:please |can you |could you |pls )+", "", lower)
    lower = re.sub(r"\s+(?:please|pls)$", "", lower)
    for pattern, role in _FILMOGRAPHY_PATTERNS:
        match = re.match(pattern, lower)
        if match is None:
            continue
        who = " ".join(match["who"].strip(_QUOTE + " ,").split())
        if not _could_be_a_name(who) or _FILMOGRAPHY_NOT_A_NAME.search(who):
            continue
        return who, role
    return None
