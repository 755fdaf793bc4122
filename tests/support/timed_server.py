"""A local publisher that notes when each request started and ended, per host, for tests of
what a host sees of claimdesk's re-checks (spacing, concurrency, Retry-After).

    server = TimedServer(delay=0.5).start()   # every page answers after ``delay`` seconds
    server.url("/page/a", host="127.0.0.2")
    server.visits(host, prefix="/page/")      # [Visit(path, start, end)], in start order
    server.throttle(path, seconds)            # that path answers 429 Retry-After once

Hosts are 127.0.0.2 and 127.0.0.3 (loopback on Linux), as the hostile server's.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.hostile_server import HOSTS, article_html


@dataclass(frozen=True)
class Visit:
    path: str
    start: float  # time.monotonic() when the request line arrived
    end: float  # when the answer was written
    status: int


class TimedServer:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._visits: dict[str, list[Visit]] = {host: [] for host in HOSTS}
        self._throttled: dict[str, float] = {}
        self._servers: list[ThreadingHTTPServer] = []

    def start(self) -> TimedServer:
        first = ThreadingHTTPServer((HOSTS[0], 0), self._handler())
        self.port = first.server_address[1]
        self._servers = [first] + [
            ThreadingHTTPServer((host, self.port), self._handler()) for host in HOSTS[1:]
        ]
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def url(self, path: str, host: str = HOSTS[0]) -> str:
        return f"http://{host}:{self.port}{path}"

    def throttle(self, path: str, seconds: float) -> None:
        with self._lock:
            self._throttled[path] = seconds

    def visits(self, host: str, prefix: str = "/") -> list[Visit]:
        with self._lock:
            found = [v for v in self._visits[host] if v.path.startswith(prefix)]
        return sorted(found, key=lambda v: v.start)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                started = time.monotonic()
                host = str(self.server.server_address[0])
                with outer._lock:
                    retry_after = outer._throttled.pop(self.path, None)
                if retry_after is not None:
                    status, body = 429, b"slow down"
                    headers = {"Retry-After": f"{retry_after:g}", "Content-Type": "text/plain"}
                else:
                    time.sleep(outer.delay)
                    status, body = 200, article_html(self.path.rsplit("/", 1)[-1])
                    headers = {"Content-Type": "text/html; charset=utf-8"}
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                visit = Visit(self.path, started, time.monotonic(), status)
                with outer._lock:
                    outer._visits[host].append(visit)

        return Handler


def most_at_once(visits: list[Visit]) -> int:
    """The most requests the host was answering at the same moment."""
    edges = sorted([(v.start, 1) for v in visits] + [(v.end, -1) for v in visits])
    current = peak = 0
    for _, step in edges:
        current += step
        peak = max(peak, current)
    return peak
