"""The safe fetcher against the hostile server: no Celery, no database."""

from __future__ import annotations

import gzip
import io
import ipaddress
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from pypdf import PdfReader

from app.archive import fetch as fetch_module
from app.archive.fetch import (
    REDIRECT_BODY_MAX,
    FetchLimits,
    accept_encoding,
    classify,
    fetch,
    is_blocked_address,
    parse_retry_after,
)
from app.archive.types import FetchError, FetchResult
from tests.archive.conftest import TLS_NAME, TLSContexts
from tests.support.hostile_server import (
    HOSTS,
    PDF_SENTENCE,
    QUOTE,
    HostileServer,
    article_html,
    gzip_bomb,
)

ALLOWED = frozenset(HOSTS)
LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, deadline=3, max_bytes=2 * 1024 * 1024)
AddrInfo = list[tuple[Any, ...]]


def get(url: str, allowed: frozenset[str] = ALLOWED, limits: FetchLimits = LIMITS) -> FetchResult:
    return fetch(url, allowed_hosts=allowed, limits=limits)


def refused(
    url: str, allowed: frozenset[str] = ALLOWED, limits: FetchLimits = LIMITS
) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(url, allowed_hosts=allowed, limits=limits)
    return info.value


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def resolver(*answers: list[str]) -> Callable[..., AddrInfo]:
    """A getaddrinfo that answers names with each answer in turn (the last one forever), and
    records the names it was asked for."""
    calls: list[str] = []

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> AddrInfo:
        try:  # numeric hosts resolve to themselves, as with the real resolver
            answer = [str(ipaddress.ip_address(host))]
        except ValueError:
            answer = answers[min(len(calls), len(answers) - 1)]
            calls.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answer
        ]

    getaddrinfo.calls = calls  # type: ignore[attr-defined]
    return getaddrinfo


