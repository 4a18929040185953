"""One message in, what a platform would send out, as in a direct chat (`filmbot ask`,
the console)."""

from __future__ import annotations

from typing import Any

from bot.core.commands import not_a_command
from bot.core.engine import Context, Core
from bot.render.answer import PREFIXES, render


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
