"""Read-model objects (``app.workflow.reading``) and rows into the API's response schemas."""

from __future__ import annotations

from app.api.schemas.claims import (
    ClaimDetail,
    ClaimEvidence,
    ClaimOut,
    EventOut,
    ExportRunOut,
    RevisionOut,
    VerdictOut,
)
from app.api.schemas.sources import capture_out, source_brief
from app.models import Claim, Verdict
from app.workflow.reading import ClaimView
from app.workflow.verdicts import scale


def claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut.model_validate(claim, from_attributes=True)


def verdict_out(verdict: Verdict) -> VerdictOut:
    fields = {f: getattr(verdict, f) for f in VerdictOut.model_fields if f != "rating_value"}
    return VerdictOut.model_validate({**fields, "rating_value": scale().get(verdict.rating)})


def claim_detail(view: ClaimView) -> ClaimDetail:
    return ClaimDetail(
        **claim_out(view.claim).model_dump(),
        cluster_members=view.cluster_members,
        verified=view.verified,
        state_reasons=view.state_reasons,
        evidence=[
            ClaimEvidence(
                id=e.evidence.id,
                stance=e.evidence.stance,
                quote=e.evidence.quote,
                quote_found=e.evidence.quote_found,
                usable=e.usable,
                unusable_reason=e.unusable_reason,
                added_by_id=e.evidence.added_by_id,
                created_at=e.evidence.created_at,
                source=source_brief(e.source),
                capture=capture_out(e.capture) if e.capture is not None else None,
            )
            for e in view.evidence
        ],
        verdict=verdict_out(view.current_verdict) if view.current_verdict else None,
        verdicts=[verdict_out(v) for v in view.verdicts],
        revisions=[RevisionOut.model_validate(r, from_attributes=True) for r in view.revisions],
        events=[EventOut.model_validate(e, from_attributes=True) for e in view.events],
        events_next_cursor=str(view.events_next) if view.events_next is not None else None,
        exports=[ExportRunOut.model_validate(r, from_attributes=True) for r in view.exports],
    )
