from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from app.ids import _ID_PATTERN, MAX_ID
from app.models import Claim
from tests.test_auth import assert_problem


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_ok(client: FlaskClient) -> None:
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_503_when_broker_unreachable(config: dict) -> None:
    app = create_app({**config, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"})
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.json["checks"]["database"] == "ok"
    assert resp.json["checks"]["broker"] != "ok"


def test_readyz_503_when_database_unreachable(config: dict) -> None:
    app = create_app({**config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.json["checks"]["database"] != "ok"


def test_unknown_api_path_is_problem_404(client: FlaskClient) -> None:
    body = assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert "/api/v1/nothing-here" in body["detail"]


def test_wrong_method_is_problem_405(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    resp = client.delete("/api/v1/me", headers=checker[1])
    assert_problem(resp, 405)
    assert "GET" in resp.headers["Allow"]


def test_malformed_json_is_400(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    resp = client.post(
        "/api/v1/claims", data='{"text": ', content_type="application/json", headers=checker[1]
    )
    body = assert_problem(resp, 400)
    assert "JSON" in body["detail"]


def test_non_json_body_is_415(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    resp = client.post(
        "/api/v1/claims", data="text=hi", content_type="text/plain", headers=checker[1]
    )
    assert_problem(resp, 415)


def test_validation_error_names_the_field(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    resp = client.post(
        "/api/v1/claims", json={"text": "   ", "claim_date": "yesterday"}, headers=checker[1]
    )
    body = assert_problem(resp, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"text", "claim_date"} <= fields
    assert "claim_date" in body["detail"]


def test_oversized_body_is_413(app: Flask, client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    resp = client.post(
        "/api/v1/claims",
        data=json.dumps({"text": "x" * 5000}),
        content_type="application/json",
        headers=checker[1],
    )
    body = assert_problem(resp, 413)
    assert "1000" in body["detail"]


def test_request_id_is_echoed_or_created(client: FlaskClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"]
        == "abc-123"
    )
    generated = client.get("/healthz").headers["X-Request-Id"]
    assert len(generated) == 32


def test_logs_are_json_with_request_id(client: FlaskClient, capsys) -> None:  # type: ignore[no-untyped-def]
    from flask import current_app

    @client.application.get("/_log_probe")
    def _probe() -> str:
        current_app.logger.warning("probe message")
        return "ok"

    client.get("/_log_probe", headers={"X-Request-Id": "req-42"})
    lines = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if "probe message" in line
    ]
    assert lines and lines[0]["request_id"] == "req-42" and lines[0]["level"] == "WARNING"


def test_metrics_exposes_workflow_gauges(client: FlaskClient, users) -> None:  # type: ignore[no-untyped-def]
    from app.models import Role

    client.get("/healthz")
    _, admin = users.make(Role.ADMIN)
    text = client.get("/metrics", headers=admin).get_data(as_text=True)
    assert 'claimdesk_queue_depth{state="submitted"}' in text
    assert "claimdesk_http_requests_total" in text
    assert "claimdesk_outbox_pending" in text
    assert "claimdesk_fetch_duration_seconds_last_hour_bucket" in text


def test_openapi_document_is_3_1(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    assert "/api/v1/claims" in doc["paths"]


def test_nul_characters_are_refused_with_the_field(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    resp = client.post(
        "/api/v1/claims", json={"text": "ok", "tags": ["a", "b\x00"]}, headers=checker[1]
    )
    body = assert_problem(resp, 422)
    assert body["errors"][0]["field"] == "tags.1"


def test_a_lone_surrogate_is_refused_and_nothing_is_stored(
    client: FlaskClient,
    checker,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    before = db.scalar(select(func.count(Claim.id)))
    resp = client.post(
        "/api/v1/claims", json={"text": "ok", "tags": ["\ud800"]}, headers=checker[1]
    )
    body = assert_problem(resp, 422)
    assert body["errors"][0]["field"] == "tags.0" and "surrogate" in body["detail"]
    assert db.scalar(select(func.count(Claim.id))) == before
    assert client.get("/api/v1/claims", headers=checker[1]).status_code == 200


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "cursor=%00"])
def test_nul_in_a_query_is_refused(client: FlaskClient, checker, query: str) -> None:  # type: ignore[no-untyped-def]
    body = assert_problem(client.get(f"/api/v1/claims?{query}", headers=checker[1]), 422)
    assert "NUL" in body["detail"]


def test_every_id_out_of_range_is_a_404(app: Flask, client: FlaskClient) -> None:
    """One converter for every route: ids beyond a 32-bit integer never reach the database."""
    rules = [r for r in app.url_map.iter_rules() if any(a.endswith("_id") for a in r.arguments)]
    assert len(rules) > 15
    for rule in rules:
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        for big in (2**31, 10**20):
            url = "/".join(
                str(big) if part.startswith("<") else part for part in rule.rule.split("/")
            )
            resp = client.open(url, method=method, json={})
            assert resp.status_code == 404, (url, resp.status_code)


def test_a_time_without_a_zone_is_refused(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/api/v1/exports/claims.jsonl?since=2020-01-01T00:00:00", headers=checker[1])
    assert assert_problem(resp, 422)["errors"][0]["field"] == "since"
    ok = client.get("/api/v1/exports/claims.jsonl?since=2020-01-01T00:00:00Z", headers=checker[1])
    assert ok.status_code == 200


@given(st.integers(min_value=-10, max_value=10**11) | st.integers(2**31 - 50, 2**31 + 50))
def test_the_id_pattern_matches_exactly_the_range(n: int) -> None:
    assert bool(re.fullmatch(_ID_PATTERN, str(n))) is (1 <= n <= MAX_ID)
    assert not re.fullmatch(_ID_PATTERN, f"0{abs(n)}")  # no leading zeros


def test_urls_too_long_to_store_are_refused(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    headers = checker[1]
    long_url = "https://example.org/" + "a" * 2060
    body = {"text": "A claim.", "appearance_url": long_url}
    resp = client.post("/api/v1/claims", json=body, headers=headers)
    assert assert_problem(resp, 422)["errors"][0]["field"] == "appearance_url"
    doc = {"title": "T", "text": "Some text here.", "url": long_url}
    assert assert_problem(client.post("/api/v1/documents", json=doc, headers=headers), 422)
    claim = client.post("/api/v1/claims", json={"text": "A claim."}, headers=headers).json
    # Under the limit as sent, past it once normalised (each "é" becomes "%C3%A9").
    cited = {"url": "https://example.org/" + "é" * 700, "stance": "supports"}
    resp = client.post(f"/api/v1/claims/{claim['id']}/evidence", json=cited, headers=headers)
    assert "2048" in assert_problem(resp, 422)["detail"]


def test_a_5xx_leaves_nothing_committed(live_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim, its event and its queued task are written, then the response cannot be
    built: the request answers 500 and none of it is stored."""
    from app.api import claims as claims_api
    from app.db import get_db
    from app.models import Event, OutboxMessage
    from tests.support.live import headers_for

    headers = headers_for(live_app)

    def counts() -> tuple[int, int, int]:
        with get_db(live_app).factory() as s:
            return (
                s.scalar(select(func.count(Claim.id))) or 0,
                s.scalar(select(func.count(Event.id))) or 0,
                s.scalar(select(func.count(OutboxMessage.id))) or 0,
            )

    before = counts()

    def broken(*_: object) -> None:
        raise RuntimeError("the response cannot be built")

    monkeypatch.setattr(claims_api, "claim_detail", broken)
    resp = live_app.test_client().post("/api/v1/claims", json={"text": "x"}, headers=headers)
    assert resp.status_code == 500 and resp.mimetype == "application/problem+json"
    assert counts() == before


@pytest.mark.parametrize(
    "query", ["since=0001-01-01T00:00:00%2B22:25", "approved_to=9999-12-31T23:59:59-05:00"]
)
def test_a_time_out_of_range_in_utc_is_refused(client: FlaskClient, checker, query: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.get(f"/api/v1/exports/claims.csv?{query}", headers=checker[1])
    assert "out of range" in assert_problem(resp, 422)["detail"]
