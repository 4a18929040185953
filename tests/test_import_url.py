"""`fetch_page`: one page fetched from a real server on 127.0.0.1, within its caps.

The test host is allowed the way an operator allows one (`FetchPolicy.allowing`, which
FILMBOT_FETCH_ALLOW_HOSTS feeds); without that it is refused. Private addresses behind a
redirect are refused before any connection (10.x), or when their name resolves (a fake
resolver answers 127.0.0.1 for a name, as an internal DNS name would).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.importers.documents.fetch_page import FetchedPage, fetch_page
from bot.importers.documents.importer import import_paths
from bot.importers.documents.model import DocumentError
from bot.importers.documents.reader import MAX_DOCUMENT_BYTES, read_page
from bot.net.client import GuardedClient
from bot.net.policy import FetchPolicy
from bot.store import open_database
from tests import sql
from tests.conftest import run_cli

LOCAL = FetchPolicy.allowing(["127.0.0.1"])
LISTING_PAGE = (
    Path(__file__).parent / "fixtures" / "pages" / "html_bluray-com_do-the-right-thing.html"
).read_bytes()
REVIEW = (Path(__file__).parent / "fixtures" / "html" / "review_jsonld.html").read_bytes()
CAFE = "<html><head><title>Café Lumière</title></head><body><h1>Café Lumière (1954)</h1><p>Un café qui ne ferme jamais, une longue nuit.</p></body></html>"


class PageServer:
    def __init__(self) -> None:
        self.port = 0
        self.release = asyncio.Event()  # lets the slow handlers go at teardown
        self.paths: list[str] = []

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.paths.append(path)
        if path == "/review":
            return web.Response(body=REVIEW, content_type="text/html", charset="utf-8")
        if path == "/cafe":  # the charset is only in the header
            return web.Response(
                body=CAFE.encode("cp1252"), headers={"Content-Type": "text/html; charset=cp1252"}
            )
        if path == "/do-the-right-thing":  # a shop-like page of a catalog film
            return web.Response(body=LISTING_PAGE, content_type="text/html", charset="utf-8")
        if path == "/notes.txt":
            return web.Response(text="The Lantern Keeper (1958)\nVideo: 4/5\n")
        if path == "/xhtml":
            return web.Response(body=REVIEW, content_type="application/xhtml+xml")
        if path == "/moved":
            raise web.HTTPFound("/review")
        if path == "/to-private":
            raise web.HTTPFound("http://10.0.0.7/admin")
        if path == "/to-name":
            raise web.HTTPFound(self.url("/review", host="intranet.example"))
        if path == "/report.pdf":
            return web.Response(body=b"%PDF-1.7\n...", content_type="application/pdf")
        if path == "/poster.jpg":
            return web.Response(body=b"\xff\xd8\xff", content_type="image/jpeg")
        if path == "/declared-huge":
            return web.Response(body=b"x" * (MAX_DOCUMENT_BYTES + 1), content_type="text/html")
        if path == "/streamed-huge":
            return await self._stream(request, chunks=40, pause=False)
        if path == "/slow-answer":
            await self._wait()
            return web.Response(text="too late")
        if path == "/slow-body":
            return await self._stream(request, chunks=3, pause=True)
        return web.Response(status=404, text="no such page")

    async def _wait(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.release.wait(), 5)

    async def _stream(
        self, request: web.Request, *, chunks: int, pause: bool
    ) -> web.StreamResponse:
        """A body without a Content-Length, 32 KiB at a time (stopping early if `pause`)."""
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        try:
            for _ in range(chunks):
                await resp.write(b"<p>" + b"x" * 32_761 + b"</p>")
                if pause:
                    await self._wait()
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading, as it should
        return resp


@pytest.fixture
async def server() -> AsyncIterator[PageServer]:
    pages = PageServer()
    app = web.Application()
    app.router.add_get("/{tail:.*}", pages.handle)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    pages.port = runner.addresses[0][1]
    try:
        yield pages
    finally:
        pages.release.set()
        await runner.cleanup()


class NameResolver(AbstractResolver):
    """Every name is 127.0.0.1, as an internal DNS name would resolve."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host, host="127.0.0.1", port=port, family=socket.AF_INET,
                proto=0, flags=socket.AI_NUMERICHOST,
            )
        ]  # fmt: skip

    async def close(self) -> None:
        pass


