"""The three document kinds: disc review, retail release listing, blog review.

Each parser takes the document's text and returns a `ParsedDocument`, or raises
`DocumentError` with a reason. Layout varies between sites, so each looks for labelled
details anywhere, and for prose sections by their headings.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
    extract_details,
    split_prose_features,
    split_run_on_features,
    split_run_together,
)
from bot.importers.documents.features import assign_prose_runtimes, make_feature, merge_features
from bot.importers.documents.model import DocumentError, ParsedDocument, ReviewInfo, Section
from bot.importers.documents.spoilers import heading_is_spoiler, split_spoilers
from bot.kinds import BLOG_REVIEW, DISC_REVIEW, KINDS, RELEASE_LISTING, kind_words

_SCORE_HEADING = re.compile(
    r"^(?P<cat>picture|video|image|audio|sound|extras|supplements|special features|bonus|"
    r"film|movie|overall|rating|score)\b\s*(?:quality|score|rating|grade)?\s*[:\-–]?\s*"
    r"(?P<score>.{1,20})$",
    re.I,
)
_CATEGORY = {
    "picture": "picture",
    "video": "picture",
    "image": "picture",
    "audio": "audio",
    "sound": "audio",
    "extras": "extras",
    "supplements": "extras",
    "special features": "extras",
    "bonus": "extras",
    "film": "film",
    "movie": "film",
    "overall": "overall",
    "rating": "overall",
    "score": "overall",
}
_VERDICT_HEADING = re.compile(
    r"^(?:verdict|conclusion|final thoughts|the bottom line|bottom line|summary|overall)\s*:?$",
    re.I,
)
_END_MARKERS = re.compile(
    r"^(?:leave a reply|leave a comment|comments|share this|related posts|see more details)",
    re.I,
)
_PROSE_FEATURES = re.compile(
    r"^(?:the\s+)?(?:special features|extras|supplements|bonus features)\s+"
    r"(?:include|includes|are|comprise)\b",
    re.I,
)
_LISTING_MARKERS = re.compile(
    r"\b(?:list price|sale price|our price|rrp|technical specs|releases? details|"
    r"add to (?:basket|cart)|in stock|pre-?order)\b",
    re.I,
)


def _lines(text: str) -> list[str]:
    return split_run_together([line.strip() for line in text.split("\n")])


def score_heading(line: str) -> tuple[str, fields.Score] | None:
    match = _SCORE_HEADING.match(line.strip())
    if not match:
        return None
    score = fields.parse_score(match["score"])
    if score is None:
        return None
    return _CATEGORY[match["cat"].lower()], score


def detect_kind(text: str) -> str | None:
    """The document's kind from its markers, or None when it is none of the three."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    scores = sum(1 for line in lines[:400] if score_heading(line))
    if _LISTING_MARKERS.search(text) and scores < 2:
        return RELEASE_LISTING
    if scores >= 2:
        return DISC_REVIEW
    details = extract_details(lines)
    if details.values.get("director") and (
        re.search(r"^movie details$", text, re.I | re.M)
        or any(heading_is_spoiler(line) for line in lines if len(line) < 80)
        or details.values.get("synopsis")
    ):
        return BLOG_REVIEW
    return None


