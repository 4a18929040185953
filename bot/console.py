"""The console chat: the same commands as Matrix (`!film …`), answered in the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from typing import TextIO

from bot.ask import render_answer
from bot.core.engine import Core
from bot.core.request import Request

GREETING = (
    "filmbot console chat. Try !film The Cranes Are Flying, !edition seven samurai, "
    "!film Solaris (1972) or !help. !reveal toggles spoilers; !quit or Ctrl-D leaves."
)


async def answer_line(core: Core, line: str, req: Request, *, reveal: bool = False) -> str:
    """The text reply to one console line."""
    if not line.strip():
        return ""
    return await render_answer(core, line, "text", req=req, reveal=reveal)


def _start_reader(
    stdin: TextIO, interactive: bool, loop: asyncio.AbstractEventLoop
) -> asyncio.Queue[str | None]:
    """Read lines in a daemon thread, so Ctrl-C or the end of the chat never waits on a
    blocked `input()`; None marks the end of input."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        while True:
            try:
                line = input("\nyou> ") if interactive else stdin.readline()
            except (EOFError, KeyboardInterrupt, OSError, ValueError):
                line = ""
            loop.call_soon_threadsafe(queue.put_nowait, line if line else None)
            if not line:
                return

    threading.Thread(target=read, name="console-input", daemon=True).start()
    return queue


async def run_console(
    core: Core, *, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    interactive = stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    print(GREETING, file=stdout)
    req = Request()
    reveal = False
    lines = _start_reader(stdin, interactive, asyncio.get_running_loop())
    try:
        while (line := await lines.get()) is not None:
            command = line.strip().lower()
            if command in ("!quit", "!exit", "/quit", "/exit"):
                break
            if command in ("!reveal", "/reveal"):
                reveal = not reveal
                print(f"Spoilers are now {'shown' if reveal else 'hidden'}.", file=stdout)
                continue
            text = await answer_line(core, line, req, reveal=reveal)
            if text:
                print(text, file=stdout, flush=True)
    finally:
        print("Bye.", file=stdout)
