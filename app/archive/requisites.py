"""Page requisites: what a browser loads to show a page, found in it and fetched safely.

Public interface::

    Requisite(url: str, kind: str)                     # kind: one of KINDS
    KINDS = ("stylesheet", "image", "font", "icon", "alternate")
    discover_html(html: bytes | str, base_url: str, content_type: str = "") -> list[Requisite]
    discover_css(css: bytes | str, base_url: str, content_type: str = "") -> list[Requisite]
    parse_srcset(value: str) -> list[tuple[str, str]]  # (URL, descriptor) candidates
    parse_html(html: bytes | str, content_type: str = "") -> HtmlElement | None
    document_base(tree: HtmlElement, url: str) -> str
    resolve(base: str, reference: str) -> str | None  # absolute http(s) URL, no fragment
    link_kind(link: HtmlElement) -> str | None         # what a <link> loads, if anything
    RequisiteBudget(max_resources=50, max_bytes=20 MiB, deadline=None, workers=4, css_depth=3)
    fetch_requisites(page: FetchResult, *, allowed_hosts=frozenset(), limits=FetchLimits(),
                     budget=RequisiteBudget(), user_agent=DEFAULT_USER_AGENT) -> Requisites

Discovery reads the page as a browser does (lxml for HTML, tinycss2 for CSS): ``img`` src and
srcset, ``picture > source`` srcset, ``input type=image``, ``video poster``, ``link``
stylesheets, icons and preloads of styles, fonts and images, ``<style>`` blocks and ``style``
attributes (``url()``, ``image-set()``, ``@import``), and in stylesheets the same, against the
stylesheet's own URL. URLs are resolved against ``<base href>`` when the page has one, kept
only when http(s), without their fragment, once each, in document order. One candidate of each
``srcset`` is the image's own (its ``src``, else the ``1x`` one, else the first); the others
are ``alternate`` and fetched last, so a page of many responsive images gets one of each
before a second size of any.

Fetching goes through ``fetch`` (address checks on every request and redirect, size and time
bounds, ``allowed_hosts``) within the budget: at most ``max_resources`` requests,
``max_bytes`` in all, and the page's deadline (what ``limits.deadline`` leaves after the
page's own fetch, unless ``deadline`` is given). Stylesheets are read for their own
requisites ``css_depth`` @imports deep. Cross-site requisites are fetched like any other,
with the ``Accept`` a browser would send for the kind and its default ``Referer`` (the page's
origin only, off its own origin). The page's own URLs (cited, redirects, final) are not
fetched again. A requisite archived keeps its exchanges (redirects too) for the WARC; one that
fails, a non-2xx answer included, is a ``RequisiteFailure`` (the fetcher's reason, ``http-NNN``, or
``budget-resources``, ``budget-bytes``, ``budget-time``); it never fails the page.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from app.archive import css
from app.archive.extract import decode_html
from app.archive.fetch import DEFAULT_USER_AGENT, FetchLimits, classify, fetch
from app.archive.types import FetchError, FetchResult, RequisiteFailure, Requisites
from app.archive.urls import normalise_url

log = logging.getLogger(__name__)

KINDS = ("stylesheet", "image", "font", "icon", "alternate")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ACCEPT = {
    "stylesheet": "text/css,*/*;q=0.1",
    "font": "font/woff2,font/woff,font/ttf,*/*;q=0.5",
}
_ACCEPT_IMAGE = "image/avif,image/webp,image/png,image/svg+xml,image/*,*/*;q=0.8"
_ICON_RELS = frozenset({"icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"})
_PRELOAD_AS = {"style": "stylesheet", "font": "font", "image": "image"}
_URL_NOISE = re.compile(r"[\t\n\r]")  # removed from URLs by browsers
_HTML_SPACE = " \t\n\f\r"
_DEFAULT_LIMITS = FetchLimits()


@dataclass(frozen=True)
class Requisite:
    url: str
    kind: str


@dataclass(frozen=True)
class RequisiteBudget:
    """What one page may spend on its requisites."""

    max_resources: int = 50
    max_bytes: int = 20 * 1024 * 1024
    deadline: float | None = None  # seconds for all of them; None: what the page's deadline left
    workers: int = 4
    css_depth: int = 3  # levels of @import read below a stylesheet the page names


# --- discovery --------------------------------------------------------------------------------


def resolve(base: str, reference: str) -> str | None:
    """``reference`` made absolute against ``base``: an http(s) URL without fragment, or None."""
    reference = _URL_NOISE.sub("", reference.strip(_HTML_SPACE))
    if not reference or reference.startswith("#"):
        return None
    try:
        url = urljoin(base, reference).partition("#")[0]
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def parse_srcset(value: str) -> list[tuple[str, str]]:
    """The candidates of a ``srcset``, as the HTML standard splits them: (URL, descriptor).

    A URL runs to the next whitespace (commas inside it, as in ``data:`` or ``?w=1,2``, are
    part of it; trailing commas end the candidate); descriptors run to the next comma outside
    parentheses.
    """
    candidates: list[tuple[str, str]] = []
    position, length = 0, len(value)
    while position < length:
        while position < length and (value[position] in _HTML_SPACE or value[position] == ","):
            position += 1
        start = position
        while position < length and value[position] not in _HTML_SPACE:
            position += 1
        url = value[start:position]
        if not url:
            break
        if url.endswith(","):
            candidates.append((url.rstrip(","), ""))
            continue
        depth, start = 0, position
        while position < length:
            char = value[position]
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            elif char == "," and depth == 0:
                break
            position += 1
        candidates.append((url, " ".join(value[start:position].split())))
        position += 1
    return candidates


def parse_html(html: bytes | str, content_type: str = "") -> Any:
    """An lxml tree of an HTML document, or None when there is nothing to parse."""
    text = html if isinstance(html, str) else decode_html(html, content_type)
    if not text.strip():
        return None
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        # Bytes with the encoding given: lxml refuses str that declares an encoding itself.
        return lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def document_base(tree: Any, url: str) -> str:
    """The URL relative references resolve against: the first ``<base href>``, else ``url``."""
    for base in tree.iter("base"):
        href = base.get("href")
        if href is not None:
            resolved = resolve(url, href)
            return resolved if resolved is not None else url
    return url


class _Found:
    """Requisites in the order first found, each once; a URL found as an alternate srcset
    candidate and then as something shown by default takes the latter's kind."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}

    def add(self, base: str, reference: str | None, kind: str) -> None:
        url = resolve(base, reference) if reference else None
        if url is None:
            return
        if self.kinds.get(url, "alternate") == "alternate":
            self.kinds[url] = kind

    def extend(self, requisites: Iterable[Requisite]) -> None:
        for requisite in requisites:
            self.add(requisite.url, requisite.url, requisite.kind)

    def result(self) -> list[Requisite]:
        return [Requisite(url, kind) for url, kind in self.kinds.items()]


