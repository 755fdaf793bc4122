"""The editor's inbox: what waits for a second pair of eyes, and what went stale.

Public interface::

    may_review(user, verdict) -> bool     an editor (or admin) who did not propose it
    ReviewItem(verdict, claim, summary, evidence_count, usable_count, state_moved)
    StaleItem(verdict, claim)
    Inbox(awaiting, corrections, stale, own_pending, own_rejected)
    inbox_for(session, user) -> Inbox

``summary`` is the lifecycle rule's own sentence for the claim's state (the evidence summary an
editor reads before approving); ``state_moved`` says the claim left the state the verdict was
proposed on, so approval would be refused (``verdicts.approve``) and the editor should reject.
A proposal that corrects an approved verdict (``corrects_id``) is listed apart as a correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from app.auth.policy import has_role
from app.db import utcnow
from app.models import Claim, Role, User, Verdict, VerdictStatus
from app.workflow.state import evidence_facts, explain

_LIMIT = 200
REJECTED_SHOWN_FOR = timedelta(days=14)


@dataclass(frozen=True)
class ReviewItem:
    verdict: Verdict
    claim: Claim
    summary: str
    evidence_count: int
    usable_count: int
    state_moved: bool


@dataclass(frozen=True)
class StaleItem:
    verdict: Verdict
    claim: Claim


@dataclass(frozen=True)
class Inbox:
    awaiting: list[ReviewItem]  # proposals awaiting an editor (editors only)
    corrections: list[ReviewItem]  # proposed corrections awaiting a second editor
    stale: list[StaleItem]  # approved verdicts made stale, newest first
    own_pending: list[ReviewItem]  # the viewer's proposals awaiting review
    own_rejected: list[Verdict]  # the viewer's proposals rejected lately, with the note


def may_review(user: User, verdict: Verdict) -> bool:
    """Whether ``user`` may approve or reject ``verdict`` (the four-eyes rule of SPEC §4)."""
    return (
        verdict.status is VerdictStatus.PROPOSED
        and has_role(user, Role.EDITOR)
        and verdict.proposed_by_id != user.id
    )


def _item(session: Session, verdict: Verdict) -> ReviewItem:
    claim = verdict.claim
    facts = evidence_facts(session, claim)
    explanation = explain(session, claim, facts)
    return ReviewItem(
        verdict=verdict,
        claim=claim,
        summary=explanation.reasons[0],
        evidence_count=len(facts),
        usable_count=explanation.usable_count,
        state_moved=claim.state is not verdict.claim_state,
    )


def _verdicts(session: Session, *conditions: ColumnElement[bool]) -> list[Verdict]:
    return list(
        session.scalars(
            select(Verdict)
            .where(*conditions)
            .options(joinedload(Verdict.claim), joinedload(Verdict.proposed_by))
            .order_by(Verdict.proposed_at, Verdict.id)
            .limit(_LIMIT)
        )
    )


def inbox_for(session: Session, user: User) -> Inbox:
    proposed = _verdicts(session, Verdict.status == VerdictStatus.PROPOSED)
    editor = has_role(user, Role.EDITOR)
    review = [_item(session, v) for v in proposed] if editor else []
    stale = (
        [
            StaleItem(v, v.claim)
            for v in reversed(
                _verdicts(
                    session, Verdict.status == VerdictStatus.APPROVED, Verdict.stale.is_(True)
                )
            )
        ]
        if editor
        else []
    )
    own = [v for v in proposed if v.proposed_by_id == user.id]
    rejected = _verdicts(
        session,
        Verdict.status == VerdictStatus.REJECTED,
        Verdict.proposed_by_id == user.id,
        Verdict.reviewed_at >= utcnow() - REJECTED_SHOWN_FOR,
    )
    return Inbox(
        awaiting=[i for i in review if i.verdict.corrects_id is None],
        corrections=[i for i in review if i.verdict.corrects_id is not None],
        stale=stale,
        own_pending=[_item(session, v) for v in own],
        own_rejected=list(reversed(rejected)),
    )
