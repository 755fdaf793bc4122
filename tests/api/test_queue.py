"""The review queue: leases, renew/release, editors assign, and no claim leased twice under
concurrency (real commits, on SQLite and Postgres)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from app.auth.credentials import issue_token
from app.db import get_db, utcnow
from app.models import Claim, Event, Role
from tests import factories
from tests.conftest import Users
from tests.support.desk import Desk, problem


def _expire_lease(desk: Desk, claim_id: int) -> None:
    desk.db.expire_all()
    claim = desk.db.get(Claim, claim_id)
    assert claim is not None
    claim.lease_expires_at = utcnow() - timedelta(seconds=1)
    desk.db.commit()


def test_next_leases_best_claim_then_204(desk: Desk, users: Users) -> None:
    u1, h1 = users.make()
    _, h2 = users.make()
    low = desk.create_claim(h1, "The port handled 10 ships.")
    high = desk.create_claim(h1, "The port handled 20 ships.")
    desk.db.expire_all()
    desk.db.get(Claim, high["id"]).checkworthiness = 0.9  # type: ignore[union-attr]
    desk.db.get(Claim, high["id"]).priority = 0.9  # type: ignore[union-attr]
    desk.db.commit()
    taken = desk.client.post("/api/v1/queue/next", headers=h1)
    assert taken.status_code == 200 and taken.json["id"] == high["id"]
    assert taken.json["assignee_id"] == u1.id and taken.json["lease_expires_at"]
    assert taken.headers["ETag"] == f'"{taken.json["version"]}"'
    second = desk.client.post("/api/v1/queue/next", headers=h2)
    assert second.json["id"] == low["id"]
    assert desk.client.post("/api/v1/queue/next", headers=h2).status_code == 204
    _expire_lease(desk, high["id"])  # an expired lease is up for grabs again
    again = desk.client.post("/api/v1/queue/next", headers=h2)
    assert again.status_code == 200 and again.json["id"] == high["id"]
    kinds = [e["kind"] for e in desk.get(high["id"], h1)["events"]]
    assert kinds.count("leased") == 2


def test_claims_awaiting_review_are_not_handed_out(desk: Desk, users: Users) -> None:
    _, h = users.make()
    claim = desk.create_claim(h)
    desk.corroborate(claim["id"])
    proposed = desk.client.post(
        f"/api/v1/claims/{claim['id']}/verdict",
        json={"rating": "true", "rationale": "r"},
        headers=h,
    )
    assert proposed.status_code == 201
    assert desk.client.post("/api/v1/queue/next", headers=h).status_code == 204


def test_renew_release_and_who_may(desk: Desk, users: Users) -> None:
    holder, h = users.make()
    _, other = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(h)
    desk.client.post(
        f"/api/v1/claims/{claim['id']}/assign", json={"user_id": holder.id}, headers=editor
    )
    first = desk.get(claim["id"], h)["lease_expires_at"]
    renewed = desk.client.post(f"/api/v1/claims/{claim['id']}/lease/renew", headers=h)
    assert renewed.status_code == 200 and renewed.json["lease_expires_at"] >= first
    problem(desk.client.post(f"/api/v1/claims/{claim['id']}/lease/renew", headers=other), 409)
    body = problem(
        desk.client.post(f"/api/v1/claims/{claim['id']}/lease/release", headers=other), 403
    )
    assert "editor" in body["detail"]
    released = desk.client.post(f"/api/v1/claims/{claim['id']}/lease/release", headers=h)
    assert released.status_code == 200 and released.json["assignee_id"] is None
    problem(desk.client.post(f"/api/v1/claims/{claim['id']}/lease/release", headers=h), 409)


def test_stale_if_match_on_a_lease_call_is_412(desk: Desk, users: Users) -> None:
    _, h = users.make()
    _, editor = users.make(Role.EDITOR)
    holder, _ = users.make()
    claim = desk.create_claim(h)
    body = problem(
        desk.client.post(
            f"/api/v1/claims/{claim['id']}/assign",
            json={"user_id": holder.id},
            headers={**editor, "If-Match": '"999"'},
        ),
        412,
    )
    assert body["current_version"] == claim["version"]


def test_only_editors_assign(desk: Desk, users: Users) -> None:
    u, h = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(h)
    url = f"/api/v1/claims/{claim['id']}/assign"
    problem(desk.client.post(url, json={"user_id": u.id}, headers=h), 403)
    body = problem(desk.client.post(url, json={"user_id": 987654}, headers=editor), 422)
    assert body["errors"][0]["field"] == "user_id"
    assigned = desk.client.post(url, json={"user_id": u.id}, headers=editor)
    assert assigned.status_code == 200 and assigned.json["assignee_id"] == u.id
    event = next(e for e in desk.get(claim["id"], h)["events"] if e["kind"] == "assigned")
    assert event["before"]["assignee_id"] is None and event["after"]["assignee_id"] == u.id
    unassigned = desk.client.post(url, json={"user_id": None}, headers=editor)
    assert unassigned.json["assignee_id"] is None


def test_fifty_threads_thirty_claims_no_claim_leased_twice(live_app: Flask) -> None:
    sess = factories.UserFactory._meta.sqlalchemy_session
    tokens = []
    for _ in range(10):
        user = factories.UserFactory(role=Role.FACT_CHECKER)
        tokens.append(issue_token(sess, user))
    claim_ids = [factories.ClaimFactory(priority=0.5).id for _ in range(30)]
    sess.commit()

    barrier = threading.Barrier(50)
    results: list[tuple[int, int | None]] = []
    lock = threading.Lock()

    def take(i: int) -> None:
        client = live_app.test_client()
        headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
        barrier.wait()
        resp = client.post("/api/v1/queue/next", headers=headers)
        with lock:
            results.append((resp.status_code, resp.json["id"] if resp.status_code == 200 else None))

    threads = [threading.Thread(target=take, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 50
    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 30, 204: 20}, statuses
    leased = [cid for _, cid in results if cid is not None]
    assert sorted(leased) == sorted(claim_ids)  # every claim once, none twice
    with get_db(live_app).factory() as s:
        per_claim = dict(
            s.execute(
                select(Event.claim_id, func.count())
                .where(Event.kind == "leased")
                .group_by(Event.claim_id)
            ).all()
        )
        assert per_claim == {cid: 1 for cid in claim_ids}
        assert s.scalar(select(func.count()).where(Claim.assignee_id.is_(None))) == 0
