"""Public fact-check pages: readable without sign-in, the ClaimReview inside, nothing private."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.models import Role, Verdict
from tests.conftest import Users
from tests.support.published import published

SCHEMA = json.loads((Path(__file__).parent.parent / "exports/claimreview.schema.json").read_text())


def _fact_check(app: Flask, db: Session, users: Users, **claim: object) -> Verdict:
    proposer, _ = users.make(Role.FACT_CHECKER)
    editor, _ = users.make(Role.EDITOR)
    with app.app_context():
        return published(db, proposer, editor, evidence=2, **claim)


def test_a_published_fact_check_has_its_page_with_claimreview_inside(
    app: Flask, client: FlaskClient, db: Session, users: Users
) -> None:
    verdict = _fact_check(app, db, users, text="40 schools were rebuilt.", speaker="The minister")
    page = client.get(f"/fact-checks/{verdict.claim_id}-40-schools-were-rebuilt")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    html = page.text
    assert "40 schools were rebuilt." in html and "Mostly false" in html and "The minister" in html
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    review = json.loads(ld)
    jsonschema.validate(review, SCHEMA)
    assert review["url"].endswith(f"/fact-checks/{verdict.claim_id}-40-schools-were-rebuilt")
    archives = re.findall(r'href="http://127\.0\.0\.1:5000(/fact-checks/\d+/archive/\d+)"', html)
    assert len(archives) == 2 and "Archived copy" in html
    copy = client.get(archives[0])
    assert copy.status_code == 200 and "sandbox" in copy.headers["Content-Security-Policy"]
    assert "Report" in copy.text


def test_the_slug_is_cosmetic_and_the_id_is_canonical(
    app: Flask, client: FlaskClient, db: Session, users: Users
) -> None:
    verdict = _fact_check(app, db, users, text="A hospital opened.")
    moved = client.get(f"/fact-checks/{verdict.claim_id}-old-wording")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(f"/fact-checks/{verdict.claim_id}-a-hospital-opened")


def test_unpublished_claims_and_their_archives_stay_private(
    app: Flask, client: FlaskClient, db: Session, users: Users
) -> None:
    verdict = _fact_check(app, db, users, text="Will go stale.")
    page = client.get(f"/fact-checks/{verdict.claim_id}")
    assert page.status_code == 301
    archive = re.findall(
        r"/fact-checks/\d+/archive/\d+", client.get(page.headers["Location"]).text
    )[0]
    verdict.stale = True
    db.flush()
    assert client.get(f"/fact-checks/{verdict.claim_id}").status_code == 404
    assert client.get(archive).status_code == 404
    assert client.get(f"/fact-checks/{verdict.claim_id + 1000}").status_code == 404
    other = _fact_check(app, db, users, text="Another one.")
    capture = archive.rsplit("/", 1)[1]
    # A published claim does not open another claim's archive either.
    assert client.get(f"/fact-checks/{other.claim_id}/archive/{capture}").status_code == 404


def test_the_index_and_its_atom_feed_list_published_fact_checks(
    app: Flask, client: FlaskClient, db: Session, users: Users
) -> None:
    first = _fact_check(app, db, users, text="First claim checked.")
    second = _fact_check(app, db, users, text="Second claim checked.")
    index = client.get("/fact-checks/")
    assert index.status_code == 200
    assert index.text.index("Second claim checked.") < index.text.index("First claim checked.")
    feed = client.get("/fact-checks/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]
    assert len(links) == 2
    assert links[0].endswith(f"/fact-checks/{second.claim_id}-second-claim-checked")
    assert links[1].endswith(f"/fact-checks/{first.claim_id}-first-claim-checked")