def discover_html(html: bytes | str, base_url: str, content_type: str = "") -> list[Requisite]:
    """The requisites of an HTML page fetched from ``base_url``, in document order."""
    tree = parse_html(html, content_type)
    if tree is None:
        return []
    base = document_base(tree, base_url)
    found = _Found()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        style = element.get("style")
        if style:
            found.extend(_declaration_requisites(style, base))
        tag = element.tag
        if tag == "img":
            _image(found, base, element.get("src"), element.get("srcset"))
        elif tag == "source" and _parent_tag(element) == "picture":
            for url, _ in parse_srcset(element.get("srcset") or ""):
                found.add(base, url, "alternate")
        elif tag == "input" and (element.get("type") or "").strip().lower() == "image":
            found.add(base, element.get("src"), "image")
        elif tag == "video":
            found.add(base, element.get("poster"), "image")
        elif tag == "link":
            kind = link_kind(element)
            if kind is not None:
                found.add(base, element.get("href"), kind)
        elif tag == "style":
            found.extend(discover_css(element.text or "", base))
    return found.result()


def link_kind(link: Any) -> str | None:
    """What a ``<link>`` loads for the page to look right, or None."""
    rels = set((link.get("rel") or "").lower().split())
    if "stylesheet" in rels and "alternate" not in rels:
        return "stylesheet"
    if rels & _ICON_RELS:
        return "icon"
    if "preload" in rels:
        return _PRELOAD_AS.get((link.get("as") or "").strip().lower())
    return None


