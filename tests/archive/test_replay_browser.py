"""The offline replay in a real browser: the archived page shows its images, its stylesheet and
its font, runs no script, and never sends a request to the site it was archived from."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app.archive.fetch import FetchLimits, fetch
from app.archive.replay import REPLAY_HEADERS, build_replay
from app.archive.requisites import fetch_requisites
from app.archive.warc import build_warc
from tests.support.browser import chromium
from tests.support.hostile_server import ASSET_IMAGES, EXCHANGE_SENTENCE, HOSTS, HostileServer

LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, deadline=10)


class _Viewer(ThreadingHTTPServer):
    daemon_threads = True
    document = b""


class _ViewerHandler(BaseHTTPRequestHandler):
    """Serves the replay as the app's route will: at /csp with the replay's headers, at
    /bare without them (so the markup alone is shown to load nothing)."""

    server: _Viewer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path not in ("/csp", "/bare"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.server.document)))
        if self.path == "/csp":
            for name, value in REPLAY_HEADERS.items():
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(self.server.document)


@pytest.fixture()
def publisher() -> Iterator[HostileServer]:
    """A publisher of its own, so that its request count is this test's alone."""
    server = HostileServer().start()
    yield server
    if not server.stopping.is_set():
        server.stop()


@pytest.fixture()
def viewer() -> Iterator[_Viewer]:
    server = _Viewer(("127.0.0.1", 0), _ViewerHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _look(page: Any) -> dict[str, Any]:
    """What a reader would see, measured in the page."""
    return dict(
        page.evaluate(
            """async () => {
                await document.fonts.ready;
                const style = (selector) => getComputedStyle(document.querySelector(selector));
                const size = (id) => {
                    const img = document.getElementById(id);
                    return img && img.complete ? [img.naturalWidth, img.naturalHeight] : null;
                };
                return {
                    text: document.body.innerText,
                    photo: size("photo"),
                    remote: size("remote"),
                    color: style("body").color,
                    background: style("body").backgroundImage,
                    lede: style(".lede").borderLeftColor,
                    dotted: style("#dotted").backgroundImage,
                    heading: style("h1").fontFamily,
                    fonts: [...document.fonts].map((f) => [f.family, f.status]),
                    ran: document.documentElement.dataset.ran ?? null,
                    scripts: document.scripts.length,
                    origin: window.origin,
                };
            }"""
        )
    )


def test_the_replay_shows_the_page_offline(publisher: HostileServer, viewer: _Viewer) -> None:

    allowed = frozenset(HOSTS)
    page_result = fetch(publisher.url("/redirect-chain"), allowed_hosts=allowed, limits=LIMITS)
    requisites = fetch_requisites(page_result, allowed_hosts=allowed, limits=LIMITS)
    assert requisites.failed == []
    replay = build_replay(build_warc(page_result, requisites=requisites), page_result.url)
    assert replay.missing == ()
    viewer.document = replay.html.encode()
    base = f"http://127.0.0.1:{viewer.server_address[1]}"
    publisher.reset()  # from here on, any request it gets came from the viewing

    with chromium() as browser:
        page = browser.new_page()
        requests: list[str] = []
        console: list[str] = []
        dialogs: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: console.append(message.text))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

        looks = {}
        for mode in ("csp", "bare"):
            response = page.goto(f"{base}/{mode}", wait_until="load")
            assert response is not None and response.status == 200
            looks[mode] = _look(page)
        assert sum(publisher.hits.values()) == 0, publisher.hits  # not one request
        network = [url for url in requests if not url.startswith("data:")]
        assert network == [f"{base}/csp", f"{base}/bare"]
        assert console == []  # no CSP violation: nothing even tried to load

        # The publisher gone, the archived copy looks the same.
        publisher.stop()
        page.goto(f"{base}/csp", wait_until="load")
        assert _look(page) == looks["csp"]

    sandboxed, bare = looks["csp"], looks["bare"]
    assert sandboxed["origin"] == "null"  # an opaque origin: the sandbox held
    for look in (sandboxed, bare):
        assert EXCHANGE_SENTENCE in look["text"]
        assert look["photo"] == list(ASSET_IMAGES["photo"][:2])  # from the WARC, decoded
        assert look["remote"] == list(ASSET_IMAGES["remote"][:2])  # the other site's image
        assert look["color"] == "rgb(12, 34, 56)"  # the linked stylesheet applies
        assert look["background"].startswith('url("data:image/png;base64,')  # and its url()
        assert look["lede"] == "rgb(200, 30, 30)"  # the <style> block
        assert look["dotted"].startswith('url("data:image/png;base64,')  # a style attribute
        assert look["heading"].startswith('"Exchange Serif"')
        assert ["Exchange Serif", "loaded"] in look["fonts"]  # @import, @font-face, data: font
        assert look["ran"] is None and look["scripts"] == 0
    assert dialogs == []
