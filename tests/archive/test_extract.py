"""Text and metadata extraction: HTML, PDF, plain text and JSON; offline; never raising."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.archive.extract import Extracted, decode, extract
from tests.support.pages import ARTICLE_SENTENCES, minimal_pdf, news_page

URL = "https://news.example.org/news/alpha?utm_source=x"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Extraction must never open a connection (htmldate fetches strings that look like URLs).

    Attempts are recorded as well as refused: the libraries swallow the error.
    """
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


def test_the_network_guard_sees_a_download(no_network: list[Any]) -> None:
    from htmldate import find_date

    with pytest.raises(ValueError):
        find_date("https://example.org/page")  # what extract must never do
    assert no_network
    no_network.clear()


def test_news_page_main_text_and_metadata() -> None:
    got = extract(news_page("alpha"), "text/html", URL)
    assert ARTICLE_SENTENCES[0] in got.text
    assert "12.5 million euros" in got.text
    for furniture in ("Share on Facebook", "Related story", "Footer link", "tracking", "Section 3"):
        assert furniture not in got.text
    assert got.title == "Report alpha"  # og:title, without the site name
    assert got.published_at == date(2026, 11, 20)
    assert got.canonical_url == "https://news.example.org/news/alpha"  # made absolute
    assert got.language == "en-GB"


def test_tiny_page_falls_back_to_visible_text() -> None:
    html = b"<html><head><title>Note</title><script>var x = 1;</script></head>"
    html += b"<body><p>Forty schools.</p><style>p{}</style></body></html>"
    got = extract(html, "text/html", "http://x.example/")
    assert got.text == "Forty schools."
    assert got.title == "Note" and got.published_at is None and got.canonical_url is None


def test_html_fragment_without_body() -> None:
    assert extract(b"<p>Only <b>this</b></p>", "text/html", "http://x.example/").text == (
        "Only this"
    )


def test_charset_from_meta_and_from_content_type() -> None:
    html = '<html><head><meta charset="windows-1252"><title>Caf\u00e9 \u2013 news</title>'
    html += "</head><body><p>\u201cQuoted\u201d caf\u00e9.</p></body></html>"
    body = html.encode("cp1252")
    got = extract(body, "text/html", "http://x.example/")
    assert got.title == "Caf\u00e9 \u2013 news" and "\u201cQuoted\u201d caf\u00e9." in got.text
    no_meta = body.replace(b'<meta charset="windows-1252">', b"")
    assert "caf\u00e9" in extract(no_meta, "text/html; charset=iso-8859-1", "http://x/").text


@pytest.mark.parametrize(
    ("body", "declared", "text"),
    [
        ("caf\u00e9".encode(), None, "caf\u00e9"),
        ("caf\u00e9".encode("latin-1"), None, "caf\u00e9"),  # not UTF-8: Latin-1
        ("caf\u00e9".encode("utf-16"), None, "caf\u00e9"),  # BOM wins
        ("\u0436".encode("koi8-r"), "koi8-r", "\u0436"),
        ("caf\u00e9".encode(), "no-such-charset", "caf\u00e9"),
        (b"\x93quoted\x94", "iso-8859-1", "\u201cquoted\u201d"),  # as browsers read it
    ],
)
def test_decode(body: bytes, declared: str | None, text: str) -> None:
    assert decode(body, declared) == text


def test_plain_text_and_json_as_they_are() -> None:
    text = "  caf\u00e9 2.1 %\n\nsecond line\n"
    assert extract(text.encode(), "text/plain", "http://x/").text == text
    assert extract(text.encode("latin-1"), "text/plain", "http://x/").text == text
    assert extract(text.encode("utf-16"), "text/plain; charset=utf-16", "http://x/").text == text
    data = b'{"rate": 2.1, "name": "caf\xc3\xa9"}'
    assert extract(data, "application/json", "http://x/").text == data.decode()
    assert extract(data, "application/ld+json", "http://x/").text == data.decode()
    assert extract(b"a,b\n1,2\n", "text/csv", "http://x/").text == "a,b\n1,2\n"


