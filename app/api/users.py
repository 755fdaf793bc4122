"""User administration (admins only) and who-am-I."""

from __future__ import annotations

from flask import Response
from spectree import Response as Resp
from sqlalchemy import select

from app.api import bp
from app.api.responses import json_response
from app.api.schemas.users import TokenOut, UserCreate, UserList, UserOut
from app.api.spec import ProblemModel, spec
from app.auth.credentials import hash_password, issue_token
from app.auth.policy import current_user, require_role
from app.db import session
from app.errors import Conflict
from app.models import Role, User


@bp.get("/me")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=UserOut, HTTP_401=ProblemModel), tags=["users"])
def me() -> Response:
    """The authenticated user."""
    return json_response(UserOut.model_validate(current_user(), from_attributes=True))


@bp.get("/users")
@require_role(Role.ADMIN)
@spec.validate(resp=Resp(HTTP_200=UserList, HTTP_403=ProblemModel), tags=["users"])
def list_users() -> Response:
    """Every user (admins only)."""
    rows = session().scalars(select(User).order_by(User.id))
    return json_response(
        UserList(users=[UserOut.model_validate(u, from_attributes=True) for u in rows])
    )


@bp.post("/users")
@require_role(Role.ADMIN)
@spec.validate(
    json=UserCreate,
    resp=Resp(
        HTTP_201=TokenOut, HTTP_403=ProblemModel, HTTP_409=ProblemModel, HTTP_422=ProblemModel
    ),
    tags=["users"],
)
def create_user(json: UserCreate) -> Response:
    """Create a user and return their first API token (admins only)."""
    s = session()
    email = json.email.lower()
    if s.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with email {email} already exists.")
    user = User(
        email=email,
        name=json.name,
        role=json.role,
        password_hash=hash_password(json.password) if json.password else None,
    )
    s.add(user)
    token = issue_token(s, user, label="created by admin")
    s.commit()
    return json_response(
        TokenOut(user=UserOut.model_validate(user, from_attributes=True), token=token), 201
    )
