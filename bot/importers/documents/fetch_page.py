"""`filmbot import URL`: one web page fetched, within a time and a size cap.

The GET goes through `bot.net.client.GuardedClient`: http(s) only, never to a loopback,
private or link-local address, at the first request or after any redirect, unless the
operator allows the host (FILMBOT_FETCH_ALLOW_HOSTS: the caller passes the policy built
from it). Only web pages and plain text are taken. Every failure is a DocumentError whose
reason says what happened in words a user can act on; none names an internal address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import __version__
from bot.importers.documents.model import DocumentError
from bot.importers.documents.reader import MAX_DOCUMENT_BYTES
from bot.net.client import GuardedClient, read_capped
from bot.net.policy import FetchError, FetchPolicy, FetchRefused, redact_url

log = logging.getLogger(__name__)

PAGE_TIMEOUT_SECONDS = 20.0
USER_AGENT = f"filmbot/{__version__} (+import)"
ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_ALLOW_HINT = " (to import from it all the same, name the host in FILMBOT_FETCH_ALLOW_HOSTS)"

# What a person calls the things a page address may give instead of a page.
_KINDS = {
    "application/pdf": "a PDF",
    "application/json": "JSON data",
    "application/ld+json": "JSON data",
    "application/xml": "XML data",
    "text/xml": "XML data",
    "application/rss+xml": "a feed",
    "application/atom+xml": "a feed",
    "application/zip": "a ZIP archive",
    "application/octet-stream": "a file to download",
    "text/css": "a style sheet",
    "text/javascript": "a script",
    "application/javascript": "a script",
    "application/msword": "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
}
_FAMILIES = {"image": "an image", "video": "a video", "audio": "a sound file", "font": "a font"}


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page's bytes (at most MAX_DOCUMENT_BYTES), the address it finally came
    from (after redirects), its media type ('text/html', lower case; '' when the server
    named none) and the charset the server named, if any."""

    raw: bytes
    final_url: str
    content_type: str
    charset: str | None


def _media_type(header: str | None) -> tuple[str, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset="UTF-8"'."""
    if not header:
        return "", None
    kind, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return kind.strip().lower(), charset


def _what_it_is(media_type: str) -> str:
    known = _KINDS.get(media_type)
    if known:
        return known
    family = _FAMILIES.get(media_type.partition("/")[0])
    if family:
        return family
    if media_type.endswith(("+xml", "/xml")):
        return "XML data"
    return "a file"


async def fetch_page(
    url: str,
    *,
    client: GuardedClient | None = None,
    policy: FetchPolicy | None = None,
    timeout: float = PAGE_TIMEOUT_SECONDS,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> FetchedPage:
    """GET the page at `url` through the guarded client (every redirect checked).

    `client`: a GuardedClient to use (left open); else one is made for this fetch with
    `policy` (default: public addresses only; pass `FetchPolicy.allowing(settings.
    fetch_allow_hosts)` to honour FILMBOT_FETCH_ALLOW_HOSTS) and closed after it.
    `timeout` covers the redirects and the whole body. Raises DocumentError with a reason
    for a refused address, a transport failure, an HTTP error, a type that is not a web
    page or plain text, and a body over `max_bytes`."""
    url = url.strip()
    shown = redact_url(url)
    own = client is None
    guarded = client if client is not None else GuardedClient(policy or FetchPolicy())
    try:
        return await _fetch(guarded, url, timeout=timeout, max_bytes=max_bytes)
    except DocumentError as exc:
        log.warning("importing %s: %s", shown, exc.reason)
        raise
    except FetchRefused as exc:
        reason = str(exc) + (_ALLOW_HINT if exc.internal else "")
        log.warning("importing %s: %s", shown, reason)
        raise DocumentError(reason) from None
    except FetchError as exc:
        reason = f"cannot fetch the page: {exc}"
        log.warning("importing %s: %s", shown, reason)
        raise DocumentError(reason) from None
    finally:
        if own:
            await guarded.close()


async def _fetch(client: GuardedClient, url: str, *, timeout: float, max_bytes: int) -> FetchedPage:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    async with client.get(url, headers=headers, timeout=timeout) as resp:
        if not 200 <= resp.status < 300:
            answer = f"{resp.status} {resp.reason}".strip() if resp.reason else str(resp.status)
            raise DocumentError(f"the site answered {answer}")
        media_type, charset = _media_type(resp.headers.get("Content-Type"))
        if media_type and media_type not in PAGE_TYPES:
            raise DocumentError(
                f"the address gives {_what_it_is(media_type)} ({media_type}), not a web page"
            )
        too_big = DocumentError(
            f"the page is over the limit of {max_bytes:,} bytes "
            "(a review or listing is a few hundred kilobytes at most)"
        )
        raw = await read_capped(resp, max_bytes, too_big)
        return FetchedPage(
            raw=raw, final_url=str(resp.url), content_type=media_type, charset=charset
        )
