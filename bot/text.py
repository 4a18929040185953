"""Text folding shared by the importers and the lookup: one definition of "same title".

`fold` removes case, diacritics and punctuation; `norm_title` also drops a leading
article and handles the "Matrix, The" inversion, so "The Firemen’s Ball", "Firemen's
Ball" and "FIREMEN'S BALL, THE" all fold to the same key.

Both first make text `canonical`: what looks the same keys the same. Invisible format
characters (zero-width joiners and spaces, soft hyphens, bidi marks) are dropped,
compatibility forms (fullwidth letters, ligatures) become the plain ones, and a word that
mixes Latin letters with Cyrillic or Greek look-alikes ('Vеrtigo' with a Cyrillic 'е') is
written in one script. A word wholly in Cyrillic or Greek ('Летят журавли') stays as it is.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Letters NFKD does not decompose into an ASCII base letter.
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "&": " and ",
    }
)
_NON_WORD = re.compile(r"[\W_]+")
# Dots and hyphens inside a word join it: W.R. = WR, Blow-Up = Blowup (titles only).
_INNER_JOINER = re.compile(r"(?<=\w)[.\-‐‑](?=\w)")
# Articles that are never a word of their own at a title's start. "I", "O" and "De" are
# left out on purpose: "I Am Cuba" and "O Brother" must keep their first word.
_ARTICLES = (
    "the",
    "a",
    "an",
    "le",
    "la",
    "les",
    "el",
    "los",
    "las",
    "il",
    "lo",
    "gli",
    "der",
    "die",
    "das",
    "den",
    "det",
    "het",
    "een",
)
_ARTICLE_ALT = "|".join(_ARTICLES)
_LEADING_ARTICLE = re.compile(rf"^(?:{_ARTICLE_ALT}) (?=\S)")
_TRAILING_ARTICLE = re.compile(rf"^(?P<rest>.+), (?P<art>{_ARTICLE_ALT})$", re.I)


# Cyrillic and Greek letters drawn like a Latin one (from Unicode's confusables), by case:
# an upper-case Cyrillic 'В' looks like 'B', its lower-case 'в' like no Latin letter.
_LATIN_LOOKALIKES = {
    **dict(zip("АВЕЅІЈКМНОРСТУХҮҺԚԜӀ", "ABESIJKMHOPCTYXYHQWI", strict=True)),
    **dict(zip("аеорсухѕіјһԁԛԝӏүѵ", "aeopcyxsijhdqwlyv", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    **dict(zip("οινακρυγχ", "oivakpuyx", strict=True)),
}


def _lookalikes_of_latin(first: str, last: str) -> dict[str, str]:
    """Latin letter -> its look-alike in the script of code points first..last."""
    table: dict[str, str] = {}
    for other, latin in _LATIN_LOOKALIKES.items():
        if first <= other <= last:
            table.setdefault(latin, other)
    return table


_CYRILLIC_LOOKALIKES = _lookalikes_of_latin("\u0400", "\u052f")
_GREEK_LOOKALIKES = _lookalikes_of_latin("\u0370", "\u03ff")
# Format characters, Unicode category Cf (as of Unicode 14, Python 3.11's; a test checks):
# soft hyphen, zero-width space and joiners, bidi marks and controls, tags...
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
# A word: letters, digits and the accents that may sit on them.
_WORD = re.compile(r"[\w\u0300-\u036f]+")
_CYRILLIC_OR_GREEK = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _script(ch: str) -> str | None:
    if ch.isascii():
        return "latin" if ch.isalpha() else None
    if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
        return "latin" if ch.isalpha() else None
    if "\u0400" <= ch <= "\u052f":
        return "cyrillic"
    if "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff":
        return "greek"
    return "other" if ch.isalpha() else None


def _one_script(match: re.Match[str]) -> str:
    """A word mixing Latin with Cyrillic or Greek letters, in one script: Latin when every
    other letter has a Latin look-alike, else the other script when every Latin letter has
    a look-alike there ('журaвли' with a Latin 'a'); otherwise as it is."""
    word = match[0]
    scripts = {_script(ch) for ch in word} - {None}
    if "latin" not in scripts or not scripts & {"cyrillic", "greek"}:
        return word
    if all(_script(ch) == "latin" or ch in _LATIN_LOOKALIKES for ch in word if ch.isalpha()):
        return "".join(_LATIN_LOOKALIKES.get(ch, ch) for ch in word)
    if scripts == {"latin", "cyrillic"} or scripts == {"latin", "greek"}:
        # Only a few stray Latin letters: 'Духless' is written so on purpose.
        latin = sum(_script(ch) == "latin" for ch in word)
        table = _CYRILLIC_LOOKALIKES if "cyrillic" in scripts else _GREEK_LOOKALIKES
        if 2 * latin < len(word) and all(ch in table for ch in word if _script(ch) == "latin"):
            return "".join(table.get(ch, ch) for ch in word)
    return word


def canonical(text: str) -> str:
    """`text` as it looks: format characters (Unicode category Cf: ZWJ, ZWNJ, ZWSP, soft
    hyphen, bidi marks) removed, NFKC-normalised (fullwidth 'Ｖ' is 'V'), and each word
    mixing Latin with Cyrillic or Greek look-alikes written in one script. Case, accents
    and punctuation are kept; the keys below fold them."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", _FORMAT.sub("", text))
    if _CYRILLIC_OR_GREEK.search(text) and _LATIN_LETTER.search(text):
        text = _WORD.sub(_one_script, text)
        text = _disguised_words(text)
    return text


