"""A real Synapse homeserver for the Matrix end-to-end tests, on 127.0.0.1.

Synapse (PyPI `matrix-synapse`) lives in its own venv, `.venv-synapse/` in the repository
root, never in the project's: it is large and pins many packages. `ensure_installed()`
creates it when it is missing (under a file lock, so parallel test processes do not race);
`make test` runs `python -m tests.synapse --install` first so the ~30 s install is not spent
inside a test's timeout.

One server per test session comes from the `synapse_server` fixture; a test module takes it
with `from tests.synapse import synapse_server_fixture  # noqa: F401`. Tests that stop or
restart a server use their own: `async with Synapse() as server: ...`.

The server runs as a child process that dies with the thread that started it
(PR_SET_PDEATHSIG), so a killed pytest leaves no homeserver behind. That thread must live as
long as the server: start it from the main thread (both the fixture and the async methods
do), never from a short-lived worker thread.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import fcntl
import hashlib
import hmac
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from base64 import b64encode
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

REPO = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("FILMBOT_SYNAPSE_VENV") or REPO / ".venv-synapse")
REQUIREMENT = "matrix-synapse==1.163.2"
INSTALL_TIMEOUT = 900.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
HTTP_TIMEOUT = 30.0

# Far above anything a test does: with Synapse's defaults a burst of messages or joins gets
# 429s, which matrix-nio waits out silently, so a test hangs instead of failing.
_NO_LIMIT = {"per_second": 10_000, "burst_count": 100_000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _NO_LIMIT,
    "rc_registration": _NO_LIMIT,
    "rc_registration_token_validity": _NO_LIMIT,
    "rc_login": {"address": _NO_LIMIT, "account": _NO_LIMIT, "failed_attempts": _NO_LIMIT},
    "rc_admin_redaction": _NO_LIMIT,
    "rc_joins": {"local": _NO_LIMIT, "remote": _NO_LIMIT},
    "rc_joins_per_room": _NO_LIMIT,
    "rc_3pid_validation": _NO_LIMIT,
    "rc_invites": {"per_room": _NO_LIMIT, "per_user": _NO_LIMIT, "per_issuer": _NO_LIMIT},
    "rc_third_party_invite": _NO_LIMIT,
    "rc_room_creation": _NO_LIMIT,
    "rc_presence": {"per_user": _NO_LIMIT},
    "rc_media_create": _NO_LIMIT,
    "rc_delayed_event_mgmt": _NO_LIMIT,
    "rc_key_requests": _NO_LIMIT,
    "rc_reports": _NO_LIMIT,
    "rc_user_directory": _NO_LIMIT,
    "rc_profile": _NO_LIMIT,
}


class SynapseError(RuntimeError):
    """Synapse could not be installed, started or stopped."""


class MatrixHTTPError(RuntimeError):
    """A client-server API call answered with a non-200 status."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.errcode = body.get("errcode") if isinstance(body, dict) else None
        super().__init__(f"{method} {path} -> {status}: {body}")


# --- install -------------------------------------------------------------------------------


def synapse_python() -> Path:
    return VENV / "bin" / "python"


def _marker() -> Path:
    return VENV / ".filmbot-installed"


def is_installed() -> bool:
    marker = _marker()
    return (
        synapse_python().exists() and marker.exists() and marker.read_text().strip() == REQUIREMENT
    )


def _run_step(args: list[str], what: str) -> None:
    try:
        done = subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SynapseError(f"{what} failed: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        raise SynapseError(
            f"{what} failed (exit {done.returncode}):\n{tail}\n"
            f"The Matrix tests need Synapse in {VENV}; by hand: "
            f"python3 -m venv {VENV} && {VENV}/bin/pip install '{REQUIREMENT}'"
        )


