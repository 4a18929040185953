"""Review scores in the shapes real disc-review pages print them.

    Video: 4.5/5                       label, value on the line
    • Picture: 8/10                    in a bullet
    Video: 4/5 Audio: 3.5/5 Extras: 2/5   several on one line
    Movie 4 | Video 4.5 | Audio 4      pipe-separated pairs
    Film | Video | Audio | Extras      a header row ...
    4 | 4.5 | 4 | 3                    ... and a row of values
    Picture Quality                    label alone, value on the next line
    ****1/2
    Video (1-20): 18.5                 the scale in brackets
    The Film (5/5)                     a heading carrying its score
    [rating=4]  [usr 4.5]              blog shortcodes

A value must be the whole rest of its cell: 'Video: 1080p AVC', 'Audio: DTS-HD MA 5.1' and
'Video: 2.35:1 Anamorphic' are specs, not scores. A bare number ('Video: 4.5') counts only
right after a score label; its scale is the one the page uses elsewhere, or else the
smallest of 5, 10 and 100 that holds every bare number on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.importers.documents.fields import Score

CATEGORIES = ("film", "picture", "audio", "extras", "overall")

# category -> labels (regex pieces), longest first where one is a prefix of another.
_LABELS: dict[str, tuple[str, ...]] = {
    "film": (
        r"the\s+(?:movie|film)\s+itself",
        r"the\s+(?:movie|film)",
        r"(?:movie|film)\s*/\s*(?:program|programme|show)",
        r"movies?",
        r"films?",
        r"content",
    ),
    "picture": (r"video", r"picture", r"image", r"transfer"),
    "audio": (r"audio", r"sound"),
    "extras": (
        r"special\s+features",
        r"bonus\s+(?:material|materials|features)",
        r"supplement(?:al|ary)\s+(?:materials?|features)",
        r"supplements",
        r"extras",
        r"bonus",
    ),
    "overall": (
        r"final\s+(?:score|rating|grade|verdict)",
        r"recommendation(?:\s+grade)?",
        r"overall(?:\s+enjoyment)?",
        r"rating",
        r"score",
        r"total",
        r"grade",
    ),
}
# Labels whose bare number may be something else ('Rating: 15' is a UK certificate).
_GENERIC = re.compile(r"^(?:rating|score|total|grade)$", re.I)
_PREFIX = r"(?:(?:4k|uhd|ultra\s+hd|hd|3d|blu-?ray|dvd)\s+)?"
_SUFFIX = r"(?:\s+(?:quality|rating|score|grade|review))?"
_RANGE = r"(?:\s*\(\s*(?P<lo>\d{1,3})\s*[-–]\s*(?P<hi>\d{1,3})\s*\))?"
_LABEL_ALT = "|".join(f"(?:{lab})" for labs in _LABELS.values() for lab in labs)
_LABEL_CORE = re.compile(rf"^(?:{_LABEL_ALT})$", re.I)
# One label where it stands, with its optional suffix, stated range and separator.
_LABEL_AT = re.compile(
    rf"(?<![\w-]){_PREFIX}(?P<label>{_LABEL_ALT}){_SUFFIX}{_RANGE}(?![\w-])\s*(?P<sep>[:=|–-]\s*)?",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:[•\-*·▪‣◦–✓]\s+|\d{1,2}[.)]\s+)")
_SHORTCODE = re.compile(
    r"\[(?:rating|usr|stars?|score)\s*[=: ]\s*(?P<v>\d{1,3}(?:[.,]\d+)?)(?:\s*/\s*(?P<m>\d{1,3}))?"
    r"(?:\s+[^\]]*)?\]",
    re.I,
)
_LETTERS = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0, "E": 0.0, "F": 0.0}
# What may follow a value in its cell: 'stars', 'out of 5' was consumed, punctuation.
_LEFTOVER = re.compile(r"^[\s.,;:|)\]]*(?:(?:stars?|points?|pts)\b[\s.,;:|)\]]*)?$", re.I)
_NUMBER = r"\d{1,3}(?:[.,]\d{1,2})?"
_OF = re.compile(
    rf"^(?P<v>{_NUMBER})\s*(?P<half>½|\s1/2)?\s*(?:/|out\s+of|of)\s*(?P<m>\d{{1,3}})(?![\d.,:])",
    re.I,
)
_HALF_OF = re.compile(r"^(?P<v>\d)?½\s*(?:/|out\s+of|of)\s*(?P<m>\d{1,2})(?![\d.,:])", re.I)
_GLYPHS = re.compile(
    r"^(?P<full>[★*✭✮]{1,10})\s*(?P<half>½|1/2|\.5)?\s*(?P<empty>[☆✩]{0,10})"
    r"(?:\s*(?:/|out\s+of)\s*(?P<m>\d{1,2})(?:\s*stars?)?)?",
    re.I,
)
_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# 'Four and a half stars', 'three stars out of five'
_WORD_STARS = re.compile(
    r"^(?P<w>zero|one|two|three|four|five)(?P<half>\s+and\s+a\s+half)?\s+stars?"
    r"(?:\s+(?:out\s+)?of\s+(?P<m>four|five|ten))?\b",
    re.I,
)
_STARS_WORD = re.compile(rf"^(?P<v>{_NUMBER}|\d?½)\s*(?:½\s*)?stars?\b", re.I)
_LETTER = re.compile(r"^(?P<g>[A-F])(?P<mod>[+\-−]?)(?:\s*/\s*[A-FX][+\-−]?)*(?![\w])")
_BARE = re.compile(rf"^(?P<v>{_NUMBER}|\d?½)(?P<pct>\s*%)?(?![\d:/])")
# An audio 'score' of 5.1 or 2.0 is a channel layout unless the page rates in bare numbers.
_CHANNELS = re.compile(r"^[1-7]\.[01]$")


@dataclass
class ScoreFind:
    scores: dict[str, Score] = field(default_factory=dict)
    lines_used: set[int] = field(default_factory=set)
    raw: dict[str, str] = field(default_factory=dict)  # category -> the value as printed


@dataclass
class _Pending:
    category: str
    value: _Value
    used: set[int]


@dataclass
class _Value:
    """A value read from a cell: `score` when its scale is known, else a bare number."""

    raw: str
    score: Score | None = None
    bare: float | None = None


def category_of(label: str) -> str | None:
    """The category a score label names ('Picture Quality' -> 'picture'), or None."""
    text = " ".join(label.strip().strip(":").split())
    text = re.sub(rf"^{_PREFIX}", "", text, flags=re.I)
    for candidate in (text, re.sub(rf"{_SUFFIX}$", "", text, flags=re.I).strip()):
        for category, labels in _LABELS.items():
            if any(re.fullmatch(lab, candidate, re.I) for lab in labels):
                return category
    return None


def _num(text: str) -> float:
    if "½" in text:
        whole = text.replace("½", "").strip()
        return (float(whole) if whole else 0.0) + 0.5
    return float(text.replace(",", "."))


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip()
    text = re.sub(r"^[:=|–\-,\s]+", "", text)
    if text.startswith(("(", "[")) and text.endswith((")", "]")):
        text = text[1:-1].strip()
    return text


def read_value(text: str, *, bare_ok: bool = True) -> _Value | None:
    """The score that makes up the whole of `text`, or None ('4.5/5', '★★★½', 'B+',
    '3½ out of 5', '4.5 Stars', '****1/2', '88/100', and bare '4.5' when `bare_ok`)."""
    if code := _SHORTCODE.fullmatch(" ".join(text.split())):  # '[Rating:4/5]' alone
        value = _num(code["v"])
        scale = float(code["m"]) if code["m"] else (5.0 if value <= 5 else 10.0)
        if value <= scale <= 100:
            return _Value(code.group(0), Score(value, scale, code.group(0)))
        return None
    cell = _clean(text)
    if not cell:
        return None
    found: tuple[_Value, int] | None = None
    if match := _OF.match(cell):
        value = _num(match["v"]) + (0.5 if match["half"] else 0.0)
        scale = float(match["m"])
        if 0 < scale <= 100 and 0 <= value <= scale:
            found = _Value(match.group(0), Score(value, scale, match.group(0))), match.end()
    elif match := _HALF_OF.match(cell):
        value, scale = _num((match["v"] or "") + "½"), float(match["m"])
        if value <= scale:
            found = _Value(match.group(0), Score(value, scale, match.group(0))), match.end()
    elif match := _GLYPHS.match(cell):
        full = len(match["full"])
        value = full + (0.5 if match["half"] else 0.0)
        scale = float(
            match["m"] or max(5, full + (1 if match["half"] else 0) + len(match["empty"]))
        )
        if value <= scale <= 10:
            raw = match.group(0).strip()
            found = _Value(raw, Score(value, scale, raw)), match.end()
    elif match := _WORD_STARS.match(cell):
        value = _WORDS[match["w"].lower()] + (0.5 if match["half"] else 0.0)
        scale = {"four": 4.0, "ten": 10.0}.get((match["m"] or "").lower(), 5.0)
        if value <= scale:
            found = _Value(match.group(0), Score(value, scale, match.group(0))), match.end()
    elif match := _STARS_WORD.match(cell):
        value = _num(match["v"]) + (0.5 if "½" in match.group(0)[len(match["v"]) :] else 0.0)
        if value <= 5:
            found = _Value(match.group(0), Score(value, 5.0, match.group(0))), match.end()
    elif match := _LETTER.match(cell):
        base = _LETTERS[match["g"].upper()]
        mod = match["mod"]
        value = base + (0.33 if mod == "+" else -0.33 if mod in ("-", "−") else 0.0)
        raw = match["g"] + mod
        found = (
            _Value(raw, Score(round(min(max(value, 0.0), 4.33), 2), 4.33, raw)),
            match.end(),
        )
    elif bare_ok and (match := _BARE.match(cell)):
        value = _num(match["v"])
        if match["pct"]:
            if value <= 100:
                found = _Value(match.group(0), Score(value, 100.0, match.group(0))), match.end()
        elif 0 <= value <= 100:
            found = _Value(match["v"], bare=value), match.end()
    if found is None or not _LEFTOVER.match(cell[found[1] :]):
        return None
    return found[0]


def _segments(line: str) -> list[tuple[str, str, str | None]] | None:
    """(label, value text, stated range) for every score label on the line, when the line
    is nothing but labels and their values; None otherwise."""
    matches = list(_LABEL_AT.finditer(line))
    if not matches:
        return None
    head = line[: matches[0].start()].strip(" :|")
    # Only a short qualifier may precede the labels ('Dolby Atmos Audio: *****',
    # 'Ratings: Video 4 | Audio 3').
    if head and (len(head) > 30 or re.search(r"[.!?,;]", head) or len(head.split()) > 4):
        return None
    out = []
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(line)
        rng = f"{match['lo']}-{match['hi']}" if match["hi"] else None
        out.append((match["label"], line[match.end() : end], rng))
    return out


def _stated_scale(rng: str | None) -> float | None:
    if not rng:
        return None
    high = float(rng.split("-")[1])
    return high if 0 < high <= 100 else None


def find_scores(lines: list[str]) -> ScoreFind:
    """Every review score the lines hold, by category, with the lines that held them."""
    found = ScoreFind()
    pending: list[_Pending] = []  # bare numbers, scaled once the page is read

    def take(category: str, value: _Value, used: set[int], stated: float | None) -> None:
        if category in found.scores or any(p.category == category for p in pending):
            return
        if value.score is not None:
            found.scores[category] = value.score
        elif stated is not None and value.bare is not None and value.bare <= stated:
            found.scores[category] = Score(value.bare, stated, value.raw)
        else:
            pending.append(_Pending(category, value, used))
            return
        found.raw[category] = value.raw
        found.lines_used.update(used)

    i = 0
    while i < len(lines):
        line = _BULLET.sub("", lines[i] or "").strip()
        i += 1
        if not line or len(line) > 200:
            continue
        for code in _SHORTCODE.finditer(line):
            value = _num(code["v"])
            scale = float(code["m"]) if code["m"] else (5.0 if value <= 5 else 10.0)
            if value <= scale <= 100 and "overall" not in found.scores:
                found.scores["overall"] = Score(value, scale, code.group(0))
                found.raw["overall"] = code.group(0)
                found.lines_used.add(i - 1)
        if _header_row(lines, i - 1, take):
            continue
        segments = _segments(line)
        if not segments:
            continue
        values = [(lab, read_value(text), rng) for lab, text, rng in segments]
        if len(segments) == 1 and not segments[0][1].strip(" :|=-–"):
            # A label alone: its value is the next non-blank line (within two lines).
            label, _, rng = segments[0]
            j = i
            while j < len(lines) and j < i + 2 and not (lines[j] or "").strip():
                j += 1
            value = read_value(lines[j]) if j < len(lines) else None
            category = category_of(label)
            if value and category and _bare_fits(label, value):
                take(category, value, {i - 1, j}, _stated_scale(rng))
                i = j + 1
            continue
        if any(
            v is None and text.strip(" :|=-–")
            for (_, text, _), (_, v, _) in zip(segments, values, strict=True)
        ):
            continue  # some label carries a spec or prose: not a score line
        for label, value, rng in values:
            category = category_of(label)
            if value and category and _bare_fits(label, value):
                take(category, value, {i - 1}, _stated_scale(rng))
    _scale_bare(found, pending)
    if "overall" not in found.scores and "film" not in found.scores:
        _lone_rating(lines, found)
    return found


# 'Tokyo Story ★★★★½': a short line ending in rating stars.
_TRAILING_STARS = re.compile(r"^(?P<head>.{2,70}?)\s+(?P<stars>[★✭✮]{1,10}\s*½?\s*[☆✩]*)$")
# 'Rating: 10 out of 10, I saw this ages ago ...': the rating opens a sentence.
_RATING_OPENS = re.compile(
    r"^(?:my\s+|final\s+|overall\s+)?(?:rating|score|grade|verdict)\s*[:–-]\s*"
    r"(?P<v>[^,;]{1,30}?)\s*(?:[,;]|\.\s|\s[–—-]\s)",
    re.I,
)


def _lone_rating(lines: list[str], found: ScoreFind) -> None:
    """A page's one rating printed without a category: a line that is nothing but a rating
    ('4.5 out of 5', '★★★★★', 'Four and a half stars.'), a title line ending in stars, or
    a 'Rating: 8/10, ...' sentence. Taken as the overall score only when the page has
    exactly one such rating (two different ones could be anything)."""
    seen: dict[tuple[float, float], tuple[int | None, str]] = {}
    for index, raw in enumerate(lines):
        if index in found.lines_used:
            continue
        line = _BULLET.sub("", raw or "").strip()
        if not line:
            continue
        value = None
        alone = len(line) <= 40
        if alone:
            value = read_value(line.rstrip(". "), bare_ok=False)
            if value and _LETTER.match(_clean(line)):
                value = None  # a lone 'A' or 'B+' line is too often something else
            alone = value is not None
        if value is None and len(line) <= 80 and (tail := _TRAILING_STARS.match(line)):
            value = read_value(tail["stars"], bare_ok=False)
        if value is None and (opening := _RATING_OPENS.match(line)):
            value = read_value(opening["v"], bare_ok=False)
        score = value.score if value else None
        if score is None or score.scale_max not in (4.0, 5.0, 10.0, 100.0):
            continue
        # Only a line that is nothing but the rating is spent; a title or a sentence
        # around it is still read as such.
        seen.setdefault((score.value, score.scale_max), (index if alone else None, value.raw))
    if len(seen) == 1:
        (number, scale), (index, raw) = next(iter(seen.items()))
        found.scores["overall"] = Score(number, scale, raw)
        found.raw["overall"] = raw
        if index is not None:
            found.lines_used.add(index)


def _bare_fits(label: str, value: _Value) -> bool:
    """A generic 'Rating'/'Score' label's whole number may be a certificate ('Rating: 15')."""
    if value.bare is None:
        return True
    core = category_of(label) and re.sub(rf"^{_PREFIX}|{_SUFFIX}$", "", label.strip(), flags=re.I)
    return not (core and _GENERIC.match(core.strip()) and value.bare == int(value.bare))


