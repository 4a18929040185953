"""The Synapse harness itself, against a real homeserver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.synapse import REPO, MatrixHTTPError, Synapse, synapse_server_fixture  # noqa: F401

PASSWORD = "correct horse battery staple"


async def _user(server: Synapse, base: str, *, admin: bool = False) -> tuple[str, str]:
    return await server.register(server.unique(base), PASSWORD, admin=admin)


async def _room_of_two(server: Synapse) -> tuple[str, str, str, str, str]:
    """(a_id, a_token, b_id, b_token, room_id): A made the room, invited B, B joined."""
    a_id, a_token = await _user(server, "alice")
    b_id, b_token = await _user(server, "bob")
    room_id = await server.create_room(a_token, invite=[b_id], name="harness")
    await server.join(b_token, room_id)
    return a_id, a_token, b_id, b_token, room_id


async def test_server_answers_on_loopback(synapse_server: Synapse) -> None:
    async with asyncio.timeout(10):
        assert synapse_server.base_url == f"http://127.0.0.1:{synapse_server.port}"
        assert synapse_server.running
        data = await synapse_server.request("GET", "/_matrix/client/versions")
        assert "v1.1" in data["versions"]


async def test_register_users(synapse_server: Synapse) -> None:
    async with asyncio.timeout(15):
        localpart = synapse_server.unique("carol")
        user_id, token = await synapse_server.register(localpart, PASSWORD)
        assert user_id == f"@{localpart}:{synapse_server.server_name}"
        other_id, other_token = await _user(synapse_server, "dave")
        assert other_id != user_id and other_token != token
        who = await synapse_server.request("GET", "/_matrix/client/v3/account/whoami", token=token)
        assert who["user_id"] == user_id
        with pytest.raises(MatrixHTTPError) as taken:
            await synapse_server.register(localpart, PASSWORD)
        assert taken.value.status == 400 and taken.value.errcode == "M_USER_IN_USE"


async def test_admin_registration(synapse_server: Synapse) -> None:
    async with asyncio.timeout(15):
        admin_id, admin_token = await _user(synapse_server, "admin", admin=True)
        user_id, user_token = await _user(synapse_server, "plain")
        path = f"/_synapse/admin/v2/users/{user_id}"
        info = await synapse_server.request("GET", path, token=admin_token)
        assert info["name"] == user_id and not info["admin"]
        with pytest.raises(MatrixHTTPError) as denied:
            await synapse_server.request(
                "GET", f"/_synapse/admin/v2/users/{admin_id}", token=user_token
            )
        assert denied.value.status == 403


async def test_invite_join_and_message(synapse_server: Synapse) -> None:
    async with asyncio.timeout(20):
        a_id, a_token, b_id, b_token, room_id = await _room_of_two(synapse_server)
        members = await synapse_server.request(
            "GET", f"/_matrix/client/v3/rooms/{room_id}/joined_members", token=a_token
        )
        assert set(members["joined"]) == {a_id, b_id}

        event_id = await synapse_server.send_text(a_token, room_id, "hello from A")
        got = await synapse_server.wait_for_event(
            b_token, room_id, lambda e: e.get("content", {}).get("body") == "hello from A"
        )
        assert got["event_id"] == event_id and got["sender"] == a_id
        assert got["content"]["msgtype"] == "m.text"

        notice_id = await synapse_server.send_text(
            b_token, room_id, "*bold*", msgtype="m.notice", formatted="<b>bold</b>"
        )
        seen = await synapse_server.wait_for_event(
            a_token, room_id, lambda e: e.get("event_id") == notice_id, timeout=10
        )
        assert seen["content"] == {
            "msgtype": "m.notice",
            "body": "*bold*",
            "format": "org.matrix.custom.html",
            "formatted_body": "<b>bold</b>",
        }

        history = await synapse_server.messages(b_token, room_id)
        ids = [e["event_id"] for e in history]
        assert ids.index(event_id) < ids.index(notice_id)
        after = await synapse_server.messages(b_token, room_id, since=event_id)
        assert [e["event_id"] for e in after] == [notice_id]


async def test_wait_for_event_times_out(synapse_server: Synapse) -> None:
    async with asyncio.timeout(15):
        _, a_token = await _user(synapse_server, "eve")
        room_id = await synapse_server.create_room(a_token)
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="no matching event"):
            await synapse_server.wait_for_event(a_token, room_id, lambda e: False, timeout=1.5)
        assert 1.4 < time.monotonic() - started < 8


async def test_same_txn_id_same_event(synapse_server: Synapse) -> None:
    async with asyncio.timeout(15):
        _, a_token, _, b_token, room_id = await _room_of_two(synapse_server)
        first = await synapse_server.send_text(a_token, room_id, "once", txn_id="reply-42")
        again = await synapse_server.send_text(a_token, room_id, "once", txn_id="reply-42")
        other = await synapse_server.send_text(a_token, room_id, "once", txn_id="reply-43")
        assert first == again != other
        bodies = [e["content"].get("body") for e in await synapse_server.messages(b_token, room_id)]
        assert bodies.count("once") == 2


async def test_rate_limits_are_raised(synapse_server: Synapse) -> None:
    async with asyncio.timeout(30):
        _, a_token, _, b_token, room_id = await _room_of_two(synapse_server)
        sent = []
        for i in range(30):  # each raises MatrixHTTPError on a 429
            sent.append(await synapse_server.send_text(a_token, room_id, f"burst {i}"))
        sent += await asyncio.gather(
            *(synapse_server.send_text(b_token, room_id, f"both {i}") for i in range(15))
        )
        assert len(set(sent)) == 45
        rooms = [await synapse_server.create_room(a_token) for _ in range(12)]
        assert len(set(rooms)) == 12
        history = await synapse_server.messages(b_token, room_id)
        assert {e["event_id"] for e in history} >= set(sent)


async def test_restart_keeps_data() -> None:
    async with asyncio.timeout(45), Synapse() as server:
        a_id, a_token, _, b_token, room_id = await _room_of_two(server)
        before = await server.send_text(a_token, room_id, "before restart")
        url = server.base_url

        await server.restart()
        assert server.running and server.base_url == url

        who = await server.request("GET", "/_matrix/client/v3/account/whoami", token=a_token)
        assert who["user_id"] == a_id
        history = await server.messages(b_token, room_id)
        assert before in [e["event_id"] for e in history]
        after = await server.send_text(a_token, room_id, "after restart")
        got = await server.wait_for_event(b_token, room_id, lambda e: e.get("event_id") == after)
        assert got["sender"] == a_id

        await server.stop()
        assert not server.running
        with pytest.raises(OSError):
            await server.request("GET", "/_matrix/client/versions")


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


async def test_server_dies_with_its_parent() -> None:
    script = (
        "import sys, time\n"
        "from tests.synapse import Synapse\n"
        "s = Synapse()\n"
        "s.start_blocking()\n"
        "print(s._proc.pid, s.data_dir, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    data_dir = None
    try:
        async with asyncio.timeout(30):
            assert parent.stdout is not None
            line = await asyncio.to_thread(parent.stdout.readline)
            pid_text, data_dir = line.split()
            pid = int(pid_text)
            assert not _gone(pid)
            os.kill(parent.pid, signal.SIGKILL)  # no cleanup runs in the parent
            parent.wait()
            while not _gone(pid):
                await asyncio.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
