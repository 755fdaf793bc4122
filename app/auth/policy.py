"""Who may do what (SPEC §2), enforced in one place.

``require_role`` guards a view: API calls authenticate with ``Authorization: Bearer``, browser
pages with the login session. 401 when nobody is authenticated, 403 when the role is too low.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, redirect, request, session, url_for

from app.auth.credentials import user_for_token
from app.db import session as db_session
from app.errors import Forbidden, Unauthenticated
from app.models import Role, User

RANK = {Role.FACT_CHECKER: 1, Role.EDITOR: 2, Role.ADMIN: 3}

F = TypeVar("F", bound=Callable[..., Any])


def has_role(user: User, role: Role) -> bool:
    """Roles are ordered: an admin may do what an editor may, an editor what a checker may."""
    return RANK[user.role] >= RANK[role]


def authenticate() -> User | None:
    if "user" in g:
        return cast(User | None, g.user)
    user: User | None = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() == "bearer" and secret.strip():
            user = user_for_token(db_session(), secret.strip())
    elif "user_id" in session and not request.path.startswith("/api/"):
        # The API takes bearer tokens only, so a browser's cookie can never be ridden (CSRF).
        candidate = db_session().get(User, session["user_id"])
        user = candidate if candidate is not None and candidate.is_active else None
    g.user = user
    return user


def current_user() -> User:
    user = authenticate()
    if user is None:
        raise Unauthenticated("Authentication required.")
    return user


def require_role(role: Role) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = authenticate()
            is_api = request.path.startswith("/api/")
            if user is None:
                if not is_api:
                    return redirect(url_for("web.login", next=request.path))
                detail = (
                    "The bearer token is not valid."
                    if request.headers.get("Authorization")
                    else "Send 'Authorization: Bearer <token>'; `claimdesk users create` gives one."
                )
                raise Unauthenticated(detail)
            if not has_role(user, role):
                raise Forbidden(
                    f"This action needs the {role.value} role; you are {user.role.value}."
                )
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator
