"""Restatement suggestions between claims, and the blocking keys that find them.

``ClaimSimilarity`` is one pair of claims the matcher found alike: ``claim_id`` is the later
claim, ``other_id`` the earlier one it was compared with. A person confirms the pair (the two
clusters join) or rejects it (they stay, or become, separate); ``moved`` keeps the cluster ids
the decision changed, so that it can be undone. ``ClaimKey`` indexes each claim under its
numbers and rare lemmas (``app.ingest.matching.blocking_keys``) so that a new claim is compared
with the few stored claims sharing them, never with every stored claim.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.enums import checked

if TYPE_CHECKING:
    from app.models.claims import Claim
    from app.models.users import User


class SimilarityStatus(StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class MatchRelation(StrEnum):
    SAME = "same"
    APPROXIMATE = "approximate"
    CONTRADICTS = "contradicts"
    DIFFERENT = "different"


class ClaimSimilarity(Base):
    __tablename__ = "claim_similarities"
    __table_args__ = (
        UniqueConstraint("claim_id", "other_id", name="uq_claim_similarities_pair"),
        CheckConstraint("claim_id <> other_id", name="two_claims"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        Index("ix_claim_similarities_other_id", "other_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    score: Mapped[float]
    relation: Mapped[MatchRelation] = mapped_column(checked(MatchRelation, "match_relation"))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[SimilarityStatus] = mapped_column(
        checked(SimilarityStatus, "similarity_status"), default=SimilarityStatus.SUGGESTED
    )
    # True when the pair joined without a person (a high-confidence "same" match).
    auto: Mapped[bool] = mapped_column(default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {claim id: cluster id before the decision} for every claim the decision moved.
    moved: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship(foreign_keys=[claim_id])
    other: Mapped[Claim] = relationship(foreign_keys=[other_id])
    decided_by: Mapped[User | None] = relationship()


class ClaimKey(Base):
    """One blocking key of one claim; the primary key serves "claims under this key"."""

    __tablename__ = "claim_keys"
    __table_args__ = (Index("ix_claim_keys_claim_id", "claim_id"),)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
