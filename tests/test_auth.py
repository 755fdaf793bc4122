from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.credentials import hash_token
from app.models import ApiToken, Role
from tests.conftest import Users

PROBLEM = "application/problem+json"


def assert_problem(resp, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == PROBLEM
    body = resp.get_json(force=True)
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def test_no_token_is_401_with_a_hint(client: FlaskClient) -> None:
    body = assert_problem(client.get("/api/v1/me"), 401)
    assert "Bearer" in body["detail"]


def test_wrong_token_is_401(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    resp = client.get("/api/v1/me", headers={"Authorization": "Bearer cd_not-a-real-token"})
    body = assert_problem(resp, 401)
    assert "not valid" in body["detail"]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_valid_token_identifies_the_user(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    user, headers = checker
    resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 200
    assert resp.json["email"] == user.email and resp.json["role"] == "fact_checker"


def test_tokens_are_stored_hashed(db: Session, checker) -> None:  # type: ignore[no-untyped-def]
    _, headers = checker
    secret = headers["Authorization"].split()[1]
    stored = db.scalars(select(ApiToken.token_hash)).all()
    assert hash_token(secret) in stored
    assert secret not in stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)


def test_revoked_token_is_refused(client: FlaskClient, db: Session, checker) -> None:  # type: ignore[no-untyped-def]
    from app.db import utcnow

    _, headers = checker
    for token in db.scalars(select(ApiToken)):
        token.revoked_at = utcnow()
    db.flush()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_roles_are_ordered(client: FlaskClient, users: Users) -> None:
    _, fc = users.make(Role.FACT_CHECKER)
    _, ed = users.make(Role.EDITOR)
    _, ad = users.make(Role.ADMIN)
    body = assert_problem(client.get("/api/v1/users", headers=fc), 403)
    assert "admin" in body["detail"]
    assert_problem(client.get("/api/v1/users", headers=ed), 403)
    assert client.get("/api/v1/users", headers=ad).status_code == 200
    for headers in (fc, ed, ad):
        assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_admin_creates_user_and_token_works(client: FlaskClient, users: Users) -> None:
    _, ad = users.make(Role.ADMIN)
    resp = client.post(
        "/api/v1/users", json={"email": "New@Desk.test", "role": "editor"}, headers=ad
    )
    assert resp.status_code == 201
    token = resp.json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["email"] == "new@desk.test" and me.json["role"] == "editor"
    again = client.post(
        "/api/v1/users", json={"email": "new@desk.test", "role": "editor"}, headers=ad
    )
    assert_problem(again, 409)


def test_browser_session_cookie_does_not_authenticate_the_api(
    client: FlaskClient, users: Users
) -> None:
    user, _ = users.make(Role.ADMIN)
    with client.session_transaction() as sess:
        sess["user_id"] = user.id
        sess["session_version"] = user.session_version
    assert client.get("/").status_code == 200  # the web page accepts the session
    assert_problem(client.get("/api/v1/me"), 401)  # the API does not (no CSRF riding)
