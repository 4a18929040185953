"""A protocol-level Discord emulator: the real discord.py talks to it instead of Discord.

An aiohttp server on 127.0.0.1 serves the REST routes and the gateway websocket a bot uses, so
discord.py runs unchanged except for two class attributes (see `DiscordEmulator.patch`):

    emu = DiscordEmulator()
    await emu.start()
    with emu.patch():
        client = MyClient(intents=discord.Intents.default(), guild_ready_timeout=0)
        task = asyncio.create_task(client.start("any-token"))
        await emu.wait_ready()
        it = await emu.command("film", {"title": "Alien"})
        assert (await it.callback())["type"] == 4
        await client.close()
        await task
    await emu.stop()

What Discord would receive is recorded as JSON (`InteractionHandle.callbacks`, `.followups`,
`.edits`, `DiscordEmulator.messages`, `.requests`), and the emulator behaves like Discord where a
bot depends on it:

- interactions: an interaction can be acknowledged once (40060 afterwards), only within the
  acknowledgement deadline (10062 afterwards); followups need an acknowledged interaction;
- message payloads over Discord's limits get 400 "Invalid Form Body" (50035);
- channel messages: `nonce` + `enforce_nonce` returns the first message; GET
  /channels/{id}/messages pages with `limit`, `before`, `after` and `around` (newest first);
  posting needs the bot's VIEW_CHANNEL (50001) and SEND_MESSAGES (50013) in the channel,
  permission overwrites included;
- rate limits: creating, editing and deleting channel messages is limited per channel (5 per
  5 s by default) and, across channels, globally (50 per second), with Discord's X-RateLimit-*
  headers on every response of those routes, so discord.py waits before it would be refused; a
  request over a limit gets Discord's 429 (`Via` header, JSON `retry_after` and `global`);
  interaction callbacks and webhooks are exempt, as on Discord;
- the guild: extra text channels (`add_channel`, with permission overwrites), roles
  (`add_role`, `add_member_role`) and the permissions they give, as interactions carry them
  (`member.permissions`, `app_permissions`);
- injected faults: 429s and 5xx (`fail_next`), 403s (`deny`, per route or per channel);
- the gateway: a dropped connection can be RESUMEd with the missed dispatches replayed.

The module depends only on aiohttp (discord.py is imported lazily by `patch`), so a benchmark can
construct and drive an emulator in a subprocess, or run it standalone:
`python -m tests.discord_emulator` prints its URLs and ids as one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import datetime
import hashlib
import json
import math
import re
import secrets
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from aiohttp import WSMsgType, web

__all__ = [
    "DiscordEmulator",
    "EmulatorError",
    "Interaction",
    "InteractionHandle",
    "max_in_window",
    "patch_discord",
]

API_VERSION = 10
DISCORD_EPOCH_MS = 1_420_070_400_000

# Gateway opcodes.
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Interaction types and callback types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CB_UPDATE = 4, 5, 6, 7
CB_AUTOCOMPLETE, CB_MODAL = 8, 9
_CALLBACKS_FOR = {
    APPLICATION_COMMAND: {CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_MODAL, 10, 12},
    MESSAGE_COMPONENT: {
        CB_MESSAGE,
        CB_DEFERRED_MESSAGE,
        CB_DEFERRED_UPDATE,
        CB_UPDATE,
        CB_MODAL,
        10,
    },
    AUTOCOMPLETE: {CB_AUTOCOMPLETE},
    MODAL_SUBMIT: {CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CB_UPDATE, 10},
}

# Message flags.
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

# Privileged gateway intents: GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT.
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_MESSAGE_CONTENT = 1 << 15

# Permission bits (the ones a chat bot cares about).
P_ADMINISTRATOR = 1 << 3
P_MANAGE_GUILD = 1 << 5  # "Manage Server"
P_ADD_REACTIONS = 1 << 6
P_VIEW_CHANNEL = 1 << 10
P_SEND_MESSAGES = 1 << 11
P_MANAGE_MESSAGES = 1 << 13
P_EMBED_LINKS = 1 << 14
P_ATTACH_FILES = 1 << 15
P_READ_MESSAGE_HISTORY = 1 << 16
P_USE_EXTERNAL_EMOJIS = 1 << 18
P_CONNECT = 1 << 20
P_SPEAK = 1 << 21
P_CHANGE_NICKNAME = 1 << 26
P_USE_APPLICATION_COMMANDS = 1 << 31
P_CREATE_PUBLIC_THREADS = 1 << 35
P_SEND_MESSAGES_IN_THREADS = 1 << 38
EVERYONE_PERMISSIONS = (
    P_ADD_REACTIONS
    | P_VIEW_CHANNEL
    | P_SEND_MESSAGES
    | P_EMBED_LINKS
    | P_ATTACH_FILES
    | P_READ_MESSAGE_HISTORY
    | P_USE_EXTERNAL_EMOJIS
    | P_CONNECT
    | P_SPEAK
    | P_CHANGE_NICKNAME
    | P_USE_APPLICATION_COMMANDS
    | P_CREATE_PUBLIC_THREADS
    | P_SEND_MESSAGES_IN_THREADS
)
BOT_ROLE_PERMISSIONS = EVERYONE_PERMISSIONS | P_MANAGE_MESSAGES
ALL_PERMISSIONS = (1 << 41) - 1

_ERROR_MESSAGES = {
    0: "General error",
    10003: "Unknown Channel",
    10004: "Unknown Guild",
    10008: "Unknown Message",
    10013: "Unknown User",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    10063: "Unknown application command",
    40060: "Interaction has already been acknowledged.",
    50001: "Missing Access",
    50005: "Cannot edit a message authored by another user",
    50006: "Cannot send an empty message",
    50013: "Missing Permissions",
    50035: "Invalid Form Body",
}
_STATUS_MESSAGES = {
    400: "400: Bad Request",
    401: "401: Unauthorized",
    403: "403: Forbidden",
    404: "404: Not Found",
    405: "405: Method Not Allowed",
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
    503: "503: Service Unavailable",
    504: "504: Gateway Timeout",
}


class EmulatorError(AssertionError):
    """Raised by the emulator's test helpers when the bot did not do what was awaited."""


# --------------------------------------------------------------------------- helpers


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None):
    # Exactly "application/json": discord.py compares the header verbatim and treats anything
    # else (aiohttp's json_response adds "; charset=utf-8") as text.
    all_headers = {"Content-Type": "application/json"}
    if headers:
        all_headers.update(headers)
    return web.Response(body=_dumps(data).encode(), status=status, headers=all_headers)


def _error(status: int, code: int = 0, message: str | None = None, errors: dict | None = None):
    if message is None:
        message = _ERROR_MESSAGES.get(code) if code else _STATUS_MESSAGES.get(status, str(status))
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return _json_response(body, status)


def _no_content() -> web.Response:
    return web.Response(status=204)


def _fixed_snowflake(iso_day: str, increment: int) -> int:
    moment = datetime.datetime.fromisoformat(iso_day).replace(tzinfo=datetime.UTC)
    return ((int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) | (1 << 17) | increment


def _snowflake_iso(snowflake: int) -> str:
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    moment = datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC)
    return moment.isoformat(timespec="milliseconds")


def _now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


class _Snowflakes:
    """Increasing snowflakes with the current time in them (discord.py reads their timestamps)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        value = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (2 << 17)
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value


_API_PREFIX = re.compile(r"^/api(?:/v\d+)?")
# Where the middleware leaves a request's record for the handler (a plain key on old aiohttp).
if hasattr(web, "RequestKey"):
    _RECORD_KEY: Any = web.RequestKey("emulator_record", dict)
    _UPLOADS_KEY: Any = web.RequestKey("emulator_uploads", dict)
else:  # aiohttp < 3.12
    _RECORD_KEY, _UPLOADS_KEY = "emulator_record", "emulator_uploads"
_PLACEHOLDER = re.compile(r"\{[^}/]*\}|\*\*|\*")


def _compile_pattern(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    """`/interactions/{id}/{token}/callback`, `/channels/*/messages` or `/webhooks/**`."""
    if isinstance(pattern, re.Pattern):
        return pattern
    text = _API_PREFIX.sub("", pattern.split("?", 1)[0])
    parts: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[pos : match.start()]))
        parts.append(".*" if match.group() == "**" else "[^/]+")
        pos = match.end()
    parts.append(re.escape(text[pos:]))
    return re.compile("".join(parts))


class _Rule:
    """A fault (fail_next) or a denial (deny) applied to matching requests."""

    __slots__ = (
        "code",
        "global_",
        "method",
        "pattern",
        "process",
        "regex",
        "remaining",
        "retry_after",
        "status",
    )

    def __init__(
        self,
        method,
        pattern,
        status,
        *,
        remaining,
        code=0,
        retry_after=None,
        global_=False,
        process=False,
    ):
        self.method = method.upper()
        self.status: int = status
        self.process: bool = process
        self.pattern = pattern
        self.regex = _compile_pattern(pattern)
        self.remaining: int | None = remaining
        self.code = code
        self.retry_after = retry_after
        self.global_ = global_

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and self.regex.fullmatch(path) is not None


# ------------------------------------------------------------------ rate limits

_CHANNEL_MESSAGES = re.compile(r"/channels/(\d+)/messages")
_CHANNEL_MESSAGE = re.compile(r"/channels/(\d+)/messages/(\d+)")


class _LimitedRoute(NamedTuple):
    """A request on a rate-limited route: the route (method and path template) and its major
    parameter, the channel."""

    route: str
    channel_id: int


def _limited_route(method: str, api_path: str) -> _LimitedRoute | None:
    """The rate-limited route of a request: creating, editing or deleting a channel message."""
    if method == "POST":
        match = _CHANNEL_MESSAGES.fullmatch(api_path)
        if match:
            return _LimitedRoute("POST /channels/{channel_id}/messages", int(match[1]))
    elif method in ("PATCH", "DELETE"):
        match = _CHANNEL_MESSAGE.fullmatch(api_path)
        if match:
            route = f"{method} /channels/{{channel_id}}/messages/{{message_id}}"
            return _LimitedRoute(route, int(match[1]))
    return None


def _bucket_hash(route: str) -> str:
    """Discord's opaque per-route bucket id (the channel, the major parameter, is not in it)."""
    return hashlib.sha1(route.encode()).hexdigest()[:32]


def _ceil_ms(seconds: float) -> float:
    """Rounded up to the millisecond, so a client that waits this long is never early."""
    return max(0.0, math.ceil(seconds * 1000 - 1e-6) / 1000)


def _rate(value: tuple[int, float] | int | None, what: str) -> tuple[int, float] | None:
    if value is None:
        return None
    limit, period = (value, 1.0) if isinstance(value, int) else value
    if int(limit) < 1 or float(period) <= 0:
        raise ValueError(f"{what}: need at least 1 request per a positive period, got {value!r}")
    return int(limit), float(period)


class _Window:
    """A sliding-window limit: at most `limit` requests in any `period` seconds.

    Stricter than a fixed window (which lets 2 x limit through around a reset), so recorded
    timestamps can be checked with `max_in_window`. "Reset" is when the window is empty again:
    a client that waits that long after Remaining 0 (as discord.py does) is never refused.
    """

    __slots__ = ("limit", "period", "times")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.times: deque[float] = deque()

    def _expire(self, now: float) -> None:
        # The same comparison as max_in_window's, so the two never disagree on rounding.
        while self.times and now - self.times[0] >= self.period:
            self.times.popleft()

    def remaining(self, now: float) -> int:
        self._expire(now)
        return max(0, self.limit - len(self.times))

    def reset_after(self, now: float) -> float:
        """Seconds until no request is left in the window (the bucket is full again)."""
        self._expire(now)
        return _ceil_ms(self.times[-1] + self.period - now) if self.times else 0.0

    def add(self, now: float) -> None:
        self.times.append(now)


