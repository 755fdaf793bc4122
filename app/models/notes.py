from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.claims import Claim
    from app.models.users import User


class Note(Base):
    """An internal remark on a claim: the desk's discussion thread, never exported.

    Notes are appended, never edited; each one is also a ``note_added`` event, so the audit
    trail shows the discussion in its place among everything else that happened.
    """

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_claim_id_id", "claim_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship()
    author: Mapped[User | None] = relationship()
