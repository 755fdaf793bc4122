"""User administration over the API: admins only, a clear 4xx for everything else."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import ApiToken, Role
from tests.conftest import Users
from tests.test_auth import assert_problem


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_deactivation_refuses_tokens_at_once_and_activation_restores_them(
    client: FlaskClient, users: Users
) -> None:
    _, admin = users.make(Role.ADMIN)
    target, target_headers = users.make(Role.EDITOR)
    assert client.get("/api/v1/me", headers=target_headers).status_code == 200

    resp = client.patch(f"/api/v1/users/{target.id}", json={"active": False}, headers=admin)
    assert resp.status_code == 200 and resp.json["is_active"] is False
    assert_problem(client.get("/api/v1/me", headers=target_headers), 401)
    assert_problem(client.post(f"/api/v1/users/{target.id}/tokens", json={}, headers=admin), 409)

    resp = client.patch(f"/api/v1/users/{target.id}", json={"active": True}, headers=admin)
    assert resp.status_code == 200 and resp.json["is_active"] is True
    assert client.get("/api/v1/me", headers=target_headers).status_code == 200


def test_role_change_applies_to_the_next_request(client: FlaskClient, users: Users) -> None:
    _, admin = users.make(Role.ADMIN)
    target, headers = users.make(Role.EDITOR)
    resp = client.patch(f"/api/v1/users/{target.id}", json={"role": "admin"}, headers=admin)
    assert resp.status_code == 200 and resp.json["role"] == "admin"
    assert client.get("/api/v1/users", headers=headers).status_code == 200
    resp = client.patch(f"/api/v1/users/{target.id}", json={"role": "fact_checker"}, headers=admin)
    assert resp.json["role"] == "fact_checker"
    assert_problem(client.get("/api/v1/users", headers=headers), 403)


def test_the_last_active_admin_stays(client: FlaskClient, users: Users) -> None:
    me, admin = users.make(Role.ADMIN)
    body = assert_problem(
        client.patch(f"/api/v1/users/{me.id}", json={"active": False}, headers=admin), 409
    )
    assert "last active admin" in body["detail"]
    assert_problem(
        client.patch(f"/api/v1/users/{me.id}", json={"role": "editor"}, headers=admin), 409
    )
    other, _ = users.make(Role.ADMIN)
    resp = client.patch(f"/api/v1/users/{other.id}", json={"role": "editor"}, headers=admin)
    assert resp.status_code == 200
    # With a second admin, the first may step down.
    users.make(Role.ADMIN)
    resp = client.patch(f"/api/v1/users/{me.id}", json={"role": "editor"}, headers=admin)
    assert resp.status_code == 200
    assert_problem(client.get("/api/v1/users", headers=admin), 403)


def test_tokens_issue_list_revoke(client: FlaskClient, db: Session, users: Users) -> None:
    _, admin = users.make(Role.ADMIN)
    target, first = users.make(Role.FACT_CHECKER)
    resp = client.post(
        f"/api/v1/users/{target.id}/tokens",
        json={"label": "laptop", "expires_days": 30},
        headers=admin,
    )
    assert resp.status_code == 201
    issued = resp.json
    assert issued["label"] == "laptop" and issued["token"].startswith("cd_")
    expires = issued["expires_at"]
    assert expires is not None
    assert client.get("/api/v1/me", headers=_bearer(issued["token"])).status_code == 200

    listed = client.get(f"/api/v1/users/{target.id}/tokens", headers=admin).json["tokens"]
    assert [t["id"] for t in listed] == [issued["id"], listed[1]["id"]]
    assert all("token" not in t and "token_hash" not in t for t in listed)
    assert listed[0]["expires_at"] == expires and listed[1]["expires_at"] is None

    revoked = client.delete(f"/api/v1/tokens/{issued['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.json["revoked_at"] is not None
    assert_problem(client.get("/api/v1/me", headers=_bearer(issued["token"])), 401)
    assert client.get("/api/v1/me", headers=first).status_code == 200  # the other still works
    again = client.delete(f"/api/v1/tokens/{issued['id']}", headers=admin)
    assert again.status_code == 200 and again.json["revoked_at"] == revoked.json["revoked_at"]


def test_an_expired_token_is_refused(client: FlaskClient, db: Session, users: Users) -> None:
    target, headers = users.make(Role.FACT_CHECKER)
    token = db.query(ApiToken).filter_by(user_id=target.id).one()
    token.expires_at = utcnow() + timedelta(minutes=1)
    db.flush()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    assert_problem(client.get("/api/v1/me", headers=headers), 401)


def test_bad_input_is_a_clear_4xx(client: FlaskClient, users: Users) -> None:
    _, admin = users.make(Role.ADMIN)
    target, checker = users.make(Role.FACT_CHECKER)
    assert_problem(client.patch("/api/v1/users/999999", json={"active": False}, headers=admin), 404)
    assert_problem(
        client.patch("/api/v1/users/99999999999", json={"active": False}, headers=admin), 404
    )
    assert_problem(client.get("/api/v1/users/999999/tokens", headers=admin), 404)
    assert_problem(client.delete("/api/v1/tokens/999999", headers=admin), 404)
    assert_problem(client.delete("/api/v1/tokens/0", headers=admin), 404)
    body = assert_problem(client.patch(f"/api/v1/users/{target.id}", json={}, headers=admin), 422)
    assert "active" in body["detail"]
    assert_problem(
        client.patch(f"/api/v1/users/{target.id}", json={"role": "boss"}, headers=admin), 422
    )
    assert_problem(
        client.patch(f"/api/v1/users/{target.id}", json={"active": "no"}, headers=admin), 422
    )
    assert_problem(
        client.patch(f"/api/v1/users/{target.id}", json={"email": "x@y"}, headers=admin), 422
    )
    body = assert_problem(
        client.post(f"/api/v1/users/{target.id}/tokens", json={"expires_days": 0}, headers=admin),
        422,
    )
    assert body["errors"][0]["field"] == "expires_days"
    # Not for anyone but admins.
    assert_problem(
        client.patch(f"/api/v1/users/{target.id}", json={"active": False}, headers=checker), 403
    )
    assert_problem(client.get(f"/api/v1/users/{target.id}/tokens", headers=checker), 403)
    assert_problem(client.delete("/api/v1/tokens/1", headers=checker), 403)
    assert_problem(client.delete("/api/v1/tokens/1"), 401)


def test_the_calls_are_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "patch" in paths["/api/v1/users/{user_id}"]
    assert {"get", "post"} <= set(paths["/api/v1/users/{user_id}/tokens"])
    assert "delete" in paths["/api/v1/tokens/{token_id}"]
