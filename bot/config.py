"""Settings, read from the environment and an optional `.env` file, never from code.

Secrets (tokens, passwords) are kept out of `repr()` so they cannot end up in a log line.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.constants import ANNOUNCE_DEFAULT_TIMEZONE, ANNOUNCE_MANAGE_POWER_LEVEL
from bot.logsafety import masked_url

DEFAULT_DB = Path("var") / "filmbot.sqlite3"

# Every environment variable filmbot reads; `.env.example` documents each one.
SETTING_NAMES = (
    "FILMBOT_DB",
    "FILMBOT_DATABASE_URL",
    "FILMBOT_LOG_LEVEL",
    "DISCORD_TOKEN",
    "MATRIX_HOMESERVER",
    "MATRIX_USER_ID",
    "MATRIX_ACCESS_TOKEN",
    "MATRIX_PASSWORD",
    "MATRIX_DEVICE_ID",
    "MATRIX_ALLOWED_INVITES",
    "MATRIX_MANAGE_POWER_LEVEL",
    "ANNOUNCE_TIMEZONE",
    "FILMBOT_FETCH_ALLOW_HOSTS",
    "FILMBOT_SHARDS",
)


@dataclass(frozen=True)
class ShardRange:
    """Shards `first`..`last` of a `count`-shard Discord bot: what one process runs
    (`filmbot run --shards 0-3/16`, FILMBOT_SHARDS). Its announcements go to the guilds
    those shards hold: Discord puts guild g on shard (g >> 22) % count."""

    first: int
    last: int
    count: int

    @property
    def ids(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def __str__(self) -> str:
        span = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{span}/{self.count}"

    def owns_guild(self, guild: str | int | None) -> bool:
        """True when the guild's shard is one of ours. No guild (a direct message, an
        unknown scope) is shard 0's, as Discord sends DMs to shard 0."""
        text = str(guild or "")
        shard = shard_of(int(text), self.count) if text.isdigit() else 0
        return self.first <= shard <= self.last


def shard_of(guild_id: int, count: int) -> int:
    """The shard Discord gives a guild: (guild_id >> 22) % count."""
    return (guild_id >> 22) % count


_SHARDS = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?/\s*(\d+)\s*$")


def parse_shards(value: str, name: str = "FILMBOT_SHARDS") -> ShardRange:
    """'0-3/16' (shards 0 to 3 of 16) or '5/16' (shard 5 alone); SettingError naming
    `name` otherwise."""
    match = _SHARDS.match(value or "")
    example = "like 0-3/16 (shards 0 to 3 of a 16-shard bot) or 5/16 (shard 5 alone)"
    if match is None:
        raise SettingError(f"{name} must look {example}, not {value!r}")
    first, last, count = int(match[1]), int(match[2] or match[1]), int(match[3])
    if count < 1:
        raise SettingError(f"{name}: a bot has at least one shard, not {count} ({value!r})")
    if last < first:
        raise SettingError(
            f"{name}: the range {first}-{last} runs backwards; write {last}-{first}/{count}"
        )
    if last >= count:
        raise SettingError(
            f"{name}: shard ids of a {count}-shard bot run from 0 to {count - 1}; "
            f"{last} is past the end ({value!r})"
        )
    return ShardRange(first, last, count)


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DB
    # PostgreSQL instead of the SQLite file (`postgresql://user:password@host/db`); its
    # password is a secret. The search index is still saved beside `db_path`.
    database_url: str | None = field(default=None, repr=False)
    log_level: str = "INFO"
    discord_token: str | None = field(default=None, repr=False)
    matrix_homeserver: str | None = None
    matrix_user_id: str | None = None
    matrix_access_token: str | None = field(default=None, repr=False)
    matrix_password: str | None = field(default=None, repr=False)
    matrix_device_id: str = "FILMBOT"
    # Who may invite the bot: user ids, ':server' or room ids, or '*' (empty: own server).
    matrix_allowed_invites: tuple[str, ...] = ()
    # The power level a Matrix user needs to change a room's subscriptions.
    matrix_manage_power_level: int = ANNOUNCE_MANAGE_POWER_LEVEL
    # The time zone whose midnight a release date arrives at (an IANA name).
    announce_timezone: str = ANNOUNCE_DEFAULT_TIMEZONE
    # Hosts fetched although their addresses are not public (loopback, private, ...):
    # exact names or addresses, lower case. Empty: only public addresses are fetched.
    fetch_allow_hosts: tuple[str, ...] = ()
    # The Discord shards this process runs (None: all of them, discord.py's choice).
    shards: ShardRange | None = None

    @property
    def database(self) -> str | Path:
        """What `bot.store.open_database` opens: the PostgreSQL URL, else the file."""
        return self.database_url or self.db_path

    @property
    def database_label(self) -> str:
        """The database named in messages: the URL with its password masked, or the file."""
        return masked_url(self.database_url) if self.database_url else str(self.db_path)

    @property
    def discord_configured(self) -> bool:
        return bool(self.discord_token)

    @property
    def matrix_configured(self) -> bool:
        return bool(
            self.matrix_homeserver
            and self.matrix_user_id
            and (self.matrix_access_token or self.matrix_password)
        )

    def platforms(self) -> list[str]:
        """Names of the chat platforms whose credentials are present."""
        names = []
        if self.discord_configured:
            names.append("discord")
        if self.matrix_configured:
            names.append("matrix")
        return names


