from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.enums import ClaimClosure, ClaimState, SpeakerKind, checked

if TYPE_CHECKING:
    from app.models.documents import Document
    from app.models.events import Event
    from app.models.evidence import Evidence
    from app.models.users import User
    from app.models.verdicts import Verdict


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(
            "(span_start IS NULL AND span_end IS NULL) OR "
            "(span_start >= 0 AND span_end > span_start)",
            name="span",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_claims_queue", "state", "priority", "id"),
        # The review queue's order (app.workflow.queue.QUEUE_ORDER, priority DESC then id):
        # queue/next and the claim list walk it backwards (ties get an incremental sort)
        # instead of sorting every claim.
        Index("ix_claims_queue_order", "priority", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    speaker: Mapped[str | None] = mapped_column(String(300))
    speaker_kind: Mapped[SpeakerKind | None] = mapped_column(checked(SpeakerKind, "speaker_kind"))
    claim_date: Mapped[date | None]
    appearance_url: Mapped[str | None] = mapped_column(String(2048))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[ClaimState] = mapped_column(
        checked(ClaimState, "claim_state"), default=ClaimState.SUBMITTED
    )
    # Check-worthiness in [0, 1] from ingest (or 0.5 when typed in by hand).
    checkworthiness: Mapped[float] = mapped_column(default=0.5)
    # Queue rank, higher first: recomputed from check-worthiness, cluster size and age.
    priority: Mapped[float] = mapped_column(default=0.0)
    # Every restatement of the same claim shares the id of the cluster's first claim.
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="SET NULL"), index=True
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # Set when an editor closes the claim (rejected) or it is withdrawn; None while it is open.
    closed_as: Mapped[ClaimClosure | None] = mapped_column(checked(ClaimClosure, "claim_closure"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The readable part of the public fact-check's URL, fixed when a verdict is first
    # published so the URL never changes (app.workflow.verdicts.approve).
    public_slug: Mapped[str | None] = mapped_column(String(80))

    document: Mapped[Document | None] = relationship(back_populates="claims")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="claim", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    verdicts: Mapped[list[Verdict]] = relationship(
        back_populates="claim", order_by="Verdict.id", cascade="all, delete-orphan"
    )
    # The audit trail is append-only: a claim with events is never deleted (it is withdrawn),
    # so no cascade; the database refuses the delete (ON DELETE RESTRICT).
    events: Mapped[list[Event]] = relationship(
        back_populates="claim", order_by="Event.seq", passive_deletes="all"
    )

    # Optimistic locking: SQLAlchemy adds "AND version = :old" to every UPDATE.
    __mapper_args__: dict[str, Any] = {"version_id_col": version}
