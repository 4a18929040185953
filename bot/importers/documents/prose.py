"""Facts that reviews state in sentences rather than in a details block."""

from __future__ import annotations

import re

from bot.importers.documents.fields import format_from
from bot.importers.documents.model import EarlierEdition
from bot.text import sentences

_NAME = r"[A-Z][a-zà-ÿ'’\-]+(?:\s+(?:[A-Z][a-zà-ÿ'’\-]+|de|da|von|van|del|der|la|le))*\s+[A-Z][a-zà-ÿ'’\-]+"
# 'Veronica (Tatyana Samoylova)', 'Anna Schmidt(Alida Valli)', 'Sanborn and Eldridge
# (Anthony Mackie and Brian Geraghty)'
_CHARACTER = re.compile(
    rf"\b(?P<character>[A-Z][a-zà-ÿ]+)\s*\((?P<actor>{_NAME})(?:\s+and\s+(?P<actor2>{_NAME}))?"
    r"(?:\)|\s*[—–;,]\s)"  # 'Kuroiwa Ryu (Tetsuya Watari — Tokyo Drifter, ...)'
)
# A part named by what the character is, the actor beside it: 'her widowed father
# (Chishu Ryu)', 'a celebrity journalist (a sublimely cool Marcello Mastroianni)'.
_PART_WORDS = (
    r"father|mother|wife|husband|daughter|son|brother|sister|friend|lover|boyfriend|"
    r"girlfriend|uncle|aunt|grandfather|grandmother|cousin|nephew|niece|fianc[ée]e?|widow|"
    r"widower|detective|doctor|nurse|teacher|professor|boss|partner|assistant|neighbou?r|"
    r"priest|officer|captain|soldier|driver|maid|servant|killer|journalist|reporter|"
    r"photographer|writer|artist|singer|dancer|colleague|mentor|rival|stranger|girl|boy|man|"
    r"woman|child|heroine|hero|villain|protagonist|suitor|gangster|cop|sheriff|lawyer|pilot"
)
_PART_ACTOR = re.compile(
    rf"\b(?i:{_PART_WORDS})\s+\((?:(?:an?|the)\s+(?:[a-z\-]+\s+){{0,3}})?(?P<actor>{_NAME})\)"
)
_DP_TRIGGER = re.compile(
    r"(?:cinematography by|cinematographer|director of photography|photographed by|d\.p\.)",
    re.I,
)
_CAPITALISED = re.compile(r"\b[A-Z][a-zà-ÿ]{2,}\b")


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, each with its lines joined."""
    blocks = re.split(r"\n\s*\n", text)
    return [" ".join(b.split()) for b in blocks if b.strip()]


def characters(text: str) -> list[tuple[str, str]]:
    """('Veronica', 'Tatyana Samoylova') from 'Veronica (Tatyana Samoylova) and ...'."""
    found: dict[tuple[str, str], None] = {}
    for match in _CHARACTER.finditer(text):
        found[(match["character"], " ".join(match["actor"].split()))] = None
        if match["actor2"]:
            found[(match["character"], " ".join(match["actor2"].split()))] = None
    return list(found)


def capitalised_words(text: str) -> list[str]:
    return sorted(set(_CAPITALISED.findall(text)))


def cinematographers(text: str) -> list[str]:
    """Names after 'cinematography by …' or 'director of photography …', skipping the
    possessives and lower-case words between ('by Kalatozov's regular collaborator X Y')."""
    found: dict[str, None] = {}
    for match in _DP_TRIGGER.finditer(text):
        words = text[match.end() : match.end() + 120].split()[:8]
        run: list[str] = []
        for word in words:
            clean = word.strip(",.;:()")
            possessive = clean.endswith(("’s", "'s"))
            if (clean[:1].isupper() and not possessive and clean.isalpha()) or (
                clean[:1].isupper() and "-" in clean
            ):
                run.append(clean)
                if word.endswith((",", ".", ";", ")")):
                    break
            elif run:
                break
        if len(run) >= 2:
            found[" ".join(run[:3])] = None
    return list(found)


def restoration_note(text: str) -> str | None:
    """'new 2K restoration by Mosfilm from the 35mm original camera negative'."""
    match = re.search(r"\bnew\s+(?P<res>[248]K)\s+(?:digital\s+)?restoration", text, re.I)
    if not match:
        match = re.search(r"\b(?P<res>[248]K)\s+(?:digital\s+)?restoration", text, re.I)
    if not match:
        return None
    note = f"new {match['res'].upper()} restoration"
    window = text[match.start() : match.start() + 400]
    by = re.search(
        r"(?:performed|done|carried out|undertaken)\s+by\s+(?P<who>[A-Z][\w&.\- ]{1,40}?)[.,;]",
        window,
    )
    if by:
        note += f" by {by['who'].strip()}"
    source = re.search(
        r"(?:sourced|taken|made|scanned|struck|created)\s+from\s+(?:the\s+|a\s+)?"
        r"(?P<src>(?:\d{2}mm\s+)?(?:original\s+)?(?:camera\s+)?(?:negative|interpositive|"
        r"fine[- ]grain|print|master))",
        window,
        re.I,
    )
    if source:
        note += f" from the {source['src']}"
    return note


def earlier_editions(text: str) -> list[EarlierEdition]:
    """Editions a review says this one replaces: 'Criterion's previous DVD'."""
    found: dict[str, EarlierEdition] = {}
    for sentence in sentences(text):
        match = re.search(
            r"(?P<label>Criterion|Arrow|Eureka|BFI|Kino|Second Sight|Masters of Cinema)?[’']?s?\s*"
            r"\b(?:previous|earlier|older|original|old|first)\b(?:[\w,\- ]{0,30}?)\s+"
            r"(?P<fmt>DVD|Blu-?ray|4K|UHD)\b",
            sentence,
            re.I,
        )
        if not match:
            continue
        fmt = format_from(match["fmt"]) or match["fmt"]
        label = match["label"].title() if match["label"] else None
        if fmt not in found or (label and not found[fmt].label):
            found[fmt] = EarlierEdition(fmt, label, sentence)
    return list(found.values())


_NOT_NAMES = {
    "The",
    "This",
    "That",
    "These",
    "When",
    "After",
    "Before",
    "With",
    "While",
    "But",
    "And",
    "Winner",
    "World",
    "War",
    "Film",
    "Festival",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


def story_names(synopsis: str | None, title: str | None = None) -> set[str]:
    """The story's people as a synopsis names them: a capitalised word standing alone
    ('Veronica and Boris'), not part of a full name ('Mikhail Kalatozov'), a hyphenated
    word ('post-Stalin'), the title or the first word of a sentence. For
    `spoilers.split_spoilers(..., story_names=...)`: a death near one of them is plot."""
    if not synopsis:
        return set()
    title_words = {w.lower() for w in re.findall(r"\w+", title or "")}
    found: set[str] = set()
    for sentence in sentences(synopsis):
        words = sentence.split()
        for n, word in enumerate(words):
            clean = word.strip(",.;:!?()\"“”'’")
            clean = re.sub(r"['’]s$", "", clean)
            if n == 0 or "-" in word or not re.fullmatch(r"[A-Z][a-zà-ÿ]{2,}", clean):
                continue
            before = words[n - 1].strip('("“')
            after = words[n + 1].strip('("“') if n + 1 < len(words) else ""
            starter = n == 1 and before in _NOT_NAMES  # 'When Anton falls ill'
            if before[:1].isupper() and not before.endswith((",", ".")) and not starter:
                continue
            if after[:1].isupper() and not word.endswith((",", ".", ";")):
                continue
            if clean in _NOT_NAMES or clean.lower() in title_words:
                continue
            found.add(clean)
    return found


# --- credits and the label, as review prose states them -----------------------------------

# A name's word: 'Reed', 'McConaughey', "O'Brien", 'Jean-Luc'; never 'Tarkovsky's'.
_NAME_WORD = (
    r"[A-Z][a-zà-ÿ]*[a-zà-ÿ](?:[A-Z][a-zà-ÿ]+)?(?:-[A-Za-zà-ÿ][a-zà-ÿ]+)*"
    r"(?:['’][A-Z][a-zà-ÿ\-]+)?"
)
# Two or more words; a period only after an initial ('J. Lee Thompson'), so 'Tarkovsky.
# In' is not one name.
_PERSON = (
    rf"(?:{_NAME_WORD}|[A-Z]\.)(?:[ \t]+(?:{_NAME_WORD}|[A-Z]\.|de|da|von|van|del|der|di))*"
    rf"[ \t]+{_NAME_WORD}(?![\w\-])"
)
_DIRECTED = re.compile(
    rf"\b(?i:directed by|a film by|from (?:writer[- ])?director|director|filmmaker|"
    # the same in the languages of the pages seen ('Regisseur Sam Mendes', 'réalisé par')
    rf"film-maker|auteur|regisseur|regisseurin|regie von|réalisé par|realise par|"
    rf"réalisateur|réalisatrice|regia di|diretto da|dirigida por|dirigido por)"
    rf"(?:,)?\s+(?P<n>{_PERSON})"
    # 'the James Bobin directed film', 'the Carol Reed-directed thriller'
    rf"|\b(?i:the|a)\s+(?P<m>{_PERSON})(?:\s+|-)directed\s+(?:[a-z\-]+\s+)?"
    r"(?i:film|movie|feature|picture|adaptation|thriller|drama|comedy|documentary|epic)\b"
)
# 'Andrei Tarkovsky's Stalker', 'Carol Reed's 1949 classic', 'Brian De Palma's adaptation'
# One work, singular: "Will Ferrell's movies" are a career, not this film's director.
_POSSESSIVE_WORK = (
    r"(?i:film|classic|masterpiece|feature|final|debut|adaptation|epic|thriller|"
    r"drama|comedy|western|noir|picture|movie|documentary|latest|new|last|anime|"
    r"sequel|remake|\d{4})\b"
)
_STARRING = re.compile(
    rf"\b(?i:starring|co-starring|stars|co-stars|(?:featuring\s+)?performances\s+(?:by|from)|"
    rf"(?:legendary|great|remarkable|terrific|wonderful|fine|central|lead)\s+performance\s+"
    rf"(?:by|from)|"
    rf"(?:masterfully\s+|memorably\s+|wonderfully\s+)?(?:played|portrayed)\s+by|among\s+them|"
    rf"(?:ensemble|cast)\s+(?:that|which)\s+(?:included|includes)|cast\s+includes|"
    rf"actors?\s+(?:like|such\s+as)|"
    # 'protagonizado por', 'interpretato da', 'interprété par', 'mit … in den Hauptrollen'
    rf"protagonizad[ao]s?\s+por|interpretad[ao]s?\s+por|interpretat[oa]\s+da|"
    rf"interprété(?:e|s)?\s+par|con\s+la\s+actuación\s+de|in\s+der\s+Hauptrolle)"
    # each name may carry its part in brackets: 'Ricardo Darín (Benjamín Espósito)'
    rf"\s+(?P<list>{_PERSON}(?:\s*\([^()\n]{{1,40}}\))?"
    rf"(?:\s*(?:,|,?\s+(?:and|y|e|et|und)|&)\s*{_PERSON}(?:\s*\([^()\n]{{1,40}}\))?)"
    rf"{{0,8}})"
)
# The verbs after which an actor comes first and the part in brackets.
_ACTOR_FIRST = re.compile(
    r"(?i:protagonizad|interpretad|interpretat|interprété|con\s+la\s+actuación|in\s+der)"
)
# 'Sissy Spacek stars as', 'Kim Novak is great as the', 'Joseph Cotten is ideally cast as'
_ACTS_AS = re.compile(
    rf"(?<![\w'’])(?P<n>{_PERSON})\s+(?:stars\s+as|co-stars\s+as|plays\s+(?:the|a|an)\b|"
    rf"is\s+(?:[a-z]+\s+){{0,2}}(?:cast\s+)?as\s+(?:the|a|an)\b)"
)
_NOT_A_FIRST_NAME = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "Of",
        "At",
        "For",
        "From",
        "With",
        "And",
        "By",
        "To",
        "Its",
        "His",
        "Her",
        "Their",
        "Our",
        "My",
    ]
)
# Words that make a capitalised run a product or a company, not a person.
_NOT_PERSON = re.compile(
    r"\b(?:Blu-?ray|Disc|DVD|Collection|Criterion|Entertainment|Video|Films?|Studios?|"
    r"Pictures|Home|Edition|Academy|Award|Awards|Oscar|Festival|Review|Reviews)\b"
)
_SPLIT_NAMES = re.compile(r"\s*(?:,?\s+(?:and|y|e|et|und)\s+|,|&)\s*")
# Boutique and studio labels a page names in passing ('On Blu-ray from The Criterion
# Collection', 'courtesy of Kino Lorber'): canonical name -> how pages write it.
_KNOWN_LABELS = (
    ("The Criterion Collection", r"(?:the\s+)?criterion(?:\s+collection)?"),
    ("Arrow Video", r"arrow\s+(?:video|films|academy)"),
    ("Eureka Entertainment", r"eureka(?:\s+entertainment|\s+classics)?|masters\s+of\s+cinema"),
    ("Kino Lorber", r"kino\s+lorber(?:\s+studio\s+classics)?|kino\s+classics"),
    ("Cohen Media Group", r"cohen\s+(?:media|film)(?:\s+group)?"),
    ("BFI", r"bfi|british\s+film\s+institute"),
    ("Indicator", r"indicator|powerhouse\s+films"),
    ("Second Sight", r"second\s+sight"),
    ("Shout! Factory", r"shout!?\s*factory"),
    ("Vinegar Syndrome", r"vinegar\s+syndrome"),
    ("Severin Films", r"severin(?:\s+films)?"),
    ("Radiance Films", r"radiance\s+films"),
    ("Warner Archive", r"warner\s+archive(?:\s+collection)?"),
    ("Twilight Time", r"twilight\s+time"),
    ("Flicker Alley", r"flicker\s+alley"),
    ("Film Movement", r"film\s+movement"),
    ("Scream Factory", r"scream\s+factory"),
    ("Music Box Films", r"music\s+box\s+films"),
    ("Eagle Rock Entertainment", r"eagle\s+rock\s+entertainment"),
    ("StudioCanal", r"studio\s?canal"),
    ("Magnolia Home Entertainment", r"magnolia\s+(?:pictures|home\s+entertainment)"),
    # The majors, only in the forms that name the company, not the word ('universal').
    ("Universal", r"universal\s+(?:studios|pictures|home)(?:\s+home)?(?:\s+entertainment)?"),
    ("Warner Bros.", r"warner\s+(?:bros\.?|brothers|home\s+video)"),
    ("Sony Pictures", r"sony\s+pictures"),
    ("Paramount", r"paramount\s+(?:pictures|home|presents)"),
    ("20th Century Fox", r"(?:20th|twentieth)\s+century\s+(?:fox|studios)"),
    ("Buena Vista", r"buena\s+vista"),
    ("Disney", r"(?:walt\s+)?disney\s+(?:home|studios)"),
    ("Lionsgate", r"lions\s?gate"),
    ("MGM", r"mgm(?:/ua)?"),
)
_NOT_COMPANY = re.compile(
    r"^(?:blu-?ray|dvd|4k|uhd|hd|in|on|from|by|via|and|the|new|now|this|coming|[a-z]*ed|"
    r"announces?|january|february|march|april|may|june|july|august|september|october|"
    r"november|december)$",
    re.I,
)
_LABEL_RX = [(name, re.compile(rf"\b(?:{rx})\b", re.I)) for name, rx in _KNOWN_LABELS]
_HOME_VIDEO = re.compile(
    r"\b(?P<n>(?:[A-Z][\w&'’.\-]*\s+){0,3}[A-Z][\w&'’.\-]*)\s+Home\s+(?:Entertainment|Video)\b"
)


