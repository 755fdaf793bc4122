"""A real browser shows an archived page full of scripts: none of them runs in our origin."""

from __future__ import annotations

from flask import Flask

from app.db import session
from app.models import Role
from app.workflow.archiving import run_capture
from tests.support.browser import chromium, serving
from tests.support.hostile_server import HostileServer
from tests.support.live import cite, headers_for, new_claim


def test_archived_scripts_never_run(live_app: Flask, web: HostileServer) -> None:
    headers = headers_for(live_app, Role.FACT_CHECKER)
    claim_id = new_claim(live_app, headers)
    capture_id = cite(live_app, headers, claim_id, web.url("/scripted"))["capture"]["id"]
    with live_app.app_context():
        assert run_capture(session(), capture_id).status == "archived"

    with serving(live_app) as served, chromium() as browser:
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
