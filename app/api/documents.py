"""Documents: ingest an article, see its claim candidates, accept them as claims."""

from __future__ import annotations

from flask import Response, jsonify, url_for
from pydantic import BaseModel
from spectree import Response as Resp
from sqlalchemy import select

from app.api import bp
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
from app.errors import Problem
from app.ingest.candidates import Candidate
from app.ingest.documents import accept_candidates, candidates_for, ingest_document
from app.models import Claim, Document, Role
from app.workflow.idempotency import idempotent


def _json(model: BaseModel, status: int) -> Response:
    resp = jsonify(model.model_dump(mode="json"))
    resp.status_code = status
    return resp


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


def _document_or_404(document_id: int) -> Document:
    document = session().get(Document, document_id)
    if document is None:
        raise Problem(404, f"Document {document_id} does not exist.")
    return document


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
    resp = _json(document_out(result.document, result.candidates), 201 if result.created else 200)
    resp.headers["Location"] = url_for("api.get_document", document_id=result.document.id)
    return resp


@bp.get("/documents/<int:document_id>")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=DocumentOut, HTTP_404=ProblemModel), tags=["documents"])
def get_document(document_id: int) -> Response:
    """A document with its candidates and the claims made from it."""
    document = _document_or_404(document_id)
    return _json(document_out(document, candidates_for(document)), 200)


@bp.post("/documents/<int:document_id>/claims")
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
    document = _document_or_404(document_id)
    try:
        claims = accept_candidates(s, document, json.candidates, actor=current_user())
    except IndexError as exc:
        s.rollback()
        raise Problem(
            422, str(exc), errors=[{"field": "candidates", "message": str(exc)}]
        ) from None
    s.commit()
    return _json(AcceptedClaims(claim_ids=[c.id for c in claims]), 201)