def ensure_installed(*, verbose: bool = False) -> Path:
    """Install Synapse into its own venv unless it is there already; return its python."""
    if is_installed():
        return synapse_python()
    key = hashlib.sha1(str(VENV).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"filmbot-synapse-{key}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be installing: wait for it
        if is_installed():
            return synapse_python()
        if verbose:
            print(f"Installing {REQUIREMENT} into {VENV} (about 30 s)…", file=sys.stderr)
        if VENV.exists():  # a half-finished or outdated install
            shutil.rmtree(VENV)
        _run_step([sys.executable, "-m", "venv", str(VENV)], f"python -m venv {VENV}")
        py = str(synapse_python())
        _run_step(
            [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", REQUIREMENT],
            f"pip install '{REQUIREMENT}'",
        )
        _run_step([py, "-c", "import synapse.app.homeserver"], "importing Synapse")
        _marker().write_text(REQUIREMENT + "\n")
    return synapse_python()


# --- the server ----------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1
_libc: ctypes.CDLL | None = None


def _die_with_parent(parent: int) -> Callable[[], None]:
    """preexec_fn for the child: SIGKILL when the forking thread dies (libc loaded before fork)."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    libc = _libc

    def preexec() -> None:
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(70)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(71)

    return preexec


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Synapse:
    """One Synapse homeserver on 127.0.0.1 with its SQLite data in a temp dir."""

    def __init__(self, server_name: str = "localhost") -> None:
        self.server_name = server_name
        self.port = 0
        self.base_url = ""
        self.shared_secret = secrets.token_hex(16)
        self.data_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._suffix = secrets.token_hex(3)
        self._counter = itertools.count(1)

    # names

    def unique(self, base: str = "user") -> str:
        """A localpart unique to this server object (and so to the test session)."""
        return f"{base}-{self._suffix}-{next(self._counter)}".lower()

    # lifecycle

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def log_path(self) -> Path | None:
        return self.data_dir / "homeserver.log" if self.data_dir else None

    def log_tail(self, lines: int = 50) -> str:
        path = self.log_path
        if path is None or not path.exists():
            return "(no log)"
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 200 * lines - 4096))
            text = fh.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    def _write_config(self) -> Path:
        assert self.data_dir is not None
        d = self.data_dir
        seed = b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        (d / "signing.key").write_text(f"ed25519 a_test {seed}\n")
        (d / "media").mkdir(exist_ok=True)
        config: dict[str, Any] = {
            "server_name": self.server_name,
            "report_stats": False,
            "pid_file": str(d / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(d / "homeserver.db")}},
            "media_store_path": str(d / "media"),
            "signing_key_path": str(d / "signing.key"),
            "registration_shared_secret": self.shared_secret,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "bcrypt_rounds": 4,
            "enable_metrics": False,
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            **RATE_LIMITS,
        }
        path = d / "homeserver.yaml"
        path.write_text(json.dumps(config, indent=2))  # JSON is YAML
        return path

    def _spawn(self) -> None:
        """Fork Synapse from the calling thread (first start: new port, dir and config)."""
        if self.running:
            raise SynapseError("Synapse is already running")
        python = ensure_installed()
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="filmbot-synapse-"))
            self.port = _free_port()
            self.base_url = f"http://127.0.0.1:{self.port}"
            self._write_config()
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        env["VIRTUAL_ENV"] = str(VENV)
        self._log = open(self.data_dir / "homeserver.log", "ab")  # noqa: SIM115
        self._log.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n".encode())
        self._log.flush()
        cmd = [str(python), "-m", "synapse.app.homeserver", "--config-path", "homeserver.yaml"]
        self._proc = subprocess.Popen(
            cmd,
            cwd=self.data_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent(os.getpid()),
            start_new_session=True,
        )

    def _ready(self) -> bool:
        """True once /versions answers; raises if the process has exited."""
        assert self._proc is not None
        code = self._proc.poll()
        if code is not None:
            self._close_log()
            raise SynapseError(f"Synapse exited with code {code}:\n{self.log_tail()}")
        try:
            url = f"{self.base_url}/_matrix/client/versions"
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def _give_up(self) -> None:
        self._kill()
        raise SynapseError(
            f"Synapse did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}"
        )

    def start_blocking(self) -> None:
        self._spawn()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready():
            if time.monotonic() > deadline:
                self._give_up()
            time.sleep(0.1)

    async def start(self) -> None:
        self._spawn()  # in this (the loop's) thread: the server dies with it
        deadline = time.monotonic() + START_TIMEOUT
        while not await asyncio.to_thread(self._ready):
            if time.monotonic() > deadline:
                self._give_up()
            await asyncio.sleep(0.1)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._close_log()

    def stop_blocking(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._kill()
        self._close_log()

    async def stop(self) -> None:
        """SIGTERM, wait, SIGKILL if it lingers. The data stays for restart()."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT
            while proc.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            self._kill()
        self._close_log()

    async def restart(self) -> None:
        """Stop and start again on the same port with the same data (tokens stay valid)."""
        await self.stop()
        await self.start()

    def cleanup(self) -> None:
        """Stop for good and delete the data."""
        self.stop_blocking()
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    async def __aenter__(self) -> Synapse:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
        self.cleanup()

    # client-server API

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        params: dict[str, str] | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> dict[str, Any]:
        """One API call; the JSON answer, or MatrixHTTPError for any status but 200."""
        if session is None:
            async with aiohttp.ClientSession() as own:
                return await self.request(
                    method, path, token=token, body=body, params=params, session=own
                )
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT)
        async with session.request(
            method,
            self.base_url + path,
            json=body,
            params=params,
            headers=headers,
            timeout=timeout,
        ) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = await resp.text()
            if resp.status != 200:
                raise MatrixHTTPError(method, path, resp.status, data)
            return data

    async def register(self, localpart: str, password: str, admin: bool = False) -> tuple[str, str]:
        """(user_id, access_token) through the shared-secret admin registration API."""
        path = "/_synapse/admin/v1/register"
        nonce = (await self.request("GET", path))["nonce"]
        message = b"\0".join(
            [
                nonce.encode(),
                localpart.encode(),
                password.encode(),
                b"admin" if admin else b"notadmin",
            ]
        )
        mac = hmac.new(self.shared_secret.encode(), message, hashlib.sha1).hexdigest()
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac,
        }
        data = await self.request("POST", path, body=body)
        return data["user_id"], data["access_token"]

    async def create_room(
        self,
        token: str,
        *,
        invite: Sequence[str] = (),
        name: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        body: dict[str, Any] = {"preset": "private_chat", "invite": list(invite)}
        if name is not None:
            body["name"] = name
        body.update(extra or {})
        return (
            await self.request("POST", "/_matrix/client/v3/createRoom", token=token, body=body)
        )["room_id"]

    async def join(self, token: str, room_id: str) -> None:
        await self.request(
            "POST", f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/join", token=token, body={}
        )

    async def send_event(
        self,
        token: str,
        room_id: str,
        event_type: str,
        content: dict[str, Any],
        *,
        txn_id: str | None = None,
    ) -> str:
        txn = txn_id or uuid.uuid4().hex
        path = (
            f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/send/"
            f"{quote(event_type, safe='')}/{quote(txn, safe='')}"
        )
        return (await self.request("PUT", path, token=token, body=content))["event_id"]

    async def send_text(
        self,
        token: str,
        room_id: str,
        body: str,
        *,
        msgtype: str = "m.text",
        formatted: str | None = None,
        txn_id: str | None = None,
    ) -> str:
        """Send a message; the same txn_id from the same token yields the same event id."""
        content: dict[str, Any] = {"msgtype": msgtype, "body": body}
        if formatted is not None:
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = formatted
        return await self.send_event(token, room_id, "m.room.message", content, txn_id=txn_id)

    async def messages(
        self, token: str, room_id: str, *, since: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The room's latest `limit` timeline events, oldest first.

        With `since` (an event id) only the events after it; all of them if it is older than
        the window.
        """
        data = await self.request(
            "GET",
            f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/messages",
            token=token,
            params={"dir": "b", "limit": str(limit)},
        )
        events = list(reversed(data.get("chunk", [])))
        if since is not None:
            for i, event in enumerate(events):
                if event.get("event_id") == since:
                    return events[i + 1 :]
        return events

    async def wait_for_event(
        self,
        token: str,
        room_id: str,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = 20,
    ) -> dict[str, Any]:
        """The first timeline event of the room matching `predicate`, by polling /sync.

        The first (initial) sync sees the room's latest 100 events, so an event that arrived
        before the call is found too. TimeoutError after `timeout` seconds.
        """
        sync_filter = json.dumps(
            {
                "room": {
                    "rooms": [room_id],
                    "timeline": {"limit": 100},
                    "state": {"lazy_load_members": True},
                    "ephemeral": {"not_types": ["*"]},
                    "account_data": {"not_types": ["*"]},
                },
                "presence": {"not_types": ["*"]},
                "account_data": {"not_types": ["*"]},
            }
        )
        deadline = time.monotonic() + timeout
        since: str | None = None
        seen: list[str] = []
        async with aiohttp.ClientSession() as session:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"no matching event in {room_id} within {timeout} s; "
                        f"last seen: {seen[-10:]}"
                    )
                params = {"filter": sync_filter, "timeout": "0"}
                if since is not None:
                    params["since"] = since
                    params["timeout"] = str(int(min(remaining, 5.0) * 1000))
                data = await self.request(
                    "GET", "/_matrix/client/v3/sync", token=token, params=params, session=session
                )
                since = data["next_batch"]
                room = data.get("rooms", {}).get("join", {}).get(room_id, {})
                for event in room.get("timeline", {}).get("events", []):
                    if predicate(event):
                        return event
                    body = event.get("content", {}).get("body")
                    seen.append(f"{event.get('type')} {event.get('sender')} {body!r}")


@pytest.fixture(scope="session", name="synapse_server")
def synapse_server_fixture() -> Iterator[Synapse]:
    """`synapse_server`: one running homeserver for the whole test session.

    Do not stop or restart it (use your own `Synapse()` for that). A test module takes it with
    `from tests.synapse import synapse_server_fixture  # noqa: F401` and a `synapse_server`
    parameter (importing the function under its fixture name would make ruff report F811).
    """
    server = Synapse()
    server.start_blocking()
    try:
        yield server
    finally:
        server.cleanup()


synapse_server = synapse_server_fixture  # the same fixture, for `import synapse_server`


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.synapse", description=__doc__)
    parser.add_argument("--install", action="store_true", help="install Synapse if missing")
    parser.add_argument("--serve", action="store_true", help="run a server until Ctrl-C")
    args = parser.parse_args(argv)
    if not (args.install or args.serve):
        parser.error("say --install or --serve")
    try:
        python = ensure_installed(verbose=True)
        print(f"Synapse: {python}")
        if args.serve:
            server = Synapse()
            server.start_blocking()
            print(
                f"{server.base_url} (server_name {server.server_name}, "
                f"shared secret {server.shared_secret}, log {server.log_path})"
            )
            with contextlib.suppress(KeyboardInterrupt):
                while server.running:
                    time.sleep(1)
            server.cleanup()
    except SynapseError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
