"""One message in, what a platform would send out, as in a direct chat (`filmbot ask`,
the console)."""

from __future__ import annotations

from typing import Any

from bot.core.commands import not_a_command
from bot.core.engine import Core
from bot.core.request import Platform, Request
from bot.render.answer import PREFIXES, render


def direct(renderer: str) -> Request:
    """A direct chat that shows what `renderer`'s platform would send: its prefix, and a
    menu beside the numbered list where the platform has menus (Discord)."""
    return Request(Platform(f"cli-{renderer}", PREFIXES[renderer], menus=renderer == "discord"))


async def render_answer(
    core: Core,
    message: str,
    platform: str = "text",
    *,
    req: Request | None = None,
    reveal: bool = False,
) -> Any:
    """Answer `message` as the bot would on `platform`, in a direct chat: text that is
    not a command is a question in plain words (`!ask`); a lone prefix gets a hint (in a
    chat room the adapters stay silent instead)."""
    req = req or direct(platform)
    reply = await core.handle(message, req)
    if reply is None and message.strip() and not message.lstrip().startswith(("!", "/")):
        reply = await core.call("ask", req, question=message)
    if reply is None:
        reply = not_a_command(message, req.prefix)
    return render(reply, platform, reveal=reveal)
