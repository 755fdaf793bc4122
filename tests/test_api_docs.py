"""The API docs page is served by claimdesk alone: no CDN, nothing from another origin."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from tests.support.browser import chromium, serving

DOCS = "/api/docs/swagger/"


def test_docs_page_names_no_other_origin(client: FlaskClient) -> None:
    resp = client.get(DOCS)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert not re.search(r"(?i)\b(https?:)?//[a-z0-9]", html), (
        "no absolute or protocol-relative URL"
    )
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', html) if a != "data:,"]
    assert assets and all(a.startswith("/static/swagger/") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "default-src 'self'" in html  # the page's own policy forbids other origins


def test_swagger_ui_renders_from_local_assets_only(live_app: Flask) -> None:
    requested: list[str] = []
    problems: list[str] = []
    with serving(live_app) as served, chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{served}{DOCS}")
        title = page.locator(".swagger-ui .info .title")
        title.wait_for(timeout=20_000)
        assert "claimdesk API" in title.inner_text()
        page.locator(".opblock-tag", has_text="users").first.wait_for()
    origins = {urlsplit(u)._replace(path="", query="", fragment="").geturl() for u in requested}
    assert {o for o in origins if not o.startswith("data:")} == {served}, requested
    assert problems == []