def _header_row(lines: list[str], index: int, take: Callable[..., None]) -> bool:
    """'Film | Video | Audio | Extras' with the values on the next non-blank line."""
    cells = [c.strip() for c in re.split(r"\s*\|\s*|\t+", lines[index] or "")]
    cells = [c for c in cells if c]
    if len(cells) < 2 or not all(category_of(c) for c in cells):
        return False
    j = index + 1
    while j < len(lines) and not (lines[j] or "").strip():
        j += 1
    if j >= len(lines):
        return False
    values = [c.strip() for c in re.split(r"\s*\|\s*|\t+", lines[j]) if c.strip()]
    if len(values) != len(cells):
        return False
    read = [read_value(v) for v in values]
    if not all(read):
        return False
    for label, value in zip(cells, read, strict=True):
        assert value is not None
        take(category_of(label) or "", value, {index, j}, None)
    return True


def _scale_bare(found: ScoreFind, pending: list[_Pending]) -> None:
    """Give bare numbers the page's scale: the one its stated scores share if they fit, or
    else the smallest of 5, 10 and 100 that holds them all. A bare audio '5.1' or '2.0' is
    a channel layout unless other bare scores show the page rates in bare numbers."""
    channels = [p for p in pending if p.category == "audio" and _CHANNELS.match(p.value.raw)]
    others = [p for p in pending if p not in channels]
    if not others:
        return
    top = max(p.value.bare or 0.0 for p in others)
    stated = {s.scale_max for s in found.scores.values() if s.scale_max in (4.0, 5.0, 10.0, 100.0)}
    if len(stated) == 1 and top <= next(iter(stated)):
        scale = next(iter(stated))
    else:
        scale = 5.0 if top <= 5 else 10.0 if top <= 10 else 100.0
    for p in others + [c for c in channels if (c.value.bare or 0.0) <= scale]:
        assert p.value.bare is not None
        found.scores[p.category] = Score(p.value.bare, scale, p.value.raw)
        found.raw[p.category] = p.value.raw
        found.lines_used.update(p.used)
