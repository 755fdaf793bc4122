"""Helpers for the workflow API tests: claims through the API, capture results simulated by
writing Source/Capture/Evidence rows and running the lifecycle rule, as the archive pipeline
does after a fetch."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Capture, CaptureStatus, Claim, Evidence, Source, Stance
from app.workflow.state import recompute_state

PROBLEM = "application/problem+json"


def problem(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == PROBLEM
    body: dict[str, Any] = resp.get_json(force=True)
    assert body["status"] == status and body["detail"]
    return body


class Desk:
    """The API as a test uses it, plus the archive pipeline's effect on evidence."""

    def __init__(self, app: Flask, client: FlaskClient, db: Session) -> None:
        self.app = app
        self.client = client
        self.db = db
        self._n = 0

    def create_claim(self, headers: dict[str, str], text: str | None = None, **kw: Any) -> dict:
        self._n += 1
        body = {"text": text or f"The ministry said {self._n} schools were rebuilt.", **kw}
        resp = self.client.post("/api/v1/claims", json=body, headers=headers)
        assert resp.status_code == 201, resp.get_data(as_text=True)
        return dict(resp.json)

    def get(self, claim_id: int, headers: dict[str, str]) -> dict:
        resp = self.client.get(f"/api/v1/claims/{claim_id}", headers=headers)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return dict(resp.json)

    def cite(
        self,
        claim_id: int,
        stance: Stance,
        publisher: str,
        *,
        archived: bool = True,
        quote: str | None = None,
        quote_found: bool | None = None,
    ) -> Evidence:
        """Evidence from a new source at ``publisher``; archived now or left pending."""
        self._n += 1
        with self.app.app_context():
            self.db.expire_all()
            claim = self.db.get(Claim, claim_id)
            assert claim is not None
            host = f"s{self._n}.{publisher}"
            source = Source(url=f"https://{host}/story", host=host, publisher=publisher)
            evidence = Evidence(
                claim=claim, source=source, stance=stance, quote=quote, quote_found=quote_found
            )
            self.db.add_all([source, evidence])
            self.db.flush()
            if archived:
                self._archive(source)
            recompute_state(self.db, claim, cause="evidence_added")
            self.db.commit()
            return evidence

    def capture_result(self, evidence_id: int) -> bool:
        """The source of ``evidence_id`` got archived: returns whether the state changed."""
        with self.app.app_context():
            self.db.expire_all()
            evidence = self.db.get(Evidence, evidence_id)
            assert evidence is not None
            self._archive(evidence.source)
            changed = recompute_state(
                self.db, evidence.claim, cause=f"capture of source {evidence.source_id} archived"
            )
            self.db.commit()
            return changed

    def _archive(self, source: Source) -> None:
        self.db.add(
            Capture(source=source, status=CaptureStatus.ARCHIVED, fetched_at=utcnow(), text="text")
        )
        self.db.flush()

    def post(self, claim_id: int, path: str, headers: dict[str, str], body: Any = None) -> Any:
        """POST /api/v1/claims/<id>/<path> (a JSON body, {} when none is given)."""
        url = f"/api/v1/claims/{claim_id}/{path}".rstrip("/")
        return self.client.post(url, json=body if body is not None else {}, headers=headers)

    def propose(self, claim_id: int, headers: dict[str, str], rating: str = "true") -> Any:
        body = {"rating": rating, "rationale": "Two ministry reports agree."}
        return self.post(claim_id, "verdict", headers, body)

    def verified(
        self, checker: dict[str, str], editor: dict[str, str], text: str | None = None
    ) -> dict:
        """A corroborated claim whose verdict ``editor`` approved; its detail."""
        claim = self.create_claim(checker, text)
        self.corroborate(claim["id"])
        assert self.propose(claim["id"], checker).status_code == 201
        assert self.post(claim["id"], "verdict/approve", editor).status_code == 200
        detail = self.get(claim["id"], editor)
        assert detail["verified"] is True
        return detail

    def corroborate(self, claim_id: int) -> None:
        self.cite(claim_id, Stance.SUPPORTS, "alpha.example")
        self.cite(claim_id, Stance.SUPPORTS, "beta.example")
