"""One message in, what a platform would send out: `filmbot ask --as …` and tests."""

from __future__ import annotations

from typing import Any

from bot.core.cards import Reply
from bot.core.commands import not_a_command
from bot.core.engine import Context, Core
from bot.render import text

RENDERERS = ("text", "discord", "matrix")
# How each platform writes commands: Discord users type slash commands.
PREFIXES = {"text": "!", "discord": "/", "matrix": "!"}


def render(reply: Reply, platform: str, *, reveal: bool = False) -> Any:
    """A reply as `platform` sends it: terminal text, a Discord payload or Matrix content."""
    if platform == "discord":
        from bot.render import discord

        return discord.render_reply(reply)
    if platform == "matrix":
        from bot.render import matrix

        return matrix.render_reply(reply)
    return text.render_reply(reply, reveal=reveal)


async def render_answer(
    core: Core,
    message: str,
    platform: str = "text",
    *,
    ctx: Context | None = None,
    reveal: bool = False,
) -> Any:
    """Answer `message` as the bot would on `platform`, in a direct chat: text that is
    not a command gets a hint (in a chat room the adapters stay silent instead)."""
    ctx = ctx or Context(platform=f"cli-{platform}", prefix=PREFIXES[platform])
    reply = await core.handle(message, ctx)
    if reply is None:
        reply = not_a_command(message, ctx.prefix)
    return render(reply, platform, reveal=reveal)