def _disguised_words(text: str) -> str:
    """In a title whose other words are all Latin, a word written wholly in Cyrillic or
    Greek look-alikes ('Сосо Before Chanel') is Latin in disguise: folded to Latin. A
    title with any real Cyrillic or Greek word is left as it is."""
    words = _WORD.findall(text)
    disguised = [
        w
        for w in words
        if any(_script(ch) in ("cyrillic", "greek") for ch in w)
        and all(ch in _LATIN_LOOKALIKES for ch in w if ch.isalpha())
    ]
    others = [w for w in words if w not in disguised and any(ch.isalpha() for ch in w)]
    if (
        not disguised
        or not others
        or any(_script(ch) in ("cyrillic", "greek") for w in others for ch in w)
    ):
        return text
    return _WORD.sub(
        lambda m: (
            "".join(_LATIN_LOOKALIKES.get(ch, ch) for ch in m[0]) if m[0] in disguised else m[0]
        ),
        text,
    )


def clean_cell(value: str | None) -> str:
    """Collapse every run of whitespace (the Criterion list has tabs and newlines in cells)."""
    if value is None:
        return ""
    return " ".join(value.split())


def fold(text: str) -> str:
    """Lower-case, strip diacritics and punctuation, collapse spaces.

    Letters and digits of every script are kept (a Korean or Cyrillic title folds to
    itself, lower-cased); everything else separates words. The text is made `canonical`
    first, so look-alike spellings fold alike.
    """
    return _fold(canonical(text))


def _fold(text: str) -> str:
    """`fold` of text already `canonical`."""
    if text.isascii():  # the common case: NFKD would change nothing
        text = text.replace("&", " and ").lower()
    else:
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub(" ", text).strip()


def uninvert(title: str) -> str:
    """'Matrix, The' -> 'The Matrix'; anything else unchanged."""
    match = _TRAILING_ARTICLE.match(title.strip())
    if match:
        return f"{match['art']} {match['rest']}"
    return title


def norm_title(title: str) -> str:
    """The key two spellings of one title share: folded, inversion undone, article dropped.

    A title of punctuation only ('$', '?') keys on itself, so it stays findable and never
    collides with the empty key.
    """
    title = canonical(title)
    folded = _fold(_INNER_JOINER.sub("", uninvert(title)))
    if not folded:
        return " ".join(title.split()).lower()
    stripped = _LEADING_ARTICLE.sub("", folded)
    return stripped or folded


def norm_name(name: str) -> str:
    """The key for a person's name: folded, nothing else."""
    return fold(name)


def names_compatible(a: str, b: str) -> bool:
    """True when two spellings plausibly name one person.

    Same surname and every other given name equal or abbreviated: 'Carl Th. Dreyer' and
    'Carl Theodor Dreyer' match; 'Carl Dreyer' and 'Carl Theodor Dreyer' match too (a
    dropped middle name). Transliteration variants (Tatyana/Tatiana) are the document
    importer's business, not this rule's.
    """
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb or ta[-1][0] != tb[-1][0]:
        return False
    first_a, first_b = ta[:-1], tb[:-1]
    if not first_a or not first_b:
        # A surname alone ('Dreyer') or a suffix alone ('Jr.') names nobody in particular.
        return ta == tb
    short, long_ = (first_a, first_b) if len(first_a) <= len(first_b) else (first_b, first_a)
    if not _token_matches(short[0], long_[0]):
        return False
    rest = iter(long_[1:])
    return all(any(_token_matches(tok, other) for other in rest) for tok in short[1:])


def _name_tokens(name: str) -> list[tuple[str, bool]]:
    """(folded token, was-abbreviated) pairs; 'Th.' is an abbreviation of 'th…'."""
    tokens = []
    name = re.sub(r",?\s+(?:jr|sr|ii|iii|iv)\.?$", "", name.strip(), flags=re.I)
    for raw in name.split():
        if not raw:
            continue
        abbreviated = raw.endswith(".") or len(fold(raw)) == 1
        folded = fold(raw).replace(" ", "")
        if folded:
            tokens.append((folded, abbreviated))
    return tokens


