"""A document as the ingest page shows it: its candidates, best first, and the claims made.

Public interface::

    CandidateRow(index, candidate, claim_id)    ``index`` is what ``accept_candidates`` takes
    DocumentView(document, candidates, claims)
    document_view(session, document) -> DocumentView

Candidates are not stored (``app.workflow.documents``): they are recomputed from the text, so
an accepted candidate is recognised by its span among the document's claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.ingest.candidates import Candidate
from app.models import Claim, Document
from app.workflow.documents import candidates_for


@dataclass(frozen=True)
class CandidateRow:
    index: int
    candidate: Candidate
    claim_id: int | None  # the claim made from it, once accepted


@dataclass(frozen=True)
class DocumentView:
    document: Document
    candidates: list[CandidateRow]  # best first (score, then position in the text)
    claims: list[Claim]  # every claim made from the document, in order of creation


def document_view(session: Session, document: Document) -> DocumentView:
    claims = list(
        session.scalars(select(Claim).where(Claim.document_id == document.id).order_by(Claim.id))
    )
    by_span = {(c.span_start, c.span_end): c.id for c in claims}
    rows = [
        CandidateRow(i, cand, by_span.get((cand.start, cand.end)))
        for i, cand in enumerate(candidates_for(document))
    ]
    rows.sort(key=lambda r: (-r.candidate.score, r.index))
    return DocumentView(document, rows, claims)
