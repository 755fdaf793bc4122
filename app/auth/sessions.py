"""Browser sessions: the signed cookie names the user and the session version it began under.

A cookie is only as good as the version it carries: bumping ``User.session_version`` (on
sign-out, deactivation or a role change) ends every session of that user at its next request,
including copies of the cookie taken before.
"""

from __future__ import annotations

from flask import session as cookie
from sqlalchemy.orm import Session

from app.models import User

USER_KEY, VERSION_KEY = "user_id", "session_version"


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser (a fresh cookie, so nothing from before carries over)."""
    cookie.clear()
    cookie[USER_KEY] = user.id
    cookie[VERSION_KEY] = user.session_version


def session_user(db: Session) -> User | None:
    """The user this browser is signed in as, if the session is still current."""
    user_id, version = cookie.get(USER_KEY), cookie.get(VERSION_KEY)
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    user = db.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session of ``user``; the caller commits."""
    # An SQL increment, so two concurrent bumps both count.
    user.session_version = User.session_version + 1


def sign_out(db: Session) -> None:
    """End this browser's session and, by bumping the version, every copy of its cookie."""
    user = session_user(db)
    if user is not None:
        end_all_sessions(user)
        db.commit()
    cookie.clear()
