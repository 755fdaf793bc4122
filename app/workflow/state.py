"""Applying the lifecycle rule to a stored claim: every path that changes evidence or
captures calls ``recompute_state``, and every change of state is an event."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Capture, CaptureStatus, Claim, Evidence, User
from app.workflow import events
from app.workflow.lifecycle import EvidenceFacts, StateExplanation, explain_state
from app.workflow.staleness import mark_verdict_stale


def evidence_facts(session: Session, claim: Claim) -> list[tuple[Evidence, EvidenceFacts]]:
    source_ids = {e.source_id for e in claim.evidence}
    archived = (
        set(
            session.scalars(
                select(Capture.source_id)
                .where(Capture.source_id.in_(source_ids), Capture.status == CaptureStatus.ARCHIVED)
                .distinct()
            )
        )
        if source_ids
        else set()
    )
    return [
        (
            e,
            EvidenceFacts(
                stance=e.stance,
                publisher=e.source.publisher,
                archived=e.source_id in archived,
                quote=e.quote,
                quote_found=e.quote_found,
            ),
        )
        for e in claim.evidence
    ]


def explain(session: Session, claim: Claim) -> StateExplanation:
    facts = [f for _, f in evidence_facts(session, claim)]
    return explain_state(facts, min_sources=current_app.config["CORROBORATION_MIN_SOURCES"])


def recompute_state(
    session: Session, claim: Claim, *, cause: str, actor: User | None = None
) -> bool:
    """Set ``claim.state`` from its evidence; True if it changed (and then record why).

    A change after approval makes the approved verdict stale and returns the claim to the
    queue (SPEC §4).
    """
    session.flush()
    session.refresh(claim, attribute_names=["evidence"])
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