async def refusal(url: str, **kwargs: object) -> str:
    with pytest.raises(DocumentError) as refused:
        await fetch_page(url, **kwargs)  # type: ignore[arg-type]
    return refused.value.reason


# --- pages that are fetched ----------------------------------------------------------------


async def test_a_page_is_fetched_and_read(server: PageServer) -> None:
    fetched = await fetch_page(server.url("/review"), policy=LOCAL)
    assert fetched == FetchedPage(
        raw=REVIEW, final_url=server.url("/review"), content_type="text/html", charset="utf-8"
    )
    page = read_page(fetched.raw, url=fetched.final_url, charset=fetched.charset)
    assert page.is_html and page.cues.h1 == "The Lantern Keeper Blu-ray Review"
    assert "Movie: 4.5/5" in page.text.splitlines()


async def test_the_servers_charset_and_other_page_types(server: PageServer) -> None:
    cafe = await fetch_page(server.url("/cafe"), policy=LOCAL)
    assert cafe.charset == "cp1252"
    assert read_page(cafe.raw, charset=cafe.charset).cues.h1 == "Café Lumière (1954)"
    notes = await fetch_page(server.url("/notes.txt"), policy=LOCAL)
    assert notes.content_type == "text/plain"
    assert read_page(notes.raw).text == "The Lantern Keeper (1958)\nVideo: 4/5\n"
    xhtml = await fetch_page(server.url("/xhtml"), policy=LOCAL)
    assert xhtml.content_type == "application/xhtml+xml"


async def test_a_redirect_on_the_allowed_host_is_followed(server: PageServer) -> None:
    fetched = await fetch_page(server.url("/moved"), policy=LOCAL)
    assert fetched.final_url == server.url("/review") and fetched.raw == REVIEW
    assert server.paths == ["/moved", "/review"]


async def test_a_client_passed_in_is_used_and_left_open(server: PageServer) -> None:
    async with GuardedClient(LOCAL) as client:
        first = await fetch_page(server.url("/review"), client=client)
        second = await fetch_page(server.url("/notes.txt"), client=client)
    assert first.raw == REVIEW and second.content_type == "text/plain"


# --- addresses that are refused ----------------------------------------------------------


async def test_the_machines_own_network_is_refused_by_default(server: PageServer) -> None:
    reason = await refusal(server.url("/review"))
    assert reason == (
        "refused: 127.0.0.1 is a private or local address "
        "(to import from it all the same, name the host in FILMBOT_FETCH_ALLOW_HOSTS)"
    )
    assert server.paths == []  # nothing reached the server


async def test_a_redirect_to_a_private_address_is_refused(server: PageServer) -> None:
    reason = await refusal(server.url("/to-private"), policy=LOCAL)
    assert reason.startswith("refused: redirected to a private or local address")
    assert "10.0.0.7" not in reason


async def test_a_redirect_to_a_name_that_resolves_inside_is_refused(server: PageServer) -> None:
    async with GuardedClient(LOCAL, resolver=NameResolver()) as client:
        reason = await refusal(server.url("/to-name"), client=client)
    assert reason.startswith("refused: redirected to a private or local address")
    assert server.paths == ["/to-name"]  # the page behind the name was never asked for


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://127.0.0.1/review", "refused: not an http:// or https:// URL"),
        ("file:///etc/passwd", "refused: not an http:// or https:// URL"),
        ("discharbor.example/reviews/x", "refused: not an http:// or https:// URL"),
        ("http://ana:secret@127.0.0.1/review", "refused: the URL has credentials in it"),
    ],
)
async def test_addresses_that_are_not_web_pages(url: str, reason: str) -> None:
    assert (await refusal(url, policy=LOCAL)).startswith(reason)