@pytest.fixture()
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every address the fetcher connects to (the connections still go through)."""
    seen: list[tuple[str, int]] = []
    real = socket.create_connection

    def recording(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return seen


@pytest.fixture()
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOSTS[0], 0))
        return int(sock.getsockname()[1])


# --- ordinary pages ---------------------------------------------------------------------------


def test_normal_page_records_the_exchange(web: HostileServer) -> None:
    result = get(web.url("/article/one"))
    assert (result.status, result.reason, result.http_version) == (200, "OK", "HTTP/1.1")
    assert classify(result) is None
    assert result.content_type == "text/html"
    assert QUOTE.encode() in result.body and result.raw_body == result.body
    assert result.peer_ip == "127.0.0.2" and result.final_url == result.url
    assert result.redirects == [] and result.started_at.tzinfo is not None
    assert 0 < result.elapsed < LIMITS.deadline
    sent = dict(result.request_headers)
    assert sent["Host"] == f"127.0.0.2:{web.ports['127.0.0.2']}"
    assert sent["User-Agent"] == "claimdesk/0.1 (+archiving)"
    assert sent["Accept-Encoding"] == accept_encoding() and "gzip" in accept_encoding()
    assert [k for k, _ in result.response_headers][:1] == ["Server"]  # order kept
    assert header(result.response_headers, "Content-Length") == str(len(result.body))


def test_second_publisher(web: HostileServer) -> None:
    result = get(web.url("/second", host="127.0.0.3"))
    assert result.peer_ip == "127.0.0.3"
    assert b"Served by publisher 127.0.0.3." in result.body


@pytest.mark.parametrize(
    ("path", "media_type", "expected"),
    [
        ("/text", "text/plain", QUOTE.encode()),
        ("/json", "application/json", b'"rate": 2.1'),
        ("/pdf", "application/pdf", b"%PDF-1.4"),
    ],
)
def test_other_media_types(web: HostileServer, path: str, media_type: str, expected: bytes) -> None:
    result = get(web.url(path))
    assert result.content_type == media_type and expected in result.body


def test_the_pdf_has_a_text_layer(web: HostileServer) -> None:
    pdf = PdfReader(io.BytesIO(get(web.url("/pdf")).body))
    assert PDF_SENTENCE in pdf.pages[0].extract_text()


@pytest.mark.parametrize(
    ("path", "name", "raw_prefix"),
    [
        ("/gzipped", "gzipped", b"\x1f\x8b"),
        ("/deflated", "deflated", b"\x78"),  # zlib-wrapped, as the standard says
        ("/rawdeflate", "rawdeflate", b""),  # bare deflate, as some servers send
        ("/gzip-members", "members", b"\x1f\x8b"),  # two gzip members back to back
    ],
)
def test_content_codings_are_decoded_and_raw_kept(
    web: HostileServer, path: str, name: str, raw_prefix: bytes
) -> None:
    result = get(web.url(path))
    assert result.body == article_html(name)
    assert result.raw_body != result.body and result.raw_body.startswith(raw_prefix)
    assert header(result.response_headers, "Content-Encoding") is not None


def test_unknown_content_coding_is_refused(web: HostileServer) -> None:
    error = refused(web.url("/unknown-encoding"))
    assert error.reason == "bad-encoding" and not error.transient


class _FakeBrotli:
    """Stands in for brotli.Decompressor (>= 1.2): each input byte "decodes" to ``factor``
    bytes, handed out at most ``max_output_length`` at a time, like the real one."""

    factor = 1

    def __init__(self) -> None:
        self.pending = 0

    def process(self, data: bytes, max_output_length: int) -> bytes:
        self.pending += len(data) * self.factor
        out = min(self.pending, max_output_length)
        self.pending -= out
        return b"x" * out if self.factor > 1 else data

    def can_accept_more_data(self) -> bool:
        return self.pending == 0


def test_brotli_is_decoded_only_when_a_bounded_decoder_is_installed(
    web: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_module, "_brotli_factory", lambda: None)
    assert refused(web.url("/labelled/br")).reason == "bad-encoding"
    assert "br" not in accept_encoding()

    monkeypatch.setattr(fetch_module, "_brotli_factory", lambda: _FakeBrotli)
    result = get(web.url("/labelled/br"))
    assert result.body == article_html("labelled")
    assert ("Accept-Encoding", "gzip, deflate, br") in result.request_headers


def test_brotli_bomb_stops_early(web: HostileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = type("Bomb", (_FakeBrotli,), {"factor": 1 << 20})  # 1 byte -> 1 MiB
    monkeypatch.setattr(fetch_module, "_brotli_factory", lambda: bomb)
    tracemalloc.start()
    try:
        error = refused(web.url("/labelled/br"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.reason == "too-large"
    assert peak < 3 * LIMITS.max_bytes  # not the gigabytes the page would inflate to


def test_chunked_body_is_dechunked_and_the_header_renamed(web: HostileServer) -> None:
    result = get(web.url("/chunked"))
    assert result.body == result.raw_body == article_html("chunked")
    assert header(result.response_headers, "Transfer-Encoding") is None
    assert header(result.response_headers, "X-Archive-Orig-Transfer-Encoding") == "chunked"


def test_mutable_page_changes_and_rots(web: HostileServer) -> None:
    url = web.url("/mutable/story")
    assert get(url).body == article_html("story")
    web.set_page("story", b"<p>Corrected: 41 schools.</p>")
    assert get(url).body == b"<p>Corrected: 41 schools.</p>"
    web.set_page("story", None)
    gone = get(url)
    error = classify(gone)
    assert gone.status == 404 and error is not None
    assert error.reason == "http-404" and not error.transient and error.result is gone


def test_request_target_is_percent_encoded(web: HostileServer) -> None:
    result = get(web.url("/article/café?q=a b&x=é"))
    assert result.status == 200 and web.hits["/article/caf%C3%A9"] == 1


def test_concurrent_fetches_are_independent(web: HostileServer) -> None:
    urls = [web.url(f"/article/p{i}", host=HOSTS[i % 2]) for i in range(40)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(get, urls))
    assert [r.body for r in results] == [article_html(f"p{i}") for i in range(40)]
    assert [r.peer_ip for r in results] == [HOSTS[i % 2] for i in range(40)]


# --- the address policy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_public_addresses_are_not_blocked(address: str) -> None:
    assert not is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[::1]:9/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://0.0.0.0/",
        "https://192.168.0.1/",
    ],
)
def test_literal_blocked_addresses_are_refused_before_connecting(
    url: str, connections: list[tuple[str, int]]
) -> None:
    error = refused(url, allowed=frozenset())
    assert error.reason == "blocked-address" and not error.transient
    assert connections == []


def test_local_server_is_refused_without_allowlist(web: HostileServer) -> None:
    error = refused(web.url("/article/x"), allowed=frozenset())
    assert error.reason == "blocked-address"
    assert web.hits["/article/x"] == 0  # refused before a byte was sent


def test_name_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolver(["10.0.0.5", "fd00::5"]))
    error = refused("http://intranet.example/")
    assert error.reason == "blocked-address" and "10.0.0.5" in error.detail


def test_blocked_candidates_are_skipped_and_the_next_one_tried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        socket, "getaddrinfo", resolver(["10.0.0.5", "93.184.216.34", "93.184.216.35"])
    )
    tried: list[tuple[str, int]] = []

    def unreachable(address: tuple[str, int], timeout: float) -> socket.socket:
        tried.append(address)
        raise ConnectionRefusedError("refused in tests")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    error = refused("http://mixed.example/")
    assert error.reason == "connection-error" and error.transient
    assert tried == [("93.184.216.34", 80), ("93.184.216.35", 80)]


def test_allowlisted_name_is_fetched_with_its_own_host_header(
    web: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolver([HOSTS[0]]))
    port = web.ports[HOSTS[0]]
    result = get(f"http://Bücher.Test:{port}/article/idn", allowed=frozenset({"bücher.test"}))
    assert result.status == 200 and result.peer_ip == HOSTS[0]
    assert ("Host", f"xn--bcher-kva.test:{port}") in result.request_headers


def test_name_resolving_to_an_allowlisted_address_is_fetched(
    web: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolver([HOSTS[0]]))
    result = get(f"http://staging.test:{web.ports[HOSTS[0]]}/article/a")
    assert result.status == 200 and result.peer_ip == HOSTS[0]


def test_ipv6_literal_host_header() -> None:
    with HostileServer(hosts=("::1",)) as server:
        result = get(server.url("/article/six", host="::1"), allowed=frozenset({"[::1]"}))
    assert result.peer_ip == "::1" and result.body == article_html("six")
    assert ("Host", f"[::1]:{server.ports['::1']}") in result.request_headers


# --- pinning: DNS rebinding -------------------------------------------------------------------


def test_rebinding_resolver_cannot_redirect_the_connection(
    web: HostileServer, monkeypatch: pytest.MonkeyPatch, connections: list[tuple[str, int]]
) -> None:
    """The name is resolved once; the connection goes to that vetted address, whatever DNS
    says afterwards (here: 127.0.0.1, which is not allowlisted)."""
    getaddrinfo = resolver([HOSTS[0]], ["127.0.0.1"])
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = web.ports[HOSTS[0]]
    result = get(f"http://rebind.test:{port}/article/pinned")
    assert result.peer_ip == HOSTS[0] and result.body == article_html("pinned")
    assert connections == [(HOSTS[0], port)]
    assert getaddrinfo.calls == ["rebind.test"]  # type: ignore[attr-defined]
    assert ("Host", f"rebind.test:{port}") in result.request_headers


def test_rebinding_on_a_redirect_is_refused(
    web: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each hop is resolved and vetted again: the second answer (loopback) is refused."""
    monkeypatch.setattr(socket, "getaddrinfo", resolver([HOSTS[0]], ["127.0.0.1"]))
    port = web.ports[HOSTS[0]]
    error = refused(f"http://rebind.test:{port}/to?url=http://rebind.test:{port}/article/x")
    assert error.reason == "blocked-address" and "127.0.0.1" in error.detail
    assert web.hits["/article/x"] == 0


