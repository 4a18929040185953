"""The kinds of document filmbot reads: the one registry of them.

The parsers, the merge, the feed poller, `filmbot import --kind` and the review cards all
take them from here. A document's kind is also its source's kind in the database
(`sources.kind`).
"""

from __future__ import annotations

DISC_REVIEW = "disc_review"
RELEASE_LISTING = "release_listing"
BLOG_REVIEW = "blog_review"
KINDS = (DISC_REVIEW, RELEASE_LISTING, BLOG_REVIEW)
# How a card names each kind.
KIND_LABELS = {
    DISC_REVIEW: "Disc review",
    RELEASE_LISTING: "Release listing",
    BLOG_REVIEW: "Blog review",
}


def kind_words(kind: str) -> str:
    """A kind as words for people: 'disc review'."""
    return kind.replace("_", " ")
