from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.api.schemas.sources import CaptureOut, SourceBrief
from app.models import Stance


class EvidenceCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://www.example.org/report-2026",
                    "stance": "supports",
                    "quote": "40 schools in the region were rebuilt",
                }
            ]
        },
    )

    url: str = Field(min_length=1, max_length=2048, description="The cited page (http/https).")
    stance: Stance
    quote: str | None = Field(None, max_length=5000, description="Words quoted from the source.")

    @field_validator("quote")
    @classmethod
    def _blank_quote_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class EvidenceOut(BaseModel):
    id: int
    claim_id: int
    stance: Stance
    quote: str | None
    quote_found: bool | None
    quote_start: int | None
    quote_end: int | None
    created_at: datetime
    added_by_id: int | None
    source: SourceBrief
    capture: CaptureOut | None = Field(description="The capture archiving the source.")
