"""Secrets kept out of the logs, whoever writes them and whichever handler prints them.

At DEBUG, libraries log what they send and receive: matrix-nio the login response with its
access token, discord.py interaction and webhook URLs whose path holds a token, gateway
events carrying an interaction's token. `install()` redacts every log record as it is
made (a wrapped `logging.setLogRecordFactory`, so records of every logger, every level and
every handler, added now or later by a library, are covered) and puts a filter on each
handler of the root logger for records made some other way (`logging.makeLogRecord`).

Two kinds of redaction, on the final message, the traceback and the stack:

- the values of the configured secrets (`register_secret`: DISCORD_TOKEN,
  MATRIX_ACCESS_TOKEN, MATRIX_PASSWORD, and the access token a password login returns),
  in every spelling they are logged in (as typed, JSON-escaped, URL-encoded);
- token shapes, wherever they come from: `"access_token": "…"` and other secret keys in
  JSON or a dict's repr, `access_token=` in a query string, `Authorization: Bot|Bearer …`,
  `/interactions/<id>/<token>/`, `/webhooks/<id>/<token>`, Discord bot tokens, Discord
  interaction tokens and Synapse tokens (`syt_…`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit, urlunsplit

REDACTED = "<redacted>"
# Shorter values are not secrets worth the damage: a 3-letter password would blank out
# every word it is part of.
SECRET_MIN_LENGTH = 4

_SECRET_KEYS = (
    r"access_token|refresh_token|token|password|passwd|client_secret|secret|api_key"
    r"|authorization|bot_token"
)
_TOKEN_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "access_token": "…", 'token': '…' (JSON, a dict's repr), also inside an escaped string
    (
        re.compile(
            rf"(?P<key>(?P<kq>\\?[\"'])(?:{_SECRET_KEYS})(?P=kq)\s*[:=]\s*b?)"
            r"(?P<q>\\?[\"'])(?:(?!(?P=q)).)*(?P=q)",
            re.I,
        ),
        rf"\g<key>\g<q>{REDACTED}\g<q>",
    ),
    # access_token='…' as a keyword in a repr (LoginResponse(..., access_token='…')), a
    # bytes value b'…' too
    (
        re.compile(
            rf"(?P<key>\b(?:{_SECRET_KEYS})\s*[=:]\s*b?)(?P<q>[\"'])(?:(?!(?P=q)).)*(?P=q)", re.I
        ),
        rf"\g<key>\g<q>{REDACTED}\g<q>",
    ),
    # access_token=… in a query string or a form
    (
        re.compile(rf"(?P<key>\b(?:{_SECRET_KEYS})=)[^&\s\"'<>]+", re.I),
        rf"\g<key>{REDACTED}",
    ),
    # Authorization: Bot …, Authorization: Bearer …, and a lone Bearer credential
    (
        re.compile(
            r"(?P<key>\bAuthorization[\"']?\s*[:=]\s*[\"']?(?:(?:Bot|Bearer|Basic)\s+)?)"
            r"[^\s\"',;}]+",
            re.I,
        ),
        rf"\g<key>{REDACTED}",
    ),
    (re.compile(r"(?P<key>\b(?:Bearer|Bot)\s+)[\w.~+/-]{20,}=*"), rf"\g<key>{REDACTED}"),
    # /interactions/<id>/<token>/callback, /webhooks/<id>/<token>[/messages/…]
    (
        re.compile(r"(?P<key>/(?:interactions|webhooks)/\d+/)[^/\s?#\"'<>]+"),
        rf"\g<key>{REDACTED}",
    ),
    # A Discord bot token (base64 user id, timestamp, HMAC) or any JWT-like triple (read
    # from the start of a run only, possessively: linear on a long base64 blob)
    (re.compile(r"(?<![\w-])[\w-]{20,}+\.[\w-]{6,}+\.[\w-]{20,}"), REDACTED),
    # A Discord interaction token: base64 of 'interaction:' and more
    (re.compile(r"aW50ZXJhY3Rpb246[\w-]*"), REDACTED),
    # Synapse access and refresh tokens; Matrix Authentication Service tokens
    (re.compile(r"\bsy[tr]_[\w-]{8,}|\bma[tr]_[A-Za-z0-9_]{16,}"), REDACTED),
)

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
_secrets_pattern: re.Pattern[str] | None = None


def masked_url(url: str) -> str:
    """A URL with its password shown as *** (`postgresql://bot:***@db:5432/filmbot`), for
    logs and messages; a URL without one as it is."""
    parts = urlsplit(url)
    try:
        password, port = parts.password, parts.port
    except ValueError:  # a port that is not a number: show no part of what follows '@'
        return f"{parts.scheme}://***"
    query = _masked_query(parts.query)
    if password is None:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username or ''}:***@{host}" + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# Query parameters of a database URL that hold a secret (libpq and asyncpg take
# 'postgresql://bot@db/filmbot?password=…').
_SECRET_PARAMS = frozenset(["password", "sslpassword"])


def _masked_query(query: str) -> str:
    """A URL's query with every secret parameter's value shown as ***."""
    if not query:
        return query
    pairs = []
    for pair in query.split("&"):
        name, sep, _value = pair.partition("=")
        secret = unquote(name).casefold() in _SECRET_PARAMS
        pairs.append(f"{name}{sep}***" if secret and sep else pair)
    return "&".join(pairs)


def url_password(url: str | None) -> str | None:
    """The password a URL holds, in its user part or as a `password=` parameter, to
    register as a secret (None for none)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        in_user = unquote(parts.password or "")
    except ValueError:
        return None
    if in_user:
        return in_user
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        if name.casefold() in _SECRET_PARAMS and value:
            return value
    return None


