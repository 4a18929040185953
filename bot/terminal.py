"""Text from data made safe to print on a terminal.

Titles, feed names, URLs and error messages come from documents and remote servers. On a
terminal, control characters are commands: ESC starts a sequence that can move the
cursor, retitle the window or hide what follows; C1 controls do the same on some
terminals; bidirectional overrides make text read in another order than it is stored.
`terminal_safe` removes all of them and keeps what is printable (tab and newline too).
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# An escape sequence whose ESC is removed would leave its tail ('[31m') behind.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clearing
    # OSC (window titles, links): only a terminated one, so a stray introducer (a lone
    # 0x9d from mis-decoded text) cannot swallow the rest; the introducer goes below.
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b.?"  # any other escape and the character it introduces
)


def terminal_safe(text: str) -> str:
    """`text` with every control that could act on a terminal removed."""
    return _UNSAFE.sub("", _ESCAPE_SEQUENCE.sub("", text))


def one_line(text: str) -> str:
    """`terminal_safe`, on one line: line breaks become spaces (a name, a title)."""
    return " ".join(terminal_safe(text).split())
