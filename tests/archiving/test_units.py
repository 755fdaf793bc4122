"""URL normalisation, quote matching, extraction, sanitising, WARC and blob storage."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.archive.extract import extract
from app.archive.quotes import find_quote, normalise_for_match
from app.archive.sanitize import sanitize_archived_html
from app.archive.storage import LocalStore, S3Store, store_from_url
from app.archive.types import FetchResult, Hop
from app.archive.urls import normalise_url
from app.archive.warc import build_warc, iter_records
from tests.support.hostile import article_html, pdf_bytes

# --- URLs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("HTTP://Example.COM:80/a?utm_source=x&b=2&a=1#frag", "http://example.com/a?b=2&a=1"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org:443/x?fbclid=1&gclid=2", "https://example.org/x"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("  https://example.org/a%20b  ", "https://example.org/a%20b"),
    ],
)
def test_normalise_url(raw: str, normal: str) -> None:
    assert normalise_url(raw) == normal


@pytest.mark.parametrize("bad", ["", "ftp://x.org/", "javascript:alert(1)", "http://", "/relative"])
def test_unarchivable_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_url(bad)


@given(
    host=st.from_regex(r"[a-z]{1,10}\.(org|com|co\.uk)", fullmatch=True),
    path=st.lists(st.from_regex(r"[A-Za-z0-9_\-]{1,8}", fullmatch=True), max_size=3),
    params=st.lists(
        st.tuples(
            st.sampled_from(["q", "utm_medium", "page", "fbclid"]),
            st.from_regex(r"[a-z0-9]{0,5}", fullmatch=True),
        ),
        max_size=3,
    ),
)
def test_normalisation_is_idempotent(
    host: str, path: list[str], params: list[tuple[str, str]]
) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"HTTPS://{host.upper()}/{'/'.join(path)}" + (f"?{query}" if query else "") + "#x"
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert "utm_" not in once and "fbclid" not in once and "#" not in once


# --- quotes -----------------------------------------------------------------------------------


def test_quote_found_despite_typography() -> None:
    text = "He said: \u201cForty  schools\u2014rebuilt\u201d, the min\u00adistry\u2019s data show."
    span = find_quote('"forty schools-rebuilt"', text)
    assert span is not None and text[span[0] : span[1]] == "\u201cForty  schools\u2014rebuilt\u201d"
    assert find_quote("ministry's data", text) is not None
    assert find_quote("fifty schools", text) is None
    assert find_quote("   ", text) is None


@given(
    words=st.lists(st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True), min_size=3, max_size=30),
    data=st.data(),
)
def test_any_perturbed_substring_is_found(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    quote = "\n\t ".join(w.upper() for w in words[i:j])
    span = find_quote(quote, text)
    assert span is not None
    assert normalise_for_match(text[span[0] : span[1]])[0] == normalise_for_match(quote)[0]


@given(st.text(max_size=200))
def test_normalisation_is_idempotent_and_maps_back(text: str) -> None:
    normal, index = normalise_for_match(text)
    assert normalise_for_match(normal)[0] == normal
    assert len(index) == len(normal) and index == sorted(index)
    assert all(0 <= i < len(text) for i in index)


# --- extraction -------------------------------------------------------------------------------


def test_html_extraction() -> None:
    got = extract(article_html("alpha"), "text/html", "https://news.example.org/alpha")
    assert "40 schools in the region were rebuilt" in got.text
    assert "Share on Facebook" not in got.text  # page furniture is left out
    assert got.title == "Report alpha"
    assert got.published_at == date(2026, 11, 20)
    assert got.canonical_url == "https://news.example.org/alpha"


def test_pdf_text_and_plain_text_and_json() -> None:
    assert "signed by 14 countries" in extract(pdf_bytes(), "application/pdf", "http://x/").text
    assert extract("caf\u00e9 2.1 %".encode(), "text/plain", "http://x/").text == "caf\u00e9 2.1 %"
    assert '"rate"' in extract(b'{"rate": 2.1}', "application/json", "http://x/").text


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"%PDF-1.4 garbage", "application/pdf"),
        (b"<html><<<", "text/html"),
        (b"\x00\xff", "image/png"),
    ],
)
def test_broken_payloads_never_raise(body: bytes, ctype: str) -> None:
    assert isinstance(extract(body, ctype, "http://x/").text, str)


# --- sanitising -------------------------------------------------------------------------------


def test_sanitiser_removes_everything_active() -> None:
    dirty = (
        '<p onclick="steal()">Text<script>alert(1)</script></p><img src="x.png" onerror="x()">'
        '<a href="javascript:evil()">j</a><a href="https://ok.example/">ok</a>'
        '<iframe src="https://evil.example/"></iframe><form action="/x"><input name=q></form>'
        '<style>body{background:url(javascript:x)}</style><svg onload="x()"></svg>'
    )
    clean = sanitize_archived_html(dirty)
    for bad in (
        "script",
        "onclick",
        "onerror",
        "javascript:",
        "iframe",
        "<form",
        "<input",
        "<style",
        "onload",
        "alert",
    ):
        assert bad not in clean
    assert "Text" in clean and 'href="https://ok.example/"' in clean and 'rel="noopener' in clean


# --- WARC -------------------------------------------------------------------------------------


def _result(raw: bytes, body: bytes, headers: list[tuple[str, str]]) -> FetchResult:
    return FetchResult(
        url="http://127.0.0.2:8000/start",
        final_url="http://127.0.0.2:8000/article/a?x=1",
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        request_headers=[("Host", "127.0.0.2:8000"), ("User-Agent", "claimdesk-test")],
        response_headers=headers,
        raw_body=raw,
        body=body,
        content_type="text/html",
        peer_ip="127.0.0.2",
        started_at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
        elapsed=0.25,
        redirects=[Hop("http://127.0.0.2:8000/start", 302, "http://127.0.0.2:8000/article/a?x=1")],
    )


def test_warc_is_valid_and_replays_the_payload(tmp_path: Path) -> None:
    body = article_html("warc")
    raw = gzip.compress(body)
    data = build_warc(
        _result(
            raw,
            body,
            [
                ("Content-Type", "text/html"),
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(raw))),
            ],
        ),
        metadata={"fetch_seconds": 0.25},
    )
    path = tmp_path / "one.warc.gz"
    path.write_bytes(data)
    checked = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "warcio"), "check", "-v", str(path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    records, contents = {}, {}
    for record in iter_records(data):
        records[record.rec_type] = record
        contents[record.rec_type] = record.content_stream().read()
    assert set(records) == {"warcinfo", "response", "request", "metadata"}
    assert contents["response"] == body
    response = records["response"]
    assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert response.rec_headers.get_header("WARC-Block-Digest").startswith("sha1:")
    assert response.rec_headers.get_header("WARC-Target-URI").endswith("/article/a?x=1")
    assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.2"
    assert records["request"].rec_headers.get_header("WARC-Concurrent-To") == (
        response.rec_headers.get_header("WARC-Record-ID")
    )
    assert b'"redirects"' in contents["metadata"]


def test_warc_keeps_encoded_bytes_and_decodes_on_read() -> None:
    body = article_html("enc")
    raw = gzip.compress(body)
    data = build_warc(_result(raw, body, [("Content-Encoding", "gzip")]))
    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type == "response":
            assert record.raw_stream.read() == raw  # stored exactly as received
    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type == "response":
            assert record.content_stream().read() == body  # readers decode it


# --- storage ----------------------------------------------------------------------------------


def test_local_store_is_content_addressed_and_atomic(tmp_path: Path) -> None:
    store = LocalStore(str(tmp_path / "archive"))
    key = store.put(b"payload", suffix=".txt")
    assert key == hashlib.sha256(b"payload").hexdigest() + ".txt"
    assert store.put(b"payload", suffix=".txt") == key
    with store.open(key) as fh:
        assert fh.read() == b"payload"
    assert store.exists(key) and store.size(key) == 7
    leftovers = [p for p in (tmp_path / "archive").rglob(".tmp-*")]
    assert leftovers == []
    assert not store.exists(hashlib.sha256(b"other").hexdigest())
    with pytest.raises(ValueError):
        store.open("../../etc/passwd")


def test_store_from_url(tmp_path: Path) -> None:
    assert isinstance(store_from_url(f"file://{tmp_path}/a"), LocalStore)
    with pytest.raises(ValueError, match="ARCHIVE_STORAGE"):
        store_from_url("ftp://nowhere")


@pytest.fixture(scope="module")
def moto_server():  # type: ignore[no-untyped-def]
    from moto.server import ThreadedMotoServer

    from tests.support.processes import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_s3_store_against_moto_server(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_server,
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3").create_bucket(Bucket="archives")
    store = store_from_url("s3://archives/claimdesk")
    assert isinstance(store, S3Store)
    key = store.put(b"warc bytes", suffix=".warc.gz")
    assert store.exists(key) and store.size(key) == 10
    with store.open(key) as fh:
        assert fh.read() == b"warc bytes"
    listed = boto3.client("s3").list_objects_v2(Bucket="archives")["Contents"]
    assert [o["Key"] for o in listed] == [f"claimdesk/{key}"]
