"""The safe fetcher: every request claimdesk makes to the outside world goes through here.

Public interface:

- ``FetchLimits(connect_timeout=5.0, read_timeout=10.0, deadline=30.0,
  max_bytes=25 MiB, max_redirects=10)``: the bounds of one fetch.
- ``fetch(url, *, allowed_hosts=frozenset(), limits=FetchLimits(), user_agent=...,
  accept=DEFAULT_ACCEPT, referer=None) -> FetchResult``: GET ``url`` following redirects.
  Returns the final response *whatever its status*; raises ``FetchError`` when there is no
  response to archive. Every exchange is kept as sent and received (``FetchResult.exchanges()``):
  the request line and headers sent, the status line and headers received (order, case and
  repeats kept) and the body; a redirect's own body is kept up to ``REDIRECT_BODY_MAX`` bytes
  and ``REDIRECT_BODY_WAIT`` seconds (marked truncated beyond).
- ``classify(result) -> FetchError | None``: None for 2xx; otherwise the failure, transient
  (with ``retry_after``) for 408, 429 and 5xx, permanent for the rest.
- ``parse_retry_after(value) -> float | None``: seconds from a Retry-After header (delay or
  HTTP date), capped at ``RETRY_AFTER_CAP``.
- ``is_blocked_address(ip) -> bool``: the address policy on its own.
- ``accept_encoding() -> str``: the codings advertised (and decoded).

Rules:

- http/https only, on the first request and on every redirect (``blocked-scheme``); at most
  ``max_redirects`` redirects (``too-many-redirects``), loops detected (``redirect-loop``).
- The host is resolved once; loopback, private, link-local (cloud metadata), CGNAT, multicast,
  reserved and unspecified addresses, and IPv6 forms embedding them (IPv4-mapped, 6to4, NAT64),
  are refused (``blocked-address``) unless the host or address is in ``allowed_hosts``. The
  connection is made to the vetted address itself (Host header and TLS SNI/certificate check
  still use the host name), so DNS rebinding cannot swap in another address; the socket's peer
  is checked again and recorded as ``peer_ip``.
- Bounded: the connect timeout covers DNS, TCP connect and the TLS handshake; the read
  timeout covers each wait for bytes; the deadline covers the whole fetch, redirects included,
  and is applied to every single socket operation (a server dripping a byte every half second,
  in the headers or the body, is cut at the deadline with ``timeout``).
- The body is capped at ``max_bytes`` both as received and after decoding; gzip/deflate (and
  br when brotli >= 1.2 is installed) are inflated incrementally with bounded output, so a gzip
  bomb stops after ``max_bytes`` (``too-large``) without ever being held whole in memory.

Network failures are transient FetchErrors (``dns-error``, ``connection-error``, ``timeout``);
policy refusals are permanent (``blocked-*``, ``too-large``, ``too-many-redirects``,
``redirect-loop``, ``bad-url``, ``bad-encoding``, ``tls-error`` for a certificate that does not
verify; other TLS failures are transient ``tls-error``).

Thread-safe: no shared mutable state except one cached TLS context and a small resolver pool.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import ipaddress
import os
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from importlib import import_module
from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

from app.archive.types import Exchange, FetchError, FetchResult, Headers, Hop, replay_safe
from app.archive.urls import ascii_host

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024  # read size
CHUNK_OUT = 1024 * 1024  # most decoded output produced in one step
RETRY_AFTER_CAP = 3600.0
DEFAULT_USER_AGENT = "claimdesk/0.1 (+archiving)"
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain,*/*;q=0.8"
# A redirect's body is rarely more than a line of HTML; it is kept for the archive, but a
# redirect that drips or sends megabytes must not cost the fetch.
REDIRECT_BODY_MAX = 64 * 1024
REDIRECT_BODY_WAIT = 1.0
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Characters a request target may carry as they are; anything else (spaces, non-ASCII, quotes)
# is percent-encoded as UTF-8 so http.client can send it.
_TARGET_SAFE = "/%:@!$&'()*+,;=?~[]"

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0  # DNS + TCP connect (+ TLS handshake), per attempt
    read_timeout: float = 10.0  # longest wait for the next bytes
    deadline: float = 30.0  # the whole fetch, redirects included
    max_bytes: int = 25 * 1024 * 1024  # body, both as received and decoded
    max_redirects: int = 10


# --- address policy ---------------------------------------------------------------------------


def is_blocked_address(ip: IP) -> bool:
    """True for every address that is not plainly on the public internet."""
    if isinstance(ip, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 address are judged by it. NAT64 (DNS64 on IPv6-only
        # hosts) and IPv4-mapped addresses are as public as the IPv4 address they carry.
        if ip.ipv4_mapped is not None:
            return is_blocked_address(ip.ipv4_mapped)
        if ip in _NAT64:
            return is_blocked_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None and is_blocked_address(ip.sixtofour):
            return True
    return (
        not ip.is_global
        or ip.is_multicast
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_private
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT)
    )


# --- shared, cached machinery -----------------------------------------------------------------


@cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


class _Decompressor(Protocol):
    def process(self, data: bytes, max_output_length: int) -> bytes: ...

    def can_accept_more_data(self) -> bool: ...


@cache
def _brotli_factory() -> Callable[[], _Decompressor] | None:
    """brotli's Decompressor if installed and able to bound its output (brotli >= 1.2).

    Older decoders inflate a whole chunk at once with no limit, so a brotli bomb could not be
    stopped early: with those, br is simply not advertised.
    """
    try:
        module: Any = import_module("brotli")
        module.Decompressor().process(b"", max_output_length=1)
    except (ImportError, AttributeError, TypeError):
        return None
    return module.Decompressor


def accept_encoding() -> str:
    """The codings this fetcher can decode, as advertised in Accept-Encoding."""
    return "gzip, deflate, br" if _brotli_factory() is not None else "gzip, deflate"


_resolver_lock = threading.Lock()
_resolver: tuple[int, ThreadPoolExecutor] | None = None


def _resolver_pool() -> ThreadPoolExecutor:
    """A small pool that runs getaddrinfo, so a hung resolver cannot outlast the deadline.

    Keyed by process id: a pool inherited through fork (Celery prefork) has no live threads.
    """
    global _resolver
    pid = os.getpid()
    with _resolver_lock:
        if _resolver is None or _resolver[0] != pid:
            _resolver = (pid, ThreadPoolExecutor(max_workers=8, thread_name_prefix="fetch-dns"))
        return _resolver[1]


# --- deadline-bounded socket I/O --------------------------------------------------------------


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(
                "timeout", f"no complete answer within {self.seconds:g}s", transient=True
            )
        return left

    def timeout(self, limit: float) -> float:
        """The socket timeout for one operation: ``limit``, or less if the deadline is nearer."""
        return min(limit, self.remaining())


class _DeadlineReader(io.RawIOBase):
    """Socket reads that each wait at most the read timeout and never past the deadline.

    http.client reads headers line by line through a buffered file; putting the timeout on
    every single recv is what stops a server that drips bytes forever.
    """

    def __init__(self, sock: socket.socket, deadline: _Deadline, read_timeout: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.read_timeout = read_timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.sock.settimeout(self.deadline.timeout(self.read_timeout))
        try:
            count = self.sock.recv_into(buffer)
        except TimeoutError:
            self.deadline.remaining()  # the deadline, if that is what ran out
            raise FetchError(
                "timeout", f"nothing received for {self.read_timeout:g}s", transient=True
            ) from None
        return count


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTPConnection over a socket opened (to the vetted address) by ``_connect``."""

    def __init__(self, host: str, port: int, sock: socket.socket, reader: _DeadlineReader):
        super().__init__(host, port)
        self.sock = _PinnedSocket(sock, reader)

    def connect(self) -> None:  # already connected
        pass


