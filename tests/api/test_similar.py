"""GET /claims/{id}/similar and POST .../similar/{other}/confirm|reject|undo."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Claim, Event, Role
from app.workflow.clusters import assign_cluster
from tests.conftest import Users
from tests.test_auth import assert_problem

SCHOOLS = "The ministry says 40 schools in the Riverton region were rebuilt last year."
RESTATED = "Riverton has rebuilt forty of its flooded schools, officials told parents on Monday."
NEGATED = "The 40 schools in the Riverton region were not rebuilt, parents say."
UNRELATED = "The herring quota was raised by 18% after scientists reported a recovery."


def _create(client: FlaskClient, db: Session, headers: dict[str, str], *texts: str) -> list[int]:
    ids = []
    for text in texts:
        resp = client.post("/api/v1/claims", json={"text": text}, headers=headers)
        assert resp.status_code == 201, resp.json
        ids.append(resp.json["id"])
        assign_cluster(db, resp.json["id"])  # what the cluster task does after the commit
        db.flush()
    return ids


def test_similar_lists_suggestions_best_first(
    client: FlaskClient, db: Session, users: Users
) -> None:
    _, h = users.make()
    first, negated, unrelated, new = _create(client, db, h, SCHOOLS, NEGATED, UNRELATED, RESTATED)
    resp = client.get(f"/api/v1/claims/{new}/similar", headers=h)
    assert resp.status_code == 200
    similar = resp.json["similar"]
    assert {s["claim_id"] for s in similar} >= {first, negated}
    assert unrelated not in {s["claim_id"] for s in similar}
    scores = [s["score"] for s in similar]
    assert scores == sorted(scores, reverse=True)
    entry = next(s for s in similar if s["claim_id"] == first)
    assert entry["status"] == "suggested" and entry["relation"] == "same"
    assert entry["reasons"] and set(entry) >= {"claim_id", "score", "status", "relation", "reasons"}
    contra = next(s for s in similar if s["claim_id"] == negated)
    assert contra["relation"] == "contradicts"
    # the same pair from the other side
    back = client.get(f"/api/v1/claims/{first}/similar", headers=h).json["similar"]
    assert new in {s["claim_id"] for s in back}


def test_confirm_reject_undo(client: FlaskClient, db: Session, users: Users) -> None:
    user, h = users.make()
    first, new = _create(client, db, h, SCHOOLS, RESTATED)
    resp = client.post(f"/api/v1/claims/{new}/similar/{first}/confirm", headers=h)
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "confirmed" and resp.json["decided_by"] == user.id
    assert client.get(f"/api/v1/claims/{new}", headers=h).json["cluster_id"] == first

    resp = client.post(f"/api/v1/claims/{first}/similar/{new}/undo", headers=h)
    assert resp.status_code == 200 and resp.json["status"] == "suggested"
    assert client.get(f"/api/v1/claims/{new}", headers=h).json["cluster_id"] == new

    resp = client.post(f"/api/v1/claims/{new}/similar/{first}/reject", headers=h)
    assert resp.status_code == 200 and resp.json["status"] == "rejected"
    assert client.get(f"/api/v1/claims/{new}", headers=h).json["cluster_id"] == new
    listed = client.get(f"/api/v1/claims/{new}/similar", headers=h).json["similar"]
    assert next(s for s in listed if s["claim_id"] == first)["status"] == "rejected"
    kinds = db.scalars(select(Event.kind).where(Event.claim_id == first)).all()
    assert {"similarity_confirmed", "similarity_undone", "similarity_rejected"} <= set(kinds)


def test_bad_requests_get_clear_4xx(client: FlaskClient, db: Session, users: Users) -> None:
    _, h = users.make()
    first, unrelated = _create(client, db, h, SCHOOLS, UNRELATED)
    assert_problem(client.get("/api/v1/claims/999999/similar", headers=h), 404)
    assert_problem(client.post(f"/api/v1/claims/{first}/similar/999999/confirm", headers=h), 404)
    assert_problem(
        client.post(f"/api/v1/claims/{first}/similar/{unrelated}/confirm", headers=h), 409
    )
    assert_problem(client.post(f"/api/v1/claims/{first}/similar/{unrelated}/undo", headers=h), 409)
    assert_problem(client.get(f"/api/v1/claims/{first}/similar"), 401)
    assert client.get("/api/v1/claims/0/similar", headers=h).status_code == 404
    assert db.get(Claim, unrelated).cluster_id == unrelated  # type: ignore[union-attr]


def test_openapi_lists_the_routes(client: FlaskClient, users: Users) -> None:
    _, h = users.make(Role.EDITOR)
    paths = client.get("/api/v1/openapi.json", headers=h).json["paths"]
    assert any(p.endswith("/similar") for p in paths)
    assert any(p.endswith("/confirm") for p in paths)
    assert any(p.endswith("/reject") for p in paths)
