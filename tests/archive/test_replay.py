"""The offline replay: the archived page with its styles and images from the WARC, and nothing
in it that could load anything from anywhere."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from app.archive import css
from app.archive.fetch import FetchLimits, fetch
from app.archive.replay import (
    REPLAY_CSP,
    REPLAY_HEADERS,
    ReplayError,
    build_replay,
    replay_html,
)
from app.archive.requisites import fetch_requisites
from app.archive.types import FetchResult, Hop, Requisites
from app.archive.warc import build_warc
from tests.support.hostile_server import (
    ASSET_IMAGES,
    BEACON_GIF,
    EXCHANGE_SENTENCE,
    HOSTS,
    HostileServer,
    font_bytes,
    png_bytes,
)

ALLOWED = frozenset(HOSTS)
LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, deadline=10)
SITE = "https://news.example.org"
PAGE = f"{SITE}/story.html"
PNG = png_bytes(3, 2, (1, 2, 3))
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()


def result(url: str, body: bytes, content_type: str, **changes: Any) -> FetchResult:
    fields: dict[str, Any] = dict(
        url=url,
        final_url=url,
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        request_headers=[("Host", "news.example.org")],
        response_headers=[("Content-Type", content_type)],
        raw_body=body,
        body=body,
        content_type=content_type.partition(";")[0],
        peer_ip="93.184.216.34",
        started_at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
        elapsed=0.1,
    )
    fields.update(changes)
    return FetchResult(**fields)


def archive(page: str, resources: dict[str, tuple[str, bytes]] | None = None) -> bytes:
    """A WARC of ``page`` (HTML served at PAGE) and of ``resources`` (path -> type, body)."""
    fetched = [
        result(SITE + path, body, content_type)
        for path, (content_type, body) in (resources or {}).items()
    ]
    return build_warc(
        result(PAGE, page.encode(), "text/html; charset=utf-8"),
        requisites=Requisites(fetched=fetched),
    )


def parsed(document: str) -> Any:
    return lxml_html.document_fromstring(document)


def assert_offline(document: str) -> None:
    """Nothing in ``document`` can load anything or run anything."""
    tree = parsed(document)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in {
            "script", "iframe", "frame", "object", "embed", "form", "input", "button", "link",
            "meta", "base", "svg", "math", "video", "audio", "source", "picture", "template",
            "noscript",
        } or _own_head(element), element.tag  # fmt: skip
        for name, value in element.attrib.items():
            assert not name.startswith("on"), name
            assert name not in {"srcset", "poster", "background", "formaction", "action"}
            if name == "src":
                assert value.startswith("data:image/"), value[:80]
            if name == "style":
                assert css.is_offline(value, declarations_only=True), value
            if name == "href" and element.tag == "link":
                assert value.startswith(("data:image/", "data:,")), value[:80]
            elif name == "href":
                assert element.tag == "a" and value.startswith(("http", "#", "mailto:")), value
    styles = "".join(style.text or "" for style in tree.iter("style"))
    assert css.is_offline(styles), styles
    assert len(list(tree.iter("style"))) == 1


def _own_head(element: Any) -> bool:
    """The replay's own <meta charset> and icon link."""
    if element.tag == "meta":
        return set(element.attrib) == {"charset"}
    return element.tag == "link" and element.get("rel") == "icon"


def data_of(uri: str) -> bytes:
    return base64.b64decode(uri.partition(",")[2])


# --- a real capture ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exchange_warc(hostile_server: HostileServer) -> tuple[bytes, FetchResult]:
    page = fetch(hostile_server.url("/redirect-chain"), allowed_hosts=ALLOWED, limits=LIMITS)
    requisites = fetch_requisites(page, allowed_hosts=ALLOWED, limits=LIMITS)
    return build_warc(page, requisites=requisites), page


