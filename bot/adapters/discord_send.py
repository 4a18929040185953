"""Sending a core `Reply` as a Discord interaction response, within Discord's rules.

The answer is computed first; if it takes longer than DISCORD_ANSWER_BUDGET_SECONDS the
interaction is deferred ("thinking…") and the answer follows, so Discord never says the
application did not respond. Mentions are off for every message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any

import discord

from bot.cards import Reply
from bot.constants import DISCORD_ANSWER_BUDGET_SECONDS, DISCORD_MESSAGE_CONTENT_MAX
from bot.core.engine import Context, Core
from bot.render import discord as render
from bot.render import text
from bot.render.fit import cut_text
from bot.render.safety import discord_escape

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()


def context_of(interaction: discord.Interaction) -> Context:
    """Who asked where, as the core keys pending questions."""
    return Context(
        platform="discord",
        channel=str(interaction.channel_id or "dm"),
        user=str(interaction.user.id),
        prefix="/",
        scope=str(interaction.guild_id or ""),
        # The member's permissions in this channel, as Discord resolved them.
        can_manage=interaction.guild_id is not None and interaction.permissions.manage_guild,
        manage_rule="the Manage Server permission",
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


async def within_budget(interaction: discord.Interaction, work: Awaitable[Reply]) -> Reply:
    """The answer; if it is not ready within the budget, defer first, then wait for it."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), DISCORD_ANSWER_BUDGET_SECONDS)
    except TimeoutError:
        await interaction.response.defer(thinking=True)
        return await task


async def answer(
    interaction: discord.Interaction, core: Core, name: str, title: str = "", *extra: str
) -> None:
    """Run a core command for a slash command and send its reply (with a menu if it asks)."""
    from bot.adapters.discord_views import PageView, pages_of, view_for  # they import us

    ctx = context_of(interaction)
    reply = await within_budget(interaction, core.answer(name, ctx, title, *extra))
    pages = pages_of(reply) if not reply.choices else [reply]
    if len(pages) > 1:
        await send(interaction, pages[0], view=PageView(interaction, pages))
    else:
        await send(interaction, reply, view=view_for(core, ctx, interaction, reply))
