"""A channel message that mentions the bot is a question, answered like `/ask`.

Discord sends a bot the text of messages that mention it even without the privileged
message-content intent, so only the unprivileged message intents are needed. The
mention is taken out, the rest goes to the core's `ask` (a leading `/film …` or `!film …`
runs that command instead), and the answer is a reply to the message with the same card
as `/ask`, pinging nobody: not the asker, not anyone the data names.
"""

from __future__ import annotations

import dataclasses
import logging
import re

import discord

from bot.adapters.discord_send import NO_MENTIONS, message_parts, plain_parts
from bot.adapters.platforms import DISCORD
from bot.cards import Reply
from bot.core.engine import Core
from bot.core.request import Request

log = logging.getLogger(__name__)
# No menu rides on a message reply: a "which film" list is answered with /pick N.
MENTION_PLATFORM = dataclasses.replace(DISCORD, menus=False)


def question_of(content: str, bot_id: int) -> str:
    """The message without the bot's mentions (`<@id>`, `<@!id>`) and the punctuation
    that addressed it ('@filmbot, who directed stalker' -> 'who directed stalker')."""
    text = re.sub(rf"<@!?{bot_id}>", " ", content)
    return " ".join(text.split()).strip(" ,:;")


def mentions_bot(message: discord.Message, bot_user: discord.abc.User | None) -> bool:
    """A message from a person that mentions this bot by name (not @everyone, not a
    role): Discord lists the mentioned users with the message."""
    if bot_user is None or message.author.bot or message.author.id == bot_user.id:
        return False
    return any(user.id == bot_user.id for user in message.mentions)


def request_of_message(message: discord.Message) -> Request:
    return Request(
        platform=MENTION_PLATFORM,
        channel=str(message.channel.id),
        user=str(message.author.id),
        scope=str(message.guild.id if message.guild else ""),
    )


async def answer_mention(core: Core, message: discord.Message, bot_id: int) -> Reply:
    """The core's reply to a message that mentions the bot."""
    question = question_of(message.content, bot_id)
    req = request_of_message(message)
    if question[:1] in ("/", "!") and core.command_for("!" + question[1:]) is not None:
        reply = await core.handle("!" + question[1:], req)
        if reply is not None:
            return reply
    return await core.call("ask", req, question=question)


async def reply_to_mention(core: Core, message: discord.Message, bot_id: int) -> None:
    """Answer the message in its channel, as a reply that pings no one."""
    reply = await answer_mention(core, message, bot_id)
    embed = True
    if message.guild is not None:
        embed = message.channel.permissions_for(message.guild.me).embed_links
    parts = message_parts(reply) if embed else plain_parts(reply)
    parts["allowed_mentions"] = NO_MENTIONS
    try:
        try:
            await message.reply(mention_author=False, **parts)
        except discord.Forbidden:
            # A reply needs Read Message History, which the invite does not ask for:
            # without it, the answer goes to the channel as a plain message.
            await message.channel.send(**parts)
    except discord.HTTPException as exc:
        log.warning(
            "could not answer a mention in channel %s of guild %s: %s",
            message.channel.id,
            message.guild.id if message.guild else None,
            exc,
        )
