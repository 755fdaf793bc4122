from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.models import Role
from tests.conftest import Users


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "login form carries a CSRF token"
    return match.group(1)


def test_pages_redirect_to_login(client: FlaskClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_login_needs_csrf_token(client: FlaskClient, users: Users) -> None:
    user, _ = users.make(Role.EDITOR)
    resp = client.post("/login", data={"email": user.email, "password": "correct horse"})
    assert resp.status_code == 400  # Flask-WTF refuses a form without its token
    assert client.get("/").status_code == 302  # still logged out


def test_login_logout_cycle(client: FlaskClient, users: Users) -> None:
    user, _ = users.make(Role.EDITOR)
    token = _csrf(client.get("/login").get_data(as_text=True))
    wrong = client.post(
        "/login", data={"email": user.email, "password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "Wrong email or password" in wrong.get_data(as_text=True)
    ok = client.post(
        "/login?next=/",
        data={"email": user.email.upper(), "password": "correct horse", "csrf_token": token},
    )
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert user.email in page and "Review queue" in page
    out = client.post("/logout", data={"csrf_token": _csrf(page)})
    assert out.status_code == 302
    assert client.get("/").status_code == 302


def test_login_refuses_open_redirect(client: FlaskClient, users: Users) -> None:
    user, _ = users.make()
    token = _csrf(client.get("/login").get_data(as_text=True))
    resp = client.post(
        "/login?next=//evil.example/x",
        data={"email": user.email, "password": "correct horse", "csrf_token": token},
    )
    assert resp.headers["Location"] == "/"