async def test_a_refusal_is_logged_with_the_address_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.importers.documents.fetch_page"):
        await refusal("http://ana:secret@127.0.0.1/review", policy=LOCAL)
    assert "http://***@127.0.0.1/review" in caplog.text
    assert "secret" not in caplog.text


# --- answers that are not a page -----------------------------------------------------------


async def test_http_errors_say_what_the_site_answered(server: PageServer) -> None:
    assert await refusal(server.url("/gone"), policy=LOCAL) == "the site answered 404 Not Found"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/report.pdf", "the address gives a PDF (application/pdf), not a web page"),
        ("/poster.jpg", "the address gives an image (image/jpeg), not a web page"),
    ],
)
async def test_other_content_types_are_refused(server: PageServer, path: str, reason: str) -> None:
    assert await refusal(server.url(path), policy=LOCAL) == reason


@pytest.mark.parametrize("path", ["/declared-huge", "/streamed-huge"])
async def test_an_oversized_page_is_refused(server: PageServer, path: str) -> None:
    reason = await refusal(server.url(path), policy=LOCAL)
    assert reason.startswith("the page is over the limit of 1,000,000 bytes")


async def test_a_smaller_cap_stops_the_read_early(server: PageServer) -> None:
    reason = await refusal(server.url("/streamed-huge"), policy=LOCAL, max_bytes=100_000)
    assert reason.startswith("the page is over the limit of 100,000 bytes")


@pytest.mark.parametrize("path", ["/slow-answer", "/slow-body"])
async def test_a_slow_site_meets_the_time_cap(server: PageServer, path: str) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    reason = await refusal(server.url(path), policy=LOCAL, timeout=0.3)
    assert reason == "cannot fetch the page: no complete answer within 0.3 s"
    assert loop.time() - start < 2


async def test_a_closed_port_is_a_reason_not_a_traceback() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reason = await refusal(f"http://127.0.0.1:{port}/review", policy=LOCAL)
    assert reason == "cannot fetch the page: cannot connect to 127.0.0.1"


# --- `filmbot import URL` --------------------------------------------------------------------


async def test_import_paths_fetches_an_address_and_attaches_its_page(
    server: PageServer, catalog_copy: Path
) -> None:
    db = await open_database(catalog_copy)
    try:
        seen: list[tuple[int, int, str]] = []
        outcomes = await import_paths(
            db,
            [server.url("/do-the-right-thing"), server.url("/missing")],
            fetch_policy=LOCAL,
            progress=lambda done, total, name: seen.append((done, total, name)),
        )
        merged, missing = outcomes
        assert merged.status == "merged", merged.message
        assert "Do the Right Thing (1989)" in merged.message
        assert missing.status == "rejected" and "404" in missing.message
        assert [s[:2] for s in seen] == [(0, 2), (1, 2)]
        uri = await sql.scalar(db, "SELECT uri FROM sources WHERE name LIKE '%do-the-right%'")
        assert uri == server.url("/do-the-right-thing")
    finally:
        await db.close()


async def test_filmbot_import_url_is_refused_unless_the_host_is_allowed(
    server: PageServer, catalog_copy: Path
) -> None:
    url = server.url("/do-the-right-thing")
    refused = await asyncio.to_thread(run_cli, "import", url, db=catalog_copy)
    assert refused.returncode == 1
    assert "FILMBOT_FETCH_ALLOW_HOSTS" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    allowed = await asyncio.to_thread(
        run_cli,
        "import",
        url,
        db=catalog_copy,
        env={"FILMBOT_FETCH_ALLOW_HOSTS": "127.0.0.1"},
    )
    assert allowed.returncode == 0, allowed.stderr
    assert "merged" in allowed.stdout and "Do the Right Thing (1989)" in allowed.stdout
