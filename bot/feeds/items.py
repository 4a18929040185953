"""A feed entry as a document the release-listing parser reads: its key, name and text."""

from __future__ import annotations

import hashlib
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
