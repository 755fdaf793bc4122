"""Evidence: cite a source for a claim; archiving is queued (202)."""

from __future__ import annotations

from flask import Response, jsonify
from spectree import Response as Resp

from app.api import bp
from app.api.idempotency import idempotent
from app.api.responses import sent_if_match
from app.api.schemas.evidence import EvidenceCreate, EvidenceOut
from app.api.schemas.sources import capture_out, source_brief
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.ids import ID
from app.models import Capture, Claim, Evidence, Role
from app.workflow.citing import cite
from app.workflow.claims import guarded_write
from app.workflow.lookup import load


def evidence_out(evidence: Evidence, capture: Capture | None) -> EvidenceOut:
    return EvidenceOut(
        id=evidence.id,
        claim_id=evidence.claim_id,
        stance=evidence.stance,
        quote=evidence.quote,
        quote_found=evidence.quote_found,
        quote_start=evidence.quote_start,
        quote_end=evidence.quote_end,
        created_at=evidence.created_at,
        added_by_id=evidence.added_by_id,
        source=source_brief(evidence.source),
        capture=capture_out(capture) if capture is not None else None,
    )


@bp.post(f"/claims/<{ID}:claim_id>/evidence")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(
    json=EvidenceCreate,
    resp=Resp(
        HTTP_200=EvidenceOut,
        HTTP_202=EvidenceOut,
        HTTP_401=ProblemModel,
        HTTP_403=ProblemModel,
        HTTP_404=ProblemModel,
        HTTP_409=ProblemModel,
        HTTP_422=ProblemModel,
    ),
    tags=["evidence"],
)
def add_evidence(claim_id: int, json: EvidenceCreate) -> Response:
    """Cite a source for the claim; 202 while the source is archived in the background. Citing
    the same source with the same stance again returns the existing item (200)."""
    s = session()
    claim = load(s, Claim, claim_id)
    # A worker recording an archive for this claim at the same moment wins; the caller retries.
    user = current_user()
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        cited = cite(
            s,
            claim,
            json.url,
            json.stance,
            json.quote,
            actor=user,
            as_editor=has_role(user, Role.EDITOR),
        )
        s.commit()
    resp = jsonify(evidence_out(cited.evidence, cited.capture).model_dump(mode="json"))
    resp.status_code = 202 if cited.created else 200
    return resp
