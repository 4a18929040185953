"""Where a page names its film: every cue a person would read, with its decorations off.

A page copied from a browser starts with the site's chrome (banner, menus, a login
link, a date line), so its first line is rarely the title. The title is where the page
says it is: a "Title:" label, a line such as "X Blu-ray Review" or "X (1957)", the HTML
title, og:title, the first heading, schema.org data, the address. Each cue is stripped
of what shops and review sites add ("Blu-ray Movie", "(Criterion Collection)[USA]",
"Blu-ray Release:", "– Criterion UHD", "4K", "[Blu-ray]", "| Site name") and kept with
how much it is trusted. Which catalog film they mean is decided in `film_match`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from bot.importers.documents.model import Page
from bot.importers.documents.scores import category_of
from bot.text import fold

# How much each kind of cue says "this is the page's film" (0-1).
LABELLED, SCHEMA, REVIEW_LINE, TITLE_YEAR, DECORATED = 1.0, 0.95, 0.9, 0.85, 0.85
H1, OG_TITLE, HTML_TITLE, URL_SLUG, EARLY_LINE = 0.8, 0.8, 0.7, 0.5, 0.45
# A feed item's own title outranks the same words read as a decorated line of its text.
ITEM_TITLE = 0.9
DETAILS_TITLE = 0.88  # a line over a row of the release's details
# A name the text repeats: from this (twice) up to the cap (many times).
MENTIONED, MENTIONED_MAX = 0.4, 0.6
# A cue this trusted (or more) may name a film the catalog lacks.
STRONG = 0.8

_YEAR = r"(?:18[89]\d|19\d\d|20\d\d)"
NAMED_ONCE = "named once"
_FORMAT = r"(?:4k\s*(?:ultra\s*hd|uhd)?(?:\s*blu[-\s]?ray)?|ultra\s*hd(?:\s*blu[-\s]?ray)?|uhd(?:\s*blu[-\s]?ray)?|blu[-\s]?ray(?:\s*disc)?|bluray|dvd|bd|hd\s*dvd|steelbook|limited\s+edition|special\s+edition|collector'?s\s+edition|standard\s+edition|dual\s+format|combo\s+pack|digital)"
_LABEL_WORDS = r"(?:the\s+)?criterion(?:\s+collection)?|arrow(?:\s+(?:video|academy|films))?|eureka(?:\s+entertainment)?|masters\s+of\s+cinema|kino\s+lorber(?:\s+studio\s+classics)?|kino\s+classics|second\s+sight|indicator|powerhouse|bfi|radiance|shout!?\s*(?:factory|select)?|scream\s+factory|twilight\s+time|vinegar\s+syndrome|severin|88\s+films|imprint|umbrella|flicker\s+alley|cohen\s+(?:media|film)|janus|a24|warner\s+archive|studiocanal|mubi|film\s+movement|grasshopper|milestone|olive\s+(?:films|signature)"
_REGION_TAG = r"(?:usa|us|uk|region\s*[abc0-9]|[abc]|france|germany|japan|australia|italy|spain)"

# 'Review' in the languages of the pages seen: 'Kritik', 'Critique', 'Recensione', ...
_REVIEW_NOUN = (
    r"(?:review|kritik|critique|recensione|rese[ñn]a|rezension|recenzja|recensie|an[aá]lisis|"
    r"cr[ií]tica)"
)
# 'Blu-ray-Test: Spectre', 'Test Blu-ray : Casque d'or', 'Test du DVD' (German, French)
_FORMAT_TEST = rf"(?:{_FORMAT}[\s-]+test|test\s+(?:du\s+|de\s+la\s+|de\s+l')?{_FORMAT})"
_REVIEW_AFTER = re.compile(
    rf"^(?P<t>.+?)\s*[-–—:|,]?\s*(?:\(?{_FORMAT}\)?\s*)?(?:\+\s*{_FORMAT}\s*)?"
    # after 'Review': nothing, a separator or bracket ('| Site', '(Criterion)') or a byline;
    # not more words ('Disc reviews button Film review button' is a menu)
    rf"(?:disc\s+|film\s+|movie\s+)?{_REVIEW_NOUN}\b(?:\s*$|\s*[-–—:|(\[)\],•·/].*$|\s+by\s.*$)",
    re.I,
)
# 'Decision to Leave Explained', 'Vertigo: Ending Explained': an essay's heading
_EXPLAINED_AFTER = re.compile(
    r"^(?P<t>.+?)(?:\s+|\s*[-–—:|,]\s*)(?:(?:the\s+)?(?:movie|film|ending|plot|story)\s+)*"
    r"explained(?:\s*$|\s*[-–—:|(\[].*$)",
    re.I,
)
# What a review heading names when it names no film: 'Crítica de cine', 'Review of the year'.
_NO_FILM_NAMED = re.compile(
    r"^(?:(?:the|la|el|le|il|der|die|das)\s+)?(?:cine|cinema|película|pelicula|film|films|"
    r"movie|movies|filme|year|week|month|ending|plot|story|semana|año|ano|mois|semaine)$",
    re.I,
)
_REVIEW_BEFORE = re.compile(
    rf"^(?:{_FORMAT_TEST}|(?:mini[- ]?)?(?:{_FORMAT}\s+)?(?:disc\s+|film\s+|movie\s+)?"
    rf"{_REVIEW_NOUN})"
    # 'Review: X', and 'Crítica de X', 'Kritik zu X', 'Recensione di X' ('von' and 'by'
    # name the critic, not the film)
    r"(?:\s*[:\-–—|]\s*|\s+(?:of|de|del|du|di|zu)\s+)(?P<t>.+?)(?:\s+by\s+[A-Z].*)?$",
    re.I,
)
_RELEASE_BEFORE = re.compile(
    rf"^(?:{_FORMAT}\s+)?(?:release|releases|details|detail|listing|new\s+release)\s*[:\-–—]\s*(?P<t>.+)$",
    re.I,
)
# 'Moonrise Kingdom Blu-ray Announced', 'Heat 4K UHD Release Date Set'
_RELEASE_AFTER = re.compile(
    rf"^(?P<t>.+?)\s*[-–—:|,]?\s*(?:{_FORMAT}\s*)+(?:(?:release\s+)?(?:announced|detailed|"
    r"dated|revealed|confirmed|coming|arrives|incoming)|release\s+date(?:\s+(?:set|announced|"
    r"revealed|confirmed))?|details(?:\s+announced)?|release|giveaway)\b.*$",
    re.I,
)
# '61. May 22, 2010 - Vertigo (1958)': a diary's number and date before the title.
_LEADING_DATE = re.compile(
    r"^(?:\d{1,4}[.)]\s+)?(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s+)?"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d\d-\d\d)\s*[-–—:|]\s+(?=\S)",
    re.I,
)
# 'Arrival, 2016, dir. Denis Villeneuve': the makers after the title.
_MAKERS_AFTER = re.compile(
    r"\s*(?:,|\s[-–—|])\s*(?i:dir(?:ected)?\.?\s*(?:by\s+)?|directed\s+by\s+|d\.\s*)"
    r"[A-Z][^,()\[\]]{2,60}$"
)
# 'Upcoming Return of the Living Dead UK Blu-ray', 'Coming soon: Heat'.
_LEADING_NEWS = re.compile(
    r"^(?:upcoming|forthcoming|coming\s+soon\s*[:\-–—]|out\s+now\s*[:\-–—]|"
    r"new\s*[:\-–—]|pre-?orders?\s*[:\-–—]|now\s+available\s*[:\-–—])\s*",
    re.I,
)
# The parts of a row of a release's details, by kind: a year, a running time, a date, a
# rating (a bare number is a page number, not a certificate).
_DETAIL_KINDS = (
    re.compile(rf"^{_YEAR}$"),
    re.compile(r"^\d{2,3}\s*min(?:s|utes)?\.?$", re.I),
    re.compile(
        rf"^(?:[a-z]{{3,9}}\.?\s+\d{{1,2}},?\s+{_YEAR}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})$", re.I
    ),
    re.compile(
        r"^(?:rated\s+\S{1,6}|cert\.?\s+\S{1,4}|pg|pg-13|r|nc-17|nr|not rated|unrated)$", re.I
    ),
)


def _details_row(line: str) -> bool:
    """'The Criterion Collection // R // June 23, 2020', 'Universal | 1958 | 128 min |
    Rated PG': three or more parts split by '//' or '|', two kinds of detail among them
    (a year, a running time, a date, a rating); a row of links, page numbers
    ('1 | 2 | 12 | Next') or years ('2023 | 2022 | 2021') is not."""
    parts = [p.strip() for p in re.split(r"\s(?://|\|)\s", line)]
    if len(parts) < 3:
        return False
    kinds = {i for p in parts for i, rx in enumerate(_DETAIL_KINDS) if rx.match(p)}
    return len(kinds) >= 2


_TITLE_WITH_YEAR = re.compile(rf"^(?P<t>.{{1,120}}?)\s*[(\[](?P<y>{_YEAR})[)\]](?P<rest>.*)$")
# 'Come And See, 1985', 'Stalker - 1979'; a date after the title ('Stalker 08/19/17').
_TRAILING_YEAR = re.compile(rf"^(?P<t>.*[^\d\s,–—-])\s*(?:,|\s[-–—])\s*(?P<y>{_YEAR})$")
_TRAILING_DATE = re.compile(r"\s+\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_BRACKETS = re.compile(r"\s*[(\[][^()\[\]]{0,60}[)\]]\s*")
_SPINE = re.compile(r"\s*[(\[]?\s*#\s*\d{1,4}\s*[)\]]?")
_TRAILING_FORMAT = re.compile(
    rf"(?:\s*[-–—:|/+]?\s*(?:\b{_FORMAT}\b|\b{_LABEL_WORDS}\b|\bmovie\b|\bedition\b|\bcollection\b|\bset\b))+\s*$",
    re.I,
)
_LEADING_FORMAT = re.compile(rf"^(?:{_FORMAT}|{_LABEL_WORDS})\s*[:\-–—|]\s*", re.I)
_SITE_SUFFIX = re.compile(r"\s+(?:[|·•»]|[-–—]\s)\s*[^|·•»]{2,60}$")
REVIEW_WORD = re.compile(rf"\b(?:review(?:ed|s)?|{_REVIEW_NOUN})\b|{_FORMAT_TEST}\b", re.I)
_WORDS = re.compile(r"[^\W\d_]+", re.U)

# Lines that are page chrome, never a title: menus, account links, share buttons,
# dates, bylines, breadcrumbs, headings of a review's own sections.
_CHROME_WORDS = {
    "home",
    "homepage",
    "reviews",
    "review",
    "news",
    "forum",
    "forums",
    "blog",
    "blogs",
    "login",
    "log in",
    "sign in",
    "sign up",
    "register",
    "logout",
    "search",
    "menu",
    "subscribe",
    "share",
    "tweet",
    "facebook",
    "twitter",
    "email",
    "print",
    "contact",
    "contact us",
    "about",
    "about us",
    "advertise",
    "privacy",
    "privacy policy",
    "terms",
    "cookies",
    "skip to content",
    "skip to main content",
    "main menu",
    "navigation",
    "shop",
    "store",
    "cart",
    "basket",
    "my account",
    "account",
    "wishlist",
    "newsletter",
    "categories",
    "archives",
    "tags",
    "rss",
    "next",
    "previous",
    "back",
    "more",
    "read more",
    "more details",
    "details",
    "comments",
    "leave a comment",
    "leave a reply",
    "related",
    "related posts",
    "popular",
    "latest",
    "new releases",
    "coming soon",
    "pre-orders",
    "preorders",
    "deals",
    "sale",
    "top",
    "features",
    "specs",
    "specifications",
    "overview",
    "synopsis",
    "the film",
    "the movie",
    "film",
    "movie",
    "video",
    "audio",
    "picture",
    "sound",
    "extras",
    "supplements",
    "special features",
    "bonus features",
    "final thoughts",
    "conclusion",
    "verdict",
    "summary",
    "the bottom line",
    "bottom line",
    "overall",
    "rating",
    "ratings",
    "score",
    "scores",
    "cast",
    "crew",
    "cast & crew",
    "trailer",
    "trailers",
    "photos",
    "gallery",
    "screenshots",
    "screen captures",
    "price",
    "prices",
    "buy",
    "buy now",
    "add to cart",
    "add to basket",
    "in stock",
    "out of stock",
    "pre-order",
    "preorder",
    "quantity",
    "qty",
    "description",
    "product details",
    "technical specs",
    "technical specifications",
    "disc details",
    "release details",
    "releases details",
    "releases",
    "release",
    "new",
    "upcoming",
    "upcoming releases",
    "all reviews",
    "latest reviews",
    "blu-ray",
    "dvd",
    "4k",
    "4k uhd",
    "uhd",
    "movies",
    "films",
    "tv",
    "music",
    "games",
    "help",
    "faq",
    "sitemap",
    "advanced search",
    "go",
    "ok",
    "close",
    "accept",
    "reject",
    "english",
    "all",
    "view all",
    "see all",
    "show more",
    "load more",
    "sort by",
    "filter",
}
_CHROME = re.compile(
    r"^(?:posted|published|written|updated|by|filed under|categories|category|tags?|"
    r"posts? tagged|archives?|spine|vital disc stats|no comments|post a comment|"
    r"\d+\s+comments?|date\s+\d{4}-\d\d-\d\d|"
    r"share|follow|like|reviewed by|review by|author|staff|home\s*[»>/|›]|you are here|"
    r"copyright|©|all rights|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s)",
    re.I,
)
_SPEC_LINE = re.compile(
    r"^\s*(?:[•\-*·▪]\s*)?(?:region|aspect|audio|video|subtitles?|runtime|running time|"
    r"length|rated|rating|format|codec|resolution|discs?|studio|label|distributor|price|"
    r"list price|sale price|msrp|release date|street date|upc|catalog|sku|director|directed|"
    r"starring|cast|genre|country|language|year|spine|edition|theatrical|approximate|sound|"
    r"writers?|screenplay|music|producers?|original\s+title|released|written)\b",
    re.I,
)
_SITE_NAME = re.compile(
    r"(?:\.(?:com|net|org|co\.uk|uk|de|fr|au|ca|io|blog)\b|\bblog\b|\bforums?\b|\bdigest\b|"
    r"\bdvd\s*talk\b|\bbeaver\b|\bsavant\b)",
    re.I,
)


@dataclass(frozen=True)
class TitleCue:
    """One place the page names a film: the cleaned title, a year printed with it, the
    kind of cue, how much it is trusted, and the line it came from."""

    title: str
    year: int | None
    cue: str
    weight: float
    source: str

    @property
    def strong(self) -> bool:
        return self.weight >= STRONG


def is_chrome(line: str) -> bool:
    """A menu item, account link, share button, date line, byline or a section heading."""
    text = " ".join(line.split()).strip(" :|•·»›>-–—*")
    if not text:
        return True
    lowered = text.lower()
    if lowered in _CHROME_WORDS:
        return True
    bare = " ".join(re.sub(rf"\b{_FORMAT}\b", " ", lowered, flags=re.I).split())
    if bare != lowered and (not bare or bare in _CHROME_WORDS):
        return True  # '4K Blu-ray Releases Details', 'Blu-ray Reviews'

    if _CHROME.match(text):
        return True
    labels = [w for w in re.split(r"\s*[:|/]\s*|\s{2,}", text) if w]
    if len(labels) >= 2 and all(category_of(w) for w in labels):
        return True  # a score block's labels without values: 'Movie: Picture: Sound:'
    pieces = [p.strip().lower() for p in re.split(r"\s*[|•·»›/]\s*|\s{2,}", text) if p.strip()]
    if len(pieces) >= 3 and sum(p in _CHROME_WORDS for p in pieces) >= len(pieces) // 2 + 1:
        return True  # a menu row: 'Home | Reviews | Forums | Login'
    if len(re.findall(r"\s[|•·»›]\s", text)) >= 3:
        return True  # four or more items in a row: a menu, not a title
    return not _WORDS.search(text)


def clean_title(text: str) -> tuple[str, int | None]:
    """A cue's text with shop and site decorations off, and a year printed with it.

    'Seven Samurai (#2) (Criterion Collection)[USA]' -> ('Seven Samurai', None)
    'Citizen Kane (1941) BluRay' -> ('Citizen Kane', 1941)
    'Blu-ray Release: Stalker' -> ('Stalker', None)
    """
    # German and Polish quotes open low („Wyspa psów”, „Das Erwachen der Macht“)
    title = " ".join(text.replace("„", "“").split()).strip(" \"“”'‘’«»")
    title = re.sub(r"^(?:[•·▪‣◦*>»›-]\s*)+", "", title)
    year = None
    for _ in range(4):
        before = title
        title = _LEADING_DATE.sub("", title)
        # an original title in Japanese corner brackets: '"Drive My Car" 「ドライブ・マイ・カー」'
        title = re.sub(r"\s*[「『][^」』]{1,60}[」』]\s*", " ", title).strip() or title
        if title.count('"') % 2 or title.count("“") != title.count("”"):
            title = title.replace('"', "").replace("“", "").replace("”", "")
        title = _LEADING_NEWS.sub("", title) or title
        title = _MAKERS_AFTER.sub("", title)
        # a market before the format, in capitals: 'Return of the Living Dead UK Blu-ray'
        # (never the end of 'All of Us Blu-ray')
        title = re.sub(
            rf"(?<=\S)\s+(?:UK|USA|US|[Rr]egion\s*[ABC0-9])(?=\s+(?i:{_FORMAT})\b)", "", title
        )
        title = _SITE_SUFFIX.sub("", title) if len(title) > 12 else title
        # 'Blu-ray Review HTF BLU-RAY REVIEW: Seven Samurai': a site's own words, then
        # "Review:" and the title
        match = re.match(r"^(?P<p>.*\breview\b.*?)\breview\s*:\s*(?P<t>\S.*)$", title, re.I)
        if match:
            title = match["t"]
        match = _REVIEW_BEFORE.match(title) or _RELEASE_BEFORE.match(title)
        if match and not _NO_FILM_NAMED.match(match["t"].strip()):
            title = match["t"]
        match = _RELEASE_AFTER.match(title)
        if match and match["t"].strip():
            title = match["t"]
        match = _REVIEW_AFTER.match(title) or _EXPLAINED_AFTER.match(title)
        if match and len(match["t"]) >= 1 and not _NO_FILM_NAMED.match(match["t"].strip()):
            title = match["t"]
        match = _TRAILING_YEAR.match(title)
        if match:
            year = year or int(match["y"])
            title = match["t"]
        title = _TRAILING_DATE.sub("", title)
        match = _TITLE_WITH_YEAR.match(title)
        if match and match["t"].strip():
            year = year or int(match["y"])
            title = match["t"]
        title = _SPINE.sub(" ", title)
        title = _LEADING_FORMAT.sub("", title)
        # Brackets holding only decorations go; '(Ladri di biciclette)' may stay as an alias
        # cue but not in the title.
        title = _BRACKETS.sub(" ", title) if _BRACKETS.search(title) else title
        title = _TRAILING_FORMAT.sub("", title)
        title = " ".join(title.split()).strip(" :-–—|/,\"“”'")
        if title == before:
            break
    return title, year


def _plausible(title: str, year: int | None) -> bool:
    if re.fullmatch(r"\d{2,4}", title or ""):
        return year is not None  # '1917 (2019)', '2046 (2004)': a number alone is no title
    if not title or len(title) > 120 or not _WORDS.search(title):
        return False
    if re.search(r"(?:^|\s)(?:the|a|an|of|and|for|on|from|with|to|in|&)$", title, re.I):
        return False  # cut short: 'Vital Disc Stats: The', '... Battle Royale for'
    if re.search(r"[‘“(\[]$", title) or re.search(r"\s(?:aka|a\.k\.a\.?)\s", title, re.I):
        return False  # 'Harakiri AKA Seppuku' is two names: each is a variant
    if is_chrome(title):
        return False
    if re.search(r"[★☆✩✪✫✬✭✮✯✰]", title):
        return False  # a grade: 'Crítica: ★★★★ Público: ★★★½'
    if re.fullmatch(r"(?:\S+\s+)?\S+['’]s", title):
        return False  # a site's owner: "Bry's DVD Review", "Glenn's Reviews"
    if _SITE_NAME.search(title) and len(title.split()) <= 4:
        return False  # a site banner: 'DVD Talk', 'Blu-ray.com'
    return len(title.split()) <= 16


_POSSESSIVE = re.compile(r"^(?:[A-Z][\w.\-]*\s+){0,2}[A-Z][\w.\-]*['’]s\s+(?P<t>.+)$")
# A name in quotes: “…”, "…", ‘…’ or '…' (an apostrophe inside a word, as in
# ‘Don’t’, does not close it).
_QUOTED = re.compile(
    r"“(?P<a>[^”\n]{2,80})”|(?<!\w)\"(?P<b>[^\"\n]{2,80})\"|"
    r"(?<!\w)[‘'](?P<c>[^\n]{2,80}?)[’'](?!\w)|"
    # „German“, „Polish”, «French», »German«
    r"„(?P<d>[^“”\n]{2,80})[“”]|«\s?(?P<e>[^»\n]{2,80}?)\s?»|»(?P<f>[^«\n]{2,80})«"
)


def _quoted_text(match: re.Match[str]) -> str:
    return next((match[g] for g in "abcdef" if match[g]), "")


def _variants(title: str) -> list[str]:
    """Shorter readings of a cleaned title a headline may hide the film's title in:
    'Blind Spot: Come and See' -> 'Come and See'; 'Ingmar Bergman's Persona' ->
    'Persona'; 'Hitchcock's “Vertigo”' -> 'Vertigo'."""
    found: list[str] = []
    aka = re.split(r"\s+(?:aka|a\.k\.a\.?)\s+", title, flags=re.I)
    if len(aka) > 1:
        found.extend(aka)
    for quoted in _QUOTED.finditer(title):
        found.append(_quoted_text(quoted).strip(" ,.:"))
    # 'Children of Men / Menneskenes Barn', 'The General * Clyde Bruckman & Buster
    # Keaton': a second name, or the makers, after a separator.
    halves = re.split(r"\s+[/*|•·]\s+", title)
    if len(halves) == 2:
        found.extend(halves)
    if ":" in title or re.search(r"\.\s", title):
        found.append(re.split(r"\s*:\s*|\.\s+", title)[-1])
        found.append(re.split(r"\s*:\s*", title)[0])
    match = _POSSESSIVE.match(title)
    if match:
        found.append(match["t"])
    out = []
    for variant in found:
        variant, _ = clean_title(variant)
        if variant and variant != title and variant not in out:
            out.append(variant)
    return out


