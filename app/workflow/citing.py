"""Citing a source for a claim: the Source row, the Evidence row, and a capture to archive it.

Called by the evidence API and the claim workspace page alike. The archive task is queued
through the outbox, so it is sent only if this transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.archive.urls import host_of, normalise_url
from app.db import utcnow
from app.errors import Conflict, Invalid
from app.models import Capture, CaptureStatus, Claim, Evidence, Source, Stance, User
from app.models.sources import MAX_URL
from app.outbox import enqueue_capture
from app.workflow import events
from app.workflow.leases import ensure_may_write
from app.workflow.publishers import publisher_of
from app.workflow.quoting import check_quote
from app.workflow.state import recompute_state
from config import settings


def get_or_create_source(session: Session, url: str) -> Source:
    """The source for ``url`` (normalised); safe when two requests cite it at once."""
    normalised = normalise_url(url)
    if len(normalised) > MAX_URL:
        raise ValueError(f"it is longer than {MAX_URL} characters once normalised")
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


@dataclass(frozen=True)
class Cited:
    evidence: Evidence
    capture: Capture
    created: bool  # False: the claim already cited this source with this stance


def _existing(session: Session, claim: Claim, source: Source, stance: Stance) -> Evidence | None:
    return session.scalar(
        select(Evidence).where(
            Evidence.claim_id == claim.id,
            Evidence.source_id == source.id,
            Evidence.stance == stance,
        )
    )


def cite(
    session: Session,
    claim: Claim,
    url: str,
    stance: Stance,
    quote: str | None,
    *,
    actor: User | None,
    as_editor: bool = False,
) -> Cited:
    """Add evidence to ``claim``, with the capture that archives its source.

    One item per claim, source and stance: citing the same source with the same stance again
    (one after the other, or at the same instant) returns the existing item. Invalid when the
    URL cannot be archived at all (scheme, host); Conflict on a closed claim; Forbidden while
    someone else holds the claim's lease (editors may step in).
    """
    if claim.closed_as is not None:
        raise Conflict(
            f"Claim {claim.id} is closed ({claim.closed_as.value}); an editor can reopen it."
        )
    if actor is not None:
        ensure_may_write(session, claim, actor, action="cite sources for", as_editor=as_editor)
    try:
        source = get_or_create_source(session, url)
    except ValueError as exc:
        raise Invalid(f"url: {exc}", field="url") from None
    existing = _existing(session, claim, source, stance)
    if existing is None:
        try:
            with session.begin_nested():  # the unique constraint settles a race
                existing = Evidence(
                    claim=claim, source=source, stance=stance, quote=quote, added_by=actor
                )
                session.add(existing)
        except IntegrityError:
            existing = _existing(session, claim, source, stance)
            assert existing is not None
        else:
            return _added(session, claim, existing, source, actor)
    capture = latest_capture(session, source) or ensure_capture(session, source)[0]
    return Cited(existing, capture, created=False)


def _added(
    session: Session, claim: Claim, evidence: Evidence, source: Source, actor: User | None
) -> Cited:
    capture, queued = ensure_capture(session, source)
    events.record(
        session,
        claim,
        "evidence_added",
        actor=actor,
        after={"evidence_id": evidence.id, "url": source.url, "stance": evidence.stance.value},
        capture_id=capture.id,
        archive_queued=queued,
    )
    if capture.status is CaptureStatus.ARCHIVED:
        # Reusing a fresh archive: the evidence can count at once.
        check_quote(evidence, capture)
        recompute_state(session, claim, cause="evidence_added", actor=actor)
    return Cited(evidence, capture, created=True)
