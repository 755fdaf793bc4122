"""One fetch as a WARC file, written with warcio; and a reader for tests and tools.

Public interface::

    build_warc(result: FetchResult, *, warcinfo: dict[str, str] | None = None,
               metadata: dict[str, Any] | None = None) -> bytes
    iter_records(data: bytes | BinaryIO) -> Iterator[ArcWarcRecord]
    WARC_VERSION = "WARC/1.1"

The file is gzip-compressed record by record (``.warc.gz``) and holds, in this order:

1. ``warcinfo``: software, format, and the caller's ``warcinfo`` fields;
2. ``response`` for ``final_url``: the status line, the headers and ``raw_body`` exactly as
   received (content encoding kept; chunked framing was removed by the HTTP client, so its
   header is kept as ``X-Archive-Orig-Transfer-Encoding`` so that replay does not de-chunk
   again), ``WARC-IP-Address`` = the peer, ``WARC-Date`` = ``started_at``;
3. ``request``: ``GET <path> HTTP/1.1`` with the headers sent (``Host`` added if missing),
   ``WARC-Concurrent-To`` the response;
4. ``metadata`` (``application/json``), ``WARC-Concurrent-To`` the response: requested and
   final URL, the redirect chain, peer, timings, status, sizes and SHA-256 of the decoded
   body, plus the caller's ``metadata`` keys (which cannot replace the recorded facts).

warcio computes ``WARC-Block-Digest`` and ``WARC-Payload-Digest`` (``sha1:`` base32); the
payload digest covers the body as received, still content-encoded. Redirect hops are only in
the metadata record: the fetcher keeps their status and Location but not their headers, and a
response record made up from that would not be what the server sent.

WARC/1.1 rather than 1.0: its microsecond ``WARC-Date`` keeps captures of one URL in the
same second apart, and warcio, pywb and ReplayWeb.page all read it.

Record IDs are derived from the exchange (UUID 5), so the same ``FetchResult`` gives the same
bytes and therefore the same content-addressed blob: a retried task stores nothing new.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from app.archive.types import FetchResult, Headers, replay_safe

WARC_VERSION = "WARC/1.1"
_ID_NAMESPACE = uuid.UUID("5b0f3c1e-8a57-4d0f-9a43-1f0c2d6b7e21")


@cache
def _software() -> str:
    # Reading package metadata parses files on every call: ~2.5 ms per WARC, uncached.
    return f"claimdesk (warcio {version('warcio')})"


def build_warc(
    result: FetchResult,
    *,
    warcinfo: dict[str, str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> bytes:
    """The exchange in ``result`` as a complete ``.warc.gz`` file."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    date = _warc_date(result.started_at)
    ids = _RecordIds(result)
    target = result.final_url

    info_fields = {
        "software": _software(),
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        **(warcinfo or {}),
    }
    info = writer.create_warcinfo_record("", info_fields)
    info.rec_headers.replace_header("WARC-Record-ID", ids.make("warcinfo"))
    info.rec_headers.replace_header("WARC-Date", date)
    common = {"WARC-Date": date, "WARC-Warcinfo-ID": ids.make("warcinfo")}

    response = writer.create_warc_record(
        target,
        "response",
        payload=io.BytesIO(result.raw_body),
        length=len(result.raw_body),
        http_headers=StatusAndHeaders(
            f"{result.status} {result.reason}".strip(),
            replay_safe(result.response_headers),
            protocol=result.http_version or "HTTP/1.1",
        ),
        warc_headers_dict={
            **_first("response", target),
            **common,
            "WARC-Record-ID": ids.make("response"),
            **({"WARC-IP-Address": result.peer_ip} if result.peer_ip else {}),
        },
    )
    request = writer.create_warc_record(
        target,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(
            f"GET {_request_target(target)} HTTP/1.1",
            _with_host(result.request_headers, target),
            is_http_request=True,
        ),
        warc_headers_dict={
            **_first("request", target),
            **common,
            "WARC-Record-ID": ids.make("request"),
            "WARC-Concurrent-To": ids.make("response"),
        },
    )
    facts = _facts(result)
    body = json.dumps({**(metadata or {}), **facts}, sort_keys=True, default=str).encode()
    meta = writer.create_warc_record(
        target,
        "metadata",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type="application/json",
        warc_headers_dict={
            **_first("metadata", target),
            **common,
            "WARC-Record-ID": ids.make("metadata"),
            "WARC-Concurrent-To": ids.make("response"),
        },
    )
    for record in (info, response, request, meta):
        writer.write_record(record)
    return out.getvalue()


def iter_records(data: bytes | BinaryIO) -> Iterator[ArcWarcRecord]:
    """Every record of a WARC file (in memory or a stream), digests checked as read.

    After a record's content has been read, ``record.digest_checker.passed`` is True when
    its digests matched, False when one did not, None when it carries none.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    yield from ArchiveIterator(stream, check_digests=True)


def _first(kind: str, target: str) -> dict[str, str]:
    """The headers readers look at first, in the customary order (warcio keeps it)."""
    return {"WARC-Type": kind, "WARC-Target-URI": target}


def _warc_date(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return str(datetime_to_iso_date(moment, use_micros=True))


class _RecordIds:
    """Stable ``<urn:uuid:...>`` IDs: the same exchange always gets the same IDs."""

    def __init__(self, result: FetchResult) -> None:
        digest = hashlib.sha256()
        for part in (result.url, result.final_url, result.peer_ip, _warc_date(result.started_at)):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(result.raw_body)
        self._seed = digest.hexdigest()

    def make(self, kind: str) -> str:
        return f"<urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{self._seed}/{kind}')}>"


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _with_host(headers: Headers, url: str) -> Headers:
    if any(name.lower() == "host" for name, _ in headers):
        return list(headers)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port and parts.port != default_port:
        host = f"{host}:{parts.port}"
    return [("Host", host), *headers]


def _facts(result: FetchResult) -> dict[str, Any]:
    return {
        "requested_url": result.url,
        "final_url": result.final_url,
        "redirects": [
            {"url": hop.url, "status": hop.status, "location": hop.location}
            for hop in result.redirects
        ],
        "status": result.status,
        "content_type": result.content_type,
        "peer_ip": result.peer_ip,
        "started_at": _warc_date(result.started_at),
        "elapsed_seconds": round(result.elapsed, 6),
        "raw_size": len(result.raw_body),
        "body_size": len(result.body),
        "body_sha256": hashlib.sha256(result.body).hexdigest(),
    }
