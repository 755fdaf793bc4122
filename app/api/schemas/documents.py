from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.api.schemas.common import StoredUrl


class DocumentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Ministers meet in Geneva",
                    "text": "GENEVA (Wire) - The two foreign ministers met for three hours on "
                    "Tuesday. The ministry said 40 schools were rebuilt last year.",
                    "url": "https://news.example.org/geneva-talks",
                    "published_at": "2026-11-20",
                }
            ]
        },
    )

    title: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=500_000, description="The article text.")
    url: StoredUrl | None = None
    publisher: str | None = Field(None, max_length=253)
    published_at: date | None = None

    @field_validator("text", "title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must contain text, not only whitespace")
        return value


class CandidateOut(BaseModel):
    index: int = Field(description="Position in document order; used to accept candidates.")
    text: str
    start: int
    end: int
    score: float
    reasons: list[str]


class DocumentOut(BaseModel):
    id: int
    title: str
    url: str | None
    publisher: str | None
    published_at: date | None
    content_hash: str
    created_at: datetime
    candidates: list[CandidateOut]
    claim_ids: list[int] = Field(default_factory=list, description="Claims made from it.")


class AcceptCandidates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidates: list[int] = Field(min_length=1, max_length=1000, description="Indexes to accept.")


class AcceptedClaims(BaseModel):
    claim_ids: list[int]
