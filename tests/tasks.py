"""Stopping a bot's task in a test without hanging the suite."""

from __future__ import annotations

import asyncio


async def stop(task: asyncio.Task, within: float = 30.0) -> None:
    """Cancel `task` and wait for it to end; cancelled again every half second (a
    cancellation that meets a finishing await can be lost), and an AssertionError if it
    has not ended within `within` seconds — a test fails, the suite goes on."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not task.done():
        if loop.time() >= deadline:
            raise AssertionError(f"the task {task.get_name()} did not stop when cancelled")
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
    if not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]
