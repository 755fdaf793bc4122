from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from app.models import Role


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)
    role: Role
    name: str = Field("", max_length=200)
    password: str | None = Field(None, min_length=8, max_length=200)


class UserPatch(BaseModel):
    """What an admin may change about a user; at least one field."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"active": False}, {"role": "editor"}]}
    )

    active: StrictBool | None = Field(
        None, description="false shuts the user out at once (sessions and tokens)."
    )
    role: Role | None = None

    @model_validator(mode="after")
    def _something(self) -> UserPatch:
        if self.active is None and self.role is None:
            raise ValueError("give `active`, `role` or both")
        return self


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    created_at: datetime


class UserList(BaseModel):
    users: list[UserOut]


class TokenOut(BaseModel):
    user: UserOut
    token: str = Field(description="The API token; shown only in this response.")


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field("", max_length=100)
    expires_days: int | None = Field(
        None, ge=1, le=3650, description="Days until the token stops working; unset: never."
    )


class TokenInfo(BaseModel):
    """A token as listed: never its secret or hash."""

    id: int
    user_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenList(BaseModel):
    tokens: list[TokenInfo]


class TokenIssued(TokenInfo):
    token: str = Field(description="The secret; shown only in this response.")