def load_settings(env_file: Path | None = Path(".env"), db: str | Path | None = None) -> Settings:
    """Build settings from `.env` (if present) overlaid by the real environment.

    The environment wins over `.env`, and an explicit `db` (the `--db` flag) wins over both:
    it names a SQLite file, so FILMBOT_DATABASE_URL is then left aside.
    """
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)

    def get(name: str) -> str | None:
        if name not in SETTING_NAMES:  # every setting is listed (and in .env.example)
            raise KeyError(f"{name} is not in SETTING_NAMES")
        value = values.get(name, "").strip()
        return value or None

    db_path = Path(db) if db else Path(get("FILMBOT_DB") or DEFAULT_DB)
    return Settings(
        db_path=db_path,
        database_url=None if db else _database_url(get("FILMBOT_DATABASE_URL")),
        log_level=(get("FILMBOT_LOG_LEVEL") or "INFO").upper(),
        discord_token=get("DISCORD_TOKEN"),
        matrix_homeserver=(get("MATRIX_HOMESERVER") or "").rstrip("/") or None,
        matrix_user_id=get("MATRIX_USER_ID"),
        matrix_access_token=get("MATRIX_ACCESS_TOKEN"),
        matrix_password=get("MATRIX_PASSWORD"),
        matrix_device_id=get("MATRIX_DEVICE_ID") or "FILMBOT",
        matrix_allowed_invites=tuple(
            part.strip()
            for part in (get("MATRIX_ALLOWED_INVITES") or "").split(",")
            if part.strip()
        ),
        matrix_manage_power_level=_int_setting(
            "MATRIX_MANAGE_POWER_LEVEL",
            get("MATRIX_MANAGE_POWER_LEVEL"),
            ANNOUNCE_MANAGE_POWER_LEVEL,
        ),
        announce_timezone=_timezone_setting(get("ANNOUNCE_TIMEZONE")),
        fetch_allow_hosts=_hosts_setting(get("FILMBOT_FETCH_ALLOW_HOSTS")),
        shards=parse_shards(shards) if (shards := get("FILMBOT_SHARDS")) else None,
    )


class SettingError(ValueError):
    """A setting with a value filmbot cannot use; the message names it."""


def _int_setting(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {value!r}") from None


def _database_url(value: str | None) -> str | None:
    """FILMBOT_DATABASE_URL: a postgresql:// URL, or nothing (SQLite)."""
    if value is None:
        return None
    if not value.startswith(("postgresql://", "postgres://")):
        raise SettingError(
            "FILMBOT_DATABASE_URL must be a PostgreSQL URL like "
            f"postgresql://filmbot:PASSWORD@localhost/filmbot, not {masked_url(value)!r}"
        )
    return value


def _timezone_setting(value: str | None) -> str:
    if value is None:
        return ANNOUNCE_DEFAULT_TIMEZONE
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            f"ANNOUNCE_TIMEZONE must be a time zone name like Europe/Paris, not {value!r}"
        ) from None
    return value


def _hosts_setting(value: str | None) -> tuple[str, ...]:
    """FILMBOT_FETCH_ALLOW_HOSTS: comma-separated host names or addresses, each meant
    exactly. A wildcard, a network, a port, a URL or an unspecified address (0.0.0.0, ::)
    is refused: every allowed host is named."""
    hosts = []
    for part in (value or "").split(","):
        host = part.strip().lower()
        if not host:
            continue
        try:
            address = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
        except ValueError:
            address = None
        if address is not None:
            ok = not address.is_unspecified
        else:
            ok = not any(ch in host for ch in "*?/:@[] \t") and host.strip(".") != ""
        if not ok:
            raise SettingError(
                "FILMBOT_FETCH_ALLOW_HOSTS lists host names or addresses, each exactly "
                f"(e.g. 127.0.0.1,localhost): {part.strip()!r} is not one"
            )
        hosts.append(host)
    return tuple(dict.fromkeys(hosts))
