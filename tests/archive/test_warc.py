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

from app.archive.types import FetchResult, Hop
from app.archive.warc import WARC_VERSION, build_warc, iter_records
from tests.support.pages import news_page

WARCIO = os.path.join(os.path.dirname(sys.executable), "warcio")
FINAL = "http://127.0.0.2:8000/article/a?x=1"


def fetched(
    raw: bytes,
    body: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
    **changes: Any,
) -> FetchResult:
    fields: dict[str, Any] = dict(
        url="http://127.0.0.2:8000/start",
        final_url=FINAL,
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        request_headers=[("User-Agent", "claimdesk-test"), ("Accept-Encoding", "gzip")],
        response_headers=headers or [("Content-Type", "text/html; charset=utf-8")],
        raw_body=raw,
        body=raw if body is None else body,
        content_type="text/html",
        peer_ip="127.0.0.2",
        started_at=datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=UTC),
        elapsed=0.25,
        redirects=[
            Hop("http://127.0.0.2:8000/start", 301, "/moved"),
            Hop("http://127.0.0.2:8000/moved", 302, FINAL),
        ],
    )
    fields.update(changes)
    return FetchResult(**fields)


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
        assert record.rec_headers.get_header("WARC-Target-URI") == FINAL
        assert record.rec_headers.get_header("WARC-Date") == "2026-11-22T12:00:00.123456Z"
        assert record.rec_headers.get_header("WARC-Warcinfo-ID") == info_id
    assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.2"
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id
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
