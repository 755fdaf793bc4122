"""Plain data passed between the fetcher, the WARC writer and the capture pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

Headers = list[tuple[str, str]]


def replay_safe(headers: Headers) -> Headers:
    """Headers as received, except chunked framing, which http.client has already removed.

    The archived body is de-chunked, so the header is kept under a name replay tools leave
    alone (``X-Archive-Orig-``) instead of making them de-chunk the body a second time.
    """
    return [
        ("X-Archive-Orig-Transfer-Encoding", value)
        if name.lower() == "transfer-encoding" and "chunked" in value.lower()
        else (name, value)
        for name, value in headers
    ]


@dataclass(frozen=True)
class Exchange:
    """One HTTP request as sent and the response to it as received.

    Header lists keep the order, the case and the repetitions of the wire; values are the
    bytes on the wire read as Latin-1 (as http.client does), so they encode back exactly.
    """

    url: str
    method: str
    target: str  # the request-target sent: "/path?query", percent-encoded
    request_headers: Headers
    http_version: str  # of the response: "HTTP/1.1" or "HTTP/1.0"
    status: int
    reason: str
    response_headers: Headers
    raw_body: bytes  # as received (still content-encoded, de-chunked)
    peer_ip: str
    started_at: datetime  # when the request was sent
    truncated: str | None = None  # why raw_body is shorter than what was sent ("length", "time")


@dataclass(frozen=True)
class Hop:
    """One redirect in a chain: the URL asked for, its 3xx status and where it pointed.

    ``exchange`` is the whole exchange as sent and received when the fetcher recorded it
    (hops built by hand for tests may have none; the WARC writer then has no record to write).
    """

    url: str
    status: int
    location: str | None = None
    exchange: Exchange | None = field(default=None, compare=False, repr=False)


@dataclass
class FetchResult:
    """A completed HTTP exchange: what was sent and what came back, byte for byte."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    reason: str
    http_version: str  # "HTTP/1.1"
    request_headers: Headers  # as sent for the final request
    response_headers: Headers  # as received, in order
    raw_body: bytes  # as received on the wire (still content-encoded)
    body: bytes  # decoded (gzip/deflate/br removed)
    content_type: str  # media type without parameters, lower case ("" if none)
    peer_ip: str  # the address actually connected to for the final request
    started_at: datetime
    elapsed: float  # seconds for the whole fetch, redirects included
    redirects: list[Hop] = field(default_factory=list)  # hops before the final response
    method: str = "GET"
    request_target: str = ""  # as sent for the final request; "" = path and query of final_url
    requested_at: datetime | None = None  # when the final request was sent; None = started_at

    @property
    def exchange(self) -> Exchange:
        """The final request and response."""
        return Exchange(
            url=self.final_url,
            method=self.method,
            target=self.request_target or request_target_of(self.final_url),
            request_headers=self.request_headers,
            http_version=self.http_version or "HTTP/1.1",
            status=self.status,
            reason=self.reason,
            response_headers=self.response_headers,
            raw_body=self.raw_body,
            peer_ip=self.peer_ip,
            started_at=self.requested_at or self.started_at,
        )

    def exchanges(self) -> list[Exchange]:
        """Every recorded exchange in the order they happened: redirects, then the final one."""
        hops = [hop.exchange for hop in self.redirects if hop.exchange is not None]
        return [*hops, self.exchange]


def request_target_of(url: str) -> str:
    """The origin-form request-target of ``url``: its path (at least "/") and query."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class RequisiteFailure:
    """A page requisite that is not in the archive, and why (a FetchError reason or a
    ``budget-*`` reason for one that was never fetched)."""

    url: str
    reason: str
    detail: str = ""


@dataclass
class Requisites:
    """The page requisites captured with a page: the ones archived, in the order they were
    found, and the ones that are not."""

    fetched: list[FetchResult] = field(default_factory=list)
    failed: list[RequisiteFailure] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Bytes received for the archived requisites (bodies as received, redirects too)."""
        return sum(len(x.raw_body) for result in self.fetched for x in result.exchanges())


class FetchError(Exception):
    """A fetch that produced no archivable response, with a categorised reason.

    ``reason`` is a short slug shown to users and used in metrics, e.g. ``blocked-address``,
    ``blocked-scheme``, ``too-large``, ``timeout``, ``too-many-redirects``, ``redirect-loop``,
    ``dns-error``, ``connection-error``, ``http-404``, ``http-503``.
    ``transient`` says whether retrying later may succeed.
    """

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        transient: bool = False,
        retry_after: float | None = None,
        result: FetchResult | None = None,
    ) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.transient = transient
        self.retry_after = retry_after
        self.result = result
