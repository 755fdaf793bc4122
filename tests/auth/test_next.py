"""After sign-in the browser goes only to a path on this site (issue 13, points 2 and 3)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from app.auth.redirects import safe_next
from app.models import Role
from tests.auth.browser import sign_in
from tests.conftest import Users

HOSTILE = [
    "/%09/evil.example/phish",  # a tab browsers drop: //evil.example
    "/%0d%0a/evil",  # CR LF: header injection, and //evil once dropped
    "https://evil",
    "//evil",
    "/%5Cevil",  # /\evil, which browsers read as //evil
    "/%5C/evil",
    "%20//evil",  # leading space is trimmed by browsers
    "/%2509/evil.example",  # a tab encoded twice
    "/%E2%80%8B/evil.example",  # a zero-width space between the slashes
    "javascript:alert(1)",
    "evil.example/x",  # not a path at all
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_lands_on_the_index(client: FlaskClient, users: Users, target: str) -> None:
    user, _ = users.make(Role.EDITOR)
    resp = sign_in(client, user.email, next_=target)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


def test_a_normal_path_is_kept(client: FlaskClient, users: Users) -> None:
    user, _ = users.make(Role.EDITOR)
    resp = sign_in(client, user.email, next_=quote("/claims/12?tab=evidence", safe=""))
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/claims/12?tab=evidence"


def test_safe_next_units() -> None:
    assert safe_next("/queue") == "/queue"
    assert safe_next("/queue?state=sourced&q=a/b") == "/queue?state=sourced&q=a/b"
    assert safe_next("/\t/evil.example") is None
    assert safe_next("/\r\n/evil") is None
    assert safe_next("/\\evil") is None
    assert safe_next("\\\\evil") is None
    assert safe_next("http:/evil") is None  # a scheme, even without a host
    assert safe_next("/a\x00b") == "/ab"  # controls inside a path are only dropped
    assert safe_next("") is None and safe_next(None) is None


def test_unauthenticated_page_sends_its_path_and_query_as_next(client: FlaskClient) -> None:
    resp = client.get("/?tab=mine")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/login?next=/?tab%3Dmine"
