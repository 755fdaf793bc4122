from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _stripped(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain text, not only whitespace")
    return value.strip()


class VerdictCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rating": "mostly-true",
                    "rationale": "Two ministry reports list 38 rebuilt schools, not 40.",
                }
            ]
        },
    )

    rating: str = Field(
        min_length=1, max_length=50, description="A rating of the configured RATING_SCALE."
    )
    rationale: str = Field(min_length=1, max_length=20000, description="Why, for readers.")

    @field_validator("rating", "rationale")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return _stripped(value)


class CorrectionCreate(VerdictCreate):
    correction_note: str = Field(
        min_length=1, max_length=5000, description="The public correction notice."
    )

    @field_validator("correction_note")
    @classmethod
    def _note_not_blank(cls, value: str) -> str:
        return _stripped(value)


class ApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=5000, description="Optional note to the proposer.")


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=5000, description="What must change; required.")
    close: bool = Field(
        False,
        description="Also close the claim as rejected (no verdict for it; out of the queue "
        "until an editor reopens it). Default: back to the queue for rework.",
    )

    @field_validator("note")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return _stripped(value)


class ClusterProposalsOut(BaseModel):
    verdict_ids: list[int] = Field(description="The proposals made, one per member.")
    claim_ids: list[int] = Field(description="The members they were proposed for.")
    skipped: dict[int, str] = Field(description="Members left out, with why.")


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=5000, description="Why, for the history.")
