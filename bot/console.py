"""The console chat: the same commands as Matrix (`!film …`), answered in the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot import logsafety
from bot.ask import render_answer
from bot.core.engine import Core
from bot.core.request import Request

GREETING = (
    "filmbot console chat. Try !film The Cranes Are Flying, !edition seven samurai, "
    "!film Solaris (1972) or !help. !reveal toggles spoilers; !quit or Ctrl-D leaves."
)
# How to leave the console for a chat platform: said at every start.
SETUP = (
    "To run filmbot on Discord or Matrix: copy .env.example to .env, fill in DISCORD_TOKEN "
    "or the MATRIX_* settings, and start it with `make run` (see README.md)."
)
PROMPT = "\nyou> "


async def answer_line(core: Core, line: str, req: Request, *, reveal: bool = False) -> str:
    """The text reply to one console line."""
    if not line.strip():
        return ""
    return await render_answer(core, line, "text", req=req, reveal=reveal)


def shares_the_terminal() -> bool:
    """Whether log lines written to stderr would land in the middle of the chat: stdout
    and stderr are both a terminal (the same one, as a rule)."""
    return sys.stdout.isatty() and sys.stderr.isatty()


def log_to_file(path: Path) -> Path:
    """Send every log record to `path` (appended, readable by its owner only) instead of
    stderr, so warnings, migrations and background work never interrupt the chat. Records
    stay redacted (`bot.logsafety`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    logsafety.install()
    return path


class _Reader:
    """Reads lines in a daemon thread, so Ctrl-C or the end of the chat never waits on a
    blocked `input()`. The next line is read (and the `you>` prompt shown) only when
    `next()` asks for it: after the answer to the last one is printed, never before."""

    def __init__(self, stdin: TextIO, interactive: bool, loop: asyncio.AbstractEventLoop):
        self._stdin, self._interactive, self._loop = stdin, interactive, loop
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Semaphore(0)
        threading.Thread(target=self._read, name="console-input", daemon=True).start()

    def _read(self) -> None:
        while True:
            self._wanted.acquire()
            try:
                line = input(PROMPT) if self._interactive else self._stdin.readline()
            except (EOFError, KeyboardInterrupt, OSError, ValueError):
                line = ""
            # None marks the end of input.
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line if line else None)
            if not line:
                return

    async def next(self) -> str | None:
        """The next line typed, or None at the end of input."""
        self._wanted.release()
        return await self._lines.get()


async def run_console(
    core: Core,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    log_file: Path | None = None,
) -> None:
    interactive = stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    print(GREETING, file=stdout)
    print(SETUP, file=stdout)
    if log_file is not None:
        print(f"Log messages go to {log_file}.", file=stdout)
    stdout.flush()
    req = Request()
    reveal = False
    reader = _Reader(stdin, interactive, asyncio.get_running_loop())
    try:
        while (line := await reader.next()) is not None:
            command = line.strip().lower()
            if command in ("!quit", "!exit", "/quit", "/exit"):
                break
            if command in ("!reveal", "/reveal"):
                reveal = not reveal
                print(f"Spoilers are now {'shown' if reveal else 'hidden'}.", file=stdout)
                stdout.flush()
                continue
            text = await answer_line(core, line, req, reveal=reveal)
            if text:
                print(text, file=stdout, flush=True)
    finally:
        print("Bye.", file=stdout, flush=True)