def directors(text: str, title: str | None = None) -> list[str]:
    """'directed by Peter Webber', 'a film by X', 'director Carol Reed', or a full name
    owning the film ('Andrei Tarkovsky's Stalker', 'Carol Reed's 1949 classic')."""
    for match in _DIRECTED.finditer(text):
        name = (match["n"] or match["m"]).strip()
        if len(name.split()) <= 4:
            return [name]
    works = _POSSESSIVE_WORK
    if title:
        # 'Kinji Fukasaku's controversial Battle Royale', 'Yasujiro Ozu's "Tokyo Story"'
        works = rf"(?:{works}|(?:[a-z\-]+\s+){{0,2}}[\"'‘“]?{re.escape(title)})"
    # 'Brian De Palma's (Scarface, Dressed to Kill) ...': the director's other films.
    works = rf"(?:{works}|\((?:[A-Z][^()]{{2,40}},\s*){{1,}})"
    owner = re.compile(rf"(?<![\w'’\-])(?P<n>{_PERSON})['’]s\s+{works}")
    for match in owner.finditer(text):
        name = match["n"].strip()
        if 2 <= len(name.split()) <= 4:
            return [name]
    if title:
        # 'Zangiku monogatari (Story of the Last Chrysanthemum, Kenji Mizoguchi, 1939)':
        # the film cited with its director and year, as essays do.
        cited = re.compile(
            rf"(?i:{re.escape(title)})[\"'”’»]?\s*\((?:[^()\n]{{1,80}}?,\s*)?"
            rf"(?P<n>{_PERSON}),\s*{_YEAR}\s*\)"
        )
        if (match := cited.search(text)) and not _COMPANY.search(match["n"]):
            return [match["n"].strip()]
    return []


