"""Finding page requisites in HTML and CSS: what a browser would load, resolved, once each."""

from __future__ import annotations

import pytest

from app.archive.requisites import (
    Requisite,
    discover_css,
    discover_html,
    parse_srcset,
    resolve,
)

PAGE = "https://news.example.org/2026/11/story.html"


def urls(found: list[Requisite]) -> list[str]:
    return [r.url for r in found]


def html(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


# --- srcset -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a.png", [("a.png", "")]),
        ("a.png 1x, b.png 2x", [("a.png", "1x"), ("b.png", "2x")]),
        ("a.png 480w,b.png 800w", [("a.png", "480w"), ("b.png", "800w")]),
        ("  a.png   1.5x ,\n\tb.png  ", [("a.png", "1.5x"), ("b.png", "")]),
        # A comma inside a URL belongs to it; a trailing comma ends the candidate.
        ("img?w=1,2 2x, c.png,", [("img?w=1,2", "2x"), ("c.png", "")]),
        ("a.png, b.png 2x", [("a.png", ""), ("b.png", "2x")]),
        (
            "data:image/png;base64,AAAA 1x, d.png 2x",
            [("data:image/png;base64,AAAA", "1x"), ("d.png", "2x")],
        ),
        (
            "a.png 100w 50h, b.png (junk, here) 2x",
            [("a.png", "100w 50h"), ("b.png", "(junk, here) 2x")],
        ),
        ("", []),
        (" , ,", []),
    ],
)
def test_parse_srcset(value: str, expected: list[tuple[str, str]]) -> None:
    assert parse_srcset(value) == expected


# --- URL resolution ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("img/a.png", "https://news.example.org/2026/11/img/a.png"),
        ("/a.png", "https://news.example.org/a.png"),
        ("../a.png", "https://news.example.org/2026/a.png"),
        ("//cdn.example.net/a.png", "https://cdn.example.net/a.png"),
        ("http://other.example/a.png#frag", "http://other.example/a.png"),
        ("  a.png\n", "https://news.example.org/2026/11/a.png"),
        ("a\t.p\nng", "https://news.example.org/2026/11/a.png"),
        ("?v=2", "https://news.example.org/2026/11/story.html?v=2"),
        ("", None),
        ("#section", None),
        ("data:image/png;base64,AAAA", None),
        ("javascript:alert(1)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("blob:https://news.example.org/1", None),
        ("about:blank", None),
        ("ftp://files.example/a.png", None),
        ("http://[::1", None),
        ("http://host.example:99999/a.png", None),
    ],
)
def test_resolve(reference: str, expected: str | None) -> None:
    assert resolve(PAGE, reference) == expected


# --- HTML -------------------------------------------------------------------------------------


def test_everything_a_browser_loads_in_document_order() -> None:
    page = html(
        '<img src="a.png">'
        '<picture><source srcset="wide.webp 1x, wide2.webp 2x"><img src="narrow.png"></picture>'
        '<input type="image" src="go.png"><input type="text" src="no.png">'
        '<video poster="poster.jpg" src="clip.mp4"></video>'
        '<div style="background: url(bg.png) no-repeat">x</div>'
        '<style>.x { background-image: url("s.png") }</style>',
        head='<link rel="stylesheet" href="site.css">'
        '<link rel="icon" href="/favicon.ico">'
        '<link rel="preload" as="font" href="/f.woff2" crossorigin>'
        '<link rel="preload" as="style" href="/late.css">'
        '<link rel="preload" as="script" href="/app.js">'
        '<link rel="alternate stylesheet" href="/alt.css">'
        '<link rel="canonical" href="/canonical">'
        '<link rel="prefetch" href="/next.html">'
        '<script src="/app.js"></script>',
    )
    found = discover_html(page, PAGE)
    base = "https://news.example.org/2026/11/"
    assert [(r.url.removeprefix(base), r.kind) for r in found] == [
        ("site.css", "stylesheet"),
        ("https://news.example.org/favicon.ico", "icon"),
        ("https://news.example.org/f.woff2", "font"),
        ("https://news.example.org/late.css", "stylesheet"),
        ("a.png", "image"),
        ("wide.webp", "alternate"),
        ("wide2.webp", "alternate"),
        ("narrow.png", "image"),
        ("go.png", "image"),
        ("poster.jpg", "image"),
        ("bg.png", "image"),
        ("s.png", "image"),
    ]


