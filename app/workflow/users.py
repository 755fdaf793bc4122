"""User administration (SPEC §2, admins): one service for the CLI, the API and the web pages.

Every function takes the session and the acting user, and leaves committing to the caller.
The actor is an admin, or None for the operator at the server's console (``claimdesk users``),
who is trusted because they can already read the database.

Rules:

- Deactivating a user, or changing their role, ends all of their browser sessions at once;
  a deactivated user's API tokens are refused while they stay deactivated (activating them
  again brings the tokens back: revoke those that may have leaked).
- There is always an active admin: the last one can be neither deactivated nor demoted
  (409), whoever asks. Make another admin first; from the console, ``users create --role
  admin`` always works, so no desk can lock itself out.
- Tokens may expire (``expires_days``); an expired or revoked token is refused at once and
  stays listed, so the record of who had access remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.credentials import hash_password, new_token
from app.auth.sessions import end_all_sessions
from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models import ApiToken, Role, User

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
MIN_PASSWORD, MAX_PASSWORD = 8, 200
MAX_NAME = 200  # users.name is String(200)
MAX_EXPIRES_DAYS = 3650
# Ids above this are outside every backend's integer column, so they cannot exist.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


def _storable(value: str) -> bool:
    """Text every backend can hold: valid UTF-8 (no lone surrogates) and no NUL."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def _check_text(field: str, value: str) -> None:
    if not _storable(value):
        raise Invalid(f"{field} must be text without NUL or unpaired surrogates.", field=field)


def _authorise(actor: User | None) -> None:
    if actor is None:
        return
    if not actor.is_active:
        raise Forbidden("Your account is deactivated.")
    if actor.role is not Role.ADMIN:
        raise Forbidden(f"Managing users needs the admin role; you are {actor.role.value}.")


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound("user", user_id)
    return user


def find_user(session: Session, email: str) -> User:
    address = email.strip().lower()
    user = None
    if _storable(address):
        user = session.scalar(select(User).where(User.email == address))
    if user is None:
        raise NotFound("user", address, f"No user has the email {address}.")
    return user


def get_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None:
        raise NotFound("token", token_id)
    return token


def create_user(
    session: Session,
    actor: User | None,
    *,
    email: str,
    role: Role,
    name: str = "",
    password: str | None = None,
    token_label: str = "",
) -> tuple[User, IssuedToken]:
    """A new user and their first API token."""
    _authorise(actor)
    for field, text in (("email", email), ("name", name), ("password", password or "")):
        _check_text(field, text)
    if len(name) > MAX_NAME:
        raise Invalid(f"A name has at most {MAX_NAME} characters.", field="name")
    address = email.strip().lower()
    if not EMAIL.fullmatch(address) or len(address) > 254:
        raise Invalid(f"{email!r} is not an email address.", field="email")
    if password is not None and not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(
            f"A password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters.", field="password"
        )
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"A user with email {address} already exists.")
    user = User(
        email=address,
        name=name,
        role=role,
        password_hash=hash_password(password) if password else None,
        is_active=True,
        session_version=1,
    )
    session.add(user)
    issued = issue_token(session, actor, user, label=token_label)
    return user, issued


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take away the last active admin (the row locks serialise two admins who
    demote each other at the same moment on Postgres; SQLite serialises every writer)."""
    if user.role is not Role.ADMIN or not user.is_active:
        return
    query = select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    others = [uid for uid in session.scalars(query) if uid != user.id]
    if not others:
        raise Conflict(f"{user.email} is the last active admin; make another user admin first.")


def deactivate(session: Session, actor: User | None, user: User) -> User:
    """Shut the user out: sessions end and tokens are refused from the next request."""
    _authorise(actor)
    if user.is_active:
        _keep_an_admin(session, user)
        user.is_active = False
        end_all_sessions(user)
        session.flush()
    return user


def activate(session: Session, actor: User | None, user: User) -> User:
    _authorise(actor)
    user.is_active = True
    session.flush()
    return user


def set_role(session: Session, actor: User | None, user: User, role: Role) -> User:
    """Change what the user may do; their sessions end so they sign in under the new role."""
    _authorise(actor)
    if user.role is not role:
        if role is not Role.ADMIN:
            _keep_an_admin(session, user)
        user.role = role
        end_all_sessions(user)
        session.flush()
    return user


def update_user(
    session: Session,
    actor: User | None,
    user: User,
    *,
    active: bool | None = None,
    role: Role | None = None,
) -> User:
    """Apply the given changes together (``PATCH /users/{id}``)."""
    _authorise(actor)
    if role is not None:
        set_role(session, actor, user, role)
    if active is True:
        activate(session, actor, user)
    elif active is False:
        deactivate(session, actor, user)
    return user


def list_tokens(session: Session, actor: User | None, user: User) -> list[ApiToken]:
    """Every token the user ever had, newest first, revoked and expired ones included."""
    _authorise(actor)
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def issue_token(
    session: Session,
    actor: User | None,
    user: User,
    *,
    label: str = "",
    expires_days: int | None = None,
) -> IssuedToken:
    """A new API token for ``user`` (to rotate: issue one, then revoke the old)."""
    _authorise(actor)
    if not user.is_active:
        raise Conflict(f"{user.email} is deactivated; activate them before issuing a token.")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        raise Invalid(
            f"expires_days must be between 1 and {MAX_EXPIRES_DAYS}.", field="expires_days"
        )
    _check_text("label", label)
    if len(label) > 100:
        raise Invalid("A token label has at most 100 characters.", field="label")
    expires_at = utcnow() + timedelta(days=expires_days) if expires_days else None
    token, secret = new_token(session, user, label, expires_at)
    session.flush()
    return IssuedToken(token, secret)


def revoke_token(session: Session, actor: User | None, token: ApiToken) -> ApiToken:
    """Refuse the token from now on; revoking it again changes nothing."""
    _authorise(actor)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token
