"""Text and metadata from an archived payload, offline and without raising.

Public interface::

    extract(body: bytes, content_type: str, url: str) -> Extracted
    decode_html(body: bytes, content_type: str = "") -> str
    decode(body: bytes, declared: str | None = None) -> str
    Extracted(text, title, published_at, canonical_url, language)   # frozen dataclass

- HTML: main text with trafilatura (precision settings, no backup extractors, for speed);
  when it declines (tiny pages), the visible text of the page. Title from trafilatura's
  metadata or ``<title>``; publication date with htmldate (``original_date``, no extensive
  free-text search: a wrong date is worse than none); canonical URL from
  ``<link rel=canonical>`` made absolute; language from ``<html lang>`` or its meta equivalents.
- PDF: text of every page with pypdf (at most ``PDF_MAX_PAGES``); title and language from
  the document's metadata.
- Plain text, CSV, Markdown and JSON: the decoded text as it is.
- Anything else: empty text.

The body is decoded with its declared charset (a ``charset=`` parameter of ``content_type``,
a BOM, or an HTML ``<meta charset>``), then UTF-8, then Latin-1, which never fails.

Nothing here touches the network: htmldate downloads a string argument that looks like a URL,
so both libraries are given a parsed lxml tree, never a string. Malformed input gives an
``Extracted`` with empty text, never an exception.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

log = logging.getLogger(__name__)

PDF_MAX_PAGES = 500
# trafilatura's own default ceiling; larger documents go straight to the plain fallback.
HTML_MAX_CHARS = 10_000_000

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset(
    {"text/plain", "text/csv", "text/markdown", "text/tab-separated-values", "application/json"}
)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_PARAM_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers read these labels as windows-1252, and so do the pages that declare them.
_WINDOWS_1252_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii"})
_DATE_PARAMS: dict[str, Any] = {
    "original_date": True,
    "extensive_search": False,
    "outputformat": "%Y-%m-%d",
}


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    published_at: date | None = None
    canonical_url: str | None = None
    language: str | None = None


EMPTY = Extracted("")


def extract(body: bytes, content_type: str, url: str) -> Extracted:
    """The text and metadata of ``body`` served as ``content_type`` (parameters allowed)."""
    kind, _, params = (content_type or "").partition(";")
    kind = kind.strip().lower()
    declared = _charset_param(params)
    try:
        if kind in _HTML_TYPES or (kind in ("", "application/octet-stream") and _looks_html(body)):
            return _html(body, url, declared)
        if kind == "application/pdf" or (
            kind in ("", "application/octet-stream") and body.startswith(b"%PDF-")
        ):
            return _pdf(body)
        if kind in _TEXT_TYPES or kind.endswith("+json"):
            return Extracted(decode(body, declared))
    except Exception:  # a hostile payload must never break archiving
        log.warning("extraction failed", extra={"url": url, "content_type": kind}, exc_info=True)
    return EMPTY


def decode(body: bytes, declared: str | None = None) -> str:
    """Text from bytes: BOM, then the declared charset, then UTF-8, then Latin-1."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, "replace")
    candidates = []
    if declared:
        label = declared.strip().lower()
        candidates.append("cp1252" if label in _WINDOWS_1252_ALIASES else label)
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("latin-1")


def decode_html(body: bytes, content_type: str = "") -> str:
    """An HTML page as text: the charset of ``content_type``, else of its ``<meta>``, else
    UTF-8, else Latin-1 (see ``decode``)."""
    return _decode_html(body, _charset_param(content_type.partition(";")[2]))


def _decode_html(body: bytes, declared: str | None) -> str:
    if not declared:
        meta = _META_CHARSET.search(body[:4096])
        declared = meta.group(1).decode("ascii") if meta else None
    return decode(body, declared)


def _charset_param(params: str) -> str | None:
    match = _PARAM_CHARSET.search(params)
    return match.group(1) if match else None


def _looks_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


# --- HTML -------------------------------------------------------------------------------------


