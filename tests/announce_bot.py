"""filmbot's Discord bot with announcements, pointed at an emulator in another process.

The crash test starts this as a child and SIGKILLs it: `python -m tests.announce_bot
--db PATH --api URL --gateway URL`. It is the shipped FilmBot, core and `bot.app.announcing`
(planner, feed poller, delivery); only the API addresses and the spacing of sends differ.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from bot.adapters.discord_bot import FilmBot
from bot.app import announcing
from bot.config import Settings
from bot.core.loader import load_core
from bot.store import open_database
from tests.discord_emulator import patch_discord


async def main(db_path: Path, api: str, gateway: str, spacing: float | None) -> None:
    with patch_discord(api, gateway):
        db = await open_database(db_path)
        core = await load_core(db, wait=False)
        # Without --spacing: the shipped pacing (the benchmark); with it, faster.
        options = (
            None if spacing is None else {"target_spacing": spacing, "retry_base": 0.1, "poll": 0.2}
        )
        bot = FilmBot(core, guild_ready_timeout=0)
        try:
            settings = Settings(db_path=db_path)
            async with announcing(core, settings, announcer_options=options), bot:
                await bot.start("emulator-token")
        finally:
            await core.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--spacing", type=float, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.db, args.api, args.gateway, args.spacing))
