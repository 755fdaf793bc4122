"""Creating claims (the one path the API, ingest and the CLI share) and guarding writes to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict, Stale
from app.models import Claim, ClaimState, Document, SpeakerKind, User
from app.outbox import CLUSTER_TASK, enqueue
from app.workflow import events
from app.workflow.clusters import index_claim


@dataclass
class NewClaim:
    text: str
    document: Document | None = None
    span: tuple[int, int] | None = None
    speaker: str | None = None
    speaker_kind: SpeakerKind | None = None
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
        speaker_kind=new.speaker_kind,
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
    # Indexed in the same transaction, so that later claims find it even if its own cluster
    # task is lost; the task then adds the suggestions.
    index_claim(session, claim)
    enqueue(session, CLUSTER_TASK, claim.id)
    return claim


@contextmanager
def guarded_write(session: Session, claim_id: int, *, versioned: bool) -> Iterator[None]:
    """A write that lost a race with another write to the same claim is refused, not lost.

    Claims carry an optimistic-lock version; SQLAlchemy raises StaleDataError when another
    transaction changed the row between our read and our write. ``versioned`` says whether the
    caller named the version it worked from (then the answer is Stale, else Conflict).
    """
    try:
        yield
    except StaleDataError:
        session.rollback()
        current = session.get(Claim, claim_id)
        error = Stale if versioned else Conflict
        raise error(
            f"Claim {claim_id} was changed by someone else at the same moment; reload it and "
            "try again.",
            current_version=current.version if current else None,
        ) from None
