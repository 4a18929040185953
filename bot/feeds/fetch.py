"""One conditional GET of a feed: ETag / Last-Modified sent back, a timeout, a size cap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp

from bot import __version__
from bot.constants import FEED_MAX_BYTES, FEED_TIMEOUT_SECONDS

USER_AGENT = f"filmbot/{__version__} (+feeds)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_CHUNK = 64 * 1024


class FetchError(Exception):
    """No usable answer (no connection, a timeout, a cut-short or oversized body)."""


@dataclass(frozen=True)
class FetchResult:
    status: int
    reason: str
    body: bytes  # empty unless the status is 2xx
    etag: str | None
    last_modified: str | None
    content_type: str | None
    url: str  # after redirects
    retry_after: float | None = None  # seconds, from a 429 / 503 answer's Retry-After

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def check_feed_url(url: str) -> str:
    """The URL, stripped, if it is an absolute http(s) URL; else ValueError saying why."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a valid URL ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host name")
    if any(ch.isspace() for ch in url):
        raise ValueError(f"{url!r} contains spaces")
    return url


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After in seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def fetch_feed(
    session: aiohttp.ClientSession,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = FEED_TIMEOUT_SECONDS,
    max_bytes: int = FEED_MAX_BYTES,
) -> FetchResult:
    """GET the feed; any HTTP status is returned, a transport problem raises FetchError."""
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with session.get(
            url, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as resp:
            body = b""
            if 200 <= resp.status < 300:
                body = await _read_capped(resp, max_bytes)
            return FetchResult(
                status=resp.status,
                reason=resp.reason or "",
                body=body,
                etag=resp.headers.get("ETag"),
                last_modified=resp.headers.get("Last-Modified"),
                content_type=resp.headers.get("Content-Type"),
                url=str(resp.url),
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
            )
    except TimeoutError as exc:
        raise FetchError(f"no complete answer within {timeout:g} s") from exc
    except aiohttp.ClientConnectorError as exc:
        raise FetchError(f"cannot connect to {exc.host}:{exc.port} ({exc.os_error})") from exc
    except aiohttp.TooManyRedirects as exc:
        raise FetchError("too many redirects") from exc
    except aiohttp.InvalidURL as exc:
        raise FetchError(f"not a valid URL ({exc})") from exc
    except aiohttp.ClientPayloadError as exc:
        raise FetchError(f"the answer was cut short ({exc})") from exc
    except aiohttp.ClientError as exc:
        raise FetchError(f"the request failed ({type(exc).__name__}: {exc})") from exc
    except (OSError, ValueError) as exc:
        raise FetchError(f"the request failed ({exc})") from exc


async def _read_capped(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    too_big = FetchError(f"the feed is larger than the limit of {max_bytes:,} bytes")
    if resp.content_length is not None and resp.content_length > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)