def test_srcset_one_image_of_each_and_the_rest_alternates() -> None:
    page = html(
        '<img src="a.png" srcset="a.png 1x, a2.png 2x">'
        '<img srcset="b-small.png 480w, b-large.png 1024w">'
        '<img srcset="c2.png 2x, c1.png 1x">'
    )
    assert [(r.url.rsplit("/", 1)[1], r.kind) for r in discover_html(page, PAGE)] == [
        ("a.png", "image"),
        ("a2.png", "alternate"),
        ("b-small.png", "image"),  # no 1x: the first candidate
        ("b-large.png", "alternate"),
        ("c1.png", "image"),  # the 1x one, wherever it is
        ("c2.png", "alternate"),
    ]


def test_a_url_found_as_alternate_then_as_an_image_is_an_image_in_its_first_place() -> None:
    page = html('<img srcset="x.png 1x, y.png 2x"><img src="y.png"><img src="x.png">')
    assert [(r.url.rsplit("/", 1)[1], r.kind) for r in discover_html(page, PAGE)] == [
        ("x.png", "image"),
        ("y.png", "image"),
    ]


def test_base_href_is_respected() -> None:
    page = html(
        '<img src="a.png"><img src="/b.png">',
        head='<base href="https://static.example.net/assets/"><base href="/ignored/">',
    )
    assert urls(discover_html(page, PAGE)) == [
        "https://static.example.net/assets/a.png",
        "https://static.example.net/b.png",
    ]


def test_relative_base_href_resolves_against_the_page() -> None:
    page = html('<img src="a.png">', head='<base href="../media/">')
    assert urls(discover_html(page, PAGE)) == ["https://news.example.org/2026/media/a.png"]


def test_a_javascript_base_href_is_ignored() -> None:
    page = html('<img src="a.png">', head='<base href="javascript:alert(1)//">')
    assert urls(discover_html(page, PAGE)) == ["https://news.example.org/2026/11/a.png"]


def test_what_is_not_fetched() -> None:
    page = html(
        '<img src="data:image/png;base64,AAAA">'
        '<img src="javascript:alert(1)">'
        '<img src="">'
        '<img src="   ">'
        '<img src="#top">'
        '<img srcset="data:image/png;base64,AAAA 1x, javascript:x 2x">'
        '<img src="about:blank">'
        '<img src="mailto:desk@example.org">'
        '<div style="background: url(data:image/gif;base64,R0lG)"></div>'
        '<a href="/linked.png">a link is not a requisite</a>'
        '<iframe src="/frame.html"></iframe>'
        '<script src="/app.js"></script>'
        '<embed src="/movie.swf"><object data="/thing.swf"></object>'
        '<audio src="/sound.mp3"></audio>'
    )
    assert discover_html(page, PAGE) == []


def test_duplicates_are_found_once() -> None:
    page = html(
        '<img src="a.png"><img src="./a.png"><img src="a.png#x">'
        '<img src="https://news.example.org/2026/11/a.png">'
        '<div style="background:url(a.png)"></div>',
        head='<link rel="stylesheet" href="s.css"><link rel="stylesheet" href="s.css">',
    )
    assert urls(discover_html(page, PAGE)) == [
        "https://news.example.org/2026/11/s.css",
        "https://news.example.org/2026/11/a.png",
    ]


def test_noscript_images_are_found() -> None:
    page = html('<img class="lazy" src="placeholder.gif"><noscript><img src="real.jpg"></noscript>')
    assert [u.rsplit("/", 1)[1] for u in urls(discover_html(page, PAGE))] == [
        "placeholder.gif",
        "real.jpg",
    ]


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    page = html('<img src="caf\xe9.png" alt="\xe9">').encode("latin-1")
    found = discover_html(page, PAGE, "text/html; charset=iso-8859-1")
    assert urls(found) == ["https://news.example.org/2026/11/café.png"]


