"""The read side: a claim with everything behind its state, as plain typed objects.

The API serialises a ``ClaimView`` with its schemas; the pages render it with templates.
Neither computes state reasons, usability or "verified" on its own.

Public interface::

    claim_view(session, claim) -> ClaimView
    evidence_views(session, claim) -> list[EvidenceView]
    current_verdict(claim) -> Verdict | None      the verdict in play (proposed or approved)
    cluster_members(session, claim) -> list[int]
    revisions(claim) -> list[Revision]            every wording, oldest first
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Capture, Claim, Event, Evidence, Source, Verdict, VerdictStatus
from app.workflow.lifecycle import EvidenceFacts, unusable_reason
from app.workflow.state import evidence_facts, explain
from app.workflow.verdicts import standing, verified


@dataclass(frozen=True)
class EvidenceView:
    evidence: Evidence
    source: Source
    capture: Capture | None  # the source's latest capture
    usable: bool
    unusable_reason: str | None  # why it does not count yet, in plain words


@dataclass(frozen=True)
class Revision:
    text: str
    at: datetime
    actor_id: int | None
    meaning_changed: bool | None  # None for the first wording


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    state_reasons: list[str]  # why the claim is in its state, then what does not count
    evidence: list[EvidenceView]
    current_verdict: Verdict | None  # proposed or approved: the one in play
    standing_verdict: Verdict | None  # approved and not superseded, stale or not
    verified: bool  # app.workflow.verdicts.verified: approved, not superseded, not stale
    cluster_members: list[int]  # other claims that restate this one
    verdicts: list[Verdict]  # oldest first
    revisions: list[Revision]
    events: list[Event]  # the audit trail, oldest first


def current_verdict(claim: Claim) -> Verdict | None:
    live = (VerdictStatus.PROPOSED, VerdictStatus.APPROVED)
    return next((v for v in reversed(claim.verdicts) if v.status in live), None)


def evidence_views(
    session: Session, claim: Claim, facts: list[tuple[Evidence, EvidenceFacts]] | None = None
) -> list[EvidenceView]:
    views = []
    for item, item_facts in facts if facts is not None else evidence_facts(session, claim):
        reason = unusable_reason(item_facts)
        captures = item.source.captures  # newest first
        views.append(
            EvidenceView(
                evidence=item,
                source=item.source,
                capture=captures[0] if captures else None,
                usable=reason is None,
                unusable_reason=reason,
            )
        )
    return views


def cluster_members(session: Session, claim: Claim) -> list[int]:
    return list(
        session.scalars(
            select(Claim.id)
            .where(Claim.cluster_id == (claim.cluster_id or claim.id), Claim.id != claim.id)
            .order_by(Claim.id)
        )
    )


def revisions(claim: Claim) -> list[Revision]:
    """Every version of the text, from the ``created`` and ``edited`` events."""
    out: list[Revision] = []
    for event in claim.events:
        after = event.after or {}
        if event.kind in ("created", "edited") and "text" in after:
            changed = event.detail.get("meaning_changed") if event.kind == "edited" else None
            out.append(Revision(after["text"], event.at, event.actor_id, changed))
    return out


def claim_view(session: Session, claim: Claim) -> ClaimView:
    facts = evidence_facts(session, claim)
    return ClaimView(
        claim=claim,
        state_reasons=explain(session, claim, facts).reasons,
        evidence=evidence_views(session, claim, facts),
        current_verdict=current_verdict(claim),
        standing_verdict=standing(claim),
        verified=verified(claim) is not None,
        cluster_members=cluster_members(session, claim),
        verdicts=list(claim.verdicts),
        revisions=revisions(claim),
        events=list(claim.events),
    )
