"""Accepted candidates carry where and when they appeared, and who said them."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy.orm import Session

from app.workflow.documents import accept_candidates, ingest_document

ARTICLE = """RIVERTON, 12 March 2024 — Forty schools damaged in last October's floods have been \
rebuilt, the Riverton Unified School District said Wednesday.
The work cost $62 million, most of it paid by the state.

WHITFIELD: We have rebuilt 40 schools since the flood, top to bottom where we had to.
"""


def test_accepted_claims_inherit_url_date_and_speaker(app: Flask, db: Session) -> None:
    with app.app_context():
        _check(db)


def _check(db: Session) -> None:
    result = ingest_document(
        db,
        title="Schools",
        text=ARTICLE,
        url="https://news.example/schools",
        published_at=date(2024, 3, 12),
    )
    texts = [c.text for c in result.candidates]
    assert texts[0].startswith("Forty schools")  # the dateline is not part of the claim
    assert all(ARTICLE[c.start : c.end] == c.text for c in result.candidates)
    claims = accept_candidates(db, result.document, list(range(len(result.candidates))), actor=None)
    by_text = {c.text[:12]: c for c in claims}
    assert {c.appearance_url for c in claims} == {"https://news.example/schools"}
    assert {c.claim_date for c in claims} == {date(2024, 3, 12)}
    assert by_text["Forty school"].speaker == "the Riverton Unified School District"
    assert by_text["The work cos"].speaker is None
    assert by_text["We have rebu"].speaker == "Whitfield"  # the transcript's speaker tag
