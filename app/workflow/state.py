"""Applying the lifecycle rule to a stored claim: every path that changes evidence or
captures calls ``recompute_state``, and every change of state is an event."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, contains_eager, load_only

from app.models import Capture, CaptureStatus, Claim, Evidence, User
from app.workflow import events
from app.workflow.lifecycle import EvidenceFacts, StateExplanation, explain_state
from app.workflow.reasons import capture_reason
from app.workflow.staleness import mark_verdict_stale
from config import settings


def evidence_facts(session: Session, claim: Claim) -> list[tuple[Evidence, EvidenceFacts]]:
    """The claim's evidence, oldest first, each with the facts the lifecycle rule reads."""
    # One query, read from the database rather than from ``claim.evidence``, which a caller
    # that inserted Evidence rows by id would have left stale; with each source's newest
    # capture (what says why a source does not count yet), only the columns that say it.
    archived = (
        select(Capture.id)
        .where(Capture.source_id == Evidence.source_id, Capture.status == CaptureStatus.ARCHIVED)
        .exists()
    )
    latest = aliased(Capture)
    newest = (
        select(func.max(Capture.id))
        .where(Capture.source_id == Evidence.source_id)
        .correlate(Evidence)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Evidence, archived, latest)
        .join(Evidence.source)
        .outerjoin(latest, latest.id == newest)
        .options(
            contains_eager(Evidence.source),
            load_only(latest.status, latest.error_reason, latest.next_attempt_at),
        )
        .where(Evidence.claim_id == claim.id)
        .order_by(Evidence.id)
    ).all()
    deadline = settings().FETCH_DEADLINE
    return [
        (
            e,
            EvidenceFacts(
                stance=e.stance,
                publisher=e.source.publisher,
                archived=bool(is_archived),
                quote=e.quote,
                quote_found=e.quote_found,
                not_archived_because=None
                if is_archived
                else capture_reason(newest_capture, deadline=deadline),
            ),
        )
        for e, is_archived, newest_capture in rows
    ]


def latest_captures(session: Session, source_ids: set[int]) -> dict[int, Capture]:
    """The newest capture of each source, in one query."""
    if not source_ids:
        return {}
    newest = (
        select(func.max(Capture.id))
        .where(Capture.source_id.in_(source_ids))
        .group_by(Capture.source_id)
        .scalar_subquery()
    )
    captures = session.scalars(select(Capture).where(Capture.id.in_(newest)))
    return {c.source_id: c for c in captures}


def explain(
    session: Session,
    claim: Claim,
    facts: list[tuple[Evidence, EvidenceFacts]] | None = None,
) -> StateExplanation:
    """The lifecycle rule applied to the claim's evidence (``facts`` if already read)."""
    items = facts if facts is not None else evidence_facts(session, claim)
    return explain_state([f for _, f in items], min_sources=settings().CORROBORATION_MIN_SOURCES)


def recompute_state(
    session: Session, claim: Claim, *, cause: str, actor: User | None = None
) -> bool:
    """Set ``claim.state`` from its evidence; True if it changed (and then record why).

    A change after approval makes the approved verdict stale and returns the claim to the
    queue (SPEC §4).
    """
    session.flush()
    explanation = explain(session, claim)
    if explanation.state == claim.state:
        return False
    before = claim.state
    claim.state = explanation.state
    events.record(
        session,
        claim,
        "state_changed",
        actor=actor,
        before={"state": before.value},
        after={"state": explanation.state.value},
        cause=cause,
        reasons=explanation.reasons,
    )
    mark_verdict_stale(
        session,
        claim,
        f"the claim's state changed from {before.value} to {explanation.state.value} ({cause})",
        actor=actor,
    )
    return True