def _image(found: _Found, base: str, src: str | None, srcset: str | None) -> None:
    candidates = parse_srcset(srcset or "")
    own = src if src and src.strip(_HTML_SPACE) else None
    if own is None and candidates:
        own = next((url for url, d in candidates if d in ("", "1x")), candidates[0][0])
    found.add(base, own, "image")
    for url, _ in candidates:
        found.add(base, url, "alternate")


def _parent_tag(element: Any) -> str | None:
    parent = element.getparent()
    return parent.tag if parent is not None and isinstance(parent.tag, str) else None


def _declaration_requisites(style: str, base: str) -> list[Requisite]:
    found = _Found()
    for slot in css.url_slots(css.declarations(style)):
        found.add(base, slot.url, "image")
    return found.result()


def discover_css(css_text: bytes | str, base_url: str, content_type: str = "") -> list[Requisite]:
    """The requisites of a stylesheet at ``base_url``: its @imports (while they are allowed:
    before any other rule) and every URL its rules load, in order."""
    text = css_text if isinstance(css_text, str) else css.decode_css(css_text, content_type)
    found = _Found()
    imports_allowed = True
    for rule in css.parse_sheet(text):
        imported = css.import_of(rule)
        if imported is not None:
            if imports_allowed:
                found.add(base_url, imported.url, "stylesheet")
            continue
        if rule.type == "at-rule" and rule.lower_at_keyword in ("charset", "layer"):
            imports_allowed = imports_allowed and rule.content is None
            continue
        imports_allowed = False
        _rule_requisites(found, base_url, rule)
    return found.result()


def _rule_requisites(found: _Found, base: str, rule: Any) -> None:
    inner = css.nested_rules(rule)
    if inner is not None:
        for nested in inner:
            _rule_requisites(found, base, nested)
        return
    kind = "font" if css.is_font_face(rule) else "image"
    for slot in css.rule_slots(rule):
        found.add(base, slot.url, kind)


# --- fetching ---------------------------------------------------------------------------------


def fetch_requisites(
    page: FetchResult,
    *,
    allowed_hosts: frozenset[str] = frozenset(),
    limits: FetchLimits = _DEFAULT_LIMITS,
    budget: RequisiteBudget = RequisiteBudget(),
    user_agent: str = DEFAULT_USER_AGENT,
) -> Requisites:
    """Fetch the requisites of an HTML ``page`` within ``budget``; nothing for other pages."""
    if page.content_type not in HTML_TYPES or classify(page) is not None:
        return Requisites()
    seconds = budget.deadline
    if seconds is None:
        seconds = max(0.0, limits.deadline - page.elapsed)
    run = _Run(page, allowed_hosts, limits, budget, user_agent, time.monotonic() + seconds)
    content_type = next(
        (v for k, v in page.response_headers if k.lower() == "content-type"), page.content_type
    )
    found = discover_html(page.body, page.final_url, content_type)
    run.seen.update(r.url for r in found)
    wave = [r for r in found if r.kind != "alternate" and r.url not in run.page_urls]
    alternates = [r for r in found if r.kind == "alternate" and r.url not in run.page_urls]
    depth = 0
    while wave:
        wave = run.wave(wave, read_css=depth <= budget.css_depth)
        depth += 1
    run.wave(alternates, read_css=False)
    return run.out


