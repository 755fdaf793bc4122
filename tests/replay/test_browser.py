"""A real browser shows an archived page full of scripts: none of them runs in our origin."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app.db import session
from app.models import Role
from app.workflow.archiving import run_capture
from tests.support.hostile_server import HostileServer
from tests.support.live import cite, headers_for, new_claim

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Debian's chromium")


@pytest.fixture()
def served(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_archived_scripts_never_run(live_app: Flask, web: HostileServer, served: str) -> None:
    from playwright.sync_api import sync_playwright

    headers = headers_for(live_app, Role.FACT_CHECKER)
    claim_id = new_claim(live_app, headers)
    capture_id = cite(live_app, headers, claim_id, web.url("/scripted"))["capture"]["id"]
    with live_app.app_context():
        assert run_capture(session(), capture_id).status == "archived"

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(extra_http_headers=headers)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        response = page.goto(f"{served}/api/v1/captures/{capture_id}/view")
        assert response is not None and response.status == 200
        csp = response.headers["content-security-policy"]
        assert csp.startswith("sandbox;") and "allow-scripts" not in csp
        assert "allow-same-origin" not in csp
        assert "Report scripted" in page.content()
        assert page.title() != "pwned"
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.evaluate("window.origin") == "null"  # an opaque origin, not claimdesk's
        assert page.locator("script").count() == 0 and page.locator("iframe").count() == 0
        assert dialogs == []
        browser.close()
