"""Who asks, where: the neutral request every platform hands the core.

The adapters fill these in; the core reads them and never parses a platform's syntax
itself (a Discord role, a Matrix user id): what a mention looks like is the platform's
`mentions` rule, given here as plain functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class MentionError(ValueError):
    """A mention the platform cannot take; `title` and the message say why, kindly."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title


@dataclass(frozen=True)
class Mentions:
    """How a platform names who an announcement may ping.

    `parse` turns what the user gave (a role picked in an option, `@room`, a user id) into
    the stored value, or raises MentionError; `describe` says a stored value in words."""

    parse: Callable[[str], str]
    describe: Callable[[str], str]


@dataclass(frozen=True)
class Platform:
    """What the core needs to know of the platform it answers on."""

    name: str = "console"
    prefix: str = "!"  # how commands are written there: '!film', or '/film' on Discord
    place: str = "channel"  # what a conversation is called: 'channel', 'room'
    menus: bool = False  # choices are shown as a menu beside the numbered list
    mentions: Mentions | None = None  # None: nowhere to post announcements
    manage_rule: str = "permission to manage this server"  # who may change subscriptions
    post_rights: str = "permission to post here"  # what the bot needs to post announcements

    @property
    def announces(self) -> bool:
        return self.mentions is not None


CONSOLE = Platform()


@dataclass(frozen=True)
class Request:
    """One question: on which platform, in which channel or room, from whom."""

    platform: Platform = CONSOLE
    channel: str = "console"
    user: str = "you"
    scope: str = ""  # the server (Discord guild id); a Matrix room is its own scope
    can_manage: bool = False  # may change this channel's subscriptions (the adapter knows)

    @property
    def prefix(self) -> str:
        return self.platform.prefix

    @property
    def key(self) -> tuple[str, str, str]:
        """Whose open question this is: pending choices answer only their asker."""
        return (self.platform.name, self.channel, self.user)
