"""Ingest through the API and the CLI: spans are exact, noise never comes back, accepting keeps
the span, and a restatement joins the first claim's cluster."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli import main
from app.db import get_db
from app.models import Claim, Document
from app.workflow.clusters import assign_cluster
from tests.test_auth import assert_problem

ARTICLE = (
    "Ministers meet in Geneva\n"
    "EUR/USD 1.0842 \u25b20.12%\n"
    "By Jane Doe, Reuters\n"
    "GENEVA (Reuters) \u2014 The foreign ministers met for three hours on Tuesday. "
    "The ministry says 40 schools in the region were rebuilt last year.\r\n"
    "Share on Facebook\n"
    "It was, unfortunately, a gloomy day?\n"
    "Trade between the two countries rose 12% in 2025, according to customs data.\n"
)


def test_document_candidates_are_exact_spans(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    _, headers = checker
    resp = client.post(
        "/api/v1/documents",
        json={"title": "Geneva", "text": ARTICLE, "url": "https://news.bbc.co.uk/geneva"},
        headers=headers,
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["publisher"] == "bbc.co.uk"
    cands = body["candidates"]
    assert [c["index"] for c in cands] == list(range(len(cands)))
    for cand in cands:
        assert ARTICLE[cand["start"] : cand["end"]] == cand["text"]
        assert cand["reasons"] and 0 <= cand["score"] <= 1
    texts = [c["text"] for c in cands]
    assert "The ministry says 40 schools in the region were rebuilt last year." in texts
    assert not any(
        "EUR/USD" in t or "Jane Doe" in t or "Share on" in t or "GENEVA" in t for t in texts
    )
    assert [c["start"] for c in cands] == sorted(c["start"] for c in cands)

    again = client.post(
        "/api/v1/documents", json={"title": "Copy", "text": ARTICLE}, headers=headers
    )
    assert again.status_code == 200 and again.json["id"] == body["id"]  # same text, same document


def test_accepting_candidates_keeps_spans(client: FlaskClient, db: Session, checker) -> None:  # type: ignore[no-untyped-def]
    _, headers = checker
    doc = client.post(
        "/api/v1/documents", json={"title": "G", "text": ARTICLE}, headers=headers
    ).json
    accepted = client.post(
        f"/api/v1/documents/{doc['id']}/claims", json={"candidates": [0, 1, 1]}, headers=headers
    )
    assert accepted.status_code == 201
    ids = accepted.json["claim_ids"]
    assert len(ids) == 2
    claims = [db.get(Claim, i) for i in ids]
    for claim, cand in zip(claims, doc["candidates"][:2], strict=True):
        assert claim is not None and (claim.span_start, claim.span_end) == (
            cand["start"],
            cand["end"],
        )
        assert claim.text == cand["text"] and claim.document_id == doc["id"]
    repeat = client.post(
        f"/api/v1/documents/{doc['id']}/claims", json={"candidates": [0]}, headers=headers
    )
    assert repeat.json["claim_ids"] == ids[:1]  # accepting twice creates nothing new
    bad = client.post(
        f"/api/v1/documents/{doc['id']}/claims", json={"candidates": [99]}, headers=headers
    )
    body = assert_problem(bad, 422)
    assert "99" in body["detail"]


def test_document_validation_and_404(client: FlaskClient, checker) -> None:  # type: ignore[no-untyped-def]
    _, headers = checker
    body = assert_problem(
        client.post("/api/v1/documents", json={"title": "x", "text": "  "}, headers=headers), 422
    )
    assert "text" in body["detail"]
    assert_problem(client.get("/api/v1/documents/999999", headers=headers), 404)


def test_restatement_joins_the_first_claims_cluster(app: Flask, db: Session) -> None:
    from app.workflow.claims import NewClaim, create_claim

    with app.app_context():
        first = create_claim(
            db,
            NewClaim(text="The ministry says 40 schools in the region were rebuilt last year"),
            actor=None,
        )
        other = create_claim(
            db,
            NewClaim(text="The ministry says 41 schools in the region were rebuilt last year"),
            actor=None,
        )
        again = create_claim(
            db,
            NewClaim(
                text="Forty regional schools have been rebuilt since "
                "last year, according to the ministry"
            ),
            actor=None,
        )
        for claim in (first, other, again):
            assign_cluster(db, claim.id)
        db.flush()
    assert again.cluster_id == first.id
    assert other.cluster_id == other.id  # numbers differ: a different fact


def test_cli_ingest_prints_ranked_candidates(live_app: Flask, tmp_path: Path) -> None:
    article = tmp_path / "geneva.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = live_app.test_cli_runner().invoke(
        main, ["ingest", str(article), "--accept-above", "0.9"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("document ") and "candidates" in lines[0]
    scores = [float(line.split()[2]) for line in lines[1:] if line.startswith("[")]
    assert scores == sorted(scores, reverse=True) and scores
    with get_db(live_app).factory() as s:
        assert s.scalar(select(Document.title)) == "geneva"
        assert s.scalars(select(Claim.id)).all()  # the best ones became claims


def test_double_submit_with_idempotency_key(client: FlaskClient, db: Session, checker) -> None:  # type: ignore[no-untyped-def]
    from app.models import Evidence

    _, headers = checker
    keyed = {**headers, "Idempotency-Key": "doc-1"}
    first = client.post("/api/v1/documents", json={"title": "G", "text": ARTICLE}, headers=keyed)
    second = client.post("/api/v1/documents", json={"title": "G", "text": ARTICLE}, headers=keyed)
    assert first.status_code == second.status_code == 201 and first.json == second.json
    claim = client.post("/api/v1/claims", json={"text": "40 schools"}, headers=headers).json
    cite = {**headers, "Idempotency-Key": "cite-1"}
    body = {"url": "https://example.org/a", "stance": "supports"}
    one = client.post(f"/api/v1/claims/{claim['id']}/evidence", json=body, headers=cite)
    two = client.post(f"/api/v1/claims/{claim['id']}/evidence", json=body, headers=cite)
    assert one.json["id"] == two.json["id"]
    assert db.query(Evidence).filter_by(claim_id=claim["id"]).count() == 1
    other = client.post(
        f"/api/v1/claims/{claim['id']}/evidence", json={**body, "stance": "refutes"}, headers=cite
    )
    assert other.status_code == 422  # same key, different body
