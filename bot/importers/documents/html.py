"""An HTML page read as a person reads it: its main text, one line per block, and its cues.

The main content comes from trafilatura (its XML output, turned into lines: headings,
paragraphs, list items, table rows with their cells joined by " | ", <br> as a line
break). When trafilatura keeps too little of what the page shows (a page that is mostly a
spec table, a score box outside the article), the page's own blocks are read instead:
<main>, <article> or <body>, less navigation, headers, footers, sidebars and forms.

Beside the text, `PageCues`: <title>, og:title, the first <h1>, the schema.org objects
the page embeds (JSON-LD and microdata, through extruct), its publication date
(htmldate, from markup only: a date in the prose may be a disc's release date) and its
address (the canonical link or og:url, else the address it was fetched from).

Time: the page is parsed once by lxml, and scripts, styles and other invisible parts are
dropped before anything else looks at it, so a megabyte of inline JavaScript costs one
parse. lxml caps nesting depth; the walks below are iterative.
"""

from __future__ import annotations

import codecs
import copy
import html as html_lib
import logging
import re
from collections.abc import Iterator

import extruct
import lxml.etree as etree
import lxml.html
from extruct.jsonld import JsonLdExtractor
from htmldate import find_date

from bot.importers.documents.model import DocumentError, Page, PageCues

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")

# Elements nobody sees, dropped before any extraction (JSON-LD scripts are kept).
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object")
# Page chrome that the fallback reader leaves out.
_CHROME_TAGS = frozenset(
    {"nav", "header", "footer", "aside", "form", "button", "select", "option", "label",
     "input", "textarea", "dialog", "menu"}
)  # fmt: skip
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|sidebar|side-bar|footer|header|masthead|"
    r"breadcrumbs?|share|sharing|social|cookie|cookies|newsletter|related|widget|advert|"
    r"ads|promo|banner|comments?|login|signup|subscribe|skip)(?:$|[\s_-])",
    re.I,
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
     "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption",
     "blockquote", "pre", "figure", "figcaption", "address", "hr", "center", "details",
     "summary", "body", "html"}
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
# Inline formatting, stripped (text kept) before the main text is looked for.
_INLINE = ("span", "font", "b", "i", "em", "strong", "small", "big", "u", "s", "abbr", "time",
           "mark", "sup", "sub", "cite", "tt", "nobr", "wbr")  # fmt: skip
# Over this many elements trafilatura's time grows past a second or two; the page's own
# blocks are read instead (a page that big is a catalogue or a forum thread, not a review).
_MAX_ELEMENTS_FOR_MAIN = 10_000
# Over this many microdata items a page is a list of products, not one film's page.
_MAX_MICRODATA_ITEMS = 300

# trafilatura's share of the page's visible blocks under which the blocks are read
# instead: it dropped a spec table, a score box or most of the page.
_MIN_MAIN_CHARS = 200
_MIN_MAIN_SHARE = 0.5

_SCHEMA_MAX_OBJECTS = 60
_SCHEMA_MAX_DEPTH = 6
_SCHEMA_MAX_STRING = 4000
_SCHEMA_MAX_LIST = 50


# --- bytes to text -----------------------------------------------------------------------


def _codec(name: str | None) -> str | None:
    """A Python codec for a declared charset; Latin-1 and ASCII labels mean cp1252 on the
    web (as browsers read them); None for a name Python does not know or a UTF-16 label
    (bytes that declare UTF-16 in ASCII are not UTF-16)."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return None
    return codec


def decode_html(raw: bytes, charset: str | None = None) -> str:
    """The page as text: a byte-order mark first, then the charset the server named
    (`charset`), then <meta charset>, then UTF-8, then cp1252. Never fails: the last
    step replaces what cp1252 cannot read."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace")
    meta = _META_CHARSET.search(raw[:8192])
    tried: list[str] = []
    for candidate in (_codec(charset), _codec(meta.group(1).decode("ascii")) if meta else None):
        if candidate and candidate not in tried:
            tried.append(candidate)
            try:
                return raw.decode(candidate)
            except UnicodeDecodeError:
                continue
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# --- the tree ------------------------------------------------------------------------------


def _parse(text: str) -> lxml.html.HtmlElement:
    # lxml refuses an encoding declaration in a str, and control characters in any.
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError("the HTML page cannot be read (it has no content)") from exc
    return root


