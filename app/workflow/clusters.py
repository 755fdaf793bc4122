"""Duplicate clusters: a claim that restates an earlier one joins that claim's cluster.

The similarity rule (numbers must agree, wording may differ) lives in app.ingest.similarity;
this module applies it to stored claims and keeps cluster sizes in the queue priority.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.ingest.similarity import ClaimSignature, best_match, claim_key
from app.models import Claim
from app.workflow import events
from config import settings


@lru_cache(maxsize=50_000)
def _signature(text: str) -> ClaimSignature:
    return claim_key(text)


def find_restated(session: Session, claim: Claim) -> Claim | None:
    """The earliest other claim that states the same fact, if any."""
    rows = session.execute(
        select(Claim.id, Claim.text).where(Claim.id < claim.id).order_by(Claim.id)
    ).all()
    match = best_match(
        _signature(claim.text),
        ((row.id, _signature(row.text)) for row in rows),
        threshold=settings().INGEST_CLUSTER_THRESHOLD,
    )
    return session.get(Claim, match) if match is not None else None


def cluster_size(session: Session, cluster_id: int) -> int:
    return session.scalar(select(func.count()).where(Claim.cluster_id == cluster_id)) or 0


def assign_cluster(session: Session, claim_id: int) -> None:
    """Idempotent: running it twice leaves the claim in the same cluster."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        return
    match = find_restated(session, claim)
    target = (match.cluster_id or match.id) if match else claim.id
    if claim.cluster_id != target:
        before = claim.cluster_id
        claim.cluster_id = target
        events.record(
            session,
            claim,
            "clustered",
            before={"cluster_id": before},
            after={"cluster_id": target},
            restates=match.id if match else None,
        )
        session.flush()
    # Bigger clusters rank higher: every member's priority reflects the cluster's size.
    size = cluster_size(session, target)
    session.execute(
        update(Claim)
        .where(Claim.cluster_id == target)
        .values(priority=Claim.checkworthiness + 0.1 * (size - 1))
        .execution_options(synchronize_session=False)
    )
