"""Marking an approved verdict stale: the claim goes back to the review queue."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Claim, User, VerdictStatus
from app.workflow import events


def mark_verdict_stale(
    session: Session, claim: Claim, reason: str, *, actor: User | None = None
) -> bool:
    """Flag the claim's approved verdict stale; True if there was one to flag."""
    changed = False
    for verdict in claim.verdicts:
        if verdict.status is VerdictStatus.APPROVED and not verdict.stale:
            verdict.stale = True
            verdict.stale_reason = reason
            events.record(
                session,
                claim,
                "verdict_stale",
                actor=actor,
                before={"verdict_id": verdict.id, "stale": False},
                after={"verdict_id": verdict.id, "stale": True},
                reason=reason,
            )
            changed = True
    if changed:
        # Back to the queue: nobody holds it any more.
        claim.assignee_id = None
        claim.lease_expires_at = None
    return changed
