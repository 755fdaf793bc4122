"""What a proposal is, for the pages that show it: a first verdict, a correction of the
published verdict (shown side by side with it), or a copy from a restatement ("from cluster of
#N"). The inbox and the claim workspace both describe proposals with ``describe``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Verdict


@dataclass(frozen=True)
class Proposal:
    verdict: Verdict
    corrects: Verdict | None  # the published verdict a correction would replace
    from_claim_id: int | None  # the claim whose approved verdict was copied

    @property
    def is_correction(self) -> bool:
        return self.verdict.corrects_id is not None

    @property
    def is_copy(self) -> bool:
        return self.verdict.copied_from_id is not None

    @property
    def title(self) -> str:
        if self.is_correction:
            return "Proposed correction"
        if self.is_copy:
            return f"Proposed from cluster of #{self.from_claim_id}"
        return "Proposed verdict"


def describe(session: Session, verdict: Verdict) -> Proposal:
    corrects = session.get(Verdict, verdict.corrects_id) if verdict.corrects_id else None
    origin = session.get(Verdict, verdict.copied_from_id) if verdict.copied_from_id else None
    return Proposal(verdict, corrects, origin.claim_id if origin is not None else None)
