"""Periodic re-checks of cited sources: link rot and content drift.

A re-check is a new capture (old captures are never overwritten). Judgement follows the
dead-link practice of archive bots: one failure is not rot. A source is *rotted* after
RECHECK_ROT_FAILURES consecutive failed re-checks (re-checks are at least
RECHECK_INTERVAL_HOURS apart), where a soft 404 (sent to the site root, or a short "not
found" page served with 200) counts as a failure. A source whose extracted text changed is
*drifted*. Both are events on every citing claim; drift, unlike rot, makes an approved verdict
stale, because the archived copy is what keeps a verdict standing when a page disappears.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.archive.types import FetchResult
from app.db import utcnow
from app.models import (
    Capture,
    CapturePurpose,
    CaptureStatus,
    Claim,
    Evidence,
    Source,
    SourceHealth,
)
from app.outbox import enqueue
from app.workflow import events
from app.workflow.staleness import mark_verdict_stale

_NOT_FOUND = re.compile(
    r"\b(page not found|not found|404|no longer available|does not exist|doesn't exist|"
    r"could not be found|has been removed)\b",
    re.IGNORECASE,
)
SOFT_404_MAX_TEXT = 1500


def is_soft_404(source_url: str, capture: Capture, result: FetchResult | None) -> bool:
    """A 2xx answer that really means the page is gone."""
    if result is None:
        return False
    original = urlsplit(source_url).path or "/"
    final = urlsplit(result.final_url).path or "/"
    if result.redirects and final == "/" and original != "/":
        return True
    head = f"{capture.title or ''} {(capture.text or '')[:300]}"
    return len(capture.text or "") < SOFT_404_MAX_TEXT and bool(_NOT_FOUND.search(head))


def _previous_archive(session: Session, capture: Capture) -> Capture | None:
    return session.scalar(
        select(Capture)
        .where(
            Capture.source_id == capture.source_id,
            Capture.id < capture.id,
            Capture.status == CaptureStatus.ARCHIVED,
        )
        .order_by(Capture.id.desc())
        .limit(1)
    )


def judge_recheck(
    session: Session,
    source: Source,
    capture: Capture,
    claims: list[Claim],
    result: FetchResult | None,
) -> None:
    """Update the source's health from a finished re-check capture and tell the claims."""
    source.last_checked_at = utcnow()
    ok = capture.status is CaptureStatus.ARCHIVED
    if ok and is_soft_404(source.url, capture, result):
        capture.status = CaptureStatus.FAILED
        capture.error_reason = "soft-404"
        capture.error_detail = "the page answered, but with a not-found page or the site root"
        ok = False
    if not ok:
        _recheck_failed(session, source, capture, claims)
        return
    previous = _previous_archive(session, capture)
    source.consecutive_failures = 0
    if previous is not None and previous.text_sha256 != capture.text_sha256:
        source.health = SourceHealth.DRIFTED
        for claim in claims:
            events.record(
                session,
                claim,
                "source_drifted",
                before={"capture_id": previous.id, "text_sha256": previous.text_sha256},
                after={"capture_id": capture.id, "text_sha256": capture.text_sha256},
                source_id=source.id,
                url=source.url,
            )
            mark_verdict_stale(
                session, claim, f"cited source {source.url} changed since it was archived"
            )
    else:
        if source.health is not SourceHealth.DRIFTED:
            source.health = SourceHealth.LIVE
        for claim in claims:
            events.record(
                session,
                claim,
                "source_rechecked",
                source_id=source.id,
                capture_id=capture.id,
                outcome="unchanged",
            )


def _recheck_failed(
    session: Session, source: Source, capture: Capture, claims: list[Claim]
) -> None:
    from flask import current_app

    source.consecutive_failures += 1
    threshold = current_app.config["RECHECK_ROT_FAILURES"]
    became_rotted = (
        source.consecutive_failures >= threshold and source.health is not SourceHealth.ROTTED
    )
    if became_rotted:
        source.health = SourceHealth.ROTTED
    kind = "source_rotted" if became_rotted else "source_recheck_failed"
    for claim in claims:
        events.record(
            session,
            claim,
            kind,
            source_id=source.id,
            url=source.url,
            capture_id=capture.id,
            reason=capture.error_reason,
            consecutive_failures=source.consecutive_failures,
        )


def schedule_rechecks(session: Session, config: dict[str, Any], limit: int = 1000) -> list[int]:
    """Queue a re-check capture for each cited, archived source that is due."""
    due_before = utcnow() - timedelta(hours=config["RECHECK_INTERVAL_HOURS"])
    in_flight = exists().where(
        Capture.source_id == Source.id,
        Capture.status.in_([CaptureStatus.PENDING, CaptureStatus.FETCHING]),
    )
    archived = exists().where(
        Capture.source_id == Source.id, Capture.status == CaptureStatus.ARCHIVED
    )
    cited = exists().where(Evidence.source_id == Source.id)
    sources = session.scalars(
        select(Source)
        .where(cited, archived, ~in_flight)
        .where((Source.last_checked_at.is_(None)) | (Source.last_checked_at < due_before))
        .order_by(Source.last_checked_at.is_not(None), Source.last_checked_at, Source.id)
        .limit(limit)
    ).all()
    ids = []
    for source in sources:
        capture = Capture(source=source, purpose=CapturePurpose.RECHECK)
        session.add(capture)
        session.flush()
        enqueue(session, "archive.capture", capture.id, queue="archive")
        ids.append(capture.id)
    return ids
