"""Verdicts: only on corroborated/disputed claims, four-eyes review, staleness, corrections."""

from __future__ import annotations

from app.models import Role, Stance
from tests.conftest import Users
from tests.support.desk import Desk, problem


def _propose(desk: Desk, claim_id: int, h: dict, rating: str = "true"):  # type: ignore[no-untyped-def]
    return desk.client.post(
        f"/api/v1/claims/{claim_id}/verdict",
        json={"rating": rating, "rationale": "Two ministry reports agree."},
        headers=h,
    )


def test_verdict_needs_corroborated_or_disputed_claim(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    claim = desk.create_claim(h)
    body = problem(_propose(desk, claim["id"], h), 409)
    assert "submitted" in body["detail"]
    desk.cite(claim["id"], Stance.REFUTES, "alpha.example")
    assert _propose(desk, claim["id"], h, "false").status_code == 201


def test_rating_must_be_on_the_scale_and_rationale_given(desk: Desk, checker) -> None:  # type: ignore[no-untyped-def]
    _, h = checker
    claim = desk.create_claim(h)
    desk.corroborate(claim["id"])
    body = problem(_propose(desk, claim["id"], h, "pants-on-fire"), 422)
    assert body["errors"][0]["field"] == "rating" and "mostly-true" in body["detail"]
    url = f"/api/v1/claims/{claim['id']}/verdict"
    body = problem(desk.client.post(url, json={"rating": "true"}, headers=h), 422)
    assert body["errors"][0]["field"] == "rationale"
    assert desk.get(claim["id"], h)["verdicts"] == []  # nothing half-written


def test_four_eyes_approval(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    proposer, ed1 = users.make(Role.EDITOR)
    approver, ed2 = users.make(Role.EDITOR)
    claim = desk.create_claim(checker)
    desk.corroborate(claim["id"])
    proposed = _propose(desk, claim["id"], ed1)
    assert proposed.status_code == 201 and proposed.json["status"] == "proposed"
    assert proposed.json["rating_value"] == 5
    approve = f"/api/v1/claims/{claim['id']}/verdict/approve"
    problem(desk.client.post(approve, json={}, headers=checker), 403)
    body = problem(desk.client.post(approve, json={}, headers=ed1), 403)
    assert "four-eyes" in body["detail"]
    problem(_propose(desk, claim["id"], checker), 409)  # one proposal at a time
    ok = desk.client.post(approve, json={"note": "Good work."}, headers=ed2)
    assert ok.status_code == 200
    assert ok.json["status"] == "approved" and ok.json["reviewed_by_id"] == approver.id
    assert ok.json["proposed_by_id"] == proposer.id and ok.json["reviewed_at"]
    detail = desk.get(claim["id"], checker)
    assert detail["verified"] is True and detail["verdict"]["id"] == ok.json["id"]
    problem(desk.client.post(approve, json={}, headers=ed2), 409)  # nothing left to approve


def test_reject_needs_a_note_and_returns_claim_to_queue(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(checker)
    desk.corroborate(claim["id"])
    _propose(desk, claim["id"], checker)
    reject = f"/api/v1/claims/{claim['id']}/verdict/reject"
    body = problem(desk.client.post(reject, json={}, headers=editor), 422)
    assert body["errors"][0]["field"] == "note"
    rejected = desk.client.post(reject, json={"note": "Cite the 2025 budget."}, headers=editor)
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert desk.client.post("/api/v1/queue/next", headers=checker).json["id"] == claim["id"]


def test_approval_refused_when_state_moved_since_proposal(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(checker)
    desk.corroborate(claim["id"])
    _propose(desk, claim["id"], checker)
    desk.cite(claim["id"], Stance.REFUTES, "gamma.example")
    body = problem(
        desk.client.post(f"/api/v1/claims/{claim['id']}/verdict/approve", json={}, headers=editor),
        409,
    )
    assert "corroborated to disputed" in body["detail"]


def test_new_evidence_after_approval_makes_verdict_stale(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, editor = users.make(Role.EDITOR)
    claim = desk.create_claim(checker)
    desk.corroborate(claim["id"])
    _propose(desk, claim["id"], checker)
    desk.client.post(f"/api/v1/claims/{claim['id']}/verdict/approve", json={}, headers=editor)
    assert desk.client.post("/api/v1/queue/next", headers=checker).status_code == 204
    desk.cite(claim["id"], Stance.REFUTES, "gamma.example")
    detail = desk.get(claim["id"], checker)
    assert detail["state"] == "disputed" and detail["verified"] is False
    assert detail["verdict"]["stale"] is True
    assert "corroborated to disputed" in detail["verdict"]["stale_reason"]
    assert desk.client.post("/api/v1/queue/next", headers=checker).json["id"] == claim["id"]
    # A fresh verdict on the new evidence supersedes the stale one once approved.
    _, other_checker = users.make()
    desk.client.post(f"/api/v1/claims/{claim['id']}/lease/release", headers=checker)
    assert _propose(desk, claim["id"], other_checker, "false").status_code == 201
    desk.client.post(f"/api/v1/claims/{claim['id']}/verdict/approve", json={}, headers=editor)
    statuses = [v["status"] for v in desk.get(claim["id"], checker)["verdicts"]]
    assert statuses == ["superseded", "approved"]


def test_correction_keeps_history_and_shows_in_export(desk: Desk, users: Users) -> None:
    _, checker = users.make()
    _, ed1 = users.make(Role.EDITOR)
    _, ed2 = users.make(Role.EDITOR)
    claim = desk.create_claim(checker)
    desk.corroborate(claim["id"])
    correct = f"/api/v1/claims/{claim['id']}/verdict/correct"
    fix = {"rating": "mostly-true", "rationale": "38, not 40.", "correction_note": "We erred."}
    problem(desk.client.post(correct, json=fix, headers=ed1), 409)  # nothing approved yet
    first = _propose(desk, claim["id"], checker).json
    desk.client.post(f"/api/v1/claims/{claim['id']}/verdict/approve", json={}, headers=ed1)
    problem(desk.client.post(correct, json=fix, headers=checker), 403)
    corrected = desk.client.post(correct, json=fix, headers=ed2)
    assert corrected.status_code == 201
    assert corrected.json["corrects_id"] == first["id"]
    assert corrected.json["correction_note"] == "We erred."
    approve = f"/api/v1/claims/{claim['id']}/verdict/approve"
    assert desk.client.post(approve, json={}, headers=ed1).status_code == 200
    verdicts = desk.get(claim["id"], checker)["verdicts"]
    assert [(v["rating"], v["status"]) for v in verdicts] == [
        ("true", "superseded"),
        ("mostly-true", "approved"),
    ]
    export = desk.client.get("/api/v1/exports/claims.jsonl", headers=checker)
    assert export.status_code == 200
    text = export.get_data(as_text=True)
    assert "mostly-true" in text and "We erred." in text