def _add(cues: list[TitleCue], text: str | None, cue: str, weight: float) -> None:
    if not text:
        return
    title, year = clean_title(text)
    source = " ".join(text.split())[:200]
    if _plausible(title, year):
        cues.append(TitleCue(title, year, cue, weight, source))
    # A variant is read as the same kind of cue, trusted a little less.
    halves = re.split(r"\s+/\s+", title)
    for variant in _variants(title):
        if _plausible(variant, year):
            # Either name of 'Children of Men / Menneskenes Barn' is the title as much.
            less = 0.0 if len(halves) == 2 and variant in halves else 0.05
            cues.append(TitleCue(variant, year, cue, weight - less, source))


def _slug_title(url: str | None) -> str | None:
    if not url:
        return None
    path = unquote(urlsplit(url).path).rstrip("/")
    slug = path.rsplit("/", 1)[-1]
    slug = re.sub(r"\.(?:html?|php|aspx?)$", "", slug, flags=re.I)
    slug = re.sub(r"^\d+[-_]|[-_]\d{3,}$", "", slug)  # ids around the words
    words = [w for w in re.split(r"[-_+]+", slug) if w]
    if len(words) < 1 or all(w.isdigit() for w in words):
        return None
    return " ".join(words)


_SLUG_LINE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+){2,}(?:\.(?:jpe?g|png|webp|gif))?$")
# What a CMS adds to an image's name (its size, crop and copy marks) and what names the
# picture rather than the film ('poster', 'blu-ray cover').
_SLUG_NOISE = re.compile(
    r"^(?:\d{2,4}x\d{2,4}|c|default|scaled|min|crop|copy|e\d{6,}|poster|cover|still|stills|"
    r"banner|header|featured|feature|thumbnail|thumb|hero|image|pic|photo|artwork|art|front|"
    r"back|box|packshot|bluray|blu|ray|dvd|4k|uhd|review|screenshot|frame|jpe?g|png|webp)$"
)
# Words of a site's buttons and links, never of an image named for a film.
_SLUG_CHROME = frozenset(
    ["top", "content", "cart", "basket", "share", "facebook", "twitter", "instagram",
     "posted", "admin", "menu", "login", "search", "comment", "comments", "reply",
     "subscribe", "newsletter", "logo", "icon", "avatar"]
)  # fmt: skip