def test_pdf_text_title_and_language() -> None:
    lines = ["The treaty was signed by 14 countries.", "Ratification (so far): 9."]
    for compress in (False, True):
        got = extract(
            minimal_pdf(lines, title="Treaty report", compress=compress),
            "application/pdf",
            "http://x/t.pdf",
        )
        assert "signed by 14 countries" in got.text and "Ratification (so far): 9." in got.text
        assert got.title == "Treaty report" and got.language == "en-GB"


def test_content_is_sniffed_when_the_type_says_nothing() -> None:
    assert "14 countries" in extract(minimal_pdf(["14 countries"]), "", "http://x/").text
    pdf = minimal_pdf(["14 countries"])
    assert "14 countries" in extract(pdf, "application/octet-stream", "http://x/").text
    html = b"<!DOCTYPE html><html><body><p>Sniffed page.</p></body></html>"
    assert extract(html, "", "http://x/").text == "Sniffed page."


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"GIF89a", "image/gif"),
        (b"body{}", "text/css"),
        (b"alert(1)", "application/javascript"),
        (b"<x/>", "application/xml"),
    ],
)
def test_other_types_give_empty_text(body: bytes, ctype: str) -> None:
    assert extract(body, ctype, "http://x/") == Extracted("")


def test_url_like_body_is_not_fetched() -> None:
    got = extract(b"https://example.org/page", "text/html", "https://example.org/")
    assert got.text == "https://example.org/page"  # read as text; the no_network fixture
    # turns any download attempt into a failure


BROKEN = [
    (b"%PDF-1.4 garbage", "application/pdf"),
    (minimal_pdf(["x"])[:-60], "application/pdf"),  # truncated xref
    (minimal_pdf(["x"]).replace(b"/Length", b"/Length 99999 /X"), "application/pdf"),
    (b"<html><<<", "text/html"),
    (b"", "text/html"),
    (b"   ", "text/html"),
    (b"\x00\xff" * 100, "text/html"),
    (b"<html>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000 + b"</html>", "text/html"),
    (b'<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>', "text/html"),
    (b"\xff\xfe\x00", "text/plain"),
]


@pytest.mark.parametrize(("body", "ctype"), BROKEN)
def test_malformed_payloads_never_raise(body: bytes, ctype: str) -> None:
    got = extract(body, ctype, "http://x/")
    assert isinstance(got, Extracted) and isinstance(got.text, str)


def test_xhtml_with_encoding_declaration() -> None:
    body = b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    body += b"<head><title>X</title></head><body><p>Declared page.</p></body></html>"
    got = extract(body, "application/xhtml+xml", "http://x/")
    assert got.text == "Declared page." and got.title == "X"


@settings(max_examples=150, deadline=None)
@given(
    body=st.binary(max_size=2000),
    ctype=st.sampled_from(["text/html", "application/pdf", "text/plain", "", "image/png"]),
)
def test_arbitrary_bytes_never_raise(body: bytes, ctype: str) -> None:
    assert isinstance(extract(body, ctype, "http://x/").text, str)


@settings(max_examples=60, deadline=None)
@given(prefix=st.binary(max_size=300), cut=st.integers(0, 2000))
def test_mangled_pdfs_never_raise(prefix: bytes, cut: int) -> None:
    pdf = minimal_pdf(["Some text"], title="T")
    mangled = pdf[:cut] + prefix + pdf[cut + len(prefix) :]
    assert isinstance(extract(mangled, "application/pdf", "http://x/").text, str)


def test_typical_news_page_is_fast() -> None:
    """The archive benchmark aims at ~100 pages/s on 2 cores, fetch and WARC included."""
    page = news_page("speed")
    assert 18_000 <= len(page) <= 24_000
    extract(page, "text/html", URL)  # imports and caches
    runs = 30
    started = time.perf_counter()
    for _ in range(runs):
        extract(page, "text/html", URL)
    per_page = (time.perf_counter() - started) / runs
    assert per_page < 0.05, f"{per_page * 1000:.1f} ms per page"
