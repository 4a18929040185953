"""Outbound fetches stay off the machine's own network (bot/net).

Servers run on 127.0.0.1 only. Addresses that cannot be reached here (10.x, 169.254.x)
are checked by `check_hop`, which refuses them before any connection is tried; names are
served by a fake resolver that maps them to 127.0.0.1, so "connects to the address it
checked" and TLS host names are shown without any outside DNS or traffic.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.config import SettingError, load_settings
from bot.net import policy as net_policy
from bot.net.client import GuardedClient, GuardedResolver, check_hop, check_url
from bot.net.policy import (
    FetchError,
    FetchPolicy,
    FetchRefused,
    is_public_address,
    redact_url,
)

HEADERS = {"User-Agent": "filmbot-test"}
LOCAL = FetchPolicy.allowing(["127.0.0.1"])


# --- addresses -------------------------------------------------------------------------

NOT_PUBLIC = [
    "127.0.0.1",
    "127.1.2.3",
    "0.0.0.0",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space (CGNAT)
    "192.0.0.8",  # IETF protocol assignments
    "3fff::1",  # documentation (2024)
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fe80::1%lo",
    "fec0::1",  # site-local
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "ff0e::1",  # global-scope multicast: is_global in Python 3.11, still not unicast
    "2001:db8::1",
    "100::1",  # discard-only
    "2001::1",  # Teredo
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "::8.8.8.8",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::8.8.8.8",  # local-use NAT64
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "localhost",
    "not an address",
]
PUBLIC = [
    "8.8.8.8",
    "93.184.216.34",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses_are_not_fetched(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_global_unicast_addresses_are(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/feed", "refused: 127.0.0.1 is a private or local address"),
        ("http://[::1]:8080/feed", "refused: ::1 is a private or local address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a private"),
        ("http://10.0.0.7:6379/", "refused: 10.0.0.7 is a private or local address"),
        ("http://[::ffff:7f00:1]/", "refused: ::ffff:7f00:1 is a private or local address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "refused: 64:ff9b::a9fe:a9fe is a private"),
        ("http://2130706433/", "refused: 2130706433 is not a valid address"),
        ("http://127.1/", "refused: 127.1 is not a valid address"),
        ("http://user@127.0.0.1/", "refused: the URL has credentials in it"),
        ("http://shop.example:secret@93.184.216.34/", "refused: the URL has credentials in it"),
        ("ftp://93.184.216.34/feed", "refused: not an http:// or https:// URL"),
        ("file:///etc/passwd", "refused: not an http:// or https:// URL"),
    ],
)
def test_a_url_is_checked_before_any_connection(url: str, message: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        check_hop(URL(url), FetchPolicy())
    assert str(refused.value).startswith(message)
    check_hop(URL("https://93.184.216.34/feed"), FetchPolicy())  # a public address passes


def test_after_a_redirect_a_refusal_names_no_address() -> None:
    for target in ("http://10.0.0.7:6379/", "http://[::1]/", "http://127.0.0.1:22/"):
        with pytest.raises(FetchRefused) as refused:
            check_hop(URL(target), LOCAL, hop=1)
        assert str(refused.value) == "refused: redirected to a private or local address"
    # An allowed host is reached by a redirect only from an allowed host.
    check_hop(URL("http://127.0.0.1:8000/feed"), LOCAL, hop=1, chain_allowed=True)


def test_allowed_hosts_are_exact_names() -> None:
    policy = FetchPolicy.allowing(["127.0.0.1", "LocalHost.", "[0:0::1]"])
    assert policy.allow_hosts == {"127.0.0.1", "localhost", "::1"}
    assert policy.allows("127.0.0.1") and policy.allows("localhost") and policy.allows("[::1]")
    assert not policy.allows("127.0.0.2") and not policy.allows("localhost.example")
    assert not FetchPolicy().allows("127.0.0.1")
    for bad in ("*", "*.example", "10.0.0.0/8", "localhost:8080", "0.0.0.0", "::", "a@b"):
        with pytest.raises(ValueError):
            FetchPolicy.allowing([bad])


def test_the_allow_hosts_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    none = tmp_path / "none.env"
    monkeypatch.delenv("FILMBOT_FETCH_ALLOW_HOSTS", raising=False)
    assert load_settings(none).fetch_allow_hosts == ()  # the default allows nothing
    monkeypatch.setenv("FILMBOT_FETCH_ALLOW_HOSTS", " 127.0.0.1, LocalHost,,[::1] ")
    assert load_settings(none).fetch_allow_hosts == ("127.0.0.1", "localhost", "[::1]")
    for bad in ("*", "127.0.0.1,*", "10.0.0.0/8", "localhost:8080", "0.0.0.0", "http://x"):
        monkeypatch.setenv("FILMBOT_FETCH_ALLOW_HOSTS", bad)
        with pytest.raises(SettingError, match="FILMBOT_FETCH_ALLOW_HOSTS"):
            load_settings(none)


def test_urls_are_redacted() -> None:
    assert redact_url("https://ana:s3cret@shop.example/f.rss") == "https://***@shop.example/f.rss"
    assert (
        redact_url("http://token@shop.example:8080/a?b=c") == "http://***@shop.example:8080/a?b=c"
    )
    assert redact_url("https://a:b@c@shop.example/") == "https://***@shop.example/"
    assert redact_url("https://shop.example/a@b") == "https://shop.example/a@b"
    assert redact_url("https://shop.example/f.rss") == "https://shop.example/f.rss"


# --- a resolver and a server on 127.0.0.1 ------------------------------------------------


class FakeResolver(AbstractResolver):
    """Names to addresses, as a DNS server would answer; counts the lookups."""

    def __init__(self, answers: dict[str, list[str]] | Callable[[str], list[str]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        found = self.answers(host) if callable(self.answers) else self.answers.get(host)
        if not found:
            raise OSError(f"no address for {host}")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in found
        ]

    async def close(self) -> None:
        pass


@dataclass
class Server:
    port: int = 0
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Host)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, request.headers.get("Host", "")))
        location = self.redirects.get(request.path)
        if location is not None:
            raise web.HTTPFound(location.format(port=self.port))
        return web.Response(text=f"the page {request.path}")


async def _serve(
    handler: Callable[[web.Request], object], ssl_context: ssl.SSLContext | None = None
) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    return runner, runner.addresses[0][1]


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    found = Server()
    runner, found.port = await _serve(found.handle)
    try:
        yield found
    finally:
        await runner.cleanup()


async def fetch(client: GuardedClient, url: str) -> tuple[int, str]:
    async with client.get(url, headers=HEADERS, timeout=10) as resp:
        return resp.status, await resp.text()


# --- the client ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:{port}/secret", "refused: 127.0.0.1 is a private or local address"),
        ("http://localhost:{port}/secret", "refused: localhost resolves to a private or local"),
        ("http://[::ffff:127.0.0.1]:{port}/secret", "refused: ::ffff:7f00:1 is a private"),
        ("http://127.0.0.1.:{port}/secret", "refused: 127.0.0.1. is not a valid address"),
        ("http://0x7f.1:{port}/secret", "refused: 0x7f.1 resolves to a private or local"),
    ],
    ids=["ip", "localhost", "mapped", "final-dot", "hex"],
)
async def test_the_default_fetches_nothing_local(server: Server, url: str, message: str) -> None:
    async with GuardedClient() as client:
        with pytest.raises(FetchRefused) as refused:
            await fetch(client, url.format(port=server.port))
    assert str(refused.value).startswith(message)
    assert str(server.port) not in str(refused.value)
    assert server.requests == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("http://localhost:{port}/secret", "refused: redirected to a private or local address"),
        ("http://[::1]:{port}/secret", "refused: redirected to a private or local address"),
        ("http://127.0.0.1.:{port}/secret", "refused: redirected to a private or local address"),
        ("http://user@127.0.0.1:{port}/secret", "refused: redirected to a URL with credentials"),
        ("http://a:b@127.0.0.1:{port}/secret", "refused: redirected to a URL with credentials"),
        ("file:///etc/passwd", "refused: redirected to a URL that is not http:// or https://"),
    ],
    ids=["localhost", "ipv6-loopback", "final-dot", "user", "user-password", "file"],
)
async def test_every_redirect_is_checked(server: Server, target: str, message: str) -> None:
    server.redirects["/feed"] = "/hop"
    server.redirects["/hop"] = target
    async with GuardedClient(LOCAL) as client:
        with pytest.raises(FetchRefused) as refused:
            await fetch(client, f"{server.base}/feed")
    assert str(refused.value).startswith(message)
    assert "::1" not in str(refused.value) and str(server.port) not in str(refused.value)
    assert server.paths() == ["/feed", "/hop"]  # never /secret


async def test_redirects_are_followed_by_hand_up_to_a_cap(server: Server) -> None:
    server.redirects["/a"] = "/b"
    server.redirects["/b"] = "http://127.0.0.1:{port}/feed"
    async with GuardedClient(LOCAL) as client:
        assert await fetch(client, f"{server.base}/a") == (200, "the page /feed")
        assert server.paths() == ["/a", "/b", "/feed"]
        server.requests.clear()
        server.redirects["/loop"] = "/loop"
        with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
            await fetch(client, f"{server.base}/loop")
    assert server.paths() == ["/loop"] * 6


async def test_a_name_is_resolved_once_checked_and_connected_to(server: Server) -> None:
    names = FakeResolver({"feed.example": ["127.0.0.1"]})
    url = f"http://feed.example:{server.port}/feed"
    async with GuardedClient(resolver=names) as client:
        with pytest.raises(FetchRefused, match=r"^refused: feed.example resolves to a private"):
            await fetch(client, url)
    assert server.requests == [] and names.lookups == ["feed.example"]

    # Allowed by name, the connection goes to the address the resolver gave (there is no
    # feed.example anywhere else), and the request still names the host.
    policy = FetchPolicy.allowing(["feed.example"])
    async with GuardedClient(policy, resolver=names) as client:
        assert await fetch(client, url) == (200, "the page /feed")
    assert server.requests == [("/feed", f"feed.example:{server.port}")]


async def test_a_name_with_any_internal_address_is_refused() -> None:
    """Every address a name has is checked: one private address refuses the name. The
    addresses a public name resolves to are handed on as they are: aiohttp connects to
    those (a second lookup, which a rebinding DNS server could answer otherwise, is never
    made)."""
    answers = {
        "mixed.example": ["93.184.216.34", "127.0.0.1"],
        "v6.example": ["2606:4700:4700::1111", "::ffff:10.0.0.1"],
        "public.example": ["93.184.216.34", "2606:4700:4700::1111"],
    }
    guard = GuardedResolver(FetchPolicy(), FakeResolver(answers))
    for name in ("mixed.example", "v6.example"):
        with pytest.raises(FetchRefused):
            await guard.resolve(name, 443)
    found = await guard.resolve("public.example", 443)
    assert [r["host"] for r in found] == answers["public.example"]

    flips = iter([["93.184.216.34"], ["127.0.0.1"]])  # a rebinding DNS server
    rebinding = GuardedResolver(FetchPolicy(), FakeResolver(lambda host: next(flips)))
    assert [r["host"] for r in await rebinding.resolve("rebind.example", 80)] == ["93.184.216.34"]
    with pytest.raises(FetchRefused):
        await rebinding.resolve("rebind.example", 80)


async def test_an_allowed_host_is_not_reached_by_a_redirect_from_elsewhere(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # public.example stands for a public server: its address (here 127.0.0.1) is taken
    # for public, and it redirects to the operator's allowed local feed server.
    monkeypatch.setattr(net_policy, "is_public_address", lambda address: True)
    names = FakeResolver({"public.example": ["127.0.0.1"]})
    server.redirects["/feed"] = "http://localhost:{port}/secret"
    policy = FetchPolicy.allowing(["localhost"])
    async with GuardedClient(policy, resolver=names) as client:
        with pytest.raises(FetchRefused, match=r"^refused: redirected to a private or local"):
            await fetch(client, f"http://public.example:{server.port}/feed")
    assert server.paths() == ["/feed"]


async def test_a_public_hop_ends_the_allowed_chain(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # allowed localhost -> public.example (taken for public) -> back to allowed localhost.
    monkeypatch.setattr(net_policy, "is_public_address", lambda address: True)
    names = FakeResolver({"public.example": ["127.0.0.1"], "localhost": ["127.0.0.1"]})
    server.redirects["/feed"] = "http://public.example:{port}/hop"
    server.redirects["/hop"] = "http://localhost:{port}/secret"
    policy = FetchPolicy.allowing(["localhost"])
    async with GuardedClient(policy, resolver=names) as client:
        with pytest.raises(FetchRefused, match=r"^refused: redirected to a private or local"):
            await fetch(client, f"http://localhost:{server.port}/feed")
    assert server.paths() == ["/feed", "/hop"]


async def test_check_url_refuses_at_once() -> None:
    names = FakeResolver({"intranet.example": ["10.0.0.7"], "shop.example": ["93.184.216.34"]})
    with pytest.raises(FetchRefused, match=r"^refused: intranet.example resolves to a private"):
        await check_url("https://intranet.example/feed", FetchPolicy(), resolver=names)
    with pytest.raises(FetchRefused, match=r"^refused: 127.0.0.1 is a private"):
        await check_url("http://127.0.0.1:8000/feed", FetchPolicy(), resolver=names)
    await check_url("https://shop.example/feed", FetchPolicy(), resolver=names)
    await check_url("https://gone.example/feed", FetchPolicy(), resolver=names)  # poll will say
    await check_url("http://127.0.0.1:8000/feed", LOCAL, resolver=names)


async def test_connection_errors_name_no_port_or_socket_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    async with GuardedClient(LOCAL) as client:
        with pytest.raises(FetchError) as failed:
            await fetch(client, f"http://127.0.0.1:{closed}/feed")
    assert str(failed.value) == "cannot connect to 127.0.0.1"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for feed.example (openssl, no outside access)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    try:
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt"),
                *("ec_paramgen_curve:P-256", "-nodes", "-days", "1"),
                *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=feed.example"),
                *("-addext", "subjectAltName=DNS:feed.example"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl cannot make a test certificate ({exc})")
    return key, cert


async def test_https_names_the_host_to_tls_while_connecting_to_the_checked_address(
    certificate: tuple[Path, Path],
) -> None:
    key, cert = certificate
    server_names: list[str | None] = []
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    server_tls.sni_callback = lambda _sock, name, _ctx: server_names.append(name)

    async def handle(request: web.Request) -> web.Response:
        return web.Response(text=f"Host: {request.headers['Host']}")

    runner, port = await _serve(handle, server_tls)
    try:
        client_tls = ssl.create_default_context(cafile=str(cert))
        names = FakeResolver({"feed.example": ["127.0.0.1"]})
        policy = FetchPolicy.allowing(["feed.example"])
        async with GuardedClient(policy, resolver=names, ssl_context=client_tls) as client:
            status, text = await fetch(client, f"https://feed.example:{port}/feed")
        assert (status, text) == (200, f"Host: feed.example:{port}")
        assert server_names == ["feed.example"]  # SNI, and the certificate checked for it
        # Without the allowance the same name is refused before TLS starts.
        async with GuardedClient(resolver=names, ssl_context=client_tls) as client:
            with pytest.raises(FetchRefused):
                await fetch(client, f"https://feed.example:{port}/feed")
        assert server_names == ["feed.example"]
    finally:
        await runner.cleanup()
