"""Golden outputs: the seeds' film answered and rendered for the terminal, Discord and Matrix.

The files in tests/golden/ are exactly what would be printed or sent. After an intended
change, regenerate them with `FILMBOT_UPDATE_GOLDEN=1 make test` and read the diff.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from bot.ask import direct
from bot.core.engine import Core
from bot.render.answer import RENDERERS, render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("FILMBOT_UPDATE_GOLDEN") == "1"
TITLE = "The Cranes Are Flying"
MESSAGES = {
    "film": f"!film {TITLE}",
    "edition": f"!edition {TITLE} blu-ray",
    "editions": f"!editions {TITLE}",
    "review": f"!review {TITLE}",
    "plot": f"!plot {TITLE}",
    "plot-spoilers": f"!plot {TITLE} spoilers",
    "releases": "!releases recent",
}


def _serialise(output: object) -> str:
    if isinstance(output, str):
        return output + "\n"
    return json.dumps(output, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", MESSAGES)
async def test_golden(core: Core, name: str) -> None:
    core.today = lambda: date(2020, 4, 1)  # a week after the seeds' Blu-ray came out
    mismatches = []
    for platform in RENDERERS:
        ctx = direct(platform)
        reply = await core.handle(MESSAGES[name], ctx)
        assert reply is not None
        got = _serialise(render(reply, platform))
        path = GOLDEN / f"{name}.{platform}.{'txt' if platform == 'text' else 'json'}"
        if UPDATE:
            path.write_text(got, encoding="utf-8")
        elif path.read_text(encoding="utf-8") != got:
            mismatches.append(path.name)
    assert not mismatches, f"output differs from {mismatches}; see this file's docstring"
