"""The three document kinds: disc review, retail release listing, blog review.

A page is read once (`_read`): its lines, labelled details, scores in any of the shapes
sites print them, and every place it names its film (`page_titles`). Its kind comes from
what it shows, not from one site's layout; each parser then returns a `ParsedDocument`,
or raises `DocumentError` with a reason. Site chrome (banners, menus, link lines, share
buttons) is passed over rather than taken for a title, a synopsis or the article's end.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.importers.documents import fields, prose
from bot.importers.documents.common import (
    apply_film_details,
    canonical_label,
    check_one_film,
    edition_from_details,
    safe_synopsis,
    split_title,
)
from bot.importers.documents.details import (
    Details,
    extract_details,
    split_prose_features,
    split_run_together,
)
from bot.importers.documents.features import (
    FeatureFind,
    assign_prose_runtimes,
    find_features,
    make_feature,
    merge_features,
)
from bot.importers.documents.fields import AudioTrack
from bot.importers.documents.model import (
    DocumentError,
    EditionInfo,
    Page,
    ParsedDocument,
    ReviewInfo,
    Section,
)
from bot.importers.documents.page_titles import REVIEW_WORD as _REVIEW_WORD
from bot.importers.documents.page_titles import TitleCue, is_chrome, title_cues
from bot.importers.documents.scores import ScoreFind, category_of, find_scores
from bot.importers.documents.spoilers import heading_is_spoiler, split_spoilers
from bot.kinds import BLOG_REVIEW, DISC_REVIEW, KINDS, RELEASE_LISTING, kind_words

_VERDICT_HEADING = re.compile(
    r"^(?:verdict|conclusion|final thoughts|the bottom line|bottom line|summary|overall|"
    r"final words|the verdict|in conclusion|closing thoughts)\s*:?$",
    re.I,
)
# Page chrome after the article. These end the article only once some of it was read:
# a "more details" or "buy at" link under a title is not its end.
_END_MARKERS = re.compile(
    r"^(?:leave a reply|leave a comment|\d+\s+comments?|comments|share this|related posts|"
    r"related reviews|you may also like|you might also like|more reviews|about the author|"
    r"post navigation|previous post|next post|sign up for our newsletter|"
    r"(?:see )?more details\b|buy (?:it )?(?:at|from|now)\b|compare (?:to|prices|with)\b)",
    re.I,
)
_ARTICLE_BEFORE_END = 300  # characters of article read before an end marker counts
_PROSE_FEATURES = re.compile(
    r"^(?:the\s+)?(?:special features|extras|supplements|bonus features)\s+"
    r"(?:include|includes|are|comprise)\b",
    re.I,
)
_LISTING_MARKERS = re.compile(
    r"\b(?:list price|sale price|our price|rrp|msrp|technical specs|releases? details|"
    r"add to (?:basket|cart|bag|wish ?list)|in stock|out of stock|pre-?order|buy now|"
    r"free (?:uk )?(?:delivery|shipping)|ships? (?:in|within)|upc|ean|catalog(?:ue)? #|"
    r"customer reviews|product details|item number|sku)\b",
    re.I,
)
# A page that talks about a disc: its transfer, its sound, its extras.
_DISC_TALK = re.compile(
    r"\b(?:transfer|encode[ds]?|encoding|bit-?rate|lossless|dts(?:-hd)?|lpcm|pcm|"
    r"dolby (?:atmos|vision|digital|truehd)|hdr(?:10)?|1080p|2160p|4k|uhd|blu-?ray|dvd|"
    r"grain|compression|artifacts?|the disc|this disc|this release|supplements|"
    r"special features|commentary track|restoration|remaster(?:ed)?|aspect ratio|"
    r"mono|stereo|surround|5\.1|7\.1|region [abc0-9]|booklet|slipcover|menus?)\b",
    re.I,
)
# A disc judged: how it looks and sounds.
_DISC_JUDGED = re.compile(
    r"\b(?:transfer|encode[ds]?|encoding|bit-?rate|grain|compression|artifacts?|"
    r"lossless|looks|sounds|detail|contrast|colou?rs?|black levels?|clarity|sharpness|"
    r"the (?:picture|image|audio|sound|mix)|image quality|audio quality)\b",
    re.I,
)
# News of a release: announced, coming, dated, up for pre-order.
_RELEASE_NEWS = re.compile(
    r"\b(?:announce[sd]?|announcing|coming (?:to|soon)|will be released|is released on|"
    r"hits (?:blu-?ray|dvd|4k|shelves|stores)|street date|pre-?order|release date|"
    r"is set for|slated for|due out|will arrive|arrives on (?:blu-?ray|dvd|4k)|"
    r"arrives (?:on\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|"
    r"will be available|(?:is|are) available (?:on|from)|to release|has targeted|"
    r"ready for release|for release on|releases? on (?:blu-?ray|dvd|4k|uhd)|"
    r"this (?:august|september|october|november|december|january|february|march|april|"
    r"may|june|july))\b",
    re.I,
)
_FORMAT_WORD = re.compile(r"\b(?:4k|uhd|blu-?ray|dvd|steelbook)\b", re.I)
# A line that says the page is a review: a byline or a review section's heading.
_REVIEW_BYLINE = re.compile(
    r"^\W{0,3}(?:(?:disc\s+|dvd\s+|blu-?ray\s+)?review(?:ed)?\s+(?:written\s+)?by\b|"
    r"(?:our\s+)?reviewer['’]?s\s+take\b|(?:dvd|blu-?ray|4k(?:\s+uhd)?|uhd)\s+review\s*$)",
    re.I | re.M,
)


def _lines(text: str) -> list[str]:
    return split_run_together([line.strip() for line in text.split("\n")])


def _is_prose(line: str) -> bool:
    """A line of a review's sentences (not a menu, a label, a heading or a list item)."""
    if len(line) >= 120:
        return True
    return len(line.split()) >= 3 and bool(re.search(r"[.!?…][\"”’)]?$", line))


