"""One conditional GET of a feed: ETag / Last-Modified sent back, a timeout, a size cap.

The request goes through `bot.net.client.GuardedClient`: nothing on the machine's own
network is fetched, at the first request or after a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from bot import __version__
from bot.constants import FEED_MAX_BYTES, FEED_TIMEOUT_SECONDS
from bot.net.client import GuardedClient, read_capped
from bot.net.policy import FetchError, FetchRefused, redact_url

__all__ = ["FetchError", "FetchRefused", "FetchResult", "check_feed_url", "fetch_feed"]

USER_AGENT = f"filmbot/{__version__} (+feeds)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


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
    """The URL, stripped, if it is an absolute http(s) URL without user information;
    else ValueError saying why (the URL shown redacted)."""
    url = url.strip()
    shown = redact_url(url)  # the messages are printed: no password in them
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"{shown!r} is not a valid URL ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"{shown!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError(f"{shown!r} has no host name")
    if "@" in parts.netloc:
        raise ValueError(
            f"{shown!r} has credentials in it (user@host), which filmbot does not send or store"
        )
    if any(ch.isspace() for ch in url):
        raise ValueError(f"{shown!r} contains spaces")
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
    client: GuardedClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = FEED_TIMEOUT_SECONDS,
    max_bytes: int = FEED_MAX_BYTES,
) -> FetchResult:
    """GET the feed through the guarded client (every redirect checked); any HTTP status
    is returned, a transport problem raises FetchError, a refusal FetchRefused."""
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    async with client.get(url, headers=headers, timeout=timeout) as resp:
        body = b""
        if 200 <= resp.status < 300:
            body = await read_capped(
                resp,
                max_bytes,
                FetchError(f"the feed is larger than the limit of {max_bytes:,} bytes"),
            )
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
