"""The console and the CLI as people use them (issue 18), through the real `filmbot`.

- `filmbot ask "!film solaris"` then, in another process, `filmbot ask "!pick 2"`.
- The console's `you>` prompt comes after the answer, on a real terminal (a pty).
- Log lines never reach the chat: stderr for `ask`, a file for the console on a terminal.
- A reader that goes away (`| head -1`) ends the program quietly.
- The start messages say how to configure a chat platform.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.store import migrations
from tests.conftest import run_cli

# A safety net against a hung child, not a measure of speed.
HANG_SECONDS = 180


def _before_last_migration(path: Path) -> str:
    """Make `path` a database from before the latest migration, as a user's database is
    when they upgrade filmbot: opening it applies that migration. Returns its name.
    (The tables and indexes it creates are dropped; a migration that alters older tables
    would need more here, and the assertion on the applied name would say so.)"""
    last = migrations.available()[-1]
    created = re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", last.sql, re.I)
    indexed = re.findall(r"CREATE INDEX (?:IF NOT EXISTS )?(\w+)", last.sql, re.I)
    assert created or indexed, f"{last.name} creates nothing: teach this helper to undo it"
    with sqlite3.connect(path) as conn:
        for table in reversed(created):
            conn.execute(f"DROP TABLE {table}")
        for index in indexed:
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        conn.execute(f"PRAGMA user_version = {last.version - 1}")
    return last.name


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "MATRIX_", "FILMBOT_"))
    }
    env.update({"FILMBOT_DB": str(db), "FILMBOT_LOG_LEVEL": "INFO", **extra})
    return env


def test_ask_then_pick_in_another_process(catalog_copy: Path) -> None:
    asked = run_cli("ask", "!film solaris", db=catalog_copy)
    assert asked.returncode == 0, asked.stderr
    assert "2. Solaris (2002) · Steven Soderbergh" in asked.stdout
    assert "Answer with !pick N (within 5 minutes)." in asked.stdout
    picked = run_cli("ask", "!pick 2", db=catalog_copy)
    assert picked.returncode == 0, picked.stderr
    assert picked.stdout.startswith("Solaris (2002)\n")
    assert "Directed by: Steven Soderbergh" in picked.stdout
    again = run_cli("ask", "!pick 1", db=catalog_copy)
    assert "There is no open question for you here" in again.stdout


def test_ask_prints_no_log_line(catalog_copy: Path) -> None:
    """At INFO, opening a database from before the last migration logs it: on stderr,
    never in the answer on stdout."""
    name = _before_last_migration(catalog_copy)
    result = run_cli(
        "ask", "!film Solaris (1972)", db=catalog_copy, env={"FILMBOT_LOG_LEVEL": "INFO"}
    )
    assert result.returncode == 0, result.stderr
    assert "applying migration" in result.stderr and name in result.stderr
    assert result.stdout.startswith("Solaris (1972)\n==============\n")
    assert " INFO " not in result.stdout and "migration" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("ask", "!film solaris"),
        ("ask", "--as", "discord", "!film the cranes are flying"),
        ("search", "solaris"),
        ("search", "--json", "seven samurai"),
    ],
)
def test_a_reader_gone_ends_quietly(seeded_copy: Path, args: tuple[str, ...]) -> None:
    """The reading end of stdout is closed before anything is written, as when `head -1`
    has had its line: no traceback, no 'Exception ignored', a clean exit."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(seeded_copy, FILMBOT_LOG_LEVEL="WARNING"),
        cwd=seeded_copy.parent,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=HANG_SECONDS) == 0, stderr
    assert stderr == ""


@pytest.mark.skipif(shutil.which("head") is None, reason="needs head(1)")
def test_piped_into_head(seeded_copy: Path) -> None:
    """The shell pipelines themselves, with more output than a pipe holds."""
    queries = seeded_copy.parent / "queries.txt"
    queries.write_text("solaris\nseven samurai\nthe cranes are flying\n" * 800)
    for command in (
        "filmbot search --batch queries.txt --json | head -1",
        "filmbot ask '!film solaris' | head -1",
    ):
        result = subprocess.run(
            command.replace("filmbot", f"{sys.executable} -m bot"),
            shell=True,
            capture_output=True,
            text=True,
            env=_env(seeded_copy, FILMBOT_LOG_LEVEL="WARNING"),
            cwd=seeded_copy.parent,
            timeout=HANG_SECONDS,
            check=False,
        )
        assert result.returncode == 0, (command, result.stderr)
        assert len(result.stdout.splitlines()) == 1, command
        assert result.stderr == "", command


def test_run_without_platforms_says_how_to_configure_one(catalog_copy: Path) -> None:
    result = run_cli("run", db=catalog_copy, stdin="!quit\n")
    assert result.returncode == 0, result.stderr
    assert "no chat platform configured" in result.stderr
    assert "copy .env.example to .env" in result.stderr
    # The console says it too, at every start; piped, it shows no prompt.
    assert "copy .env.example to .env, fill in DISCORD_TOKEN" in result.stdout
    assert "you>" not in result.stdout


class _Terminal:
    """`filmbot console` on a pseudo-terminal, read as a person at it sees it."""

    def __init__(self, db: Path) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=_env(db, TERM="dumb"),
            cwd=db.parent,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = ""

    def _read(self) -> bool:
        """Read what is there; False once the program has closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], 1.0)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the other end is closed
            return False
        self.screen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(chunk)

    def wait_for(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + HANG_SECONDS
        while self.screen.count(text) < count:
            if time.monotonic() > deadline or not self._read():
                raise AssertionError(f"never saw {text!r} x{count}; screen:\n{self.screen}")

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def close(self) -> int:
        deadline = time.monotonic() + HANG_SECONDS
        while self._read() and time.monotonic() < deadline:
            pass
        os.close(self.master)
        return self.proc.wait(timeout=HANG_SECONDS)


def test_console_prompt_follows_the_answer_and_logs_stay_out(catalog_copy: Path) -> None:
    _before_last_migration(catalog_copy)  # opening it logs a migration at INFO
    terminal = _Terminal(catalog_copy)
    try:
        terminal.wait_for("you> ")
        terminal.type("!film solaris")
        terminal.wait_for("you> ", 2)
        terminal.type("!pick 2")
        terminal.wait_for("you> ", 3)
        terminal.type("!quit")
        terminal.wait_for("Bye.")
    finally:
        status = terminal.close()
    screen = terminal.screen
    assert status == 0, screen
    assert "copy .env.example to .env" in screen
    log_file = catalog_copy.with_suffix(".log")
    assert f"Log messages go to {log_file}." in screen
    # Each answer comes before the next prompt: nobody types on a line without one.
    turns = screen.split("you> ")
    assert len(turns) == 4, screen
    assert turns[1].startswith("!film solaris\n"), screen
    assert "Which film did you mean?" in turns[1] and "!pick N" in turns[1]
    assert turns[2].startswith("!pick 2\n") and "Solaris (2002)\n===" in turns[2]
    assert turns[3].startswith("!quit\n") and turns[3].strip().endswith("Bye.")
    # The migration was logged, to the file and not on the screen.
    assert "migration" not in screen and " INFO " not in screen
    assert "applying migration" in log_file.read_text(encoding="utf-8")
    assert log_file.stat().st_mode & 0o077 == 0  # the owner's only, like the database
