"""Archived HTML made inert for display: the second layer under ``CSP: sandbox``.

Public interface::

    sanitize_for_replay(html: str, base_url: str = "") -> str

The HTML comes from the replay (``app/archive/replay.py``), which has already replaced the
page's subresources with ``data:`` URIs from the archive. nh3 (ammonia) parses it as a
browser would and keeps only an allow-list: text
structure (headings, paragraphs, lists, tables, quotes, figures), links and images. Gone are
scripts, ``on*`` handlers, frames, objects, forms and their controls, ``<base>``, ``<meta>``,
``<link>``, SVG and MathML, ``<style>`` elements, and comments (IE conditional comments).
Scripts, styles, frames, SVG and the like go with their content; other removed tags leave
their text.

Relative ``href``/``src``/``cite`` URLs are made absolute against ``base_url`` (the captured
page's final URL), else they would point into claimdesk's own origin; fragment links stay.
Only ``http``, ``https`` and ``mailto`` URLs survive. Links get
``rel="noopener noreferrer nofollow"`` and images ``referrerpolicy="no-referrer"``.

What styling needs stays (``class``, ``id``, ``data-*``, ``aria-*``, presentational
attributes, and ``style`` attributes in which nothing loads but a ``data:`` URI, so no CSS
expressions or ``url(javascript:)``); image ``src`` stays only as a ``data:image/...`` URI,
so nothing let through can reach the network.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import nh3

from app.archive.css import is_offline

_TAGS = {
    "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "blockquote", "br",
    "caption", "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p",
    "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "var", "wbr",
}  # fmt: skip
# Dropped with everything inside: active content, and containers whose text is not prose.
_DROP_WITH_CONTENT = {
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "title", "textarea", "select", "button", "canvas",
    "audio", "video", "head",
}  # fmt: skip
_URL_ATTRIBUTES = {"href", "src", "cite"}
_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
}
_SCHEMES = {"http", "https", "mailto"}

_REPLAY_TAGS = _TAGS | {"big", "center", "font", "strike", "tt"}
_PRESENTATION = {"align", "valign", "bgcolor", "border", "width", "height", "nowrap"}
_REPLAY_ATTRIBUTES = {
    **_ATTRIBUTES,
    "*": _ATTRIBUTES["*"] | {"class", "id", "style", "hidden", "role"} | _PRESENTATION,
    "a": _ATTRIBUTES["a"] | {"name"},
    "font": {"color", "face", "size"},
    "table": {"cellpadding", "cellspacing", "summary"},
}
_DATA_IMAGE = re.compile(r"data:image/[a-z0-9.+-]+(;[a-z0-9=.+-]+)*(;base64)?,", re.IGNORECASE)


def sanitize_for_replay(html: str, base_url: str = "") -> str:
    """``html`` (its subresources already ``data:`` URIs) with only inert, styled markup left."""

    def allowed(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "style":
            return value if is_offline(value, declarations_only=True) else None
        if attribute == "src":  # images only: anything else would be fetched
            return value if _DATA_IMAGE.match(value.strip()) else None
        if attribute not in _URL_ATTRIBUTES:
            return value
        value = value.strip()
        if value.startswith("#"):
            return value
        url = urljoin(base_url, value) if base_url else value
        return url if urlsplit(url).scheme.lower() in _SCHEMES else None

    return nh3.clean(
        html,
        tags=_REPLAY_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_REPLAY_ATTRIBUTES,
        attribute_filter=allowed,
        url_schemes=_SCHEMES | {"data"},
        generic_attribute_prefixes={"data-", "aria-"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"img": {"referrerpolicy": "no-referrer"}},
        strip_comments=True,
    )
