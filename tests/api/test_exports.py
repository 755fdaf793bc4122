"""Exports of the verified claim set: ClaimReview JSON-LD, CSV, JSON Lines, the zip package."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.cli import main
from app.db import get_db, utcnow
from app.models import ClaimState, Role, User, Verdict, VerdictStatus
from tests import factories
from tests.conftest import Users


def _verified(db: Session, proposer: User, editor: User, **claim: object) -> Verdict:
    c = factories.ClaimFactory(state=ClaimState.CORROBORATED, **claim)
    verdict = Verdict(
        claim=c,
        rating="mostly-false",
        rationale="Only 14 were rebuilt.",
        proposed_by_id=proposer.id,
        claim_state=c.state,
        status=VerdictStatus.APPROVED,
        reviewed_by_id=editor.id,
        reviewed_at=utcnow(),
    )
    db.add(verdict)
    db.flush()
    return verdict


def test_claimreview_csv_jsonl(client: FlaskClient, db: Session, users: Users) -> None:
    proposer, headers = users.make(Role.FACT_CHECKER)
    editor, _ = users.make(Role.EDITOR)
    verdict = _verified(
        db,
        proposer,
        editor,
        text="40 schools were rebuilt.",
        speaker="Minister A",
        appearance_url="https://example.org/speech",
    )
    stale = _verified(db, proposer, editor, text="Stale one.")
    stale.stale = True
    factories.ClaimFactory()  # unverified: never exported
    db.flush()

    reviews = client.get("/api/v1/exports/claimreview", headers=headers)
    assert reviews.status_code == 200 and reviews.mimetype == "application/ld+json"
    [review] = reviews.json
    assert (
        review["@type"] == "ClaimReview" and review["claimReviewed"] == "40 schools were rebuilt."
    )
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "mostly-false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["itemReviewed"]["author"]["name"] == "Minister A"
    assert review["itemReviewed"]["appearance"]["url"] == "https://example.org/speech"

    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/api/v1/exports/claims.csv", headers=headers).get_data(as_text=True)
            )
        )
    )
    assert [r["claim_id"] for r in rows] == [str(verdict.claim_id)]
    assert rows[0]["rating_value"] == "2"
    lines = client.get("/api/v1/exports/claims.jsonl", headers=headers).get_data(as_text=True)
    records = [json.loads(line) for line in lines.splitlines()]
    assert [r["claim_id"] for r in records] == [verdict.claim_id]
    assert records[0]["rating"] == "mostly-false"


def test_unverifiable_has_no_rating_value(client: FlaskClient, db: Session, users: Users) -> None:
    proposer, headers = users.make(Role.FACT_CHECKER)
    editor, _ = users.make(Role.EDITOR)
    verdict = _verified(db, proposer, editor)
    verdict.rating = "unverifiable"
    db.flush()
    [review] = client.get("/api/v1/exports/claimreview", headers=headers).json
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "unverifiable"}


def test_cli_package(live_app: Flask, tmp_path: Path) -> None:
    with get_db(live_app).factory() as s:
        for f in factories.ALL:
            f._meta.sqlalchemy_session = s
        proposer, _ = Users(s).make(Role.FACT_CHECKER)
        editor, _ = Users(s).make(Role.EDITOR)
        _verified(s, proposer, editor, text="Packaged claim.")
        s.commit()
    out = tmp_path / "set.zip"
    result = live_app.test_cli_runner().invoke(main, ["export", "package", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        assert {"claimreview.json", "claims.csv", "claims.jsonl"} <= set(zf.namelist())
        assert json.loads(zf.read("claimreview.json"))[0]["claimReviewed"] == "Packaged claim."
    stdout = live_app.test_cli_runner().invoke(main, ["export", "jsonl"])
    assert json.loads(stdout.output.splitlines()[0])["claim"] == "Packaged claim."
