"""Internals stay internal: /metrics needs a token, /readyz names no host (issue 13.9)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.db import get_db
from app.models import Role
from tests.conftest import Users

SCRAPE_TOKEN = "prometheus-scrape-token-for-tests-only-0123456789"


@pytest.fixture()
def scraped(config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app({**config, "METRICS_TOKEN": SCRAPE_TOKEN})
    yield application
    get_db(application).engine.dispose()


def test_metrics_refuse_strangers_and_non_admins(client: FlaskClient, users: Users) -> None:
    resp = client.get("/metrics")
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert "claimdesk_" not in resp.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Basic eDp5"}).status_code == 401
    _, editor = users.make(Role.EDITOR)
    assert client.get("/metrics", headers=editor).status_code == 403
    _, admin = users.make(Role.ADMIN)
    resp = client.get("/metrics", headers=admin)
    assert resp.status_code == 200 and "claimdesk_queue_depth" in resp.get_data(as_text=True)


def test_metrics_token_is_accepted_and_only_it(scraped: Flask) -> None:
    client = scraped.test_client()
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert ok.status_code == 200 and "claimdesk_captures" in ok.get_data(as_text=True)
    wrong = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}x"})
    assert wrong.status_code == 401
    assert client.get("/metrics").status_code == 401


def test_readyz_names_the_dependency_but_not_its_address(
    config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(
        {
            **config,
            "DATABASE_URL": "postgresql+psycopg://secretrole@127.0.0.1:1/hiddendb",
            "CELERY_BROKER_URL": "redis://127.0.0.1:2/0",
        }
    )
    with caplog.at_level(logging.WARNING, logger="app.health"):
        resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.json == {"status": "unavailable", "checks": {"database": "down", "broker": "down"}}
    body = resp.get_data(as_text=True)
    for leak in ("127.0.0.1", "secretrole", "hiddendb", ":1", ":2", "Error"):
        assert leak not in body
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "database unreachable" in logged and "broker unreachable" in logged


def test_readyz_says_which_one_is_down(config: dict[str, Any]) -> None:
    app = create_app({**config, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"})
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.json == {"status": "unavailable", "checks": {"database": "ok", "broker": "down"}}
