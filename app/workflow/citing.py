"""Citing a source for a claim: the Source row, the Evidence row, and a capture to archive it.

Called by the evidence API and the claim workspace page alike. The archive task is queued
through the outbox, so it is sent only if this transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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

T = TypeVar("T")


def insert_new(session: Session, model: type[T], values: dict[str, Any], *keys: str) -> T | None:
    """Insert a row unless one with the same unique ``keys`` exists: the new object, or None.

    One statement (``INSERT ... ON CONFLICT DO NOTHING RETURNING``), where a savepoint around a
    plain INSERT cost three round trips to Postgres. A row another transaction is inserting at
    the same instant is waited for (Postgres) or cannot exist (SQLite's write lock), so when
    this returns None the row is there to read.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    ).returning(model)
    return session.scalars(statement, execution_options={"populate_existing": True}).first()


def get_or_create_source(session: Session, url: str) -> tuple[Source, bool]:
    """The source for ``url`` (normalised), and whether this call created it; safe when two
    requests cite it at once."""
    normalised = normalise_url(url)
    if len(normalised) > MAX_URL:
        raise ValueError(f"it is longer than {MAX_URL} characters once normalised")
    source = session.scalar(select(Source).where(Source.url == normalised))
    if source is not None:
        return source, False
    host = host_of(normalised)
    values = {"url": normalised, "host": host, "publisher": publisher_of(host)}
    created = insert_new(session, Source, values, "url")
    if created is not None:
        return created, True
    source = session.scalar(select(Source).where(Source.url == normalised))
    assert source is not None  # another transaction created it first
    return source, False


def latest_capture(session: Session, source: Source, *statuses: CaptureStatus) -> Capture | None:
    query = select(Capture).where(Capture.source_id == source.id)
    if statuses:
        query = query.where(Capture.status.in_(statuses))
    return session.scalar(query.order_by(Capture.id.desc()).limit(1))


def ensure_capture(session: Session, source: Source, *, new: bool = False) -> tuple[Capture, bool]:
    """A capture that is or will be archiving ``source``; True when a new one was queued.

    An archive younger than ARCHIVE_REUSE_SECONDS is reused; a capture already under way is
    joined; otherwise a new pending capture is created and its task queued after commit.
    ``new``: the source was created in this transaction, so it has no capture to look for.
    """
    if not new:
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
        source, new_source = get_or_create_source(session, url)
    except ValueError as exc:
        raise Invalid(f"url: {exc}", field="url") from None
    # The unique (claim, source, stance) constraint settles a race: one of two requests
    # citing the same source at once inserts the item, the other finds it.
    values = {
        "claim_id": claim.id,
        "source_id": source.id,
        "stance": stance,
        "quote": quote,
        "added_by_id": actor.id if actor is not None else None,
    }
    added = insert_new(session, Evidence, values, "claim_id", "source_id", "stance")
    if added is not None:
        return _added(session, claim, added, source, actor, new_source=new_source)
    existing = _existing(session, claim, source, stance)
    assert existing is not None
    capture = latest_capture(session, source) or ensure_capture(session, source)[0]
    return Cited(existing, capture, created=False)


def _added(
    session: Session,
    claim: Claim,
    evidence: Evidence,
    source: Source,
    actor: User | None,
    *,
    new_source: bool,
) -> Cited:
    capture, queued = ensure_capture(session, source, new=new_source)
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
