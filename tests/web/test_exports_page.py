"""The exports page: each format a download of the verified set, the package for editors."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import ExportRun, Role, Verdict, VerdictStatus
from tests.web.conftest import Browser, Facts


def _verified(db: Session, facts: Facts, browser: Browser, text: str) -> int:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    claim = facts.corroborated(text)
    db.add(
        Verdict(
            claim=claim,
            rating="mostly-true",
            rationale="Two publishers agree.",
            status=VerdictStatus.APPROVED,
            proposed_by_id=checker.id,
            reviewed_by_id=editor.id,
            reviewed_at=utcnow(),
            claim_state=claim.state,
        )
    )
    db.flush()
    return claim.id


def test_links_by_role(browser: Browser, second_browser: Browser) -> None:
    browser.sign_in(Role.FACT_CHECKER)
    names = [text for text, _ in browser.page("/exports").links()]
    assert {"ClaimReview", "CSV", "JSON Lines"} <= set(names)
    assert "Evidence package" not in names
    assert browser.get("/exports/download/package").status_code == 403
    second_browser.sign_in(Role.EDITOR)
    assert "Evidence package" in [t for t, _ in second_browser.page("/exports").links()]


def test_claimreview_downloads_the_json(browser: Browser, facts: Facts, db: Session) -> None:
    browser.sign_in()
    claim_id = _verified(db, facts, browser, "The council said 12 parks opened in 2025.")
    page = browser.page("/exports")
    href = dict(page.links())["ClaimReview"]
    resp = browser.get(href)
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == 'attachment; filename="claimreview.json"'
    reviews = json.loads(resp.text)
    assert reviews[0]["claimReviewed"] == "The council said 12 parks opened in 2025."
    assert reviews[0]["reviewRating"]["ratingValue"] == 4
    run = db.get(ExportRun, int(resp.headers["X-Export-Run"]))  # recorded, with the claim
    assert run is not None and [c.claim_id for c in run.claims] == [claim_id]


def test_filters_reach_the_downloads(browser: Browser, facts: Facts, db: Session) -> None:
    browser.sign_in()
    _verified(db, facts, browser, "The council said 12 parks opened in 2025.")
    page = browser.page("/exports?state=disputed")
    href = dict(page.links())["CSV"]
    assert "state=disputed" in href
    rows = browser.get(href).text.strip().splitlines()
    assert len(rows) == 1  # the header only: no disputed claim is verified
    bad = browser.get("/exports?since=yesterday")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    assert browser.get("/exports/download/nope").status_code == 422


def test_evidence_package_for_editors(browser: Browser, facts: Facts, db: Session) -> None:
    browser.sign_in(Role.EDITOR)
    _verified(db, facts, browser, "The council said 12 parks opened in 2025.")
    resp = browser.get("/exports/download/package")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(resp.data)).namelist()
    assert {"claimreview.jsonld", "claims.csv", "evidence.wacz", "manifest.json"} <= set(names)