# A year later than this in a file name is a title's number ('blade-runner-2049').
_LATEST_YEAR = 2030
_CAMERA_FILE = re.compile(r"^(?:img|dsc|dscn|pxl|image|photo|screenshot|screen-shot)[-_\d]", re.I)


def _image_slug(line: str) -> str | None:
    """An image file name's words as a title, with the year that ends it in brackets
    ('rome-open-city-1945-700x987' -> 'rome open city (1945)'); None for other lines."""
    if not _SLUG_LINE.match(line) or _CAMERA_FILE.search(line):
        return None
    words = re.split(r"[-_]", re.sub(r"\.\w+$", "", line))

    def drop_noise() -> None:
        while words and _SLUG_NOISE.match(words[-1]):
            words.pop()

    drop_noise()
    # the year ends the name ('rome-open-city-1945'); a number inside is the title's own
    # ('blade-runner-2049')
    year = None
    if len(words) >= 2 and re.fullmatch(_YEAR, words[-1]) and int(words[-1]) <= _LATEST_YEAR:
        year = words.pop()
        drop_noise()
    if _SLUG_CHROME & set(words):
        return None
    lettered = [w for w in words if re.search(r"[a-z]", w)]
    if len(lettered) < (1 if year else 2) or len(lettered) < len(words) - 1:
        return None  # a date, a single word, a numbered file
    return " ".join(words) + (f" ({year})" if year else "")


