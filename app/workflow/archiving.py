"""Archiving a capture (SPEC §6): claim it, take a snapshot, record the outcome.

The database says what is done. A worker claims a capture with a conditional update
(``pending → fetching``), so a duplicate delivery does nothing; it holds no transaction while
fetching; it records the outcome only if it still owns the capture
(``app.workflow.recording``). Fetching, extraction and storage are the archive toolkit's
(``app.archive.snapshot``); what an outcome means for the claims citing the source is decided
here and in ``recording``.

Public interface::

    run_capture(session, capture_id) -> Outcome        idempotent, for any id at any time
                                                       (a re-check waits its turn at the host:
                                                       app.workflow.politeness)
    claim_capture(session, capture_id) -> Claimed | None
    backoff(attempt, retry_after) -> seconds
    sweep(session) -> list[int]                        captures to dispatch again
    redispatch(session, ids) -> None                   queue them again, each on its queue
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from app.archive.snapshot import Failure, FetchOptions, Snapshot, take_snapshot
from app.archive.storage import blob_store
from app.db import utcnow
from app.models import Capture, CapturePurpose, CaptureStatus, Source
from app.outbox import ARCHIVE_QUEUE, RECHECK_QUEUE, enqueue_capture
from app.workflow import politeness, recording
from app.workflow.recording import Outcome
from app.workflow.recovery import stuck_after
from config import settings


def backoff(attempt: int, retry_after: float | None) -> float:
    """Exponential backoff with jitter; a server's Retry-After is a floor (capped)."""
    s = settings()
    cap = s.ARCHIVE_RETRY_MAX_SECONDS
    base = s.ARCHIVE_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1)
    delay = min(cap, base) * random.uniform(0.5, 1.5)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return round(delay, 3)


@dataclass(frozen=True)
class Claimed:
    """What a worker needs to know about a capture it has just taken."""

    url: str
    attempt: int
    purpose: CapturePurpose