# A company cited where a director would be ('Godzilla (Classic Media, 2009)').
_COMPANY = re.compile(
    r"\b(?i:media|video|films?|pictures|entertainment|studios?|home|classics|collection|"
    r"productions?|releasing|distribution|company|records|channel|network)\b"
)


_YEAR = r"(?P<y>18[89]\d|19\d\d|20[0-4]\d)"
_MONTH_WORD = r"(?:[A-Z][a-z]{2,8}\.?\s*,?\s*(?:\d{1,2},?\s*)?)?"
_FILM_YEAR = (
    # 'Carol Reed's 1949 classic', 'The 1985 Russian film'
    rf"['’]s\s+{_YEAR}\s+(?:[a-z\-]+\s+)?(?i:film|classic|masterpiece|movie|picture|feature|"
    rf"thriller|drama|comedy|western|noir|epic)\b",
    rf"\b[Tt]he\s+{_YEAR}\s+(?:[A-Za-z\-]+\s+){{0,3}}(?i:film|movie|classic|masterpiece|"
    rf"picture|feature|original)\b(?!\s+(?i:festival|awards?|series|season|society))",
    # 'an obscure but incredible Soviet film from 1957'
    rf"\b(?i:film|movie|classic|picture|masterpiece)\s+from\s+{_YEAR}\b",
    # 'when first released back in 1954', 'upon its release in May, 1958'
    rf"\b(?i:first\s+released|originally\s+released|upon\s+its\s+(?:original\s+)?release|"
    rf"theatrical\s+release|premiered|came\s+out)\s+(?:back\s+)?(?:in\s+)?{_MONTH_WORD}{_YEAR}\b",
    # 'il primo film del 1968', 'una película de 1954', 'ein Film aus 1979'
    rf"\b(?i:film|pel[ií]cula|pellicola|filme)\s+(?i:del|de|aus|von|uit|z)\s+{_YEAR}\b",
)
# 'which was released in 1954', '"Minority Report" was released in 2002': the film's year
# when the sentence before it speaks of no disc ('The Blu-ray was released in 2011').
_RELEASED_IN = re.compile(
    # the film as the subject: 'which was', 'it was', 'the film was', '"Title" was', or
    # none ('due to being released in 1984')
    rf"(?:(?<![\w'’])(?i:which|it|the\s+(?:film|movie|picture))|[\"“”])\s+(?i:was|were)\s+"
    rf"(?:first\s+|originally\s+|theatrically\s+)?released\s+(?:back\s+)?in\s+"
    rf"{_MONTH_WORD}{_YEAR}\b"
)
_BEING_RELEASED = re.compile(rf"\b(?i:being)\s+released\s+(?:back\s+)?in\s+{_MONTH_WORD}{_YEAR}\b")
_DISC_WORDS = re.compile(
    r"\b(?i:blu[- ]?ray|dvds?|discs?|4k|uhd|editions?|box\s?set|steelbook|vhs|laserdisc|"
    r"soundtrack|album|book|novel|game|series|season|restoration|re-?issue|remaster(?:ed)?|"
    r"sequel|remake|set|transfer|cut|documentary|version|label|criterion|arrow|kino)\b"
)