def _schema_names(page: Page) -> list[tuple[str, float]]:
    names = []
    for item in page.cues.schema:
        kind = str(item.get("@type", "")).lower()
        if "movie" in kind or "film" in kind:
            names.append((str(item.get("name") or ""), SCHEMA))
        reviewed = item.get("itemReviewed")
        if isinstance(reviewed, dict) and reviewed.get("name"):
            names.append((str(reviewed["name"]), SCHEMA))
        if "product" in kind and item.get("name"):
            names.append((str(item["name"]), DECORATED))
    return [(n, w) for n, w in names if n]


_CONNECTOR = (
    r"(?:of|the|and|a|an|in|on|to|for|at|with|from|de|la|le|les|du|des|del|di|von|van|vs\.?|&)"
)
# A run of capitalised words on one line ('Shaun of the Dead'); an opening quote may
# precede it, an apostrophe inside a word may not ('O’Brien' is not 'Brien').
# A number counts as a word of a name only whole: 'The Keep in 4K' is The Keep.
_CAP_RUN = re.compile(
    rf"(?<!\w)(?<!\w['’])(?:[A-Z][\w'’.\-]*|\d{{1,4}}(?!\w))"
    rf"(?:[ \t]+(?:{_CONNECTOR}[ \t]+)*(?:[A-Z][\w'’\-]*|\d{{1,4}}(?!\w)))*"
)
_CAPS_RUN = re.compile(r"(?<!\w)(?<!\w['’])[A-Z][A-Z'’\-]+(?:[ \t]+[A-Z][A-Z'’\-]*)*(?![\w'’])")


