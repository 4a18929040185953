"""Which Matrix events the bot answers, and which invites it accepts: pure functions on
the raw event JSON, so a malformed event is just one that is not answered."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from bot.constants import MATRIX_COMMAND_PREFIX

# The product's own name: people address the bot by it whatever its account is called.
BOT_NAME = "filmbot"


@dataclass(frozen=True)
class Command:
    event_id: str
    room_id: str
    sender: str
    body: str


def command_in(
    event: Any, room_id: str, own_user_id: str, names: tuple[str, ...] = ()
) -> Command | None:
    """The command an event carries, or None: only `m.text` messages from someone else,
    not edits, that start with '!', or that address the bot (see `question_in`): those
    are `!ask` questions. Notices (other bots, ourselves) are never answered.
    `names`: what people call the bot besides its user id (its display name)."""
    if not isinstance(event, dict) or event.get("type") != "m.room.message":
        return None
    content = event.get("content")
    sender, event_id = event.get("sender"), event.get("event_id")
    if (
        not isinstance(content, dict)
        or not isinstance(sender, str)
        or not isinstance(event_id, str)
    ):
        return None
    if sender == own_user_id or content.get("msgtype") != "m.text":
        return None
    relates = content.get("m.relates_to")
    if "m.new_content" in content or (
        isinstance(relates, dict) and relates.get("rel_type") == "m.replace"
    ):
        return None  # an edit of an earlier message, answered already if at all
    body = content.get("body")
    if not isinstance(body, str):
        return None
    if body.lstrip().startswith(MATRIX_COMMAND_PREFIX):
        return Command(event_id, room_id, sender, body.strip())
    question = question_in(content, own_user_id, names)
    if question is None:
        return None
    if question.startswith(MATRIX_COMMAND_PREFIX):  # 'filmbot: !film solaris'
        return Command(event_id, room_id, sender, question)
    return Command(event_id, room_id, sender, f"{MATRIX_COMMAND_PREFIX}ask {question}".strip())


def _without_reply_fallback(body: str) -> str:
    """A reply's body quotes what it answers ('> <@bot:x> ...' lines, then a blank line)."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(">"):
        return body
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines)


def _pill_texts(content: dict, own_user_id: str) -> list[str]:
    """The visible text of the pills (matrix.to links) that mention the bot."""
    formatted = content.get("formatted_body")
    if content.get("format") != "org.matrix.custom.html" or not isinstance(formatted, str):
        return []
    formatted = re.sub(r"(?is)<mx-reply>.*?</mx-reply>", "", formatted)
    found = []
    for href, text in re.findall(
        r"(?is)<a\s[^>]*href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", formatted
    ):
        target = html.unescape(href).split("#/", 1)[-1].split("?", 1)[0]
        if target.replace("%40", "@").replace("%3A", ":").replace("%3a", ":") == own_user_id:
            found.append(html.unescape(re.sub(r"<[^>]+>", "", text)).strip())
    return [t for t in found if t]


def question_in(content: dict, own_user_id: str, names: tuple[str, ...] = ()) -> str | None:
    """The question of a message that addresses the bot, or None for conversation.

    Addressed: the message mentions the bot (`m.mentions`, a pill linking its user id, or
    its user id written out), or starts with one of its names followed by ':' or ','
    ('filmbot: who directed stalker'). What addresses it is taken out of the question."""
    body = _without_reply_fallback(str(content.get("body") or "")).strip()
    mentions = content.get("m.mentions")
    listed = isinstance(mentions, dict) and own_user_id in (mentions.get("user_ids") or [])
    pills = _pill_texts(content, own_user_id)
    written = own_user_id.lower() in body.lower()
    localpart = own_user_id.split(":", 1)[0].lstrip("@")
    known = sorted({n for n in (*names, localpart, BOT_NAME) if n}, key=len, reverse=True)
    named = None
    for name in known:
        pattern = rf"^@?{re.escape(name)}\s*[:,]"
        if match := re.match(pattern, body, flags=re.IGNORECASE):
            named = match
            break
    if not (listed or pills or written or named):
        return None
    text = re.sub(re.escape(own_user_id), " ", body, flags=re.IGNORECASE)
    for pill in sorted(pills, key=len, reverse=True):
        text = text.replace(pill, " ", 1)
    text = text.strip()
    for name in known:  # the name that leads or ends the question ('…, filmbot?')
        text = re.sub(rf"^@?{re.escape(name)}\b\s*[:,]?", "", text, flags=re.IGNORECASE)
        text = re.sub(rf",\s*@?{re.escape(name)}\s*([?!.]*)$", r"\1", text, flags=re.IGNORECASE)
    return " ".join(text.split()).strip(" ,:;")


def inviter_of(invite_state: Any, own_user_id: str) -> str | None:
    """Who invited us, from a room's stripped invite state."""
    if not isinstance(invite_state, list):
        return None
    # The homeserver puts the real invite last; earlier entries may come unchecked from
    # another server, so a forged "invited by an allowed user" must not win.
    for event in reversed(invite_state):
        if (
            isinstance(event, dict)
            and event.get("type") == "m.room.member"
            and event.get("state_key") == own_user_id
            and isinstance(event.get("content"), dict)
            and event["content"].get("membership") == "invite"
        ):
            sender = event.get("sender")
            return sender if isinstance(sender, str) else None
    return None


def invite_allowed(
    inviter: str | None, room_id: str, allowed: tuple[str, ...], own_user_id: str
) -> bool:
    """An allow-list entry is a user id ('@ana:example.org'), a server (':example.org'),
    a room id ('!abc:example.org') or '*'. With no list: users of the bot's own server."""
    if not allowed:
        allowed = (":" + own_user_id.split(":", 1)[-1],)
    for entry in allowed:
        if entry == "*" or entry == room_id or (inviter and entry == inviter):
            return True
        if entry.startswith(":") and inviter and inviter.endswith(entry):
            return True
    return False
