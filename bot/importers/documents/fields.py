"""Parsers for the small values real review and retail pages print in many spellings.

Each returns None when the text holds no such value; none of them raises on odd input.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from dateutil import parser as dateparser

log = logging.getLogger(__name__)

# --- scores ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    value: float
    scale_max: float
    raw: str


_LETTERS = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0, "E": 0.0, "F": 0.0}
_SCORE_OF = re.compile(
    r"(?<![\d.])(?P<v>\d{1,3}(?:[.,]\d+)?)\s*(?:/|out\s+of|of)\s*(?P<m>\d{1,3}(?:[.,]\d+)?)(?![\d.])",
    re.I,
)
_STARS_WORD = re.compile(r"(?<![\d.])(?P<v>\d(?:[.,]5)?)\s*(?:½\s*)?stars?\b", re.I)
_STAR_GLYPHS = re.compile(r"(?P<full>[★*]{1,10})(?P<half>½)?(?P<empty>[☆]{0,10})")
# A letter grade ends the text: 'B+', 'Grade: A-', 'Picture: C'.
_LETTER = re.compile(
    r"(?:^|:\s*|\b(?:grade|rating|score|picture|video|audio|sound|extras|film|movie|overall)\s+)"
    r"(?P<g>[A-F])(?P<mod>[+\-−]?)\s*$",
    re.I,
)


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def parse_score(text: str) -> Score | None:
    """'8/10', '4.5/5', '4.5 of 5', '3 out of 4', 'B+', '★★★★☆', '4 stars', '3½ stars'."""
    raw = " ".join(text.split())
    match = _SCORE_OF.search(raw)
    if match:
        value, scale = _num(match["v"]), _num(match["m"])
        if 0 < scale <= 100 and 0 <= value <= scale:
            return Score(value, scale, match.group(0))
    match = _STARS_WORD.search(raw)
    if match:
        value = _num(match["v"]) + (0.5 if "½" in match.group(0) else 0.0)
        if value <= 5:
            return Score(value, 5.0, match.group(0))
    match = _STAR_GLYPHS.search(raw)
    if match and ("★" in match.group(0) or "☆" in match.group(0) or len(match["full"]) <= 5):
        full = len(match["full"])
        value = full + (0.5 if match["half"] else 0.0)
        scale = float(max(5, full + (1 if match["half"] else 0) + len(match["empty"])))
        if value <= scale <= 10:
            return Score(value, scale, match.group(0))
    match = _LETTER.search(raw)
    if match:
        base = _LETTERS[match["g"].upper()]
        mod = match["mod"]
        value = base + (0.33 if mod == "+" else -0.33 if mod in "-−" and mod else 0.0)
        value = min(max(value, 0.0), 4.33)
        return Score(round(value, 2), 4.33, match.group(0).strip(" :"))
    return None


# --- runtimes --------------------------------------------------------------------------

_HMS = re.compile(
    r"(?P<h>\d{1,2})\s*h\s*:?\s*(?P<m>\d{1,2})\s*m(?:\s*:?\s*(?P<s>\d{1,2})\s*s)?", re.I
)
# Hours and minutes in the words of the pages seen: English, German (Std., Stunde,
# Minuten), Spanish and Portuguese (hora, minutos), French (heure), Italian (ora, minuti),
# Polish (godz., minut).
_HOUR_WORD = r"(?:hours?|hrs?|h|std|stunden?|horas?|heures?|ore|ora|godz(?:in[ay]?)?)"
_MINUTE_WORD = r"(?:minutes?|mins?|m|minuten|minutos?|minuti|minut[ay]?)"
_H_M_WORDS = re.compile(
    rf"(?P<h>\d{{1,2}})\s*{_HOUR_WORD}\.?\s*,?\s*(?:(?:and|und|y|e|et|i)\s+)?(?P<m>\d{{1,2}})?"
    rf"\s*{_MINUTE_WORD}?\.?(?!\w)",
    re.I,
)
# '95 min.', '102 Minuten', "120'" (the minutes mark of Italian and Spanish sheets)
_MINUTES = re.compile(
    rf"(?P<m>\d{{1,4}})(?:[.,]\d+)?\s*[- ]?\s*(?:{_MINUTE_WORD}\b\.?|[′'](?!\w))", re.I
)
_CLOCK = re.compile(r"\b(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\b")


def parse_runtime(text: str) -> int | None:
    """Minutes from '95 min.', 'Length:96 Minutes', '1 h 37 min', '1hr 43', '2 Hr. 21 Min.',
    '02h:21m:09s', '2:21:09'. Seconds are dropped, not rounded, as sites print them."""
    raw = " ".join(text.split())
    for pattern in (_HMS, _H_M_WORDS):
        match = pattern.search(raw)
        if match and match["h"] is not None:
            hours = int(match["h"])
            minutes = int(match["m"] or 0)
            if hours <= 15 and minutes < 60 and (hours or minutes):
                return hours * 60 + minutes
    match = _CLOCK.search(raw)
    if match and int(match["m"]) < 60:
        return int(match["h"]) * 60 + int(match["m"])
    match = _MINUTES.search(raw)
    if match and 0 < int(match["m"]) <= 1500:
        return int(match["m"])
    return None


# --- dates -----------------------------------------------------------------------------

_DEFAULT_A = datetime(1901, 1, 1)
_DEFAULT_B = datetime(1902, 2, 2)


def parse_date(text: str) -> str | None:
    """ISO date from 'March 24 2020', 'March 24th, 2020', '12 October 1957', '2020-03-24'.

    A date missing its day, month or year is not a date (dateutil would fill the gap with
    today's); it gives None.
    """
    raw = " ".join(text.replace("\u00a0", " ").split()).strip(" .,;")
    if not raw or len(raw) > 40 or not re.search(r"\d", raw):
        return None
    try:
        a = dateparser.parse(raw, default=_DEFAULT_A, fuzzy=False)
        b = dateparser.parse(raw, default=_DEFAULT_B, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if a != b or not 1870 <= a.year <= 2100:
        return None
    return a.date().isoformat()


def parse_year(text: str) -> int | None:
    match = re.search(r"(?<!\d)(18[89]\d|19\d\d|20\d\d)(?!\d)", text)
    return int(match.group(1)) if match else None


# --- money -----------------------------------------------------------------------------

_CURRENCY_SIGNS = {
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "C$": "CAD",
    "A$": "AUD",
}
_CURRENCY_CODES = ("USD", "GBP", "EUR", "JPY", "CAD", "AUD")
# Above this (ten million in any currency, in cents) a price is a typo or a prank, and past
# 2**63 the database cannot even store it: the price is taken as unknown.
PRICE_MAX_CENTS = 1_000_000_000
_MONEY = re.compile(
    r"(?P<pre>US\$|C\$|A\$|[$£€¥]|\b(?:USD|GBP|EUR|JPY|CAD|AUD)\b)?\s*"
    r"(?P<amount>\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d])"
    r"\s*(?P<post>[$£€¥]|\b(?:USD|GBP|EUR|JPY|CAD|AUD)\b)?",
    re.I,
)


def parse_price(text: str) -> tuple[int, str] | None:
    """('$39.95') -> (3995, 'USD'); '$1,299.99', '39,95 €', 'EUR 24.99', '¥5,800'.

    A bare '27.88' is taken as US dollars, as the US retail listings print it. An absurd
    amount (over `PRICE_MAX_CENTS`) is unknown: None, with a warning in the log.
    """
    for match in _MONEY.finditer(text.replace("\u00a0", " ")):
        amount = match["amount"].replace(" ", "")
        sign = (match["pre"] or match["post"] or "$").upper()
        currency = _CURRENCY_SIGNS.get(sign, sign if sign in _CURRENCY_CODES else "USD")
        # The last separator followed by one or two digits is the decimal one.
        decimal = re.search(r"[.,](\d{1,2})$", amount)
        whole = amount[: decimal.start()] if decimal else amount
        whole = re.sub(r"[.,]", "", whole)
        if not whole.isdigit():
            continue
        if len(whole) > len(str(PRICE_MAX_CENTS)):  # no need to build a 10,000-digit int
            cents = PRICE_MAX_CENTS + 1
        else:
            cents = int(whole) * 100 + (int(decimal[1].ljust(2, "0")) if decimal else 0)
        if cents > PRICE_MAX_CENTS:
            log.warning("a price of %d digits is taken as unknown", len(whole))
            return None
        if cents > 0:
            return cents, currency
    return None


# --- disc and video specs --------------------------------------------------------------

_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_COUNT_WORDS |= {"eight": 8, "nine": 9, "ten": 10, "single": 1, "double": 2}
_DISCS = re.compile(
    rf"(?P<n>\d{{1,2}}|{'|'.join(_COUNT_WORDS)})\s*(?:-\s*)?discs?\b|^\s*(?P<lead>\d{{1,2}})\b",
    re.I,
)
_DISC_TYPE = re.compile(r"\b(?P<t>BD-?(?:25|50|66|100)|DVD-?(?:5|9|10|18)|UHD-?(?:66|100))\b", re.I)
_ASPECT = re.compile(r"(?<![\d.])(?P<a>\d\.\d{1,2})\s*:\s*1\b")
_REGION = re.compile(
    r"\bregion\s*:?\s*(?P<r>(?:[ABC0-8](?:\s*,\s*|\s*/\s*|\s*&\s*|\s+and\s+)?)+|free)\b", re.I
)
_RESOLUTION = re.compile(r"\b(?P<r>2160p|1080[pi]|720p|576[pi]|480[pi]|4K)\b", re.I)
_CODEC = re.compile(
    r"\b(?P<c>AVC(?:/MPEG-4)?|MPEG-4 AVC|HEVC(?:/H\.265)?|H\.26[45]|MPEG-2|VC-1)\b", re.I
)


def parse_discs(text: str, *, labelled: bool = False) -> tuple[int | None, str | None]:
    """('1 Disc | BD-50') -> (1, 'BD-50')."""
    count = None
    for match in _DISCS.finditer(text):
        if match["n"]:
            word = match["n"].lower()
            count = int(word) if word.isdigit() else _COUNT_WORDS[word]
            break
        if labelled:  # 'Discs: 1 (1 x Blu-ray)': the number the label's value opens with
            count = int(match["lead"])
            break
    kind = _DISC_TYPE.search(text)
    disc_type = None
    if kind:
        disc_type = re.sub(r"^(BD|DVD|UHD)-?", r"\1-", kind["t"].upper())
    return count, disc_type


def parse_aspect_ratios(text: str) -> list[str]:
    """Every ratio in the text: '1.33:1 ratio' -> ['1.33:1']; '1.78 : 1' -> ['1.78:1']."""
    seen: dict[str, None] = {}
    for match in _ASPECT.finditer(text):
        seen[f"{match['a']}:1"] = None
    return list(seen)


def parse_region(text: str) -> str | None:
    match = _REGION.search(text)
    if not match:
        return None
    value = match["r"].strip()
    if value.lower() == "free":
        return "free"
    return ",".join(re.findall(r"[ABC0-8]", value.upper()))


_RESOLUTION_WORDS = re.compile(
    r"\b(?P<n>2160|1080|720|576|480)\s*(?P<s>progressive|interlaced)\b", re.I
)


def parse_resolution(text: str) -> str | None:
    """'1080p', '2160p' ('4K'), '1080 Progressive' -> '1080p', '1080 interlaced' -> '1080i'."""
    match = _RESOLUTION.search(text)
    if not match:
        words = _RESOLUTION_WORDS.search(text)
        return f"{words['n']}{words['s'][0].lower()}" if words else None
    value = match["r"].lower()
    return "2160p" if value == "4k" else value


# One spelling per codec, so that two sources naming it differently agree.
_CODEC_NAMES = {"AVC": "AVC/MPEG-4", "MPEG-4 AVC": "AVC/MPEG-4", "H.264": "AVC/MPEG-4"}
_CODEC_NAMES |= {"HEVC/H.265": "HEVC", "H.265": "HEVC"}


def parse_codec(text: str) -> str | None:
    """The video codec the text names, in one spelling ('MPEG-4 AVC', 'AVC' and 'H.264'
    are all 'AVC/MPEG-4')."""
    match = _CODEC.search(text)
    if not match:
        return None
    name = " ".join(match["c"].upper().split())
    return _CODEC_NAMES.get(name, name)


def format_from(text: str) -> str | None:
    """The disc format a spec line names: 'BD-50', 'Blu-ray Disc', '4K UHD', 'DVD-9'."""
    lowered = text.lower()
    if re.search(r"\b(4k|uhd|ultra hd)\b", lowered):
        return "4K UHD"
    if re.search(r"blu-?ray|\bbd-?(25|50|66|100)?\b", lowered):
        return "Blu-ray"
    if re.search(r"\bdvd\b|dvd-\d", lowered):
        return "DVD"
    return None


# --- audio -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AudioTrack:
    language: str | None
    codec: str | None
    channels: str | None
    description: str


_AUDIO_CODECS = (
    ("DTS-HD MA", r"dts-?hd\s*(?:[\d.]+\s*)?(?:ma|master\s+audio)"),
    ("DTS", r"\bdts\b"),
    ("Dolby Atmos", r"atmos"),
    ("Dolby TrueHD", r"true\s*hd"),
    ("Dolby Digital", r"dolby\s+digital|\bdd\b|\bac-?3\b"),
    ("LPCM", r"\bl(?:pcm|cpm)\b"),
    ("PCM", r"\bpcm\b"),
    ("FLAC", r"\bflac\b"),
    ("AAC", r"\baac\b"),
)
_CHANNELS = re.compile(r"\b(?P<c>[1-7]\.[01](?:\.[24])?)\b|\b(?P<w>mono|stereo)\b", re.I)
# Languages a disc's tracks come in; a capitalised word outside this list ('Main Audio',
# 'Original Mono') is not a language.
LANGUAGES = frozenset(
    [
        "Arabic",
        "Bengali",
        "Bulgarian",
        "Cantonese",
        "Catalan",
        "Chinese",
        "Croatian",
        "Czech",
        "Danish",
        "Dutch",
        "English",
        "Estonian",
        "Farsi",
        "Finnish",
        "Flemish",
        "French",
        "Georgian",
        "German",
        "Greek",
        "Hebrew",
        "Hindi",
        "Hungarian",
        "Icelandic",
        "Indonesian",
        "Italian",
        "Japanese",
        "Korean",
        "Latvian",
        "Lithuanian",
        "Malay",
        "Mandarin",
        "Norwegian",
        "Persian",
        "Polish",
        "Portuguese",
        "Romanian",
        "Russian",
        "Serbian",
        "Slovak",
        "Slovenian",
        "Spanish",
        "Swedish",
        "Tagalog",
        "Tamil",
        "Telugu",
        "Thai",
        "Turkish",
        "Ukrainian",
        "Urdu",
        "Vietnamese",
        "Yiddish",
        "Castilian",
        "Brazilian",
        "Quebecois",
        "Wolof",
        "Yoruba",
        "Zulu",
        "Swahili",
        "Amharic",
        "Armenian",
        "Basque",
        "Galician",
        "Irish",
        "Welsh",
        "Gaelic",
        "Latin",
        "Esperanto",
        "Mongolian",
        "Tibetan",
        "Punjabi",
        "Marathi",
        "Malayalam",
        "Kannada",
        "Sinhala",
        "Nepali",
        "Khmer",
        "Lao",
        "Burmese",
        "Kazakh",
        "Uzbek",
        "Azerbaijani",
    ]
)
_LANGUAGE_WORD = re.compile(r"\b[A-Z][a-z]+\b")


def parse_audio(text: str) -> AudioTrack | None:
    """'Russian 1.0 PCM Mono', 'Russian: PCM Mono', 'English DTS-HD MA 5.1'."""
    description = " ".join(text.split()).strip(" ,;")
    if not description:
        return None
    codec = next((name for name, rx in _AUDIO_CODECS if re.search(rx, description, re.I)), None)
    channels = None
    for match in _CHANNELS.finditer(description):
        if match["c"]:
            channels = match["c"]
            break
        channels = channels or match["w"].capitalize()
    language = languages_in(description[:40], limit=1)
    if codec is None and channels is None:
        return None
    return AudioTrack(language[0] if language else None, codec, channels, description)


def languages_in(text: str, *, limit: int | None = None) -> list[str]:
    """The language names the text uses, in order ('English 5.1 and Spanish mono')."""
    found: list[str] = []
    for match in _LANGUAGE_WORD.finditer(text):
        if match.group() in LANGUAGES and match.group() not in found:
            found.append(match.group())
            if limit and len(found) >= limit:
                break
    return found


# At most a dozen names, separators as whole words; case-sensitive (a scoped (?-i:...)
# where the form itself ignores case), so 'and' inside a word never separates.
_LANG_LIST = (
    r"(?-i:[A-Z][a-z]+(?:[ \t]+SDH)?(?:[ \t]*(?:,|/|&|\band\b|\bor\b)[ \t]*"
    r"[A-Z][a-z]+(?:[ \t]+SDH)?){0,11})"
)
# Where a page names the subtitles outside a 'Subtitles:' row: 'Subtitles: English' inside
# a spec sentence, 'English Subtitles', 'with English subtitles', 'Optional English SDH',
# or the label on its own line and the languages on the next.
_SUBTITLE_FORMS = (
    re.compile(rf"\bsubtitles?(?:/captions)?[ \t]*[:\-–][ \t]*(?P<l>{_LANG_LIST})", re.I),
    re.compile(
        rf"(?:^|\boptional[ \t]+|\bwith[ \t]+|\band[ \t]+)(?P<l>{_LANG_LIST})[ \t]+[Ss]ubtitles?\b",
        re.M,
    ),
    re.compile(r"\boptional[ \t]+(?P<l>[A-Z][a-z]+[ \t]+SDH)\b", re.I),
    re.compile(rf"^\W{{0,6}}subtitles?[ \t]*\n[ \t]*(?P<l>{_LANG_LIST})[ \t]*$", re.I | re.M),
)
# Only short lines are searched: a spec row or a sentence, never a page-long paragraph.
_SUBTITLE_LINE_MAX = 200


def subtitles_in(text: str) -> list[str]:
    """Subtitle languages a page states outside a labelled row (see `_SUBTITLE_FORMS`);
    only known language names, 'English SDH' kept as its own entry."""
    found: list[str] = []
    text = "\n".join(line for line in text.split("\n") if len(line) <= _SUBTITLE_LINE_MAX)
    for form in _SUBTITLE_FORMS:
        for match in form.finditer(text):
            for part in re.split(r"\s*(?:,|/|&|\band\b|\bor\b)\s*", match["l"]):
                words = part.split()
                if not words or words[0].capitalize() not in LANGUAGES:
                    continue
                name = words[0].capitalize() + (" SDH" if part.upper().endswith("SDH") else "")
                if name not in found:
                    found.append(name)
    return found
