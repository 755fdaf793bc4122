"""Verdicts (SPEC §4): propose on a corroborated or disputed claim, four-eyes review,
corrections that keep every version.

Public interface::

    RATEABLE_STATES                     states a verdict may be proposed on
    scale() -> dict[str, int | None]    the configured RATING_SCALE
    (pending, standing, verified: app.workflow.verified)
    propose(session, claim, user, rating, rationale, *, as_editor) -> Verdict
    approve(session, claim, editor, note) -> Verdict        verdicts, corrections and copies
    reject(session, claim, editor, note, *, close=False) -> Verdict
    correct(session, claim, editor, rating, rationale, correction_note) -> Verdict (proposed)
    apply_to_cluster(session, claim, editor) -> ClusterProposals

Decisions:

- One proposal at a time: a second proposal while one awaits review is refused (409), and so
  is a proposal on a claim whose approved verdict still stands: that is a correction.
- Four eyes on everything published: a verdict, a correction and a verdict copied to a
  restatement are all proposals that an editor other than their proposer approves.
- Approval requires that the claim is still in the state the verdict was proposed on;
  otherwise the evidence moved under the proposal and the editor must reject it.
- Approving supersedes the approved verdict before it (a stale one, or the one a correction
  corrects); until then the published verdict stands.
- A copy from the cluster is proposed only for members that stand on their own evidence and
  do not state the opposite; it is approvable only while the original stands, and approved
  copies go stale with the original (``app.workflow.staleness``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid
from app.ingest.matching import compare
from app.models import Claim, ClaimClosure, ClaimState, User, Verdict, VerdictStatus
from app.workflow import events
from app.workflow.closing import close_claim
from app.workflow.leases import ensure_may_write
from app.workflow.ratings import parse_scale, rating_value
from app.workflow.verified import is_verified, pending, standing
from config import settings

RATEABLE_STATES = frozenset({ClaimState.CORROBORATED, ClaimState.DISPUTED})


def scale() -> dict[str, int | None]:
    return parse_scale(settings().RATING_SCALE)


def _check_rating(rating: str) -> None:
    try:
        rating_value(scale(), rating)
    except ValueError as exc:
        raise Invalid(f"rating: {exc}", field="rating") from None


_SLUG_WORD = re.compile(r"[a-z0-9]+")


def slug_of(text: str) -> str:
    """The readable part of a public URL: the first words of the claim, ASCII, hyphenated."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(_SLUG_WORD.findall(ascii_text)[:10])[:80].strip("-")


def _snapshot(v: Verdict) -> dict[str, object]:
    return {"verdict_id": v.id, "status": v.status.value, "rating": v.rating}


def _open_for_verdicts(claim: Claim) -> None:
    if claim.closed_as is not None:
        raise Conflict(
            f"Claim {claim.id} is closed ({claim.closed_as.value}); an editor can reopen it."
        )


def _no_pending(claim: Claim) -> None:
    waiting = pending(claim)
    if waiting is not None:
        what = "correction" if waiting.corrects_id else "verdict"
        raise Conflict(
            f"A {what} (verdict {waiting.id}) on claim {claim.id} is awaiting an editor's "
            "review; it must be approved or rejected first."
        )


def _proposal(
    session: Session,
    claim: Claim,
    user: User,
    rating: str,
    rationale: str,
    **extra: object,
) -> Verdict:
    _check_rating(rating)
    verdict = Verdict(
        claim=claim,
        rating=rating,
        rationale=rationale,
        status=VerdictStatus.PROPOSED,
        proposed_by_id=user.id,
        proposed_at=utcnow(),
        claim_state=claim.state,
        **extra,
    )
    session.add(verdict)
    session.flush()
    return verdict


def propose(
    session: Session,
    claim: Claim,
    user: User,
    rating: str,
    rationale: str,
    *,
    as_editor: bool = False,
) -> Verdict:
    _open_for_verdicts(claim)
    if claim.state not in RATEABLE_STATES:
        raise Conflict(
            f"Claim {claim.id} is {claim.state.value}; a verdict can be proposed only on a "
            "corroborated or disputed claim. Add usable evidence first."
        )
    ensure_may_write(session, claim, user, action="propose a verdict on", as_editor=as_editor)
    _no_pending(claim)
    current = standing(claim)
    if current is not None and not current.stale:
        raise Conflict(
            f"Claim {claim.id} already has approved verdict {current.id}; an editor can propose "
            f"a correction with POST /api/v1/claims/{claim.id}/verdict/correct."
        )
    verdict = _proposal(session, claim, user, rating, rationale)
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
        what = "correction" if verdict.corrects_id else "verdict"
        raise Forbidden(
            f"You proposed {what} {verdict.id}, so you cannot {action} it: another editor must "
            "review it (four-eyes rule)."
        )


def _still_backed(session: Session, verdict: Verdict) -> None:
    """A copy is approvable only while the verdict it was copied from stands."""
    if verdict.copied_from_id is None:
        return
    original = session.get(Verdict, verdict.copied_from_id)
    if original is None or not is_verified(original):
        raise Conflict(
            f"Verdict {verdict.id} was copied from verdict {verdict.copied_from_id}, which no "
            "longer stands; reject it and judge this claim on its own evidence."
        )


