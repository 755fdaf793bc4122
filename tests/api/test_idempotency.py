"""Idempotency-Key on creating POSTs: a double submit never creates a duplicate."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import Claim, IdempotencyRecord, Role, Verdict
from tests.conftest import Users
from tests.support.desk import Desk, problem


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_same_key_same_body_replays_first_response(desk: Desk, checker, db: Session) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    headers = {**h, "Idempotency-Key": "4f1c9a52-claim"}
    first = desk.client.post("/api/v1/claims", json={"text": "Forty schools."}, headers=headers)
    again = desk.client.post("/api/v1/claims", json={"text": "Forty schools."}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(db, Claim) == 1


def test_same_key_other_body_is_422(desk: Desk, checker, db: Session) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    headers = {**h, "Idempotency-Key": "k-1"}
    desk.client.post("/api/v1/claims", json={"text": "Forty schools."}, headers=headers)
    body = problem(
        desk.client.post("/api/v1/claims", json={"text": "Fifty schools."}, headers=headers), 422
    )
    assert "different request" in body["detail"]
    assert _count(db, Claim) == 1


def test_keys_are_per_user_and_expire_after_a_day(desk: Desk, users: Users, db: Session) -> None:
    _, h1 = users.make()
    _, h2 = users.make()
    body = {"text": "Forty schools."}
    desk.client.post("/api/v1/claims", json=body, headers={**h1, "Idempotency-Key": "same"})
    desk.client.post("/api/v1/claims", json=body, headers={**h2, "Idempotency-Key": "same"})
    assert _count(db, Claim) == 2
    from app.db import utcnow

    db.execute(update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))
    db.flush()
    resp = desk.client.post("/api/v1/claims", json=body, headers={**h1, "Idempotency-Key": "same"})
    assert resp.status_code == 201 and "Idempotent-Replayed" not in resp.headers
    assert _count(db, Claim) == 3


def test_expired_keys_are_purged_and_live_ones_kept(desk: Desk, users: Users, db: Session) -> None:
    from app.db import utcnow
    from app.workflow.housekeeping import purge_expired_idempotency_keys

    _, h = users.make()
    for key in ("old", "new"):
        body = {"text": f"Forty schools ({key})."}
        desk.client.post("/api/v1/claims", json=body, headers={**h, "Idempotency-Key": key})
    db.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.key == "old")
        .values(created_at=utcnow() - timedelta(hours=25))
    )
    with desk.app.app_context():  # the TTL is a setting, as in the beat task
        assert purge_expired_idempotency_keys(db) == 1
    assert db.scalars(select(IdempotencyRecord.key)).all() == ["new"]


def test_failed_request_is_not_remembered(desk: Desk, checker, db: Session) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    claim = desk.create_claim(h)
    headers = {**h, "Idempotency-Key": "verdict-1"}
    url = f"/api/v1/claims/{claim['id']}/verdict"
    body = {"rating": "true", "rationale": "Two reports."}
    problem(desk.client.post(url, json=body, headers=headers), 409)  # not corroborated yet
    assert _count(db, IdempotencyRecord) == 0
    desk.corroborate(claim["id"])
    first = desk.client.post(url, json=body, headers=headers)
    again = desk.client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    assert _count(db, Verdict) == 1


def test_bad_key_is_refused(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    resp = desk.client.post(
        "/api/v1/claims", json={"text": "x"}, headers={**h, "Idempotency-Key": "x" * 300}
    )
    assert problem(resp, 422)["errors"][0]["field"] == "Idempotency-Key"


def test_concurrent_double_submit_creates_one_claim(live_app: Flask) -> None:
    import threading

    from app.auth.credentials import issue_token
    from app.db import get_db
    from tests import factories

    sess = factories.UserFactory._meta.sqlalchemy_session
    token = issue_token(sess, factories.UserFactory(role=Role.FACT_CHECKER))
    sess.commit()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "double-click"}
    barrier = threading.Barrier(8)
    results: list[tuple[int, int]] = []

    def submit() -> None:
        client = live_app.test_client()
        barrier.wait()
        resp = client.post("/api/v1/claims", json={"text": "Forty schools."}, headers=headers)
        results.append((resp.status_code, resp.json["id"]))

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert {status for status, _ in results} == {201}
    assert len({cid for _, cid in results}) == 1
    with get_db(live_app).factory() as s:
        assert s.scalar(select(func.count()).select_from(Claim)) == 1
