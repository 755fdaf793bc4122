"""The audit trail: every change to a claim is recorded through ``record``.

Each event is appended to the claim's hash chain (``app.workflow.audit``). On Postgres the
claim row is locked first (``FOR NO KEY UPDATE``), so two transactions appending to one claim
take turns instead of forking the chain (SQLite's BEGIN IMMEDIATE already serialises writers);
the unique (claim_id, seq) constraint is the backstop. A transaction locks and reads a claim's
head once: its further events on that claim follow from the last one it wrote.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event as sa_event
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
    heads: dict[int, tuple[int, str | None]] = session.info.setdefault(_HEADS, {})
    if claim.id in heads:
        # This transaction already holds the claim (its lock, or SQLite's write lock) and
        # wrote its last event: nobody else can have appended since.
        seq, prev = heads[claim.id]
    else:
        if session.get_bind().dialect.name == "postgresql":
            # FOR NO KEY UPDATE: appenders take turns, but a row inserted earlier in this
            # transaction that refers to the claim (evidence, a verdict) holds the claim's key
            # share, which FOR UPDATE would conflict with: two such transactions deadlocked.
            session.execute(
                select(Claim.id).where(Claim.id == claim.id).with_for_update(key_share=True)
            )
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
    heads[claim.id] = (event.seq, event.hash)
    return event


# The chain head of each claim this transaction has appended to, so that a second event on a
# claim (a state change after a capture, after a citation) neither locks it nor reads its
# head again. Forgotten whenever a transaction or savepoint ends: a rolled-back savepoint may
# have taken an event back, and a new transaction must lock the claim again.
_HEADS = "claimdesk.chain_heads"


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_heads(session: Session, _transaction: Any) -> None:
    session.info.pop(_HEADS, None)
