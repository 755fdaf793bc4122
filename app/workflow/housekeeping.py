"""Housekeeping that beat runs: forgetting what can no longer be used."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import IdempotencyRecord
from config import settings


def idempotency_ttl() -> timedelta:
    """How long an Idempotency-Key replays its first response (IDEMPOTENCY_TTL_SECONDS)."""
    return timedelta(seconds=settings().IDEMPOTENCY_TTL_SECONDS)


def purge_expired_idempotency_keys(session: Session) -> int:
    """Delete records older than the TTL (they can no longer be replayed); how many went."""
    cutoff = utcnow() - idempotency_ttl()
    result = session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
