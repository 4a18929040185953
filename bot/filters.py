"""Subscription filters: what a channel wants announced, parsed from `key:value` words.

`label:criterion format:blu-ray genre:drama director:kalatozov country:france
keyword:war since:2020-01-01 mention:@role` (the `subscribe` command's options). A key
may repeat (`format:dvd format:4k`): any of its values matches; every key given must match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.text import fold
from bot.words import FORMATS, LABEL_WORDS, bare_word, join_format_words

FILTER_KEYS = ("label", "format", "genre", "director", "country", "keyword")
OPTION_KEYS = ("since", "mention")


class FilterError(ValueError):
    """Words that are not filters; the message says what was wrong and how to write it."""


@dataclass(frozen=True)
class EditionProfile:
    """What filters look at for one edition (folded, lower-case text)."""

    edition_id: int
    label: str
    format: str | None
    release_date: str | None
    genres: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    text: str = ""  # titles of the edition and its films, for keywords


@dataclass(frozen=True)
class Filters:
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def matches(self, edition: EditionProfile) -> bool:
        for key, wanted in self.values.items():
            if not any(_match(key, value, edition) for value in wanted):
                return False
        return True

    def describe(self) -> str:
        """'label: criterion · format: Blu-ray', or 'every new edition'."""
        if not self.values:
            return "every new edition"
        return " · ".join(f"{key}: {' or '.join(vals)}" for key, vals in self.values.items())

    def to_json(self) -> dict[str, list[str]]:
        return {key: list(vals) for key, vals in self.values.items()}

    @classmethod
    def from_json(cls, data: dict[str, list[str]]) -> Filters:
        return cls({k: tuple(v) for k, v in data.items() if k in FILTER_KEYS and v})


def _words_in(wanted: str, have: str) -> bool:
    """Every word of `wanted` is a word of `have` ('criterion' in 'the criterion
    collection'; 'niger' is not in 'nigeria')."""
    words = fold(wanted).split()
    return bool(words) and all(re.search(rf"\b{re.escape(w)}\b", have) for w in words)


def _match(key: str, value: str, edition: EditionProfile) -> bool:
    if key == "format":
        return edition.format == value
    if key == "label":
        return _words_in(value, fold(edition.label))
    if key == "genre":
        return any(_words_in(value, g) for g in edition.genres)
    if key == "director":
        return any(_words_in(value, d) for d in edition.directors)
    if key == "country":
        return any(_words_in(value, c) for c in edition.countries)
    if key == "keyword":
        return _words_in(value, edition.text)
    return False


@dataclass(frozen=True)
class SubscribeRequest:
    filters: Filters
    since: date | None = None
    mention: str | None = None


# How the subscribe options are written, said after a mistake.
USAGE = (
    "Write filters as key:value, e.g. label:criterion format:blu-ray genre:drama "
    "director:kalatozov country:france keyword:war since:2024-01-01"
)


def subscribe_request(values: Mapping[str, str | Sequence[str] | None]) -> SubscribeRequest:
    """A subscription's filters from option values (each filter key may hold several);
    raises FilterError with a friendly reason."""
    found: dict[str, list[str]] = {}
    since = mention = None
    for key in FILTER_KEYS + OPTION_KEYS:
        given = values.get(key)
        for value in (given,) if isinstance(given, str) else given or ():
            value = value.strip().strip("\"'“”").strip()
            if not value:
                raise FilterError(f"{key}: needs a value. {USAGE}.")
            if len(value) > 100:
                raise FilterError(f"The {key} filter is too long (100 characters at most).")
            if key == "since":
                try:
                    since = date.fromisoformat(value)
                except ValueError:
                    raise FilterError(
                        f"since: takes a date like 2024-01-31, not “{value[:30]}”."
                    ) from None
            elif key == "mention":
                mention = value
            elif key == "format":
                fmt = FORMATS.get(bare_word(join_format_words(value).replace(" ", "-")))
                if fmt is None:
                    raise FilterError(f"format: is one of dvd, blu-ray or 4k, not “{value[:30]}”.")
                found.setdefault(key, []).append(fmt)
            else:
                if key == "label":
                    value = LABEL_WORDS.get(value.lower(), value)
                if not fold(value).split():
                    raise FilterError(f"{key}: needs letters or digits, not “{value[:30]}”.")
                found.setdefault(key, []).append(value)
    if sum(len(v) for v in found.values()) > 20:
        raise FilterError("That is a lot of filters: 20 values at most.")
    filters = Filters({k: tuple(dict.fromkeys(v)) for k, v in found.items()})
    return SubscribeRequest(filters, since, mention)
