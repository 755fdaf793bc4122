"""Helpers for tests that run against a live app (real commits, real workers): users with
tokens, claims and citations through the API, rows read back in a fresh session."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.db import get_db
from app.models import Capture, CaptureStatus, Role
from tests import factories
from tests.conftest import Users


def headers_for(app: Flask, role: Role = Role.FACT_CHECKER) -> dict[str, str]:
    with get_db(app).factory() as s:
        for f in factories.ALL:
            f._meta.sqlalchemy_session = s
        _, headers = Users(s).make(role)
        s.commit()
    return headers


def new_claim(app: Flask, headers: dict[str, str], text: str = "40 schools were rebuilt.") -> int:
    resp = app.test_client().post("/api/v1/claims", json={"text": text}, headers=headers)
    assert resp.status_code == 201, resp.json
    return int(resp.json["id"])


def cite(
    app: Flask,
    headers: dict[str, str],
    claim_id: int,
    url: str,
    stance: str = "supports",
    quote: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"url": url, "stance": stance}
    if quote:
        body["quote"] = quote
    resp = app.test_client().post(f"/api/v1/claims/{claim_id}/evidence", json=body, headers=headers)
    assert resp.status_code == 202, resp.json
    return dict(resp.json)


def capture_row(app: Flask, capture_id: int) -> Capture:
    with get_db(app).factory() as s:
        capture = s.get(Capture, capture_id)
        assert capture is not None
        s.expunge(capture)
        return capture


def settled(app: Flask, ids: list[int]) -> bool:
    with get_db(app).factory() as s:
        statuses = s.scalars(select(Capture.status).where(Capture.id.in_(ids))).all()
    return len(statuses) == len(ids) and all(
        st in (CaptureStatus.ARCHIVED, CaptureStatus.FAILED) for st in statuses
    )


def override_settings(app: Flask, **values: Any) -> None:
    """Change settings of an app already built (as a restart with a new environment would)."""
    current = app.config["SETTINGS"]
    for name, value in values.items():
        if name in type(current).model_fields:
            setattr(current, name, value)
