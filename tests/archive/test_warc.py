"""The WARC writer: valid for warcio's checker, correct digests, the payload kept as received."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.archive.types import Exchange, FetchResult, Hop, RequisiteFailure, Requisites
from app.archive.warc import WARC_VERSION, build_warc, iter_records
from tests.support.pages import FINAL, fetched, news_page

WARCIO = os.path.join(os.path.dirname(sys.executable), "warcio")


def records(data: bytes) -> dict[str, tuple[Any, bytes]]:
    """Each record by type, with its content as readers see it (digests checked on the way)."""
    out = {}
    for record in iter_records(data):
        content = record.content_stream().read()
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        out[record.rec_type] = (record, content)
    return out


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def warcio_check(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(data)
    done = subprocess.run([WARCIO, "check", "-v", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_warcio_check_passes_every_digest(tmp_path: Path) -> None:
    data = build_warc(fetched(news_page()), metadata={"capture_id": 7})
    report = warcio_check(tmp_path, data)
    assert report.count("digest pass") == 4  # warcinfo, response, request, metadata
    assert "no digest" not in report


def test_warcio_check_rejects_a_tampered_file(tmp_path: Path) -> None:
    """The checker the test above relies on does notice a wrong payload."""
    body = b"<html><body>forty schools</body></html>"
    data = build_warc(fetched(body))
    tampered = b"".join(
        gzip.compress(member.replace(b"forty", b"fifty")) for member in _members(data)
    )
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(tampered)
    done = subprocess.run([WARCIO, "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 1 and "digest failed" in done.stdout


def _members(data: bytes) -> list[bytes]:
    members = []
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        members.append(inflater.decompress(data))
        data = inflater.unused_data
    return members


def test_one_gzip_member_per_record() -> None:
    members = _members(build_warc(fetched(b"x")))
    assert len(members) == 4
    assert all(m.startswith(WARC_VERSION.encode() + b"\r\n") for m in members)


def test_records_and_headers() -> None:
    data = build_warc(fetched(b"<p>hello</p>"), warcinfo={"operator": "Example Newsroom"})
    got = records(data)
    assert list(got) == ["warcinfo", "response", "request", "metadata"]
    info, info_fields = got["warcinfo"]
    assert b"operator: Example Newsroom" in info_fields and b"software: claimdesk" in info_fields
    response = got["response"][0]
    request, request_body = got["request"]
    meta = got["metadata"][0]
    info_id = info.rec_headers.get_header("WARC-Record-ID")
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    for record in (response, request, meta):
        assert record.rec_headers.get_header("WARC-Date") == "2026-11-22T12:00:00.123456Z"
        assert record.rec_headers.get_header("WARC-Warcinfo-ID") == info_id
    for record in (response, request):
        assert record.rec_headers.get_header("WARC-Target-URI") == FINAL
    assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.2"
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id
    # The metadata can never be taken for the page: its target is a URN naming the response.
    uuid = response_id.removeprefix("<urn:uuid:").removesuffix(">")
    assert meta.rec_headers.get_header("WARC-Target-URI") == f"urn:claimdesk:metadata:{uuid}"
    assert meta.rec_headers.get_header("WARC-Refers-To") == response_id
    assert meta.rec_headers.get_header("WARC-Concurrent-To") == response_id
    assert meta.rec_headers.get_header("Content-Type") == "application/json"
    assert request.http_headers.protocol == "GET"
    assert request.http_headers.statusline == "/article/a?x=1 HTTP/1.1"
    assert request.http_headers.get_header("Host") == "127.0.0.2:8000"
    assert request.http_headers.get_header("User-Agent") == "claimdesk-test"
    assert request_body == b""
    assert response.http_headers.statusline == "200 OK"
    assert response.http_headers.protocol == "HTTP/1.1"


def test_digests_are_sha1_base32_of_what_was_received() -> None:
    raw = news_page().replace(b"</body>", b"\xff\xfe binary tail </body>")
    data = build_warc(fetched(raw, headers=[("Content-Type", "text/html"), ("X-Y", "z")]))
    response = records(data)["response"][0]
    assert response.rec_headers.get_header("WARC-Payload-Digest") == sha1_b32(raw)
    http_block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Y: z\r\n\r\n" + raw
    assert response.rec_headers.get_header("WARC-Block-Digest") == sha1_b32(http_block)
    assert int(response.rec_headers.get_header("Content-Length")) == len(http_block)


def test_payload_read_back_equals_the_body() -> None:
    body = news_page("payload")
    assert records(build_warc(fetched(body)))["response"][1] == body


def test_gzip_encoded_response_keeps_its_encoded_bytes() -> None:
    body = news_page("encoded")
    raw = gzip.compress(body, mtime=0)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    data = build_warc(fetched(raw, body, headers))
    for record in iter_records(data):
        if record.rec_type == "response":
            assert record.http_headers.get_header("Content-Encoding") == "gzip"
            assert record.raw_stream.read() == raw  # stored exactly as received
            assert record.rec_headers.get_header("WARC-Payload-Digest") == sha1_b32(raw)
    response = records(data)["response"]
    assert response[1] == body  # and readers decode it


def test_chunked_framing_is_not_claimed_for_a_dechunked_body(tmp_path: Path) -> None:
    body = b"4\r\nnot a chunk header, just text\r\n"
    headers = [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")]
    data = build_warc(fetched(body, headers=headers))
    response, content = records(data)["response"]
    assert content == body  # a replayer must not try to de-chunk it again
    assert response.http_headers.get_header("Transfer-Encoding") is None
    assert response.http_headers.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    warcio_check(tmp_path, data)


def test_metadata_holds_the_redirect_chain_and_timings() -> None:
    body = b"<p>final</p>"
    data = build_warc(fetched(body), metadata={"capture_id": 7, "final_url": "spoofed"})
    meta = json.loads(records(data)["metadata"][1])
    assert meta["requested_url"] == "http://127.0.0.2:8000/start"
    assert meta["final_url"] == FINAL  # the caller cannot overwrite what was recorded
    assert meta["redirects"] == [
        {"url": "http://127.0.0.2:8000/start", "status": 301, "location": "/moved"},
        {"url": "http://127.0.0.2:8000/moved", "status": 302, "location": FINAL},
    ]
    assert meta["elapsed_seconds"] == 0.25
    assert meta["started_at"] == "2026-11-22T12:00:00.123456Z"
    assert meta["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert meta["capture_id"] == 7


def test_warc_date_is_utc_whatever_the_input_zone() -> None:
    paris = timezone(timedelta(hours=1))
    aware = fetched(b"x", started_at=datetime(2026, 11, 22, 13, 0, 0, tzinfo=paris))
    naive = fetched(b"x", started_at=datetime(2026, 11, 22, 12, 0, 0))
    for result in (aware, naive):
        response = records(build_warc(result))["response"][0]
        assert response.rec_headers.get_header("WARC-Date") == "2026-11-22T12:00:00Z"


def test_same_exchange_same_bytes_different_exchange_different_ids() -> None:
    one = build_warc(fetched(b"<p>a</p>"))
    assert build_warc(fetched(b"<p>a</p>")) == one  # a retried task stores the same blob
    other = build_warc(fetched(b"<p>b</p>"))
    ids = {
        r.rec_headers.get_header("WARC-Record-ID")
        for data in (one, other)
        for r in iter_records(data)
    }
    assert len(ids) == 8


@pytest.mark.parametrize(
    ("url", "host", "target"),
    [
        ("https://example.org", "example.org", "/"),
        ("https://example.org:443/a", "example.org", "/a"),
        ("http://[2001:db8::1]:8080/p?q", "[2001:db8::1]:8080", "/p?q"),
    ],
)
def test_request_line_and_host_when_the_fetcher_sent_no_host(
    url: str, host: str, target: str
) -> None:
    result = fetched(b"x", final_url=url, request_headers=[("Accept", "*/*")])
    request = records(build_warc(result))["request"][0]
    assert request.http_headers.statusline == f"{target} HTTP/1.1"
    assert request.http_headers.get_header("Host") == host


def test_empty_body_and_http_1_0(tmp_path: Path) -> None:
    result = fetched(b"", http_version="HTTP/1.0", status=204, reason="No Content")
    data = build_warc(result)
    response, content = records(data)["response"]
    assert content == b"" and response.http_headers.protocol == "HTTP/1.0"
    assert response.http_headers.statusline == "204 No Content"
    warcio_check(tmp_path, data)


def test_iter_records_reads_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(build_warc(fetched(b"streamed")))
    with path.open("rb") as fh:
        types = [r.rec_type for r in iter_records(fh)]
    assert types == ["warcinfo", "response", "request", "metadata"]


# --- every exchange: redirect hops and requisites ---------------------------------------------

BASE = "http://127.0.0.2:8000"
T0 = datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=UTC)


def exchange(url: str, status: int, body: bytes = b"", **changes: Any) -> Exchange:
    fields: dict[str, Any] = dict(
        url=url,
        method="GET",
        target=url.removeprefix(BASE),
        request_headers=[("Host", "127.0.0.2:8000"), ("User-Agent", "claimdesk-test")],
        http_version="HTTP/1.1",
        status=status,
        reason={200: "OK", 301: "Moved Permanently", 302: "Found"}[status],
        response_headers=[("Content-Type", "text/html")],
        raw_body=body,
        peer_ip="127.0.0.2",
        started_at=T0,
    )
    fields.update(changes)
    return Exchange(**fields)


def redirected() -> FetchResult:
    """/start -> 301 -> /moved -> 302 -> FINAL, each hop recorded as received."""
    first = exchange(
        f"{BASE}/start",
        301,
        b"<p>moved</p>",
        response_headers=[
            ("Location", "/moved"),
            ("Link", "<a>; rel=x"),
            ("link", "<b>; rel=y"),
            ("X-MiXeD", "1"),
        ],
        truncated="length",
    )
    second = exchange(
        f"{BASE}/moved",
        302,
        # The bytes of a UTF-8 Location as http.client hands them over (read as Latin-1).
        response_headers=[("Location", "/article/café".encode().decode("latin-1"))],
        peer_ip="127.0.0.3",
        started_at=T0 + timedelta(milliseconds=10),
    )
    return fetched(
        news_page(),
        redirects=[
            Hop(first.url, 301, "/moved", first),
            Hop(second.url, 302, FINAL, second),
        ],
        request_target="/article/a?x=1",
        requested_at=T0 + timedelta(milliseconds=20),
    )


def requisite(path: str, body: bytes, content_type: str) -> FetchResult:
    url = BASE + path
    return fetched(
        body,
        url=url,
        final_url=url,
        response_headers=[("Content-Type", content_type)],
        content_type=content_type,
        redirects=[],
        started_at=T0 + timedelta(milliseconds=30),
    )


def layout(data: bytes) -> list[tuple[str, str]]:
    return [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or "") for r in iter_records(data)
    ]


def test_every_hop_is_a_response_and_request_pair(tmp_path: Path) -> None:
    data = build_warc(redirected())
    got = layout(data)
    assert got[:-1] == [
        ("warcinfo", ""),
        ("response", FINAL),
        ("request", FINAL),
        ("response", f"{BASE}/start"),
        ("request", f"{BASE}/start"),
        ("response", f"{BASE}/moved"),
        ("request", f"{BASE}/moved"),
    ]
    assert got[-1][0] == "metadata" and got[-1][1].startswith("urn:claimdesk:metadata:")
    report = warcio_check(tmp_path, data)
    assert report.count("digest pass") == len(got) and "no digest" not in report

    by_id = {}
    responses = {}
    for record in iter_records(data):
        content = record.content_stream().read()
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        by_id[record.rec_headers.get_header("WARC-Record-ID")] = record
        if record.rec_type == "response":
            responses[record.rec_headers.get_header("WARC-Target-URI")] = (record, content)
        if record.rec_type == "request":  # each request names the response it asked for
            partner = by_id[record.rec_headers.get_header("WARC-Concurrent-To")]
            assert partner.rec_type == "response"
            assert partner.rec_headers.get_header("WARC-Target-URI") == (
                record.rec_headers.get_header("WARC-Target-URI")
            )
    start, start_body = responses[f"{BASE}/start"]
    assert start.http_headers.statusline == "301 Moved Permanently"
    assert start.http_headers.headers == [
        ("Location", "/moved"),
        ("Link", "<a>; rel=x"),
        ("link", "<b>; rel=y"),
        ("X-MiXeD", "1"),
    ]
    assert start_body == b"<p>moved</p>"
    assert start.rec_headers.get_header("WARC-Truncated") == "length"
    moved = responses[f"{BASE}/moved"][0]
    assert moved.http_headers.get_header("Location") == "/article/caf%C3%A9"
    assert moved.rec_headers.get_header("WARC-IP-Address") == "127.0.0.3"
    assert moved.rec_headers.get_header("WARC-Date") == "2026-11-22T12:00:00.133456Z"
    assert moved.rec_headers.get_header("WARC-Truncated") is None
    final = responses[FINAL][0]
    assert final.rec_headers.get_header("WARC-Date") == "2026-11-22T12:00:00.143456Z"


def test_requisites_follow_the_page_and_are_listed_in_the_metadata(tmp_path: Path) -> None:
    style = requisite("/site.css", b"body { color: red }", "text/css")
    photo = requisite("/photo.png", b"\x89PNG\r\n\x1a\n fake", "image/png")
    requisites = Requisites(
        fetched=[style, photo],
        failed=[RequisiteFailure(f"{BASE}/gone.png", "http-404", "answered 404")],
    )
    data = build_warc(redirected(), requisites=requisites, metadata={"capture_id": 3})
    got = layout(data)
    assert got[7:11] == [
        ("response", f"{BASE}/site.css"),
        ("request", f"{BASE}/site.css"),
        ("response", f"{BASE}/photo.png"),
        ("request", f"{BASE}/photo.png"),
    ]
    assert [kind for kind, _ in got].count("response") == 5
    report = warcio_check(tmp_path, data)
    assert report.count("digest pass") == len(got) == 12
    meta = json.loads(records(data)["metadata"][1])
    assert meta["capture_id"] == 3
    assert [r["url"] for r in meta["requisites"]["archived"]] == [style.url, photo.url]
    assert meta["requisites"]["failed"] == [
        {"url": f"{BASE}/gone.png", "reason": "http-404", "detail": "answered 404"}
    ]
    assert meta["requisites"]["bytes"] == len(style.raw_body) + len(photo.raw_body)
    assert build_warc(redirected(), requisites=requisites, metadata={"capture_id": 3}) == data
    ids = [r.rec_headers.get_header("WARC-Record-ID") for r in iter_records(data)]
    assert len(set(ids)) == len(ids)


def test_a_fragment_never_reaches_the_target_uri() -> None:
    data = build_warc(fetched(b"x", final_url=FINAL + "#section"))
    assert ("response", FINAL) in layout(data)
