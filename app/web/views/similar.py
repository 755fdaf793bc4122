"""Deciding the matcher's restatement suggestions from the claim workspace.

The same service calls as ``POST /api/v1/claims/<id>/similar/<other>/confirm|reject|undo``;
with htmx the answer is the restatements panel, else the workspace again.
"""

from __future__ import annotations

from flask import flash, request
from flask.typing import ResponseReturnValue

from app.auth.policy import current_user, require_role
from app.db import session
from app.errors import DomainError, status_of
from app.ids import ID
from app.models import Claim, Role
from app.web import bp
from app.web.pages import is_htmx, render, see_other
from app.web.views.claim_actions import refuse_beside
from app.web.views.claims import CLAIM_ID
from app.web.workspace import build
from app.workflow import clusters
from app.workflow.lookup import load

DONE = {
    "confirm": "Claims {a} and {b} now share a cluster.",
    "reject": "Claims {a} and {b} are kept apart.",
    "undo": "The decision on claims {a} and {b} was taken back.",
}


@bp.post(f"/claims/{CLAIM_ID}/similar/<{ID}:other_id>")
@require_role(Role.FACT_CHECKER)
def decide_similar(claim_id: int, other_id: int) -> ResponseReturnValue:
    s = session()
    claim = load(s, Claim, claim_id)
    decision = request.form.get("decision", "")
    message, status = None, 200
    try:
        clusters.decide(s, claim, load(s, Claim, other_id), decision, current_user())
        s.commit()
    except DomainError as exc:
        message, status = exc.detail, status_of(exc)
    if is_htmx():
        if message is not None:
            s.rollback()
        ws = build(claim, current_user(), errors={"similar": message} if message else {})
        return render("claims/_similar.html", status=status, ws=ws)
    if message is not None:
        return refuse_beside(claim, "similar", message, status)
    flash(DONE[decision].format(a=claim.id, b=other_id), "success")
    return see_other("web.claim", claim_id=claim.id, _anchor="similar")
