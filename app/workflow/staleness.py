"""Marking an approved verdict stale: the claim goes back to the review queue.

A verdict copied onto a restatement (``Verdict.copied_from_id``) stands on the original's
judgement, so when the original goes stale every approved copy goes stale with it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Claim, User, Verdict, VerdictStatus
from app.workflow import events


def mark_verdict_stale(
    session: Session, claim: Claim, reason: str, *, actor: User | None = None
) -> bool:
    """Flag the claim's approved verdict stale; True if there was one to flag."""
    flagged = []
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
            flagged.append(verdict)
    if flagged:
        # Back to the queue: nobody holds it any more.
        claim.assignee_id = None
        claim.lease_expires_at = None
    for verdict in flagged:
        copies = session.scalars(
            select(Verdict).where(
                Verdict.copied_from_id == verdict.id,
                Verdict.status == VerdictStatus.APPROVED,
                Verdict.stale.is_(False),
            )
        ).all()
        for copy in copies:
            mark_verdict_stale(
                session,
                copy.claim,
                f"the verdict it was copied from (verdict {verdict.id} on claim {claim.id}) "
                f"went stale: {reason}",
                actor=actor,
            )
    return bool(flagged)
