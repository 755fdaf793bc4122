"""Citing a source for a claim: the Source row, the Evidence row, and a capture to archive it.

Called by the evidence API and the claim workspace page alike. The archive task is queued
through the outbox, so it is sent only if this transaction commits.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.archive.urls import host_of, normalise_url
from app.db import utcnow
from app.errors import Invalid
from app.models import Capture, CaptureStatus, Claim, Evidence, Source, Stance, User
from app.outbox import enqueue_capture
from app.workflow import events
from app.workflow.publishers import publisher_of
from app.workflow.quoting import check_quote
from app.workflow.state import recompute_state
from config import settings


def get_or_create_source(session: Session, url: str) -> Source:
    """The source for ``url`` (normalised); safe when two requests cite it at once."""
    normalised = normalise_url(url)
    source = session.scalar(select(Source).where(Source.url == normalised))
    if source is not None:
        return source
    host = host_of(normalised)
    try:
        with session.begin_nested():
            source = Source(url=normalised, host=host, publisher=publisher_of(host))
            session.add(source)
    except IntegrityError:  # another transaction created it first
        source = session.scalar(select(Source).where(Source.url == normalised))
        assert source is not None
    return source


def latest_capture(session: Session, source: Source, *statuses: CaptureStatus) -> Capture | None:
    query = select(Capture).where(Capture.source_id == source.id)
    if statuses:
        query = query.where(Capture.status.in_(statuses))
    return session.scalar(query.order_by(Capture.id.desc()).limit(1))


def ensure_capture(session: Session, source: Source) -> tuple[Capture, bool]:
    """A capture that is or will be archiving ``source``; True when a new one was queued.

    An archive younger than ARCHIVE_REUSE_SECONDS is reused; a capture already under way is
    joined; otherwise a new pending capture is created and its task queued after commit.
    """
    reuse = timedelta(seconds=settings().ARCHIVE_REUSE_SECONDS)
    archived = latest_capture(session, source, CaptureStatus.ARCHIVED)
    if archived is not None and archived.fetched_at and archived.fetched_at > utcnow() - reuse:
        return archived, False
    in_flight = latest_capture(session, source, CaptureStatus.PENDING, CaptureStatus.FETCHING)
    if in_flight is not None:
        return in_flight, False
    capture = Capture(source=source, status=CaptureStatus.PENDING)
    session.add(capture)
    session.flush()
    enqueue_capture(session, capture.id)
    return capture, True


def cite(
    session: Session,
    claim: Claim,
    url: str,
    stance: Stance,
    quote: str | None,
    *,
    actor: User | None,
) -> tuple[Evidence, Capture]:
    """Add evidence to ``claim``; returns it with the capture that archives its source.

    Invalid when the URL cannot be archived at all (scheme, host).
    """
    try:
        source = get_or_create_source(session, url)
    except ValueError as exc:
        raise Invalid(f"url: {exc}", field="url") from None
    evidence = Evidence(claim=claim, source=source, stance=stance, quote=quote, added_by=actor)
    session.add(evidence)
    session.flush()
    capture, queued = ensure_capture(session, source)
    events.record(
        session,
        claim,
        "evidence_added",
        actor=actor,
        after={"evidence_id": evidence.id, "url": source.url, "stance": stance.value},
        capture_id=capture.id,
        archive_queued=queued,
    )
    if capture.status is CaptureStatus.ARCHIVED:
        # Reusing a fresh archive: the evidence can count at once.
        check_quote(evidence, capture)
        recompute_state(session, claim, cause="evidence_added", actor=actor)
    return evidence, capture
