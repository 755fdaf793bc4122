"""Leases on claims (SPEC §5): who holds a claim, and for how long.

A fact-checker takes a claim from the queue under a lease of LEASE_MINUTES; while the lease
runs, the claim's work is theirs (editors may step in). ``app.workflow.queue`` hands leases
out; the rules that check them live here so every write can ask the same question.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Forbidden
from app.models import Claim, User
from app.workflow import events
from config import settings


def lease_length() -> timedelta:
    return timedelta(minutes=settings().LEASE_MINUTES)


def holds_lease(claim: Claim, user: User, now: datetime | None = None) -> bool:
    if claim.assignee_id != user.id:
        return False
    return claim.lease_expires_at is None or claim.lease_expires_at > (now or utcnow())


def leased_to_other(claim: Claim, user: User, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if claim.assignee_id is None or claim.assignee_id == user.id:
        return False
    return claim.lease_expires_at is None or claim.lease_expires_at > now


def ensure_may_write(
    session: Session, claim: Claim, user: User, *, action: str, as_editor: bool
) -> None:
    """Every write to a claim asks this first (propose, edit, cite, release...).

    While someone else holds an unexpired lease, their work is protected: a fact-checker is
    refused; an editor may step in, and the override is recorded on the claim.
    """
    if not leased_to_other(claim, user):
        return
    expires = claim.lease_expires_at
    until = f" until {expires:%H:%M} UTC" if expires is not None else ""
    if not as_editor:
        raise Forbidden(
            f"Claim {claim.id} is leased to user {claim.assignee_id}{until}; only they or an "
            f"editor may {action} it."
        )
    events.record(
        session,
        claim,
        "lease_overridden",
        actor=user,
        holder_id=claim.assignee_id,
        lease_expires_at=expires.isoformat() if expires is not None else None,
        action=action,
    )
