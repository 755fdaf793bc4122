"""Who works at the desk, as the pages list them (read only).

Public interface::

    has_users(session) -> bool                    False on a brand-new desk (first run)
    assignable(session) -> list[User]             active users, for "assign to"
    UserRow(user, active_tokens, tokens)
    user_rows(session) -> list[UserRow]           every user with their API tokens

Changing users and tokens is the user administration service's (admins).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import ApiToken, User


@dataclass(frozen=True)
class UserRow:
    user: User
    active_tokens: int
    tokens: list[ApiToken]  # newest first, revoked ones included


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def assignable(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.email)))


def user_rows(session: Session) -> list[UserRow]:
    users = session.scalars(select(User).options(selectinload(User.tokens)).order_by(User.id))
    rows = []
    for user in users:
        tokens = sorted(user.tokens, key=lambda t: t.id, reverse=True)
        rows.append(UserRow(user, sum(1 for t in tokens if t.revoked_at is None), tokens))
    return rows
