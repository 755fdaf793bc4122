"""An archived page shown as it looked, from its WARC alone, unable to reach the live web.

Public interface::

    build_replay(warc: bytes | BinaryIO | str | os.PathLike[str], page_url: str, *,
                 max_bytes: int = MAX_REPLAY_BYTES) -> Replay
    replay_html(warc, page_url, *, max_bytes=MAX_REPLAY_BYTES, banner="") -> str
    Replay(html: str, missing: tuple[str, ...], inlined: int)     # frozen dataclass
    ReplayError(LookupError)       # the page is not in the WARC, or is not HTML
    REPLAY_CSP: str                # the Content-Security-Policy to send with the HTML
    REPLAY_HEADERS: dict[str, str] # CSP and the other headers the viewer's response needs
    MAX_REPLAY_BYTES = 40 MiB

``page_url`` may be the cited URL or the final one: redirects recorded in the WARC are
followed. The result is one self-contained document:

- every stylesheet of the page (``<link rel=stylesheet>`` and ``<style>``, in document order,
  ``media`` kept) is inlined into one ``<style>``, its ``@import``s inlined in their place
  (wrapped in ``@media``/``@supports``/``@layer`` as the import said) from the WARC too;
- every ``url()`` in those stylesheets and in ``style`` attributes, and every image (``src``,
  else a ``srcset`` or ``<picture>`` candidate; a video's poster becomes an image) becomes a
  ``data:`` URI made from the archived response; what the WARC does not hold becomes nothing
  (``none`` in CSS, no ``src`` on an image) and is listed in ``Replay.missing``;
- the page's icon becomes a ``data:`` URI too (or ``data:,``, so the browser asks nobody);
- then ``sanitize_for_replay`` keeps only inert markup: no scripts, event handlers, frames,
  objects, forms, ``<base>``, ``<meta>`` (so no refresh) or ``<link>``, and no URL that loads
  anything but a ``data:`` URI. ``<noscript>`` content is kept, as a browser without scripts
  shows it.

``data:`` URIs are inlined only while the output stays under ``max_bytes`` (a picture used
twice is counted twice); past that they are dropped like missing ones.

``REPLAY_CSP`` is the second layer: ``sandbox`` without ``allow-scripts`` or
``allow-same-origin`` (an opaque origin with scripts off), ``default-src 'none'``, images and
fonts from ``data:`` only, inline styles (CSS cannot run script in any current browser; the
``data:``-only image and font sources stop it from sending anything out), no form
submission, no ``<base>``.
"""

from __future__ import annotations

import base64
import html as html_lib
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urljoin

from lxml import html as lxml_html
from warcio.archiveiterator import ArchiveIterator

from app.archive import css
from app.archive.requisites import (
    document_base,
    link_kind,
    parse_html,
    parse_srcset,
    resolve,
)
from app.archive.sanitize import sanitize_for_replay
from app.archive.urls import normalise_url

MAX_REPLAY_BYTES = 40 * 1024 * 1024
MAX_REDIRECTS = 10
MAX_IMPORT_DEPTH = 5
REPLAY_CSP = (
    "sandbox; default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
)
REPLAY_HEADERS = {
    "Content-Security-Policy": REPLAY_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")
_FONT_ALIASES = {
    "application/font-woff": "font/woff",
    "application/x-font-woff": "font/woff",
    "application/font-woff2": "font/woff2",
    "application/x-font-ttf": "font/ttf",
    "application/x-font-truetype": "font/ttf",
    "application/font-sfnt": "font/sfnt",
    "application/x-font-opentype": "font/otf",
    "application/vnd.ms-fontobject": "application/vnd.ms-fontobject",
}
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
    (b"BM", "image/bmp"),
    (b"wOF2", "font/woff2"),
    (b"wOFF", "font/woff"),
    (b"OTTO", "font/otf"),
    (b"\x00\x01\x00\x00", "font/ttf"),
    (b"true", "font/ttf"),
)
# Bodies the replay never uses are not kept in memory.
_UNUSED_TYPES = ("javascript", "ecmascript", "video/", "audio/", "application/json")


class ReplayError(LookupError):
    """The page cannot be replayed from this WARC (not in it, or not an HTML page)."""


@dataclass(frozen=True)
class Replay:
    html: str
    missing: tuple[str, ...]  # subresources the page names that the WARC does not hold
    inlined: int  # data: URIs put in


