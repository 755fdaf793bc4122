"""Who may do what (SPEC §2), enforced in one place.

``require_role`` guards a view: API calls authenticate with ``Authorization: Bearer``, browser
pages with the sign-in session. Unauthenticated (401) when nobody valid is signed in, Forbidden
(403) when the role is too low; a browser page without a session redirects to the sign-in form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, redirect, request, url_for

from app.auth.credentials import user_for_token
from app.auth.sessions import session_user
from app.db import session as db_session
from app.errors import Forbidden, Unauthenticated
from app.models import Role, User

RANK = {Role.FACT_CHECKER: 1, Role.EDITOR: 2, Role.ADMIN: 3}

F = TypeVar("F", bound=Callable[..., Any])


def has_role(user: User, role: Role) -> bool:
    """Roles are ordered: an admin may do what an editor may, an editor what a checker may."""
    return RANK[user.role] >= RANK[role]


def bearer_secret() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if the request has one."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def authenticate() -> User | None:
    if "user" in g:
        return cast(User | None, g.user)
    user: User | None = None
    if request.headers.get("Authorization"):
        secret = bearer_secret()
        user = user_for_token(db_session(), secret) if secret else None
    elif not request.path.startswith("/api/"):
        # The API takes bearer tokens only, so a browser's cookie can never be ridden (CSRF).
        user = session_user(db_session())
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
            if user is None:
                if not request.path.startswith("/api/"):
                    return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
                raise Unauthenticated(
                    "The bearer token is not valid."
                    if request.headers.get("Authorization")
                    else "Send 'Authorization: Bearer <token>'; `claimdesk users create` gives one."
                )
            ensure(
                has_role(user, role),
                f"This action needs the {role.value} role; you are {user.role.value}.",
            )
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def ensure(condition: bool, detail: str) -> None:
    """Refuse with 403 and a reason a person can act on (e.g. the four-eyes rule)."""
    if not condition:
        raise Forbidden(detail)