class _Run:
    """The state of one page's requisite fetching."""

    def __init__(
        self,
        page: FetchResult,
        allowed_hosts: frozenset[str],
        limits: FetchLimits,
        budget: RequisiteBudget,
        user_agent: str,
        ends_at: float,
    ) -> None:
        self.page = page
        self.allowed_hosts = allowed_hosts
        self.limits = limits
        self.budget = budget
        self.user_agent = user_agent
        self.ends_at = ends_at
        self.out = Requisites()
        self.attempted = 0
        self.bytes = 0
        self.page_urls = {page.url.partition("#")[0], page.final_url.partition("#")[0]}
        self.page_urls.update(hop.url.partition("#")[0] for hop in page.redirects)
        self.seen = set(self.page_urls)

    def fail(self, url: str, reason: str, detail: str = "") -> None:
        self.out.failed.append(RequisiteFailure(url, reason, detail))

    def wave(self, wave: list[Requisite], *, read_css: bool) -> list[Requisite]:
        """Fetch ``wave`` (a few at a time, results taken in order); the requisites found in
        the stylesheets among them, not seen before."""
        room = max(0, self.budget.max_resources - self.attempted)
        for skipped in wave[room:]:
            self.fail(skipped.url, "budget-resources", f"over {self.budget.max_resources}")
        wave = wave[:room]
        if not wave:
            return []
        self.attempted += len(wave)
        bytes_left = self.budget.max_bytes - self.bytes
        workers = max(1, min(self.budget.workers, len(wave)))
        with ThreadPoolExecutor(workers, thread_name_prefix="requisites") as pool:
            outcomes = list(pool.map(lambda r: self.one(r, bytes_left), wave))
        found: list[Requisite] = []
        for requisite, outcome in zip(wave, outcomes, strict=True):
            if isinstance(outcome, RequisiteFailure):
                self.out.failed.append(outcome)
                continue
            size = sum(len(x.raw_body) for x in outcome.exchanges())
            if self.bytes + size > self.budget.max_bytes:
                self.fail(requisite.url, "budget-bytes", f"over {self.budget.max_bytes} bytes")
                continue
            self.bytes += size
            self.out.fetched.append(outcome)
            if read_css and (requisite.kind == "stylesheet" or outcome.content_type == "text/css"):
                found += self._css_requisites(outcome)
        return found

    def _css_requisites(self, sheet: FetchResult) -> list[Requisite]:
        content_type = next(
            (v for k, v in sheet.response_headers if k.lower() == "content-type"), ""
        )
        new = []
        for requisite in discover_css(sheet.body, sheet.final_url, content_type):
            if requisite.url not in self.seen:
                self.seen.add(requisite.url)
                new.append(requisite)
        return new

    def one(self, requisite: Requisite, bytes_left: int) -> FetchResult | RequisiteFailure:
        url = requisite.url
        remaining = self.ends_at - time.monotonic()
        if remaining <= 0:
            return RequisiteFailure(url, "budget-time", "the page's deadline has passed")
        if bytes_left <= 0:
            return RequisiteFailure(url, "budget-bytes", f"over {self.budget.max_bytes} bytes")
        limits = dataclasses.replace(
            self.limits,
            deadline=min(self.limits.deadline, remaining),
            max_bytes=min(self.limits.max_bytes, bytes_left),
        )
        try:
            result = fetch(
                url,
                allowed_hosts=self.allowed_hosts,
                limits=limits,
                user_agent=self.user_agent,
                accept=_ACCEPT.get(requisite.kind, _ACCEPT_IMAGE),
                referer=_referrer(self.page.final_url, url),
            )
        except FetchError as exc:
            reason = exc.reason
            if reason == "too-large" and limits.max_bytes < self.limits.max_bytes:
                reason = "budget-bytes"
            return RequisiteFailure(url, reason, exc.detail[:500])
        except Exception as exc:  # a requisite must never fail the page
            log.warning("requisite fetch failed", extra={"url": url}, exc_info=True)
            return RequisiteFailure(url, "error", repr(exc)[:500])
        error = classify(result)
        if error is not None:
            return RequisiteFailure(url, error.reason, error.detail[:500])
        return result


def _referrer(page: str, target: str) -> str | None:
    """What a browser sends by default (strict-origin-when-cross-origin): the page's URL to its
    own origin, only the origin elsewhere, nothing from https to http."""
    source, destination = urlsplit(page), urlsplit(target)
    if source.scheme == "https" and destination.scheme != "https":
        return None
    try:
        url = normalise_url(page)  # ASCII, no fragment, no credentials, no tracking
    except ValueError:
        return None
    if (source.scheme, source.netloc) == (destination.scheme, destination.netloc):
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/"
