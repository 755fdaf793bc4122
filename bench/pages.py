"""A local news site for the benchmarks: article pages with the requisites a real page has.

Two publishers answer on 127.0.0.2 and 127.0.0.3 (loopback on Linux), one port. Every article
links the site's stylesheet (which brings a background image and a web font), the site's logo
and its own lead photo; so a faithful archive of one page takes five requests. It runs in a
process of its own (``python -m bench.pages``), so serving pages never competes for the
benchmark client's interpreter lock.

    /news/<slug>                an article of about 12 KB (title, date, byline, 14 paragraphs)
    /static/site.css            the stylesheet: url(texture.png) and an @font-face
    /static/texture.png, /static/logo.png, /static/serif.ttf
    /media/<slug>.png           the article's lead photo (about 20 KB, one per article)
    /throttled/<slug>           429 with Retry-After (``?retry_after=N``), for the re-check bench
    /stats                      JSON per host: requests served, the most at once, and the
                                shortest gap between the starts of two article requests
    /stats/starts               JSON per host: when each article request started (monotonic)

Every answer carries Content-Length and keeps the connection alive, as a web server would.
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
import zlib
from collections import Counter
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.hostile_server import font_bytes, png_bytes

HOSTS = ("127.0.0.2", "127.0.0.3")


def host_addresses(count: int) -> tuple[str, ...]:
    """``count`` loopback addresses, one publisher each: 127.0.0.2, 127.0.0.3, ..."""
    return tuple(f"127.0.{(n + 2) // 256}.{(n + 2) % 256}" for n in range(count))


STYLESHEET = (
    b"@font-face { font-family: 'Site Serif'; src: url(serif.ttf) format('truetype'); }\n"
    b"body { margin: 0 auto; max-width: 44rem; color: #1d1d1f;"
    b" background: #fbfaf6 url(texture.png); font: 18px/1.6 'Site Serif', Georgia, serif; }\n"
    b"header img { height: 32px; } figure img { width: 100%; }\n"
    b"nav a { margin-right: 1em; } .byline { color: #6e6e73; }\n"
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return len(data).to_bytes(4, "big") + kind + data + crc.to_bytes(4, "big")


@cache
def noisy_png(width: int, height: int, seed: int) -> bytes:
    """An RGB PNG of noise: a photo's size on the wire, not a flat colour's."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 6))
        + _chunk(b"IEND", b"")
    )


def article(slug: str, host: str) -> bytes:
    """One article page; its text differs per slug, so no two pages share their text."""
    paragraphs = "".join(
        f"<p>Paragraph {i} of {slug}: the regional council met for {i + 2} hours on "
        f"Tuesday and discussed the budget for schools, the bridge over the river and the "
        f"number of buses on line {i}. Officials said {i * 7 + 3} families had written to "
        f"ask for a later start, and that a decision would follow before the summer.</p>"
        for i in range(14)
    )
    links = "".join(
        f'<li><a href="/news/{slug}-related-{i}">Related story {i}</a></li>' for i in range(8)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Council report {slug} | The {host} Courier</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta property="article:published_time" content="2026-11-20T08:00:00Z">'
        f'<link rel="canonical" href="http://{host}/news/{slug}">'
        '<link rel="stylesheet" href="/static/site.css">'
        "</head><body>"
        '<header><a href="/"><img src="/static/logo.png" alt="The Courier"></a>'
        '<nav><a href="/world">World</a><a href="/politics">Politics</a>'
        '<a href="/sport">Sport</a><a href="/weather">Weather</a></nav></header>'
        f"<main><article><h1>Council report {slug}</h1>"
        '<p class="byline">By A. Reporter, 20 November 2026</p>'
        f'<figure><img src="/media/{slug}.png" alt="The council chamber">'
        "<figcaption>The council chamber on Tuesday.</figcaption></figure>"
        "<p>The ministry said 40 schools in the region were rebuilt last year.</p>"
        f"{paragraphs}</article>"
        f"<aside><h2>Read more</h2><ul>{links}</ul></aside></main>"
        "<footer><p>Share on Facebook | Share by email | Contact the newsroom</p></footer>"
        "</body></html>"
    ).encode()


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.served: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.last_start: dict[str, float] = {}
        self.min_gap: dict[str, float] = {}
        self.starts: dict[str, list[float]] = {}

    def enter(self, host: str, article: bool) -> None:
        now = time.monotonic()
        with self.lock:
            self.active[host] += 1
            self.served[host] += 1
            self.peak[host] = max(self.peak[host], self.active[host])
            if article:
                if host in self.last_start:
                    gap = now - self.last_start[host]
                    self.min_gap[host] = min(self.min_gap.get(host, gap), gap)
                self.last_start[host] = now
                self.starts.setdefault(host, []).append(now)

    def leave(self, host: str) -> None:
        with self.lock:
            self.active[host] -= 1

    def starts_json(self) -> bytes:
        with self.lock:
            return json.dumps(self.starts).encode()

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps(
                {"served": self.served, "peak": self.peak, "min_gap": self.min_gap}
            ).encode()


def make_handler(stats: Stats, delay: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "CourierHTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            host = self.server.server_address[0]
            path, _, query = self.path.partition("?")
            if path == "/stats":
                self.send(200, stats.as_json(), "application/json")
                return
            if path == "/stats/starts":
                self.send(200, stats.starts_json(), "application/json")
                return
            stats.enter(str(host), path.startswith("/news/"))
            try:
                if delay:
                    time.sleep(delay)
                self.route(str(host), path, query)
            finally:
                stats.leave(str(host))

        def route(self, host: str, path: str, query: str) -> None:
            if path.startswith("/news/"):
                self.send(200, article(path[6:], host), "text/html; charset=utf-8")
            elif path == "/static/site.css":
                self.send(200, STYLESHEET, "text/css")
            elif path == "/static/texture.png":
                self.send(200, png_bytes(16, 16, (250, 248, 240)), "image/png")
            elif path == "/static/logo.png":
                self.send(200, noisy_png(96, 32, 1), "image/png")
            elif path == "/static/serif.ttf":
                self.send(200, font_bytes(), "font/ttf")
            elif path.startswith("/media/") and path.endswith(".png"):
                self.send(200, noisy_png(96, 64, zlib.crc32(path.encode())), "image/png")
            elif path.startswith("/throttled/"):
                wait = (
                    query.removeprefix("retry_after=") if query.startswith("retry_after") else "30"
                )
                self.send(429, b"slow down", "text/plain", Retry_After=wait)
            else:
                self.send(404, b"<html><body>Not found</body></html>", "text/html")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def serve(port: int, delay: float = 0.0, hosts: int = len(HOSTS)) -> None:
    stats = Stats()
    handler = make_handler(stats, delay)
    servers = [_Server((host, port), handler) for host in host_addresses(hosts)]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving on port {port}", flush=True)
    servers[0].serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--hosts", type=int, default=len(HOSTS), help="publishers to serve")
    args = parser.parse_args()
    serve(args.port, args.delay, args.hosts)


if __name__ == "__main__":
    main()