def test_the_page_looks_like_itself_from_the_warc_alone(
    exchange_warc: tuple[bytes, FetchResult],
) -> None:
    data, page = exchange_warc
    replay = build_replay(data, page.url)  # the cited URL: its redirects are in the WARC
    assert replay.missing == () and replay.inlined == 7
    assert build_replay(data, page.final_url) == replay
    document = replay.html
    assert_offline(document)
    assert "127.0.0." not in document  # not one URL of the live site is left
    tree = parsed(document)
    assert EXCHANGE_SENTENCE in tree.text_content()
    assert tree.findtext(".//title") == "Exchange rate held"
    icon = tree.find(".//link[@rel='icon']").get("href")
    assert data_of(icon) == png_bytes(*ASSET_IMAGES["icon"])
    assert tree.get("lang") == "en"
    images = {img.get("id"): img.get("src") for img in tree.iter("img")}
    assert data_of(images["photo"]) == png_bytes(*ASSET_IMAGES["photo"])
    assert data_of(images["remote"]) == png_bytes(*ASSET_IMAGES["remote"])  # the other site
    assert images["beacon"].startswith("data:image/gif") and data_of(images["beacon"]) == (
        BEACON_GIF
    )
    styles = tree.findtext(".//style")
    assert "color: rgb(12, 34, 56)" in styles  # the linked stylesheet, inlined
    assert "@media print {\narticle { color: black; }\n}" in styles  # @import ... print
    assert styles.index("@font-face") < styles.index("body {")  # imported before importing
    assert 'url("data:font/ttf;base64,' in styles
    font = styles.split('url("data:font/ttf;base64,')[1].split('"')[0]
    assert base64.b64decode(font) == font_bytes()
    assert 'url("data:image/png;base64,' in styles  # the texture
    dotted = tree.get_element_by_id("dotted").get("style")
    assert data_of(dotted.split('url("')[1].split('"')[0]) == png_bytes(*ASSET_IMAGES["dot"])


def test_what_the_warc_lacks_is_dropped_and_listed(
    exchange_warc: tuple[bytes, FetchResult], hostile_server: HostileServer
) -> None:
    _, page = exchange_warc
    bare = build_warc(page)  # the page without its requisites
    replay = build_replay(bare, page.final_url)
    assert_offline(replay.html)
    assert "127.0.0." not in replay.html
    tree = parsed(replay.html)
    assert all(img.get("src") is None for img in tree.iter("img"))
    assert tree.get_element_by_id("dotted").get("style") == "background-image: none"
    assert tree.findtext(".//style") == ".lede { border-left: 6px solid rgb(200, 30, 30); }"
    url = hostile_server.url
    assert tree.find(".//link[@rel='icon']").get("href") == "data:,"
    assert replay.missing == (
        url("/assets/icon.png"),
        url("/assets/site.css"),
        url("/assets/print.css"),
        url("/assets/photo.png"),
        url("/assets/photo-2x.png"),
        url("/assets/remote.png", host="127.0.0.3"),
        url("/beacon.gif?page=exchange"),
        url("/assets/dot.png"),
    )
    assert replay.inlined == 0


def test_inputs_path_and_stream(exchange_warc: tuple[bytes, FetchResult], tmp_path: Path) -> None:
    data, page = exchange_warc
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(data)
    expected = replay_html(data, page.final_url)
    assert replay_html(path, page.final_url) == expected
    assert replay_html(str(path), page.final_url) == expected
    with path.open("rb") as stream:
        assert replay_html(stream, page.final_url) == expected
    assert replay_html(io.BytesIO(data), page.final_url) == expected


def test_the_output_is_bounded(exchange_warc: tuple[bytes, FetchResult]) -> None:
    data, page = exchange_warc
    whole = build_replay(data, page.final_url)
    bound = len(whole.html) // 2  # too small for the font, which is most of it
    small = build_replay(data, page.final_url, max_bytes=bound)
    assert len(small.html) <= bound
    assert small.inlined < whole.inlined and small.missing
    assert_offline(small.html)


# --- hand-made archives -----------------------------------------------------------------------


