"""A local HTTP server with every kind of page the archiver meets, good and hostile.

Two "publishers" listen on 127.0.0.2 and 127.0.0.3 (both loopback on Linux), on ephemeral ports;
tests list them in FETCH_ALLOWED_HOSTS. ``HostileServer(hosts=("::1",))`` serves over IPv6;
``HostileServer(tls=server_context)`` serves HTTPS.
Use it as a context manager or ``start()``/``stop()``; the pytest fixtures are in
tests/archive/conftest.py.

    server.url(path, host="127.0.0.2")  full URL of a path on one of the hosts
    server.hits[path]                  requests per path (query excluded), both hosts together
    server.hits_under(prefix)          requests to all paths starting with ``prefix``
    server.set_page(key, html)         content of /mutable/<key>; None makes it a 404 (rot)
    server.reset()                     forget hits and pages (done before every test)

Routes (``<key>`` keeps counters independent between tests):

  /                        home page (the target of the soft 404)
  /article/<name>          HTML news page: title, date meta, paragraphs, a quotable sentence
  /second                  a page naming the host that served it (for two-publisher tests)
  /text, /json, /pdf       plain text, JSON, a one-page PDF with a text layer
  /scripted                a page with <script>, inline event handlers and an iframe
  /chain/<n>               redirects n times, then /article/chained
  /loop/a <-> /loop/b      a redirect loop;   /many   redirects forever (/many/1, /many/2, ...)
  /to?url=U[&code=C]       redirects (302 or C) to U: 127.0.0.1, 169.254.169.254, file:///...
  /utf8-redirect           Location header in raw UTF-8 bytes (to /article/café)
  /status/<code>[?retry_after=V]   that status (with Retry-After: V)
  /flaky/<key>/<n>         503 (Retry-After: 0) for the first n hits, then a page
  /ratelimited/<key>       429 with Retry-After: 1 on the first hit, then a page
  /gzipped, /deflated, /rawdeflate, /gzip-members   a page in each content coding
  /unknown-encoding        Content-Encoding: zstd (never advertised by the fetcher)
  /labelled/<coding>       a plain page that claims Content-Encoding: <coding>
  /chunked                 a page sent with Transfer-Encoding: chunked
  /gzipbomb                ~255 KB of gzip that inflates to 256 MiB
  /endless                 a body that never ends (64 KiB writes until the client goes)
  /drip                    body: one byte every 0.5 s;   /drip-headers   the same, in the headers
  /slow/<seconds>          waits, then a page
  /reset                   closes the connection without answering
  /mutable/<key>           content set by the test (``set_page``), or a 404 once set to None
  /soft404                 redirects to the site root
  /redirect-chain          301 (small body, a repeated header) -> /redirect-chain/next,
                           302 -> /a/exchange.html
  /redirect-big            302 to /article/big-redirect with a 100 KB body
  /redirect-drip           302 to /article/drip-redirect whose body drips a byte every 0.5 s
  /a/exchange.html         an article with requisites: a stylesheet (colour, background image,
                           @import of a stylesheet with an @font-face), a <style> with an
                           @import and a rule, a photo with srcset, an image on the other host,
                           a style attribute with url(), an icon, a tracking beacon and a script
  /assets/<name>.png       PNG images (sizes in ``ASSET_IMAGES``); /assets/<name>.css stylesheets
  /assets/exchange-serif.ttf  a real TrueType font (one of the system's)
  /beacon.gif              a 1x1 GIF that must only ever be fetched by the archiver
  /bytes/<n>               n bytes of application/octet-stream
"""

from __future__ import annotations

import contextlib
import gzip
import json
import pathlib
import socket
import ssl
import struct
import threading
import zlib
from collections import Counter
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

HOSTS = ("127.0.0.2", "127.0.0.3")
QUOTE = "The ministry said 40 schools in the region were rebuilt last year."
PDF_SENTENCE = "The treaty was signed by 14 countries in 2026."
DRIP_INTERVAL = 0.5
BOMB_MIB = 256


def article_html(name: str, *, extra: str = "") -> bytes:
    """A news article page named ``name``; contains ``QUOTE`` and twelve other paragraphs."""
    paragraphs = "".join(
        f"<p>Paragraph {i} of {name}: the delegation met for {i + 2} hours in Geneva and "
        f"discussed trade, water rights and the border crossing number {i}.</p>"
        for i in range(12)
    )
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>Report {name}</title>"
        '<meta name="date" content="2026-11-20">'
        f'<link rel="canonical" href="https://news.example.org/{name}">'
        f"</head><body><nav>Home | World | Sport</nav><article><h1>Report {name}</h1>"
        f"<p>{QUOTE}</p>{paragraphs}{extra}</article>"
        "<footer>Share on Facebook</footer></body></html>"
    ).encode()