def test_the_connected_peer_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever connect() does, a socket whose peer is not public is dropped."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        local = listener.getsockname()
        real = socket.create_connection
        monkeypatch.setattr(
            socket, "create_connection", lambda address, timeout: real(local, timeout)
        )
        error = refused("http://93.184.216.34/", allowed=frozenset())
    assert error.reason == "blocked-address" and "127.0.0.1" in error.detail


# --- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.1:{port}/article/x", "blocked-address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked-address"),
        ("http://[::1]:{port}/", "blocked-address"),
        ("http://[::ffff:127.0.0.1]:{port}/", "blocked-address"),
        ("file:///etc/passwd", "blocked-scheme"),
        ("ftp://127.0.0.2/x", "blocked-scheme"),
        ("gopher://127.0.0.2:70/", "blocked-scheme"),
    ],
)
def test_redirect_targets_are_checked_again(
    web: HostileServer, connections: list[tuple[str, int]], target: str, reason: str
) -> None:
    port = web.ports[HOSTS[0]]
    error = refused(web.url(f"/to?url={target.format(port=port)}"))
    assert error.reason == reason and not error.transient
    assert connections == [(HOSTS[0], port)]  # the first hop only


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_every_redirect_code_is_followed(web: HostileServer, code: int) -> None:
    result = get(web.url(f"/to?code={code}&url=/article/moved"))
    assert result.final_url == web.url("/article/moved")
    assert [(h.status, h.location) for h in result.redirects] == [(code, result.final_url)]


