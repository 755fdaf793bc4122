"""The verified claim set: claims with a verified verdict (``app.workflow.verdicts``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Claim, Evidence, Verdict
from app.workflow.verified import verified_clause


@dataclass(frozen=True)
class VerifiedClaim:
    claim: Claim
    verdict: Verdict
    corrected: Verdict | None  # the approved verdict this one corrects, if any


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None  # approved at or after
    state: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The filters that were set, as an export run records them."""
        values = {"since": iso(self.since), "state": self.state}
        return {k: v for k, v in values.items() if v is not None}


def verified_claims(session: Session, filters: Filters = Filters()) -> Iterator[VerifiedClaim]:
    query = (
        select(Verdict)
        .where(verified_clause())
        .options(
            selectinload(Verdict.claim).selectinload(Claim.evidence).selectinload(Evidence.source)
        )
        .order_by(Verdict.claim_id, Verdict.id)
    )
    if filters.since is not None:
        query = query.where(Verdict.reviewed_at >= filters.since)
    latest: dict[int, Verdict] = {}
    for verdict in session.scalars(query):
        latest[verdict.claim_id] = verdict  # ordered by id: the last approved one wins
    for verdict in latest.values():
        if filters.state and verdict.claim.state.value != filters.state:
            continue
        corrected = session.get(Verdict, verdict.corrects_id) if verdict.corrects_id else None
        yield VerifiedClaim(verdict.claim, verdict, corrected)


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
