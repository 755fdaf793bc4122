"""Per-host politeness state for re-checks (``app.workflow.politeness``), shared by every
worker process through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class HostPoliteness(Base):
    """When the next re-check fetch to a host may start at the earliest."""

    __tablename__ = "host_politeness"

    host: Mapped[str] = mapped_column(String(253), primary_key=True)
    # The minimum delay after the last start, or a Retry-After the host asked for.
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PolitenessSlot(Base):
    """A re-check fetch to ``host`` under way. A slot whose worker died lapses at
    ``expires_at`` (the longest a capture may run), so no host stays blocked."""

    __tablename__ = "politeness_slots"
    __table_args__ = (Index("ix_politeness_slots_host_expires", "host", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(
        ForeignKey("host_politeness.host", ondelete="CASCADE"), index=False
    )
    capture_id: Mapped[int | None] = mapped_column(
        ForeignKey("captures.id", ondelete="SET NULL"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
