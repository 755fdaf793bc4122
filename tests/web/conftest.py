"""The pages through Flask's test client: people signed in through the real sign-in form."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.db import utcnow
from app.models import (
    Capture,
    CaptureStatus,
    Claim,
    Document,
    Evidence,
    Role,
    Source,
    Stance,
    User,
    Verdict,
    VerdictStatus,
)
from app.workflow.state import recompute_state
from app.workflow.verdicts import slug_of
from tests import factories
from tests.conftest import Users
from tests.web.html import Page, csrf_token

PASSWORD = "correct horse"  # tests.factories.UserFactory's


class Browser:
    """One person's session against the app: sign in, read pages, post forms with CSRF."""

    def __init__(self, app: Flask, users: Users) -> None:
        self.app = app
        self.users = users
        self.client: FlaskClient = app.test_client()
        self.user: User | None = None
        self._token: str | None = None

    def sign_in(self, role: Role = Role.FACT_CHECKER, user: User | None = None) -> User:
        if user is None:
            user, _ = self.users.make(role)
        login = self.client.get("/login")
        resp = self.client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(login.text)},
        )
        assert resp.status_code == 302, resp.text
        self.user = user
        self._token = None
        return user

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = csrf_token(self.client.get("/inbox").text)
        return self._token

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(path, **kw)

    def page(self, path: str, status: int = 200, **kw: Any) -> Page:
        resp = self.get(path, **kw)
        assert resp.status_code == status, resp.text[:2000]
        return Page(resp.text)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> TestResponse:
        body = {"csrf_token": self.token, **(data or {})}
        return self.client.post(path, data=body, **kw)

    def htmx(self, method: str, path: str, data: dict[str, Any] | None = None) -> TestResponse:
        headers = {"HX-Request": "true"}
        if method == "get":
            return self.client.get(path, headers=headers)
        return self.client.post(
            path, data={"csrf_token": self.token, **(data or {})}, headers=headers
        )


@pytest.fixture()
def browser(app: Flask, db: Session, users: Users) -> Browser:
    return Browser(app, users)


@pytest.fixture()
def second_browser(app: Flask, db: Session, users: Users) -> Browser:
    return Browser(app, users)


class Facts:
    """Rows a page test needs, written straight into the test's transaction."""

    def __init__(self, app: Flask, db: Session) -> None:
        self.app = app
        self.db = db
        self.n = 0

    def claim(self, text: str | None = None, **kw: Any) -> Claim:
        claim = factories.ClaimFactory(**({"text": text} if text else {}), **kw)
        claim.cluster_id = claim.id
        self.db.flush()
        return claim

    def document(self, text: str, title: str = "An article") -> Document:
        return factories.DocumentFactory(text=text, title=title)

    def source(self, publisher: str) -> Source:
        self.n += 1
        host = f"s{self.n}.{publisher}"
        source = Source(url=f"https://{host}/story-{self.n}", host=host, publisher=publisher)
        self.db.add(source)
        self.db.flush()
        return source

    def capture(self, source: Source, status: CaptureStatus, **kw: Any) -> Capture:
        fields: dict[str, Any] = (
            {"fetched_at": utcnow()}
            if status
            in (
                CaptureStatus.ARCHIVED,
                CaptureStatus.FAILED,
            )
            else {}
        )
        if status is CaptureStatus.ARCHIVED:
            fields.update(text="archived text", content_type="text/html", http_status=200)
        fields.update(kw)
        capture = Capture(source=source, status=status, **fields)
        self.db.add(capture)
        self.db.flush()
        return capture

    def cite(
        self,
        claim: Claim,
        publisher: str,
        stance: Stance = Stance.SUPPORTS,
        status: CaptureStatus = CaptureStatus.ARCHIVED,
        **capture: Any,
    ) -> tuple[Evidence, Capture]:
        source = self.source(publisher)
        evidence = Evidence(claim=claim, source=source, stance=stance)
        self.db.add(evidence)
        self.db.flush()
        made = self.capture(source, status, **capture)
        with self.app.app_context():  # the lifecycle rule reads the app's settings
            recompute_state(self.db, claim, cause="test")
        self.db.flush()
        return evidence, made

    def corroborated(self, text: str | None = None) -> Claim:
        claim = self.claim(text)
        self.cite(claim, "alpha.example")
        self.cite(claim, "beta.example")
        assert claim.state.value == "corroborated"
        return claim

    def proposal(self, claim: Claim, by: User, rating: str = "true", **kw: Any) -> Verdict:
        verdict = Verdict(
            claim=claim,
            rating=rating,
            rationale=kw.pop("rationale", "Both sources agree."),
            status=VerdictStatus.PROPOSED,
            proposed_by_id=by.id,
            proposed_at=utcnow(),
            claim_state=claim.state,
            **kw,
        )
        self.db.add(verdict)
        self.db.flush()
        return verdict

    def published(
        self, claim: Claim, proposer: User, approver: User, rating: str = "mostly-true"
    ) -> Verdict:
        """An approved verdict on ``claim``: the claim is verified (published)."""
        verdict = self.proposal(claim, proposer, rating, rationale="Two publishers agree.")
        verdict.status, verdict.reviewed_by_id = VerdictStatus.APPROVED, approver.id
        verdict.reviewed_at = utcnow()
        claim.public_slug = slug_of(claim.text)  # as approval fixes it
        self.db.flush()
        return verdict


@pytest.fixture()
def facts(app: Flask, db: Session) -> Facts:
    return Facts(app, db)
