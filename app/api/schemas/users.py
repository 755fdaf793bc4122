from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.models import Role


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)
    role: Role
    name: str = Field("", max_length=200)
    password: str | None = Field(None, min_length=8, max_length=200)


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