def test_redirect_chain_is_followed_and_recorded(web: HostileServer) -> None:
    result = get(web.url("/chain/3"))
    assert result.final_url == web.url("/article/chained")
    assert [h.url for h in result.redirects] == [web.url(f"/chain/{n}") for n in (3, 2, 1)]
    assert [h.status for h in result.redirects] == [302, 302, 302]
    assert result.body == article_html("chained")


def test_every_hop_is_kept_as_sent_and_received(web: HostileServer) -> None:
    result = get(web.url("/redirect-chain"))
    assert result.final_url == web.url("/a/exchange.html")
    first, second = (hop.exchange for hop in result.redirects)
    assert first is not None and second is not None
    assert (first.url, first.status, first.reason, first.http_version) == (
        web.url("/redirect-chain"),
        301,
        "Moved Permanently",
        "HTTP/1.1",
    )
    # Order, case and repeats as the server sent them.
    assert [name for name, _ in first.response_headers] == [
        "Server",
        "Date",
        "Location",
        "Link",
        "Link",
        "X-Redirect-STEP",
        "Content-Type",
        "Content-Length",
    ]
    assert header(first.response_headers, "Location") == "/redirect-chain/next"
    assert first.raw_body == b"<html><body>Moved to /redirect-chain/next</body></html>"
    assert first.truncated is None and first.peer_ip == HOSTS[0]
    assert (first.method, first.target) == ("GET", "/redirect-chain")
    assert [name for name, _ in first.request_headers] == [
        "Host",
        "User-Agent",
        "Accept",
        "Accept-Encoding",
        "Connection",
    ]
    assert (second.status, second.target, second.raw_body) == (302, "/redirect-chain/next", b"")
    assert first.started_at <= second.started_at
    final = result.exchanges()[-1]
    assert result.exchanges() == [first, second, final]
    assert (final.url, final.target, final.status) == (result.final_url, "/a/exchange.html", 200)
    assert result.requested_at is not None and second.started_at <= result.requested_at


def test_the_request_target_is_recorded_as_sent(web: HostileServer) -> None:
    result = get(web.url("/to?url=/article/café?q=a b"))
    assert result.redirects[0].exchange is not None
    assert result.redirects[0].exchange.target == "/to?url=/article/caf%C3%A9?q=a%20b"
    assert result.request_target == "/article/caf%C3%A9?q=a%20b"


def test_a_large_redirect_body_is_cut_and_marked(web: HostileServer) -> None:
    result = get(web.url("/redirect-big"))
    exchange = result.redirects[0].exchange
    assert result.body == article_html("big-redirect")
    assert exchange is not None and exchange.truncated == "length"
    assert len(exchange.raw_body) == REDIRECT_BODY_MAX


def test_a_dripping_redirect_body_does_not_cost_the_fetch(web: HostileServer) -> None:
    limits = FetchLimits(connect_timeout=2, read_timeout=2, deadline=4)
    result = get(web.url("/redirect-drip"), limits=limits)
    exchange = result.redirects[0].exchange
    assert result.body == article_html("drip-redirect")
    assert exchange is not None and exchange.truncated == "time"
    assert 0 < len(exchange.raw_body) < 1000


def test_accept_and_referer_are_sent_on_request(web: HostileServer) -> None:
    referer = web.url("/a/exchange.html")
    result = fetch(
        web.url("/to?url=/assets/photo.png"),
        allowed_hosts=ALLOWED,
        limits=LIMITS,
        accept="image/*",
        referer=referer,
    )
    assert result.content_type == "image/png"
    hop = result.redirects[0].exchange
    assert hop is not None
    assert ("Accept", "image/*") in hop.request_headers
    assert ("Referer", referer) in hop.request_headers
    # Only the first request carries it: a redirect elsewhere must not learn the page's URL.
    assert header(result.request_headers, "Referer") is None


def test_a_referer_is_sent_as_ascii_without_line_breaks(web: HostileServer) -> None:
    result = fetch(
        web.url("/assets/dot.png"),
        allowed_hosts=ALLOWED,
        limits=LIMITS,
        referer="http://news.example/café/日本\r\nX-Injected: 1",
    )
    assert header(result.request_headers, "Referer") == (
        "http://news.example/caf%C3%A9/%E6%97%A5%E6%9C%AC%0D%0AX-Injected:%201"
    )
    assert header(result.request_headers, "X-Injected") is None


