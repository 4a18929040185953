"""Facts that reviews state in sentences rather than in a details block."""

from __future__ import annotations

import re

from bot.importers.documents.fields import format_from
from bot.importers.documents.model import EarlierEdition
from bot.text import sentences

_NAME = r"[A-Z][a-zà-ÿ'’\-]+(?:\s+(?:[A-Z][a-zà-ÿ'’\-]+|de|da|von|van|del|der|la|le))*\s+[A-Z][a-zà-ÿ'’\-]+"
_CHARACTER = re.compile(rf"\b(?P<character>[A-Z][a-zà-ÿ]+)\s+\((?P<actor>{_NAME})\)")
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
