"""Verdicts (SPEC §4): propose on a corroborated or disputed claim, four-eyes review,
corrections that keep every version.

Public interface::

    RATEABLE_STATES                     states a verdict may be proposed on
    scale() -> dict[str, int | None]    the configured RATING_SCALE
    pending(claim) -> Verdict | None    the proposal awaiting an editor
    standing(claim) -> Verdict | None   the approved verdict in force (stale or not)
    verified(claim) -> Verdict | None   the approved, non-stale verdict: THE definition
    is_verified(verdict), verified_clause()   the same rule for one row, and in SQL
    propose(session, claim, user, rating, rationale) -> Verdict
    approve(session, claim, editor, note) -> Verdict
    reject(session, claim, editor, note) -> Verdict
    correct(session, claim, editor, rating, rationale, correction_note) -> Verdict

Decisions:

- One proposal at a time: a second proposal while one awaits review is refused (409), and so
  is a proposal on a claim whose approved verdict still stands: that is a correction.
- Approval requires that the claim is still in the state the verdict was proposed on;
  otherwise the evidence moved under the proposal and the editor must reject it.
- Approving a new verdict supersedes an older (stale) approved one.
- A correction is an editor's own act on a standing verdict: the new version is approved at
  once with the correcting editor as proposer and reviewer, carries a public
  ``correction_note``, and the corrected version stays in the history as ``superseded``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid
from app.models import Claim, ClaimState, User, Verdict, VerdictStatus
from app.workflow import events
from app.workflow.leases import leased_to_other
from app.workflow.ratings import parse_scale, rating_value
from config import settings

RATEABLE_STATES = frozenset({ClaimState.CORROBORATED, ClaimState.DISPUTED})


def scale() -> dict[str, int | None]:
    return parse_scale(settings().RATING_SCALE)


def _check_rating(rating: str) -> None:
    try:
        rating_value(scale(), rating)
    except ValueError as exc:
        raise Invalid(f"rating: {exc}", field="rating") from None


def pending(claim: Claim) -> Verdict | None:
    return next((v for v in reversed(claim.verdicts) if v.status is VerdictStatus.PROPOSED), None)


def standing(claim: Claim) -> Verdict | None:
    """The approved verdict in force, stale or not (superseded ones no longer count)."""
    return next((v for v in reversed(claim.verdicts) if v.status is VerdictStatus.APPROVED), None)


# "Verified" has one definition, used by the claim view, the queue, exports and pages: an
# approved verdict (not superseded by a later one) that is not stale.


def is_verified(verdict: Verdict) -> bool:
    return verdict.status is VerdictStatus.APPROVED and not verdict.stale


def verified(claim: Claim) -> Verdict | None:
    """The verdict that makes the claim verified (publishable), if one does."""
    current = standing(claim)
    return current if current is not None and is_verified(current) else None


def verified_clause() -> ColumnElement[bool]:
    """SQL: this Verdict row makes its claim verified (the SQL twin of ``is_verified``)."""
    return and_(Verdict.status == VerdictStatus.APPROVED, Verdict.stale.is_(False))


def _snapshot(v: Verdict) -> dict[str, object]:
    return {"verdict_id": v.id, "status": v.status.value, "rating": v.rating}


def propose(session: Session, claim: Claim, user: User, rating: str, rationale: str) -> Verdict:
    if claim.state not in RATEABLE_STATES:
        raise Conflict(
            f"Claim {claim.id} is {claim.state.value}; a verdict can be proposed only on a "
            "corroborated or disputed claim. Add usable evidence first.",
        )
    if leased_to_other(claim, user):
        raise Conflict(
            f"Claim {claim.id} is leased to user {claim.assignee_id} until "
            f"{claim.lease_expires_at}; they (or an editor) propose its verdict.",
        )
    waiting = pending(claim)
    if waiting is not None:
        raise Conflict(
            f"Verdict {waiting.id} on claim {claim.id} is awaiting an editor's review; it must be "
            "approved or rejected before another is proposed.",
        )
    current = standing(claim)
    if current is not None and not current.stale:
        raise Conflict(
            f"Claim {claim.id} already has approved verdict {current.id}; an editor can correct "
            f"it with POST /api/v1/claims/{claim.id}/verdict/correct.",
        )
    _check_rating(rating)
    verdict = Verdict(
        claim=claim,
        rating=rating,
        rationale=rationale,
        status=VerdictStatus.PROPOSED,
        proposed_by_id=user.id,
        proposed_at=utcnow(),
        claim_state=claim.state,
    )
    session.add(verdict)
    session.flush()
    # The claim now waits for an editor, not for a fact-checker: it leaves the queue.
    claim.assignee_id = None
    claim.lease_expires_at = None
    events.record(
        session,
        claim,
        "verdict_proposed",
        actor=user,
        after=_snapshot(verdict),
        claim_state=claim.state.value,
    )
    return verdict


def _pending_or_409(claim: Claim) -> Verdict:
    verdict = pending(claim)
    if verdict is None:
        raise Conflict(f"No verdict on claim {claim.id} is awaiting review; propose one first.")
    return verdict


def _not_own(verdict: Verdict, editor: User, action: str) -> None:
    if verdict.proposed_by_id == editor.id:
        raise Forbidden(
            f"You proposed verdict {verdict.id}, so you cannot {action} it: another editor must "
            "review it (four-eyes rule).",
        )


def approve(session: Session, claim: Claim, editor: User, note: str | None) -> Verdict:
    verdict = _pending_or_409(claim)
    _not_own(verdict, editor, "approve")
    if claim.state is not verdict.claim_state:
        raise Conflict(
            f"Claim {claim.id} changed from {verdict.claim_state.value} to {claim.state.value} "
            f"since verdict {verdict.id} was proposed; reject it so a verdict can be proposed on "
            "the current evidence.",
        )
    for older in claim.verdicts:
        if older.status is VerdictStatus.APPROVED:
            older.status = VerdictStatus.SUPERSEDED
    before = _snapshot(verdict)
    verdict.status = VerdictStatus.APPROVED
    verdict.reviewed_by_id = editor.id
    verdict.reviewed_at = utcnow()
    verdict.review_note = note
    claim.assignee_id = None
    claim.lease_expires_at = None
    events.record(
        session,
        claim,
        "verdict_approved",
        actor=editor,
        before=before,
        after=_snapshot(verdict),
        proposed_by_id=verdict.proposed_by_id,
        reviewed_by_id=editor.id,
        note=note,
    )
    session.flush()
    return verdict


def reject(session: Session, claim: Claim, editor: User, note: str) -> Verdict:
    verdict = _pending_or_409(claim)
    _not_own(verdict, editor, "reject")
    before = _snapshot(verdict)
    verdict.status = VerdictStatus.REJECTED
    verdict.reviewed_by_id = editor.id
    verdict.reviewed_at = utcnow()
    verdict.review_note = note
    events.record(
        session,
        claim,
        "verdict_rejected",
        actor=editor,
        before=before,
        after=_snapshot(verdict),
        proposed_by_id=verdict.proposed_by_id,
        note=note,
    )
    session.flush()
    return verdict


def correct(
    session: Session,
    claim: Claim,
    editor: User,
    rating: str,
    rationale: str,
    correction_note: str,
) -> Verdict:
    current = standing(claim)
    if current is None:
        raise Conflict(f"Claim {claim.id} has no approved verdict to correct.")
    if current.stale:
        raise Conflict(
            f"Approved verdict {current.id} is stale ({current.stale_reason}); propose a new "
            "verdict on the current evidence instead of correcting the old one.",
        )
    _check_rating(rating)
    now = utcnow()
    correction = Verdict(
        claim=claim,
        rating=rating,
        rationale=rationale,
        status=VerdictStatus.APPROVED,
        proposed_by_id=editor.id,
        proposed_at=now,
        reviewed_by_id=editor.id,
        reviewed_at=now,
        claim_state=claim.state,
        corrects_id=current.id,
        correction_note=correction_note,
    )
    before = _snapshot(current)
    current.status = VerdictStatus.SUPERSEDED
    session.add(correction)
    session.flush()
    events.record(
        session,
        claim,
        "verdict_corrected",
        actor=editor,
        before=before,
        after=_snapshot(correction),
        correction_note=correction_note,
    )
    return correction


def apply_to_cluster(session: Session, claim: Claim, editor: User) -> list[Verdict]:
    """Give every other claim of the cluster its own copy of the claim's approved verdict.

    Restatements are the same fact, so the rating carries over; each member gets its own
    verdict record and event, approved by this editor, who may not be the one who proposed the
    rating (four eyes). Members that already have a standing approved verdict are left alone.
    """
    from sqlalchemy import select

    source = standing(claim)
    if source is None or source.stale:
        raise Conflict(f"Claim {claim.id} has no standing approved verdict to apply.")
    _not_own(source, editor, "apply")
    members = session.scalars(
        select(Claim)
        .where(Claim.cluster_id == (claim.cluster_id or claim.id), Claim.id != claim.id)
        .order_by(Claim.id)
    ).all()
    applied = []
    for member in members:
        current = standing(member)
        if current is not None and not current.stale:
            continue
        verdict = Verdict(
            claim=member,
            rating=source.rating,
            rationale=source.rationale,
            status=VerdictStatus.APPROVED,
            proposed_by_id=source.proposed_by_id,
            proposed_at=utcnow(),
            claim_state=member.state,
            reviewed_by_id=editor.id,
            reviewed_at=utcnow(),
            review_note=f"applied from verdict {source.id} on claim {claim.id} (same cluster)",
        )
        session.add(verdict)
        session.flush()
        member.assignee_id = None
        member.lease_expires_at = None
        events.record(
            session,
            member,
            "verdict_applied_from_cluster",
            actor=editor,
            after=_snapshot(verdict),
            from_claim_id=claim.id,
            from_verdict_id=source.id,
        )
        applied.append(verdict)
    return applied
