from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.enums import Stance, checked

if TYPE_CHECKING:
    from app.models.claims import Claim
    from app.models.sources import Capture, Source
    from app.models.users import User


class Evidence(Base):
    """A claim cites a source with a stance, optionally quoting it."""

    __tablename__ = "evidence"
    # One item per claim, source and stance: citing again finds the existing item.
    __table_args__ = (
        UniqueConstraint("claim_id", "source_id", "stance", name="claim_source_stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    stance: Mapped[Stance] = mapped_column(checked(Stance, "stance"))
    quote: Mapped[str | None] = mapped_column(Text)
    # Whether the quote was found in the capture checked last (None: not checked yet).
    quote_found: Mapped[bool | None]
    quote_capture_id: Mapped[int | None] = mapped_column(
        ForeignKey("captures.id", ondelete="SET NULL")
    )
    quote_start: Mapped[int | None]
    quote_end: Mapped[int | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="evidence")
    source: Mapped[Source] = relationship(back_populates="evidence")
    quote_capture: Mapped[Capture | None] = relationship()
    added_by: Mapped[User | None] = relationship()
