"""Settings come from the environment or `.env`, and secrets never show in a repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_DB, SETTING_NAMES, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_without_env_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "missing.env")
    assert settings.db_path == DEFAULT_DB
    assert settings.platforms() == []


def test_env_file_then_environment_then_flag(tmp_path: Path, monkeypatch) -> None:
    env = tmp_path / ".env"
    env.write_text("FILMBOT_DB=from-file.sqlite3\nDISCORD_TOKEN=file-secret-token\n")
    assert load_settings(env).db_path == Path("from-file.sqlite3")
    monkeypatch.setenv("FILMBOT_DB", "from-env.sqlite3")
    assert load_settings(env).db_path == Path("from-env.sqlite3")
    assert load_settings(env, db="flag.sqlite3").db_path == Path("flag.sqlite3")


def test_platforms_and_secret_hiding(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-discord-token")
    monkeypatch.setenv("MATRIX_HOMESERVER", "http://127.0.0.1:8008")
    monkeypatch.setenv("MATRIX_USER_ID", "@filmbot:localhost")
    monkeypatch.setenv("MATRIX_PASSWORD", "hunter2-matrix-password")
    settings = load_settings(tmp_path / "none.env")
    assert settings.platforms() == ["discord", "matrix"]
    shown = repr(settings)
    assert "super-secret-discord-token" not in shown
    assert "hunter2-matrix-password" not in shown


def test_env_example_documents_every_setting() -> None:
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text()
    for name in SETTING_NAMES:
        assert f"\n{name}=" in example


# A value for each setting that differs from its default.
SAMPLES = {
    "FILMBOT_DATABASE_URL": "postgresql://filmbot:secret@localhost/filmbot",
    "FILMBOT_DB": "elsewhere.sqlite3",
    "FILMBOT_LOG_LEVEL": "debug",
    "DISCORD_TOKEN": "sample-token",
    "MATRIX_HOMESERVER": "http://127.0.0.1:8448",
    "MATRIX_USER_ID": "@bot:example.org",
    "MATRIX_ACCESS_TOKEN": "sample-access-token",
    "MATRIX_PASSWORD": "sample-password",
    "MATRIX_DEVICE_ID": "OTHER",
    "MATRIX_ALLOWED_INVITES": ":example.org",
    "MATRIX_MANAGE_POWER_LEVEL": "75",
    "ANNOUNCE_TIMEZONE": "Europe/Paris",
    "FILMBOT_FETCH_ALLOW_HOSTS": "127.0.0.1,localhost",
    "FILMBOT_SHARDS": "0-3/16",
}


def test_every_listed_setting_is_read(tmp_path: Path, monkeypatch) -> None:
    """SETTING_NAMES is exactly what load_settings reads: each name listed changes the
    settings when set (and reading an unlisted name fails loudly in load_settings)."""
    assert set(SAMPLES) == set(SETTING_NAMES)
    default = load_settings(tmp_path / "none.env")
    for name, value in SAMPLES.items():
        monkeypatch.setenv(name, value)
        assert load_settings(tmp_path / "none.env") != default, name
        monkeypatch.delenv(name)