def max_in_window(times: Iterable[float], period: float) -> int:
    """The most timestamps in any `period`-second window (the interval [t, t + period)).

    For asserting that requests respected a limit: pass `DiscordEmulator.counted_times(...)`.
    """
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= period:
            start += 1
        best = max(best, end - start + 1)
    return best


def _walk_components(components: list[dict] | None) -> Iterator[dict]:
    """Every component, including those nested in rows, sections and containers."""
    for component in components or ():
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk_components(component.get("components"))
        accessory = component.get("accessory")
        if isinstance(accessory, dict):
            yield accessory


# ------------------------------------------------------------------------ validation


class _Errors:
    """Collects Discord's "Invalid Form Body" errors, keyed by the path into the payload."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple[Any, ...], str, str]] = []

    def add(self, path: tuple[Any, ...], code: str, message: str) -> None:
        self.items.append((path, code, message))

    def max_length(self, path: tuple[Any, ...], value: Any, limit: int, *, minimum: int = 0):
        if value is None:
            return
        size = len(value)
        if size > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        elif size < minimum:
            self.add(
                path, "BASE_TYPE_BAD_LENGTH", f"Must be between {minimum} and {limit} in length."
            )

    def __bool__(self) -> bool:
        return bool(self.items)

    def as_body(self) -> dict[str, Any]:
        root: dict[str, Any] = {}
        for path, code, message in self.items:
            node = root
            for key in path:
                node = node.setdefault(str(key), {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return root

    def response(self) -> web.Response:
        return _error(400, 50035, "Invalid Form Body", self.as_body())


_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


def _embed_size(embed: dict) -> int:
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    for field in embed.get("fields") or ():
        size += len(field.get("name") or "") + len(field.get("value") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    return size


def _check_embeds(embeds: Any, path: tuple[Any, ...], errors: _Errors) -> None:
    if not isinstance(embeds, list):
        return
    if len(embeds) > 10:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        at = (*path, i)
        errors.max_length((*at, "title"), embed.get("title"), 256)
        errors.max_length((*at, "description"), embed.get("description"), 4096)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add((*at, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, field in enumerate(fields):
            errors.max_length((*at, "fields", j, "name"), field.get("name") or "", 256, minimum=1)
            errors.max_length(
                (*at, "fields", j, "value"), field.get("value") or "", 1024, minimum=1
            )
        errors.max_length((*at, "footer", "text"), (embed.get("footer") or {}).get("text"), 2048)
        errors.max_length((*at, "author", "name"), (embed.get("author") or {}).get("name"), 256)
        total += _embed_size(embed)
    if total > 6000:
        errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _check_components(components: Any, flags: int, path: tuple[Any, ...], errors: _Errors) -> None:
    if not isinstance(components, list):
        return
    v2 = bool(flags & IS_COMPONENTS_V2)
    if not v2:
        if len(components) > 5:
            errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for i, row in enumerate(components):
            if row.get("type") != 1:
                errors.add((*path, i, "type"), "UNION_TYPE_CHOICES", "Value of field must be 1.")
                continue
            children = row.get("components") or []
            if not children or len(children) > 5:
                errors.add(
                    (*path, i, "components"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 5 in length.",
                )
            selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
            if selects and len(children) > 1:
                errors.add(
                    (*path, i, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
    elif sum(1 for _ in _walk_components(components)) > 40:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in total components.")
    seen: set[str] = set()
    for k, component in enumerate(_walk_components(components)):
        at = (*path, "*", k)
        ctype = component.get("type")
        custom_id = component.get("custom_id")
        if custom_id is not None:
            errors.max_length((*at, "custom_id"), custom_id, 100, minimum=1)
            if custom_id in seen:
                errors.add(
                    (*at, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)
        if ctype == 2:
            errors.max_length((*at, "label"), component.get("label"), 80)
            if component.get("style") == 5:
                if not component.get("url"):
                    errors.add((*at, "url"), "BASE_TYPE_REQUIRED", "This field is required")
            elif component.get("style") != 6 and custom_id is None:
                errors.add((*at, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
        elif ctype in (3, 5, 6, 7, 8):
            if custom_id is None:
                errors.add((*at, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
            errors.max_length((*at, "placeholder"), component.get("placeholder"), 150)
            min_values = component.get("min_values", 1)
            max_values = component.get("max_values", 1)
            if not 0 <= min_values <= 25 or not 1 <= max_values <= 25 or min_values > max_values:
                errors.add((*at, "max_values"), "BASE_TYPE_BAD_INT", "Invalid min/max values.")
            if ctype == 3:
                options = component.get("options") or []
                if not 1 <= len(options) <= 25:
                    errors.add(
                        (*at, "options"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 25 in length.",
                    )
                if max_values > len(options) >= 1:
                    errors.add(
                        (*at, "max_values"),
                        "BASE_TYPE_MAX",
                        f"int value should be less than or equal to {len(options)}.",
                    )
                values: set[str] = set()
                for j, option in enumerate(options):
                    errors.max_length((*at, "options", j, "label"), option.get("label"), 100)
                    errors.max_length((*at, "options", j, "value"), option.get("value"), 100)
                    errors.max_length(
                        (*at, "options", j, "description"), option.get("description"), 100
                    )
                    if option.get("value") in values:
                        errors.add(
                            (*at, "options", j, "value"),
                            "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                            "Select component option values must be unique",
                        )
                    values.add(option.get("value"))
        elif ctype == 10:
            errors.max_length((*at, "content"), component.get("content"), 4000, minimum=1)


def _check_message(
    body: Any, errors: _Errors, *, create: bool, path: tuple[Any, ...] = ()
) -> int | None:
    """Validate a message payload; returns 50006 for an empty new message."""
    if not isinstance(body, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return None
    content = body.get("content")
    if content is not None:
        errors.max_length((*path, "content"), str(content), 2000)
    _check_embeds(body.get("embeds"), (*path, "embeds"), errors)
    flags = int(body.get("flags") or 0)
    _check_components(body.get("components"), flags, (*path, "components"), errors)
    mentions = body.get("allowed_mentions")
    if isinstance(mentions, dict):
        parse = mentions.get("parse") or []
        for kind in parse:
            if kind not in ("users", "roles", "everyone"):
                errors.add((*path, "allowed_mentions", "parse"), "ENUM_TYPE_COERCE", "Bad value.")
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                errors.add(
                    (*path, "allowed_mentions"),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
            errors.max_length((*path, "allowed_mentions", kind), mentions.get(kind), 100)
    nonce = body.get("nonce")
    if isinstance(nonce, str):
        errors.max_length((*path, "nonce"), nonce, 25)
    if create and not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        return 50006
    return None


def _check_option_schema(options: Any, path: tuple[Any, ...], errors: _Errors) -> int:
    """Validate application command options; returns their character count."""
    if not options:
        return 0
    if len(options) > 25:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    chars = 0
    names: set[str] = set()
    seen_optional = False
    for i, option in enumerate(options):
        at = (*path, i)
        name = option.get("name") or ""
        if not _COMMAND_NAME.match(name) or name != name.lower():
            errors.add((*at, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if name in names:
            errors.add(
                (*at, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option name is already used in these options",
            )
        names.add(name)
        errors.max_length((*at, "description"), option.get("description") or "", 100, minimum=1)
        chars += len(name) + len(option.get("description") or "")
        otype = option.get("type")
        if otype in (1, 2):
            chars += _check_option_schema(option.get("options"), (*at, "options"), errors)
            continue
        if option.get("required"):
            if seen_optional:
                errors.add(
                    (*at, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices")
        if choices:
            if option.get("autocomplete"):
                errors.add(
                    (*at, "autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                    "Autocomplete cannot be set for options with choices",
                )
            if len(choices) > 25:
                errors.add((*at, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
            for j, choice in enumerate(choices):
                errors.max_length((*at, "choices", j, "name"), choice.get("name"), 100, minimum=1)
                if isinstance(choice.get("value"), str):
                    errors.max_length((*at, "choices", j, "value"), choice["value"], 100)
                chars += len(choice.get("name") or "") + len(str(choice.get("value")))
    return chars


def _check_commands(body: Any) -> _Errors:
    errors = _Errors()
    if not isinstance(body, list):
        errors.add((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return errors
    if sum(1 for c in body if c.get("type", 1) == 1) > 100:
        errors.add((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    seen: set[tuple[int, str]] = set()
    for i, command in enumerate(body):
        ctype = command.get("type", 1)
        name = command.get("name") or ""
        if ctype == 1:
            if not _COMMAND_NAME.match(name) or name != name.lower():
                errors.add(
                    (i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            errors.max_length((i, "description"), command.get("description") or "", 100, minimum=1)
        else:
            errors.max_length((i, "name"), name, 32, minimum=1)
            if command.get("description"):
                errors.add(
                    (i, "description"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                    "Context menu commands cannot have description",
                )
        if (ctype, name) in seen:
            errors.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        seen.add((ctype, name))
        chars = len(name) + len(command.get("description") or "")
        chars += _check_option_schema(command.get("options"), (i, "options"), errors)
        if chars > 8000:
            errors.add((i,), "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)")
    return errors


@contextlib.contextmanager
def patch_discord(base_url: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py at an emulator by URL (e.g. one running in another process).

    Class attributes, so this affects every client in the process until the block exits.
    """
    import discord.gateway
    import discord.http
    import yarl

    route = discord.http.Route
    socket = discord.gateway.DiscordWebSocket
    old_base, old_gateway = route.BASE, socket.DEFAULT_GATEWAY
    route.BASE = base_url
    socket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        route.BASE = old_base
        socket.DEFAULT_GATEWAY = old_gateway


# --------------------------------------------------------------------- interactions


class InteractionHandle:
    """One interaction the emulator dispatched, and everything the bot sent back for it."""

    def __init__(self, emulator: DiscordEmulator, payload: dict[str, Any], name: str) -> None:
        self._emu = emulator
        self.payload = payload  # the INTERACTION_CREATE `d`, exactly as dispatched
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.name = name  # command name, or custom_id for a component
        user: dict = (payload.get("member") or {}).get("user") or payload["user"]
        self.user_id = int(user["id"])
        self.channel_id = int(payload["channel_id"])
        self.sent_at: float | None = None  # perf_counter() when written to the gateway
        self.received_at: float | None = None  # perf_counter() when the first callback arrived
        self.callbacks: list[dict] = []  # accepted callback bodies (one, unless a bug)
        self.followups: list[dict] = []  # POST /webhooks/{app}/{token} bodies
        self.edits: list[dict] = []  # PATCH /webhooks/{app}/{token}/messages/... bodies
        self.deletes: list[str] = []  # message ids ("@original" or id) deleted
        self.duplicates: list[dict] = []  # callbacks refused with 40060
        self.late: list[dict] = []  # callbacks refused with 10062 after the ack deadline
        self.rejected: list[dict] = []  # requests refused with 400 (body and errors)
        self.original: dict | None = None  # the @original message, as it is now
        self.message_ids: set[int] = set()  # messages this interaction's webhook may touch
        self.source_message_id: int | None = None  # a component's message
        self._callback_event = asyncio.Event()
        self._final_event = asyncio.Event()
        self._final: dict | None = None

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} name={self.name!r}>"

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def latency(self) -> float | None:
        """Seconds from writing INTERACTION_CREATE to the first accepted callback."""
        if self.sent_at is None or self.received_at is None:
            return None
        return self.received_at - self.sent_at

    def _explain(self) -> str:
        parts = []
        if self.rejected:
            parts.append(f"rejected: {self.rejected}")
        if self.late:
            parts.append(f"late (after the ack deadline): {len(self.late)}")
        if self.duplicates:
            parts.append(f"duplicates: {len(self.duplicates)}")
        return "; ".join(parts) or "the bot sent nothing"

    async def callback(self, timeout: float = 10) -> dict:
        """The first accepted callback body: `{"type": 4|5|6|7|8|9, "data": {...}}`."""
        try:
            await asyncio.wait_for(self._callback_event.wait(), timeout)
        except TimeoutError:
            raise EmulatorError(
                f"no callback for {self!r} within {timeout}s ({self._explain()})"
            ) from None
        return self.callbacks[0]

    async def final_message(self, timeout: float = 10) -> dict:
        """What the user ends up seeing, as a message object (a deep copy of its current state).

        Type 4: the reply. Type 5: the reply once the bot fills the "thinking" message (PATCH
        @original or its first followup). Type 6: the edited message or the first followup.
        Type 7: the updated message. Types 8 and 9: the callback's `data`.
        """
        try:
            await asyncio.wait_for(self._final_event.wait(), timeout)
        except TimeoutError:
            state = f"callbacks: {[c.get('type') for c in self.callbacks]}; {self._explain()}"
            raise EmulatorError(
                f"no final message for {self!r} within {timeout}s ({state})"
            ) from None
        return copy.deepcopy(self._final or {})

    def _set_final(self, value: dict) -> None:
        if not self._final_event.is_set():
            self._final = value
            self._final_event.set()


