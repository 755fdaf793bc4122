"""Sign-in resists guessing: failures are throttled per account and per address (issue 13.4)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import app.auth.credentials as credentials
from app.auth.throttle import SignInThrottle
from app.models import Role
from tests.auth.browser import PASSWORD, sign_in, signed_in
from tests.conftest import Users


class Clock:
    """Stands in for time.time, so a 15-minute window passes without waiting for it."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.real = time.time

    def __call__(self) -> float:
        return self.real() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture()
def throttle(app: Flask) -> Iterator[SignInThrottle]:
    limiter: SignInThrottle = app.extensions["claimdesk.signin_throttle"]
    limiter.storage.reset()  # on Redis the counts outlive the app
    yield limiter
    limiter.storage.reset()


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    # limits' moving window takes its timestamps from time.time on both stores.
    monkeypatch.setattr(time, "time", fake)
    return fake


def test_fifteen_wrong_passwords_then_the_right_one_is_refused_until_the_window_passes(
    app: Flask, client: FlaskClient, users: Users, throttle: SignInThrottle, clock: Clock
) -> None:
    user, _ = users.make(Role.EDITOR)
    statuses = [sign_in(client, user.email, "wrong guess").status_code for _ in range(15)]
    assert statuses == [401] * 5 + [429] * 10

    right = sign_in(client, user.email, PASSWORD)
    assert right.status_code == 429
    assert "Too many failed sign-ins" in right.get_data(as_text=True)
    wait = int(right.headers["Retry-After"])
    assert 0 < wait <= app.config["SETTINGS"].SIGNIN_WINDOW_SECONDS
    assert not signed_in(client)

    clock.advance(wait - 60)
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    clock.advance(61)
    ok = sign_in(client, user.email, PASSWORD)
    assert ok.status_code == 302 and signed_in(client)


def test_the_account_limit_counts_failures_only(
    client: FlaskClient, users: Users, throttle: SignInThrottle, clock: Clock
) -> None:
    user, _ = users.make(Role.EDITOR)
    for _ in range(4):
        assert sign_in(client, user.email, "wrong guess").status_code == 401
    for _ in range(3):  # successes do not use up the allowance
        assert sign_in(client, user.email).status_code == 302
    assert sign_in(client, user.email, "wrong guess").status_code == 401
    assert sign_in(client, user.email, "wrong guess").status_code == 429


def test_one_address_guessing_many_accounts_is_throttled(
    app: Flask, client: FlaskClient, users: Users, throttle: SignInThrottle, clock: Clock
) -> None:
    small = SignInThrottle(throttle.storage, per_account=5, per_address=3, window=900)
    app.extensions["claimdesk.signin_throttle"] = small
    victims = [users.make(Role.FACT_CHECKER)[0] for _ in range(5)]
    statuses = [sign_in(client, v.email, "wrong guess").status_code for v in victims]
    assert statuses == [401, 401, 401, 429, 429]
    # Another address is not affected.
    other = sign_in_from(client, "10.1.2.3", victims[4].email, PASSWORD)
    assert other.status_code == 302


def sign_in_from(client: FlaskClient, address: str, email: str, password: str) -> Any:
    from tests.auth.browser import csrf_token

    token = csrf_token(client)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_unknown_emails_are_throttled_like_real_ones(
    client: FlaskClient, throttle: SignInThrottle, clock: Clock
) -> None:
    statuses = [sign_in(client, "nobody@newsroom.test", "guess").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_a_wrong_password_costs_one_hash_whether_or_not_the_email_exists(
    client: FlaskClient,
    users: Users,
    throttle: SignInThrottle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, _ = users.make(Role.EDITOR)
    deactivated, _ = users.make(Role.EDITOR, is_active=False)
    no_password, _ = users.make(Role.EDITOR, password_hash=None)
    checked: list[str] = []
    real = credentials.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$", 1)[0])  # the method and its cost parameters
        return real(pwhash, password)

    monkeypatch.setattr(credentials, "check_password_hash", spy)
    for email in (user.email, "nobody@newsroom.test", deactivated.email, no_password.email):
        checked.clear()
        assert sign_in(client, email, "wrong guess").status_code == 401
        assert len(checked) == 1, email
        assert checked[0] == user.password_hash.split("$", 1)[0], email  # same scrypt cost


def test_a_dead_throttle_store_does_not_lock_everyone_out(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    from limits.storage import storage_from_string

    dead = storage_from_string("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    app.extensions["claimdesk.signin_throttle"] = SignInThrottle(
        dead, per_account=5, per_address=20, window=900
    )
    user, _ = users.make(Role.EDITOR)
    assert sign_in(client, user.email, "wrong guess").status_code == 401
    assert sign_in(client, user.email).status_code == 302


def test_odd_emails_are_just_wrong(
    client: FlaskClient, users: Users, throttle: SignInThrottle
) -> None:
    user, _ = users.make(Role.EDITOR)
    for email in ("a" * 5000 + "@x.example", "\ufffd@x.example"):
        assert sign_in(client, email, PASSWORD).status_code == 401
    for email in (f"{user.email}\x00", "\x00"):  # text no column can hold: refused as such
        assert sign_in(client, email, PASSWORD).status_code == 422
