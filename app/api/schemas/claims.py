from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.api.schemas.common import StoredUrl
from app.api.schemas.sources import CaptureOut, SourceBrief
from app.ids import MAX_ID
from app.models import ClaimClosure, ClaimState, SpeakerKind, Stance, VerdictStatus


class ClaimCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "The ministry says 40 schools in the region were rebuilt last year.",
                    "speaker": "Ministry of Education",
                    "appearance_url": "https://example.org/news/schools",
                    "claim_date": "2026-11-02",
                }
            ]
        },
    )

    text: str = Field(min_length=1, max_length=5000, description="The checkable statement.")
    document_id: int | None = Field(None, ge=1, le=MAX_ID, description="The article it comes from.")
    speaker: str | None = Field(None, max_length=300)
    speaker_kind: SpeakerKind | None = Field(
        None, description="person or organization (how ClaimReview types the claim's author)."
    )
    appearance_url: StoredUrl | None = Field(None, description="Where the claim was made.")
    claim_date: date | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must contain text, not only whitespace")
        return value.strip()


class EventOut(BaseModel):
    id: int
    seq: int = Field(description="Position in the claim's audit chain, from 1.")
    kind: str
    actor_id: int | None
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: dict[str, Any]
    prev_hash: str | None
    hash: str = Field(description="SHA-256 chaining this event to the one before it.")


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class EventQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(None, pattern=r"^[0-9]{1,9}$", description="`next_cursor`.")
    limit: int = Field(100, ge=1, le=500)


class ExportRunOut(BaseModel):
    id: int
    format: str
    created_at: datetime
    actor_id: int | None
    count: int


class ClaimOut(BaseModel):
    id: int
    text: str
    state: ClaimState
    version: int
    cluster_id: int | None
    document_id: int | None
    span_start: int | None
    span_end: int | None
    speaker: str | None
    speaker_kind: SpeakerKind | None
    claim_date: date | None
    appearance_url: str | None
    tags: list[str]
    checkworthiness: float
    priority: float
    assignee_id: int | None
    lease_expires_at: datetime | None
    closed_as: ClaimClosure | None = Field(description="rejected or withdrawn; null while open.")
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ClaimEdit(BaseModel):
    """Only the fields sent change; ``null`` clears speaker, claim date or appearance URL.

    A change of wording after approval sends the verdict back for review; the other fields
    are metadata and leave it standing."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "The ministry says 40 schools were rebuilt."}]},
    )

    text: str | None = Field(None, min_length=1, max_length=5000)
    speaker: str | None = Field(None, max_length=300)
    speaker_kind: SpeakerKind | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        None, max_length=20
    )
    claim_date: date | None = Field(None, description="When the claim was made; null clears it.")
    appearance_url: StoredUrl | None = Field(
        None, description="Where the claim was made; null clears it."
    )

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("text cannot be removed; send the new wording or leave it out")
        if not value.strip():
            raise ValueError("must contain text, not only whitespace")
        return value.strip()

    @model_validator(mode="after")
    def _something(self) -> ClaimEdit:
        if not self.model_fields_set:
            raise ValueError(
                "send at least one of: text, speaker, speaker_kind, tags, claim_date, "
                "appearance_url"
            )
        if "tags" in self.model_fields_set and self.tags is None:
            raise ValueError("tags: send [] to remove every tag")
        return self


class ClaimQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: ClaimState | None = None
    assignee: str | None = Field(
        None, pattern=r"^(me|none|[1-9][0-9]{0,9})$", description="A user id, `me` or `none`."
    )
    document: int | None = Field(None, ge=1, le=MAX_ID, description="Claims from this document.")
    has_verdict: bool | None = Field(
        None, description="true: a verdict is awaiting review or approved; false: neither."
    )
    verdict: Literal["proposed", "approved", "stale"] | None = Field(
        None, description="Claims whose current verdict is in this status."
    )
    q: str | None = Field(None, min_length=1, max_length=200, description="Text search.")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of a page.")
    limit: int = Field(50, ge=1, le=200)


class ClaimPage(BaseModel):
    claims: list[ClaimOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class VerdictOut(BaseModel):
    id: int
    claim_id: int
    rating: str
    rating_value: int | None
    rationale: str
    status: VerdictStatus
    proposed_by_id: int
    proposed_at: datetime
    claim_state: ClaimState
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    review_note: str | None
    stale: bool
    stale_reason: str | None
    corrects_id: int | None = Field(description="The approved verdict this one corrects.")
    correction_note: str | None
    copied_from_id: int | None = Field(
        description="The verdict of a restatement this one was copied from (cluster)."
    )


class ClaimEvidence(BaseModel):
    id: int
    stance: Stance
    quote: str | None
    quote_found: bool | None
    usable: bool
    unusable_reason: str | None = Field(description="Why it does not count yet, if it does not.")
    added_by_id: int | None
    created_at: datetime
    source: SourceBrief
    capture: CaptureOut | None = Field(description="The source's latest capture.")


class RevisionOut(BaseModel):
    text: str
    at: datetime
    actor_id: int | None
    meaning_changed: bool | None


class ClaimDetail(ClaimOut):
    """A claim with everything behind its state: evidence, verdicts, history, audit trail."""

    verified: bool = Field(description="An approved verdict stands (not stale).")
    cluster_members: list[int] = Field(
        default_factory=list, description="Other claims that restate this one."
    )
    state_reasons: list[str]
    evidence: list[ClaimEvidence]
    verdict: VerdictOut | None = Field(description="The current verdict, if any.")
    verdicts: list[VerdictOut] = Field(description="Every verdict, oldest first.")
    revisions: list[RevisionOut] = Field(description="Every wording, oldest first.")
    events: list[EventOut] = Field(description="The audit trail, oldest first (first page).")
    events_next_cursor: str | None = Field(
        description="More events: GET /claims/{id}/events?cursor=<this>."
    )
    exports: list[ExportRunOut] = Field(description="Exports that included this claim.")