@dataclass
class _Read:
    """What every parser starts from: the page's lines and what was found in them."""

    page: Page
    lines: list[str]
    details: Details
    scores: ScoreFind
    cues: list[TitleCue]
    title: str
    title_year: int | None
    cue_lines: set[str] = field(default_factory=set)  # the lines a title cue came from
    features: FeatureFind = field(default_factory=FeatureFind)

    @property
    def text(self) -> str:
        return self.page.text

    def skip(self, index: int) -> bool:
        """Lines that are not the article: details, scores, title lines."""
        return (
            index in self.details.lines_used
            or index in self.scores.lines_used
            or index in self.features.lines_used
            or " ".join(self.lines[index].split()) in self.cue_lines
        )


def _read(page: Page) -> _Read:
    lines = _lines(page.text)
    details = extract_details(lines)
    scores = find_scores(lines)
    # Score and detail lines are never titles ('Picture 8/10', 'Director: X').
    for_cues = [
        "" if i in scores.lines_used or i in details.lines_used else line
        for i, line in enumerate(lines)
    ]
    # 'Título original: Way down east' names the film as the catalog may know it
    cues = title_cues(page, for_cues, labelled=details.all("title") + details.all("original_title"))
    # The title is the most trusted line that names the film; a name the text merely
    # repeats ('Kalatozov') helps find the film but is not the page's title line.
    # An original title ('Título original: Way down east') finds the film, but the
    # page's title is its own line ('Horizonte Sombrio (1920)').
    originals = set(details.all("original_title"))
    named = [c for c in cues if c.cue != "mentioned" and c.source not in originals] or cues
    if named:
        title, title_year = named[0].title, named[0].year if named[0].strong else None
    else:
        # No line reads as a title: the first line stands in (the film is then
        # decided from what else the page says, or the page is rejected there).
        first = next((line for line in for_cues if line.strip()), "")
        try:
            title, title_year = split_title(first[:200])
        except DocumentError:
            title, title_year = "", None  # parse_document refuses it (NO_TITLE)
    return _Read(
        page,
        lines,
        details,
        scores,
        cues,
        title,
        title_year,
        # Title lines are not the article; an early line that merely might be a title
        # (a heading, a menu) stays in unless it is the title chosen.
        {c.source for c in cues if c.strong and c.cue not in ("address",)}
        | ({named[0].source} if named else set()),
        find_features(lines),
    )


def _as_read(source: _Read | Page | str) -> _Read:
    """A parser may be called on text or a page directly (tests, `--kind`)."""
    if isinstance(source, _Read):
        return source
    read = _read(source if isinstance(source, Page) else Page(text=source))
    if not read.title:
        raise DocumentError(NO_TITLE)
    return read


