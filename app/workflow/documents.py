"""Documents in, claim candidates out; accepted candidates become claims with their spans.

Candidates are not stored: they are a pure function of the document text, so the same text
always yields the same candidates and indexes (``extract_candidates`` is deterministic).
An accepted candidate's claim appeared at the document's URL on its publication date, and is
attributed to whoever the sentence names ("X said", "according to X") or, in a transcript,
to the speaker whose tag opens the line ("ODUYA: ...").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.ingest.candidates import Candidate, extract_candidates
from app.ingest.noise import speaker_tag
from app.ingest.speakers import attributed_speaker
from app.models import Claim, Document, User
from app.workflow import events
from app.workflow.claims import NewClaim, create_claim
from app.workflow.publishers import publisher_of
from config import settings


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def candidates_for(document: Document) -> list[Candidate]:
    return extract_candidates(document.text, min_score=settings().INGEST_MIN_SCORE)


@dataclass
class Ingested:
    document: Document
    candidates: list[Candidate]
    created: bool
    auto_claims: list[Claim]


def ingest_document(
    session: Session,
    *,
    title: str,
    text: str,
    url: str | None = None,
    publisher: str | None = None,
    published_at: date | None = None,
    actor: User | None = None,
) -> Ingested:
    """Store the document once per distinct text and return its candidates."""
    digest = content_hash(text)
    existing = session.scalar(select(Document).where(Document.content_hash == digest))
    if existing is not None:
        return Ingested(existing, candidates_for(existing), False, [])
    if publisher is None and url:
        publisher = publisher_of(url)
    document = Document(
        title=title,
        text=text,
        url=url,
        publisher=publisher,
        published_at=published_at,
        content_hash=digest,
        created_by_id=actor.id if actor else None,
    )
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:  # the same text arrived concurrently
        document = session.scalars(select(Document).where(Document.content_hash == digest)).one()
        return Ingested(document, candidates_for(document), False, [])
    candidates = candidates_for(document)
    auto: list[Claim] = []
    threshold = settings().INGEST_AUTO_SUBMIT_SCORE
    if threshold is not None:
        chosen = [i for i, c in enumerate(candidates) if c.score >= threshold]
        auto = accept_candidates(session, document, chosen, candidates, actor=actor)
    return Ingested(document, candidates, True, auto)


SPEAKER_MAX = 300  # the column's width


def speaker_of(text: str, candidate: Candidate) -> str | None:
    """Who the candidate sentence is attributed to: named in it, or the transcript speaker."""
    named = attributed_speaker(candidate.text)
    if named is None:
        line_start = max(text.rfind("\n", 0, candidate.start), text.rfind("\r", 0, candidate.start))
        tag = speaker_tag(text[line_start + 1 : candidate.end])
        named = tag.title() if tag else None
    return named[:SPEAKER_MAX] if named else None


def accept_candidates(
    session: Session,
    document: Document,
    indexes: list[int],
    candidates: list[Candidate] | None = None,
    *,
    actor: User | None,
) -> list[Claim]:
    """Turn candidates into claims (keeping their spans); accepting twice is harmless."""
    candidates = candidates if candidates is not None else candidates_for(document)
    bad = [i for i in indexes if not 0 <= i < len(candidates)]
    if bad:
        raise Invalid(
            f"no candidate {bad[0]}: the document has {len(candidates)} candidates (0-based)",
            field="candidates",
        )
    claims = []
    for index in dict.fromkeys(indexes):  # keep order, drop repeats
        cand = candidates[index]
        claim = session.scalar(
            select(Claim).where(
                Claim.document_id == document.id,
                Claim.span_start == cand.start,
                Claim.span_end == cand.end,
            )
        )
        if claim is None:
            claim = create_claim(
                session,
                NewClaim(
                    text=cand.text,
                    document=document,
                    span=(cand.start, cand.end),
                    speaker=speaker_of(document.text, cand),
                    claim_date=document.published_at,
                    appearance_url=document.url,
                    checkworthiness=cand.score,
                ),
                actor=actor,
            )
            events.record(
                session,
                claim,
                "accepted_from_document",
                actor=actor,
                document_id=document.id,
                candidate_index=index,
                score=cand.score,
                reasons=list(cand.reasons),
            )
        claims.append(claim)
    return claims
