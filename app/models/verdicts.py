from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.enums import ClaimState, VerdictStatus, checked

if TYPE_CHECKING:
    from app.models.claims import Claim
    from app.models.users import User


class Verdict(Base):
    """A proposed rating; an editor other than the proposer approves or rejects it."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    rating: Mapped[str] = mapped_column(String(50))
    rationale: Mapped[str] = mapped_column(Text)
    status: Mapped[VerdictStatus] = mapped_column(
        checked(VerdictStatus, "verdict_status"), default=VerdictStatus.PROPOSED
    )
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The claim state the verdict was proposed on (and approved on, if approved).
    claim_state: Mapped[ClaimState] = mapped_column(checked(ClaimState, "verdict_claim_state"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    stale: Mapped[bool] = mapped_column(default=False)
    stale_reason: Mapped[str | None] = mapped_column(Text)
    # A correction is proposed against an approved verdict; once another editor approves it,
    # the old one stays in the history, superseded.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("verdicts.id"))
    correction_note: Mapped[str | None] = mapped_column(Text)
    # A proposal copied from a restatement's verdict ("from cluster of #N"); it goes stale when
    # the verdict it was copied from does.
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("verdicts.id"), index=True)

    claim: Mapped[Claim] = relationship(back_populates="verdicts")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
