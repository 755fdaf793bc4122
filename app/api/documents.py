"""Documents: ingest an article, see its claim candidates, accept them as claims."""

from __future__ import annotations

from flask import Response, url_for
from spectree import Response as Resp
from sqlalchemy import select

from app.api import bp
from app.api.idempotency import idempotent
from app.api.responses import json_response
from app.api.schemas.documents import (
    AcceptCandidates,
    AcceptedClaims,
    CandidateOut,
    DocumentCreate,
    DocumentOut,
)
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, require_role
from app.db import session
from app.ids import ID
from app.ingest.candidates import Candidate
from app.models import Claim, Document, Role
from app.workflow.documents import accept_candidates, candidates_for, ingest_document
from app.workflow.lookup import load


def document_out(document: Document, candidates: list[Candidate]) -> DocumentOut:
    claim_ids = session().scalars(
        select(Claim.id).where(Claim.document_id == document.id).order_by(Claim.id)
    )
    return DocumentOut(
        id=document.id,
        title=document.title,
        url=document.url,
        publisher=document.publisher,
        published_at=document.published_at,
        content_hash=document.content_hash,
        created_at=document.created_at,
        candidates=[
            CandidateOut(
                index=i,
                text=c.text,
                start=c.start,
                end=c.end,
                score=c.score,
                reasons=list(c.reasons),
            )
            for i, c in enumerate(candidates)
        ],
        claim_ids=list(claim_ids),
    )


@bp.post("/documents")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(
    json=DocumentCreate,
    resp=Resp(HTTP_201=DocumentOut, HTTP_200=DocumentOut, HTTP_422=ProblemModel),
    tags=["documents"],
)
def create_document(json: DocumentCreate) -> Response:
    """Store an article and return its claim candidates (200 if the same text exists)."""
    s = session()
    result = ingest_document(
        s,
        title=json.title,
        text=json.text,
        url=str(json.url) if json.url else None,
        publisher=json.publisher,
        published_at=json.published_at,
        actor=current_user(),
    )
    s.commit()
    resp = json_response(
        document_out(result.document, result.candidates), 201 if result.created else 200
    )
    resp.headers["Location"] = url_for("api.get_document", document_id=result.document.id)
    return resp


@bp.get(f"/documents/<{ID}:document_id>")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=DocumentOut, HTTP_404=ProblemModel), tags=["documents"])
def get_document(document_id: int) -> Response:
    """A document with its candidates and the claims made from it."""
    document = load(session(), Document, document_id)
    return json_response(document_out(document, candidates_for(document)), 200)


@bp.post(f"/documents/<{ID}:document_id>/claims")
@require_role(Role.FACT_CHECKER)
@idempotent
@spec.validate(
    json=AcceptCandidates,
    resp=Resp(HTTP_201=AcceptedClaims, HTTP_404=ProblemModel, HTTP_422=ProblemModel),
    tags=["documents"],
)
def accept(document_id: int, json: AcceptCandidates) -> Response:
    """Accept candidates (by index) as claims, keeping their spans in the document."""
    s = session()
    document = load(session(), Document, document_id)
    claims = accept_candidates(s, document, json.candidates, actor=current_user())
    s.commit()
    return json_response(AcceptedClaims(claim_ids=[c.id for c in claims]), 201)