def _prose_sections(
    lines: list[str], used: set[int], start: int = 0
) -> list[tuple[str | None, str]]:
    """(heading, body) pairs from the lines that are not details; stops at page chrome."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for i in range(start, len(lines)):
        line = lines[i]
        if i in used or not line:
            continue
        if _END_MARKERS.match(line):
            break
        if re.match(r"^movie details$", line, re.I):
            break
        short = len(line) <= 70 and len(line.split()) <= 10
        # 'Warning: spoilers ahead!' is a heading although it ends like a sentence.
        is_heading = short and (not re.search(r"[.!?…”\"]$", line) or heading_is_spoiler(line))
        if is_heading:
            sections.append((line.rstrip(":"), []))
        else:
            sections[-1][1].append(line)
    return [(h, " ".join(body)) for h, body in sections if body]


def _run_on_blurbs(line: str) -> list[str]:
    """Feature blurbs run together with runs of spaces: two or more short pieces, none of
    them a sentence."""
    parts = split_run_on_features(line)
    if len(parts) < 2 or any(len(p) > 200 or p.endswith((".", "!", "?")) for p in parts):
        return []
    return parts


def parse_disc_review(text: str) -> ParsedDocument:
    lines = _lines(text)
    first = next((line for line in lines if line), "")
    title, title_year = split_title("" if score_heading(first) else first)
    details = extract_details(lines)
    check_one_film(details, title)
    doc = ParsedDocument(kind=DISC_REVIEW, title=title)
    apply_film_details(doc, details)
    doc.year = doc.year or title_year
    doc.released = None  # a disc review's release date is the disc's (kept on the edition)
    edition = edition_from_details(details, lines)
    review = ReviewInfo(kind="disc")

    # Walk the prose: a synopsis before the first score heading, then scored sections.
    # A heading such as 'Spoilers below' makes what follows it a spoiler, up to the next
    # scored section.
    category: str | None = None
    bodies: dict[str | None, list[tuple[str, bool]]] = {None: []}
    verdict_lines: list[str] = []
    in_verdict = in_spoilers = False
    seen_title = False
    prose_features: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            continue
        heading = score_heading(line)
        if heading:  # 'Video: 4.5/5' is a score heading, not the 'Video' detail
            category, score = heading
            review.scores.setdefault(category, score)
            bodies.setdefault(category, [])
            in_verdict = in_spoilers = False
            continue
        if i in details.lines_used:
            continue
        if not seen_title and line in (title, first):
            seen_title = True
            continue
        if _END_MARKERS.match(line):
            break
        if _PROSE_FEATURES.match(line):
            prose_features.extend(split_prose_features(line))
        if _VERDICT_HEADING.match(line):
            in_verdict, in_spoilers = True, False
            continue
        if len(line) <= 80 and not line.endswith("."):
            if heading_is_spoiler(line):
                in_spoilers = True
            continue  # headings, captions, stray labels; run-on feature lines come below
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
    # The verdict is shown to everyone: a sentence in it that may tell the outcome is kept
    # as a spoiler section instead.
    verdict_spoilers = []
    for piece in split_spoilers(None, " ".join(verdict_lines)) if verdict_lines else []:
        if piece.is_spoiler:
            verdict_spoilers.append(Section("Verdict", piece.body, True))
        else:
            review.verdict = f"{review.verdict} {piece.body}" if review.verdict else piece.body
    synopsis = " ".join(p for p, spoils in bodies.pop(None, []) if not spoils)
    if synopsis:
        doc.synopsis = doc.synopsis or safe_synopsis(synopsis)
    for name, paragraphs in bodies.items():
        heading = name.capitalize() if name else None
        for paragraph, spoils in paragraphs:
            if spoils:
                review.sections.append(Section(heading, paragraph, True))
            else:
                review.sections.extend(split_spoilers(heading, paragraph))

    review.sections.extend(verdict_spoilers)

    # Features: labelled, bulleted, in prose, or short blurbs run together on one line of
    # the details block (never a paragraph that happens to use two spaces after a stop).
    details_start = min(details.lines_used, default=len(lines))
    run_on = [
        part
        for i, line in enumerate(lines)
        if i >= details_start and i not in details.lines_used
        for part in _run_on_blurbs(line)
    ]
    edition.features = merge_features(
        edition.features, [make_feature(f) for f in run_on + prose_features]
    )
    all_prose = " ".join(s.body for s in review.sections) + " " + (review.verdict or "")
    assign_prose_runtimes(edition.features, all_prose)

    picture = " ".join(p for p, _ in bodies.get("picture", []))
    for ratio in fields.parse_aspect_ratios(picture):
        if ratio not in edition.aspect_ratios:
            edition.aspect_ratios.append(ratio)
    edition.video_resolution = edition.video_resolution or fields.parse_resolution(picture)
    edition.video_codec = edition.video_codec or fields.parse_codec(picture)
    edition.restoration_note = prose.restoration_note(picture) or prose.restoration_note(text)
    edition.format = edition.format or fields.format_from(picture)
    # The sentence kept as the relation's note is shown as is: never from a spoiler.
    safe_prose = " ".join(s.body for s in review.sections if not s.is_spoiler)
    edition.replaces = prose.earlier_editions(safe_prose + " " + (review.verdict or ""))
    doc.cinematographers = doc.cinematographers or prose.cinematographers(text)
    doc.characters = prose.characters(text)
    doc.names_in_text = prose.capitalised_words(text)
    if not review.scores:
        raise DocumentError("a disc review needs at least one score (e.g. 'Picture 8/10')")
    doc.edition = edition
    doc.review = review
    return doc


def parse_release_listing(text: str) -> ParsedDocument:
    lines = _lines(text)
    header = re.compile(r"^(?:(?:blu-?ray|dvd|4k(?: uhd)?|uhd)\s+)?releases?\s+details?$", re.I)
    candidates = [line for line in lines if line and not header.match(line)]
    title, title_year = split_title(candidates[0] if candidates else "")
    details = extract_details(lines)
    check_one_film(details, title)
    doc = ParsedDocument(kind=RELEASE_LISTING, title=title)
    apply_film_details(doc, details)
    doc.year = doc.year or title_year
    if not doc.year:
        doc.year = fields.parse_year(details.first("year") or "")
    doc.released = None  # a listing's release date is the disc's (kept on the edition)
    edition = edition_from_details(details, lines)
    head = next((line for line in lines if header.match(line)), "")
    edition.format = edition.format or fields.format_from(head)
    if edition.label is None and edition.studio:
        edition.label = canonical_label(edition.studio)
    # The plot synopsis is the paragraph after its label.
    for i, line in enumerate(lines):
        if re.match(r"^plot synopsis\s*:?$", line, re.I):
            following = next((x for x in lines[i + 1 :] if x), "")
            if len(following) > 40:
                doc.synopsis = safe_synopsis(following)
            break
    if not any((edition.format, edition.msrp, edition.street_price, edition.release_date)):
        raise DocumentError("a release listing needs a format, a price or a release date")
    doc.edition = edition
    doc.cinematographers = doc.cinematographers or prose.cinematographers(text)
    doc.names_in_text = prose.capitalised_words(text)
    return doc


def parse_blog_review(text: str) -> ParsedDocument:
    lines = _lines(text)
    first = next((line for line in lines if line), "")
    title, title_year = split_title(first)
    details = extract_details(lines)
    check_one_film(details, title)
    doc = ParsedDocument(kind=BLOG_REVIEW, title=title)
    apply_film_details(doc, details)
    doc.year = doc.year or title_year
    if not doc.year and doc.released:
        doc.year = int(doc.released[:4])
    review = ReviewInfo(kind="film")
    used = set(details.lines_used)
    used.update(i for i, line in enumerate(lines) if line in (title, first))
    for i, line in enumerate(lines):
        heading = score_heading(line)
        if heading:
            review.scores.setdefault(heading[0], heading[1])
            used.add(i)
    # The review's prose may come before or after its details block.
    for heading, body in _prose_sections(lines, used):
        if _VERDICT_HEADING.match(heading or ""):
            review.verdict = body
            continue
        for piece in split_spoilers(heading, body):
            review.sections.append(piece)
            if piece.is_spoiler and heading_is_spoiler(heading):
                doc.plot_notes.append(piece)
    if doc.synopsis:
        doc.plot_notes.insert(0, Section("Overview", doc.synopsis, False))
    if not review.sections and not review.scores:
        raise DocumentError("the blog review has no review text")
    doc.cinematographers = doc.cinematographers or prose.cinematographers(text)
    doc.characters = prose.characters(text)
    doc.names_in_text = prose.capitalised_words(text)
    doc.review = review
    return doc


PARSERS: dict[str, Callable[[str], ParsedDocument]] = {
    DISC_REVIEW: parse_disc_review,
    RELEASE_LISTING: parse_release_listing,
    BLOG_REVIEW: parse_blog_review,
}
assert set(PARSERS) == set(KINDS)


def parse_document(text: str, kind: str | None = None) -> ParsedDocument:
    """Detect (or take) the kind and parse; any failure is a DocumentError with a reason."""
    kind = kind or detect_kind(text)
    if kind is None:
        raise DocumentError(
            "could not tell what kind of document this is (a disc review with scores, a "
            "release listing with prices and specs, or a blog review with movie details); "
            "pass --kind if you know"
        )
    if kind not in PARSERS:
        raise DocumentError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    try:
        return PARSERS[kind](text)
    except DocumentError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, RecursionError) as exc:
        raise DocumentError(f"the {kind_words(kind)} could not be read ({exc})") from exc