def test_redirect_to_the_other_publisher(web: HostileServer) -> None:
    result = get(web.url(f"/to?url={web.url('/second', host='127.0.0.3')}"))
    assert result.peer_ip == "127.0.0.3" and b"publisher 127.0.0.3" in result.body


def test_soft_404_lands_on_the_home_page(web: HostileServer) -> None:
    result = get(web.url("/soft404"))
    assert result.final_url == web.url("/") and result.status == 200
    assert len(result.redirects) == 1 and b"front page" in result.body


def test_utf8_location_header(web: HostileServer) -> None:
    result = get(web.url("/utf8-redirect"))
    assert result.final_url == web.url("/article/café")
    assert web.hits["/article/caf%C3%A9"] == 1


def test_redirect_loop(web: HostileServer) -> None:
    error = refused(web.url("/loop/a"))
    assert error.reason == "redirect-loop" and not error.transient
    assert web.hits["/loop/a"] == 1 and web.hits["/loop/b"] == 1


def test_too_many_redirects(web: HostileServer) -> None:
    error = refused(web.url("/many"))
    assert error.reason == "too-many-redirects" and not error.transient
    assert web.hits_under("/many") == 11  # the first request and ten redirects, no more


def test_ten_redirects_are_allowed(web: HostileServer) -> None:
    result = get(web.url("/chain/10"))
    assert len(result.redirects) == 10 and result.status == 200


# --- bounds -----------------------------------------------------------------------------------


