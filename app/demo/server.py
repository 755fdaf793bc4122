"""A throwaway HTTP server on 127.0.0.1 serving the demo's source pages while they are archived.

Two publishers are needed to corroborate a claim, and a publisher is a host: the pages are
reachable as ``http://127.0.0.1:<port>`` and ``http://localhost:<port>``, which claimdesk
counts as two publishers. Unknown paths answer 404 (the demo's dead link).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOSTS = ("127.0.0.1", "localhost")


def _handler(pages: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            status = 200 if body is not None else 404
            body = body if body is not None else b"<html><body><h1>Not found</h1></body></html>"
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the command prints its own progress

    return Handler


@contextmanager
def serving(pages: dict[str, bytes]) -> Iterator[int]:
    """Serve ``pages`` (path -> HTML) on 127.0.0.1; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pages))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