def _token_matches(a: tuple[str, bool], b: tuple[str, bool]) -> bool:
    if a[0] == b[0]:
        return True
    if a[1] and b[0].startswith(a[0]):
        return True
    return b[1] and a[0].startswith(b[0])


_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.I)


def attach_suffixes(parts: list[str]) -> list[str]:
    """Rejoin suffixes split off as names of their own: ['Roy Blount', 'Jr.'] ->
    ['Roy Blount, Jr.']."""
    names: list[str] = []
    for part in parts:
        if _SUFFIX.match(part) and names:
            names[-1] = f"{names[-1]}, {part}"
        elif part:
            names.append(part)
    return names


def split_cast(cell: str) -> list[str]:
    """A comma-separated cast list; 'Roy Blount, Jr.' stays one name, repeats go."""
    names = attach_suffixes([p.strip() for p in clean_cell(cell).split(",")])
    return list(dict.fromkeys(names))


def split_names(cell: str) -> list[str]:
    """Split a credit cell: 'A, B', 'A and B', 'A, B, and C', 'A & B' -> names.

    A suffix stays with its name: 'William Broyles, Jr.' is one person.
    """
    cell = clean_cell(cell)
    if not cell:
        return []
    parts = re.split(r",\s*|\s+and\s+|\s*&\s*", cell)
    return attach_suffixes([re.sub(r"^and\s+", "", p.strip()) for p in parts])


def split_list(cell: str) -> list[str]:
    """Split a comma-separated cell ('Drama, Romance, War'), dropping blanks and repeats."""
    seen: dict[str, None] = {}
    for part in clean_cell(cell).split(","):
        part = part.strip()
        if part and part.lower() not in {k.lower() for k in seen}:
            seen[part] = None
    return list(seen)


_TRANSLIT = (
    ("kh", "h"),
    ("ck", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("ph", "f"),
    ("w", "v"),
    ("yo", "io"),
    ("ya", "ia"),
    ("yu", "iu"),
    ("ye", "ie"),
    ("iy", "i"),
    ("yi", "i"),
    ("y", "i"),
    ("j", "i"),
    ("ii", "i"),
    ("ai", "ei"),
)


def translit_key(name: str) -> str:
    """A key on which romanisations of one name agree.

    Tatyana Samoylova / Tatiana Samoilova, Aleksey / Alexei Batalov, Vasili / Vasily
    Merkuryev and Veronica / Veronika all share a key. Used only to compare names already
    tied to the same film, never to merge strangers across the catalog.
    """
    key = fold(name).replace(" ", "")
    for old, new in _TRANSLIT:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


def same_person(a: str, b: str) -> bool:
    """Two spellings of one person's name, for names already tied to the same film:
    abbreviations ('Carl Th. Dreyer'), romanisations ('Aleksey' / 'Alexei'), near-equal."""
    if names_compatible(a, b) or translit_key(a) == translit_key(b):
        return True
    return fuzz.ratio(translit_key(a), translit_key(b)) >= 90 or fuzz.ratio(fold(a), fold(b)) >= 90


def maybe_same_person(a: str, b: str) -> bool:
    """`same_person`, or a page's looser way to write the name: family name first
    ('Kurosawa Akira'), one given name of a hyphenated pair ('Pierre Melville' for
    'Jean-Pierre Melville'). For weighing evidence only (is this page's director that
    film's?): credits are never merged on it, as the relation is not transitive."""
    if same_person(a, b):
        return True
    wa, wb = fold(a).split(), fold(b).split()
    if len(wa) >= 2 and sorted(wa) == sorted(wb):
        return True  # family name first: 'Kurosawa Akira'
    if len(wa) >= 2 and len(wb) >= 2 and wa[-1] == wb[-1] and wa[0] != wb[0]:
        # 'Pierre Melville' for 'Jean-Pierre Melville': one given name inside the other's
        ga, gb = a.split()[0].casefold().split("-"), b.split()[0].casefold().split("-")
        if (len(ga) > 1 or len(gb) > 1) and set(map(fold, ga)) & set(map(fold, gb)):
            return True
    return False


def format_money(cents: int, currency: str | None) -> str:
    """(3995, 'USD') -> '$39.95'; (580000, 'JPY') -> '¥5800.00'; unknown codes spelled out."""
    symbol = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", None: "$"}.get(currency, "")
    amount = f"{cents / 100:.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


_SENTENCE = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split prose into sentences (whitespace collapsed); good enough for reviews."""
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


_TYPED_HALF = re.compile(r"(?<=\d) ?1/2(?![\d/])")


def typed_fractions(text: str) -> str:
    """'8 1/2' as titles write it, '8½' (query text only: stored keys are unchanged)."""
    return _TYPED_HALF.sub("½", text) if "1/2" in text else text
