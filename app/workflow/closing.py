"""Closing and reopening claims (SPEC §2: editors reopen).

A claim leaves the desk without a verdict in two ways: an editor rejects it (out of scope, not
checkable: ``reject`` with ``close``), or it is withdrawn (entered by mistake; claims with an
audit trail are never deleted). A closed claim is out of the queue and takes no evidence or
verdict until an editor reopens it. A published fact-check is never withdrawn: it is corrected.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict
from app.models import Claim, ClaimClosure, User
from app.workflow import events
from app.workflow.verified import verified


def close_claim(
    session: Session, claim: Claim, editor: User, closure: ClaimClosure, note: str | None
) -> Claim:
    if claim.closed_as is not None:
        raise Conflict(f"Claim {claim.id} is already closed ({claim.closed_as.value}).")
    if closure is ClaimClosure.WITHDRAWN and verified(claim) is not None:
        raise Conflict(
            f"Claim {claim.id} has a published verdict; correct it instead of withdrawing it."
        )
    claim.closed_as = closure
    claim.closed_at = utcnow()
    claim.assignee_id = None
    claim.lease_expires_at = None
    events.record(
        session,
        claim,
        "claim_closed",
        actor=editor,
        before={"closed_as": None},
        after={"closed_as": closure.value},
        note=note,
    )
    session.flush()
    return claim


def reopen_claim(session: Session, claim: Claim, editor: User, note: str | None) -> Claim:
    """Put a closed claim back in the queue."""
    if claim.closed_as is None:
        raise Conflict(f"Claim {claim.id} is not closed; it is already in the queue.")
    before = claim.closed_as.value
    claim.closed_as = None
    claim.closed_at = None
    events.record(
        session,
        claim,
        "claim_reopened",
        actor=editor,
        before={"closed_as": before},
        after={"closed_as": None},
        note=note,
    )
    session.flush()
    return claim