class _PinnedSocket:
    """What http.client needs of a socket: sendall, makefile (our reader) and close."""

    def __init__(self, sock: socket.socket, reader: _DeadlineReader) -> None:
        self.sock = sock
        self.reader = reader

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(self.reader.deadline.timeout(self.reader.read_timeout))
        try:
            self.sock.sendall(data)
        except TimeoutError:
            raise FetchError("timeout", "sending the request timed out", transient=True) from None

    def makefile(self, mode: str, *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(self.reader, CHUNK)

    def close(self) -> None:
        """A no-op: http.client "closes" the connection as soon as it has the response of a
        ``Connection: close`` exchange, while the body is still to be read from this socket.
        The socket is closed by ``_Exchange.close``."""


# --- resolve and connect ----------------------------------------------------------------------


def _resolve(
    host: str, port: int, may_use: Callable[[str], bool], deadline: _Deadline, limits: FetchLimits
) -> list[str]:
    """The addresses of ``host`` that may be connected to, in resolver order."""
    try:
        candidates = [str(ipaddress.ip_address(host))]
    except ValueError:
        future = _resolver_pool().submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        try:
            infos = future.result(timeout=deadline.timeout(limits.connect_timeout))
        except FutureTimeout:
            future.cancel()
            raise FetchError("timeout", f"resolving {host} timed out", transient=True) from None
        except (OSError, UnicodeError) as exc:
            raise FetchError("dns-error", f"cannot resolve {host}: {exc}", transient=True) from None
        candidates = list(dict.fromkeys(str(info[4][0]) for info in infos))
    vetted = [address for address in candidates if may_use(address)]
    if not vetted:
        raise FetchError(
            "blocked-address",
            f"{host} resolves to {', '.join(candidates)}, which is not a public address",
        )
    return vetted


def _connect(
    scheme: str,
    host: str,
    port: int,
    addresses: list[str],
    may_use: Callable[[str], bool],
    limits: FetchLimits,
    deadline: _Deadline,
) -> tuple[socket.socket, str]:
    """A connected (and for https, TLS-verified) socket to the first vetted address that answers."""
    failure: FetchError | None = None
    for address in addresses:
        try:
            sock = socket.create_connection(
                (address, port), timeout=deadline.timeout(limits.connect_timeout)
            )
        except TimeoutError:
            failure = FetchError("timeout", f"connecting to {host} timed out", transient=True)
            continue
        except OSError as exc:
            failure = FetchError(
                "connection-error", f"cannot connect to {host}: {exc}", transient=True
            )
            continue
        break
    else:
        assert failure is not None
        raise failure
    peer = str(sock.getpeername()[0])
    if not may_use(peer):  # what we are actually connected to, not what DNS said
        sock.close()
        raise FetchError("blocked-address", f"connected to non-public address {peer}")
    if scheme == "https":
        try:
            # CPython applies the timeout to the whole handshake, not to each read within it.
            sock.settimeout(deadline.timeout(limits.connect_timeout))
            sock = _tls_context().wrap_socket(sock, server_hostname=host)
        except TimeoutError:
            sock.close()
            raise FetchError("timeout", f"TLS with {host} timed out", transient=True) from None
        except ssl.SSLCertVerificationError as exc:
            sock.close()
            raise FetchError("tls-error", f"{host} has no valid certificate: {exc}") from None
        except ssl.SSLError as exc:  # a handshake cut short: may work next time
            sock.close()
            raise FetchError(
                "tls-error", f"TLS with {host} failed: {exc}", transient=True
            ) from None
        except OSError as exc:
            sock.close()
            raise FetchError(
                "connection-error", f"TLS with {host} failed: {exc}", transient=True
            ) from None
    return sock, peer


# --- body decoding ----------------------------------------------------------------------------


class _Decoder:
    """Decodes a Content-Encoding incrementally, refusing to produce more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.pending = b""  # deflate: bytes held until the header can be recognised
        self.inflater: Any = None
        self.brotli: _Decompressor | None = None
        self.coding = encoding.strip().lower()
        if self.coding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "br" and (factory := _brotli_factory()) is not None:
            self.brotli = factory()
        elif self.coding not in ("", "identity", "deflate"):
            raise FetchError("bad-encoding", f"cannot decode Content-Encoding {encoding!r}")

    def _room(self) -> int:
        """How much output to ask for at once: never more than one byte past the limit (that is
        the bomb defence), and in steps of at most ``CHUNK_OUT`` so memory stays near the limit."""
        return min(self.limit - self.size + 1, CHUNK_OUT)

    def _emit(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError("too-large", f"the decoded body is larger than {self.limit} bytes")
        if data:
            self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.coding == "deflate" and self.inflater is None:
            # "deflate" is zlib-wrapped by the standard, raw deflate by some servers.
            self.pending += chunk
            if len(self.pending) < 2:
                return
            zlib_header = self.pending[0] & 0x0F == 8 and int.from_bytes(self.pending[:2]) % 31 == 0
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
            chunk, self.pending = self.pending, b""
        if self.brotli is not None:
            self._unbrotli(chunk)
        elif self.inflater is None:
            self._emit(chunk)
        else:
            self._inflate(chunk)

    def _unbrotli(self, data: bytes) -> None:
        assert self.brotli is not None
        while True:
            try:
                out = self.brotli.process(data, max_output_length=self._room())
            except Exception as exc:  # brotli.error is a plain Exception subclass
                raise FetchError("bad-encoding", f"cannot decode the body: {exc}") from None
            self._emit(out)
            if self.brotli.can_accept_more_data():
                return
            data = b""  # output is pending: drain it before giving more input

    def _inflate(self, data: bytes) -> None:
        while data:
            if self.inflater.eof:
                # gzip allows several members back to back; anything else after the end of
                # the stream (padding, junk) is ignored, as browsers do.
                if self.coding == "deflate" or not data.startswith(b"\x1f"):
                    return
                self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out = self.inflater.decompress(data, self._room())
            except zlib.error as exc:
                raise FetchError("bad-encoding", f"cannot decompress the body: {exc}") from None
            self._emit(out)
            data = self.inflater.unused_data if self.inflater.eof else self.inflater.unconsumed_tail

    def body(self) -> bytes:
        if self.pending:  # a deflate body shorter than two bytes
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            pending, self.pending = self.pending, b""
            self._inflate(pending)
        if self.inflater is not None and not self.inflater.eof:
            try:  # only what zlib still holds (at most a window): all input was consumed
                self._emit(self.inflater.flush())
            except zlib.error as exc:
                raise FetchError("bad-encoding", f"cannot decompress the body: {exc}") from None
        return b"".join(self.parts)


def _read_body(resp: http.client.HTTPResponse, limits: FetchLimits) -> tuple[bytes, bytes]:
    """(raw body as received, decoded body), both capped at ``limits.max_bytes``."""
    decoder = _Decoder(resp.getheader("Content-Encoding", "") or "", limits.max_bytes)
    raw_parts: list[bytes] = []
    raw_size = 0
    while True:
        try:
            chunk = resp.read1(CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(
                "connection-error", f"reading the body failed: {exc!r}", transient=True
            ) from None
        if not chunk:
            break
        raw_size += len(chunk)
        if raw_size > limits.max_bytes:
            raise FetchError("too-large", f"the body is larger than {limits.max_bytes} bytes")
        raw_parts.append(chunk)
        decoder.feed(chunk)
    return b"".join(raw_parts), decoder.body()


# --- one request ------------------------------------------------------------------------------


@dataclass
class _Exchange:
    resp: http.client.HTTPResponse
    target: str
    request_headers: Headers
    peer_ip: str
    sock: socket.socket
    reader: _DeadlineReader
    started_at: datetime

    def close(self) -> None:
        self.resp.close()
        self.sock.close()

    def record(self, url: str, raw_body: bytes, truncated: str | None = None) -> Exchange:
        resp = self.resp
        return Exchange(
            url=url,
            method="GET",
            target=self.target,
            request_headers=self.request_headers,
            http_version=_http_version(resp),
            status=resp.status,
            reason=resp.reason or "",
            response_headers=replay_safe(resp.getheaders()),
            raw_body=raw_body,
            peer_ip=self.peer_ip,
            started_at=self.started_at,
            truncated=truncated,
        )


def _http_version(resp: http.client.HTTPResponse) -> str:
    # http.client accepts only HTTP/1.x and says 10 for "HTTP/1.0", 11 for any other 1.x.
    return "HTTP/1.0" if resp.version == 10 else "HTTP/1.1"


def _read_redirect_body(exchange: _Exchange) -> tuple[bytes, str | None]:
    """A redirect's body as received, and why it was cut short (a ``WARC-Truncated`` value).

    At most ``REDIRECT_BODY_MAX`` bytes within ``REDIRECT_BODY_WAIT`` seconds in all: what a
    redirect's body holds is not worth the fetch's deadline.
    """
    stop_at = time.monotonic() + REDIRECT_BODY_WAIT
    parts: list[bytes] = []
    size = 0
    try:
        while size <= REDIRECT_BODY_MAX:
            left = stop_at - time.monotonic()
            if left <= 0:
                return b"".join(parts), "time"
            exchange.reader.read_timeout = min(exchange.reader.read_timeout, left)
            chunk = exchange.resp.read1(REDIRECT_BODY_MAX + 1 - size)
            if not chunk:
                return b"".join(parts), None
            parts.append(chunk)
            size += len(chunk)
    except FetchError:  # a timeout: the redirect's own wait, or the deadline (checked later)
        return b"".join(parts), "time"
    except (OSError, http.client.HTTPException):
        return b"".join(parts), "disconnect"
    return b"".join(parts)[:REDIRECT_BODY_MAX], "length"


def _request_target(path: str, query: str) -> str:
    target = quote(path or "/", safe=_TARGET_SAFE)
    return f"{target}?{quote(query, safe=_TARGET_SAFE)}" if query else target


def _exchange(
    url: str,
    allowed_hosts: frozenset[str],
    limits: FetchLimits,
    request_headers: Headers,
    deadline: _Deadline,
) -> _Exchange:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("blocked-scheme", f"only http and https can be fetched, not {scheme!r}")
    try:
        host = ascii_host(parts.hostname or "")
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError("bad-url", f"{url}: {exc}") from None

    def may_use(address: str) -> bool:
        if host in allowed_hosts or address in allowed_hosts:
            return True
        return not is_blocked_address(ipaddress.ip_address(address))

    addresses = _resolve(host, port, may_use, deadline, limits)
    sock, peer = _connect(scheme, host, port, addresses, may_use, limits, deadline)
    reader = _DeadlineReader(sock, deadline, limits.read_timeout)
    conn = _PinnedConnection(host, port, sock, reader)
    host_header = f"[{host}]" if ":" in host else host
    if port != (443 if scheme == "https" else 80):
        host_header += f":{port}"
    headers: Headers = [("Host", host_header), *request_headers]
    started_at = datetime.now(UTC)
    target = _request_target(parts.path, parts.query)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
    except FetchError:
        sock.close()
        raise
    except (OSError, http.client.HTTPException) as exc:
        sock.close()
        raise FetchError(
            "connection-error", f"talking to {host} failed: {exc!r}", transient=True
        ) from None
    return _Exchange(resp, target, headers, peer, sock, reader, started_at)


def _location(resp: http.client.HTTPResponse, base: str) -> str | None:
    location = resp.getheader("Location")
    if resp.status not in REDIRECT_CODES or not location:
        return None
    # http.client decodes headers as Latin-1; most servers send UTF-8.
    with contextlib.suppress(UnicodeError):
        location = location.encode("latin-1").decode("utf-8")
    return urljoin(base, location.strip())


def fetch(
    url: str,
    *,
    allowed_hosts: frozenset[str] = frozenset(),
    limits: FetchLimits = FetchLimits(),
    user_agent: str = DEFAULT_USER_AGENT,
    accept: str = DEFAULT_ACCEPT,
    referer: str | None = None,
) -> FetchResult:
    """GET ``url`` safely, following redirects; see the module docstring for the rules.

    ``referer`` is sent on the first request only (as browsers do for a subresource).
    """
    started_at = datetime.now(UTC)
    t0 = time.monotonic()
    deadline = _Deadline(limits.deadline)
    allowed = frozenset(_allowed_form(h) for h in allowed_hosts)
    hops: list[Hop] = []
    seen = {url.partition("#")[0]}
    current = url
    sent: Headers = [
        ("User-Agent", user_agent),
        ("Accept", accept),
        ("Accept-Encoding", accept_encoding()),
        ("Connection", "close"),
    ]
    # A header value must be ASCII without line breaks: non-ASCII and controls are escaped.
    first = [*sent, ("Referer", quote(referer, safe=_TARGET_SAFE + "#"))] if referer else sent
    while True:
        exchange = _exchange(current, allowed, limits, first if not hops else sent, deadline)
        try:
            resp = exchange.resp
            target = _location(resp, current)
            if target is not None:
                raw, truncated = _read_redirect_body(exchange)
                hops.append(
                    Hop(current, resp.status, target, exchange.record(current, raw, truncated))
                )
                if len(hops) > limits.max_redirects:
                    raise FetchError(
                        "too-many-redirects", f"more than {limits.max_redirects} redirects"
                    )
                if target.partition("#")[0] in seen:
                    raise FetchError("redirect-loop", f"{target} was already visited")
                seen.add(target.partition("#")[0])
                current = target
                continue
            raw, body = _read_body(resp, limits)
            return FetchResult(
                url=url,
                final_url=current,
                status=resp.status,
                reason=resp.reason or "",
                http_version=_http_version(resp),
                request_headers=exchange.request_headers,
                response_headers=replay_safe(resp.getheaders()),
                raw_body=raw,
                body=body,
                content_type=(resp.getheader("Content-Type") or "").split(";")[0].strip().lower(),
                peer_ip=exchange.peer_ip,
                started_at=started_at,
                elapsed=time.monotonic() - t0,
                redirects=hops,
                request_target=exchange.target,
                requested_at=exchange.started_at,
            )
        finally:
            exchange.close()


def _allowed_form(entry: str) -> str:
    """An allowlist entry in the form hosts are compared in (IDNA, canonical IP text)."""
    try:
        return ascii_host(entry.strip().strip("[]"))
    except ValueError:
        return entry.strip().lower()


# --- status classification --------------------------------------------------------------------


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or HTTP date), capped at 1 h."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), RETRY_AFTER_CAP)


def classify(result: FetchResult) -> FetchError | None:
    """None for a success (2xx); otherwise the failure, transient for 408, 429 and 5xx."""
    status = result.status
    if 200 <= status < 300:
        return None
    reason = f"http-{status}"
    detail = f"{result.final_url} answered {status} {result.reason}".strip()
    if status in (408, 429) or status >= 500:
        retry_after = None
        for name, value in result.response_headers:
            if name.lower() == "retry-after":
                retry_after = parse_retry_after(value)
        return FetchError(reason, detail, transient=True, retry_after=retry_after, result=result)
    return FetchError(reason, detail, transient=False, result=result)
