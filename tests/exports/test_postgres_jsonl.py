"""On Postgres, claims.jsonl is built by the database (app/exports/postgres.py): the objects
must be exactly those the Python serialiser gives for the same claims."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.db import utcnow
from app.exports import formats, postgres
from app.exports.query import ExportFilters, claim_records, record_run, run_selection
from app.models import Claim, Document, Role, SpeakerKind, Verdict, VerdictStatus
from tests.conftest import Users
from tests.support.backends import is_postgres
from tests.support.published import published


@pytest.fixture()
def rich(app: Flask, db: Session, users: Users, db_url: str) -> None:
    """Claims with every kind of value: people, documents, restatements, corrections, odd
    text, a rating off the scale, and none of those."""
    if not is_postgres(db_url):
        pytest.skip("the COPY path exists on Postgres only (SQLite uses the Python one)")
    proposer, _ = users.make(Role.FACT_CHECKER, name='Pat "Quote" Proposer')
    editor, _ = users.make(Role.EDITOR, name="")
    doc = Document(
        title="Budget speech",
        text="...",
        url="https://news.example/a",
        content_hash="b" * 64,
        published_at=date(2026, 3, 1),
        publisher="news.example",
    )
    db.add(doc)
    with app.app_context():
        first = published(
            db,
            proposer,
            editor,
            text='Ünïcödé \\ "quoted"\n40 schools',
            document=doc,
            speaker="Ministry",
            speaker_kind=SpeakerKind.ORGANIZATION,
            appearance_url="https://x.example/first",
            claim_date=date(2026, 2, 1),
            tags=["schools", "ß"],
        )
        member = published(db, proposer, editor, text="Forty schools were rebuilt.", rating="true")
        member.claim.cluster_id = first.claim.id
        member.claim.appearance_url = "https://y.example/later"
        published(db, proposer, editor, text="Unrated", rating="not-on-the-scale")
        # One claim down each direct path of the appearances (no restatements).
        for n, own in enumerate([None, "https://news.example/b", "https://own.example/c", None]):
            where = Document(
                title=f"Paper {n}",
                text="...",
                url="https://news.example/b" if n < 3 else None,
                content_hash=f"{n}" * 64,
                published_at=date(2026, 1, 10 + n),
                publisher="news.example",
            )
            db.add(where)
            published(
                db,
                proposer,
                editor,
                text=f"Path {n}",
                document=where,
                appearance_url=own,
                claim_date=date(2026, 1, 1) if own else None,
            )
        published(db, proposer, editor, text="Said online", appearance_url="https://own.example/d")
        corrected = published(db, proposer, editor, text="Corrected twice.")
        previous = corrected
        for n in range(2):
            previous.status = VerdictStatus.SUPERSEDED
            fix = Verdict(
                claim=corrected.claim,
                rating="mixed",
                rationale=f"fix {n}",
                proposed_by_id=editor.id,
                claim_state=corrected.claim.state,
                status=VerdictStatus.APPROVED,
                reviewed_by_id=proposer.id,
                reviewed_at=utcnow() + timedelta(minutes=n + 1),
                corrects_id=previous.id,
                correction_note=None if n else "We erred.",
            )
            db.add(fix)
            db.flush()
            previous = fix
    db.flush()


def test_postgres_builds_the_same_objects_as_python(rich: None, app: Flask, db: Session) -> None:
    with app.app_context():
        run = record_run(db, "claims.jsonl", ExportFilters(), actor=None)
        db.flush()
        python = [formats.claim_row(r) for r in claim_records(db, run_selection(run.id))]
        from_sql = [
            json.loads(line) for line in "".join(postgres.claims_jsonl(db, run.id)).splitlines()
        ]
    assert len(python) == run.count == 9
    assert from_sql == json.loads(json.dumps(python))
    assert any(row["corrections"] for row in from_sql)
    assert any(len(row["appearances"]) > 1 for row in from_sql)
    assert db.get(Claim, python[0]["claim_id"]) is not None
