"""An exported WACZ opens in ReplayWeb.page: Chromium replays the archived pages from it.

ReplayWeb.page's ``ui.js`` and ``sw.js`` come from its npm package (``make replaywebpage``)
and are served, with the WACZ, by a local server that answers Range requests as the WACZ
spec requires. The page is replayed from the archive alone: the publisher's server sees no
request while it is shown.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Frame, Page

from tests.exports.conftest import ROOT, Captured, make_wacz
from tests.support.browser import chromium
from tests.support.hostile_server import QUOTE, HostileServer

RWP_VERSION = "2.5.3"


def replaywebpage() -> Path:
    folder = Path(
        os.environ.get("REPLAYWEBPAGE_DIR", ROOT / ".cache" / f"replaywebpage-{RWP_VERSION}")
    )
    if not (folder / "ui.js").is_file() or not (folder / "sw.js").is_file():
        pytest.fail(f"ReplayWeb.page is missing from {folder}: run `make replaywebpage`")
    return folder


class _RangeHandler(SimpleHTTPRequestHandler):
    """Static files with single-range support (ReplayWeb.page reads a WACZ by ranges)."""

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if match is None or not os.path.isfile(path) or match.groups() == ("", ""):
            return super().send_head()
        size = os.path.getsize(path)
        first, last = match.groups()
        start = int(first) if first else max(0, size - int(last))
        end = min(size - 1, int(last)) if first and last else size - 1
        if start > end:
            self.send_error(416)
            return None
        handle = open(path, "rb")  # noqa: SIM115 (closed by the server after copying)
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return _Slice(handle, end - start + 1)

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class _Slice:
    def __init__(self, handle: Any, length: int) -> None:
        self._handle, self._left = handle, length

    def read(self, size: int = -1) -> bytes:
        want = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(want) if want > 0 else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


@pytest.fixture()
def site(tmp_path: Path, captured: list[Captured]) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "site"
    (folder / "replay").mkdir(parents=True)
    assets = replaywebpage()
    shutil.copy(assets / "ui.js", folder / "ui.js")
    shutil.copy(assets / "sw.js", folder / "replay" / "sw.js")
    # What the replay frame loads if it asks before the service worker controls the page: the
    # app itself, which then waits for the worker (otherwise the frame shows this server's
    # directory listing).
    (folder / "replay" / "index.html").write_text(
        '<!doctype html><html><head><script src="../ui.js"></script></head>'
        "<body><replay-app-main></replay-app-main></body></html>"
    )
    make_wacz(folder / "sources.wacz", captured)

    def handler(*args: Any) -> _RangeHandler:
        return _RangeHandler(*args, directory=str(folder))

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def embed(folder: Path, url: str) -> str:
    (folder / "index.html").write_text(
        "<!doctype html><html><body>"
        '<script src="/ui.js"></script>'
        '<replay-web-page style="display:block;height:600px" source="/sources.wacz" '
        f'url="{url}" replayBase="/replay/" embed="replayonly"></replay-web-page>'
        "</body></html>"
    )
    return "/index.html"


def replayed(page: Page, url: str) -> Frame:
    """The frame ReplayWeb.page shows the archived ``url`` in (``.../<ts>mp_/<url>``)."""

    def showing(frame: Frame) -> bool:
        return "mp_/" in frame.url and frame.url.endswith(url)

    frame = next((f for f in page.frames if showing(f)), None)
    return frame or page.wait_for_event("framenavigated", predicate=showing, timeout=60_000)


@pytest.mark.parametrize("path", ["/article/exported", "/gzipped"])
def test_the_wacz_replays_in_replaywebpage(
    site: tuple[str, Path], captured: list[Captured], hostile_server: HostileServer, path: str
) -> None:
    base, folder = site
    [capture] = [c for c in captured if urlsplit(c.blob.final_url).path == path]
    url = capture.blob.final_url
    hits = hostile_server.hits[path]
    with chromium() as browser:
        page = browser.new_page()
        page.goto(base + embed(folder, url))
        frame = replayed(page, url)
        frame.wait_for_selector(f"text={QUOTE}", timeout=60_000)
        assert QUOTE in frame.inner_text("body")
    assert hostile_server.hits[path] == hits  # shown from the archive, not fetched again
