"""Turning a document's bytes into text, or a clear reason why not."""

from __future__ import annotations

import re

from bot.importers.documents.model import DocumentError

MAX_DOCUMENT_BYTES = 1_000_000
_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|div|p|span|table|script|a\s+href)\b", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = raw[:2000]
    if len(sample) < 4:
        return False
    odd, even = sample[1::2], sample[0::2]
    return odd.count(0) > 0.9 * len(odd) or even.count(0) > 0.9 * len(even)


def decode_document(raw: bytes) -> str:
    """UTF-8 (or BOM-marked UTF-16) text with normalised line ends and spaces."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"the document is over the limit of {MAX_DOCUMENT_BYTES:,} bytes "
            "(a review or listing is a few kilobytes: is this the right file?)"
        )
    if not raw.strip():
        raise DocumentError("the document is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError("the document claims to be UTF-16 but is not") from exc
    elif _looks_utf16(raw):
        try:
            text = raw.decode("utf-16-le" if raw[1] == 0 else "utf-16-be")
        except UnicodeDecodeError as exc:
            raise DocumentError("the document looks like UTF-16 text but is not") from exc
    else:
        if b"\x00" in raw:
            raise DocumentError("this is a binary file, not a text document")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"the document is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start}); save it as UTF-8 and import it again"
            ) from exc
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 200):
        raise DocumentError("this looks like a binary file, not a text document")
    if len(_HTML.findall(text)) >= 3:
        raise DocumentError(
            "this is an HTML page; filmbot reads the page's text, so copy the text "
            "(or save the page as plain text) and import that"
        )
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    if not text.strip():
        raise DocumentError("the document is empty")
    return text
