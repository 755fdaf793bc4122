"""Passwords (scrypt via werkzeug) and API tokens (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import utcnow
from app.models import ApiToken, User

TOKEN_PREFIX = "cd_"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash or "", password)


@cache
def _dummy_hash() -> str:
    # Same method and cost as real hashes, so checking against it takes as long.
    return hash_password(secrets.token_hex(16))


def check_sign_in(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    Whatever the reason for refusing (no such email, no password, deactivated, wrong
    password), one scrypt check runs, so the time taken does not tell which it was.
    """
    address = email.strip().lower()
    # No stored email holds NUL (and Postgres cannot even compare one): not a user.
    user = None if "\x00" in address else session.scalar(select(User).where(User.email == address))
    if user is None or not user.is_active or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(
    session: Session, user: User, label: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``: the row and its secret (only the hash is stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, token_hash=hash_token(secret), label=label, expires_at=expires_at)
    session.add(token)
    return token, secret


def issue_token(
    session: Session, user: User, label: str = "", expires_at: datetime | None = None
) -> str:
    """Create a token for ``user`` and return its secret."""
    return new_token(session, user, label, expires_at)[1]


# ``last_used_at`` says when a token was last used to the minute: writing it on every request
# cost each API call an UPDATE (and on Postgres held the token's row lock until commit, so
# concurrent calls with one token took turns).
LAST_USED_RESOLUTION = timedelta(seconds=60)


def user_for_token(session: Session, secret: str) -> User | None:
    """The owner of a usable token: not revoked, not expired, and the owner still active.
    One query reads the token with its owner."""
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(secret))
        .options(joinedload(ApiToken.user))
    )
    now = utcnow()
    if token is None or not token.usable_at(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token.user
