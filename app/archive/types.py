"""Plain data passed between the fetcher, the WARC writer and the capture pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
class Hop:
    """One response in a redirect chain (the last hop is the final response)."""

    url: str
    status: int
    location: str | None = None


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