def film_year(text: str, title: str | None = None) -> int | None:
    """The film's year as a review states it in a sentence or beside the title:
    'Stalker (1979/Criterion Blu-ray)', 'Carol Reed's 1949 classic', 'first released back
    in 1954'. Only forms that date the film, not the disc."""
    patterns = list(_FILM_YEAR)
    if title:
        name = re.escape(title)
        # 'Stalker (1979/Criterion Blu-ray)', 'Ikiru (1952) is', "1925's The Phantom of
        # the Opera"
        patterns[:0] = [
            rf"(?i:{name})\s*\(\s*{_YEAR}\s*(?:[/,;|]|\))",
            # 'Drive My Car (ドライブ・マイ・カー, 2021)', '(Zangiku monogatari, Kenji
            # Mizoguchi, 1939)': other names or the director first, the year last
            rf"(?i:{name})[\"'”’»]?\s*\((?:[^()\n]{{1,80}}?,\s*){_YEAR}\s*\)",
            rf"\b{_YEAR}['’]s\s+(?i:{name})\b",
        ]
    for pattern in patterns:
        if match := re.search(pattern, text):
            return int(match["y"])
    for match in (*_RELEASED_IN.finditer(text), *_BEING_RELEASED.finditer(text)):
        before = re.split(r"[.!?\n]\s", text[max(0, match.start() - 240) : match.start()])
        sentence, previous = before[-1], (before[-2] if len(before) > 1 else "")
        if _DISC_WORDS.search(sentence):
            continue
        # 'Criterion issued a new disc. It was released in 2011': 'it' is the disc
        if re.match(r"(?i:it)\b", match.group()) and _DISC_WORDS.search(previous):
            continue
        return int(match["y"])
    return None


