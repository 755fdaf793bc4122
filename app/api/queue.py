"""The review queue: take the next claim under a lease, renew or release it; editors assign."""

from __future__ import annotations

from flask import Response
from spectree import Response as Resp

from app.api import bp
from app.api.responses import if_match, json_response, sent_if_match
from app.api.schemas.claims import ClaimOut
from app.api.schemas.queue import AssignBody
from app.api.serialize import claim_out
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import Invalid
from app.ids import ID
from app.models import Claim, Role, User
from app.workflow import queue
from app.workflow.claims import guarded_write
from app.workflow.lookup import load

_AUTH = {"HTTP_401": ProblemModel, "HTTP_403": ProblemModel}
_WRITE = {
    "HTTP_400": ProblemModel,
    "HTTP_404": ProblemModel,
    "HTTP_409": ProblemModel,
    "HTTP_412": ProblemModel,
    **_AUTH,
}


@bp.post("/queue/next")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp("HTTP_204", HTTP_200=ClaimOut, **_AUTH), tags=["queue"])
def take_next() -> Response:
    """Lease the best open claim to the caller for LEASE_MINUTES; 204 when none is left."""
    s = session()
    claim = queue.take_next(s, current_user())
    if claim is None:
        s.rollback()
        return Response(status=204)
    s.commit()
    return json_response(claim_out(claim))


@bp.post(f"/claims/<{ID}:claim_id>/lease/renew")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=ClaimOut, **_WRITE), tags=["queue"])
def renew(claim_id: int) -> Response:
    """Extend the caller's lease on the claim by LEASE_MINUTES from now."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        queue.renew(s, claim, current_user())
        s.commit()
    return json_response(claim_out(claim))


@bp.post(f"/claims/<{ID}:claim_id>/lease/release")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=ClaimOut, **_WRITE), tags=["queue"])
def release(claim_id: int) -> Response:
    """Give the claim back to the queue (its lease holder, or an editor)."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    user = current_user()
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        queue.release(s, claim, user, as_editor=has_role(user, Role.EDITOR))
        s.commit()
    return json_response(claim_out(claim))


@bp.post(f"/claims/<{ID}:claim_id>/assign")
@require_role(Role.EDITOR)
@spec.validate(
    json=AssignBody, resp=Resp(HTTP_200=ClaimOut, HTTP_422=ProblemModel, **_WRITE), tags=["queue"]
)
def assign(claim_id: int, json: AssignBody) -> Response:
    """Editors: give the claim to a user under a fresh lease, or unassign it (`null`)."""
    s = session()
    claim = load(s, Claim, claim_id)
    if_match(claim)
    assignee = None
    if json.user_id is not None:
        assignee = s.get(User, json.user_id)
        if assignee is None:
            raise Invalid(f"user_id {json.user_id} does not exist.", field="user_id")
    with guarded_write(s, claim_id, versioned=sent_if_match()):
        queue.assign(s, claim, current_user(), assignee)
        s.commit()
    return json_response(claim_out(claim))
