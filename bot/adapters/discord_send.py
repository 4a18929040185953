"""Sending a core `Reply` as a Discord interaction response, within Discord's rules.

A response, or a follow-up once deferred (a deferred question or error stays visible to
the asker only); escaped plain text where the bot may not embed. Mentions are off for
every message.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord

from bot.adapters.platforms import DISCORD
from bot.cards import Reply
from bot.constants import DISCORD_MESSAGE_CONTENT_MAX
from bot.core.request import Request
from bot.render import discord as render
from bot.render import text
from bot.render.fit import cut_text
from bot.render.safety import discord_escape

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()


def request_of(interaction: discord.Interaction) -> Request:
    """Who asked where, as the core sees it."""
    return Request(
        platform=DISCORD,
        channel=str(interaction.channel_id or "dm"),
        user=str(interaction.user.id),
        scope=str(interaction.guild_id or ""),
        # The member's permissions in this channel, as Discord resolved them.
        can_manage=interaction.guild_id is not None and interaction.permissions.manage_guild,
    )


def message_parts(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for discord.py's send methods: the renderer's payload as objects."""
    payload = render.render_reply(reply)
    parts: dict[str, Any] = {
        "embeds": [discord.Embed.from_dict(e) for e in payload["embeds"]],
        "allowed_mentions": NO_MENTIONS,
    }
    if payload.get("content"):
        parts["content"] = payload["content"]
    return parts


def plain_parts(reply: Reply) -> dict[str, Any]:
    """The reply as escaped plain text, for channels where the bot may not embed."""
    body = discord_escape(text.render_reply(reply, width=None))
    note = "\n(I lack the Embed Links permission here, so this is the plain version.)"
    return {
        "content": cut_text(body, DISCORD_MESSAGE_CONTENT_MAX - len(note)) + note,
        "allowed_mentions": NO_MENTIONS,
    }


async def send(
    interaction: discord.Interaction, reply: Reply, *, view: discord.ui.View | None = None
) -> None:
    """Send `reply` as the response (or a follow-up, once responded or deferred)."""
    permissions = interaction.app_permissions
    parts = message_parts(reply) if permissions.embed_links else plain_parts(reply)
    if view is not None:
        parts["view"] = view
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=reply.ephemeral, **parts)
        elif reply.ephemeral and _deferred_in_public(interaction):
            # The first follow-up would fill the public "thinking…" message, whatever its
            # own flags say: remove that message, then answer only the asker.
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=True, **parts)
        else:
            await interaction.followup.send(ephemeral=reply.ephemeral, **parts)
    except discord.Forbidden as exc:
        log.warning(
            "cannot answer in channel %s of guild %s: %s",
            interaction.channel_id,
            interaction.guild_id,
            exc.text,
        )
        await _tell_missing_permission(interaction)


def _deferred_in_public(interaction: discord.Interaction) -> bool:
    return interaction.response.type == discord.InteractionResponseType.deferred_channel_message


async def note(interaction: discord.Interaction, text: str) -> None:
    """A short ephemeral note (errors, refusals), whatever state the interaction is in."""
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        if _deferred_in_public(interaction):
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("could not send a note to user %s: %s", interaction.user.id, exc)


async def _tell_missing_permission(interaction: discord.Interaction) -> None:
    await note(
        interaction,
        "I could not post my answer in this channel: a permission is missing. "
        "Ask a server admin to let me send messages and embed links here.",
    )
