"""Terminal rendering: spoilers hidden by default, control characters never printed."""

from __future__ import annotations

from bot.cards import Card, Field, Reply, Span, plain
from bot.render.text import SPOILER_HIDDEN, render_reply


def _reply(*spans: Span) -> Reply:
    return Reply((Card("Plot", tuple(spans), (Field("Note", (spans[-1],)),)),))


def test_spoilers_hidden_unless_revealed() -> None:
    reply = _reply(Span("Veronica waits. "), Span("Boris died at the front.", "spoiler"))
    hidden = render_reply(reply)
    assert "Boris died" not in hidden
    assert SPOILER_HIDDEN in hidden
    shown = render_reply(reply, reveal=True)
    assert "Boris died at the front." in shown


def test_terminal_escape_sequences_are_stripped() -> None:
    hostile = "Evil\x1b[2J\x1b]0;pwned\x07 title\x00"
    out = render_reply(Reply((Card(hostile, plain(hostile)),)))
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    assert "Evil[2J]0;pwned title" in out


def test_layout() -> None:
    card = Card(
        "Seven Samurai (1954)",
        plain("Farmers hire samurai."),
        (Field("Directed by", plain("Akira Kurosawa")),),
        footer="film #1",
    )
    assert render_reply(Reply((card,))) == (
        "Seven Samurai (1954)\n====================\n\nFarmers hire samurai.\n\n"
        "Directed by: Akira Kurosawa\n\n— film #1"
    )
