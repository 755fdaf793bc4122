"""A capture as a WARC file, written with warcio; and a reader for tests and tools.

Public interface::

    build_warc(result: FetchResult, *, requisites: Requisites | None = None,
               warcinfo: dict[str, str] | None = None,
               metadata: dict[str, Any] | None = None) -> bytes
    iter_records(data: bytes | BinaryIO) -> Iterator[ArcWarcRecord]
    WARC_VERSION = "WARC/1.1"
    METADATA_URN = "urn:claimdesk:metadata:"

The file is gzip-compressed record by record (``.warc.gz``) and holds, in this order:

1. ``warcinfo``: software, format, and the caller's ``warcinfo`` fields;
2. for every HTTP exchange, a ``response`` record and the ``request`` record that asked for it
   (``WARC-Concurrent-To`` the response). The page's final response comes first, so a reader
   that takes the first response gets the page; then each redirect hop in the order followed
   (the 3xx with its Location, status line, headers and small body as received), so the URL
   that was cited replays too; then each page requisite (its redirects, then its response);
3. ``metadata`` (``application/json``): requested and final URL, the redirect chain, peer,
   timings, status, sizes and SHA-256 of the decoded body, the requisites archived and those
   that failed, plus the caller's ``metadata`` keys (which cannot replace the recorded facts).
   Its ``WARC-Target-URI`` is ``urn:claimdesk:metadata:<uuid of the page's response>``, never
   the page's URL (a replay tool would serve the JSON for the page), and ``WARC-Refers-To`` and
   ``WARC-Concurrent-To`` name the page's final response.

A response record holds the status line and headers as received (order, case and repeats
kept; chunked framing was removed by the HTTP client, so that header is kept as
``X-Archive-Orig-Transfer-Encoding`` and replay does not de-chunk again) and the body as
received (content encoding kept), ``WARC-IP-Address`` the peer, ``WARC-Date`` the moment its
request was sent, and ``WARC-Truncated`` when the body was cut. A request record holds the
request line (the request-target as sent) and headers sent. warcio computes
``WARC-Block-Digest`` and ``WARC-Payload-Digest`` (``sha1:`` base32, the payload digest over
the body as received); header values that are not ASCII are written as warcio does
(percent-encoded UTF-8).

WARC/1.1 rather than 1.0: its microsecond ``WARC-Date`` keeps captures of one URL in the
same second apart, and warcio, pywb and ReplayWeb.page all read it.

Record IDs are derived from the exchanges (UUID 5), so the same capture gives the same bytes
and therefore the same content-addressed blob: a retried task stores nothing new.
"""

from __future__ import annotations

import contextlib
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

from app.archive.types import Exchange, FetchResult, Headers, Requisites, replay_safe

WARC_VERSION = "WARC/1.1"
METADATA_URN = "urn:claimdesk:metadata:"
_ID_NAMESPACE = uuid.UUID("5b0f3c1e-8a57-4d0f-9a43-1f0c2d6b7e21")


@cache
def _software() -> str:
    # Reading package metadata parses files on every call: ~2.5 ms per WARC, uncached.
    return f"claimdesk (warcio {version('warcio')})"