_NOT_TITLES = {
    # words a sentence opens with: a page that starts 'What a pairing' is not about 'What?'
    "what",
    "who",
    "why",
    "how",
    "where",
    "here",
    "so",
    "yes",
    "no",
    "one",
    "my",
    "our",
    "your",
    "after",
    "before",
    "for",
    "with",
    "from",
    "of",
    "at",
    "by",
    "to",
    "not",
    "even",
    "still",
    "now",
    "then",
    "once",
    "these",
    "those",
    "all",
    "some",
    "many",
    "few",
    "the",
    "a",
    "an",
    "i",
    "it",
    "this",
    "that",
    "he",
    "she",
    "they",
    "we",
    "you",
    "but",
    "and",
    "in",
    "on",
    "as",
    "if",
    "when",
    "while",
    "there",
    "his",
    "her",
    "its",
    "their",
    "blu-ray",
    "dvd",
    "uhd",
    "4k",
    "criterion",
    "review",
    "film",
    "movie",
    "amazon",
    "hollywood",
    "america",
    "american",
    "english",
    "french",
    "german",
    "japanese",
}


def mentioned_titles(
    lines: list[str], limit: int = 4, *, at_least: int = 2
) -> list[tuple[str, int]]:
    """Names the page's text keeps coming back to, as a person skimming it would notice
    them: capitalised runs ('Casablanca', 'Shaun of the Dead'), runs in capitals ('SLING
    BLADE') and quoted names, at least twice. The film a cut or title-less page is about
    is usually among them; `film_match` still wants the page to confirm it."""
    counts: dict[str, int] = {}
    spelled: dict[str, str] = {}
    text = "\n".join(line for line in lines if line)
    opens_on_a_name = bool(text) and not is_chrome(text.split("\n", 1)[0])
    for match in _CAP_RUN.finditer(text):
        if match.start() == 0 and opens_on_a_name:
            # A cut page that opens on a name ('Seven Samurai appears in ...'): the
            # first words of the page count as a mention more.
            key = fold(re.sub(r"['’]s$", "", match.group().strip(" .’'-")))
            counts[key] = counts.get(key, 0) + 1
        phrase = match.group().strip(" .’'-")
        # 'Rupert Julian's The Phantom of the Opera on Blu-ray': the owner and the
        # format are not part of the name
        phrase = re.sub(r"^(?:[A-Z][\w.\-]*\s+){0,3}[A-Z][\w.\-]*['’]s\s+(?=[A-Z0-9])", "", phrase)
        phrase = re.sub(
            rf"\s+(?:on|in|at|for|from|to)\s+(?:{_FORMAT})\b.*$", "", phrase, flags=re.I
        )
        phrase = re.sub(r"['’]s$", "", phrase)
        key = fold(phrase)
        if not key or key in _NOT_TITLES or len(key) < 3 or key.isdigit():
            continue
        if re.fullmatch(r"\w+['’](?:ve|m|ll|d|re|t)", phrase, re.I):
            continue  # "I’ve", "Don't": a contraction, not a name
        counts[key] = counts.get(key, 0) + 1
        spelled.setdefault(key, phrase)
    for match in _CAPS_RUN.finditer(text):
        phrase = match.group()
        if len(phrase) < 4 or len(phrase.split()) > 8:
            continue
        key = fold(phrase)
        if key in _NOT_TITLES or re.fullmatch(r"[a-z]{1,3}", key):
            continue
        counts[key] = counts.get(key, 0) + 2  # set in capitals: the page's way to name it
        spelled.setdefault(key, phrase.title())
    for match in _QUOTED.finditer(text):
        # A name in quotes is how prose marks a title ('“Sunset Boulevard” heads to
        # Blu-ray'): it counts on its own, when it reads like a title.
        phrase = _quoted_text(match).strip(" ,.:;!?")
        key = fold(phrase)
        if (
            not key
            or key in _NOT_TITLES
            or len(phrase.split()) > 8
            or not phrase[:1].isupper()
            or phrase.endswith("!")
        ):
            continue
        counts[key] = counts.get(key, 0) + 1
        spelled.setdefault(key, phrase)
    ranked = sorted(
        (
            (spelled[k], n)
            for k, n in counts.items()
            if n >= at_least and k in spelled and not is_chrome(spelled[k])
        ),
        key=lambda item: (-item[1], -len(item[0])),
    )
    return ranked[:limit]


