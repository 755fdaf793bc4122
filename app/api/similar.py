"""Restatement suggestions of a claim: list them, confirm or reject a pair, undo a decision.

Confirming joins the two claims' clusters; rejecting keeps (or puts) them apart; undo takes the
last decision back and leaves the pair a suggestion again. The opposite call also reverses a
decision (reject a confirmed pair, confirm a rejected one). No If-Match is needed: a decision
changes clusters, not the claim's wording or evidence.
"""

from __future__ import annotations

from flask import Response
from spectree import Response as Resp

from app.api import bp
from app.api.responses import json_response
from app.api.schemas.similar import SimilarList, SimilarOut
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, require_role
from app.db import session
from app.ids import ID
from app.models import Claim, ClaimSimilarity, Role
from app.workflow import clusters
from app.workflow.lookup import load

_ERRORS = {f"HTTP_{code}": ProblemModel for code in (401, 403, 404, 409)}


def similar_out(other_id: int, pair: ClaimSimilarity) -> SimilarOut:
    return SimilarOut(
        claim_id=other_id,
        score=pair.score,
        status=pair.status.value,
        relation=pair.relation.value,
        reasons=list(pair.reasons),
        auto=pair.auto,
        decided_by=pair.decided_by_id,
        decided_at=pair.decided_at,
    )


@bp.get(f"/claims/<{ID}:claim_id>/similar")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=SimilarList, **_ERRORS), tags=["similar"])
def list_similar(claim_id: int) -> Response:
    """Earlier and later claims the matcher found alike, best first, with their status."""
    claim = load(session(), Claim, claim_id)
    pairs = clusters.similar(session(), claim)
    return json_response(SimilarList(similar=[similar_out(o, p) for o, p in pairs]))


def _decide(claim_id: int, other_id: int, decision: str) -> Response:
    s = session()
    claim = load(s, Claim, claim_id)
    other = load(s, Claim, other_id)
    pair = clusters.decide(s, claim, other, decision, current_user())
    s.commit()
    return json_response(similar_out(other.id, pair))


@bp.post(f"/claims/<{ID}:claim_id>/similar/<{ID}:other_id>/confirm")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=SimilarOut, **_ERRORS), tags=["similar"])
def confirm_similar(claim_id: int, other_id: int) -> Response:
    """The two claims state one fact: their clusters join. 409 if they are not a pair."""
    return _decide(claim_id, other_id, "confirm")


@bp.post(f"/claims/<{ID}:claim_id>/similar/<{ID}:other_id>/reject")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=SimilarOut, **_ERRORS), tags=["similar"])
def reject_similar(claim_id: int, other_id: int) -> Response:
    """Different facts: the later claim leaves the earlier one's cluster if it was in it."""
    return _decide(claim_id, other_id, "reject")


@bp.post(f"/claims/<{ID}:claim_id>/similar/<{ID}:other_id>/undo")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=SimilarOut, **_ERRORS), tags=["similar"])
def undo_similar(claim_id: int, other_id: int) -> Response:
    """Take back the last confirm or reject: clusters as before it, the pair suggested again."""
    return _decide(claim_id, other_id, "undo")