def _prose_chars(read: _Read) -> int:
    return sum(
        len(line) for i, line in enumerate(read.lines) if _is_prose(line) and not read.skip(i)
    )


def detect_kind(source: str | Page) -> str | None:
    """The page's kind from what it shows, or None when it is none of the three.

    A disc review grades the picture, sound or extras, or talks about a disc at length
    (it may print no grade at all); a release listing sells or specifies a disc with
    little prose; a blog review is prose about the film."""
    page = source if isinstance(source, Page) else Page(text=source)
    try:
        return _kind_of(_read(page))
    except (DocumentError, ValueError, IndexError, KeyError, TypeError, RecursionError):
        return None


# Characters of sentences that make a review (a short paragraph or two).
MIN_PROSE = 250


def _film_year(read: _Read, title: str | None) -> int | None:
    """The film's year as the prose states it beside its title, trying the page's other
    names for the film when its main title cue is not the one the prose uses."""
    # names from title lines only: a name the text merely mentions may be another film
    names = [title, *(c.title for c in read.cues[:6] if c.title != title and c.weight >= 0.8)]
    for name in names:
        year = prose.film_year(read.text, name)
        if year:
            return year
    return None


_CORNER_BRACKETS = re.compile(r"[「『](?P<t>[^」』\n]{1,60})[」』]")
# A line in another script, perhaps with its romanisation: 'ドライブ・マイ・カー / Doraibu mai kâ'
_OTHER_SCRIPT = re.compile(r"^(?P<t>[^\x00-\u024f]{2,60}?)\s*(?:/.*)?$")


def _original_title(read: _Read) -> str | None:
    """The title in the film's own script as pages print it beside the title: in Japanese
    corner brackets ('"Drive My Car" 「ドライブ・マイ・カー」'), or on the line under a title
    line, alone or with its romanisation. Other names in brackets ('(aka …)') may be
    English titles and are left as title cues."""
    for cue in read.cues[:4]:
        match = _CORNER_BRACKETS.search(cue.source)
        if match:
            return match["t"].strip()
    names = [c.title for c in read.cues[:4] if len(c.title) >= 3]
    for index, line in enumerate(read.lines[:-1]):
        if line.strip() and (line.strip() in read.cue_lines or any(n in line for n in names)):
            below = next((x.strip() for x in read.lines[index + 1 : index + 3] if x.strip()), "")
            match = _OTHER_SCRIPT.match(below)
            if match and re.search(r"[^\W\d_]", match["t"]):
                return match["t"].strip()
    return None


