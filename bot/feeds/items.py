"""A feed entry as a document the release-listing parser reads: its key, name and text."""

from __future__ import annotations

import hashlib
import xml.parsers.expat
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag

# Elements that start a new line in a browser; their text must stay on lines of its own,
# because the listing parser reads 'Label: value' details line by line.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    ]
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# The elements that are a feed's items: RSS <item>, Atom <entry> (any prefix).
_ITEM_NAMES = frozenset(["item", "entry"])
_SCAN_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FeedItem:
    key: str  # the entry's id, else its link, else a hash of its title and text
    title: str
    link: str | None
    text: str  # the title, then the entry's content as text

    @property
    def name(self) -> str:
        """How the item is named in import outcomes and logs."""
        return self.title or self.link or self.key

    @property
    def has_body(self) -> bool:
        """Whether the entry says more than its title (a cut-short item says nothing)."""
        return self.text.strip() != self.title.strip()


def html_to_text(html: str) -> str:
    """Text with a line per paragraph, heading, list item or line break; '• ' before items.

    BeautifulSoup parses; the tree is walked once without changing it (inserting text into
    a tree of thousands of nested or sibling elements is quadratic in bs4).
    """
    soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    stack: list[PageElement | str] = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            out.append(node)  # a separator pushed below, written once the element ends
        elif isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):  # not comments, doctypes, ...
                out.append(str(node))
        elif isinstance(node, Tag):
            if node.name == "br":
                out.append("\n")
                continue
            if node.name in _BLOCKS:
                out.append("\n• " if node.name == "li" else "\n")
                stack.append("\n")
            elif node.name in ("td", "th"):
                stack.append(" ")
            stack.extend(reversed(node.contents))
    # No blank lines: a browser shows none between blocks, and the parser reads a list
    # with blank lines between its items as separate paragraphs.
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _detail_text(detail: Mapping[str, Any] | None) -> str:
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    if detail.get("type", "text/html") in _HTML_TYPES:
        return html_to_text(value)
    return "\n".join(line.strip() for line in value.splitlines()).strip()


def entry_body(entry: Mapping[str, Any]) -> str:
    """The entry's fullest text: its content (Atom content, RSS content:encoded), else its
    summary (RSS description)."""
    bodies = [_detail_text(part) for part in entry.get("content") or []]
    body = max(bodies, key=len, default="")
    return body or _detail_text(entry.get("summary_detail"))


def feed_item(entry: Mapping[str, Any]) -> FeedItem:
    title = " ".join(str(entry.get("title") or "").split())
    body = entry_body(entry)
    link = str(entry.get("link") or "").strip() or None
    key = str(entry.get("id") or "").strip() or link
    if not key:
        key = "sha256:" + hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    text = "\n".join(part for part in (title, body) if part)
    return FeedItem(key=key, title=title, link=link, text=text)


class _Enough(Exception):
    """Raised inside the scan when the item past the limit starts."""


def first_items(document: bytes, limit: int) -> bytes | None:
    """The document cut down to its first `limit` items, still well-formed: the bytes up
    to the item after the limit, then the end tags of the elements open there. None when
    the document holds no more items (or cannot be scanned: not XML, a multi-byte
    encoding, entities declared in it); the caller then reads it whole.

    The scan (expat, in C) stops at the item past the limit, so a feed of a hundred
    thousand items costs no more to read than one of `limit` items.
    """
    if limit < 0 or document[:2] in (b"\xfe\xff", b"\xff\xfe") or b"\x00" in document[:4]:
        return None  # UTF-16/32: end tags could not be appended as bytes
    parser = xml.parsers.expat.ParserCreate()
    open_elements: list[str] = []
    item_depth = 0  # how deep the item being read sits; 0 outside items
    items = 0
    cut: tuple[int, list[str]] | None = None

    def start(name: str, _attrs: object) -> None:
        nonlocal items, item_depth, cut
        if not item_depth and name.rpartition(":")[2] in _ITEM_NAMES:
            items += 1
            if items > limit:
                cut = (parser.CurrentByteIndex, list(open_elements))
                raise _Enough
            item_depth = len(open_elements) + 1
        open_elements.append(name)

    def end(_name: str) -> None:
        nonlocal item_depth
        open_elements.pop()
        if item_depth > len(open_elements):
            item_depth = 0

    def entity(*_args: object) -> None:
        raise xml.parsers.expat.ExpatError("entities declared")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = entity
    try:
        for offset in range(0, len(document), _SCAN_CHUNK):
            parser.Parse(document[offset : offset + _SCAN_CHUNK], False)
        parser.Parse(b"", True)
    except _Enough:
        pass
    except (xml.parsers.expat.ExpatError, ValueError):
        return None
    if cut is None:
        return None
    index, still_open = cut
    ends = "".join(f"</{name}>" for name in reversed(still_open))
    return document[:index] + ends.encode("ascii", "xmlcharrefreplace")