def test_gzip_bomb_stops_early_with_bounded_memory(web: HostileServer) -> None:
    limits = FetchLimits(connect_timeout=2, read_timeout=2, deadline=10, max_bytes=1 << 20)
    gzip_bomb()  # built once per session; not part of what is measured
    tracemalloc.start()
    try:
        error = refused(web.url("/gzipbomb"), limits=limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.reason == "too-large" and not error.transient
    assert str(1 << 20) in error.detail  # stopped at the limit
    assert peak < 4 * (1 << 20)  # near the limit, not the 256 MiB it inflates to


def test_gzip_bomb_is_refused_under_the_default_limit(web: HostileServer) -> None:
    error = refused(web.url("/gzipbomb"), limits=FetchLimits())
    assert error.reason == "too-large" and "26214400" in error.detail


def test_endless_body_is_cut(web: HostileServer) -> None:
    started = time.monotonic()
    error = refused(web.url("/endless"))
    assert error.reason == "too-large" and time.monotonic() - started < LIMITS.deadline


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_slow_drip_is_cut_at_the_deadline(web: HostileServer, path: str) -> None:
    limits = FetchLimits(connect_timeout=1, read_timeout=2, deadline=1.5)
    started = time.monotonic()
    error = refused(web.url(path), limits=limits)
    elapsed = time.monotonic() - started
    assert error.reason == "timeout" and error.transient
    # Cut at the deadline: never before it, and far before the drip (hours) would end; the
    # upper margin is wide because a loaded machine can be slow to schedule the fetch.
    assert 1.5 <= elapsed < 1.5 + 5


def test_silent_server_hits_the_read_timeout(web: HostileServer) -> None:
    limits = FetchLimits(connect_timeout=1, read_timeout=0.3, deadline=30)
    started = time.monotonic()
    error = refused(web.url("/slow/60"), limits=limits)
    assert error.reason == "timeout" and error.transient
    # The read timeout, not the deadline (30 s) nor the server's answer (60 s), ended it.
    assert time.monotonic() - started < 10


def test_connection_refused_is_transient(closed_port: int) -> None:
    error = refused(f"http://{HOSTS[0]}:{closed_port}/")
    assert error.reason == "connection-error" and error.transient


def test_connection_reset_is_transient(web: HostileServer) -> None:
    error = refused(web.url("/reset"))
    assert error.reason == "connection-error" and error.transient


def test_dns_failure_is_transient(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> AddrInfo:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    error = refused("http://nowhere.example/")
    assert error.reason == "dns-error" and error.transient


@pytest.fixture()
def hung_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    release = threading.Event()

    def hanging(*args: object, **kwargs: object) -> AddrInfo:
        release.wait(10)
        raise socket.gaierror(socket.EAI_AGAIN, "gave up")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    yield
    release.set()


@pytest.mark.usefixtures("hung_resolver")
def test_hung_resolver_is_cut_at_the_connect_timeout() -> None:
    started = time.monotonic()
    error = refused("http://slow-dns.example/", limits=FetchLimits(connect_timeout=0.3))
    assert error.reason == "timeout" and error.transient
    assert time.monotonic() - started < 10  # the resolver hangs until the test ends


@pytest.mark.parametrize(
    "url", ["http:///nohost", "http://bad_port.example:99999/", "http://a..b/"]
)
def test_unusable_urls(url: str) -> None:
    assert refused(url).reason == "bad-url"


# --- classify ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "transient"),
    [
        (301, False),  # a redirect without Location: nothing to archive
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (410, False),
        (451, False),
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
    ],
)
def test_classify_statuses_from_the_server(
    web: HostileServer, status: int, transient: bool
) -> None:
    result = get(web.url(f"/status/{status}"))
    error = classify(result)
    assert result.status == status and error is not None
    assert (error.reason, error.transient, error.result) == (f"http-{status}", transient, result)
    assert error.retry_after is None


@pytest.mark.parametrize("status", [200, 201, 204, 206])
def test_classify_successes(web: HostileServer, status: int) -> None:
    assert classify(get(web.url(f"/status/{status}"))) is None


def test_rate_limit_then_success(web: HostileServer) -> None:
    first = classify(get(web.url("/ratelimited/k1")))
    assert first is not None and first.reason == "http-429" and first.retry_after == 1
    assert classify(get(web.url("/ratelimited/k1"))) is None


def test_flaky_server_recovers_after_n_hits(web: HostileServer) -> None:
    outcomes = [classify(get(web.url("/flaky/k2/2"))) for _ in range(3)]
    assert [e.reason if e else None for e in outcomes] == ["http-503", "http-503", None]
    assert outcomes[0] is not None and outcomes[0].transient and outcomes[0].retry_after == 0


def test_retry_after_forms_over_the_wire(web: HostileServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    error = classify(get(web.url(f"/status/503?retry_after={when}")))
    assert error is not None and error.retry_after is not None and 100 < error.retry_after <= 120


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 30 ", 30.0),
        ("0", 0.0),
        ("999999", 3600.0),  # capped
        ("soon", None),
        ("-5", None),
        ("", None),
        (format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True), 0.0),  # in the past
        (
            format_datetime(datetime.now(UTC) + timedelta(days=3), usegmt=True),
            3600.0,
        ),  # capped
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_date_within_the_cap() -> None:
    value = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    parsed = parse_retry_after(value)
    assert parsed is not None and 80 < parsed <= 90


def test_gzip_is_not_decoded_twice(web: HostileServer) -> None:
    """A gzip file served as a plain download keeps its bytes (no Content-Encoding)."""
    download = gzip.compress(b"inner", mtime=0)
    web.set_page("archive", download)
    assert get(web.url("/mutable/archive")).body == download


# --- TLS --------------------------------------------------------------------------------------


@pytest.fixture()
def secure(
    tls_server: HostileServer, tls_contexts: TLSContexts, monkeypatch: pytest.MonkeyPatch
) -> HostileServer:
    """The HTTPS server, reached by name (pinned to its address), trusted through a test CA."""
    monkeypatch.setattr(socket, "getaddrinfo", resolver([HOSTS[0]]))
    monkeypatch.setattr(fetch_module, "_tls_context", lambda: tls_contexts.client)
    tls_server.reset()
    return tls_server


def test_https_keeps_the_name_for_sni_and_certificate(secure: HostileServer) -> None:
    port = secure.ports[HOSTS[0]]
    result = get(f"https://{TLS_NAME}:{port}/article/tls", allowed=frozenset({TLS_NAME}))
    assert result.body == article_html("tls") and result.peer_ip == HOSTS[0]
    assert ("Host", f"{TLS_NAME}:{port}") in result.request_headers


def test_https_certificate_must_match_the_name(secure: HostileServer) -> None:
    port = secure.ports[HOSTS[0]]
    error = refused(f"https://other.test:{port}/article/tls", allowed=frozenset({"other.test"}))
    assert error.reason == "tls-error" and "other.test" in error.detail
    assert secure.hits["/article/tls"] == 0


def test_https_certificate_must_be_trusted(
    tls_server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolver([HOSTS[0]]))
    port = tls_server.ports[HOSTS[0]]
    error = refused(f"https://{TLS_NAME}:{port}/", allowed=frozenset({TLS_NAME}))
    assert error.reason == "tls-error" and not error.transient