def replay_html(
    warc: bytes | BinaryIO | str | os.PathLike[str],
    page_url: str,
    *,
    max_bytes: int = MAX_REPLAY_BYTES,
    banner: str = "",
) -> str:
    """The page at ``page_url`` from ``warc`` as one self-contained, inert HTML document;
    ``banner`` (HTML the caller built, not archived content) opens its body."""
    return build_replay(warc, page_url, max_bytes=max_bytes, banner=banner).html


def build_replay(
    warc: bytes | BinaryIO | str | os.PathLike[str],
    page_url: str,
    *,
    max_bytes: int = MAX_REPLAY_BYTES,
    banner: str = "",
) -> Replay:
    """Like ``replay_html``, with what could not be inlined."""
    archive = _Archive.read(warc)
    page = archive.find(page_url)
    if page is None:
        raise ReplayError(f"{page_url} is not in this archive")
    if page.media_type not in _HTML_TYPES:
        raise ReplayError(f"{page.url} is {page.media_type or 'of no stated type'}, not HTML")
    tree = parse_html(page.body, page.content_type)
    if tree is None:
        return Replay(_document("", None, "", {}, {}, banner), (), 0)
    base = document_base(tree, page.url)
    rewriter = _Rewriter(archive, max_bytes - len(page.body))
    icon = _icon(tree, base, rewriter)
    styles = _inline_styles(tree, base, rewriter)
    _inline_images(tree, base, rewriter)
    for element in tree.iter():
        if isinstance(element.tag, str) and element.get("style") is not None:
            element.set("style", rewriter.declarations(element.get("style"), base))
    for noscript in list(tree.iter("noscript")):
        noscript.drop_tag()  # scripts never run here, so browsers show this content
    body = tree.find("body")
    body_html = lxml_html.tostring(body, encoding="unicode") if body is not None else ""
    document = _document(
        html_lib.escape(" ".join((tree.findtext(".//title") or "").split())),
        icon,
        styles,
        _attributes(tree),
        _attributes(body, style=True) if body is not None else {},
        banner + sanitize_for_replay(body_html, base),
    )
    return Replay(document, tuple(rewriter.missing), rewriter.inlined)


# --- the archive ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    url: str
    status: int
    content_type: str
    location: str | None
    body: bytes  # decoded (content coding removed)

    @property
    def media_type(self) -> str:
        return self.content_type.partition(";")[0].strip().lower()


def _key(url: str) -> str:
    try:
        return normalise_url(url)
    except ValueError:
        return url.partition("#")[0]


class _Archive:
    """The responses of one WARC by URL (the first response for each URL)."""

    def __init__(self) -> None:
        self.responses: dict[str, _Stored] = {}

    @classmethod
    def read(cls, warc: bytes | BinaryIO | str | os.PathLike[str]) -> _Archive:
        archive = cls()
        if isinstance(warc, bytes):
            archive._load(io.BytesIO(warc))
        elif isinstance(warc, str | os.PathLike):
            with open(warc, "rb") as handle:
                archive._load(handle)
        else:
            archive._load(warc)
        return archive

    def _load(self, stream: BinaryIO) -> None:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            key = _key(url)
            if key in self.responses:
                continue
            headers = record.http_headers
            try:
                status = int(headers.get_statuscode() or 0)
            except ValueError:
                continue
            content_type = headers.get_header("Content-Type") or ""
            body = b""
            if 200 <= status < 300 and not any(t in content_type.lower() for t in _UNUSED_TYPES):
                try:
                    body = record.content_stream().read()
                except Exception:  # a body that cannot be decoded is as good as missing
                    continue
            location = headers.get_header("Location")
            self.responses[key] = _Stored(url, status, content_type, location, body)

    def find(self, url: str) -> _Stored | None:
        """The 2xx response for ``url``, following the redirects the WARC recorded."""
        for _ in range(MAX_REDIRECTS + 1):
            stored = self.responses.get(_key(url))
            if stored is None:
                return None
            if 200 <= stored.status < 300:
                return stored
            if not (300 <= stored.status < 400 and stored.location):
                return None
            url = urljoin(stored.url, stored.location.strip())
        return None


# --- rewriting --------------------------------------------------------------------------------