Interaction = InteractionHandle


class _Session:
    __slots__ = ("buffer", "id", "intents", "invalid", "seq", "token", "ws")

    def __init__(self, session_id: str, token: str | None, intents: int, replay: int) -> None:
        self.id = session_id
        self.token = token
        self.intents = intents
        self.seq = 0
        self.buffer: deque[tuple[int, str]] = deque(maxlen=replay)
        self.ws: web.WebSocketResponse | None = None
        self.invalid = False


class _Connection:
    __slots__ = ("dropped", "request", "session", "ws")

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.request = request
        self.session: _Session | None = None
        self.dropped = False


# ------------------------------------------------------------------------- emulator


class DiscordEmulator:
    """Discord's REST API and gateway, for one bot application in one guild.

    The guild: `guild_id`, its channels (`channel_id` "films", more from `add_channel`),
    `roles` (`add_role`), the users `owner_id`, `user_id` (the default asker),
    `other_user_id` and more from `add_user`; the bot is `bot_user_id` with `app_permissions`.
    Driving the bot: `command`, `autocomplete`, `component`, `user_message`, `dispatch`,
    `drop_gateway`, ...;
    faults: `fail_next`, `deny`; limits: `channel_rate`, `global_rate`.
    Records: `messages` (by channel), `all_messages`, `interactions`, `requests`,
    `counted_requests` and `rate_limited` (rate limits), `faults_hit`, `invalid`, `duplicates`,
    `late`, `uploads`, `sync_calls`, and gateway counters (`identifies`, `resumes`, ...).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        heartbeat_interval: int = 41250,
        ack_deadline: float | None = 3.0,
        allowed_intents: int | None = None,
        nonce_window: float = 300.0,
        replay_buffer: int = 10_000,
        record_requests: bool = True,
        bot_name: str = "filmbot",
        channel_rate: tuple[int, float] | None = (5, 5.0),
        global_rate: int | tuple[int, float] | None = 50,
    ) -> None:
        """
        token: if set, REST calls and IDENTIFY must use it (401 / close 4004 otherwise).
        ack_deadline: seconds a bot has to acknowledge an interaction (Discord: 3); later
            callbacks get 404 "Unknown interaction" (10062). None disables the check.
        allowed_intents: privileged intents enabled "in the developer portal"; an IDENTIFY
            asking for others is closed with 4014. None allows everything.
        nonce_window: seconds a `nonce` + `enforce_nonce` is remembered (Discord: a few minutes).
        channel_rate: (requests, seconds) allowed per channel on each of the message routes
            (POST /channels/{id}/messages, PATCH and DELETE /channels/{id}/messages/{id}); each
            route has its own bucket per channel, as on Discord. None: no limit, and no
            X-RateLimit-* headers.
        global_rate: requests per second (or (requests, seconds)) on those routes across all
            channels; over it, a 429 with "global": true. None: no global limit.
        Both limits are sliding windows on a monotonic clock, changeable between requests
        (`emu.channel_rate = (2, 1.0)`); interaction callbacks and webhooks are never limited.
        """
        self.host = host
        self.port = port
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.ack_deadline = ack_deadline
        self.allowed_intents = allowed_intents
        self.nonce_window = nonce_window
        self.replay_buffer = replay_buffer
        self.record_requests = record_requests
        self.channel_rate: tuple[int, float] | None = _rate(channel_rate, "channel_rate")
        self.global_rate: tuple[int, float] | None = _rate(global_rate, "global_rate")

        self.application_id = _fixed_snowflake("2021-03-04", 1)
        self.bot_user_id = self.application_id  # as for every bot created since 2019
        self.owner_id = _fixed_snowflake("2016-05-06", 2)
        self.user_id = _fixed_snowflake("2018-07-08", 3)
        self.other_user_id = _fixed_snowflake("2019-09-10", 4)
        self.guild_id = _fixed_snowflake("2020-11-12", 5)
        self.everyone_role_id = self.guild_id
        self.bot_role_id = _fixed_snowflake("2021-03-05", 6)
        self.channel_id = _fixed_snowflake("2020-11-12", 7)
        self.app_permissions = BOT_ROLE_PERMISSIONS
        self._ids = _Snowflakes()

        self.bot_user: dict[str, Any] = {
            "id": str(self.bot_user_id),
            "username": bot_name,
            "global_name": None,
            "discriminator": "4821",
            "avatar": None,
            "bot": True,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
        }
        self.users: dict[int, dict[str, Any]] = {self.bot_user_id: self.bot_user}
        self.members: dict[int, dict[str, Any]] = {}
        joined = "2021-03-05T10:00:00.000000+00:00"
        self._add_member(self.bot_user_id, roles=[self.bot_role_id], joined_at=joined)
        for uid, name in (
            (self.owner_id, "owner"),
            (self.user_id, "asker"),
            (self.other_user_id, "bystander"),
        ):
            self.add_user(name, user_id=uid)
        self.roles: list[dict[str, Any]] = [
            self._role(self.everyone_role_id, "@everyone", EVERYONE_PERMISSIONS, 0),
            self._role(self.bot_role_id, bot_name, BOT_ROLE_PERMISSIONS, 1, bot=True),
        ]
        self.channels: dict[int, dict[str, Any]] = {
            self.channel_id: self._channel(self.channel_id, "films", 0, [])
        }

        # Records.
        self.commands: dict[str, dict] = {}  # as last synced (global, then guild), by name
        self.global_commands: dict[str, dict] = {}
        self.guild_commands: dict[int, dict[str, dict]] = {}
        self.sync_calls: list[dict] = []  # {"guild_id": int | None, "count": n}
        self.interactions: dict[int, InteractionHandle] = {}
        self.messages: dict[int, list[dict]] = {self.channel_id: []}  # POST /channels/.../messages
        self.user_messages: dict[int, list[dict]] = {}  # what users posted (`user_message`)
        self.all_messages: dict[int, dict] = {}  # every message by id, interaction replies too
        self.deleted_messages: list[dict] = []
        self.duplicates: list[dict] = []  # {"interaction_id", "body"} refused with 40060
        self.late: list[dict] = []  # {"interaction_id", "body", "after"} refused with 10062
        self.invalid: list[dict] = []  # {"method", "path", "body", "errors"} refused with 400
        self.faults_hit: list[dict] = []  # requests answered by fail_next / deny
        self.unhandled: list[dict] = []  # requests to routes the emulator does not know
        self.requests: list[dict] = []  # every API request: method, path, query, json
        self.uploads: list[dict] = []  # files sent as multipart: filename, content_type, data
        self.nonce_hits = 0  # messages answered from the nonce cache
        # Requests counted against the message routes' rate limits (those let through):
        # {"method", "path", "route", "channel_id", "at"}, `at` on time.monotonic(); kept
        # when record_requests.
        self.counted_requests: list[dict] = []
        # 429s the rate limits served (not those of fail_next): {"method", "path", "route",
        # "channel_id", "scope" ("user": the channel's bucket, "global"), "retry_after", "at"}.
        self.rate_limited: list[dict] = []
        self.presences: list[dict] = []
        self.identify_payloads: list[dict] = []  # IDENTIFY `d`, token removed
        self.identifies = 0
        self.resumes = 0
        self.invalid_sessions = 0
        self.heartbeats = 0
        self.connections = 0  # gateway websockets opened

        self._clock: Callable[[], float] = time.monotonic
        self._buckets: dict[tuple[str, int], _Window] = {}
        self._global_window: _Window | None = None
        self._rules: list[_Rule] = []
        self._denials: list[_Rule] = []
        self._by_token: dict[str, InteractionHandle] = {}
        self._nonces: dict[tuple[int, str], tuple[float, dict]] = {}
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._sessions: dict[str, _Session] = {}
        self._session: _Session | None = None
        self._conns: set[_Connection] = set()
        self._tasks: set[asyncio.Task] = set()
        self._ready_event = asyncio.Event()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.gateway_url = ""
        self.http_url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self._routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.http_url = f"http://{self.host}:{self.port}"
        self.base_url = f"{self.http_url}/api/v{API_VERSION}"
        self.gateway_url = f"ws://{self.host}:{self.port}/gateway"

    async def stop(self) -> None:
        for conn in list(self._conns):
            conn.dropped = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=1001, message=b"shutting down"), 2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @contextlib.contextmanager
    def patch(self) -> Iterator[DiscordEmulator]:
        """Point discord.py at the emulator (REST base and gateway), restoring both on exit."""
        if not self.base_url:
            raise RuntimeError("start() the emulator before patch()")
        with patch_discord(self.base_url, self.gateway_url):
            yield self

    # -------------------------------------------------------------- guild contents

    def add_user(
        self, username: str, *, user_id: int | None = None, roles: Iterable[int] = ()
    ) -> int:
        """A new (non-bot) guild member with these roles (ids from `add_role`); returns its id."""
        uid = user_id if user_id is not None else self._ids.next()
        self.users[uid] = {
            "id": str(uid),
            "username": username,
            "global_name": username.title(),
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
        }
        self._add_member(uid, roles=list(roles), joined_at="2022-01-02T03:04:05.000000+00:00")
        return uid

    def _add_member(self, uid: int, *, roles: list[int], joined_at: str) -> None:
        self.members[uid] = {
            "user": self.users[uid],
            "nick": None,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in roles],
            "joined_at": joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def _channel(
        self,
        cid: int,
        name: str,
        position: int,
        overwrites: Sequence[dict],
        topic: str | None = None,
    ) -> dict[str, Any]:
        return {
            "id": str(cid),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": position,
            "parent_id": None,
            "topic": topic,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "permission_overwrites": [self._overwrite(o) for o in overwrites],
            "flags": 0,
        }

    def _overwrite(self, overwrite: dict) -> dict[str, Any]:
        """Discord's form: {"id": str, "type": 0 (role) | 1 (member), "allow": str, "deny": str}.

        Ids and bit sets may be ints; without "type", an id of a role is a role's.
        """
        target = int(overwrite["id"])
        kind = overwrite.get("type")
        if kind is None:
            kind = 0 if any(r["id"] == str(target) for r in self.roles) else 1
        if kind not in (0, 1):
            raise ValueError(f"overwrite type must be 0 (role) or 1 (member), got {kind!r}")
        return {
            "id": str(target),
            "type": kind,
            "allow": str(int(overwrite.get("allow") or 0)),
            "deny": str(int(overwrite.get("deny") or 0)),
        }

    def add_channel(
        self,
        name: str,
        *,
        permission_overwrites: Sequence[dict] | None = None,
        topic: str | None = None,
    ) -> int:
        """A new text channel in the guild, with its own `messages` list; returns its id.

        It is in the guild a bot receives at IDENTIFY (GUILD_CREATE) and in GET
        /guilds/{id}/channels; a bot already connected learns of it from `create_channel`.
        `permission_overwrites`: Discord's objects, e.g. `{"id": emu.everyone_role_id,
        "deny": P_SEND_MESSAGES}`; they shape the permissions interactions from the channel
        carry and whether the bot may post in it.
        """
        cid = self._ids.next()
        self.channels[cid] = self._channel(
            cid, name, len(self.channels), permission_overwrites or (), topic
        )
        self.messages[cid] = []
        return cid

    async def create_channel(
        self,
        name: str,
        *,
        permission_overwrites: Sequence[dict] | None = None,
        topic: str | None = None,
    ) -> int:
        """`add_channel`, then CHANNEL_CREATE to the connected bot (if any), as Discord does."""
        cid = self.add_channel(name, permission_overwrites=permission_overwrites, topic=topic)
        if self._session is not None:
            await self._send_dispatch(self._session, "CHANNEL_CREATE", dict(self.channels[cid]))
        return cid

    def add_role(self, name: str, permissions: int) -> int:
        """A new guild role with these permission bits (e.g. `P_MANAGE_GUILD`); returns its id.

        Give it with `add_user(..., roles=[id])` or `add_member_role`. A bot connected before
        sees it in interactions' member data (its permissions and role ids), not in its cache.
        """
        rid = self._ids.next()
        self.roles.append(self._role(rid, name, permissions, len(self.roles)))
        return rid

    def add_member_role(self, user_id: int, role_id: int) -> None:
        """Give a member a role (what PUT /guilds/{id}/members/{user}/roles/{role} does)."""
        if not any(r["id"] == str(role_id) for r in self.roles):
            raise KeyError(f"no role {role_id}")
        self._user(user_id)
        roles = self.members[user_id]["roles"]
        if str(role_id) not in roles:
            roles.append(str(role_id))

    def remove_member_role(self, user_id: int, role_id: int) -> None:
        """Take a role from a member (no error if the member did not have it)."""
        member = self.members.get(user_id)
        if member is not None and str(role_id) in member["roles"]:
            member["roles"].remove(str(role_id))

    def permissions(self, user_id: int, channel_id: int | None = None) -> int:
        """A member's permission bits in the guild, or in a channel with its overwrites applied
        (as an interaction from that channel carries them in `member.permissions`)."""
        return self._permissions_of(user_id, channel_id)

    @staticmethod
    def _role(rid: int, name: str, permissions: int, position: int, *, bot=False) -> dict:
        role: dict[str, Any] = {
            "id": str(rid),
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": bot,
            "mentionable": False,
            "flags": 0,
        }
        if bot:
            role["tags"] = {"bot_id": str(rid)}
        return role

    def _permissions_of(self, uid: int, channel_id: int | None = None) -> int:
        """Discord's computation: @everyone's and the member's roles' permissions (the bot's:
        `app_permissions`), everything for the owner or an administrator, then the channel's
        overwrites: @everyone's, the member's roles' (denies, then allows), the member's own."""
        if uid == self.owner_id:
            return ALL_PERMISSIONS
        member_roles = set((self.members.get(uid) or {}).get("roles") or ())
        if uid == self.bot_user_id:
            value = self.app_permissions
        else:
            value = 0
            for role in self.roles:
                if role["id"] == str(self.everyone_role_id) or role["id"] in member_roles:
                    value |= int(role["permissions"])
        if value & P_ADMINISTRATOR:
            return ALL_PERMISSIONS
        channel = self.channels.get(channel_id) if channel_id is not None else None
        if channel is None:
            return value
        overwrites = channel.get("permission_overwrites") or ()
        for overwrite in overwrites:
            if overwrite["type"] == 0 and overwrite["id"] == str(self.everyone_role_id):
                value = (value & ~int(overwrite["deny"])) | int(overwrite["allow"])
        allow = deny = 0
        for overwrite in overwrites:
            if overwrite["type"] == 0 and overwrite["id"] in member_roles:
                allow |= int(overwrite["allow"])
                deny |= int(overwrite["deny"])
        value = (value & ~deny) | allow
        for overwrite in overwrites:
            if overwrite["type"] == 1 and overwrite["id"] == str(uid):
                value = (value & ~int(overwrite["deny"])) | int(overwrite["allow"])
        return value

    def _user(self, uid: int) -> dict:
        if uid not in self.users:
            self.add_user(f"user{str(uid)[-4:]}", user_id=uid)
        return self.users[uid]

    def guild_payload(self) -> dict[str, Any]:
        """The guild as GUILD_CREATE carries it."""
        return {
            "id": str(self.guild_id),
            "name": "Film Club",
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "roles": self.roles,
            "emojis": [],
            "stickers": [],
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "application_id": None,
            "incidents_data": None,
            "joined_at": self.members[self.bot_user_id]["joined_at"],
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(self.members),
            "members": list(self.members.values()),
            "channels": [
                {k: v for k, v in c.items() if k != "guild_id"} for c in self.channels.values()
            ],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
            "activity_instances": [],
            "version": int(time.time() * 1000),
        }

    def application_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": self.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": (1 << 19) | (1 << 23),
            "owner": self.users[self.owner_id],
            "team": None,
            "bot": self.bot_user,
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "approximate_guild_count": 1,
            "approximate_user_install_count": 0,
            "integration_types_config": {"0": {}},
        }

    # --------------------------------------------------------------------- waiting

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10, what=""):
        """Wait until `predicate()` holds: re-checked when the emulator's state changes (gateway,
        commands, channel messages) and every 20 ms (for predicates on the bot's own state)."""

        async def waiting() -> None:
            while not predicate():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.02)

        try:
            await asyncio.wait_for(waiting(), timeout)
        except TimeoutError:
            raise EmulatorError(
                f"timed out after {timeout}s waiting for {what or predicate}"
            ) from None

    async def wait_ready(self, timeout: float = 10) -> None:
        """A bot has IDENTIFIED and been sent READY and GUILD_CREATE."""
        try:
            await asyncio.wait_for(self._ready_event.wait(), timeout)
        except TimeoutError:
            raise EmulatorError(f"no bot IDENTIFIED within {timeout}s") from None

    async def wait_resumed(self, count: int = 1, timeout: float = 10) -> None:
        await self.wait_until(lambda: self.resumes >= count, timeout, f"{count} RESUME(s)")

    async def wait_identified(self, count: int = 1, timeout: float = 10) -> None:
        await self.wait_until(lambda: self.identifies >= count, timeout, f"{count} IDENTIFY(s)")

    @property
    def connected(self) -> bool:
        session = self._session
        return session is not None and session.ws is not None and not session.ws.closed

    # ---------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        status: int,
        *,
        count: int = 1,
        retry_after: float | None = None,
        global_: bool = False,
        code: int = 0,
        process: bool = False,
    ) -> None:
        """Answer the next `count` matching requests with `status`, without processing them.

        `path_pattern` is matched against the path after `/api/v10`; `{name}` and `*` match one
        segment, `**` anything (`"/interactions/{id}/{token}/callback"`, `"/webhooks/**"`).
        `method` may be "*". A 429 is Discord's: `Via` header, JSON `retry_after` (default 0.05 s),
        `global`, and X-RateLimit-* headers; discord.py sleeps and retries. 5xx bodies are JSON;
        discord.py's REST client retries 500/502/504 (not 503), its webhook client retries all 5xx.
        process=True: the request IS processed (and recorded) but its response is lost and
        replaced by the error, as when Discord times out after doing the work; the retry then
        meets Discord's idempotency (the nonce cache, 40060 for a second callback).
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        self._rules.append(
            _Rule(
                method,
                path_pattern,
                status,
                remaining=count,
                code=code,
                retry_after=retry_after,
                global_=global_,
                process=process,
            )
        )

    def deny(self, method: str, path_pattern: str | re.Pattern[str], code: int = 50013) -> None:
        """403 with `code` (50013 Missing Permissions, 50001 Missing Access) until `undeny`.

        Patterns as for `fail_next`: `deny("POST", f"/channels/{cid}/messages")` refuses posts
        in one channel only, `deny("POST", "/channels/*/messages")` in all of them.
        """
        self._denials.append(_Rule(method, path_pattern, 403, remaining=None, code=code))

    def undeny(
        self, method: str | None = None, path_pattern: str | re.Pattern[str] | None = None
    ) -> None:
        """Lift denials: all of them, or those given with this method and/or pattern (the same
        pattern, however written: "/api/v10/channels/1/messages" is "/channels/1/messages")."""
        wanted = _compile_pattern(path_pattern).pattern if path_pattern is not None else None
        self._denials = [
            rule
            for rule in self._denials
            if not (
                (method is None or rule.method == method.upper())
                and (wanted is None or rule.regex.pattern == wanted)
            )
        ]

    def clear_faults(self) -> None:
        self._rules.clear()
        self._denials.clear()

    def _fault_for(self, method: str, path: str) -> _Rule | None:
        for rule in self._rules:
            if rule.matches(method, path):
                rule.remaining -= 1  # type: ignore[operator]
                if rule.remaining <= 0:  # type: ignore[operator]
                    self._rules.remove(rule)
                return rule
        for rule in self._denials:
            if rule.matches(method, path):
                return rule
        return None

    def _fault_response(self, rule: _Rule, limited: _LimitedRoute | None = None) -> web.Response:
        status = rule.status
        if status == 429:
            retry_after = 0.05 if rule.retry_after is None else rule.retry_after
            limit = 5
            bucket = hashlib.sha1(rule.regex.pattern.encode()).hexdigest()[:32]
            if limited is not None:  # the route's real bucket, so discord.py keeps its buckets
                bucket = _bucket_hash(limited.route)
                if self.channel_rate is not None:
                    limit = self.channel_rate[0]
            return self._too_many(retry_after, rule.global_, limit, bucket, rule.code)
        return _error(status, rule.code)

    @staticmethod
    def _too_many(
        retry_after: float, global_: bool, limit: int, bucket: str, code: int = 0
    ) -> web.Response:
        """Discord's 429: discord.py needs `Via` (else it takes it for a Cloudflare ban) and
        the JSON `retry_after`; it sleeps that long and retries (5 tries in all)."""
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "global" if global_ else "user",
        }
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body: dict[str, Any] = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": global_,
        }
        if code:
            body["code"] = code
        return _json_response(body, 429, headers)

    # ------------------------------------------------------------------ rate limits

    def _bucket(self, limited: _LimitedRoute) -> _Window | None:
        if self.channel_rate is None:
            return None
        key = (limited.route, limited.channel_id)
        window = self._buckets.get(key)
        if window is None:
            window = self._buckets[key] = _Window(*self.channel_rate)
        window.limit, window.period = self.channel_rate
        return window

    def _global(self) -> _Window | None:
        if self.global_rate is None:
            return None
        if self._global_window is None:
            self._global_window = _Window(*self.global_rate)
        self._global_window.limit, self._global_window.period = self.global_rate
        return self._global_window

    def _over_limit(
        self, limited: _LimitedRoute, method: str, api_path: str, now: float
    ) -> web.Response | None:
        """Discord's 429 if the request is over the channel's or the global limit (it is not
        counted then); None if it may go on (`_count` it before any await)."""
        windows = (("user", self._bucket(limited)), ("global", self._global()))
        full = next(((k, w) for k, w in windows if w is not None and w.remaining(now) == 0), None)
        if full is None:
            return None
        scope, window = full
        # Until the window is empty: every request refused meanwhile then gets through.
        retry_after = window.reset_after(now)
        self.rate_limited.append(
            {
                "method": method,
                "path": api_path,
                "route": limited.route,
                "channel_id": limited.channel_id,
                "scope": scope,
                "retry_after": retry_after,
                "at": now,
            }
        )
        bucket = _bucket_hash(limited.route)
        return self._too_many(retry_after, scope == "global", window.limit, bucket)

    def _count(self, limited: _LimitedRoute, method: str, api_path: str, now: float) -> None:
        for window in (self._bucket(limited), self._global()):
            if window is not None:
                window.add(now)
        if self.record_requests:
            self.counted_requests.append(
                {
                    "method": method,
                    "path": api_path,
                    "route": limited.route,
                    "channel_id": limited.channel_id,
                    "at": now,
                }
            )

    def _rate_headers(self, limited: _LimitedRoute) -> dict[str, str]:
        """The channel bucket's X-RateLimit-* headers, as they stand when the response leaves."""
        bucket = self._bucket(limited)
        if bucket is None:
            return {}
        now = self._clock()
        reset_after = bucket.reset_after(now)
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(bucket.remaining(now)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": _bucket_hash(limited.route),
        }

    def counted_times(
        self, method: str | None = "POST", channel_id: int | None = None
    ) -> list[float]:
        """When the rate-limited requests with this method (None: any) in this channel (None:
        any) were let through, on time.monotonic(); for `max_in_window`."""
        return [
            r["at"]
            for r in self.counted_requests
            if (method is None or r["method"] == method.upper())
            and (channel_id is None or r["channel_id"] == channel_id)
        ]

    def reset_rate_limits(self) -> None:
        """Empty every bucket and the global window (the records are kept)."""
        self._buckets.clear()
        self._global_window = None

    # ------------------------------------------------------------------ HTTP layer

    def _routes(self, router: web.UrlDispatcher) -> None:
        api = f"/api/v{API_VERSION}"
        for prefix in ("", api):
            router.add_get(prefix + "/gateway", self._h_gateway)
            router.add_get(prefix + "/gateway/", self._h_gateway)
            router.add_get(prefix + "/gateway/bot", self._h_gateway_bot)
        router.add_get("/", self._h_gateway)
        add = router.add_route
        add("GET", api + "/users/@me", self._h_me)
        add("GET", api + "/users/{user_id}", self._h_user)
        add("GET", api + "/oauth2/applications/@me", self._h_application)
        add("GET", api + "/applications/@me", self._h_application)
        add("GET", api + "/applications/{app_id}/commands", self._h_commands)
        add("PUT", api + "/applications/{app_id}/commands", self._h_commands)
        add("GET", api + "/applications/{app_id}/guilds/{guild_id}/commands", self._h_commands)
        add("PUT", api + "/applications/{app_id}/guilds/{guild_id}/commands", self._h_commands)
        add("POST", api + "/interactions/{interaction_id}/{token}/callback", self._h_callback)
        add("POST", api + "/webhooks/{app_id}/{token}", self._h_followup)
        webhook_message = api + "/webhooks/{app_id}/{token}/messages/{message_id}"
        for method in ("GET", "PATCH", "DELETE"):
            add(method, webhook_message, self._h_webhook_message)
        add("GET", api + "/channels/{channel_id}", self._h_channel)
        add("GET", api + "/channels/{channel_id}/messages", self._h_channel_messages)
        add("POST", api + "/channels/{channel_id}/messages", self._h_create_message)
        for method in ("GET", "PATCH", "DELETE"):
            add(method, api + "/channels/{channel_id}/messages/{message_id}", self._h_message)
        add("POST", api + "/channels/{channel_id}/typing", self._h_typing)
        add("GET", api + "/guilds/{guild_id}", self._h_guild)
        add("GET", api + "/guilds/{guild_id}/channels", self._h_guild_channels)
        add("GET", api + "/guilds/{guild_id}/members/{user_id}", self._h_member)

    @web.middleware
    async def _middleware(self, request: web.Request, handler) -> web.StreamResponse:
        path = request.path
        api_path = _API_PREFIX.sub("", path) if path.startswith("/api") else None
        if api_path is None:
            return await self._handle(request, handler, path, api_path)
        # Discord's rate limiter comes first: a request over a limit is refused and not
        # counted; any other (even one that then fails) counts, except an injected 429.
        limited = _limited_route(request.method, api_path)
        now = self._clock()
        if limited is not None:
            refusal = self._over_limit(limited, request.method, api_path, now)
            if refusal is not None:
                return refusal
        rule = None
        if self._rules or self._denials:
            rule = self._fault_for(request.method, api_path)
        if limited is not None and (rule is None or rule.status != 429):
            self._count(limited, request.method, api_path, now)  # no await since the check
        response: web.StreamResponse
        if rule is not None:
            raw = await request.read()
            self.faults_hit.append(
                {
                    "method": request.method,
                    "path": api_path,
                    "status": rule.status,
                    "json": _loads_or_none(raw),
                    "processed": rule.process,
                    "at": time.perf_counter(),
                }
            )
            if rule.process:
                await self._handle(request, handler, path, api_path)
            response = self._fault_response(rule, limited)
            if rule.status == 429:
                return response
        elif (
            self.token is not None
            and not api_path.startswith(("/interactions/", "/webhooks/"))
            and request.headers.get("Authorization") != f"Bot {self.token}"
        ):
            response = _error(401, 0, "401: Unauthorized")
        else:
            response = await self._handle(request, handler, path, api_path)
        if limited is not None and not response.prepared:
            response.headers.update(self._rate_headers(limited))
        return response

    async def _handle(self, request, handler, path: str, api_path: str | None):
        if api_path is not None and self.record_requests:
            record = {
                "method": request.method,
                "path": api_path,
                "query": dict(request.query),
                "json": None,
                "at": self._clock(),  # time.monotonic()
            }
            self.requests.append(record)
            request[_RECORD_KEY] = record
        try:
            return await handler(request)
        except _InvalidJSON:
            self.invalid.append({"method": request.method, "path": path, "code": 50109})
            return _error(400, 50109, "The request body contains invalid JSON.")
        except web.HTTPException as exc:
            if exc.status in (404, 405):
                self.unhandled.append({"method": request.method, "path": path})
                return _error(exc.status, 0, _STATUS_MESSAGES[exc.status])
            raise

    async def _body(self, request: web.Request) -> Any:
        """The request's JSON (or multipart `payload_json`); files go to `uploads`."""
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            payload = form.get("payload_json")
            body = _loads_request(payload) if isinstance(payload, str) else {}
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    self.uploads.append(
                        {
                            "field": key,
                            "filename": value.filename,
                            "content_type": value.content_type,
                            "data": data,
                        }
                    )
                    index = key[6:-1] if key.startswith("files[") else key
                    request.setdefault(_UPLOADS_KEY, {})[index] = (value.filename, len(data))
        else:
            raw = await request.read()
            body = _loads_request(raw) if raw else None
        record = request.get(_RECORD_KEY)
        if record is not None:
            record["json"] = body
        return body

    def _reject(self, request: web.Request, body: Any, errors: _Errors, handle=None):
        entry = {
            "method": request.method,
            "path": _API_PREFIX.sub("", request.path),
            "body": body,
            "errors": errors.as_body(),
        }
        self.invalid.append(entry)
        if handle is not None:
            handle.rejected.append(entry)
        return errors.response()

    # --------------------------------------------------------------- REST routes

    async def _h_gateway(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._websocket(request)
        return _json_response({"url": self.gateway_url})

    async def _h_gateway_bot(self, request: web.Request) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000 - self.identifies,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _h_me(self, request: web.Request) -> web.Response:
        me = dict(self.bot_user)
        me.update({"verified": True, "mfa_enabled": True, "locale": "en-US", "email": None})
        return _json_response(me)

    async def _h_user(self, request: web.Request) -> web.Response:
        user = self.users.get(_int(request.match_info["user_id"]))
        return _json_response(user) if user else _error(404, 10013)

    async def _h_application(self, request: web.Request) -> web.Response:
        return _json_response(self.application_payload())

    async def _h_commands(self, request: web.Request) -> web.Response:
        if _int(request.match_info["app_id"]) != self.application_id:
            return _error(403, 50001)
        guild_id = request.match_info.get("guild_id")
        gid = _int(guild_id) if guild_id is not None else None
        if gid is not None and gid != self.guild_id:
            return _error(403, 50001)
        if request.method == "GET":
            current = self.global_commands if gid is None else self.guild_commands.get(gid, {})
            return _json_response(list(current.values()))
        body = await self._body(request)
        errors = _check_commands(body)
        if errors:
            return self._reject(request, body, errors)
        version = str(self._ids.next())
        stored: dict[str, dict] = {}
        for command in body:
            ctype = command.get("type", 1)
            key = (gid, ctype, command["name"])
            if key not in self._command_ids:
                self._command_ids[key] = self._ids.next()
            entry = {
                "id": str(self._command_ids[key]),
                "application_id": str(self.application_id),
                "version": version,
                "type": ctype,
                "name": command["name"],
                "name_localizations": command.get("name_localizations"),
                "description": command.get("description", ""),
                "description_localizations": command.get("description_localizations"),
                "options": command.get("options") or [],
                "default_member_permissions": command.get("default_member_permissions"),
                "nsfw": bool(command.get("nsfw", False)),
                "contexts": command.get("contexts"),
                "integration_types": command.get("integration_types") or [0],
            }
            if gid is None:
                entry["dm_permission"] = command.get("dm_permission", True)
            else:
                entry["guild_id"] = str(gid)
            stored[command["name"]] = entry
        if gid is None:
            self.global_commands = stored
        else:
            self.guild_commands[gid] = stored
        self.commands = dict(self.global_commands)
        for commands in self.guild_commands.values():
            self.commands.update(commands)
        self.sync_calls.append({"guild_id": gid, "count": len(body)})
        self._notify()
        return _json_response(list(stored.values()))

    async def _h_channel(self, request: web.Request) -> web.Response:
        channel = self.channels.get(_int(request.match_info["channel_id"]))
        return _json_response(channel) if channel else _error(404, 10003)

    async def _h_guild(self, request: web.Request) -> web.Response:
        if _int(request.match_info["guild_id"]) != self.guild_id:
            return _error(404, 10004)
        guild = self.guild_payload()
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            guild.pop(key, None)
        return _json_response(guild)

    async def _h_guild_channels(self, request: web.Request) -> web.Response:
        if _int(request.match_info["guild_id"]) != self.guild_id:
            return _error(404, 10004)
        return _json_response(list(self.channels.values()))

    async def _h_member(self, request: web.Request) -> web.Response:
        member = self.members.get(_int(request.match_info["user_id"]))
        if _int(request.match_info["guild_id"]) != self.guild_id or member is None:
            return _error(404, 10013 if member is None else 10004)
        return _json_response(member)

    async def _h_typing(self, request: web.Request) -> web.Response:
        if _int(request.match_info["channel_id"]) not in self.channels:
            return _error(404, 10003)
        return _no_content()

    # ------------------------------------------------------------------ messages

    def _new_message(
        self,
        channel_id: int,
        body: dict,
        *,
        handle: InteractionHandle | None = None,
        flags: int | None = None,
        uploads: dict[str, tuple[str, int]] | None = None,
    ) -> dict:
        mid = self._ids.next()
        message: dict[str, Any] = {
            "id": str(mid),
            "type": 0,
            "channel_id": str(channel_id),
            "author": self.bot_user,
            "content": body.get("content") or "",
            "timestamp": _snowflake_iso(mid),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(body, uploads),
            "embeds": [_normalize_embed(e) for e in body.get("embeds") or []],
            "pinned": False,
            "flags": int(body.get("flags") or 0) if flags is None else flags,
            "components": body.get("components") or [],
        }
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if handle is not None:
            user = self._user(handle.user_id)
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            if handle.type == APPLICATION_COMMAND and handle.original is None:
                message["type"] = 20
            metadata: dict[str, Any] = {
                "id": str(handle.id),
                "type": handle.type,
                "user": user,
                "authorizing_integration_owners": {"0": str(self.guild_id)},
            }
            if handle.source_message_id is not None:
                metadata["interacted_message_id"] = str(handle.source_message_id)
            if handle.original is not None:
                metadata["original_response_message_id"] = handle.original["id"]
            message["interaction_metadata"] = metadata
            message["interaction"] = {
                "id": str(handle.id),
                "type": handle.type,
                "name": handle.name,
                "user": user,
            }
            handle.message_ids.add(mid)
        self.all_messages[mid] = message
        channel = self.channels.get(channel_id)
        if channel is not None and not message["flags"] & EPHEMERAL:
            channel["last_message_id"] = str(mid)
        return message

    def _attachments(
        self, body: dict, uploads: dict | None, existing: list[dict] | None = None
    ) -> list[dict]:
        """Attachment objects for `body["attachments"]`; `uploads`: {index: (filename, size)}."""
        uploads = uploads or {}
        result = []
        known = {a["id"]: a for a in existing or ()}
        for attachment in body.get("attachments") or ():
            aid = str(attachment.get("id"))
            if aid in known:
                result.append(known[aid])
                continue
            filename, size = uploads.get(aid, (attachment.get("filename", "file"), 0))
            new_id = self._ids.next()
            result.append(
                {
                    "id": str(new_id),
                    "filename": attachment.get("filename") or filename,
                    "description": attachment.get("description"),
                    "size": size,
                    "url": f"{self.http_url}/attachments/{new_id}/{filename}",
                    "proxy_url": f"{self.http_url}/attachments/{new_id}/{filename}",
                    "content_type": None,
                }
            )
        return result

    def _edit_message(self, message: dict, body: dict, uploads: dict | None = None) -> None:
        was_loading = bool(message["flags"] & LOADING)
        if "content" in body:
            message["content"] = body["content"] or ""
        if "embeds" in body:
            message["embeds"] = [_normalize_embed(e) for e in body["embeds"] or []]
        if "components" in body:
            message["components"] = body["components"] or []
        if "attachments" in body:
            message["attachments"] = self._attachments(body, uploads, message["attachments"])
        keep = message["flags"] & EPHEMERAL
        if body.get("flags") is not None:
            message["flags"] = keep | (int(body["flags"]) & ~(EPHEMERAL | LOADING))
        else:
            message["flags"] &= ~LOADING
        if not was_loading:
            message["edited_timestamp"] = _now_iso()

    async def _h_create_message(self, request: web.Request) -> web.Response:
        channel_id = _int(request.match_info["channel_id"])
        if channel_id not in self.channels:
            return _error(404, 10003)
        body = await self._body(request)
        allowed = self._permissions_of(self.bot_user_id, channel_id)
        if not allowed & P_VIEW_CHANNEL:
            return _error(403, 50001)
        if not allowed & P_SEND_MESSAGES:
            return _error(403, 50013)
        errors = _Errors()
        empty = _check_message(body, errors, create=True)
        if errors:
            return self._reject(request, body, errors)
        if empty:
            return _error(400, empty)
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            key = (self.bot_user_id, str(nonce))
            now = time.monotonic()
            cached = self._nonces.get(key)
            if cached is not None and now - cached[0] <= self.nonce_window:
                self.nonce_hits += 1
                return _json_response(cached[1])
        message = self._new_message(channel_id, body, uploads=request.get(_UPLOADS_KEY))
        if nonce is not None and body.get("enforce_nonce"):
            self._nonces[(self.bot_user_id, str(nonce))] = (time.monotonic(), message)
        self.messages.setdefault(channel_id, []).append(message)
        self._notify()
        return _json_response(message)

    async def _h_channel_messages(self, request: web.Request) -> web.Response:
        """Discord's paging: `limit` (1-100, default 50) messages, newest first; the newest
        ones, those just `before` or just `after` an id, or those `around` it (only one of the
        three is used, in that order of precedence: around, before, after)."""
        channel_id = _int(request.match_info["channel_id"])
        if channel_id not in self.channels:
            return _error(404, 10003)
        allowed = self._permissions_of(self.bot_user_id, channel_id)
        if not allowed & P_VIEW_CHANNEL:
            return _error(403, 50001)
        errors = _Errors()
        query = request.query
        limit = _query_int(query, "limit", errors, 50, 1, 100) or 50  # 0: refused below
        anchors = {key: _query_int(query, key, errors) for key in ("around", "before", "after")}
        if errors:
            return self._reject(request, dict(query), errors)
        if not allowed & P_READ_MESSAGE_HISTORY:
            return _json_response([])  # what Discord answers without the permission
        found = sorted(
            (
                m
                for m in self.all_messages.values()
                if m["channel_id"] == str(channel_id) and not m["flags"] & EPHEMERAL
            ),
            key=lambda m: int(m["id"]),
        )
        around, before, after = anchors["around"], anchors["before"], anchors["after"]
        if around is not None:
            newer = [m for m in found if int(m["id"]) > around][: limit // 2]
            older = [m for m in found if int(m["id"]) <= around]
            page = older[max(0, len(older) - (limit - len(newer))) :] + newer
        elif before is not None:
            older = [m for m in found if int(m["id"]) < before]
            page = older[max(0, len(older) - limit) :]
        elif after is not None:
            page = [m for m in found if int(m["id"]) > after][:limit]
        else:
            page = found[max(0, len(found) - limit) :]
        return _json_response(page[::-1])

    async def _h_message(self, request: web.Request) -> web.Response:
        channel_id = _int(request.match_info["channel_id"])
        if channel_id not in self.channels:
            return _error(404, 10003)
        message = self.all_messages.get(_int(request.match_info["message_id"]))
        if message is None or message["channel_id"] != str(channel_id):
            return _error(404, 10008)
        if request.method == "GET":
            return _json_response(message)
        if request.method == "DELETE":
            self._delete(message)
            return _no_content()
        body = await self._body(request)
        errors = _Errors()
        _check_message(body, errors, create=False)
        if errors:
            return self._reject(request, body, errors)
        self._edit_message(message, body, request.get(_UPLOADS_KEY))
        self._notify()
        return _json_response(message)

    def _delete(self, message: dict) -> None:
        self.all_messages.pop(int(message["id"]), None)
        self.deleted_messages.append(message)
        for stored in self.messages.values():
            if message in stored:
                stored.remove(message)

    # -------------------------------------------------------------- interactions

    async def _h_callback(self, request: web.Request) -> web.Response:
        received = time.perf_counter()
        handle = self.interactions.get(_int(request.match_info["interaction_id"]))
        body = await self._body(request)
        if handle is None or handle.token != request.match_info["token"]:
            return _error(404, 10062)
        if handle.callbacks:
            handle.duplicates.append(body)
            self.duplicates.append({"interaction_id": handle.id, "body": body})
            return _error(400, 40060)
        sent_at = handle.sent_at if handle.sent_at is not None else received
        if self.ack_deadline is not None and received - sent_at > self.ack_deadline:
            handle.late.append(body)
            self.late.append(
                {"interaction_id": handle.id, "body": body, "after": received - sent_at}
            )
            return _error(404, 10062)
        errors = _Errors()
        ctype = body.get("type") if isinstance(body, dict) else None
        data = (body.get("data") if isinstance(body, dict) else None) or {}
        if not isinstance(data, dict):
            errors.add(
                ("data",), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
            )
            return self._reject(request, body, errors, handle)
        if ctype not in _CALLBACKS_FOR.get(handle.type, ()):
            errors.add(("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid response type")
            return self._reject(request, body, errors, handle)
        empty = None
        if ctype in (CB_MESSAGE, CB_UPDATE):
            empty = _check_message(data, errors, create=ctype == CB_MESSAGE, path=("data",))
        elif ctype == CB_AUTOCOMPLETE:
            choices = data.get("choices")
            if not isinstance(choices, list):
                errors.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
            else:
                if len(choices) > 25:
                    errors.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
                for i, choice in enumerate(choices):
                    path = ("data", "choices", i)
                    errors.max_length((*path, "name"), choice.get("name") or "", 100, minimum=1)
                    if isinstance(choice.get("value"), str):
                        errors.max_length((*path, "value"), choice["value"], 100)
        elif ctype == CB_MODAL:
            errors.max_length(("data", "title"), data.get("title") or "", 45, minimum=1)
            errors.max_length(("data", "custom_id"), data.get("custom_id") or "", 100, minimum=1)
            count = len(data.get("components") or [])
            if not 1 <= count <= 5:
                errors.add(("data", "components"), "BASE_TYPE_BAD_LENGTH", "Must be 1 to 5.")
        if errors:
            return self._reject(request, body, errors, handle)
        if empty:
            return self._reject_code(request, body, handle, empty)

        handle.received_at = received
        handle.callbacks.append(body)
        resource: dict[str, Any] | None = None
        if ctype == CB_MESSAGE:
            handle.original = self._new_message(
                handle.channel_id, data, handle=handle, uploads=request.get(_UPLOADS_KEY)
            )
            handle._set_final(handle.original)
            resource = handle.original
        elif ctype == CB_DEFERRED_MESSAGE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            handle.original = self._new_message(handle.channel_id, {}, handle=handle, flags=flags)
        elif ctype in (CB_DEFERRED_UPDATE, CB_UPDATE):
            source = self.all_messages.get(handle.source_message_id or 0)
            if source is None:  # a message the emulator did not create: use the payload's copy
                source = handle.payload.get("message")
            handle.original = source
            if source is not None:
                handle.message_ids.add(int(source["id"]))
            if ctype == CB_UPDATE and source is not None:
                self._edit_message(source, data, request.get(_UPLOADS_KEY))
                handle._set_final(source)
                resource = source
        else:
            handle._set_final(data)
        handle._callback_event.set()

        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return _no_content()
        original = handle.original
        response: dict[str, Any] = {"interaction": {"id": str(handle.id), "type": handle.type}}
        if original is not None and ctype in (CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_UPDATE):
            response["interaction"]["response_message_id"] = original["id"]
            response["interaction"]["response_message_loading"] = bool(original["flags"] & LOADING)
            response["interaction"]["response_message_ephemeral"] = bool(
                original["flags"] & EPHEMERAL
            )
        if resource is not None:
            response["resource"] = {"type": ctype, "message": resource}
        elif ctype in (CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE):
            response["resource"] = {"type": ctype}
        return _json_response(response)

    def _reject_code(self, request, body, handle, code: int) -> web.Response:
        path = _API_PREFIX.sub("", request.path)
        entry = {"method": request.method, "path": path, "body": body, "code": code}
        self.invalid.append(entry)
        if handle is not None:
            handle.rejected.append(entry)
        return _error(400, code)

    def _handle_for_webhook(self, request: web.Request) -> InteractionHandle | None:
        handle = self._by_token.get(request.match_info["token"])
        if handle is None or _int(request.match_info["app_id"]) != self.application_id:
            return None
        return handle if handle.callbacks else None  # no webhook before the acknowledgement

    async def _h_followup(self, request: web.Request) -> web.Response:
        handle = self._handle_for_webhook(request)
        body = await self._body(request)
        if handle is None:
            return _error(404, 10015)
        errors = _Errors()
        empty = _check_message(body, errors, create=True)
        if errors:
            return self._reject(request, body, errors, handle)
        if empty:
            return self._reject_code(request, body, handle, empty)
        handle.followups.append(body)
        original = handle.original
        first_type = handle.callbacks[0].get("type")
        if (
            first_type == CB_DEFERRED_MESSAGE
            and original is not None
            and original["flags"] & LOADING
        ):
            # Discord turns the "thinking…" message into the first followup.
            followup = {k: v for k, v in body.items() if k != "flags"}
            self._edit_message(original, followup, request.get(_UPLOADS_KEY))
            message = original
        else:
            message = self._new_message(
                handle.channel_id, body, handle=handle, uploads=request.get(_UPLOADS_KEY)
            )
        handle._set_final(message)
        if request.query.get("wait", "").lower() not in ("1", "true"):
            return _no_content()
        return _json_response(message)

    async def _h_webhook_message(self, request: web.Request) -> web.Response:
        handle = self._handle_for_webhook(request)
        if handle is None:
            if request.method == "PATCH":
                await self._body(request)  # recorded, then refused
            return _error(404, 10015)
        message_id = request.match_info["message_id"]
        if message_id == "@original":
            message = handle.original
        else:
            mid = _int(message_id)
            message = self.all_messages.get(mid) if mid in handle.message_ids else None
        if message is None or int(message["id"]) not in self.all_messages:
            if request.method == "PATCH":
                await self._body(request)
            return _error(404, 10008)
        if request.method == "GET":
            return _json_response(message)
        if request.method == "DELETE":
            handle.deletes.append(message_id)
            self._delete(message)
            return _no_content()
        body = await self._body(request)
        errors = _Errors()
        _check_message(body, errors, create=False)
        if errors:
            return self._reject(request, body, errors, handle)
        handle.edits.append(body)
        self._edit_message(message, body, request.get(_UPLOADS_KEY))
        if message is handle.original:
            handle._set_final(message)
        return _json_response(message)

    # ----------------------------------------------------------- building payloads

    def _member_payload(self, uid: int, channel_id: int | None = None) -> dict[str, Any]:
        self._user(uid)
        member = dict(self.members[uid])
        member["roles"] = list(member["roles"])
        member["permissions"] = str(self._permissions_of(uid, channel_id))
        return member

    def _interaction_payload(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user_id: int,
        channel_id: int,
        message: dict | None = None,
    ) -> dict[str, Any]:
        iid = self._ids.next()
        channel = self.channels.get(channel_id)
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        member = self._member_payload(user_id, channel_id)  # permissions in the channel
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "guild_id": str(self.guild_id),
            "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": {**channel, "permissions": member["permissions"]},
            "member": member,
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96),
            "version": 1,
            "app_permissions": str(self._permissions_of(self.bot_user_id, channel_id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        return payload

    def _resolve(self, otype: int, value: Any, resolved: dict[str, dict]) -> str:
        """A snowflake option's value, adding the object to `resolved` as Discord does."""
        if otype == 11:  # attachment: value is {"filename", "size", "content_type", "url"}
            aid = self._ids.next()
            info = value if isinstance(value, dict) else {"filename": str(value)}
            filename = info.get("filename", "file.bin")
            resolved.setdefault("attachments", {})[str(aid)] = {
                "id": str(aid),
                "filename": filename,
                "size": info.get("size", 0),
                "url": info.get("url", f"{self.http_url}/attachments/{aid}/{filename}"),
                "proxy_url": info.get("url", f"{self.http_url}/attachments/{aid}/{filename}"),
                "content_type": info.get("content_type"),
                "ephemeral": True,
            }
            return str(aid)
        sid = int(value["id"] if isinstance(value, dict) else value)
        key = str(sid)
        if otype in (6, 9) and sid in self.users:
            resolved.setdefault("users", {})[key] = self.users[sid]
            member = {k: v for k, v in self._member_payload(sid).items() if k != "user"}
            resolved.setdefault("members", {})[key] = member
        elif otype in (8, 9) and any(r["id"] == key for r in self.roles):
            role = next(r for r in self.roles if r["id"] == key)
            resolved.setdefault("roles", {})[key] = role
        elif otype == 7 and sid in self.channels:
            channel = self.channels[sid]
            resolved.setdefault("channels", {})[key] = {
                "id": key,
                "name": channel["name"],
                "type": channel["type"],
                "parent_id": channel.get("parent_id"),
                "permissions": str(self._permissions_of(self.user_id)),
                "guild_id": str(self.guild_id),
                "flags": 0,
            }
        else:
            raise KeyError(f"option type {otype}: nothing with id {sid} in the emulated guild")
        return key

    def _option_values(
        self,
        schema: list[dict],
        given: dict[str, Any],
        resolved: dict[str, dict],
        *,
        focused: str | None,
        where: str,
    ) -> list[dict]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise KeyError(f"{where}: no option(s) {sorted(unknown)}; has {sorted(by_name)}")
        result = []
        for option in schema:
            name = option["name"]
            if name not in given:
                if option.get("required") and focused is None:
                    raise ValueError(f"{where}: required option {name!r} missing")
                continue
            otype = option["type"]
            value = given[name]
            if name == focused:
                result.append({"type": otype, "name": name, "value": str(value), "focused": True})
                continue
            if otype == 3:
                value = str(value)
                if not option.get("min_length", 0) <= len(value) <= option.get("max_length", 6000):
                    raise ValueError(f"{where}: {name!r} length out of range")
            elif otype == 4:
                if isinstance(value, bool) or int(value) != value:
                    raise ValueError(f"{where}: {name!r} must be an integer")
                value = int(value)
            elif otype == 10:
                value = float(value) if not isinstance(value, int | float) else value
            elif otype == 5:
                if not isinstance(value, bool):
                    raise ValueError(f"{where}: {name!r} must be a bool")
            elif otype in (6, 7, 8, 9, 11):
                value = value if focused is not None else self._resolve(otype, value, resolved)
                if focused is not None:
                    value = str(value["id"] if isinstance(value, dict) else value)
            if otype in (4, 10) and focused is None:
                low, high = option.get("min_value"), option.get("max_value")
                if (low is not None and value < low) or (high is not None and value > high):
                    raise ValueError(f"{where}: {name!r}={value} outside [{low}, {high}]")
            choices = option.get("choices")
            if choices and focused is None and value not in [c["value"] for c in choices]:
                raise ValueError(f"{where}: {name!r}={value!r} is not one of its choices")
            result.append({"type": otype, "name": name, "value": value})
        if focused is not None and focused not in {o["name"] for o in result}:
            raise KeyError(f"{where}: focused option {focused!r} not given")
        return result

    def _command_data(
        self, name: str, options: dict[str, Any] | None, focused: str | None
    ) -> tuple[dict[str, Any], str]:
        top, *subs = name.split()
        command = self.commands.get(top)
        if command is None:
            raise KeyError(f"command {top!r} was never synced; synced: {sorted(self.commands)}")
        resolved: dict[str, dict] = {}
        schema = command.get("options") or []
        nested: list[dict] = []
        container = nested
        for sub in subs:
            found = next((o for o in schema if o["name"] == sub and o["type"] in (1, 2)), None)
            if found is None:
                raise KeyError(f"{top!r} has no subcommand (group) {sub!r}")
            entry: dict[str, Any] = {"type": found["type"], "name": sub, "options": []}
            container.append(entry)
            container = entry["options"]
            schema = found.get("options") or []
        if any(o["type"] in (1, 2) for o in schema):
            raise ValueError(f"{name!r} is a group: name one of its subcommands")
        container.extend(
            self._option_values(schema, options or {}, resolved, focused=focused, where=name)
        )
        data: dict[str, Any] = {
            "id": command["id"],
            "name": top,
            "type": command.get("type", 1),
        }
        if nested:
            data["options"] = nested
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data, top

    # ------------------------------------------------------------- gateway output

    async def _send_dispatch(
        self,
        session: _Session,
        event: str,
        data: Any,
        handle: InteractionHandle | None = None,
    ) -> int:
        session.seq += 1
        seq = session.seq
        text = _dumps({"op": OP_DISPATCH, "t": event, "s": seq, "d": data})
        session.buffer.append((seq, text))
        if handle is not None:
            handle.sent_at = time.perf_counter()
        ws = session.ws
        if ws is not None and not ws.closed:
            # Uncompressed frames are written synchronously, so dispatches leave in seq order.
            try:
                await ws.send_str(text)
            except (ConnectionError, RuntimeError):
                if session.ws is ws:
                    session.ws = None  # replayed on RESUME
        return seq

    async def dispatch(self, event: str, data: Any) -> int:
        """Send any gateway dispatch to the bot (replayed on RESUME); returns its seq."""
        session = self._session
        if session is None:
            raise EmulatorError("no bot has IDENTIFIED yet (await wait_ready())")
        return await self._send_dispatch(session, event, data)

    async def _dispatch_interaction(
        self, payload: dict, name: str, source_message_id: int | None = None
    ) -> InteractionHandle:
        session = self._session
        if session is None:
            raise EmulatorError("no bot has IDENTIFIED yet (await wait_ready())")
        handle = InteractionHandle(self, payload, name)
        handle.source_message_id = source_message_id
        self.interactions[handle.id] = handle
        self._by_token[handle.token] = handle
        await self._send_dispatch(session, "INTERACTION_CREATE", payload, handle)
        return handle

    async def command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
    ) -> InteractionHandle:
        """Dispatch a slash command as `user_id` (default: the asker) typed it in `channel_id`
        (default: `channel_id`, "films"; or one from `add_channel`). The payload's
        `member.permissions` and `app_permissions` are the user's and the bot's in that channel.

        `name` may name a subcommand: "film info". Option values are converted to the synced
        option types (user/channel/role options take ids and get `resolved` data); unknown or
        missing required options and values outside choices/min/max raise, as Discord's client
        would not send them.
        """
        data, _ = self._command_data(name, options, None)
        payload = self._interaction_payload(
            APPLICATION_COMMAND,
            data,
            user_id=self.user_id if user_id is None else user_id,
            channel_id=self.channel_id if channel_id is None else channel_id,
        )
        return await self._dispatch_interaction(payload, name)

    async def user_message(
        self,
        content: str,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
    ) -> dict:
        """A user posts `content` in a channel (default: the asker in "films"); `<@id>` in
        it mentions that user. As on Discord, MESSAGE_CREATE reaches the bot only with the
        GUILD_MESSAGES intent, and its text (content, embeds, attachments) only with the
        privileged MESSAGE_CONTENT intent or when the message mentions the bot. Returns
        the message as stored; `dispatched` says whether the bot was sent it."""
        uid = self.user_id if user_id is None else user_id
        cid = self.channel_id if channel_id is None else channel_id
        if cid not in self.channels:
            raise EmulatorError(f"no channel {cid}")
        message = self._new_message(cid, {"content": content})
        message["author"] = self._user(uid)
        mentioned = [int(m) for m in re.findall(r"<@!?([0-9]{15,21})>", content)]
        message["mentions"] = [
            {**self._user(m), "member": {k: v for k, v in self.members[m].items() if k != "user"}}
            for m in dict.fromkeys(mentioned)
            if m in self.users
        ]
        self.user_messages.setdefault(cid, []).append(message)
        session = self._session
        message["dispatched"] = False
        if session is None or not session.intents & INTENT_GUILD_MESSAGES:
            return message
        data = {k: v for k, v in message.items() if k != "dispatched"}
        data["guild_id"] = str(self.guild_id)
        data["member"] = {k: v for k, v in self.members[uid].items() if k != "user"}
        if not session.intents & INTENT_MESSAGE_CONTENT and self.bot_user_id not in mentioned:
            data.update(content="", embeds=[], attachments=[], components=[])
        await self._send_dispatch(session, "MESSAGE_CREATE", data)
        message["dispatched"] = True
        return message

    async def autocomplete_interaction(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
    ) -> InteractionHandle:
        """Dispatch an autocomplete interaction; the focused value is sent as typed (a string)."""
        data, _ = self._command_data(name, options, focused)
        payload = self._interaction_payload(
            AUTOCOMPLETE,
            data,
            user_id=self.user_id if user_id is None else user_id,
            channel_id=self.channel_id if channel_id is None else channel_id,
        )
        return await self._dispatch_interaction(payload, name)

    async def autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
        timeout: float = 10,
    ) -> list[dict]:
        """Dispatch an autocomplete interaction and return the choices the bot answered."""
        handle = await self.autocomplete_interaction(
            name, options, focused, user_id=user_id, channel_id=channel_id
        )
        body = await handle.callback(timeout)
        return (body.get("data") or {}).get("choices") or []

    async def component(
        self,
        message: dict,
        custom_id: str,
        values: list[str] | None = None,
        *,
        user_id: int | None = None,
    ) -> InteractionHandle:
        """`user_id` clicks/selects the component `custom_id` of `message` (a message the bot
        sent, e.g. from `final_message()`; its current state is looked up by id)."""
        if "id" not in message:
            raise ValueError("pass a message object with an id (e.g. from final_message())")
        stored = self.all_messages.get(int(message["id"]))
        if stored is None:
            raise KeyError(f"message {message['id']} does not exist (deleted?)")
        found = next(
            (c for c in _walk_components(stored["components"]) if c.get("custom_id") == custom_id),
            None,
        )
        if found is None:
            ids = [
                c["custom_id"] for c in _walk_components(stored["components"]) if "custom_id" in c
            ]
            raise KeyError(f"message has no component {custom_id!r}; has {ids}")
        if found.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        ctype = found["type"]
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype}
        if "id" in found:
            data["id"] = found["id"]
        if ctype in (3, 5, 6, 7, 8):
            chosen = list(values or [])
            low, high = found.get("min_values", 1), found.get("max_values", 1)
            if not low <= len(chosen) <= high:
                raise ValueError(f"{custom_id!r} takes {low}..{high} values, got {len(chosen)}")
            if ctype == 3:
                allowed = [o["value"] for o in found.get("options") or ()]
                bad = [v for v in chosen if v not in allowed]
                if bad:
                    raise ValueError(f"{custom_id!r} has no option(s) {bad}; has {allowed}")
            else:
                resolved: dict[str, dict] = {}
                kind = {5: 6, 6: 8, 7: 9, 8: 7}[ctype]
                chosen = [self._resolve(kind, v, resolved) for v in chosen]
                data["resolved"] = resolved
            data["values"] = chosen
        elif values is not None:
            raise ValueError(f"{custom_id!r} is a button: it takes no values")
        channel_id = int(stored["channel_id"])
        payload = self._interaction_payload(
            MESSAGE_COMPONENT,
            data,
            user_id=self.user_id if user_id is None else user_id,
            channel_id=channel_id,
            message=copy.deepcopy(stored),  # as it was when clicked
        )
        return await self._dispatch_interaction(payload, custom_id, int(stored["id"]))

    # ------------------------------------------------------------------ gateway

    async def drop_gateway(self, code: int | None = 4000) -> None:
        """Close the bot's websocket with `code` (None: cut the TCP connection, no close frame).

        Discord's resumable codes (4000, 4001, ...) let discord.py RESUME on a new connection;
        4007 and 4009 also invalidate the session, so its RESUME gets op 9 and it IDENTIFIES again.
        """
        session = self._session
        if session is None or session.ws is None:
            raise EmulatorError("no bot is connected")
        ws = session.ws
        session.ws = None
        if code in (4007, 4009):
            session.invalid = True
        transport = None
        for conn in self._conns:
            if conn.ws is ws:
                conn.dropped = True
                transport = conn.request.transport
        if code is None and transport is not None:
            transport.abort()
        else:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=code or 4000, message=b"emulator drop"), 5)
        self._notify()

    async def send_reconnect(self) -> None:
        """Op 7: ask the bot to reconnect and RESUME."""
        await self._send_op_to_bot(OP_RECONNECT, None)

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Op 9: the bot must RESUME (resumable=True) or IDENTIFY again."""
        if not resumable and self._session is not None:
            self._session.invalid = True
        self.invalid_sessions += 1
        await self._send_op_to_bot(OP_INVALID_SESSION, resumable)

    async def _send_op_to_bot(self, op: int, data: Any) -> None:
        session = self._session
        if session is None or session.ws is None:
            raise EmulatorError("no bot is connected")
        await session.ws.send_str(_dumps({"op": op, "d": data, "s": None, "t": None}))

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=0)
        await ws.prepare(request)
        conn = _Connection(ws, request)
        self._conns.add(conn)
        self.connections += 1
        try:
            await ws.send_str(
                _dumps(
                    {
                        "op": OP_HELLO,
                        "d": {
                            "heartbeat_interval": self.heartbeat_interval,
                            "_trace": ['["gateway-emulator",{"micros":0}]'],
                        },
                        "s": None,
                        "t": None,
                    }
                )
            )
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_gateway_message(conn, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
        except (ConnectionError, RuntimeError):
            pass
        finally:
            self._conns.discard(conn)
            session = conn.session
            if session is not None and session.ws is ws:
                session.ws = None
                if not conn.dropped and ws.close_code in (1000, 1001):
                    session.invalid = True  # a client closing normally ends its session
            self._notify()
        return ws

    async def _close(self, conn: _Connection, code: int, reason: str) -> None:
        conn.dropped = True
        await conn.ws.close(code=code, message=reason.encode())

    async def _on_gateway_message(self, conn: _Connection, text: str) -> None:
        try:
            msg = json.loads(text)
            op = msg["op"]
            data = msg.get("d")
        except (ValueError, KeyError, TypeError):
            await self._close(conn, 4002, "Error while decoding payload.")
            return
        ws = conn.ws
        if op == OP_HEARTBEAT:
            self.heartbeats += 1
            await ws.send_str('{"op":11,"d":null,"s":null,"t":null}')
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif conn.session is None:
            await self._close(conn, 4003, "Not authenticated.")
        elif op == OP_PRESENCE:
            self.presences.append(data)
        elif op == OP_REQUEST_MEMBERS:
            await self._members_chunk(conn.session, data or {})
        elif op == OP_VOICE_STATE:
            pass
        else:
            await self._close(conn, 4001, "Unknown opcode.")

    async def _identify(self, conn: _Connection, data: dict) -> None:
        if conn.session is not None:
            await self._close(conn, 4005, "Already authenticated.")
            return
        token = data.get("token")
        if self.token is not None and token != self.token:
            await self._close(conn, 4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await self._close(conn, 4013, "Invalid intent(s).")
            return
        if (
            self.allowed_intents is not None
            and intents & PRIVILEGED_INTENTS & ~self.allowed_intents
        ):
            await self._close(conn, 4014, "Disallowed intent(s).")
            return
        self.identify_payloads.append({k: v for k, v in data.items() if k != "token"})
        session = _Session(secrets.token_hex(16), token, intents, self.replay_buffer)
        self._sessions[session.id] = session
        previous = self._session
        if previous is not None and previous.ws is not None and previous.ws is not conn.ws:
            previous.invalid = True
        self._session = session
        session.ws = conn.ws
        conn.session = session
        self.identifies += 1
        ready = {
            "v": API_VERSION,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": True, "email": None},
            "user_settings": {},
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "guild_join_requests": [],
            "relationships": [],
            "private_channels": [],
            "presences": [],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "auth_session_id_hash": secrets.token_urlsafe(32),
            "application": {"id": str(self.application_id), "flags": (1 << 19) | (1 << 23)},
            "geo_ordered_rtc_regions": ["us-east"],
            "_trace": ['["gateway-emulator",{"micros":0}]'],
        }
        shard = data.get("shard")
        if shard is not None:
            ready["shard"] = shard
        await self._send_dispatch(session, "READY", ready)
        await self._send_dispatch(session, "GUILD_CREATE", self.guild_payload())
        self._ready_event.set()
        self._notify()

    async def _resume(self, conn: _Connection, data: dict) -> None:
        session = self._sessions.get(data.get("session_id") or "")
        seq = data.get("seq")
        valid = (
            session is not None
            and not session.invalid
            and (self.token is None or data.get("token") == self.token)
            and data.get("token") == session.token
            and isinstance(seq, int)
            and seq <= session.seq
            and (not session.buffer or session.buffer[0][0] <= seq + 1)
        )
        if not valid or session is None or not isinstance(seq, int):
            self.invalid_sessions += 1
            await conn.ws.send_str(
                _dumps({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            )
            return
        old = session.ws
        if old is not None and old is not conn.ws:
            session.ws = None
            for other in self._conns:
                if other.ws is old:
                    other.dropped = True
            task = asyncio.get_running_loop().create_task(old.close(code=4000))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        conn.session = session
        last = seq
        while True:
            missed = [(s, text) for s, text in session.buffer if s > last]
            if not missed:
                break
            for s, text in missed:
                await conn.ws.send_str(text)
                last = s
        session.ws = conn.ws  # no await since the last check: later dispatches go out live
        self._session = session
        self.resumes += 1
        await self._send_dispatch(session, "RESUMED", {"_trace": ['["gateway-emulator"]']})
        self._notify()

    async def _members_chunk(self, session: _Session, data: dict) -> None:
        wanted = data.get("user_ids")
        query = (data.get("query") or "").lower()
        members = [
            m
            for uid, m in self.members.items()
            if (wanted is None or str(uid) in map(str, wanted))
            and m["user"]["username"].lower().startswith(query)
        ]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(self.guild_id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise web.HTTPNotFound() from None


def _query_int(
    query: Any,
    key: str,
    errors: _Errors,
    default: int | None = None,
    low: int | None = None,
    high: int | None = None,
) -> int | None:
    """An integer query parameter; a bad one is added to `errors` as Discord reports it."""
    raw = query.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        errors.add((key,), "NUMBER_TYPE_COERCE", f'Value "{raw}" is not int.')
        return default
    if low is not None and value < low:
        errors.add(
            (key,), "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {low}."
        )
    elif high is not None and value > high:
        errors.add((key,), "NUMBER_TYPE_MAX", f"int value should be less than or equal to {high}.")
    return value


class _InvalidJSON(Exception):
    pass


def _loads_request(raw: str | bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise _InvalidJSON from None


def _loads_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _normalize_embed(embed: dict) -> dict:
    if "type" in embed:
        return embed
    return {"type": "rich", **embed}


# ------------------------------------------------------------------ standalone use


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the Discord emulator until interrupted.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--channel-rate",
        default="5/5",
        help='requests/seconds per channel on the message routes, or "off" (default: 5/5)',
    )
    parser.add_argument(
        "--global-rate",
        default="50/1",
        help='requests/seconds across channels on those routes, or "off" (default: 50/1)',
    )
    args = parser.parse_args(argv)

    def rate(text: str) -> tuple[int, float] | None:
        if text.lower() in ("off", "none", "0"):
            return None
        count, _, seconds = text.partition("/")
        return int(count), float(seconds or 1)

    async def run() -> None:
        emulator = DiscordEmulator(
            host=args.host,
            port=args.port,
            channel_rate=rate(args.channel_rate),
            global_rate=rate(args.global_rate),
        )
        await emulator.start()
        info = {
            "base_url": emulator.base_url,
            "gateway_url": emulator.gateway_url,
            "application_id": emulator.application_id,
            "guild_id": emulator.guild_id,
            "channel_id": emulator.channel_id,
            "user_id": emulator.user_id,
        }
        print(_dumps(info), flush=True)
        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        try:
            await stop.wait()
        finally:
            await emulator.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
