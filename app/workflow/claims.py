"""Creating claims: the one path the API, ingest and the CLI share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.models import Claim, ClaimState, Document, User
from app.outbox import enqueue
from app.workflow import events


@dataclass
class NewClaim:
    text: str
    document: Document | None = None
    span: tuple[int, int] | None = None
    speaker: str | None = None
    claim_date: date | None = None
    appearance_url: str | None = None
    tags: list[str] = field(default_factory=list)
    checkworthiness: float = 0.5


def create_claim(session: Session, new: NewClaim, *, actor: User | None) -> Claim:
    """Add a submitted claim, record it, and queue its duplicate-cluster assignment."""
    claim = Claim(
        text=new.text,
        document=new.document,
        span_start=new.span[0] if new.span else None,
        span_end=new.span[1] if new.span else None,
        speaker=new.speaker,
        claim_date=new.claim_date,
        appearance_url=new.appearance_url,
        tags=list(new.tags),
        state=ClaimState.SUBMITTED,
        checkworthiness=new.checkworthiness,
        priority=new.checkworthiness,
        created_by_id=actor.id if actor else None,
    )
    session.add(claim)
    session.flush()
    claim.cluster_id = claim.id
    events.record(
        session,
        claim,
        "created",
        actor=actor,
        after={"state": claim.state.value, "text": claim.text},
    )
    enqueue(session, "claims.assign_cluster", claim.id)
    return claim