def _dated_mention(phrase: str, text: str) -> int | None:
    """The year the page prints in brackets right after a name, alone or after another
    name of it ('Drive My Car (ドライブ・マイ・カー, 2021)'), when it prints only one."""
    years = {
        int(m["y"])
        for m in re.finditer(
            rf"(?<!\w){re.escape(phrase)}[ \t]*\((?:[^()\n]{{1,60}}?,[ \t]*)?(?P<y>{_YEAR})\)",
            text,
        )
    }
    return years.pop() if len(years) == 1 else None


def title_cues(page: Page, lines: list[str], labelled: list[str] | None = None) -> list[TitleCue]:
    """Every cue, most trusted first (ties keep page order)."""
    cues: list[TitleCue] = []
    for value in labelled or []:
        _add(cues, value, "label", LABELLED)
    for name, weight in _schema_names(page):
        _add(cues, name, "schema", weight)
    _add(cues, page.cues.item_title, "item title", ITEM_TITLE)
    _add(cues, page.cues.og_title, "og:title", OG_TITLE)
    _add(cues, page.cues.h1, "h1", H1)
    _add(cues, page.cues.html_title, "html title", HTML_TITLE)
    seen_text = 0
    for index, raw in enumerate(lines):
        line = " ".join(raw.split())
        if not line:
            continue
        seen_text += 1
        if len(line) > 160:
            continue
        is_review = bool(_REVIEW_AFTER.match(line) or _REVIEW_BEFORE.match(line))
        if is_review and REVIEW_WORD.search(line) and not line.endswith((".", "?", "!")):
            _add(cues, line, "review line", REVIEW_LINE)
            continue
        explained = _EXPLAINED_AFTER.match(line)
        if (
            seen_text <= 5
            and explained
            and not _NO_FILM_NAMED.match(explained["t"].strip())
            and not line.endswith((".", "?", "!"))
        ):
            _add(cues, line, "review line", REVIEW_LINE)
            continue
        nxt = next((x.strip() for x in lines[index + 1 : index + 3] if x.strip()), "")
        if re.fullmatch(r"(?:\(?\s*(?:4k\s*)?(?:uhd|blu-?ray|dvd)\s*\)?\s*)?review", nxt, re.I):
            _add(cues, line, "review line", REVIEW_LINE)
            continue
        if (
            len(line) <= 100
            and not line.endswith((".", "?", "!", ":"))
            and _details_row(nxt)
            and not _details_row(line)
            and not re.search(r"[»›]|\d{1,2}:\d\d|\b\d{4}\b", line)
            and not is_chrome(line)
        ):
            # 'Portrait of a Lady on Fire' over 'The Criterion Collection // R // June 23,
            # 2020', a title over 'Universal | 1958 | 128 min | Rated PG'
            _add(cues, line, "title over details", DETAILS_TITLE)
            continue
        image = _image_slug(line)
        if image:
            # 'rome-open-city-1945-700x987': an image's file name, as the page shows it
            _add(cues, image, "address", URL_SLUG)
            continue
        match = _TITLE_WITH_YEAR.match(line)
        short_enough = not line.endswith((".", "?", "!")) or len(line) < 60
        if match and len(match["t"]) <= 100 and len(match["rest"]) <= 60 and short_enough:
            _add(cues, line, "title (year)", TITLE_YEAR)
            continue
        decorated = bool(
            _LEADING_FORMAT.match(line) or _TRAILING_FORMAT.search(line) or _SPINE.search(line)
        )
        if (
            decorated
            and len(line) <= 100
            and not line.endswith((".", "?", "!"))
            and seen_text <= 40
        ):
            _add(cues, line, "decorated title", DECORATED)
            continue
        if (
            seen_text <= 30
            and len(line) <= 80
            and not _SPEC_LINE.match(line)
            and not line.endswith((".", "?", "!", ",", ";"))
            and not is_chrome(line)
        ):
            weight = max(0.2, EARLY_LINE - 0.01 * seen_text)
            _add(cues, line, "early line", weight)
    _add(cues, _slug_title(page.cues.url), "address", URL_SLUG)
    text = "\n".join(lines)
    for phrase, count in mentioned_titles(lines):
        weight = min(MENTIONED_MAX, MENTIONED + 0.06 * (count - 2))
        # 'Drive My Car (ドライブ・マイ・カー, 2021)': the page dates the name it repeats
        _add(cues, phrase, "mentioned", weight)
        dated = _dated_mention(phrase, text)
        if dated:
            _add(cues, f"{phrase} ({dated})", "mentioned", weight)
    if not cues:
        # A cut page with no title anywhere: every name it uses once is a lead, and
        # film_match takes one only when the film's director and cast are named too.
        for phrase, _count in mentioned_titles(lines, limit=12, at_least=1):
            _add(cues, phrase, NAMED_ONCE, MENTIONED * 0.75)
    # One entry per (title, year): the most trusted cue for it.
    best: dict[tuple[str, int | None], TitleCue] = {}
    order: list[tuple[str, int | None]] = []
    for cue in cues:
        key = (fold(cue.title), cue.year)
        if key not in best:
            order.append(key)
            best[key] = cue
        elif cue.weight > best[key].weight:
            # A line that names it keeps its kind; the text repeating it adds trust.
            kept = best[key] if cue.cue == "mentioned" else cue
            best[key] = replace(kept, weight=cue.weight)
    ranked = [best[k] for k in order]
    ranked.sort(key=lambda c: -c.weight)
    return ranked
