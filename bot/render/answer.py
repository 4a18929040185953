"""A reply rendered for any platform by name: `filmbot ask --as …`, the console and tests."""

from __future__ import annotations

from typing import Any

from bot.cards import Reply
from bot.render import discord, matrix, text

RENDERERS = ("text", "discord", "matrix")
# How each platform writes commands: Discord users type slash commands.
PREFIXES = {"text": "!", "discord": "/", "matrix": "!"}


def render(reply: Reply, platform: str, *, reveal: bool = False) -> Any:
    """A reply as `platform` sends it: terminal text, a Discord payload or Matrix content."""
    if platform == "discord":
        return discord.render_reply(reply)
    if platform == "matrix":
        return matrix.render_reply(reply)
    return text.render_reply(reply, reveal=reveal)