def _html(body: bytes, url: str, declared: str | None) -> Extracted:
    import trafilatura

    html = _decode_html(body, declared)
    tree = _parse(html)
    if tree is None:
        return EMPTY
    text = ""
    if len(html) <= HTML_MAX_CHARS:
        try:
            # Metadata is read below from the tree: trafilatura's own pass costs more than its
            # text extraction (author, site name, categories we do not use).
            doc = trafilatura.bare_extraction(
                tree,
                url=url,
                fast=True,
                favor_precision=True,
                include_comments=False,
                include_tables=True,
            )
            text = (getattr(doc, "text", None) or "").strip()
        except Exception:  # the plain fallback below still gives the reader's view
            log.info("trafilatura failed", extra={"url": url}, exc_info=True)
    if not text:
        text = _visible_text(tree)
    return Extracted(text, _title(tree), _published(tree), _canonical(tree, url), _language(tree))


def _parse(html: str) -> Any:
    """An lxml tree of the page, or None; trafilatura's loader repairs common breakage."""
    from trafilatura.utils import load_html

    if not html.strip():
        return None
    tree = load_html(html)
    if tree is None:  # trafilatura refuses fragments; lxml still reads them
        from lxml import html as lxml_html

        tree = lxml_html.fromstring(html)
    return tree


def _published(tree: Any) -> date | None:
    from htmldate import find_date

    try:
        found = find_date(tree, **_DATE_PARAMS)
        return date.fromisoformat(found) if found else None
    except Exception:  # htmldate on a pathological page: no date rather than no capture
        log.info("htmldate failed", exc_info=True)
        return None


_TITLE_XPATHS = (
    "//meta[@property='og:title']/@content",
    "//meta[@name='twitter:title']/@content",
    "//title",
    "//h1",
)


def _title(tree: Any) -> str | None:
    """The page's own headline: Open Graph first (no site-name suffix), then <title>, <h1>."""
    for xpath in _TITLE_XPATHS:
        for found in tree.xpath(xpath):
            value = found if isinstance(found, str) else found.text_content()
            title = " ".join(value.split())
            if title:
                return title  # the column bound is applied where it is stored
    return None


_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def _visible_text(tree: Any) -> str:
    """What a reader sees, for pages trafilatura declines: body text outside scripts/styles."""
    parts = tree.xpath(_VISIBLE_TEXT)
    if not parts and tree.tag != "html":  # a bare fragment has no <body>
        parts = tree.xpath(_VISIBLE_TEXT.replace("//body//", "//"))
    return " ".join(" ".join(parts).split())


def _canonical(tree: Any, url: str) -> str | None:
    for link in tree.xpath("//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            href = urljoin(url, link.get("href", "").strip())
            return href if urlsplit(href).scheme in ("http", "https") else None
    return None


def _language(tree: Any) -> str | None:
    candidates = [
        *tree.xpath("//html/@lang | //html/@xml:lang"),
        *tree.xpath(
            "//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')"
            "='content-language']/@content"
        ),
        *tree.xpath("//meta[@property='og:locale']/@content"),
    ]
    for value in candidates:
        if value and value.strip():
            return value.strip().split(",")[0].strip().replace("_", "-")[:35]
    return None


# --- PDF --------------------------------------------------------------------------------------


def _pdf(body: bytes) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    pages = []
    for number, page in enumerate(reader.pages):
        if number >= PDF_MAX_PAGES:
            break
        try:
            pages.append(page.extract_text() or "")
        except Exception:  # one broken page need not lose the rest
            log.info("unreadable PDF page %d", number, exc_info=True)
    text = "\n".join(pages).strip()
    title = None
    try:
        meta = reader.metadata
        title = str(meta.title).strip() or None if meta and meta.title else None
    except Exception:
        title = None
    language = None
    try:
        lang = reader.root_object.get("/Lang")
        language = str(lang).strip()[:35] or None if lang else None
    except Exception:
        language = None
    return Extracted(text, title, None, None, language)
