"""Published fact-checks made in the database for export and public-page tests: a corroborated
claim, its approved verdict, and archived sources whose WARCs are in the blob store."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from app.archive.storage import blob_store
from app.archive.warc import build_warc
from app.db import utcnow
from app.models import (
    Capture,
    CaptureStatus,
    ClaimState,
    Evidence,
    Source,
    Stance,
    User,
    Verdict,
    VerdictStatus,
)
from app.workflow.verdicts import slug_of
from tests import factories
from tests.support.pages import fetched, news_page


def published(
    db: Session,
    proposer: User,
    editor: User,
    *,
    rating: str = "mostly-false",
    evidence: int = 0,
    **claim: Any,
) -> Verdict:
    """A corroborated claim with an approved verdict and ``evidence`` archived sources."""
    c = factories.ClaimFactory(state=ClaimState.CORROBORATED, **claim)
    c.public_slug = slug_of(c.text)  # as approval fixes it
    verdict = Verdict(
        claim=c,
        rating=rating,
        rationale="Only 14 were rebuilt.",
        proposed_by_id=proposer.id,
        claim_state=c.state,
        status=VerdictStatus.APPROVED,
        reviewed_by_id=editor.id,
        reviewed_at=utcnow(),
    )
    db.add(verdict)
    for n in range(evidence):
        url = f"http://127.0.0.2:8000/article/{c.id}-{n}"
        page = news_page(f"{c.id}-{n}")
        warc = build_warc(fetched(page, url=url, final_url=url, redirects=[]))
        source = Source(url=url, host="127.0.0.2", publisher=f"pub{n}.example")
        db.add_all(
            [
                Evidence(claim=c, source=source, stance=Stance.SUPPORTS, quote="rebuilt"),
                Capture(
                    source=source,
                    status=CaptureStatus.ARCHIVED,
                    final_url=url,
                    content_type="text/html",
                    fetched_at=utcnow(),
                    sha256=hashlib.sha256(page).hexdigest(),
                    warc_key=blob_store().put(warc, suffix=".warc.gz"),
                    title=f"Report {n}",
                ),
            ]
        )
    db.flush()
    return verdict
