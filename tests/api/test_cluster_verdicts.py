"""An approved verdict applied to every restatement in the cluster, each with its own record."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import ClaimState, Event, Role, Verdict, VerdictStatus
from tests import factories
from tests.conftest import Users
from tests.test_auth import assert_problem


def test_apply_verdict_to_cluster(client: FlaskClient, db: Session, users: Users) -> None:
    proposer, proposer_headers = users.make(Role.EDITOR)
    editor, editor_headers = users.make(Role.EDITOR)
    first = factories.ClaimFactory(state=ClaimState.CORROBORATED, text="40 schools were rebuilt.")
    first.cluster_id = first.id
    same = factories.ClaimFactory(text="Forty schools have been rebuilt.", cluster_id=first.id)
    other = factories.ClaimFactory(text="Unrelated.")
    db.add(
        Verdict(
            claim=first,
            rating="true",
            rationale="Ministry records.",
            proposed_by_id=proposer.id,
            claim_state=first.state,
            status=VerdictStatus.APPROVED,
            reviewed_by_id=editor.id,
            reviewed_at=utcnow(),
        )
    )
    db.flush()

    detail = client.get(f"/api/v1/claims/{first.id}", headers=editor_headers).json
    assert detail["cluster_members"] == [same.id]

    refused = client.post(
        f"/api/v1/claims/{first.id}/verdict/apply-to-cluster", headers=proposer_headers
    )
    assert_problem(refused, 403)
    resp = client.post(
        f"/api/v1/claims/{first.id}/verdict/apply-to-cluster", headers=editor_headers
    )
    assert resp.status_code == 200 and resp.json["claim_ids"] == [same.id]
    copied = db.scalars(select(Verdict).where(Verdict.claim_id == same.id)).one()
    assert (copied.rating, copied.status, copied.reviewed_by_id) == (
        "true",
        VerdictStatus.APPROVED,
        editor.id,
    )
    assert db.scalars(select(Verdict).where(Verdict.claim_id == other.id)).all() == []
    kinds = db.scalars(select(Event.kind).where(Event.claim_id == same.id)).all()
    assert "verdict_applied_from_cluster" in kinds
    again = client.post(
        f"/api/v1/claims/{first.id}/verdict/apply-to-cluster", headers=editor_headers
    )
    assert again.json["claim_ids"] == []  # members with a standing verdict are left alone
