"""Verdicts: propose, approve or reject (four-eyes), correct."""

from __future__ import annotations

from flask import Response, jsonify
from pydantic import BaseModel
from spectree import Response as Resp

from app.api import bp
from app.api.idempotency import idempotent
from app.api.responses import if_match, json_response, sent_if_match
from app.api.schemas.claims import VerdictOut
from app.api.schemas.verdicts import ApproveBody, CorrectionCreate, RejectBody, VerdictCreate
from app.api.serialize import verdict_out
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, require_role
from app.db import session
from app.models import Claim, Role
from app.workflow import verdicts
from app.workflow.claims import guarded_write
from app.workflow.lookup import load

_ERRORS = {f"HTTP_{code}": ProblemModel for code in (400, 401, 403, 404, 409, 412, 422)}


@bp.post("/claims/<int(min=1, max=2147483647):claim_id>/verdict")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(json=VerdictCreate, resp=Resp(HTTP_201=VerdictOut, **_ERRORS), tags=["verdicts"])
def propose(claim_id: int, json: VerdictCreate) -> Response:
    """Propose a verdict on a corroborated or disputed claim (409 otherwise); an editor other
    than the proposer reviews it. Accepts `Idempotency-Key`."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        verdict = verdicts.propose(s, claim, current_user(), json.rating, json.rationale)
        s.commit()
    return json_response(verdict_out(verdict), 201, version=claim.version)


@bp.post("/claims/<int(min=1, max=2147483647):claim_id>/verdict/approve")
@require_role(Role.EDITOR)
@spec.validate(json=ApproveBody, resp=Resp(HTTP_200=VerdictOut, **_ERRORS), tags=["verdicts"])
def approve(claim_id: int, json: ApproveBody) -> Response:
    """Editors: approve the proposed verdict; 403 for its proposer, 409 if the claim's state
    changed since it was proposed."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        verdict = verdicts.approve(s, claim, current_user(), json.note)
        s.commit()
    return json_response(verdict_out(verdict), version=claim.version)


@bp.post("/claims/<int(min=1, max=2147483647):claim_id>/verdict/reject")
@require_role(Role.EDITOR)
@spec.validate(json=RejectBody, resp=Resp(HTTP_200=VerdictOut, **_ERRORS), tags=["verdicts"])
def reject(claim_id: int, json: RejectBody) -> Response:
    """Editors: reject the proposed verdict with a note; the claim goes back to the queue."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        verdict = verdicts.reject(s, claim, current_user(), json.note)
        s.commit()
    return json_response(verdict_out(verdict), version=claim.version)


@bp.post("/claims/<int(min=1, max=2147483647):claim_id>/verdict/correct")
@require_role(Role.EDITOR)
@idempotent
@spec.validate(json=CorrectionCreate, resp=Resp(HTTP_201=VerdictOut, **_ERRORS), tags=["verdicts"])
def correct(claim_id: int, json: CorrectionCreate) -> Response:
    """Editors: replace the approved verdict with a corrected one and a public correction
    note; the earlier version stays in the history. Accepts `Idempotency-Key`."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        verdict = verdicts.correct(
            s, claim, current_user(), json.rating, json.rationale, json.correction_note
        )
        s.commit()
    return json_response(verdict_out(verdict), 201, version=claim.version)


class AppliedOut(BaseModel):
    claim_ids: list[int]
    verdict_ids: list[int]


@bp.post("/claims/<int(min=1, max=2147483647):claim_id>/verdict/apply-to-cluster")
@require_role(Role.EDITOR)
@spec.validate(resp=Resp(HTTP_200=AppliedOut, **_ERRORS), tags=["verdicts"])
def apply_to_cluster(claim_id: int) -> Response:
    """Editors: copy the claim's approved verdict to every restatement in its cluster (each gets
    its own verdict record and event); 403 for the verdict's proposer."""
    s = session()
    claim = load(s, Claim, claim_id)
    applied = verdicts.apply_to_cluster(s, claim, current_user())
    s.commit()
    body = AppliedOut(claim_ids=[v.claim_id for v in applied], verdict_ids=[v.id for v in applied])
    return jsonify(body.model_dump(mode="json"))