EXCHANGE_SENTENCE = "The central bank held the exchange rate at 1.0842 for the third month."
# name -> (width, height, RGB)
ASSET_IMAGES = {
    "photo": (64, 40, (20, 60, 200)),
    "photo-2x": (128, 80, (20, 60, 200)),
    "remote": (32, 32, (20, 160, 60)),
    "texture": (8, 8, (240, 200, 40)),
    "dot": (4, 4, (200, 30, 30)),
    "icon": (16, 16, (0, 0, 0)),
}
ASSET_CSS = {
    "site": (
        '@import url("fonts.css");\n'
        'body { color: rgb(12, 34, 56); background: rgb(250, 250, 240) url("texture.png"); }\n'
        'h1 { font-family: "Exchange Serif", monospace; }\n'
    ),
    "fonts": (
        '@font-face { font-family: "Exchange Serif";'
        ' src: url(exchange-serif.ttf) format("truetype"); }\n'
    ),
    "print": "article { color: black; }\n",
}
BEACON_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def png_bytes(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid RGB PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@cache
def font_bytes() -> bytes:
    """A real TrueType font: the smallest one installed (Chromium's fontconfig brings some)."""
    fonts = sorted(pathlib.Path("/usr/share/fonts").rglob("*.ttf"), key=lambda p: p.stat().st_size)
    return fonts[0].read_bytes() if fonts else b"\x00\x01\x00\x00 not a font"


def exchange_html(other_host: str) -> bytes:
    """The article that ``/a/exchange.html`` serves; ``other_host`` is the other publisher's
    ``host:port``, where its second image lives."""
    paragraphs = "".join(
        f"<p>Paragraph {i}: traders in Frankfurt watched the rate for {i + 2} hours.</p>"
        for i in range(6)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Exchange rate held</title>"
        '<link rel="stylesheet" href="/assets/site.css">'
        '<link rel="icon" href="/assets/icon.png">'
        '<style>@import url("/assets/print.css") print;'
        " .lede { border-left: 6px solid rgb(200, 30, 30); }</style>"
        '<script>document.documentElement.dataset.ran = "yes";'
        ' new Image().src = "/beacon.gif?from=script";</script>'
        "</head><body><article><h1>Exchange rate held</h1>"
        f'<p class="lede">{EXCHANGE_SENTENCE}</p>'
        '<img id="photo" src="/assets/photo.png"'
        ' srcset="/assets/photo.png 1x, /assets/photo-2x.png 2x" alt="The bank">'
        f'<img id="remote" src="http://{other_host}/assets/remote.png" alt="Elsewhere">'
        '<p id="dotted" style="background-image: url(\'/assets/dot.png\')">Dotted.</p>'
        f"{paragraphs}"
        '<img id="beacon" src="/beacon.gif?page=exchange" width="1" height="1" alt="">'
        "</article></body></html>"
    ).encode()


HOME_HTML = (
    b"<html><head><title>Home</title></head><body><h1>Welcome to the front page</h1>"
    b"<p>Latest news, sport and weather from around the region, updated every hour.</p>"
    b"</body></html>"
)


@cache
def pdf_bytes() -> bytes:
    """A minimal valid one-page PDF whose text layer says ``PDF_SENTENCE``."""
    content = f"BT /F1 12 Tf 72 720 Td ({PDF_SENTENCE}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref_at = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    pdf += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(pdf)


@cache
def gzip_bomb() -> bytes:
    """``BOMB_MIB`` MiB of zeros as one gzip member (~255 KB), compressed a MiB at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    return b"".join([compressor.compress(block) for _ in range(BOMB_MIB)] + [compressor.flush()])


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections under benchmark load


class _Server6(_Server):
    address_family = socket.AF_INET6


class HostileServer:
    """Both publishers, their shared state, and the switches tests flip."""

    def __init__(self, hosts: tuple[str, ...] = HOSTS, tls: ssl.SSLContext | None = None) -> None:
        self.hosts = hosts
        self.tls = tls  # a server-side context makes every listener HTTPS
        self.hits: Counter[str] = Counter()
        self.pages: dict[str, bytes | None] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # ends drips and endless bodies at shutdown
        self.servers: dict[str, _Server] = {}
        self.ports: dict[str, int] = {}

    def start(self) -> HostileServer:
        # Built before the first request (once per process, ~1.5 s of CPU): built on demand,
        # a loaded machine could spend the client's whole fetch deadline compressing it.
        gzip_bomb()
        handler = _make_handler(self)
        for host in self.hosts:
            server = (_Server6 if ":" in host else _Server)((host, 0), handler)
            if self.tls is not None:
                server.socket = self.tls.wrap_socket(server.socket, server_side=True)
            self.servers[host] = server
            self.ports[host] = server.server_address[1]
            threading.Thread(
                target=server.serve_forever, name=f"hostile-{host}", daemon=True
            ).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def url(self, path: str, host: str = HOSTS[0]) -> str:
        netloc = f"[{host}]" if ":" in host else host
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{netloc}:{self.ports[host]}{path}"

    def hits_under(self, prefix: str) -> int:
        with self.lock:
            return sum(count for path, count in self.hits.items() if path.startswith(prefix))

    def set_page(self, key: str, html: bytes | None) -> None:
        """Content of /mutable/<key>; None turns it into a 404."""
        with self.lock:
            self.pages[key] = html

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
            self.pages.clear()


def _make_handler(state: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave together: no 40 ms stalls

        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

        def send(
            self,
            status: int,
            body: bytes,
            ctype: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def redirect(self, location: str, status: int = 302) -> None:
            self.send(status, b"", headers={"Location": location})

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with state.lock:
                state.hits[parts.path] += 1
                hits = state.hits[parts.path]
            # The fetcher hangs up on hostile routes, as it should.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.route(parts.path, parse_qs(parts.query), hits)

        def drip(self, data: bytes) -> None:
            for byte in data:
                if state.stopping.wait(DRIP_INTERVAL):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def route(self, path: str, query: dict[str, list[str]], hits: int) -> None:
            seg = path.strip("/").split("/")
            page = article_html
            if path == "/":
                self.send(200, HOME_HTML)
            elif seg[0] == "article":
                self.send(200, page(seg[1] if len(seg) > 1 else "x"))
            elif path == "/second":
                host = self.connection.getsockname()[0]
                self.send(200, page("second", extra=f"<p>Served by publisher {host}.</p>"))
            elif path == "/text":
                body = f"Plain text: inflation was 2.1 % in October.\n{QUOTE}\n".encode()
                self.send(200, body, "text/plain; charset=utf-8")
            elif path == "/json":
                body = json.dumps({"rate": 2.1, "month": "October", "note": QUOTE}).encode()
                self.send(200, body, "application/json")
            elif path == "/pdf":
                self.send(200, pdf_bytes(), "application/pdf")
            elif path == "/scripted":
                extra = (
                    '<script>document.title="pwned"</script>'
                    '<img src=x onerror="window.pwned=1"><p onclick="steal()">Click</p>'
                    '<a href="javascript:alert(1)">link</a><iframe src="http://127.0.0.3/">'
                    "</iframe>"
                )
                self.send(200, page("scripted", extra=extra))
            elif seg[0] == "chain":
                n = int(seg[1])
                self.redirect(f"/chain/{n - 1}" if n > 1 else "/article/chained")
            elif seg[0] == "loop":
                self.redirect("/loop/b" if seg[1] == "a" else "/loop/a")
            elif seg[0] == "many":
                self.redirect(f"/many/{int(seg[1]) + 1 if len(seg) > 1 else 1}")
            elif path == "/to":
                self.redirect(query["url"][0], int(query.get("code", ["302"])[0]))
            elif path == "/oversized":  # a title and a Content-Type past their columns
                ctype = "text/html; charset=utf-8; " + "profile=x; " * 40
                self.send(200, page("t" * 3000), ctype)
            elif path == "/redirect-long":  # a target far past any URL column's length
                self.redirect("/article/long?pad=" + "a" * 3000)
            elif path == "/utf8-redirect":
                # send_header encodes Latin-1; smuggle the UTF-8 bytes through unchanged.
                self.redirect("/article/café".encode().decode("latin-1"))
            elif seg[0] == "status":
                headers = {"Retry-After": query["retry_after"][0]} if "retry_after" in query else {}
                self.send(int(seg[1]), f"status {seg[1]}".encode(), "text/plain", headers)
            elif seg[0] == "flaky":
                if hits <= int(seg[2]):
                    self.send(503, b"busy", "text/plain", {"Retry-After": "0"})
                else:
                    self.send(200, page(f"flaky-{seg[1]}"))
            elif seg[0] == "ratelimited":
                if hits == 1:
                    self.send(429, b"slow down", "text/plain", {"Retry-After": "1"})
                else:
                    self.send(200, page(f"ratelimited-{seg[1]}"))
            elif path == "/gzipped":
                self.send(200, gzip.compress(page("gzipped")), headers={"Content-Encoding": "gzip"})
            elif path == "/deflated":
                body = zlib.compress(page("deflated"))
                self.send(200, body, headers={"Content-Encoding": "deflate"})
            elif path == "/rawdeflate":
                body = _raw_deflate(page("rawdeflate"))
                self.send(200, body, headers={"Content-Encoding": "deflate"})
            elif path == "/gzip-members":
                html = page("members")
                body = gzip.compress(html[:100]) + gzip.compress(html[100:])
                self.send(200, body, headers={"Content-Encoding": "gzip"})
            elif path == "/unknown-encoding":
                self.send(200, b"\x28\xb5\x2f\xfd garbage", headers={"Content-Encoding": "zstd"})
            elif seg[0] == "labelled":
                self.send(200, page("labelled"), headers={"Content-Encoding": seg[1]})
            elif path == "/chunked":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                html = page("chunked")
                for start in range(0, len(html), 500):
                    piece = html[start : start + 500]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            elif path == "/gzipbomb":
                self.send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
            elif path == "/endless":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                chunk = b"<p>" + b"x" * 65536 + b"</p>"
                while not state.stopping.is_set():
                    self.wfile.write(chunk)
            elif path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.drip(b"x" * 100000)
            elif path == "/drip-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.drip(b"X-Slow: " + b"x" * 100000 + b"\r\n\r\n")
            elif seg[0] == "slow":
                if not state.stopping.wait(float(seg[1])):
                    self.send(200, page("slow"))
            elif path == "/reset":
                # An RST instead of an answer: SO_LINGER with a zero timeout, then close.
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.close_connection = True
                self.connection.close()
            elif seg[0] == "mutable":
                with state.lock:
                    content = state.pages.get(seg[1], page(seg[1]))
                if content is None:
                    self.send(404, b"not found", "text/plain")
                else:
                    self.send(200, content)
            elif path == "/soft404":
                self.redirect("/")
            elif path == "/redirect-chain":
                self.send_response(301, "Moved Permanently")
                self.send_header("Location", "/redirect-chain/next")
                self.send_header("Link", "</a/exchange.html>; rel=canonical")
                self.send_header("Link", "</assets/site.css>; rel=preload; as=style")
                self.send_header("X-Redirect-STEP", "one")
                body = b"<html><body>Moved to /redirect-chain/next</body></html>"
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif path == "/redirect-big":
                body = b"<p>" + b"moved " * 20_000 + b"</p>"
                self.send(302, body, headers={"Location": "/article/big-redirect"})
            elif path == "/redirect-drip":
                self.send_response(302)
                self.send_header("Location", "/article/drip-redirect")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.drip(b"m" * 1000)
            elif path == "/redirect-chain/next":
                self.redirect("/a/exchange.html")
            elif path == "/a/exchange.html":
                other = next(h for h in state.hosts if h != self.connection.getsockname()[0])
                self.send(200, exchange_html(f"{other}:{state.ports[other]}"))
            elif seg[0] == "assets" and len(seg) == 2:
                name, _, ext = seg[1].rpartition(".")
                if ext == "png" and name in ASSET_IMAGES:
                    self.send(200, png_bytes(*ASSET_IMAGES[name]), "image/png")
                elif ext == "css" and name in ASSET_CSS:
                    self.send(200, ASSET_CSS[name].encode(), "text/css; charset=utf-8")
                elif seg[1] == "exchange-serif.ttf":
                    self.send(200, font_bytes(), "font/ttf")
                else:
                    self.send(404, b"no such asset", "text/plain")
            elif path == "/beacon.gif":
                self.send(200, BEACON_GIF, "image/gif", {"Cache-Control": "no-store"})
            elif seg[0] == "bytes":
                self.send(200, b"x" * int(seg[1]), "application/octet-stream")
            else:
                self.send(404, b"no such page", "text/plain")

    return Handler
