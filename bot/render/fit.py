"""Cutting text to a platform's limit so the reader sees that, and how much, is missing."""

from __future__ import annotations

MORE = "…"


def cut_text(text: str, limit: int) -> str:
    """At most `limit` characters. Text of several lines is cut after a whole line and says
    how many lines were left out ('… 25 more'); other text is cut with '…'."""
    if len(text) <= limit:
        return text
    total = text.count("\n") + 1
    end = limit - len(f"\n{MORE} {total} more") + 1
    if total > 1 and end > 0:
        boundary = text.rfind("\n", 0, end)
        if boundary > 0:
            hidden = total - (text.count("\n", 0, boundary) + 1)
            return f"{text[:boundary]}\n{MORE} {hidden} more"
    # A cut never leaves a lone escape character behind (Discord escapes with '\').
    return text[: max(0, limit - len(MORE))].rstrip("\\") + MORE
