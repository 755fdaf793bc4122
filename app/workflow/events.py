"""The audit trail: every change to a claim is recorded through ``record``.

Each event is appended to the claim's hash chain (``app.workflow.audit``). On Postgres the
claim row is locked first, so two transactions appending to one claim take turns instead of
forking the chain (SQLite's BEGIN IMMEDIATE already serialises writers); the unique
(claim_id, seq) constraint is the backstop.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Claim, Event, User
from app.workflow.audit import chain_hash, head, plain_json


def record(
    session: Session,
    claim: Claim,
    kind: str,
    *,
    actor: User | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **detail: Any,
) -> Event:
    if claim.id is None:
        session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Claim.id).where(Claim.id == claim.id).with_for_update())
    seq, prev = head(session, claim.id)  # autoflush: events added earlier are counted
    at = utcnow()
    before, after, details = plain_json(before), plain_json(after), plain_json(detail)
    event = Event(
        claim=claim,
        seq=seq + 1,
        prev_hash=prev,
        kind=kind,
        actor=actor,
        at=at,
        before=before,
        after=after,
        detail=details,
    )
    event.hash = chain_hash(
        claim_id=claim.id,
        seq=seq + 1,
        kind=kind,
        actor_id=actor.id if actor is not None else None,
        at=at,
        before=before,
        after=after,
        detail=details,
        prev_hash=prev,
    )
    session.add(event)
    return event
