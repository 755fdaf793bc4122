"""Recording a capture's outcome into the claims that cite its source.

Every outcome is an event on each citing claim, and each of those claims has its state
recomputed (SPEC §4). A worker writes only while it still owns the capture (status
``fetching`` at the attempt it claimed): a sweeper may have handed the capture on.

Public interface::

    archived(session, capture_id, attempt, purpose, snapshot) -> Outcome
    retry_later(session, capture_id, attempt, error, delay, seconds) -> Outcome
    failed(session, capture_id, attempt, failure) -> Outcome
    Outcome(status: archived | failed | retry | skipped, retry_in, reason)
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.archive.snapshot import Failure, Snapshot
from app.archive.types import FetchError, FetchResult
from app.db import utcnow
from app.models import Capture, CapturePurpose, CaptureStatus, Claim, Evidence, SourceHealth
from app.validation import clip
from app.workflow import events
from app.workflow.quoting import check_quote
from app.workflow.rechecks import judge_recheck
from app.workflow.state import recompute_state

log = logging.getLogger(__name__)

RECORD_TRIES = 3


@dataclass(frozen=True)
class Outcome:
    status: str  # archived | failed | retry | skipped
    retry_in: float | None = None
    reason: str | None = None


def _owned(session: Session, capture_id: int, attempt: int) -> Capture | None:
    """The capture, if this worker still owns it (a sweeper may have handed it on)."""
    query = select(Capture).where(
        Capture.id == capture_id,
        Capture.status == CaptureStatus.FETCHING,
        Capture.attempts == attempt,
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Capture)
    return session.scalar(query.options(joinedload(Capture.source)))


def citing(session: Session, source_id: int) -> tuple[list[Claim], list[Evidence]]:
    """The claims that cite a source (by id) and the evidence items citing it, in one query."""
    items = list(
        session.scalars(
            select(Evidence)
            .where(Evidence.source_id == source_id)
            .options(joinedload(Evidence.claim))
            .order_by(Evidence.claim_id, Evidence.id)
        )
    )
    return list({e.claim_id: e.claim for e in items}.values()), items


def _record_on_claims(session: Session, claims: list[Claim], kind: str, **detail: Any) -> None:
    for claim in claims:
        events.record(session, claim, kind, **detail)


def _write(
    session: Session, capture_id: int, attempt: int, apply: Callable[[Capture], Outcome]
) -> Outcome:
    """Apply an outcome to the capture while this worker still owns it, then commit.

    Claims carry an optimistic-lock version, and another transaction (cluster assignment, an
    editor's change) may bump it between our read and our write. The outcome being recorded
    is still true, so it is read and written again rather than left for the sweeper.
    """
    for tries_left in reversed(range(RECORD_TRIES)):
        try:
            capture = _owned(session, capture_id, attempt)
            if capture is None:
                session.rollback()
                return Outcome("skipped")
            outcome = apply(capture)
            session.commit()
            return outcome
        except StaleDataError:
            session.rollback()
            if not tries_left:
                raise
            log.info("a claim changed while recording a capture; recording again")
    raise AssertionError("unreachable")


def archived(
    session: Session,
    capture_id: int,
    attempt: int,
    purpose: CapturePurpose,
    snapshot: Snapshot,
) -> Outcome:
    return _write(
        session, capture_id, attempt, lambda c: _archived(session, c, attempt, purpose, snapshot)
    )


def _archived(
    session: Session, capture: Capture, attempt: int, purpose: CapturePurpose, snapshot: Snapshot
) -> Outcome:
    result, extracted = snapshot.result, snapshot.extracted
    capture.status = CaptureStatus.ARCHIVED
    capture.http_status = result.status
    capture.final_url = result.final_url
    capture.redirect_chain = [
        {"url": h.url, "status": h.status, "location": h.location} for h in result.redirects
    ]
    capture.content_type = clip(result.content_type, 255)  # the server's say
    capture.size = len(result.body)
    capture.sha256 = hashlib.sha256(result.body).hexdigest()
    capture.warc_key = snapshot.warc_key
    capture.text_key = snapshot.text_key
    capture.text = extracted.text
    capture.text_sha256 = hashlib.sha256(extracted.text.encode("utf-8")).hexdigest()
    capture.title = clip(extracted.title, 1000)
    capture.published_at = extracted.published_at
    capture.canonical_url = extracted.canonical_url
    capture.peer_ip = result.peer_ip
    capture.fetch_seconds = snapshot.seconds
    capture.fetched_at = utcnow()
    capture.error_reason = capture.error_detail = None
    session.flush()

    source = capture.source
    claims, items = citing(session, source.id)
    detail = {"capture_id": capture.id, "http_status": result.status, "attempt": attempt}
    if purpose is CapturePurpose.RECHECK:
        judge_recheck(session, source, capture, claims, result)
    else:
        source.health = SourceHealth.LIVE
        source.last_checked_at = utcnow()
        for evidence in items:
            if evidence.quote is not None and evidence.quote_capture_id is None:
                check_quote(evidence, capture)
        # Written before the first event locks a claim (events.record): every worker recording
        # a source of one claim waits on that lock, so it is held only for the claim's own
        # writes (its events and state), not for the capture's, the source's and the quotes'.
        session.flush()
        _record_on_claims(session, claims, "capture_archived", **detail)
    for claim in claims:
        recompute_state(session, claim, cause=f"capture {capture.id} archived")
    return Outcome("archived")


def retry_later(
    session: Session,
    capture_id: int,
    attempt: int,
    error: FetchError,
    delay: float,
    seconds: float,
) -> Outcome:
    return _write(
        session,
        capture_id,
        attempt,
        lambda c: _retry_later(session, c, attempt, error, delay, seconds),
    )


def _retry_later(
    session: Session,
    capture: Capture,
    attempt: int,
    error: FetchError,
    delay: float,
    seconds: float,
) -> Outcome:
    capture.status = CaptureStatus.PENDING
    capture.next_attempt_at = utcnow() + timedelta(seconds=delay)
    capture.error_reason = error.reason
    capture.error_detail = error.detail[:2000] or None
    capture.fetch_seconds = seconds
    claims, _ = citing(session, capture.source_id)
    _record_on_claims(
        session,
        claims,
        "capture_attempt_failed",
        capture_id=capture.id,
        attempt=attempt,
        reason=error.reason,
        retry_in=delay,
    )
    return Outcome("retry", retry_in=delay, reason=error.reason)


def failed(session: Session, capture_id: int, attempt: int, failure: Failure) -> Outcome:
    return _write(session, capture_id, attempt, lambda c: _failed(session, c, attempt, failure))


def _failed(session: Session, capture: Capture, attempt: int, failure: Failure) -> Outcome:
    error, result = failure.error, failure.result
    capture.status = CaptureStatus.FAILED
    capture.error_reason = error.reason
    capture.error_detail = error.detail[:2000] or None
    capture.fetch_seconds = failure.seconds
    capture.fetched_at = utcnow()
    if result is not None:
        capture.http_status = result.status
        capture.final_url = result.final_url
    tell_claims_failed(session, capture, attempt=attempt, result=result)
    return Outcome("failed", reason=error.reason)


def tell_claims_failed(
    session: Session, capture: Capture, *, attempt: int, result: FetchResult | None = None
) -> None:
    """A capture failed for good: an event on every claim citing its source (or the re-check
    judgement), and their states recomputed."""
    claims, _ = citing(session, capture.source_id)
    if capture.purpose is CapturePurpose.RECHECK:
        judge_recheck(session, capture.source, capture, claims, result)
    else:
        _record_on_claims(
            session,
            claims,
            "capture_failed",
            capture_id=capture.id,
            attempt=attempt,
            reason=capture.error_reason,
            detail=(capture.error_detail or "")[:500],
        )
    for claim in claims:
        recompute_state(session, claim, cause=f"capture {capture.id} failed")
