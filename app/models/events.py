from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.claims import Claim
    from app.models.users import User


class Event(Base):
    """Append-only audit trail, hash-chained per claim (``app.workflow.audit``).

    Database triggers refuse UPDATE and DELETE on this table; ``seq`` numbers a claim's events
    1, 2, 3... and ``hash`` is SHA-256 over the event's canonical JSON and ``prev_hash``, so a
    row changed or removed behind the triggers' back breaks the chain.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_claim_id_id", "claim_id", "id"),
        UniqueConstraint("claim_id", "seq", name="claim_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    seq: Mapped[int]
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(50))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    claim: Mapped[Claim] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
