"""Random sequences of add evidence / capture result / propose / approve / reject / correct /
new evidence after approval, through the API, checking the invariants after every step:

- each claim's state is what the lifecycle rule gives for the evidence the test added;
- an approved verdict is on a claim whose state matched at approval, or it is marked stale;
- nobody approves or rejects their own proposal;
- the audit trail only grows: earlier events never change, ids and times only increase,
  and every hash chain verifies;
- the API answers proposals and approvals as the model predicts (201/200 or 409/403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from app.models import Role, Stance
from app.workflow.audit import verify_chains
from app.workflow.lifecycle import ClaimState, EvidenceFacts, compute_state
from tests.conftest import Users
from tests.support.desk import Desk

PUBLISHERS = ["alpha.example", "beta.example", "gamma.example"]
RATEABLE = {ClaimState.CORROBORATED, ClaimState.DISPUTED}


@dataclass
class ClaimModel:
    id: int
    evidence: dict[int, EvidenceFacts] = field(default_factory=dict)
    pending_proposer: int | None = None  # user id of the proposal awaiting review
    proposed_on: ClaimState | None = None  # the state that proposal was made on
    pending_correction: bool = False  # the proposal corrects the standing verdict
    standing: bool = False  # an approved verdict that is not stale
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> ClaimState:
        return compute_state(self.evidence.values())


def test_workflow_state_machine(desk: Desk, users: Users) -> None:
    people = {
        "checker1": users.make(Role.FACT_CHECKER),
        "checker2": users.make(Role.FACT_CHECKER),
        "editor1": users.make(Role.EDITOR),
        "editor2": users.make(Role.EDITOR),
    }
    editors = ["editor1", "editor2"]

    class Workflow(RuleBasedStateMachine):
        claims = Bundle("claims")
        pending = Bundle("pending")

        def __init__(self) -> None:
            super().__init__()
            self.models: dict[int, ClaimModel] = {}

        def _post(self, url: str, who: str, body: dict | None = None) -> Any:
            return desk.client.post(
                f"/api/v1/claims/{url}", json=body or {}, headers=people[who][1]
            )

        @rule(target=claims, who=st.sampled_from(sorted(people)))
        def new_claim(self, who: str) -> int:
            claim = desk.create_claim(people[who][1])
            self.models[claim["id"]] = ClaimModel(claim["id"])
            return int(claim["id"])

        def _state_changed(self, model: ClaimModel, before: ClaimState) -> None:
            if model.state is not before:
                model.standing = False  # any state change after approval makes it stale

        @rule(
            target=pending,
            claim=claims,
            stance=st.sampled_from(list(Stance)),
            publisher=st.sampled_from(PUBLISHERS),
            archived=st.booleans(),
            quote=st.sampled_from([None, True, False]),
        )
        def add_evidence(
            self, claim: int, stance: Stance, publisher: str, archived: bool, quote: bool | None
        ) -> tuple[int, int]:
            model = self.models[claim]
            before = model.state
            evidence = desk.cite(
                claim,
                stance,
                publisher,
                archived=archived,
                quote=None if quote is None else "forty schools",
                quote_found=quote,
            )
            model.evidence[evidence.id] = EvidenceFacts(
                stance, publisher, archived, None if quote is None else "forty schools", quote
            )
            self._state_changed(model, before)
            return claim, evidence.id

        @rule(item=consumes(pending))
        def capture_result(self, item: tuple[int, int]) -> None:
            claim, evidence_id = item
            model = self.models[claim]
            before = model.state
            old = model.evidence[evidence_id]
            model.evidence[evidence_id] = EvidenceFacts(
                old.stance, old.publisher, True, old.quote, old.quote_found
            )
            changed = desk.capture_result(evidence_id)
            assert changed is (model.state is not before)
            self._state_changed(model, before)

        @rule(
            claim=claims,
            who=st.sampled_from(sorted(people)),
            rating=st.sampled_from(["true", "false", "mixed"]),
        )
        def propose(self, claim: int, who: str, rating: str) -> None:
            model = self.models[claim]
            resp = self._post(f"{claim}/verdict", who, {"rating": rating, "rationale": "why"})
            allowed = (
                model.state in RATEABLE and model.pending_proposer is None and not model.standing
            )
            if allowed:
                assert resp.status_code == 201, resp.get_data(as_text=True)
                model.pending_proposer = people[who][0].id
                model.proposed_on = model.state
            else:
                assert resp.status_code == 409, resp.get_data(as_text=True)

        @rule(claim=claims, who=st.sampled_from(editors), approve=st.booleans())
        def review(self, claim: int, who: str, approve: bool) -> None:
            model = self.models[claim]
            action = "approve" if approve else "reject"
            resp = self._post(f"{claim}/verdict/{action}", who, {"note": "checked"})
            if model.pending_proposer is None:
                assert resp.status_code == 409
            elif model.pending_proposer == people[who][0].id:
                assert resp.status_code == 403  # four eyes
            elif approve and model.state is not model.proposed_on:
                assert resp.status_code == 409  # the evidence moved under the proposal
            else:
                assert resp.status_code == 200, resp.get_data(as_text=True)
                model.pending_proposer = None
                # A rejected correction leaves the published verdict as it was.
                if approve or not model.pending_correction:
                    model.standing = approve
                model.pending_correction = False

        @rule(claim=claims, who=st.sampled_from(editors))
        def correct(self, claim: int, who: str) -> None:
            model = self.models[claim]
            body = {"rating": "mixed", "rationale": "r", "correction_note": "corrected"}
            resp = self._post(f"{claim}/verdict/correct", who, body)
            allowed = model.standing and model.pending_proposer is None
            assert resp.status_code == (201 if allowed else 409), resp.get_data(as_text=True)
            if allowed:  # a proposal like any other: the published verdict stands meanwhile
                model.pending_proposer = people[who][0].id
                model.proposed_on = model.state
                model.pending_correction = True

        @invariant()
        def server_agrees(self) -> None:
            for model in self.models.values():
                detail = desk.get(model.id, people["editor1"][1])
                assert detail["state"] == model.state.value
                assert detail["verified"] is model.standing
                for v in detail["verdicts"]:
                    if v["status"] == "approved":
                        assert v["stale"] or v["claim_state"] == detail["state"]
                    if v["status"] in ("approved", "rejected"):  # four eyes, corrections too
                        assert v["reviewed_by_id"] != v["proposed_by_id"]
                events = detail["events"]
                assert events[: len(model.events)] == model.events  # append-only
                ids = [e["id"] for e in events]
                assert ids == sorted(set(ids))
                assert [e["at"] for e in events] == sorted(e["at"] for e in events)
                model.events = events
            desk.db.expire_all()
            checked, mismatch = verify_chains(desk.db)
            assert mismatch is None and checked >= sum(len(m.events) for m in self.models.values())

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
