"""The capture pipeline: claim a capture, fetch, write the WARC, extract, record the outcome.

The database says what is done. A worker claims a capture with a conditional update
(``pending → fetching``), so a duplicate delivery does nothing; it holds no transaction while
fetching; it records the outcome only if it still owns the capture. Every outcome is an event on
each claim that cites the source, and each of those claims has its state recomputed.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.archive.extract import Extracted, extract
from app.archive.fetch import FetchLimits, classify, fetch
from app.archive.quoting import check_quote
from app.archive.rechecks import judge_recheck
from app.archive.storage import BlobStore, store_from_url
from app.archive.types import FetchError, FetchResult
from app.archive.warc import build_warc
from app.db import session as db_session
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
from app.workflow import events
from app.workflow.state import recompute_state

log = logging.getLogger(__name__)

RECORD_TRIES = 3


@dataclass(frozen=True)
class Outcome:
    status: str  # archived | failed | retry | skipped
    retry_in: float | None = None
    reason: str | None = None


def blob_store(app: Flask | None = None) -> BlobStore:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    store: BlobStore | None = app.extensions.get("claimdesk.store")
    if store is None:
        store = store_from_url(app.config["ARCHIVE_STORAGE"])
        app.extensions["claimdesk.store"] = store
    return store


def fetch_limits(config: dict[str, Any]) -> FetchLimits:
    return FetchLimits(
        connect_timeout=config["FETCH_CONNECT_TIMEOUT"],
        read_timeout=config["FETCH_READ_TIMEOUT"],
        deadline=config["FETCH_DEADLINE"],
        max_bytes=config["FETCH_MAX_BYTES"],
    )


def backoff(attempt: int, retry_after: float | None, config: dict[str, Any]) -> float:
    """Exponential backoff with jitter; a server's Retry-After is a floor (capped)."""
    cap = float(config["ARCHIVE_RETRY_MAX_SECONDS"])
    base = float(config["ARCHIVE_RETRY_BASE_SECONDS"]) * 2 ** max(0, attempt - 1)
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