def approve(session: Session, claim: Claim, editor: User, note: str | None) -> Verdict:
    """Approve the pending proposal (a verdict, a correction or a copy from the cluster)."""
    verdict = _pending_or_409(claim)
    _not_own(verdict, editor, "approve")
    if claim.state is not verdict.claim_state:
        raise Conflict(
            f"Claim {claim.id} changed from {verdict.claim_state.value} to {claim.state.value} "
            f"since verdict {verdict.id} was proposed; reject it so a verdict can be proposed on "
            "the current evidence."
        )
    _still_backed(session, verdict)
    replaced = [v for v in claim.verdicts if v.status is VerdictStatus.APPROVED]
    for older in replaced:
        older.status = VerdictStatus.SUPERSEDED
    before = _snapshot(verdict)
    verdict.status = VerdictStatus.APPROVED
    verdict.reviewed_by_id = editor.id
    verdict.reviewed_at = utcnow()
    verdict.review_note = note
    claim.assignee_id = None
    claim.lease_expires_at = None
    if claim.public_slug is None:  # first publication: the public URL is fixed from now on
        claim.public_slug = slug_of(claim.text)
    kind = "verdict_corrected" if verdict.corrects_id else "verdict_approved"
    events.record(
        session,
        claim,
        kind,
        actor=editor,
        before=before,
        after=_snapshot(verdict),
        proposed_by_id=verdict.proposed_by_id,
        reviewed_by_id=editor.id,
        note=note,
        superseded=[v.id for v in replaced],
        correction_note=verdict.correction_note,
    )
    session.flush()
    return verdict


def reject(
    session: Session, claim: Claim, editor: User, note: str, *, close: bool = False
) -> Verdict:
    """Reject the pending proposal. A rejected correction leaves the published verdict as it
    was. ``close`` also closes the claim as rejected (no verdict for it) until reopened."""
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
    if close:
        close_claim(session, claim, editor, ClaimClosure.REJECTED, note)
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
    """Propose a correction of the published verdict; it stands until another editor approves
    the correction (then the old one is kept as superseded, with the public note)."""
    current = standing(claim)
    if current is None:
        raise Conflict(f"Claim {claim.id} has no approved verdict to correct.")
    if current.stale:
        raise Conflict(
            f"Approved verdict {current.id} is stale ({current.stale_reason}); propose a new "
            "verdict on the current evidence instead of correcting the old one."
        )
    _no_pending(claim)
    correction = _proposal(
        session,
        claim,
        editor,
        rating,
        rationale,
        corrects_id=current.id,
        correction_note=correction_note,
    )
    events.record(
        session,
        claim,
        "correction_proposed",
        actor=editor,
        before=_snapshot(current),
        after=_snapshot(correction),
        correction_note=correction_note,
    )
    return correction


@dataclass(frozen=True)
class ClusterProposals:
    proposed: list[Verdict]
    skipped: dict[int, str]  # member claim id -> why no verdict was proposed for it


def _why_not_copied(claim: Claim, member: Claim) -> str | None:
    if member.closed_as is not None:
        return f"it is closed ({member.closed_as.value})"
    current = standing(member)
    if current is not None and not current.stale:
        return f"it already has approved verdict {current.id}"
    if pending(member) is not None:
        return "a verdict on it is already awaiting review"
    if member.state not in RATEABLE_STATES:
        return (
            f"it is {member.state.value}: it must stand on its own evidence (corroborated or "
            "disputed) before a verdict can be published for it"
        )
    if compare(claim.text, member.text).relation == "contradicts":
        return "it states the opposite (negation or antonym), so the verdict cannot carry over"
    return None


def apply_to_cluster(session: Session, claim: Claim, editor: User) -> ClusterProposals:
    """Propose the claim's approved verdict for every restatement in its cluster.

    Each copy is a proposal ("from cluster of #N") that another editor must approve, and only
    for members that stand on their own evidence; never for a member without it or one that
    states the opposite. Approved copies go stale when the original does.
    """
    source = standing(claim)
    if source is None or source.stale:
        raise Conflict(f"Claim {claim.id} has no standing approved verdict to apply.")
    members = session.scalars(
        select(Claim)
        .where(Claim.cluster_id == (claim.cluster_id or claim.id), Claim.id != claim.id)
        .order_by(Claim.id)
    ).all()
    proposed: list[Verdict] = []
    skipped: dict[int, str] = {}
    for member in members:
        why = _why_not_copied(claim, member)
        if why is not None:
            skipped[member.id] = why
            continue
        verdict = _proposal(
            session, member, editor, source.rating, source.rationale, copied_from_id=source.id
        )
        member.assignee_id = None
        member.lease_expires_at = None
        events.record(
            session,
            member,
            "verdict_proposed",
            actor=editor,
            after=_snapshot(verdict),
            claim_state=member.state.value,
            from_claim_id=claim.id,
            from_verdict_id=source.id,
        )
        proposed.append(verdict)
    return ClusterProposals(proposed, skipped)