def _sniff(body: bytes) -> str | None:
    for magic, media_type in _MAGIC:
        if body.startswith(magic):
            return media_type
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    if body[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None


def _media_type(stored: _Stored) -> str | None:
    """What the body is, as a data: URI says it: sniffed (as browsers do for images), else
    declared when it is an image or a font."""
    sniffed = _sniff(stored.body)
    if sniffed is not None:
        return sniffed
    declared = _FONT_ALIASES.get(stored.media_type, stored.media_type)
    if _MEDIA_TYPE.fullmatch(declared) and declared.startswith(("image/", "font/")):
        return declared
    return declared if declared == "application/vnd.ms-fontobject" else None


def _is_image(media_type: str) -> bool:
    return media_type.startswith("image/")


def _is_css_resource(media_type: str) -> bool:
    return media_type.startswith(("image/", "font/")) or media_type.endswith("fontobject")


class _Rewriter:
    """Turns archived URLs into data: URIs, within the output's size bound."""

    def __init__(self, archive: _Archive, room: int) -> None:
        self.archive = archive
        self.room = room
        self.inlined = 0
        self.missing: dict[str, None] = {}  # ordered set
        self._uris: dict[str, str | None] = {}

    def spend(self, size: int) -> bool:
        if size > self.room:
            return False
        self.room -= size
        return True

    def data_uri(self, url: str, accept: Callable[[str], bool]) -> str | None:
        """``url``'s archived body as a data: URI, or None (and ``url`` noted missing)."""
        if url not in self._uris:
            stored = self.archive.find(url)
            media_type = _media_type(stored) if stored is not None else None
            self._uris[url] = (
                f"data:{media_type};base64,{base64.b64encode(stored.body).decode('ascii')}"
                if stored is not None and media_type is not None and stored.body
                else None
            )
        uri = self._uris[url]
        if uri is None or not accept(uri[5:].partition(";")[0]) or not self.spend(len(uri)):
            self.missing[url] = None
            return None
        self.inlined += 1
        return uri

    def css_url(self, reference: str, base: str) -> str | None:
        if reference.strip().lower().startswith("data:"):
            return reference.strip()
        url = resolve(base, reference)
        return self.data_uri(url, _is_css_resource) if url is not None else None

    def declarations(self, style: str, base: str) -> str:
        nodes = css.declarations(style)
        for slot in css.url_slots(nodes):
            slot.replace(self.css_url(slot.url, base))
        return css.serialize(nodes)

    def sheet(self, text: str, base: str, chain: frozenset[str]) -> str:
        """A stylesheet with its @imports inlined and its URLs made data: URIs."""
        parts: list[str] = []
        imports_allowed = True
        for rule in css.parse_sheet(text):
            imported = css.import_of(rule)
            if imported is not None:
                url = resolve(base, imported.url)
                if imports_allowed and url is not None:
                    inner = self.linked(url, chain)
                    if inner is not None:
                        parts.append(
                            _wrap(inner, imported.media, imported.supports, imported.layer)
                        )
                continue
            if rule.type == "at-rule" and rule.lower_at_keyword == "charset":
                continue
            if not (
                rule.type == "at-rule" and rule.lower_at_keyword == "layer" and not rule.content
            ):
                imports_allowed = False
            for slot in css.rule_slots(rule):
                slot.replace(self.css_url(slot.url, base))
            parts.append(rule.serialize())
        return "\n".join(parts)

    def linked(self, url: str, chain: frozenset[str] = frozenset()) -> str | None:
        """The archived stylesheet at ``url``, rewritten; None if it is not archived."""
        stored = self.archive.find(url)
        if (
            stored is None
            or url in chain
            or len(chain) >= MAX_IMPORT_DEPTH
            or stored.media_type not in ("text/css", "", "text/plain")
        ):
            self.missing[url] = None
            return None
        text = css.decode_css(stored.body, stored.content_type)
        if not self.spend(len(text)):
            self.missing[url] = None
            return None
        return self.sheet(text, stored.url, chain | {url})


def _wrap(text: str, media: str, supports: str | None = None, layer: str | None = None) -> str:
    if media and media.strip().lower() != "all":
        text = f"@media {media} {{\n{text}\n}}"
    if supports is not None:
        text = f"@supports ({supports}) {{\n{text}\n}}"
    if layer is not None:
        text = f"@layer {layer} {{\n{text}\n}}".replace("@layer  {", "@layer {")
    return text


def _inline_styles(tree: Any, base: str, rewriter: _Rewriter) -> str:
    """Every stylesheet of the page, in document order, as one CSS text (elements removed)."""
    parts: list[str] = []
    for element in list(_styling_elements(tree)):
        media = " ".join((element.get("media") or "").split())
        if element.tag == "style":
            text = rewriter.sheet(element.text or "", base, frozenset())
        else:
            url = resolve(base, element.get("href") or "")
            text = (rewriter.linked(url) if url is not None else None) or ""
        if text:
            parts.append(_wrap(text, media))
        element.drop_tree()
    return "\n".join(parts)


def _styling_elements(tree: Any) -> Iterator[Any]:
    for element in tree.iter("style", "link"):
        if element.tag == "style" or link_kind(element) == "stylesheet":
            yield element


def _inline_images(tree: Any, base: str, rewriter: _Rewriter) -> None:
    """Each image's archived picture as its ``src`` (no srcset left); a poster as an image."""
    for image in list(tree.iter("img")):
        candidates = [image.get("src") or ""]
        candidates += [url for url, _ in parse_srcset(image.get("srcset") or "")]
        # lxml's parser nests <img> inside a <source> (void in HTML5): look for the <picture>.
        for picture in image.iterancestors("picture"):
            for source in picture.iter("source"):
                candidates += [url for url, _ in parse_srcset(source.get("srcset") or "")]
            break
        for attribute in ("src", "srcset", "sizes"):
            image.attrib.pop(attribute, None)
        uri = _first_image(candidates, base, rewriter)
        if uri is not None:
            image.set("src", uri)
    for video in list(tree.iter("video")):
        uri = _first_image([video.get("poster") or ""], base, rewriter)
        if uri is None:
            continue
        poster = lxml_html.Element("img", src=uri, alt="")
        for attribute in ("width", "height", "class", "id", "style"):
            if video.get(attribute) is not None:
                poster.set(attribute, video.get(attribute))
        poster.tail = video.tail
        video.getparent().replace(video, poster)


def _first_image(candidates: list[str], base: str, rewriter: _Rewriter) -> str | None:
    """The first candidate that is archived (or already a data: image), as a data: URI."""
    missing: list[str] = []
    for candidate in candidates:
        stripped = candidate.strip()
        if stripped.lower().startswith("data:image/"):
            return stripped
        url = resolve(base, stripped)
        if url is None:
            continue
        uri = rewriter.data_uri(url, _is_image)
        if uri is not None:
            for url_missing in missing:  # found another size: those are not missing
                rewriter.missing.pop(url_missing, None)
            return uri
        missing.append(url)
    return None


def _icon(tree: Any, base: str, rewriter: _Rewriter) -> str | None:
    """The page's archived icon as a data: URI, if it has one."""
    for link in tree.iter("link"):
        if link_kind(link) == "icon" and (url := resolve(base, link.get("href") or "")):
            return rewriter.data_uri(url, _is_image)
    return None


def _attributes(element: Any, *, style: bool = False) -> dict[str, str]:
    """The attributes of <html> or <body> that styles apply to (a style already rewritten)."""
    kept = {
        name: value
        for name in ("lang", "dir", "class", "id")
        if (value := element.get(name)) is not None
    }
    declarations = element.get("style")
    if style and declarations and css.is_offline(declarations, declarations_only=True):
        kept["style"] = declarations
    return kept


def _document(
    title: str,
    icon: str | None,
    styles: str,
    html_attrs: dict[str, str],
    body_attrs: dict[str, str],
    body: str,
) -> str:
    def attrs(values: dict[str, str]) -> str:
        return "".join(f' {name}="{html_lib.escape(value)}"' for name, value in values.items())

    # Nothing in CSS needs "</"; written as "<\\/" it cannot close the <style> element.
    styles = styles.replace("</", "<\\/")
    # Always an icon: without one the browser asks the viewer's origin for /favicon.ico.
    return (
        f'<!DOCTYPE html><html{attrs(html_attrs)}><head><meta charset="utf-8">'
        f'<title>{title}</title><link rel="icon" href="{html_lib.escape(icon or "data:,")}">'
        f"<style>{styles}</style></head><body{attrs(body_attrs)}>{body}</body></html>"
    )