def _strip_invisible(root: lxml.html.HtmlElement) -> None:
    """Drop scripts (JSON-LD excepted), styles, comments and hidden templates, keeping
    the text that follows each of them."""
    doomed = []
    for el in root.iter(etree.Comment, etree.ProcessingInstruction, *_INVISIBLE):
        if el.tag == "script" and "ld+json" in (el.get("type") or "").lower():
            continue
        doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _simplified(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The tree without inline formatting (<span>, <b>, <font>...: their text stays),
    parsed anew so the text runs they leave are single nodes again. Tens of thousands of
    spans cost trafilatura minutes; this costs one serialisation."""
    etree.strip_tags(root, *_INLINE)
    for el in root.iter(etree.Element):
        # '@click', ':class', junk: trafilatura's XML output chokes on them (and lxml
        # cannot delete one by name, so the rest are put back).
        if any(not _XML_NAME.fullmatch(name) for name in el.attrib):
            keep = {k: v for k, v in el.attrib.items() if _XML_NAME.fullmatch(k)}
            el.attrib.clear()
            el.attrib.update(keep)
    return lxml.html.document_fromstring(lxml.html.tostring(root, encoding="unicode"))


def _text(el: lxml.html.HtmlElement | None) -> str | None:
    if el is None:
        return None
    value = _clean_line(el.text_content())
    return value or None


def _meta(root: lxml.html.HtmlElement, *keys: str) -> str | None:
    for key in keys:
        for attr in ("property", "name"):
            for el in root.xpath(f'//meta[@{attr}="{key}"]'):
                value = _clean_line(el.get("content") or "")
                if value:
                    return value
    return None


def _canonical(root: lxml.html.HtmlElement) -> str | None:
    for el in root.xpath("//link[@href]"):
        if "canonical" in (el.get("rel") or "").lower().split():
            href = (el.get("href") or "").strip()
            if href.startswith(("http://", "https://")):
                return href
    og = _meta(root, "og:url")
    return og if og and og.startswith(("http://", "https://")) else None


# --- lines ----------------------------------------------------------------------------------


def _clean_line(value: str) -> str:
    value = _ZERO_WIDTH.sub("", value)
    return _SPACES.sub(" ", value.replace("\r", " ").replace("\n", " ")).strip()


class _Lines:
    """Collects text into lines: `add` text, `end_line` at a block boundary, and table
    rows gathered cell by cell."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._current: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def add(self, text: str | None) -> None:
        if not text:
            return
        if self._cell is not None:
            self._cell.append(text)
        else:
            self._current.append(text)

    def end_line(self) -> None:
        if self._cell is not None:
            self._cell.append(" ")
            return
        line = _clean_line("".join(self._current))
        self._current = []
        if line:
            self.lines.append(line)

    def start_row(self) -> None:
        self.end_line()
        self._row = []

    def start_cell(self) -> None:
        if self._row is None:  # a cell outside a row: a row of its own
            self.start_row()
        self._cell = []

    def end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            cell = _clean_line("".join(self._cell))
            if cell:
                self._row.append(cell)
        self._cell = None

    def end_row(self) -> None:
        self.end_cell()
        if self._row:
            self.lines.append(" | ".join(self._row))
        self._row = None

    def finish(self) -> list[str]:
        self.end_row()
        self.end_line()
        return self.lines


def _is_chrome(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _CHROME_TAGS:
        return True
    if (el.get("role") or "").lower() in _CHROME_ROLES:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(marks.strip()) and bool(_CHROME_CLASS.search(marks))


def block_lines(root: lxml.html.HtmlElement) -> list[str]:
    """The visible blocks of <main>, else <article>, else <body>, less page chrome: one
    line per block, table rows as cells joined by " | "."""
    start = None
    for path in ("//main", '//*[@role="main"]', "//article", "//body"):
        found = root.xpath(path)
        if found:
            start = found[0]
            break
    if start is None:
        start = root
    out = _Lines()
    walker = etree.iterwalk(start, events=("start", "end"))
    skipped: set[int] = set()
    for event, el in walker:
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if event == "start":
            if el is not start and _is_chrome(el):
                skipped.add(id(el))
                walker.skip_subtree()
                continue
            if tag == "tr":
                out.start_row()
            elif tag in _CELL_TAGS:
                out.start_cell()
            elif tag == "br" or tag in _BLOCK_TAGS:
                out.end_line()
            out.add(el.text)
        else:
            if id(el) in skipped:
                skipped.discard(id(el))
            elif tag in _CELL_TAGS:
                out.end_cell()
            elif tag == "tr":
                out.end_row()
            elif tag in _BLOCK_TAGS:
                out.end_line()
            if el is not start:
                out.add(el.tail)
    return out.finish()


# trafilatura's XML: containers hold blocks; a block holds inline text, <lb/> and
# sometimes a nested container (a list inside a list item).
_XML_CONTAINERS = frozenset({"doc", "main", "body", "list", "table", "div", "quote", "comments"})
_XML_BLOCKS = frozenset({"head", "p", "item", "code", "quote"})


def _xml_lines(root: etree._Element) -> list[str]:
    out = _Lines()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "comments":
                walker.skip_subtree()
                continue
            if tag == "row":
                out.start_row()
            elif tag == "cell":
                out.start_cell()
            elif tag == "lb" or tag in _XML_BLOCKS or tag in _XML_CONTAINERS:
                out.end_line()
            out.add(el.text)
        else:
            if tag == "cell":
                out.end_cell()
            elif tag == "row":
                out.end_row()
            elif tag in _XML_BLOCKS or tag in _XML_CONTAINERS:
                out.end_line()
            if el is not root:
                out.add(el.tail)
    return out.finish()


def main_lines(root: lxml.html.HtmlElement, url: str | None) -> list[str]:
    """The page's main content as lines (trafilatura), unless it kept too little."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    # It warns "discarding data" whenever it finds no article, which is an answer here.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)

    fallback = block_lines(root)
    fallback_chars = sum(len(line) for line in fallback)
    if sum(1 for _ in root.iter(etree.Element)) > _MAX_ELEMENTS_FOR_MAIN:
        return fallback
    try:
        xml = trafilatura.extract(
            copy.deepcopy(root),
            url=url,
            output_format="xml",
            favor_recall=True,
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception as exc:  # a third-party extractor on hostile input: read the blocks
        log.info("trafilatura failed on %s (%s); reading its blocks", url, type(exc).__name__)
        xml = None
    lines: list[str] = []
    if xml:
        try:
            lines = _xml_lines(etree.fromstring(xml.encode("utf-8")))
        except etree.XMLSyntaxError:
            lines = []
    chars = sum(len(line) for line in lines)
    if chars < _MIN_MAIN_CHARS or chars < _MIN_MAIN_SHARE * fallback_chars:
        return fallback
    # trafilatura's last resort is the whole page as one paragraph: its blocks read better.
    longest = max(len(line) for line in lines)
    if len(lines) * 2 < len(fallback) and longest > max(map(len, fallback), default=0) + 200:
        return fallback
    return lines


# --- schema.org ----------------------------------------------------------------------------


def _type_name(value: object) -> str | None:
    """'Review' from 'Review', 'http://schema.org/Review' or ['Review', 'CreativeWork']."""
    if isinstance(value, list):
        names = [_type_name(v) for v in value]
        return next((n for n in names if n), None)
    if not isinstance(value, str) or not value.strip():
        return None
    return re.split(r"[/#:]", value.strip().rstrip("/"))[-1] or None


def _plain(value: object, depth: int) -> object:
    """JSON-like `value` as plain dicts, lists and scalars, bounded in depth and size;
    strings unescaped ('&amp;' in JSON-LD is common) and trimmed."""
    if isinstance(value, str):
        text = html_lib.unescape(value).strip()
        return text[:_SCHEMA_MAX_STRING]
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= _SCHEMA_MAX_DEPTH:
        return None
    if isinstance(value, list | tuple):
        items = [_plain(v, depth + 1) for v in value[:_SCHEMA_MAX_LIST]]
        return [v for v in items if v not in (None, "", [], {})]
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str) or key in ("@context", "htmlNode"):
                continue
            if key == "@type":
                name = _type_name(item)
                if name:
                    out["@type"] = name
                continue
            plain = _plain(item, depth + 1)
            if plain not in (None, "", [], {}):
                out[(_type_name(key) or key) if key.startswith("http") else key] = plain
        return out
    return str(value)[:_SCHEMA_MAX_STRING]


def _unpack(items: list[object], depth: int = 0) -> Iterator[dict[str, object]]:
    """Top-level objects, with every @graph list unpacked into its members."""
    if depth > _SCHEMA_MAX_DEPTH:
        return
    for item in items:
        if isinstance(item, list):
            yield from _unpack(item, depth + 1)
        elif isinstance(item, dict):
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from _unpack(graph, depth + 1)
                rest = {k: v for k, v in item.items() if k not in ("@graph", "@context")}
                if "@type" in rest:
                    yield rest
            else:
                yield item


def _resolve_ids(objects: list[dict[str, object]]) -> list[dict[str, object]]:
    """In a @graph, `{"@id": "#movie"}` stands for the object with that @id: put a copy of
    it in its place (one level deep, so cycles end)."""
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    if not by_id:
        return objects

    def swap(value: object) -> object:
        if isinstance(value, dict) and set(value) <= {"@id"} and value.get("@id") in by_id:
            target = by_id[value["@id"]]  # type: ignore[index]
            return {k: v for k, v in target.items() if k != "@id"}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    return [{k: swap(v) for k, v in o.items()} for o in objects]


def schema_objects(root: lxml.html.HtmlElement, url: str | None) -> list[dict[str, object]]:
    """schema.org objects from JSON-LD and microdata as plain dicts with an '@type'."""
    found: list[object] = []
    jsonld = JsonLdExtractor()
    for script in root.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        try:  # one by one: a broken block costs only itself
            found.extend(jsonld.extract_items(script, base_url=url))
        except Exception:  # not JSON (the parser's own errors vary), or nested too deep
            log.info("a JSON-LD block on %s is not valid JSON; skipped", url)
    items = len(root.xpath("//*[@itemscope]"))
    if items > _MAX_MICRODATA_ITEMS:
        log.info("%s has %d microdata items: a list of things, not read", url, items)
        return _finish_schema(found)
    try:
        micro = extruct.extract(
            root, base_url=url, syntaxes=["microdata"], uniform=True, errors="strict"
        )
        found.extend(micro.get("microdata", []))
    except Exception:  # extruct on hostile markup: the page still has its text
        log.info("the microdata on %s cannot be read; skipped", url, exc_info=True)
    return _finish_schema(found)


def _finish_schema(found: list[object]) -> list[dict[str, object]]:
    objects = [o for o in (_plain(item, 0) for item in _unpack(found)) if isinstance(o, dict)]
    objects = _resolve_ids([o for o in objects if o])
    return [o for o in objects if "@type" in o][:_SCHEMA_MAX_OBJECTS]


# --- error pages --------------------------------------------------------------------------

_STATUS_WORDS = (
    r"error|not found|page not found|file not found|forbidden|access denied|gone|"
    r"bad request|unauthori[sz]ed|internal server error|server error|service unavailable|"
    r"bad gateway|gateway time-?out|too many requests"
)
_SORRY = r"(?:(?:oops|whoops|sorry|uh-oh|error)[!.,:]*\s*)*"
# Said only by an error page, whatever else the page holds.
_ERROR_PAGE = re.compile(
    rf"(?:http\s*)?(?:error\s*)?[45]\d\d\s*[-:–—.]?\s*(?:{_STATUS_WORDS})(?:\s*error)?"
    r"|error\s*(?:code\s*)?[:#]?\s*[45]\d\d"
    rf"|{_SORRY}(?:page not found|file not found|access denied|internal server error|"
    r"service unavailable|bad gateway|gateway time-?out|too many requests|"
    r"an?\s+error\s+(?:has\s+)?occurred|something\s+went\s+wrong|just\s+a\s+moment|"
    r"attention\s+required|checking\s+your\s+browser|are\s+you\s+a\s+robot|"
    r"access\s+to\s+this\s+page\s+has\s+been\s+denied)"
    rf"|{_SORRY}(?:we\s+can(?:no|')t\s+find\s+)?(?:the|this|that)?\s*"
    r"(?:page|file|document|article|product)\s*(?:you\s+(?:requested|are\s+looking\s+for|"
    r"were\s+looking\s+for))?\s*(?:was|is|could|can(?:no|')t)?\s*(?:not\s+(?:be\s+)?found|"
    r"not\s+available|unavailable|no\s+longer\s+(?:exists|available)|does\s*n[o']t\s+exist|"
    r"be\s+found|(?:has\s+been\s+)?removed)"
    rf"|{_SORRY}(?:we\s+)?(?:can(?:no|')t|could\s*n[o']t|could\s+not)\s+(?:find|locate)\s+"
    r"(?:the|this|that|your)\s+(?:page|file|document)(?:\s+you\s+\w+(?:\s+\w+){0,3})?",
    re.I,
)
# Said by error pages, but also a film's name ("Forbidden", "Gone", "404"): an error page
# only when the page has next to no text besides.
_ERROR_WORD = re.compile(
    rf"{_SORRY}(?:(?:http\s*)?[45]\d\d|error|not found|forbidden|gone|unauthori[sz]ed|"
    r"bad request|server error)",
    re.I,
)
_ERROR_PAGE_MAX_CHARS = 800
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+|\s*[|·•»]\s*")


def error_title(cues: PageCues, text_chars: int = 0) -> str | None:
    """The <title> or <h1> that says the page is an error page ("404 Not Found", "Page
    not found | DiscHarbor", "Access denied"), else None. A bare word that is also a
    film's name ("Gone", "Forbidden") counts only on a page with little text."""
    for shown in (cues.h1, cues.html_title):
        if not shown:
            continue
        for part in (shown, *_TITLE_SEPARATORS.split(shown)):
            words = _clean_line(part).replace("’", "'").strip(" \t!.?…()[]\"'“”‘’")
            if not words:
                continue
            if _ERROR_PAGE.fullmatch(words):
                return shown
            if text_chars <= _ERROR_PAGE_MAX_CHARS and _ERROR_WORD.fullmatch(words):
                return shown
    return None


# --- the page ------------------------------------------------------------------------------


def read_html(raw: bytes | str, *, url: str | None = None, charset: str | None = None) -> Page:
    """An HTML page as a Page: its main text as lines and its cues. DocumentError when it
    is an error page or has no text at all."""
    text = raw if isinstance(raw, str) else decode_html(raw, charset)
    controls = len(_CONTROL.findall(text, 0, 200_000))
    if controls > max(2, min(len(text), 200_000) // 200):
        raise DocumentError("this looks like a binary file, not a text document")
    root = _parse(text)
    _strip_invisible(root)
    h1 = _text(next(iter(root.iter("h1")), None))
    cues = PageCues(
        html_title=_text(next(iter(root.iter("title")), None)),
        og_title=_meta(root, "og:title", "twitter:title"),
        h1=h1,
        url=_canonical(root) or url,
    )
    shown = error_title(cues, _ERROR_PAGE_MAX_CHARS + 1)  # the sure signs, before the work
    if shown:
        raise DocumentError(f"the page is an error page (“{shown}”), not a film document")
    cues.schema = schema_objects(root, cues.url)
    cues.published = _published(root, cues.url)
    lines = main_lines(_simplified(root), cues.url)
    shown = error_title(cues, sum(len(line) for line in lines))
    if shown:
        raise DocumentError(f"the page is an error page (“{shown}”), not a film document")
    if h1 and h1 not in lines[:5]:
        lines.insert(0, h1)
    if not lines:
        raise DocumentError(
            "the page shows no text to read (it may build its content with JavaScript: "
            "copy the text from the browser and import that)"
        )
    return Page(text="\n".join(lines) + "\n", cues=cues, is_html=True)


# What marks an element as saying when the page was published, and what marks one that
# says something else (a disc's release date, a pre-order's availability).
_DATE_HINT = re.compile(r"date|datum|time|publish|posted|byline|submitted|created|meta", re.I)
_OTHER_DATE = re.compile(
    r"release|street|avail|runtime|ship|dispatch|expect|pre-?order|stock|event", re.I
)
_DATE_ATTRS = ("class", "id", "itemprop", "property", "rel", "name")


def _date_tree(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page whose body keeps only the text of elements that say when it was
    published (a <time>, a byline, '.entry-meta', '.post-date'): htmldate falls back to
    any date in the text, and on a disc's page that is its release date. Tables,
    definition lists and release-date elements are dropped whole."""
    tree = copy.deepcopy(root)
    body = tree.find("body")
    if body is None:
        return tree
    doomed = [
        el
        for el in body.iter(etree.Element)
        if el.tag in ("table", "dl")
        or any(_OTHER_DATE.search(el.get(a) or "") for a in _DATE_ATTRS)
    ]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    walker = etree.iterwalk(body, events=("start",))
    for _, el in walker:
        if el is not body:
            el.tail = None  # text between elements belongs to a parent that is not a date
        if el.tag == "time" or any(_DATE_HINT.search(el.get(a) or "") for a in _DATE_ATTRS):
            walker.skip_subtree()
        elif el.tag != "script":  # JSON-LD may sit in the body
            el.text = None
    return tree


def _published(root: lxml.html.HtmlElement, url: str | None) -> str | None:
    """The publication date from the page's markup (meta tags, JSON-LD, <time>, a byline,
    the URL), never from its prose or spec tables."""
    try:
        found = find_date(
            _date_tree(root),  # a tree: a string that looks like a URL would be fetched
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%d",
            url=url,
        )
    except Exception:  # htmldate on hostile markup: no date rather than no page
        log.info("htmldate failed on %s", url, exc_info=True)
        return None
    return found or None
