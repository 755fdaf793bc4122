"""The read side: a claim with everything behind its state, as plain typed objects.

The API serialises a ``ClaimView`` with its schemas; the pages render it with templates.
Neither computes state reasons, usability or "verified" on its own.

Public interface::

    claim_view(session, claim) -> ClaimView
    evidence_views(session, claim) -> list[EvidenceView]
    current_verdict(claim) -> Verdict | None      the verdict in play (proposed or approved)
    cluster_members(session, claim) -> list[int]
    revisions(claim) -> list[Revision]            every wording, oldest first
    events_page(session, claim_id, after=0, limit=EVENTS_PAGE) -> (events, next_after | None)
    export_runs(session, claim_id) -> list[ExportRun]   the exports that included the claim
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Capture,
    Claim,
    Event,
    Evidence,
    ExportedClaim,
    ExportRun,
    Source,
    Verdict,
    VerdictStatus,
)
from app.workflow.lifecycle import EvidenceFacts, unusable_reason
from app.workflow.state import evidence_facts, explain
from app.workflow.verified import standing, verified


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
    events: list[Event]  # the audit trail, oldest first: the first page
    events_next: int | None  # ``after`` for the next page of events, None when that was all
    exports: list[ExportRun]  # the exports that included the claim, newest first


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


EVENTS_PAGE = 100


def events_page(
    session: Session, claim_id: int, after: int = 0, limit: int = EVENTS_PAGE
) -> tuple[list[Event], int | None]:
    """The claim's events after sequence number ``after``, oldest first; and where the next
    page starts (keyset paging on the chain's own numbering)."""
    rows = list(
        session.scalars(
            select(Event)
            .where(Event.claim_id == claim_id, Event.seq > after)
            .order_by(Event.seq)
            .limit(limit + 1)
        )
    )
    page = rows[:limit]
    return page, page[-1].seq if len(rows) > limit else None


def export_runs(session: Session, claim_id: int) -> list[ExportRun]:
    return list(
        session.scalars(
            select(ExportRun)
            .join(ExportedClaim, ExportedClaim.run_id == ExportRun.id)
            .where(ExportedClaim.claim_id == claim_id)
            .order_by(ExportRun.id.desc())
        )
    )


def revisions(session: Session, claim: Claim) -> list[Revision]:
    """Every version of the text, from the ``created`` and ``edited`` events."""
    out: list[Revision] = []
    wording = select(Event).where(Event.claim_id == claim.id, Event.kind.in_(["created", "edited"]))
    for event in session.scalars(wording.order_by(Event.seq)):
        after = event.after or {}
        if event.kind in ("created", "edited") and "text" in after:
            changed = event.detail.get("meaning_changed") if event.kind == "edited" else None
            out.append(Revision(after["text"], event.at, event.actor_id, changed))
    return out


def claim_view(session: Session, claim: Claim) -> ClaimView:
    facts = evidence_facts(session, claim)
    events, events_next = events_page(session, claim.id)
    return ClaimView(
        claim=claim,
        state_reasons=explain(session, claim, facts).reasons,
        evidence=evidence_views(session, claim, facts),
        current_verdict=current_verdict(claim),
        standing_verdict=standing(claim),
        verified=verified(claim) is not None,
        cluster_members=cluster_members(session, claim),
        verdicts=list(claim.verdicts),
        revisions=revisions(session, claim),
        events=events,
        events_next=events_next,
        exports=export_runs(session, claim.id),
    )
