"""Text printed on a terminal carries no control that acts on it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.terminal import one_line, terminal_safe


def test_escape_sequences_and_controls_are_removed() -> None:
    hostile = "Fine\x1b[2J\x1b]0;owned\x07 Title\x9b31m\u202eevil\x00\r!"
    assert terminal_safe(hostile) == "Fine Titleevil!"
    assert terminal_safe("two\nlines\tand a tab") == "two\nlines\tand a tab"
    assert one_line("a\n b\x1b[1m c") == "a b c"


def test_a_stray_introducer_swallows_nothing_after_it() -> None:
    assert terminal_safe("a\x1b]0;t\nsecond\nthird") == "a0;t\nsecond\nthird"
    assert terminal_safe("Café\x9d quoted\nnext film") == "Café quoted\nnext film"


def test_printable_text_is_kept() -> None:
    text = "Летят журавли · 鶴は翔んでゆく · ١٩٥٧ · café"
    assert terminal_safe(text) == text


@given(st.text())
def test_nothing_unsafe_survives(text: str) -> None:
    safe = terminal_safe(text)
    assert not any(
        (ord(c) < 32 and c not in "\n\t")
        or 0x7F <= ord(c) <= 0x9F
        or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in safe
    )
