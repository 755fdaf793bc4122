from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.ids import MAX_ID


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"user_id": 7}]})

    user_id: int | None = Field(
        ge=1, le=MAX_ID, description="Who gets the claim (under a fresh lease); null unassigns."
    )
