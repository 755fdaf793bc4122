from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class SimilarOut(BaseModel):
    claim_id: int = Field(description="The other claim of the pair.")
    score: float = Field(ge=0, le=1, description="How alike the two claims are; ranks the list.")
    status: Literal["suggested", "confirmed", "rejected"]
    relation: Literal["same", "approximate", "contradicts", "different"] = Field(
        description="same fact; same fact with a hedged or rounded figure; the same fact "
        "with the opposite polarity (never joined automatically); or not the same fact."
    )
    reasons: list[str] = Field(description="Why they were matched: shared words and figures.")
    auto: bool = Field(False, description="Joined without a person (a high-confidence match).")
    decided_by: int | None = Field(None, description="The user who confirmed or rejected it.")
    decided_at: datetime | None = None


class SimilarList(BaseModel):
    similar: list[SimilarOut] = Field(description="Best score first.")
