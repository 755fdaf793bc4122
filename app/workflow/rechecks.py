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

import math
from collections import Counter
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.archive.soft404 import is_soft_404
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
from app.outbox import CAPTURE_TASK, RECHECK_QUEUE, enqueue
from app.workflow import events
from app.workflow.politeness import next_starts
from app.workflow.staleness import mark_verdict_stale
from config import settings


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
    if (
        ok
        and result is not None
        and is_soft_404(
            source.url,
            result.final_url,
            redirected=bool(result.redirects),
            title=capture.title,
            text=capture.text,
        )
    ):
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
    source.consecutive_failures += 1
    threshold = settings().RECHECK_ROT_FAILURES
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


def schedule_rechecks(session: Session, limit: int | None = None) -> list[int]:
    """Queue a re-check capture for each cited, archived source that is due, oldest first, on
    the ``recheck`` queue (at most ``limit``, default RECHECK_BATCH).

    Each host's re-checks are spread RECHECK_HOST_MIN_DELAY apart from when the host may next
    be fetched, so they reach the workers in the order the host allows and seldom have to
    wait their turn (``app.workflow.politeness`` enforces the turn whatever the timing); a
    host gets no more in one round than a round's worth of its turns, so no message is held
    in a worker for longer than RECHECK_SCHEDULE_SECONDS.
    """
    s = settings()
    limit = limit or s.RECHECK_BATCH
    now = utcnow()
    due_before = now - timedelta(hours=s.RECHECK_INTERVAL_HOURS)
    in_flight = exists().where(
        Capture.source_id == Source.id,
        Capture.status.in_([CaptureStatus.PENDING, CaptureStatus.FETCHING]),
    )
    archived = exists().where(
        Capture.source_id == Source.id, Capture.status == CaptureStatus.ARCHIVED
    )
    cited = exists().where(Evidence.source_id == Source.id)
    due = session.execute(
        select(Source.id, Source.host)
        .where(cited, archived, ~in_flight)
        .where((Source.last_checked_at.is_(None)) | (Source.last_checked_at < due_before))
        .order_by(Source.last_checked_at.is_not(None), Source.last_checked_at, Source.id)
        .limit(limit)
    ).all()
    delay = s.RECHECK_HOST_MIN_DELAY
    per_round = math.ceil(s.RECHECK_SCHEDULE_SECONDS / delay) if delay > 0 else limit
    starts = next_starts(session, (host for _, host in due))
    queued: Counter[str] = Counter()
    chosen: list[tuple[int, float]] = []
    for source_id, host in due:
        turn = queued[host]
        if turn >= per_round:
            continue  # the next round takes it
        queued[host] += 1
        first = max(0.0, (starts[host] - now).total_seconds()) if host in starts else 0.0
        chosen.append((source_id, first + turn * delay))
    captures = [
        Capture(source_id=source_id, purpose=CapturePurpose.RECHECK) for source_id, _ in chosen
    ]
    session.add_all(captures)
    session.flush()
    for capture, (_, countdown) in zip(captures, chosen, strict=True):
        enqueue(session, CAPTURE_TASK, capture.id, queue=RECHECK_QUEUE, countdown=countdown)
    return [c.id for c in captures]
