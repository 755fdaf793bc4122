"""Exports a publisher can use: ClaimReview that says who said it and where, a DataFeed,
spreadsheet-safe CSV of claims and evidence, filters, and the evidence package (issue 10)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli import main
from app.db import get_db, utcnow
from app.exports.verify import verify_package
from app.models import (
    Document,
    ExportRun,
    Role,
    SpeakerKind,
    User,
)
from tests import factories
from tests.conftest import Users
from tests.support.published import published
from tests.test_auth import assert_problem

SCHEMA = json.loads((Path(__file__).parent.parent / "exports/claimreview.schema.json").read_text())


def _people(users: Users) -> tuple[User, User, dict[str, str], dict[str, str]]:
    proposer, checker = users.make(Role.FACT_CHECKER, name="Pat Proposer")
    editor, editor_headers = users.make(Role.EDITOR, name="Eve Editor")
    return proposer, editor, checker, editor_headers


def test_claimreview_says_who_said_it_where_and_validates(
    app: Flask, client: FlaskClient, db: Session, users: Users
) -> None:
    proposer, editor, headers, _ = _people(users)
    document = Document(
        title="Budget speech",
        text="...",
        url="https://news.example/budget",
        published_at=utcnow().date(),
        publisher="news.example",
        content_hash="a" * 64,
    )
    db.add(document)
    with app.app_context():
        verdict = published(
            db,
            proposer,
            editor,
            text="40 schools were rebuilt.",
            speaker="Ministry of Education",
            speaker_kind=SpeakerKind.ORGANIZATION,
            document=document,
        )
    reviews = client.get("/api/v1/exports/claimreview", headers=headers)
    assert reviews.status_code == 200 and reviews.mimetype == "application/ld+json"
    [review] = reviews.json
    jsonschema.validate(review, SCHEMA)
    slug = "40-schools-were-rebuilt"
    assert review["url"] == f"http://127.0.0.1:5000/fact-checks/{verdict.claim_id}-{slug}"
    assert review["author"] == {
        "@type": "Organization",
        "name": "claimdesk newsroom",
        "url": "http://127.0.0.1:5000",
    }
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["reviewRating"]["ratingValue"] == 2
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Ministry of Education"}
    assert item["firstAppearance"]["url"] == "https://news.example/budget"

    feed = client.get("/api/v1/exports/claimreview?format=feed", headers=headers).json
    assert feed["@type"] == "DataFeed" and "dateModified" in feed
    [element] = feed["dataFeedElement"]
    assert element["item"][0]["claimReviewed"] == "40 schools were rebuilt."


def test_csv_is_spreadsheet_safe_names_people_and_lists_evidence(
    app: Flask, client: FlaskClient, db: Session, users: Users
) -> None:
    proposer, editor, headers, _ = _people(users)
    with app.app_context():
        verdict = published(db, proposer, editor, text='=HYPERLINK("http://evil")', evidence=2)
    claims = list(
        csv.DictReader(io.StringIO(client.get("/api/v1/exports/claims.csv", headers=headers).text))
    )
    assert claims[0]["claim"].startswith("'=HYPERLINK")
    assert claims[0]["proposed_by_email"] == proposer.email
    assert claims[0]["approved_by_name"] == "Eve Editor"
    evidence = list(
        csv.DictReader(
            io.StringIO(client.get("/api/v1/exports/evidence.csv", headers=headers).text)
        )
    )
    assert [e["claim_id"] for e in evidence] == [str(verdict.claim_id)] * 2
    assert {e["stance"] for e in evidence} == {"supports"}
    assert all(e["archive_url"].endswith(f"/archive/{e['capture_id']}") for e in evidence)
    bom = client.get("/api/v1/exports/claims.csv?bom=true", headers=headers).data
    assert bom.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=schools", {"schools"}),
        ("tag=health", {"hospital"}),
        ("rating=true", {"hospital"}),
        ("state=disputed", set()),
        ("approved_from=2000-01-01", {"schools", "hospital"}),
        ("approved_to=2000-01-01", set()),
    ],
)
def test_filters_choose_the_set(
    client: FlaskClient, db: Session, users: Users, query: str, expected: set[str]
) -> None:
    proposer, editor, headers, _ = _people(users)
    published(db, proposer, editor, text="40 schools were rebuilt.", tags=["education"])
    published(db, proposer, editor, rating="true", text="A hospital opened.", tags=["health"])
    text = client.get(f"/api/v1/exports/claims.jsonl?{query}", headers=headers).text
    assert {json.loads(line)["claim"].split()[1] for line in text.splitlines()} == expected


def test_the_evidence_package_streams_and_verifies(
    app: Flask, client: FlaskClient, db: Session, users: Users, tmp_path: Path
) -> None:
    proposer, editor, checker, editor_headers = _people(users)
    with app.app_context():
        verdict = published(db, proposer, editor, text="Packaged claim.", evidence=2)
    assert_problem(client.get("/api/v1/exports/package", headers=checker), 403)
    resp = client.get("/api/v1/exports/package", headers=editor_headers)
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    path = tmp_path / "package.zip"
    path.write_bytes(resp.data)
    report = verify_package(path)
    assert report.ok, report.problems
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert "evidence.wacz" in zf.namelist()
    assert (
        manifest["audit_chain_heads"] == {}
        or str(verdict.claim_id) in manifest["audit_chain_heads"]
    )
    db.expire_all()
    run = db.scalars(select(ExportRun).where(ExportRun.format == "package")).one()
    assert run.count == 1 and run.manifest_sha256


def test_cli_package_then_verify(live_app: Flask, tmp_path: Path) -> None:
    with live_app.app_context(), get_db(live_app).factory() as s:
        for f in factories.ALL:
            f._meta.sqlalchemy_session = s
        proposer, _ = Users(s).make(Role.FACT_CHECKER)
        editor, _ = Users(s).make(Role.EDITOR)
        published(s, proposer, editor, text="Packaged claim.", evidence=1)
        s.commit()
    out = tmp_path / "set.zip"
    runner = live_app.test_cli_runner()
    result = runner.invoke(main, ["export", "package", "-o", str(out)])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(main, ["verify", str(out)])
    assert checked.exit_code == 0 and checked.output.startswith("OK"), checked.output
    jsonl = runner.invoke(main, ["export", "jsonl"])
    assert json.loads(jsonl.stdout.splitlines()[0])["claim"] == "Packaged claim."
