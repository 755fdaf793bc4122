"""Verdicts: propose, approve or reject (four-eyes), correct."""

from __future__ import annotations

from flask import Response
from spectree import Response as Resp

from app.api import bp
from app.api.idempotency import idempotent
from app.api.responses import if_match, json_response, sent_if_match
from app.api.schemas.claims import ClaimOut, VerdictOut
from app.api.schemas.verdicts import (
    ApproveBody,
    ClusterProposalsOut,
    CorrectionCreate,
    NoteBody,
    RejectBody,
    VerdictCreate,
)
from app.api.serialize import claim_out, verdict_out
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.ids import ID
from app.models import Claim, ClaimClosure, Role
from app.workflow import verdicts
from app.workflow.claims import guarded_write
from app.workflow.closing import close_claim, reopen_claim
from app.workflow.lookup import load

_ERRORS = {f"HTTP_{code}": ProblemModel for code in (400, 401, 403, 404, 409, 412, 422)}


@bp.post(f"/claims/<{ID}:claim_id>/verdict")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(json=VerdictCreate, resp=Resp(HTTP_201=VerdictOut, **_ERRORS), tags=["verdicts"])
def propose(claim_id: int, json: VerdictCreate) -> Response:
    """Propose a verdict on a corroborated or disputed claim (409 otherwise); an editor other
    than the proposer reviews it. Accepts `Idempotency-Key`."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    user = current_user()
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        verdict = verdicts.propose(
            s, claim, user, json.rating, json.rationale, as_editor=has_role(user, Role.EDITOR)
        )
        s.commit()
    return json_response(verdict_out(verdict), 201, version=claim.version)


@bp.post(f"/claims/<{ID}:claim_id>/verdict/approve")
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


@bp.post(f"/claims/<{ID}:claim_id>/verdict/reject")
@require_role(Role.EDITOR)
@spec.validate(json=RejectBody, resp=Resp(HTTP_200=VerdictOut, **_ERRORS), tags=["verdicts"])
def reject(claim_id: int, json: RejectBody) -> Response:
    """Editors: reject the proposed verdict (or correction, or copy) with a note; the claim goes
    back to the queue, or is closed as rejected with `close: true`. 403 for its proposer."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        verdict = verdicts.reject(s, claim, current_user(), json.note, close=json.close)
        s.commit()
    return json_response(verdict_out(verdict), version=claim.version)


@bp.post(f"/claims/<{ID}:claim_id>/verdict/correct")
@require_role(Role.EDITOR)
@idempotent
@spec.validate(json=CorrectionCreate, resp=Resp(HTTP_201=VerdictOut, **_ERRORS), tags=["verdicts"])
def correct(claim_id: int, json: CorrectionCreate) -> Response:
    """Editors: propose a correction of the published verdict, with a public correction note.
    The published verdict stands until another editor approves the correction with
    `.../verdict/approve` (403 for the correcting editor). Accepts `Idempotency-Key`."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        verdict = verdicts.correct(
            s, claim, current_user(), json.rating, json.rationale, json.correction_note
        )
        s.commit()
    return json_response(verdict_out(verdict), 201, version=claim.version)


@bp.post(f"/claims/<{ID}:claim_id>/verdict/apply-to-cluster")
@require_role(Role.EDITOR)
@spec.validate(resp=Resp(HTTP_200=ClusterProposalsOut, **_ERRORS), tags=["verdicts"])
def apply_to_cluster(claim_id: int) -> Response:
    """Editors: propose the claim's approved verdict for each restatement in its cluster that
    stands on its own evidence (another editor approves each); `skipped` says why the others
    were left out."""
    s = session()
    claim = load(s, Claim, claim_id)
    result = verdicts.apply_to_cluster(s, claim, current_user())
    s.commit()
    return json_response(
        ClusterProposalsOut(
            verdict_ids=[v.id for v in result.proposed],
            claim_ids=[v.claim_id for v in result.proposed],
            skipped=result.skipped,
        )
    )


@bp.post(f"/claims/<{ID}:claim_id>/reopen")
@require_role(Role.EDITOR)
@spec.validate(json=NoteBody, resp=Resp(HTTP_200=ClaimOut, **_ERRORS), tags=["verdicts"])
def reopen(claim_id: int, json: NoteBody) -> Response:
    """Editors: put a closed (rejected or withdrawn) claim back in the queue."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        reopen_claim(s, claim, current_user(), json.note)
        s.commit()
    return json_response(claim_out(claim))


@bp.post(f"/claims/<{ID}:claim_id>/withdraw")
@require_role(Role.EDITOR)
@spec.validate(json=NoteBody, resp=Resp(HTTP_200=ClaimOut, **_ERRORS), tags=["verdicts"])
def withdraw(claim_id: int, json: NoteBody) -> Response:
    """Editors: withdraw a claim entered by mistake (claims are never deleted; their history
    stays). A claim with a published verdict is corrected, not withdrawn (409)."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        close_claim(s, claim, current_user(), ClaimClosure.WITHDRAWN, json.note)
        s.commit()
    return json_response(claim_out(claim))
