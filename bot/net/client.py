"""GET a URL without reaching the machine's own network.

`GuardedClient.get` follows redirects itself (at most FETCH_MAX_REDIRECTS), checking every
hop before it is requested: http or https only, no user information, and an address that
is public (`policy.is_public_address`) unless the operator allows the host. A host name
is resolved by `GuardedResolver`, which refuses the name when any of its addresses is not
public and hands aiohttp exactly the addresses it checked, so the connection goes where
the check looked (no second lookup that could answer differently). TLS still verifies
the certificate against the URL's host name, and `Host` names it.

An allowed host is fetched when the URL names it, or when a redirect from an allowed host
leads there; a redirect from anywhere else to it is refused like any internal address.

Errors are FetchError (FetchRefused for a refusal), with messages that name the URL's
host at most: never a resolved address, a port or a socket error.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.constants import FETCH_MAX_REDIRECTS
from bot.net import policy as addresses
from bot.net.policy import FetchError, FetchPolicy, FetchRefused, parse_address

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_REDIRECTED_INSIDE = "refused: redirected to a private or local address"


class GuardedResolver(AbstractResolver):
    """Resolves a name once and returns its addresses only when every one is public (or
    the name is allowed); else FetchRefused, before any connection is tried."""

    def __init__(self, policy: FetchPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self._inner = inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._inner is None:
            self._inner = aiohttp.ThreadedResolver()
        found = await self._inner.resolve(host, port, family)
        if self.policy.allows(host):
            return found
        if not found:
            raise OSError(f"{host} has no address")
        if not all(addresses.is_public_address(r["host"]) for r in found):
            raise FetchRefused(
                f"refused: {host} resolves to a private or local address", internal=True
            )
        return found

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()


def _looks_like_address(host: str) -> bool:
    """What aiohttp takes for an address and connects to without resolving it."""
    return ":" in host or host.replace(".", "").isdigit()


def check_hop(url: URL, policy: FetchPolicy, *, hop: int = 0, chain_allowed: bool = False) -> None:
    """FetchRefused unless `url` may be requested: http(s), no user information, and a
    host that is allowed (at hop 0 or in a chain that started on an allowed host) or, when
    it is an address, public. Names are checked when they are resolved."""
    redirect = hop > 0
    if url.scheme not in ("http", "https"):
        raise FetchRefused(
            "refused: redirected to a URL that is not http:// or https://"
            if redirect
            else "refused: not an http:// or https:// URL"
        )
    if url.raw_user or url.raw_password:
        raise FetchRefused(
            "refused: redirected to a URL with credentials in it (user@host)"
            if redirect
            else "refused: the URL has credentials in it (user@host)"
        )
    host = url.raw_host
    if not host:
        raise FetchRefused("refused: a URL without a host name")
    if policy.allows(host):
        if redirect and not chain_allowed:
            raise FetchRefused(_REDIRECTED_INSIDE, internal=True)
        return
    if _looks_like_address(host) and not addresses.is_public_address(host):
        if redirect:
            raise FetchRefused(_REDIRECTED_INSIDE, internal=True)
        if parse_address(host) is None:
            raise FetchRefused(f"refused: {host} is not a valid address")
        raise FetchRefused(f"refused: {host} is a private or local address", internal=True)


async def check_url(
    url: str, policy: FetchPolicy, *, resolver: AbstractResolver | None = None
) -> None:
    """Refuse now what a fetch of `url` would refuse before connecting (e.g. when a feed
    is added). A name that does not resolve passes: the fetch will say so."""
    try:
        parsed = URL(url)
    except ValueError:
        raise FetchRefused("refused: not a valid URL") from None
    check_hop(parsed, policy)
    host = parsed.raw_host or ""
    if policy.allows(host) or _looks_like_address(host):
        return
    guard = GuardedResolver(policy, resolver)
    try:
        await guard.resolve(host, parsed.port or 0, socket.AF_UNSPEC)
    except OSError:
        return
    finally:
        await guard.close()


class GuardedClient:
    """An HTTP client for URLs from outside: `async with client.get(url, ...) as resp`.

    One aiohttp session (created on first use, closed by `close`): no cookies kept, no
    proxy from the environment, the guarded resolver. `resolver` and `ssl_context` are
    for tests (a name served locally, a test certificate authority).
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        max_redirects: int = FETCH_MAX_REDIRECTS,
        resolver: AbstractResolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.max_redirects = max_redirects
        self._resolver = resolver
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> GuardedClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.policy, self._resolver), ssl=self._ssl
            )
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False
            )
        return self._session

    @asynccontextmanager
    async def get(
        self, url: str, *, headers: Mapping[str, str], timeout: float
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The answer to GET `url` after its redirects; a 3xx without a Location is
        returned as it is. `timeout` covers every hop and the reading of the body."""
        try:
            async with asyncio.timeout(timeout):
                try:
                    current = URL(url)
                except ValueError:
                    raise FetchRefused("refused: not a valid URL") from None
                chain_allowed = self.policy.allows(current.raw_host or "")
                hop = 0
                while True:
                    check_hop(current, self.policy, hop=hop, chain_allowed=chain_allowed)
                    # Allowed hosts stay reachable only along an unbroken run of them: a
                    # public hop in between ends it (allowed -> public -> allowed is refused).
                    chain_allowed = chain_allowed and self.policy.allows(current.raw_host or "")
                    resp = await self._request(current, headers, hop)
                    location = resp.headers.get("Location")
                    if resp.status not in REDIRECT_STATUSES or not location:
                        break
                    resp.release()
                    hop += 1
                    if hop > self.max_redirects:
                        raise FetchError(f"too many redirects (more than {self.max_redirects})")
                    try:
                        current = current.join(URL(location))
                    except ValueError:
                        raise FetchError("redirected to a URL that is not valid") from None
                try:
                    yield resp
                finally:
                    resp.release()
        except TimeoutError as exc:
            raise FetchError(f"no complete answer within {timeout:g} s") from exc
        except aiohttp.ClientPayloadError as exc:
            raise FetchError("the answer was cut short") from exc
        except aiohttp.ServerDisconnectedError as exc:
            raise FetchError("the server closed the connection") from exc
        except aiohttp.ClientResponseError as exc:
            raise FetchError(f"the server's answer could not be read ({exc.status})") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"the request failed ({type(exc).__name__})") from exc

    async def _request(
        self, url: URL, headers: Mapping[str, str], hop: int
    ) -> aiohttp.ClientResponse:
        # Named after the URL's host at most: no address, port or socket error.
        where = url.raw_host if hop == 0 else "the host a redirect names"
        try:
            return await self._open().get(url, headers=dict(headers), allow_redirects=False)
        except FetchRefused:
            if hop:
                raise FetchRefused(_REDIRECTED_INSIDE, internal=True) from None
            raise
        except aiohttp.ClientConnectorDNSError as exc:
            raise FetchError(f"cannot resolve {where}") from exc
        except aiohttp.ClientConnectorCertificateError as exc:
            raise FetchError(f"the certificate of {where} is not valid") from exc
        except aiohttp.ClientSSLError as exc:
            raise FetchError(f"no secure connection to {where}") from exc
        except aiohttp.ClientConnectorError as exc:
            raise FetchError(f"cannot connect to {where}") from exc
        except aiohttp.InvalidURL as exc:
            raise FetchError("not a valid URL") from exc
        except (OSError, ValueError) as exc:
            if isinstance(exc, TimeoutError):
                raise
            raise FetchError(f"the request to {where} failed") from exc


_CHUNK = 64 * 1024


async def read_capped(resp: aiohttp.ClientResponse, max_bytes: int, too_big: Exception) -> bytes:
    """The response body, read no further than `max_bytes` (decompressed, as it
    arrives); `too_big` is raised when a declared or actual size is over the cap."""
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
