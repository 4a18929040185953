"""Shard ranges (issue 20): `filmbot run --shards 0-3/16` and FILMBOT_SHARDS, the rule
that says which process delivers a guild's announcements, and the bot they configure."""

from __future__ import annotations

import pytest

from bot.adapters.discord_bot import FilmBot
from bot.config import SettingError, ShardRange, load_settings, parse_shards, shard_of
from bot.filters import Filters
from bot.store.announcements import Subscription


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0-3/16", ShardRange(0, 3, 16)),
        ("5/16", ShardRange(5, 5, 16)),
        (" 12 - 15 / 16 ", ShardRange(12, 15, 16)),
        ("0/1", ShardRange(0, 0, 1)),
    ],
)
def test_shard_ranges_parse(text: str, expected: ShardRange) -> None:
    assert parse_shards(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0-3", "must look like 0-3/16"),
        ("a-b/16", "must look like 0-3/16"),
        ("-1-3/16", "must look like 0-3/16"),
        ("3-0/16", "runs backwards; write 0-3/16"),
        ("12-16/16", "run from 0 to 15; 16 is past the end"),
        ("0/0", "at least one shard"),
        ("", "must look like"),
    ],
)
def test_a_wrong_shard_range_is_explained(text: str, says: str) -> None:
    with pytest.raises(SettingError, match="FILMBOT_SHARDS") as caught:
        parse_shards(text)
    assert says in str(caught.value)


def test_the_setting_and_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILMBOT_SHARDS", "4-7/16")
    settings = load_settings(env_file=None)
    assert settings.shards == ShardRange(4, 7, 16)
    assert str(settings.shards) == "4-7/16" and settings.shards.ids == [4, 5, 6, 7]
    monkeypatch.setenv("FILMBOT_SHARDS", "")
    assert load_settings(env_file=None).shards is None


def test_each_guild_is_delivered_by_the_one_range_holding_its_shard() -> None:
    # Discord's rule: (guild_id >> 22) % shard_count.
    guild = 81384788765712384  # Discord API's own server
    assert shard_of(guild, 16) == (guild >> 22) % 16 == 2
    assert shard_of((5 << 22) + 123, 16) == 5
    ranges = [parse_shards(r) for r in ("0-3/16", "4-7/16", "8-11/16", "12-15/16")]
    for shard in range(16):
        guild_id = (shard << 22) | 0x3FFFFF  # the low 22 bits do not count
        owners = [r for r in ranges if r.owns_guild(str(guild_id))]
        assert owners == [ranges[shard // 4]]
    # No guild (a direct message, a scope that is no id) belongs with shard 0.
    assert [r.owns_guild("") for r in ranges] == [True, False, False, False]
    assert [r.owns_guild("guild") for r in ranges] == [True, False, False, False]


def _subscription(scope: str) -> Subscription:
    return Subscription(
        1, "discord", scope, "42", Filters(), None, "2026-01-01", "7", "2026-01-01", "ok",
        None, None, None,
    )  # fmt: skip


async def test_the_bot_runs_its_shards_and_delivers_only_its_guilds() -> None:
    bot = FilmBot(object(), shards=ShardRange(4, 7, 16))  # type: ignore[arg-type]
    assert bot.shard_ids == [4, 5, 6, 7] and bot.shard_count == 16
    assert bot.owns_subscription(_subscription(str(5 << 22)))
    assert not bot.owns_subscription(_subscription(str(3 << 22)))
    everything = FilmBot(object())  # type: ignore[arg-type]
    assert everything.shard_ids is None and everything.owns_subscription(_subscription("1"))
