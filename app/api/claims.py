"""Claims: create, list (the review queue's view), read in full, edit under If-Match."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response, jsonify, request, url_for
from pydantic import BaseModel
from spectree import Response as Resp
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.api import bp
from app.api.schemas.claims import (
    MAX_ID,
    ClaimCreate,
    ClaimDetail,
    ClaimEdit,
    ClaimEvidence,
    ClaimOut,
    ClaimPage,
    ClaimQuery,
    EventOut,
    RevisionOut,
    VerdictOut,
)
from app.api.schemas.sources import capture_out, source_brief
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, has_role, require_role
from app.db import session
from app.errors import Problem
from app.models import Claim, Document, Role, Verdict, VerdictStatus
from app.workflow.claims import NewClaim, create_claim
from app.workflow.editing import check_version, edit_claim, parse_if_match, revisions
from app.workflow.idempotency import idempotent
from app.workflow.lifecycle import unusable_reason
from app.workflow.queue import ClaimFilters, list_claims
from app.workflow.ratings import parse_scale
from app.workflow.state import evidence_facts, explain

_AUTH = {"HTTP_401": ProblemModel, "HTTP_403": ProblemModel}


def claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut.model_validate(claim, from_attributes=True)


def verdict_out(verdict: Verdict) -> VerdictOut:
    from flask import current_app

    scale = parse_scale(current_app.config["RATING_SCALE"])
    return VerdictOut.model_validate(
        {
            **{f: getattr(verdict, f) for f in VerdictOut.model_fields if f != "rating_value"},
            "rating_value": scale.get(verdict.rating),
        }
    )


def current_verdict(claim: Claim) -> Verdict | None:
    live = (VerdictStatus.PROPOSED, VerdictStatus.APPROVED)
    return next((v for v in reversed(claim.verdicts) if v.status in live), None)


def claim_detail(claim: Claim) -> ClaimDetail:
    s = session()
    explanation = explain(s, claim)
    evidence = []
    for item, facts in evidence_facts(s, claim):
        latest = item.source.captures[0] if item.source.captures else None
        reason = unusable_reason(facts)
        evidence.append(
            ClaimEvidence(
                id=item.id,
                stance=item.stance,
                quote=item.quote,
                quote_found=item.quote_found,
                usable=reason is None,
                unusable_reason=reason,
                added_by_id=item.added_by_id,
                created_at=item.created_at,
                source=source_brief(item.source),
                capture=capture_out(latest) if latest is not None else None,
            )
        )
    current = current_verdict(claim)
    return ClaimDetail(
        **claim_out(claim).model_dump(),
        cluster_members=list(
            s.scalars(
                select(Claim.id)
                .where(Claim.cluster_id == (claim.cluster_id or claim.id), Claim.id != claim.id)
                .order_by(Claim.id)
            )
        ),
        verified=current is not None
        and current.status is VerdictStatus.APPROVED
        and not current.stale,
        state_reasons=explanation.reasons,
        evidence=evidence,
        verdict=verdict_out(current) if current is not None else None,
        verdicts=[verdict_out(v) for v in claim.verdicts],
        revisions=[RevisionOut(**r) for r in revisions(claim)],
        events=[EventOut.model_validate(e, from_attributes=True) for e in claim.events],
    )


def get_claim_or_404(claim_id: int) -> Claim:
    claim = session().get(Claim, claim_id)
    if claim is None:
        raise Problem(404, f"Claim {claim_id} does not exist.")
    return claim


def json_response(model: BaseModel, status: int = 200, *, version: int | None = None) -> Response:
    resp = jsonify(model.model_dump(mode="json"))
    resp.status_code = status
    version = version if version is not None else getattr(model, "version", None)
    if version is not None:
        resp.headers["ETag"] = f'"{version}"'
    return resp


def if_match(claim: Claim, *, required: bool = False) -> None:
    """Honour If-Match on any write to a claim (SPEC §8); ``required`` for edits."""
    check_version(claim, parse_if_match(request.headers.get("If-Match")), required=required)


@contextmanager
def claim_write(claim_id: int) -> Iterator[None]:
    """A write that lost a race with another write to the same claim is refused, not a 500."""
    try:
        yield
    except StaleDataError:
        session().rollback()
        status = 412 if request.headers.get("If-Match") else 409
        current = session().get(Claim, claim_id)
        raise Problem(
            status,
            f"Claim {claim_id} was changed by another request at the same moment; reload it "
            "and try again.",
            current_version=current.version if current else None,
        ) from None


@bp.post("/claims")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(
    json=ClaimCreate,
    resp=Resp(HTTP_201=ClaimDetail, HTTP_422=ProblemModel, **_AUTH),
    tags=["claims"],
)
def create(json: ClaimCreate) -> Response:
    """Submit a claim; it starts in state `submitted`. Accepts `Idempotency-Key`."""
    s = session()
    document = None
    if json.document_id is not None:
        document = s.get(Document, json.document_id)
        if document is None:
            raise Problem(
                422,
                f"document_id {json.document_id} does not exist.",
                errors=[{"field": "document_id", "message": "no such document"}],
            )
    claim = create_claim(
        s,
        NewClaim(
            text=json.text,
            document=document,
            speaker=json.speaker,
            claim_date=json.claim_date,
            appearance_url=str(json.appearance_url) if json.appearance_url else None,
            tags=json.tags,
        ),
        actor=current_user(),
    )
    s.commit()
    resp = json_response(claim_detail(claim), 201)
    resp.headers["Location"] = url_for("api.get_claim", claim_id=claim.id)
    return resp


@bp.get("/claims")
@require_role(Role.FACT_CHECKER)
@spec.validate(
    query=ClaimQuery, resp=Resp(HTTP_200=ClaimPage, HTTP_422=ProblemModel, **_AUTH), tags=["claims"]
)
def list_(query: ClaimQuery) -> Response:
    """Claims in queue order (priority, then oldest), filtered, one page at a time."""
    assignee: int | str | None = query.assignee
    if assignee == "me":
        assignee = current_user().id
    elif assignee is not None and assignee != "none":
        # An id beyond any real one matches nobody; 0 says so and fits a 32-bit column.
        assignee = int(assignee) if int(assignee) <= MAX_ID else 0
    claims, next_cursor = list_claims(
        session(),
        ClaimFilters(
            state=query.state,
            assignee=assignee,  # type: ignore[arg-type]
            document_id=query.document,
            has_verdict=query.has_verdict,
            verdict=query.verdict,
            q=query.q,
        ),
        cursor=query.cursor,
        limit=query.limit,
    )
    page = ClaimPage(claims=[claim_out(c) for c in claims], next_cursor=next_cursor)
    return json_response(page)


@bp.get("/claims/<int(min=1, max=2147483647):claim_id>")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=ClaimDetail, HTTP_404=ProblemModel, **_AUTH), tags=["claims"])
def get_claim(claim_id: int) -> Response:
    """A claim with its state and why, evidence, verdicts, wording history and audit trail."""
    return json_response(claim_detail(get_claim_or_404(claim_id)))


@bp.patch("/claims/<int(min=1, max=2147483647):claim_id>")
@require_role(Role.FACT_CHECKER)
@spec.validate(
    json=ClaimEdit,
    resp=Resp(
        HTTP_200=ClaimDetail,
        HTTP_400=ProblemModel,
        HTTP_404=ProblemModel,
        HTTP_412=ProblemModel,
        HTTP_422=ProblemModel,
        HTTP_428=ProblemModel,
        **_AUTH,
    ),
    tags=["claims"],
)
def edit(claim_id: int, json: ClaimEdit) -> Response:
    """Change the wording, speaker or tags. Needs `If-Match: "<version>"` and the claim's lease
    (or the editor role). A change of meaning makes an approved verdict stale."""
    s = session()
    claim = get_claim_or_404(claim_id)
    if_match(claim, required=True)
    user = current_user()
    changes = {f: getattr(json, f) for f in json.model_fields_set}
    with claim_write(claim_id):
        edit_claim(s, claim, user, changes, as_editor=has_role(user, Role.EDITOR))
        s.commit()
    return json_response(claim_detail(claim))
