"""Exporting a hand-picked selection of claims (the queue page's bulk "export" action).

Public interface::

    select_claims(session, fmt, claim_ids, *, actor) -> (items, skipped)

Only verified claims can leave the desk, so the selection is narrowed to the verified set
(``app.exports.rows.verified_claims``); ``skipped`` names the chosen claims that are not
verified. The export is recorded on each exported claim as ``select_for_export`` records it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.exports.rows import VerifiedClaim, verified_claims
from app.exports.service import FORMATS
from app.models import User
from app.workflow import events


def select_claims(
    session: Session, fmt: str, claim_ids: list[int], *, actor: User | None
) -> tuple[list[VerifiedClaim], list[int]]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    wanted = set(claim_ids)
    items = [item for item in verified_claims(session) if item.claim.id in wanted]
    for item in items:
        events.record(
            session, item.claim, "exported", actor=actor, format=fmt, verdict_id=item.verdict.id
        )
    exported = {item.claim.id for item in items}
    return items, sorted(wanted - exported)
