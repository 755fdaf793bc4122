"""A capture's WARC as an outsider uses it: checked and indexed by warcio, replayed by pywb.

The WARC is made by the real fetcher and writer from the local publisher, for a source cited
as ``/redirect-chain`` (two redirects to ``/a/exchange.html``), with its requisites. pywb runs
from its own virtualenv (``make pywb``; its pins clash with the project's); when that is
missing the fixture builds it, and the tests fail rather than skip if it cannot.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.timeutils import iso_date_to_timestamp

from app.archive.fetch import FetchLimits, fetch
from app.archive.requisites import fetch_requisites
from app.archive.warc import build_warc, iter_records
from tests.support.hostile_server import (
    ASSET_IMAGES,
    EXCHANGE_SENTENCE,
    HOSTS,
    HostileServer,
    png_bytes,
)

REPO = Path(__file__).resolve().parents[2]
PYWB_BIN = REPO / ".venv-pywb" / "bin"
WARCIO = Path(sys.executable).parent / "warcio"
ALLOWED = frozenset(HOSTS)
LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, deadline=10)
COLLECTION = "claims"


@dataclass(frozen=True)
class Capture:
    path: Path
    cited: str
    final: str
    photo: str
    timestamp: str  # of the page's response, as pywb's URLs spell it


@pytest.fixture(scope="module")
def capture(hostile_server: HostileServer, tmp_path_factory: pytest.TempPathFactory) -> Capture:
    cited = hostile_server.url("/redirect-chain")
    page = fetch(cited, allowed_hosts=ALLOWED, limits=LIMITS)
    requisites = fetch_requisites(page, allowed_hosts=ALLOWED, limits=LIMITS)
    assert requisites.failed == []
    path = tmp_path_factory.mktemp("warc") / "capture.warc.gz"
    path.write_bytes(build_warc(page, requisites=requisites, metadata={"capture_id": 1}))
    response = next(r for r in iter_records(path.read_bytes()) if r.rec_type == "response")
    timestamp = iso_date_to_timestamp(response.rec_headers.get_header("WARC-Date"))
    return Capture(path, cited, page.final_url, hostile_server.url("/assets/photo.png"), timestamp)


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    if not (PYWB_BIN / "wayback").exists():
        built = subprocess.run(
            ["make", "-C", str(REPO), "pywb"], capture_output=True, text=True, timeout=900
        )
        if built.returncode != 0 or not (PYWB_BIN / "wayback").exists():
            pytest.fail(f"pywb could not be installed (make pywb):\n{built.stdout}{built.stderr}")
    return PYWB_BIN


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def wayback(
    pywb_bin: Path, capture: Capture, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """pywb serving a collection that holds the capture; its base URL."""
    root = tmp_path_factory.mktemp("pywb")
    for command in (["init", COLLECTION], ["add", COLLECTION, str(capture.path)]):
        done = subprocess.run(
            [str(pywb_bin / "wb-manager"), *command], cwd=root, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    process = subprocess.Popen(
        [str(pywb_bin / "wayback"), "-b", "127.0.0.1", "-p", str(port), "-d", str(root)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = threading.Event()
    log: list[str] = []

    def watch() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if "Starting Gevent Server" in line:
                started.set()
        started.set()  # the process ended: stop waiting

    threading.Thread(target=watch, daemon=True).start()
    try:
        assert started.wait(120) and process.poll() is None, "".join(log)
        base = f"http://127.0.0.1:{port}"
        _await_answer(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _await_answer(base: str, process: subprocess.Popen[str]) -> None:
    """Until pywb answers HTTP (it logs just before it listens): each try waits on the process."""
    for _ in range(200):
        try:
            get(f"{base}/")
            return
        except OSError:
            try:
                process.wait(0.05)  # returns only if pywb died
            except subprocess.TimeoutExpired:
                continue
            break
    pytest.fail("pywb never answered")


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """One GET, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", target)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


# --- warcio -----------------------------------------------------------------------------------


def test_warcio_checks_every_digest(capture: Capture) -> None:
    done = subprocess.run(
        [WARCIO, "check", "-v", str(capture.path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    count = sum(1 for _ in iter_records(capture.path.read_bytes()))
    assert done.stdout.count("digest pass") == count and "digest failed" not in done.stdout


def test_warcio_index_lists_each_exchange_once(capture: Capture) -> None:
    done = subprocess.run([WARCIO, "index", str(capture.path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    pairs = [(row["warc-type"], row.get("warc-target-uri", "")) for row in rows]
    hop = capture.cited + "/next"
    assert pairs[:7] == [
        ("warcinfo", ""),
        ("response", capture.final),
        ("request", capture.final),
        ("response", capture.cited),
        ("request", capture.cited),
        ("response", hop),
        ("request", hop),
    ]
    assert pairs[-1][0] == "metadata" and pairs[-1][1].startswith("urn:claimdesk:metadata:")
    responses = [target for kind, target in pairs if kind == "response"]
    assert len(responses) == len(set(responses))  # no URL archived twice
    assert capture.photo in responses and any(":" in t and "127.0.0.3" in t for t in responses)


# --- pywb -------------------------------------------------------------------------------------


def test_the_cited_url_replays_the_page_through_its_redirects(
    wayback: str, capture: Capture
) -> None:
    archive = f"{wayback}/{COLLECTION}/"
    url = f"{archive}{capture.timestamp}mp_/{capture.cited}"
    statuses, visited = [], []
    for _ in range(5):
        status, headers, body = get(url)
        statuses.append(status)
        if status not in (301, 302):
            break
        location = headers["location"]
        url = wayback + location if location.startswith("/") else location
        assert url.startswith(archive)  # pywb keeps the reader in the archive
        visited.append(url.split("mp_/", 1)[1])
    assert statuses == [301, 302, 200]
    assert visited == [capture.cited + "/next", capture.final]
    assert EXCHANGE_SENTENCE.encode() in body


def test_the_final_url_replays_the_page_not_the_metadata(wayback: str, capture: Capture) -> None:
    status, headers, body = get(f"{wayback}/{COLLECTION}/{capture.timestamp}id_/{capture.final}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert EXCHANGE_SENTENCE.encode() in body and b"requested_url" not in body
    status, _, index = get(f"{wayback}/{COLLECTION}/cdx?url={capture.final}&output=json")
    assert status == 200
    entries = [json.loads(line) for line in index.decode().splitlines()]
    assert [(e["mime"], e["status"]) for e in entries] == [("text/html", "200")]


def test_the_requisites_replay(wayback: str, capture: Capture) -> None:
    status, headers, body = get(f"{wayback}/{COLLECTION}/{capture.timestamp}id_/{capture.photo}")
    assert status == 200 and headers["content-type"] == "image/png"
    assert body == png_bytes(*ASSET_IMAGES["photo"])