def cast(text: str) -> list[str]:
    """'starring Charlize Theron and Kim Basinger', 'stars Tommy Lee Jones, Matthew Fox',
    or the actors a review names beside their parts ('Harry Lime (Orson Welles)')."""
    found: dict[int, list[str]] = {}  # position in the text -> names, to keep page order
    parts: set[str] = set()  # names in brackets after an actor: their characters
    for match in _STARRING.finditer(text):
        listed = match["list"]
        if _ACTOR_FIRST.match(match.group()):
            # 'protagonizado por Ricardo Darín (Benjamín Espósito)': the part in brackets
            parts.update(" ".join(p.split()) for p in re.findall(r"\(([^()]+)\)", listed))
        else:
            # 'the cast includes Holly Martins (Joseph Cotten)': the part before them
            parts.update(
                " ".join(p.split()) for p in re.findall(rf"({_PERSON})\s*\([^()]+\)", listed)
            )
        listed = re.sub(r"\s*\([^()]*\)", "", listed)
        names = [n.strip() for n in _SPLIT_NAMES.split(listed) if n.strip()]
        found[match.start()] = names
    for match in _ACTS_AS.finditer(text):
        found.setdefault(match.start(), [match["n"]])
    for match in _CHARACTER.finditer(text):
        found.setdefault(match.start(), [n for n in (match["actor"], match["actor2"]) if n])
    for match in _PART_ACTOR.finditer(text):
        found.setdefault(match.start(), [match["actor"]])
    names: dict[str, None] = {}
    for _, group in sorted(found.items()):
        for name in group:
            name = " ".join(name.split())
            first = name.split()[0]
            if (
                2 <= len(name.split()) <= 4
                and name not in parts
                and not _NOT_PERSON.search(name)
                and first not in _NOT_A_FIRST_NAME  # '(The Quiet American)', '(In ...)'
                and not re.search(r"['’]s\b", name)  # "(Director's Cut)"
            ):
                names.setdefault(name, None)
    return list(names)


def label(text: str) -> str | None:
    """The disc's label as the page names it: a known label mentioned most, else a
    'X Home Entertainment' line."""
    counts = [(len(rx.findall(text)), i, name) for i, (name, rx) in enumerate(_LABEL_RX)]
    counts = [c for c in counts if c[0]]
    if counts:
        return max(counts, key=lambda c: (c[0], -c[1]))[2]
    match = _HOME_VIDEO.search(text)
    if not match:
        return None
    # 'Blu-ray Announced Universal Studios Home Entertainment': a headline's words before
    # the company are not its name.
    words = match["n"].split()
    while len(words) > 1 and _NOT_COMPANY.match(words[0]):
        words.pop(0)
    return f"{' '.join(words)} Home {match.group().split()[-1]}"