def test_hostile_markup_and_css_stay_inert() -> None:
    page = (
        '<html><head><base href="https://evil.example/">'
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
        '<link rel="stylesheet" href="https://evil.example/x.css">'
        '<link rel="stylesheet" href="https://news.example.org/hostile.css">'
        "<style>@import url(https://evil.example/i.css);"
        " i { background: url(https://evil.example/track.png) }</style>"
        '<script src="https://evil.example/x.js"></script><script>alert(1)</script></head>'
        '<body onload="alert(1)"><p onclick="x()">Text <a href="javascript:alert(1)">js</a>'
        '<a href="https://ok.example/">ok</a></p>'
        '<img src="https://evil.example/beacon.gif" onerror="alert(1)">'
        '<img src="x.png" srcset="https://evil.example/big.png 2x">'
        '<iframe src="https://evil.example/"></iframe><iframe srcdoc="<script>x</script>">'
        '</iframe><object data="https://evil.example/x.swf"></object>'
        '<embed src="https://evil.example/x.swf">'
        '<form action="https://evil.example/"><input name=q><button>go</button></form>'
        '<svg><image href="https://evil.example/s.png"/><script>alert(1)</script></svg>'
        '<div style="background: url(https://evil.example/d.png)">d</div>'
        '<video poster="https://evil.example/p.jpg"><source src="https://evil.example/v.mp4">'
        "</video><audio src='https://evil.example/a.mp3'></audio>"
        '<table background="https://evil.example/t.png"><tr><td>cell</td></tr></table>'
        '<input type="image" src="https://evil.example/i.png">'
        "</body></html>"
    )
    hostile_css = (
        b'p::after { content: "</style><script>alert(1)</script>" }'
        b" div { background: url(javascript:alert(1)); width: expression(alert(1)) }"
        b" b { background: image-set('https://evil.example/a.png' 1x) }"
        b" @font-face { src: url(https://evil.example/f.woff) }"
        b" @import url(https://evil.example/late.css);"
    )
    replay = build_replay(archive(page, {"/hostile.css": ("text/css", hostile_css)}), PAGE)
    assert_offline(replay.html)
    tree = parsed(replay.html)
    body = lxml_html.tostring(tree.find("body"), encoding="unicode")
    assert "Text" in body and "cell" in body and 'href="https://ok.example/"' in body
    for gone in ("alert", "x()", "evil.example/x", "beacon", "<script", "big.png"):
        assert gone not in body, gone
    styles = tree.findtext(".//style")
    for gone in ("evil.example", "javascript", "expression", "bad url", "@import"):
        assert gone not in styles, gone
    # The CSS string that would close the element stays a string.
    assert 'content: "<\\/style><script>alert(1)<\\/script>"' in replay.html
    assert "https://evil.example/track.png" in replay.missing
    assert "https://evil.example/x.css" in replay.missing


def test_imports_are_inlined_in_place_with_their_conditions_and_cycles_end() -> None:
    page = '<link rel="stylesheet" href="/a.css" media="screen"><style>p { color: red }</style>'
    resources = {
        "/a.css": (
            "text/css",
            b'@import "b.css" layer(base) supports(display: grid) print; a { color: blue }',
        ),
        "/b.css": ("text/css", b'@import url("a.css"); b { color: green }'),
    }
    replay = build_replay(archive(page, resources), PAGE)
    styles = parsed(replay.html).findtext(".//style")
    assert styles == (
        "@media screen {\n"
        "@layer base {\n@supports (display: grid) {\n@media print {\n"
        "b { color: green }\n}\n}\n}\n"
        "a { color: blue }\n}\n"
        "p { color: red }"
    )
    assert replay.missing == (f"{SITE}/a.css",)  # b.css's import of a.css: a cycle, left out


def test_an_image_falls_back_to_an_archived_candidate() -> None:
    page = (
        '<img id="a" src="/missing.png" srcset="/missing.png 1x, /two.png 2x">'
        '<picture><source srcset="/wide.png"><img id="b" src="/narrow-missing.png"></picture>'
        '<img id="c" src="data:image/png;base64,AAAA">'
        '<video id="v" poster="/two.png" width="30"></video>'
    )
    resources = {"/two.png": ("image/png", PNG), "/wide.png": ("image/png", PNG)}
    replay = build_replay(archive(page, resources), PAGE)
    assert_offline(replay.html)
    tree = parsed(replay.html)
    images = {img.get("id"): img for img in tree.iter("img")}
    assert images["a"].get("src") == PNG_URI and images["b"].get("src") == PNG_URI
    assert images["c"].get("src") == "data:image/png;base64,AAAA"
    assert images["v"].get("src") == PNG_URI and images["v"].get("width") == "30"
    assert replay.missing == ()  # other candidates were found: nothing is missing


