"""Driving the sign-in form the way a browser does (CSRF token first)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PASSWORD = "correct horse"  # tests.factories.UserFactory's


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"{path} carries a CSRF token"
    return match.group(1)


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, next_: str | None = None
) -> TestResponse:
    token = csrf_token(client)
    url = "/login" if next_ is None else f"/login?next={next_}"
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200
