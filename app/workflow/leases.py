"""Leases on claims (SPEC §5): who holds a claim, and for how long.

A fact-checker takes a claim from the queue under a lease of LEASE_MINUTES; while the lease
runs, the claim's work is theirs (editors may step in). ``app.workflow.queue`` hands leases
out; the rules that check them live here so every write can ask the same question.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.db import utcnow
from app.models import Claim, User
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