def test_a_page_that_declares_its_encoding_in_an_xml_prolog() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><img src="x.png"></body></html>'
    assert urls(discover_html(page, PAGE)) == ["https://news.example.org/2026/11/x.png"]


@pytest.mark.parametrize("page", ["", "   ", "<", "\x00\x00", "<html><body>", "<img src=>"])
def test_broken_or_empty_pages_give_nothing(page: str) -> None:
    assert discover_html(page, PAGE) == []


# --- CSS --------------------------------------------------------------------------------------

SHEET = "https://static.example.net/css/site.css"


def test_css_urls_and_imports_against_the_stylesheet() -> None:
    sheet = """
        @charset "utf-8";
        @import url("base.css");
        @import 'print.css' print;
        @import url(layered.css) layer(base) supports(display: grid) screen;
        body { background: #fff url( ../img/bg.png ) no-repeat; }
        .icon { background-image: url("/icons/a.svg"), url('icons/b.svg'); }
        .hero { background-image: image-set("hero.avif" type("image/avif"), url(hero.jpg) 1x); }
        @font-face { font-family: X; src: url(fonts/x.woff2) format("woff2"), url("fonts/x.woff"); }
        @media (min-width: 800px) { .wide { background: url(wide.png) } }
        @supports (display: grid) { @font-face { src: url(grid.woff2) } }
        .data { background: url(data:image/png;base64,AAAA) }
        .js { background: url(javascript:alert(1)) }
        .empty { background: url() }
        .frag { filter: url(#blur) }
        @import url("too-late.css");
    """
    found = discover_css(sheet, SHEET)
    assert [(r.url, r.kind) for r in found] == [
        ("https://static.example.net/css/base.css", "stylesheet"),
        ("https://static.example.net/css/print.css", "stylesheet"),
        ("https://static.example.net/css/layered.css", "stylesheet"),
        ("https://static.example.net/img/bg.png", "image"),
        ("https://static.example.net/icons/a.svg", "image"),
        ("https://static.example.net/css/icons/b.svg", "image"),
        ("https://static.example.net/css/hero.avif", "image"),
        ("https://static.example.net/css/hero.jpg", "image"),
        ("https://static.example.net/css/fonts/x.woff2", "font"),
        ("https://static.example.net/css/fonts/x.woff", "font"),
        ("https://static.example.net/css/wide.png", "image"),
        ("https://static.example.net/css/grid.woff2", "font"),
    ]


def test_css_escapes_comments_and_duplicates() -> None:
    sheet = (
        "/* url(commented.png) */ a { background: url(\\62 g.png) }"
        " b { background: url(bg.png) } c { background: url('bg.png#x') }"
        ' d { content: "url(not-a-url.png)" }'
    )
    assert urls(discover_css(sheet, SHEET)) == ["https://static.example.net/css/bg.png"]


def test_css_bytes_use_their_charset() -> None:
    sheet = '@charset "iso-8859-1"; a { background: url(caf\xe9.png) }'.encode("latin-1")
    assert urls(discover_css(sheet, SHEET)) == ["https://static.example.net/css/café.png"]
    assert urls(discover_css(b"\xef\xbb\xbfa { background: url(x.png) }", SHEET)) == [
        "https://static.example.net/css/x.png"
    ]


@pytest.mark.parametrize(
    "sheet", ["", "}", "a {", "@import", "@import ;", "a { background: url(", "@media {"]
)
def test_broken_css_gives_nothing_or_what_it_can(sheet: str) -> None:
    assert discover_css(sheet, SHEET) == []


def test_style_blocks_resolve_against_the_document_base() -> None:
    page = html(
        "<style>@import 'a.css'; p { background: url(p.png) }</style>",
        head='<base href="https://static.example.net/x/">',
    )
    assert urls(discover_html(page, PAGE)) == [
        "https://static.example.net/x/a.css",
        "https://static.example.net/x/p.png",
    ]
