"""The exports page: each format a download of the verified set, the package for editors."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exports import service
from app.models import Claim, ExportedClaim, ExportRun, Role
from tests.web.conftest import Browser, Facts


def _verified(db: Session, facts: Facts, browser: Browser, text: str) -> int:
    checker, _ = browser.users.make(Role.FACT_CHECKER)
    editor, _ = browser.users.make(Role.EDITOR)
    claim = facts.corroborated(text)
    facts.published(claim, checker, editor)
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
    assert run is not None
    rows = db.scalars(select(ExportedClaim.claim_id).where(ExportedClaim.run_id == run.id)).all()
    assert rows == [claim_id]


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


def test_every_format_of_the_service_is_offered(browser: Browser) -> None:
    browser.sign_in(Role.EDITOR)
    page = browser.page("/exports")
    hrefs = {href.split("?")[0] for _, href in page.links() if "/exports/download/" in href}
    assert hrefs == {f"/exports/download/{fmt}" for fmt in service.FORMATS}
    assert page.unlabelled() == [] and page.duplicate_ids() == []


def test_every_filter_of_the_api_reaches_the_export(
    browser: Browser, facts: Facts, db: Session
) -> None:
    browser.sign_in()
    parks = _verified(db, facts, browser, "The council said 12 parks opened in 2025.")
    _verified(db, facts, browser, "The port said 20 ships docked in 2025.")
    claim = db.get(Claim, parks)
    assert claim is not None
    claim.tags = ["parks"]
    db.flush()
    query = (
        f"q=PARKS&tag=parks&document=&rating=mostly-true&approved_from=2020-01-01"
        f"&approved_to=2099-12-31&cluster={parks}&state=corroborated"
    )
    page = browser.page(f"/exports?{query}")
    for name, value in (("q", "PARKS"), ("tag", "parks"), ("cluster", str(parks))):
        assert page.find("input", name=name)[0].get("value") == value
    assert page.find("option", value="mostly-true")[0].get("selected") is not None
    href = dict(page.links())["JSON Lines"]
    resp = browser.get(href)
    assert resp.status_code == 200
    rows = [json.loads(line) for line in resp.text.splitlines()]
    assert [r["claim_id"] for r in rows] == [parks]
    run = db.get(ExportRun, int(resp.headers["X-Export-Run"]))
    assert run is not None
    assert run.filters == {
        "q": "PARKS",
        "tag": "parks",
        "rating": "mostly-true",
        "approved_from": "2020-01-01T00:00:00+00:00",
        "approved_to": "2099-12-31T00:00:00+00:00",
        "cluster": parks,
        "state": "corroborated",
    }
    document = browser.get(f"/exports/download/claims.jsonl?document={2**31}")
    assert document.status_code == 422 and "document" in document.text
    none = browser.get("/exports/download/claims.jsonl?approved_to=2020-01-01")
    assert none.status_code == 200 and none.text == ""


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("document=abc", "document"),
        ("cluster=0", "cluster"),
        ("approved_to=31/12/2025", "approved_to"),
        ("state=published", "state"),
        ("rating=" + "x" * 51, "rating"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(browser: Browser, query: str, field: str) -> None:
    browser.sign_in()
    page = browser.get(f"/exports?{query}")
    assert page.status_code == 422 and f"{field}:" in page.text
    download = browser.get(f"/exports/download/claims.csv?{query}")
    assert download.status_code == 422 and f"{field}:" in download.text


def test_csv_for_excel_starts_with_a_byte_order_mark(
    browser: Browser, facts: Facts, db: Session
) -> None:
    browser.sign_in()
    _verified(db, facts, browser, "The council said 12 parks opened in 2025.")
    links = dict(browser.page("/exports?bom=1").links())
    assert "bom=1" in links["CSV"] and "bom=1" not in links["JSON Lines"]
    assert browser.get(links["CSV"]).data.startswith("\ufeff".encode())
    assert not browser.get(dict(browser.page("/exports").links())["CSV"]).data.startswith(
        "\ufeff".encode()
    )