def register_secret(value: str | None) -> None:
    """Redact `value` from every log record from now on (None, blank and values under
    `SECRET_MIN_LENGTH` are ignored). For secrets known only at run time, such as the
    access token a Matrix password login returns."""
    global _secrets, _secrets_pattern
    if not value or len(value.strip()) < SECRET_MIN_LENGTH:
        return
    spellings = {value, json.dumps(value)[1:-1], repr(value)[1:-1]}
    spellings |= {quote(value, safe=""), quote_plus(value, safe="")}
    with _lock:
        if spellings <= _secrets:
            return
        _secrets = _secrets | spellings
        ordered = sorted(_secrets, key=len, reverse=True)  # the longest spelling wins
        _secrets_pattern = re.compile("|".join(map(re.escape, ordered)))


def forget_secrets() -> None:
    """Forget every registered secret (for tests)."""
    global _secrets, _secrets_pattern
    with _lock:
        _secrets, _secrets_pattern = frozenset(), None


def redact(text: str) -> str:
    """`text` with the registered secrets and every token shape replaced by REDACTED."""
    pattern = _secrets_pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for shape, replacement in _TOKEN_SHAPES:
        text = shape.sub(replacement, text)
    return text


_traceback_formatter = logging.Formatter()


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact the record in place: its message (formatted, args dropped, when it changed),
    its traceback and its stack. A record already redacted is only compared."""
    try:
        message = record.getMessage()
    except Exception:  # a broken logging call: logging reports it when it is emitted
        return record
    if message == record.__dict__.get("_redacted_message"):
        return record
    safe = redact(message)
    if safe != message:
        record.msg, record.args = safe, None
    if record.exc_info and not record.exc_text:
        text = _traceback_formatter.formatException(record.exc_info)
        if (redacted := redact(text)) != text:
            record.exc_text = redacted  # formatters use it instead of formatting their own
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record.__dict__["_redacted_message"] = safe
    return record


class RedactingFilter(logging.Filter):
    """A handler filter that redacts and lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


FILTER = RedactingFilter()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def _redacting_factory(*args, **kwargs) -> logging.LogRecord:
    assert _previous_factory is not None
    return redact_record(_previous_factory(*args, **kwargs))


def install(logger: logging.Logger | None = None) -> None:
    """Redact every record made from now on, and filter each handler of `logger` (the
    root logger by default). Calling it again only adds the filter to new handlers."""
    global _previous_factory
    with _lock:
        if _previous_factory is None:
            _previous_factory = logging.getLogRecordFactory()
            logging.setLogRecordFactory(_redacting_factory)
    for handler in (logger or logging.getLogger()).handlers:
        if FILTER not in handler.filters:
            handler.addFilter(FILTER)


def uninstall(logger: logging.Logger | None = None) -> None:
    """Undo `install` (for tests): the record factory as it was, the filters removed."""
    global _previous_factory
    with _lock:
        if _previous_factory is not None and logging.getLogRecordFactory() is _redacting_factory:
            logging.setLogRecordFactory(_previous_factory)
            _previous_factory = None
    for handler in (logger or logging.getLogger()).handlers:
        handler.removeFilter(FILTER)
