"""User administration (admins only) and who-am-I; the rules live in app.workflow.users."""

from __future__ import annotations

from flask import Response
from spectree import Response as Resp
from sqlalchemy import select

from app.api import bp
from app.api.responses import json_response
from app.api.schemas.users import (
    TokenCreate,
    TokenInfo,
    TokenIssued,
    TokenList,
    TokenOut,
    UserCreate,
    UserList,
    UserOut,
    UserPatch,
)
from app.api.spec import ProblemModel, spec
from app.auth.policy import current_user, require_role
from app.db import session
from app.ids import ID
from app.models import ApiToken, Role, User
from app.workflow import users as service

_ADMIN_ERRORS = {"HTTP_401": ProblemModel, "HTTP_403": ProblemModel}


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def _token_info(token: ApiToken) -> TokenInfo:
    return TokenInfo.model_validate(token, from_attributes=True)


@bp.get("/me")
@require_role(Role.FACT_CHECKER)
@spec.validate(resp=Resp(HTTP_200=UserOut, HTTP_401=ProblemModel), tags=["users"])
def me() -> Response:
    """The authenticated user."""
    return json_response(_user_out(current_user()))


@bp.get("/users")
@require_role(Role.ADMIN)
@spec.validate(resp=Resp(HTTP_200=UserList, **_ADMIN_ERRORS), tags=["users"])
def list_users() -> Response:
    """Every user (admins only)."""
    rows = session().scalars(select(User).order_by(User.id))
    return json_response(UserList(users=[_user_out(u) for u in rows]))


@bp.post("/users")
@require_role(Role.ADMIN)
@spec.validate(
    json=UserCreate,
    resp=Resp(HTTP_201=TokenOut, HTTP_409=ProblemModel, HTTP_422=ProblemModel, **_ADMIN_ERRORS),
    tags=["users"],
)
def create_user(json: UserCreate) -> Response:
    """Create a user and return their first API token (admins only)."""
    s = session()
    user, issued = service.create_user(
        s,
        current_user(),
        email=json.email,
        role=json.role,
        name=json.name,
        password=json.password,
        token_label="created by admin",
    )
    s.commit()
    return json_response(TokenOut(user=_user_out(user), token=issued.secret), 201)


@bp.patch(f"/users/<{ID}:user_id>")
@require_role(Role.ADMIN)
@spec.validate(
    json=UserPatch,
    resp=Resp(
        HTTP_200=UserOut,
        HTTP_404=ProblemModel,
        HTTP_409=ProblemModel,
        HTTP_422=ProblemModel,
        **_ADMIN_ERRORS,
    ),
    tags=["users"],
)
def patch_user(user_id: int, json: UserPatch) -> Response:
    """Deactivate or activate a user, or change their role (admins only).

    Deactivation and a role change end the user's sessions at once; a deactivated user's
    tokens are refused. The last active admin can be neither deactivated nor demoted (409).
    """
    s = session()
    user = service.get_user(s, user_id)
    service.update_user(s, current_user(), user, active=json.active, role=json.role)
    s.commit()
    return json_response(_user_out(user))


@bp.get(f"/users/<{ID}:user_id>/tokens")
@require_role(Role.ADMIN)
@spec.validate(
    resp=Resp(HTTP_200=TokenList, HTTP_404=ProblemModel, **_ADMIN_ERRORS), tags=["users"]
)
def list_tokens(user_id: int) -> Response:
    """The user's tokens, newest first, revoked and expired ones included (never secrets)."""
    s = session()
    tokens = service.list_tokens(s, current_user(), service.get_user(s, user_id))
    return json_response(TokenList(tokens=[_token_info(t) for t in tokens]))


@bp.post(f"/users/<{ID}:user_id>/tokens")
@require_role(Role.ADMIN)
@spec.validate(
    json=TokenCreate,
    resp=Resp(
        HTTP_201=TokenIssued,
        HTTP_404=ProblemModel,
        HTTP_409=ProblemModel,
        HTTP_422=ProblemModel,
        **_ADMIN_ERRORS,
    ),
    tags=["users"],
)
def create_token(user_id: int, json: TokenCreate) -> Response:
    """A new token for the user, optionally expiring; its secret is shown only here."""
    s = session()
    user = service.get_user(s, user_id)
    issued = service.issue_token(
        s, current_user(), user, label=json.label, expires_days=json.expires_days
    )
    s.commit()
    info = _token_info(issued.token)
    return json_response(TokenIssued(**info.model_dump(), token=issued.secret), 201)


@bp.delete(f"/tokens/<{ID}:token_id>")
@require_role(Role.ADMIN)
@spec.validate(
    resp=Resp(HTTP_200=TokenInfo, HTTP_404=ProblemModel, **_ADMIN_ERRORS), tags=["users"]
)
def revoke_token(token_id: int) -> Response:
    """Revoke a token: refused from the next request on. Revoking twice is harmless."""
    s = session()
    token = service.revoke_token(s, current_user(), service.get_token(s, token_id))
    s.commit()
    return json_response(_token_info(token))