def claim_capture(session: Session, capture_id: int) -> Claimed | None:
    """Take the capture for this worker: one winner however often the task is delivered."""
    now = utcnow()
    source_url = select(Source.url).where(Source.id == Capture.source_id).scalar_subquery()
    row = session.execute(
        update(Capture)
        .where(
            Capture.id == capture_id,
            Capture.status == CaptureStatus.PENDING,
            or_(Capture.next_attempt_at.is_(None), Capture.next_attempt_at <= now),
        )
        .values(status=CaptureStatus.FETCHING, attempts=Capture.attempts + 1, updated_at=now)
        .returning(source_url, Capture.attempts, Capture.purpose)
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()  # hold no transaction (and no SQLite lock) across the network
    return Claimed(row[0], row[1], row[2]) if row is not None else None


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


def _citing(session: Session, source_id: int) -> tuple[list[Claim], list[Evidence]]:
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


def run_capture(capture_id: int) -> Outcome:
    """Archive one capture. Idempotent; safe to call for any capture id at any time."""
    session = db_session()
    config = current_app.config
    claimed = claim_capture(session, capture_id)
    if claimed is None:
        return Outcome("skipped")
    url, attempt, purpose = claimed.url, claimed.attempt, claimed.purpose

    started = time.perf_counter()
    result: FetchResult | None = None
    error: FetchError | None
    try:
        result = fetch(
            url,
            allowed_hosts=config["SETTINGS"].allowed_hosts,
            limits=fetch_limits(config),
            user_agent=config["FETCH_USER_AGENT"],
        )
        error = classify(result)
    except FetchError as exc:
        error = exc
    elapsed = time.perf_counter() - started

    if error is None and result is not None:
        stored = _store(result)  # slow work first, outside any transaction
        return _recorded(
            session,
            lambda: _archived(session, capture_id, attempt, purpose, result, stored, elapsed),
        )
    assert error is not None
    if error.transient and attempt < config["ARCHIVE_MAX_ATTEMPTS"]:
        delay = backoff(attempt, error.retry_after, config)
        return _recorded(
            session, lambda: _retry_later(session, capture_id, attempt, error, delay, elapsed)
        )
    return _recorded(session, lambda: _failed(session, capture_id, attempt, error, elapsed, result))


def _recorded(session: Session, write: Callable[[], Outcome]) -> Outcome:
    """Run ``write`` (which commits), again if a claim it touches changed meanwhile.

    Claims carry an optimistic-lock version, and another transaction (cluster assignment, an
    editor's change) may bump it between our read and our write. The outcome being recorded
    is still true, so it is read and written again rather than left for the sweeper.
    """
    for tries_left in reversed(range(RECORD_TRIES)):
        try:
            return write()
        except StaleDataError:
            session.rollback()
            if not tries_left:
                raise
            log.info("a claim changed while recording a capture; recording again")
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Stored:
    extracted: Extracted
    warc_key: str
    text_key: str | None


def _store(result: FetchResult) -> Stored:
    """Extract the text, then write the WARC and the text to the blob store."""
    # The full header, so a charset given only by the server still reaches the decoder.
    content_type = next(
        (v for k, v in result.response_headers if k.lower() == "content-type"),
        result.content_type,
    )
    extracted = extract(result.body, content_type, result.final_url)
    store = blob_store()
    warc = build_warc(
        result,
        metadata={
            "redirects": [h.__dict__ for h in result.redirects],
            "fetch_seconds": result.elapsed,
        },
    )
    text = extracted.text
    warc_key = store.put(warc, suffix=".warc.gz")
    text_key = store.put(text.encode("utf-8"), suffix=".txt") if text else None
    return Stored(extracted, warc_key, text_key)


def _archived(
    session: Session,
    capture_id: int,
    attempt: int,
    purpose: CapturePurpose,
    result: FetchResult,
    stored: Stored,
    elapsed: float,
) -> Outcome:
    extracted = stored.extracted
    capture = _owned(session, capture_id, attempt)
    if capture is None:
        session.rollback()
        return Outcome("skipped")
    capture.status = CaptureStatus.ARCHIVED
    capture.http_status = result.status
    capture.final_url = result.final_url
    capture.redirect_chain = [
        {"url": h.url, "status": h.status, "location": h.location} for h in result.redirects
    ]
    capture.content_type = result.content_type or None
    capture.size = len(result.body)
    capture.sha256 = hashlib.sha256(result.body).hexdigest()
    capture.warc_key = stored.warc_key
    capture.text_key = stored.text_key
    capture.text = extracted.text
    capture.text_sha256 = hashlib.sha256(extracted.text.encode("utf-8")).hexdigest()
    capture.title = (extracted.title or "")[:1000] or None
    capture.published_at = extracted.published_at
    capture.canonical_url = extracted.canonical_url
    capture.peer_ip = result.peer_ip
    capture.fetch_seconds = elapsed
    capture.fetched_at = utcnow()
    capture.error_reason = capture.error_detail = None
    session.flush()

    source = capture.source
    claims, items = _citing(session, source.id)
    detail = {"capture_id": capture.id, "http_status": result.status, "attempt": attempt}
    if purpose is CapturePurpose.RECHECK:
        judge_recheck(session, source, capture, claims, result)
    else:
        source.health = SourceHealth.LIVE
        source.last_checked_at = utcnow()
        _record_on_claims(session, claims, "capture_archived", **detail)
        for evidence in items:
            if evidence.quote is not None and evidence.quote_capture_id is None:
                check_quote(evidence, capture)
    for claim in claims:
        recompute_state(session, claim, cause=f"capture {capture.id} archived")
    session.commit()
    return Outcome("archived")


def _retry_later(
    session: Session, capture_id: int, attempt: int, error: FetchError, delay: float, elapsed: float
) -> Outcome:
    capture = _owned(session, capture_id, attempt)
    if capture is None:
        session.rollback()
        return Outcome("skipped")
    capture.status = CaptureStatus.PENDING
    capture.next_attempt_at = utcnow() + timedelta(seconds=delay)
    capture.error_reason = error.reason
    capture.error_detail = error.detail[:2000] or None
    capture.fetch_seconds = elapsed
    claims, _ = _citing(session, capture.source_id)
    _record_on_claims(
        session,
        claims,
        "capture_attempt_failed",
        capture_id=capture_id,
        attempt=attempt,
        reason=error.reason,
        retry_in=delay,
    )
    session.commit()
    return Outcome("retry", retry_in=delay, reason=error.reason)


def _failed(
    session: Session,
    capture_id: int,
    attempt: int,
    error: FetchError,
    elapsed: float,
    result: FetchResult | None,
) -> Outcome:
    capture = _owned(session, capture_id, attempt)
    if capture is None:
        session.rollback()
        return Outcome("skipped")
    capture.status = CaptureStatus.FAILED
    capture.error_reason = error.reason
    capture.error_detail = error.detail[:2000] or None
    capture.fetch_seconds = elapsed
    capture.fetched_at = utcnow()
    if result is not None:
        capture.http_status = result.status
        capture.final_url = result.final_url
    claims, _ = _citing(session, capture.source_id)
    if capture.purpose is CapturePurpose.RECHECK:
        judge_recheck(session, capture.source, capture, claims, result)
    else:
        _record_on_claims(
            session,
            claims,
            "capture_failed",
            capture_id=capture_id,
            attempt=attempt,
            reason=error.reason,
            detail=error.detail[:500],
        )
    for claim in claims:
        recompute_state(session, claim, cause=f"capture {capture_id} failed")
    session.commit()
    return Outcome("failed", reason=error.reason)


def sweep(session: Session, config: dict[str, Any]) -> list[int]:
    """Hand out again what a dead worker or a lost message left behind.

    Captures stuck in ``fetching`` past ARCHIVE_STUCK_SECONDS go back to ``pending`` (their
    attempt was counted when claimed) or fail if they are out of attempts; ``pending``
    captures due for a while with no task carrying them are returned for re-dispatch.
    """
    now = utcnow()
    stuck_before = now - timedelta(seconds=config["ARCHIVE_STUCK_SECONDS"])
    stuck = session.scalars(
        select(Capture).where(
            Capture.status == CaptureStatus.FETCHING, Capture.updated_at < stuck_before
        )
    ).all()
    for capture in stuck:
        if capture.attempts >= config["ARCHIVE_MAX_ATTEMPTS"]:
            capture.status = CaptureStatus.FAILED
            capture.error_reason = "worker-lost"
            capture.error_detail = "the worker stopped while fetching, on every attempt"
            capture.fetched_at = now
        else:
            capture.status = CaptureStatus.PENDING
            capture.next_attempt_at = now
            capture.error_reason = "worker-lost"
    session.flush()
    # A pending capture normally has a message on its way; one overdue by a sweep interval
    # (or fresh from a rescue above) does not.
    overdue = now - timedelta(seconds=config["ARCHIVE_SWEEP_SECONDS"])
    ids = list(
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
    return ids


__all__ = ["Claimed", "Outcome", "backoff", "claim_capture", "run_capture", "sweep"]
