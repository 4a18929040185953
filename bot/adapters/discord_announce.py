"""Announcements on Discord: channel messages posted with a persisted nonce.

discord.py sends `enforce_nonce` with every nonce, so a repeated post (a retry, a restart
after a crash between "sent" and "recorded") returns the first message instead of a
second one. Permissions are checked from the cache first, so a channel where the bot may
not post costs no failed request (Discord bans IPs with too many of those).
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.adapters.discord_send import NO_MENTIONS, message_parts, plain_parts
from bot.announce.delivery import SendError
from bot.cards import Reply
from bot.constants import DISCORD_MESSAGE_CONTENT_MAX
from bot.render.fit import cut_text

log = logging.getLogger(__name__)


class DiscordSender:
    platform = "discord"

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    def _parts(self, target: str, reply: Reply, mention: str | None) -> dict[str, Any]:
        channel = self.bot.get_channel(int(target))
        parts = message_parts(reply)
        if isinstance(channel, discord.abc.GuildChannel):
            me = channel.guild.me
            allowed = channel.permissions_for(me) if me is not None else None
            if allowed is not None:
                if not allowed.view_channel:
                    raise SendError("Missing Access: I can't see this channel", failing=True)
                if not allowed.send_messages:
                    raise SendError("Missing Permissions: Send Messages", failing=True)
                if not allowed.embed_links:
                    parts = plain_parts(reply)
        if mention:
            role = discord.Object(int(mention))
            prefix = f"<@&{int(mention)}> "
            content = cut_text(
                parts.get("content") or "", DISCORD_MESSAGE_CONTENT_MAX - len(prefix)
            )
            parts["content"] = prefix + content
            parts["allowed_mentions"] = discord.AllowedMentions(
                everyone=False, users=False, roles=[role], replied_user=False
            )
        else:
            parts["allowed_mentions"] = NO_MENTIONS
        return parts

    async def post(self, target: str, reply: Reply, *, nonce: str, mention: str | None) -> str:
        channel = self.bot.get_partial_messageable(int(target))
        parts = self._parts(target, reply, mention)
        try:
            message = await channel.send(nonce=nonce, **parts)
        except discord.HTTPException as exc:
            raise _send_error(exc) from None
        return str(message.id)

    async def edit(
        self, target: str, message_id: str, reply: Reply, *, nonce: str, mention: str | None
    ) -> None:
        channel = self.bot.get_partial_messageable(int(target))
        parts = self._parts(target, reply, mention)
        parts.setdefault("content", None)  # an edit to plain text or back replaces both
        try:
            await channel.get_partial_message(int(message_id)).edit(**parts)
        except discord.HTTPException as exc:
            raise _send_error(exc, editing=True) from None


def _send_error(exc: discord.HTTPException, *, editing: bool = False) -> SendError:
    """Discord's refusal as the delivery loop understands it."""
    if isinstance(exc, discord.Forbidden):
        return SendError(f"{exc.text or 'Missing Permissions'} (Discord {exc.code})", failing=True)
    if isinstance(exc, discord.NotFound):
        if editing and exc.code == 10008:  # Unknown Message: someone deleted it
            return SendError("the message was deleted", gone=True)
        return SendError(f"{exc.text or 'Unknown Channel'} (Discord {exc.code})", failing=True)
    if 400 <= exc.status < 500 and exc.status != 429:
        # Refused as sent (a bug, a limit): retrying the same thing cannot help, so the
        # subscription shows it instead of waiting in silence.
        return SendError(f"Discord refused it ({exc.status}: {exc.text or exc})", failing=True)
    return SendError(f"Discord said {exc.status}: {exc.text or exc}")
