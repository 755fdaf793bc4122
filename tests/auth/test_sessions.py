"""A session ends for every copy of its cookie: on sign-out, deactivation and role change."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.models import Role, User
from app.workflow import users as service
from tests.auth.browser import csrf_token, sign_in, signed_in
from tests.conftest import Users


def _copy_cookie(source: FlaskClient, target: FlaskClient) -> None:
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


def test_a_cookie_copied_before_sign_out_stops_working_after_it(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    user, _ = users.make(Role.EDITOR)
    assert sign_in(client, user.email).status_code == 302
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert signed_in(thief)  # the copy works while the session lasts

    out = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert out.status_code == 302
    assert not signed_in(client)
    assert not signed_in(thief)
    # Signing in again opens a new session; the old copy stays dead.
    assert sign_in(client, user.email).status_code == 302
    assert signed_in(client) and not signed_in(thief)


def test_deactivation_and_role_change_end_sessions_at_once(
    app: Flask, client: FlaskClient, db: Session, users: Users
) -> None:
    user, _ = users.make(Role.EDITOR)
    assert sign_in(client, user.email).status_code == 302
    service.set_role(db, None, user, Role.FACT_CHECKER)
    db.flush()
    assert not signed_in(client)

    assert sign_in(client, user.email).status_code == 302
    service.deactivate(db, None, user)
    db.flush()
    assert not signed_in(client)
    assert sign_in(client, user.email).status_code == 401  # nor can they sign in again


def test_a_session_without_a_version_is_not_accepted(
    client: FlaskClient, db: Session, users: Users
) -> None:
    user, _ = users.make(Role.ADMIN)
    with client.session_transaction() as sess:
        sess["user_id"] = user.id  # what a cookie from before session versions holds
    assert not signed_in(client)
    with client.session_transaction() as sess:
        sess["session_version"] = db.get(User, user.id).session_version  # type: ignore[union-attr]
    assert signed_in(client)