def build_warc(
    result: FetchResult,
    *,
    requisites: Requisites | None = None,
    warcinfo: dict[str, str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> bytes:
    """The page fetched in ``result`` (and its ``requisites``) as a complete ``.warc.gz``."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    ids = _RecordIds(result)
    info_id = ids.make("warcinfo")

    info_fields = {
        "software": _software(),
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        **(warcinfo or {}),
    }
    info = writer.create_warcinfo_record("", info_fields)
    info.rec_headers.replace_header("WARC-Record-ID", info_id)
    info.rec_headers.replace_header("WARC-Date", _warc_date(result.started_at))
    records = [info]

    page = result.exchanges()
    exchanges = [page[-1], *page[:-1]]  # the page's final response first
    for fetched in requisites.fetched if requisites else ():
        exchanges.extend(fetched.exchanges())
    response_ids = []
    for number, exchange in enumerate(exchanges):
        response_id = ids.for_exchange(number, exchange, "response")
        request_id = ids.for_exchange(number, exchange, "request")
        records += _exchange_records(writer, exchange, response_id, request_id, info_id)
        response_ids.append(response_id)

    page_response = response_ids[0]
    facts = _facts(result, requisites)
    body = json.dumps({**(metadata or {}), **facts}, sort_keys=True, default=str).encode()
    records.append(
        writer.create_warc_record(
            METADATA_URN + page_response.removeprefix("<urn:uuid:").removesuffix(">"),
            "metadata",
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type="application/json",
            warc_headers_dict={
                "WARC-Type": "metadata",
                "WARC-Date": _warc_date(result.started_at),
                "WARC-Record-ID": ids.make("metadata"),
                "WARC-Warcinfo-ID": info_id,
                "WARC-Refers-To": page_response,
                "WARC-Concurrent-To": page_response,
            },
        )
    )
    for record in records:
        writer.write_record(record)
    return out.getvalue()


def _exchange_records(
    writer: WARCWriter, exchange: Exchange, response_id: str, request_id: str, info_id: str
) -> list[ArcWarcRecord]:
    """The response record of one exchange and the request record that asked for it."""
    target = exchange.url.partition("#")[0]
    common = {"WARC-Date": _warc_date(exchange.started_at), "WARC-Warcinfo-ID": info_id}
    response_headers = {
        **_first("response", target),
        **common,
        "WARC-Record-ID": response_id,
    }
    if exchange.peer_ip:
        response_headers["WARC-IP-Address"] = exchange.peer_ip
    if exchange.truncated:
        response_headers["WARC-Truncated"] = exchange.truncated
    response = writer.create_warc_record(
        target,
        "response",
        payload=io.BytesIO(exchange.raw_body),
        length=len(exchange.raw_body),
        http_headers=StatusAndHeaders(
            f"{exchange.status} {exchange.reason}".strip(),
            _readable(replay_safe(exchange.response_headers)),
            protocol=exchange.http_version or "HTTP/1.1",
        ),
        warc_headers_dict=response_headers,
    )
    request = writer.create_warc_record(
        target,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(
            f"{exchange.method} {exchange.target} HTTP/1.1",
            _readable(_with_host(exchange.request_headers, target)),
            is_http_request=True,
        ),
        warc_headers_dict={
            **_first("request", target),
            **common,
            "WARC-Record-ID": request_id,
            "WARC-Concurrent-To": response_id,
        },
    )
    return [response, request]


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
    """Stable ``<urn:uuid:...>`` IDs: the same capture always gets the same IDs."""

    def __init__(self, result: FetchResult) -> None:
        digest = hashlib.sha256()
        for part in (result.url, result.final_url, result.peer_ip, _warc_date(result.started_at)):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(result.raw_body)
        self._seed = digest.hexdigest()

    def make(self, kind: str) -> str:
        return f"<urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{self._seed}/{kind}')}>"

    def for_exchange(self, number: int, exchange: Exchange, kind: str) -> str:
        digest = hashlib.sha256()
        for part in (exchange.url, exchange.peer_ip, _warc_date(exchange.started_at)):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(exchange.raw_body)
        return self.make(f"{number}/{digest.hexdigest()}/{kind}")


def _readable(headers: Headers) -> Headers:
    """Header values as text: http.client reads the bytes as Latin-1, but a non-ASCII value
    is most often UTF-8 (a Location to /café); read that as UTF-8 for warcio to encode."""
    out: Headers = []
    for name, value in headers:
        if not value.isascii():
            with contextlib.suppress(UnicodeError):
                value = value.encode("latin-1").decode("utf-8")
        out.append((name, value))
    return out


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


def _facts(result: FetchResult, requisites: Requisites | None) -> dict[str, Any]:
    facts: dict[str, Any] = {
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
    if requisites is not None:
        facts["requisites"] = {
            "archived": [
                {
                    "url": fetched.url,
                    "final_url": fetched.final_url,
                    "status": fetched.status,
                    "content_type": fetched.content_type,
                    "raw_size": len(fetched.raw_body),
                }
                for fetched in requisites.fetched
            ],
            "failed": [
                {"url": failure.url, "reason": failure.reason, "detail": failure.detail}
                for failure in requisites.failed
            ],
            "bytes": requisites.size,
        }
    return facts