def _kind_of(read: _Read) -> str | None:
    scores = read.scores.scores
    disc_scores = {"picture", "audio", "extras"} & set(scores)
    prose = _prose_chars(read)
    text = read.text
    values = read.details.values
    shop = bool(_LISTING_MARKERS.search(text)) or any(
        values.get(k) for k in ("msrp", "street_price", "upc", "catalog")
    )
    specs = sum(
        1 for k in ("specs", "video", "aspect", "audio", "region", "discs") if values.get(k)
    )
    prose_text = " ".join(line for line in read.lines if _is_prose(line))
    disc_talk = len(_DISC_TALK.findall(prose_text))
    review_line = any(
        c.cue in ("review line", "html title", "og:title", "h1")
        and _REVIEW_WORD.search(c.source)
        and _FORMAT_WORD.search(c.source)
        for c in read.cues
    )
    judged = len(_DISC_JUDGED.findall(prose_text))
    news = bool(_RELEASE_NEWS.search(text)) and bool(_FORMAT_WORD.search(text))
    if disc_scores or len(scores) >= 2:
        return DISC_REVIEW
    # A page that calls itself a review of a disc, or rates while giving the disc's
    # specs, is a disc review even when it also prints the price.
    if (review_line and prose >= MIN_PROSE) or (scores and specs >= 2):
        return DISC_REVIEW
    # 'Review by X' / 'Reviewed by X' on a page about a disc: a disc review that also
    # prints the price, however little of its prose survived the cut.
    # near the top, and not a shop's customer reviews
    top = re.split(r"(?im)^.{0,20}customer\s+reviews?\b", text[:3000])[0]
    byline = bool(_REVIEW_BYLINE.search(top))
    if (
        byline
        and _FORMAT_WORD.search(text)
        and (specs >= 1 or disc_talk >= 1 or prose >= MIN_PROSE // 2)
    ):
        return DISC_REVIEW
    if shop and prose < 1500:
        return RELEASE_LISTING
    if news and judged <= 1 and not review_line and not _REVIEW_BYLINE.search(text):
        return RELEASE_LISTING  # news of a release: what it is, when, what is on it
    if prose >= MIN_PROSE and (review_line or disc_talk >= 3):
        return DISC_REVIEW
    if shop or (specs >= 2 and prose < 600):
        return RELEASE_LISTING
    if prose >= MIN_PROSE or (scores and prose >= MIN_PROSE // 2):
        return BLOG_REVIEW  # a short post still reviews the film when it rates it
    if values.get("director") and (
        re.search(r"^movie details$", text, re.I | re.M)
        or any(heading_is_spoiler(line) for line in read.lines if len(line) < 80)
        or values.get("synopsis")
    ):
        return BLOG_REVIEW
    return None


def _prose_sections(read: _Read) -> list[tuple[str | None, str]]:
    """(heading, body) pairs from the lines that are not details or titles; paragraphs
    in a body are separated by a blank line. Stops at page chrome once the article began."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    read_chars = 0
    for i, line in enumerate(read.lines):
        if not line or read.skip(i):
            continue
        if _END_MARKERS.match(line) and read_chars >= _ARTICLE_BEFORE_END:
            break
        if re.match(r"^movie details$", line, re.I):
            break
        short = len(line) <= 70 and len(line.split()) <= 10
        # 'Warning: spoilers ahead!' is a heading although it ends like a sentence.
        is_heading = short and (not re.search(r"[.!?…”\"]$", line) or heading_is_spoiler(line))
        if is_heading:
            if not is_chrome(line):
                sections.append((line.rstrip(":"), []))
        elif _is_prose(line) or len(line) > 70:
            sections[-1][1].append(line)
            read_chars += len(line)
    return [(h, "\n\n".join(body)) for h, body in sections if body]


def _line_categories(read: _Read) -> dict[int, str | None]:
    """For each score line, the review section it starts ('Picture 8/10' starts the
    picture section); None for a line that grades several things at once."""
    categories: dict[int, str | None] = {}
    for i in sorted(read.scores.lines_used):
        line = re.sub(r"^\s*[•\-*·▪]\s*", "", read.lines[i]).strip()
        alone = find_scores([line]).scores
        if len(alone) == 1:
            categories[i] = next(iter(alone))
        elif not alone:
            categories[i] = category_of(line.rstrip(" :"))
        else:
            categories[i] = None
    return categories


def _features(read: _Read, edition: EditionInfo, prose_features: list[str]) -> None:
    """Features: labelled blocks (details), lists under a features heading, unlabelled
    'A · B · C' lines, and a sentence that lists them ('Extras include ...')."""
    found = read.features
    edition.features = merge_features(
        edition.features, [make_feature(f) for f in found.items + prose_features]
    )


def _story_names(doc: ParsedDocument) -> set[str]:
    return prose.story_names(doc.synopsis, doc.title)


def _base(read: _Read, kind: str) -> ParsedDocument:
    check_one_film(read.details, read.title)
    doc = ParsedDocument(kind=kind, title=read.title)
    apply_film_details(doc, read.details)
    doc.cues = list(read.cues)
    # Credits the page states in its sentences when it has no details block.
    doc.directors = doc.directors or prose.directors(read.text, read.title)
    doc.cast = doc.cast or prose.cast(read.text)
    return doc


def _edition_label(read: _Read, edition: EditionInfo) -> None:
    if edition.label is None:
        titles = " ".join(c.source for c in read.cues)
        edition.label = canonical_label(prose.label(titles + "\n" + read.text))


def parse_disc_review(source: _Read | Page | str) -> ParsedDocument:
    read = _as_read(source)
    lines = read.lines
    doc = _base(read, DISC_REVIEW)
    doc.year = doc.year or read.title_year or _film_year(read, doc.title)
    doc.original_title = doc.original_title or _original_title(read)
    doc.released = None  # a disc review's release date is the disc's (kept on the edition)
    edition = edition_from_details(read.details, lines)
    review = ReviewInfo(kind="disc")
    review.scores = dict(read.scores.scores)
    categories = _line_categories(read)

    # Walk the prose: what comes before the first score is the film's part (a synopsis
    # when short), then scored sections. A heading such as 'Spoilers below' makes what
    # follows it a spoiler, up to the next scored section.
    category: str | None = None
    bodies: dict[str | None, list[tuple[str, bool]]] = {None: []}
    verdict_lines: list[str] = []
    in_verdict = in_spoilers = False
    prose_features: list[str] = []
    read_chars = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        if i in categories:
            if categories[i] is not None:
                category = categories[i]
                bodies.setdefault(category, [])
                in_verdict = in_spoilers = False
            continue
        if read.skip(i):
            continue
        if _END_MARKERS.match(line) and read_chars >= _ARTICLE_BEFORE_END:
            break
        if _PROSE_FEATURES.match(line):
            prose_features.extend(split_prose_features(line))
        if _VERDICT_HEADING.match(line):
            in_verdict, in_spoilers = True, False
            continue
        heading_category = category_of(line.rstrip(" :")) if len(line) <= 40 else None
        if heading_category and heading_category != "overall":
            category = heading_category  # 'Video', 'The Audio' headings without a score
            bodies.setdefault(category, [])
            in_verdict = in_spoilers = False
            continue
        if len(line) <= 80 and not line.endswith("."):
            if heading_is_spoiler(line):
                in_spoilers = True
            continue  # headings, captions, menus, stray labels
        if not _is_prose(line):
            continue
        read_chars += len(line)
        if in_verdict:
            verdict_lines.append(line)
        else:
            bodies.setdefault(category, []).append((line, in_spoilers))

    # Without a verdict heading, the last paragraph after the scored sections is the verdict.
    if (
        not verdict_lines
        and category is not None
        and len(bodies[category]) > 1
        and not bodies[category][-1][1]  # not a spoiler paragraph
    ):
        verdict_lines = [bodies[category].pop()[0]]
    film_part = bodies.pop(None, [])
    scored = any(bodies.values())
    story_part = [p for p, spoils in film_part if not spoils]
    if scored and 0 < len(film_part) <= 3 and _tells_the_story(" ".join(story_part)):
        # A short part before the graded sections that tells the story: the synopsis
        # (its revealing sentences stay, as spoiler sections, below).
        if not doc.synopsis:
            doc.synopsis = safe_synopsis(" ".join(story_part))
        film_part = [(p, s) for p, s in film_part if s] + [
            (piece.body, True)
            for p in story_part
            for piece in split_spoilers(None, p)
            if piece.is_spoiler
        ]
    names = _story_names(doc)
    verdict_spoilers = []
    for piece in (
        split_spoilers(None, "\n\n".join(verdict_lines), story_names=names, title=doc.title)
        if verdict_lines
        else []
    ):
        if piece.is_spoiler:
            verdict_spoilers.append(Section("Verdict", piece.body, True))
        else:
            review.verdict = f"{review.verdict} {piece.body}" if review.verdict else piece.body
    for name, paragraphs in [(None, film_part), *bodies.items()]:
        heading = name.capitalize() if name else None
        for paragraph, spoils in paragraphs:
            if spoils:
                review.sections.append(Section(heading, paragraph, True))
            else:
                review.sections.extend(
                    split_spoilers(heading, paragraph, story_names=names, title=doc.title)
                )
    review.sections.extend(verdict_spoilers)
    if not review.sections and not review.scores and not review.verdict:
        raise DocumentError("the disc review has no review text and no scores")

    _features(read, edition, prose_features)
    _edition_label(read, edition)
    all_prose = " ".join(s.body for s in review.sections) + " " + (review.verdict or "")
    assign_prose_runtimes(edition.features, all_prose)

    if not edition.audio:
        edition.audio = _tracks_in_prose(
            " ".join(p for p, _ in bodies.get("audio", [])) or all_prose
        )
    picture = " ".join(p for p, _ in bodies.get("picture", [])) or all_prose
    for ratio in fields.parse_aspect_ratios(picture):
        if ratio not in edition.aspect_ratios and not read.details.values.get("aspect"):
            edition.aspect_ratios.append(ratio)
    edition.video_resolution = edition.video_resolution or fields.parse_resolution(picture)
    edition.video_codec = edition.video_codec or fields.parse_codec(picture)
    edition.restoration_note = prose.restoration_note(picture) or prose.restoration_note(read.text)
    edition.format = edition.format or _format_of(read) or fields.format_from(picture)
    # The sentence kept as the relation's note is shown as is: never from a spoiler.
    safe_prose = " ".join(s.body for s in review.sections if not s.is_spoiler)
    edition.replaces = prose.earlier_editions(safe_prose + " " + (review.verdict or ""))
    doc.cinematographers = doc.cinematographers or prose.cinematographers(read.text)
    doc.characters = prose.characters(read.text)
    doc.names_in_text = prose.capitalised_words(read.text)
    doc.edition = edition
    doc.review = review
    return doc


def _tracks_in_prose(text: str) -> list[AudioTrack]:
    """Audio tracks a review names in its sentences ('a DTS-HD Master Audio 5.1 mix',
    'the original mono in LPCM'): one per codec, its channels when given beside it."""
    tracks: dict[tuple[str | None, str], AudioTrack] = {}
    for match in re.finditer(_CODEC_WORDS, text, re.I):
        window = text[max(0, match.start() - 25) : match.end() + 25]
        track = fields.parse_audio(window)
        if not (track and track.codec):
            continue
        # The languages of the same clause just before the codec ('two Japanese LPCM
        # tracks', 'Portuguese and Polish 5.1 Dolby Digital tracks').
        before = re.split(
            r"[.;:!?](?:\s|$)|[()]|,\s+(?:but|while|and\s+the)\b",
            text[max(0, match.start() - 45) : match.start()],
        )[-1]
        for language in fields.languages_in(before) or [None]:
            if (language, track.codec) not in tracks and (
                language or not any(c == track.codec for _, c in tracks)
            ):
                tracks[(language, track.codec)] = AudioTrack(
                    language, track.codec, track.channels, match.group()
                )
    return list(tracks.values())


_CODEC_WORDS = (
    r"\b(?:dts-?hd(?:\s+master\s+audio|\s*ma)?|dts:?x|dts|dolby\s+(?:atmos|truehd|digital(?:\s+plus)?)|"
    r"l?pcm|lcpm|linear\s+pcm|aac|flac)\b"
)
_STORY_CUE = re.compile(
    r"\b(?:tells the story|the story of|follows|is about|centres on|centers on|set in|"
    r"when (?:a|an|the|his|her|their|two|three)|falls? in love|must|finds? (?:himself|herself)|"
    r"young|couple|family|brothers?|sisters?|wife|husband|father|mother|daughter|son)\b",
    re.I,
)


def _tells_the_story(text: str) -> bool:
    """Whether the opening of a disc review is a plot summary, not a remark on the disc
    ('this new disc is a welcome surprise for collectors')."""
    return bool(_STORY_CUE.search(text)) and len(_DISC_TALK.findall(text)) <= 1


def _format_of(read: _Read) -> str | None:
    """The disc's format as the page's title lines name it ('... 4K UHD Blu-ray Review')."""
    for cue in read.cues:
        if cue.strong or cue.cue in ("html title", "early line"):
            found = fields.format_from(cue.source)
            if found:
                return found
    return None


_LISTING_HEADER = re.compile(
    r"^(?:(?:4k\s+)?(?:blu-?ray|dvd|4k(?: uhd)?|uhd)\s+)?releases?\s+details?$", re.I
)


def parse_release_listing(source: _Read | Page | str) -> ParsedDocument:
    read = _as_read(source)
    lines = read.lines
    doc = _base(read, RELEASE_LISTING)
    doc.year = doc.year or read.title_year
    if not doc.year:
        doc.year = fields.parse_year(read.details.first("year") or "")
    doc.year = doc.year or _film_year(read, doc.title)
    doc.original_title = doc.original_title or _original_title(read)
    doc.released = None  # a listing's release date is the disc's (kept on the edition)
    edition = edition_from_details(read.details, lines)
    head = next((line for line in lines if _LISTING_HEADER.match(line)), "")
    edition.format = edition.format or fields.format_from(head) or _format_of(read)
    if edition.format is None:
        # Release news names the format in its sentences ('... on 4K Blu-ray this May').
        talk = next((line for line in lines if _is_prose(line) and _FORMAT_WORD.search(line)), "")
        edition.format = fields.format_from(talk)
    if edition.label is None and edition.studio:
        edition.label = canonical_label(edition.studio)
    _edition_label(read, edition)
    # The plot synopsis is the paragraph after its label.
    for i, line in enumerate(lines):
        if re.match(r"^(?:plot synopsis|synopsis|overview|description)\s*:?$", line, re.I):
            following = next((x for x in lines[i + 1 :] if x), "")
            if len(following) > 40 and not doc.synopsis:
                doc.synopsis = safe_synopsis(following)
            break
    _features(read, edition, [])
    if not edition.audio:  # news names the tracks in its sentences ('a 7.1 DTS-HD MA track')
        edition.audio = _tracks_in_prose(" ".join(line for line in lines if _is_prose(line)))
    if not any((edition.format, edition.msrp, edition.street_price, edition.release_date)):
        raise DocumentError("a release listing needs a format, a price or a release date")
    doc.edition = edition
    doc.cinematographers = doc.cinematographers or prose.cinematographers(read.text)
    doc.names_in_text = prose.capitalised_words(read.text)
    return doc


def parse_blog_review(source: _Read | Page | str) -> ParsedDocument:
    read = _as_read(source)
    doc = _base(read, BLOG_REVIEW)
    doc.year = doc.year or read.title_year
    if not doc.year and doc.released:
        doc.year = int(doc.released[:4])
    doc.year = doc.year or _film_year(read, doc.title)
    doc.original_title = doc.original_title or _original_title(read)
    review = ReviewInfo(kind="film")
    review.scores = {k: v for k, v in read.scores.scores.items() if k in ("film", "overall")}
    if "overall" in review.scores and "film" not in review.scores:
        # A review of the film grades the film: its one rating is the film's.
        review.scores["film"] = review.scores.pop("overall")
    names = _story_names(doc)
    # The review's prose may come before or after its details block.
    for heading, body in _prose_sections(read):
        if _VERDICT_HEADING.match(heading or ""):
            review.verdict = " ".join(body.split())
            continue
        for piece in split_spoilers(heading, body, story_names=names, title=doc.title):
            review.sections.append(piece)
            if piece.is_spoiler and heading_is_spoiler(heading):
                doc.plot_notes.append(piece)
    if doc.synopsis:
        doc.plot_notes.insert(0, Section("Overview", doc.synopsis, False))
    if not review.sections and not review.scores:
        raise DocumentError("the blog review has no review text")
    doc.cinematographers = doc.cinematographers or prose.cinematographers(read.text)
    doc.characters = prose.characters(read.text)
    doc.names_in_text = prose.capitalised_words(read.text)
    doc.review = review
    return doc


PARSERS: dict[str, Callable[[_Read | Page | str], ParsedDocument]] = {
    DISC_REVIEW: parse_disc_review,
    RELEASE_LISTING: parse_release_listing,
    BLOG_REVIEW: parse_blog_review,
}
assert set(PARSERS) == set(KINDS)


class KindUnknown(DocumentError):
    """The kind could not be told; `doc` holds what the page says about its film (title
    cues, credits, year), so the importer can still ask about it rather than drop it."""

    def __init__(self, reason: str, doc: ParsedDocument, page: Page) -> None:
        super().__init__(reason)
        self.doc = doc
        self.page = page


NO_TITLE = (
    "the document has no film title: no title line, heading or label names a film, and "
    "its text names none"
)
UNKNOWN_KIND = (
    "could not tell what kind of document this is (a disc review, a release listing or "
    "a review of the film); pass --kind if you know"
)


def parse_document(source: str | Page, kind: str | None = None) -> ParsedDocument:
    """Detect (or take) the kind and parse; any failure is a DocumentError with a reason.

    `source` is a page from `reader.read_page`, or plain text. The title the document is
    given here is the page's most trusted title cue; which catalog film it is about is
    decided by the importer (`film_match`), from all of `doc.cues`."""
    page = source if isinstance(source, Page) else Page(text=source)
    try:
        read = _read(page)
        if not read.title:
            raise DocumentError(NO_TITLE)
        kind = kind or _kind_of(read)
        if kind is None:
            raise KindUnknown(UNKNOWN_KIND, _base(read, ""), page)
        if kind not in PARSERS:
            raise DocumentError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        return PARSERS[kind](read)
    except DocumentError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, RecursionError) as exc:
        what = kind_words(kind) if kind else "page"
        raise DocumentError(f"the {what} could not be read ({exc})") from exc