def claim_capture(
    session: Session, capture_id: int, *, purpose: CapturePurpose | None = None
) -> Claimed | None:
    """Take the capture for this worker: one winner however often the task is delivered.
    With ``purpose``, only a capture of that purpose is taken."""
    now = utcnow()
    source_url = select(Source.url).where(Source.id == Capture.source_id).scalar_subquery()
    conditions = [
        Capture.id == capture_id,
        Capture.status == CaptureStatus.PENDING,
        or_(Capture.next_attempt_at.is_(None), Capture.next_attempt_at <= now),
    ]
    if purpose is not None:
        conditions.append(Capture.purpose == purpose)
    row = session.execute(
        update(Capture)
        .where(*conditions)
        .values(status=CaptureStatus.FETCHING, attempts=Capture.attempts + 1, updated_at=now)
        .returning(source_url, Capture.attempts, Capture.purpose)
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()  # hold no transaction (and no SQLite lock) across the network
    return Claimed(row[0], row[1], row[2]) if row is not None else None


def _pending_recheck_host(session: Session, capture_id: int) -> str | None:
    """The host of a re-check that is waiting to run, else None (a first archiving, or a
    capture already taken or settled: nothing to be polite about)."""
    row = session.execute(
        select(Source.host)
        .join(Capture, Capture.source_id == Source.id)
        .where(
            Capture.id == capture_id,
            Capture.purpose == CapturePurpose.RECHECK,
            Capture.status == CaptureStatus.PENDING,
            or_(Capture.next_attempt_at.is_(None), Capture.next_attempt_at <= utcnow()),
        )
    ).first()
    session.commit()
    return row[0] if row is not None else None


def _defer(session: Session, capture_id: int, seconds: float) -> Outcome:
    """The host is not to be fetched yet: the re-check stays pending, due in ``seconds``."""
    seconds = round(seconds, 3)
    session.execute(
        update(Capture)
        .where(Capture.id == capture_id, Capture.status == CaptureStatus.PENDING)
        .values(next_attempt_at=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return Outcome("retry", retry_in=seconds, reason="politeness")


def run_capture(session: Session, capture_id: int) -> Outcome:
    """Archive one capture. Idempotent; safe to call for any capture id at any time."""
    # A first archiving goes at once; only a re-check asks the host's politeness first.
    claimed = claim_capture(session, capture_id, purpose=CapturePurpose.ARCHIVE)
    slot: politeness.Slot | None = None
    if claimed is None:
        host = _pending_recheck_host(session, capture_id)
        if host is None:
            return Outcome("skipped")
        granted = politeness.acquire(session, host, capture_id)
        if isinstance(granted, politeness.Wait):
            return _defer(session, capture_id, granted.seconds)
        slot = granted
    retry_after: float | None = None
    try:
        if claimed is None:
            claimed = claim_capture(session, capture_id)
            if claimed is None:
                return Outcome("skipped")
        taken = take_snapshot(
            claimed.url,
            FetchOptions.from_settings(settings()),
            blob_store(),
            # A re-check compares text; the page's images and styles were archived the first
            # time.
            requisites=claimed.purpose is CapturePurpose.ARCHIVE,
        )
        if not isinstance(taken, Snapshot):
            retry_after = taken.error.retry_after
    finally:
        if slot is not None:
            politeness.release(session, slot, retry_after=retry_after)
    return _record(session, capture_id, claimed, taken)


def _record(
    session: Session, capture_id: int, claimed: Claimed, taken: Snapshot | Failure
) -> Outcome:
    attempt = claimed.attempt
    if isinstance(taken, Snapshot):
        return recording.archived(session, capture_id, attempt, claimed.purpose, taken)
    error = taken.error
    if error.transient and attempt < settings().ARCHIVE_MAX_ATTEMPTS:
        delay = backoff(attempt, error.retry_after)
        return recording.retry_later(session, capture_id, attempt, error, delay, taken.seconds)
    return recording.failed(session, capture_id, attempt, taken)


def sweep(session: Session) -> list[int]:
    """Hand out again what a dead worker or a lost message left behind.

    Captures stuck in ``fetching`` past ``recovery.stuck_after`` (the fetch deadline plus time
    to store, unless ARCHIVE_STUCK_SECONDS says otherwise) go back to ``pending`` (their attempt
    was counted when claimed) or fail, on the claims too, if they are out of attempts; ``pending``
    captures due for a while with no task carrying them are returned for re-dispatch.
    """
    s = settings()
    now = utcnow()
    stuck_before = now - timedelta(seconds=stuck_after(s))
    stuck = session.scalars(
        select(Capture).where(
            Capture.status == CaptureStatus.FETCHING, Capture.updated_at < stuck_before
        )
    ).all()
    for capture in stuck:
        if capture.attempts >= s.ARCHIVE_MAX_ATTEMPTS:
            capture.status = CaptureStatus.FAILED
            capture.error_reason = "worker-lost"
            capture.error_detail = "the worker stopped while fetching, on every attempt"
            capture.fetched_at = now
            recording.tell_claims_failed(session, capture, attempt=capture.attempts)
        else:
            capture.status = CaptureStatus.PENDING
            capture.next_attempt_at = now
            capture.error_reason = "worker-lost"
    session.flush()
    # A pending capture normally has a message on its way; one overdue by a sweep interval
    # (or fresh from a rescue above) does not.
    overdue = now - timedelta(seconds=s.ARCHIVE_SWEEP_SECONDS)
    return list(
        session.scalars(
            select(Capture.id).where(
                Capture.status == CaptureStatus.PENDING,
                or_(
                    and_(Capture.next_attempt_at.is_(None), Capture.created_at < overdue),
                    Capture.next_attempt_at < overdue,
                    Capture.id.in_([c.id for c in stuck]),
                ),
            )
        )
    )


def redispatch(session: Session, capture_ids: list[int]) -> None:
    """Queue the archive task again for these captures: re-checks on their own queue."""
    purposes = dict(
        session.execute(
            select(Capture.id, Capture.purpose).where(Capture.id.in_(capture_ids))
        ).tuples()
    )
    for capture_id in capture_ids:
        recheck = purposes.get(capture_id) is CapturePurpose.RECHECK
        enqueue_capture(session, capture_id, queue=RECHECK_QUEUE if recheck else ARCHIVE_QUEUE)
