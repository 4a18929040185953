"""Turning a document's bytes into text, or a clear reason why not.

`read_page` is the one entry point: plain text is decoded by `decode_document` (UTF-8 or
BOM-marked UTF-16, refused when empty, binary, over the size cap or undecodable); an HTML
page (a saved file or a fetched address) is read by `html.read_html` into its main text,
one line per block, with the cues the page gives about itself.
"""

from __future__ import annotations

import re

from bot.importers.documents.model import DocumentError, Page

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


def _is_utf16(raw: bytes) -> bool:
    return raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw)


def _check_size(raw: bytes) -> None:
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"the document is over the limit of {MAX_DOCUMENT_BYTES:,} bytes "
            "(a review or listing is a few kilobytes: is this the right file?)"
        )
    if not raw.strip():
        raise DocumentError("the document is empty")


def _decode(raw: bytes) -> str:
    """The text of `raw` (UTF-8, or UTF-16 with or without a byte-order mark), refused
    when it is too big, empty, binary or not decodable; line ends not yet normalised."""
    _check_size(raw)
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
    return text


def _normalise(text: str) -> str:
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    if not text.strip():
        raise DocumentError("the document is empty")
    return text


def _looks_html(text: str) -> bool:
    return len(_HTML.findall(text)) >= 3


def decode_document(raw: bytes) -> str:
    """UTF-8 (or BOM-marked UTF-16) text with normalised line ends and spaces; an HTML
    page is refused here (`read_page` reads it)."""
    text = _decode(raw)
    if _looks_html(text):
        raise DocumentError(
            "this is an HTML page; filmbot reads the page's text, so copy the text "
            "(or save the page as plain text) and import that"
        )
    return _normalise(text)


def read_page(raw: bytes, *, url: str | None = None, charset: str | None = None) -> Page:
    """The document in `raw` ready to parse. Plain text: `Page(text=decode_document(raw))`
    with every one of its refusals. HTML: its main text as lines and its cues
    (`html.read_html`); refused when it is an error page or shows no text. `url` is where
    it came from (a fetched address; the page's canonical link wins), `charset` the one
    the server named in its Content-Type."""
    _check_size(raw)
    if _is_utf16(raw):
        text = _decode(raw)
        if _looks_html(text):
            from bot.importers.documents.html import read_html

            return read_html(text, url=url)
        return Page(text=_normalise(text))
    if b"\x00" in raw:
        raise DocumentError("this is a binary file, not a text document")
    # Latin-1 maps every byte, so the tags are found whatever the page's charset.
    if _looks_html(raw.decode("latin-1")):
        from bot.importers.documents.html import read_html  # lxml and friends: HTML only

        return read_html(raw, url=url, charset=charset)
    return Page(text=decode_document(raw))
