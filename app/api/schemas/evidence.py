from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.api.schemas.sources import CaptureOut, SourceBrief
from app.ids import MAX_ID
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


# Items one import call may carry: a spreadsheet's worth, in one transaction.
BATCH_MAX_ITEMS = 500


class EvidenceBatchItem(EvidenceCreate):
    claim_id: int = Field(ge=1, le=MAX_ID, description="The claim the source is cited for.")


class EvidenceBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "claim_id": 7,
                            "url": "https://www.example.org/report-2026",
                            "stance": "supports",
                            "quote": "40 schools in the region were rebuilt",
                        },
                        {"claim_id": 8, "url": "https://news.example.net/a", "stance": "refutes"},
                    ]
                }
            ]
        },
    )

    items: list[EvidenceBatchItem] = Field(
        min_length=1,
        max_length=BATCH_MAX_ITEMS,
        description="Sources to cite, each for its claim, under the rules of a single citation.",
    )


class EvidenceBatchResultItem(EvidenceOut):
    created: bool = Field(description="False: the claim already cited that source that way.")


class EvidenceBatchOut(BaseModel):
    items: list[EvidenceBatchResultItem] = Field(description="In the order they were sent.")
