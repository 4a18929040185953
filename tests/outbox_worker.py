"""One delivery worker for the outbox-lease tests (issue 20), run as a child process.

`python -m tests.outbox_worker --db TARGET --sink URL --owner NAME --lease SECONDS`: the
shipped `Announcer` (claims, leases, renewals) on a SQLite file or a PostgreSQL URL,
posting to a loopback sink (tests/test_outbox_leases.py) that drops a repeated nonce as
Discord does. The test SIGKILLs it while its sends are in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import date

import aiohttp

from bot.announce.delivery import Announcer
from bot.cards import Reply
from bot.store import open_database

TODAY = date(2026, 11, 22)


class SinkSender:
    """Posts {target, nonce, owner} to the sink; the sink answers with the message id."""

    platform = "discord"

    def __init__(self, session: aiohttp.ClientSession, sink: str, owner: str) -> None:
        self.session = session
        self.sink = sink
        self.owner = owner

    async def post(self, target: str, reply: Reply, *, nonce: str, mention: str | None) -> str:
        body = {"target": target, "nonce": nonce, "owner": self.owner}
        async with self.session.post(f"{self.sink}/post", json=body) as response:
            response.raise_for_status()
            return str((await response.json())["id"])

    async def edit(self, target, message_id, reply, *, nonce, mention) -> None:
        raise AssertionError("no edits in this test")


async def main(target: str, sink: str, owner: str, lease: float) -> None:
    db = await open_database(target)
    try:
        async with aiohttp.ClientSession() as session:
            announcer = Announcer(
                db,
                SinkSender(session, sink, owner),
                today=lambda: TODAY,
                spacing=0,
                target_spacing=0,
                concurrency=4,
                retry_base=0.1,
                poll=0.1,
                owner=owner,
                lease=lease,
                free_dead=False,  # the test watches the lease run out
            )
            await announcer.run()
    finally:
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--sink", required=True)
    parser.add_argument("--owner", required=True)
    parser.add_argument("--lease", type=float, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.db, args.sink, args.owner, args.lease))
