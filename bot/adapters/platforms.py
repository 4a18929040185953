"""What each chat platform tells the core about itself: how commands are written there,
what a conversation is called, who may manage it, and what a mention looks like.

The core keeps no platform syntax of its own; it calls these rules (`Platform.mentions`).
"""

from __future__ import annotations

import re

from bot.constants import ANNOUNCE_MANAGE_POWER_LEVEL
from bot.core.request import MentionError, Mentions, Platform

_DISCORD_ROLE = re.compile(r"^(?:<@&)?([0-9]{15,21})>?$")
_MATRIX_USER = re.compile(r"^@[a-z0-9._=/+-]+:[A-Za-z0-9.:\[\]-]+$")


def discord_role(value: str) -> str:
    """A role picked in the option (its id) or written as <@&id>: stored as the id."""
    if match := _DISCORD_ROLE.match(value):
        return match[1]
    raise MentionError(
        "Which role?", "mention: takes a role (pick it in the option), e.g. mention:@Releases."
    )


def matrix_target(value: str) -> str:
    """'@room' or one user id."""
    if value == "@room" or _MATRIX_USER.match(value):
        return value
    raise MentionError("Who?", "mention: takes @room or a user id like @alice:example.org.")


DISCORD = Platform(
    name="discord",
    prefix="/",
    place="channel",
    menus=True,
    mentions=Mentions(parse=discord_role, describe=lambda stored: f"role {stored}"),
    manage_rule="the Manage Server permission",
    post_rights="Send Messages and Embed Links here",
)


def matrix(manage_power_level: int) -> Platform:
    """Matrix, where a power level decides who may manage a room."""
    return Platform(
        name="matrix",
        prefix="!",
        place="room",
        mentions=Mentions(parse=matrix_target, describe=lambda stored: stored),
        manage_rule=f"power level {manage_power_level} or more in this room",
        post_rights="a power level that lets me speak in this room",
    )


MATRIX = matrix(ANNOUNCE_MANAGE_POWER_LEVEL)  # the default level
