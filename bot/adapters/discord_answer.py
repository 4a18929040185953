"""A slash command answered: the core's reply within Discord's time budget, then sent
with a menu when it asks which film, or with page buttons when it is long."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import discord

from bot.adapters.discord_send import request_of, send
from bot.adapters.discord_views import PageView, pages_of, view_for
from bot.cards import Reply
from bot.constants import DISCORD_ANSWER_BUDGET_SECONDS
from bot.core.engine import Core


async def within_budget(interaction: discord.Interaction, work: Awaitable[Reply]) -> Reply:
    """The answer; if it is not ready within the budget, defer first, then wait for it."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), DISCORD_ANSWER_BUDGET_SECONDS)
    except TimeoutError:
        await interaction.response.defer(thinking=True)
        return await task


async def answer(interaction: discord.Interaction, core: Core, name: str, /, **values: Any) -> None:
    """Run a core command with the slash command's typed options and send its reply."""
    req = request_of(interaction)
    reply = await within_budget(interaction, core.call(name, req, **values))
    pages = pages_of(reply) if not reply.choices else [reply]
    if len(pages) > 1:
        await send(interaction, pages[0], view=PageView(interaction, pages))
    else:
        await send(interaction, reply, view=view_for(core, req, interaction, reply))