def test_types_are_sniffed_and_only_images_and_fonts_inlined() -> None:
    page = (
        '<img id="a" src="/png-as-octets"><img id="b" src="/page.html">'
        '<img id="c" src="/vector"><div id="d" style="background: url(/page.html)">d</div>'
        "<style>@font-face { src: url(/font) }</style>"
    )
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    resources = {
        "/png-as-octets": ("application/octet-stream", PNG),
        "/page.html": ("text/html", b"<script>alert(1)</script>"),
        "/vector": ("text/plain", svg),
        "/font": ("application/x-font-woff", b"wOFF\x00\x01"),
    }
    replay = build_replay(archive(page, resources), PAGE)
    tree = parsed(replay.html)
    images = {img.get("id"): img.get("src") for img in tree.iter("img")}
    assert images["a"] == PNG_URI
    assert images["b"] is None
    assert images["c"].startswith("data:image/svg+xml;base64,")
    assert tree.get_element_by_id("d").get("style") == "background: none"
    assert 'url("data:font/woff;base64,' in tree.findtext(".//style")
    assert replay.missing == (f"{SITE}/page.html",)


def test_noscript_content_shows_as_without_scripts() -> None:
    page = '<img class="lazy"><noscript><img id="real" src="/two.png"></noscript>'
    replay = build_replay(archive(page, {"/two.png": ("image/png", PNG)}), PAGE)
    assert parsed(replay.html).get_element_by_id("real").get("src") == PNG_URI


def test_html_and_body_attributes_that_styles_select_on_are_kept() -> None:
    page = (
        '<html class="dark" lang="fr" onload="x()"><body class="article" id="top" '
        'style="margin: 0; background: url(/two.png)" onclick="x()"><p>t</p></body></html>'
    )
    replay = build_replay(archive(page, {"/two.png": ("image/png", PNG)}), PAGE)
    tree = parsed(replay.html)
    body = tree.find("body")
    assert (tree.get("class"), tree.get("lang"), tree.get("onload")) == ("dark", "fr", None)
    assert (body.get("class"), body.get("id"), body.get("onclick")) == ("article", "top", None)
    assert body.get("style") == f'margin: 0; background: url("{PNG_URI}")'


def test_a_redirect_in_the_warc_is_followed() -> None:
    hop = result(f"{SITE}/cited", b"", "text/html", status=301, reason="Moved Permanently")
    hop.response_headers.append(("Location", "/story.html"))
    page = result(
        hop.url,
        b"<p>moved here</p>",
        "text/html",
        final_url=PAGE,
        redirects=[Hop(hop.url, 301, PAGE, hop.exchange)],
    )
    data = build_warc(page)
    assert "moved here" in replay_html(data, f"{SITE}/cited")
    assert "moved here" in replay_html(data, PAGE)


def test_what_cannot_be_replayed() -> None:
    data = archive("<p>x</p>", {"/doc.pdf": ("application/pdf", b"%PDF-1.4")})
    with pytest.raises(ReplayError, match="not in this archive"):
        replay_html(data, f"{SITE}/elsewhere")
    with pytest.raises(ReplayError, match="not HTML"):
        replay_html(data, f"{SITE}/doc.pdf")
    empty = build_replay(archive(""), PAGE)
    assert empty.html.startswith("<!DOCTYPE html>") and empty.missing == ()


def test_the_policy_the_viewer_sends() -> None:
    directives = {}
    for part in REPLAY_CSP.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    assert directives["sandbox"] == ""  # no allow-scripts, no allow-same-origin
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:" and directives["font-src"] == "data:"
    assert directives["style-src"] == "'unsafe-inline'"
    assert directives["form-action"] == "'none'" and directives["base-uri"] == "'none'"
    assert REPLAY_HEADERS["Content-Security-Policy"] == REPLAY_CSP
