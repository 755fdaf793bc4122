"""The audit trail: every change to a claim is recorded through ``record``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import Claim, Event, User


def record(
    session: Session,
    claim: Claim | None,
    kind: str,
    *,
    actor: User | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **detail: Any,
) -> Event:
    event = Event(
        claim=claim,
        kind=kind,
        actor=actor,
        before=before,
        after=after,
        detail=detail,
    )
    session.add(event)
    return event
