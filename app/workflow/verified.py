"""Which verdict is in force, and what "verified" means: one definition for everyone.

The claim view, the queue, the exports and the pages all ask here. A claim is *verified*
(publishable) when its standing verdict is approved, not superseded and not stale.

Public interface::

    pending(claim) -> Verdict | None    the proposal awaiting an editor (verdict, correction, copy)
    standing(claim) -> Verdict | None   the approved verdict in force (stale or not)
    verified(claim) -> Verdict | None   the approved, non-stale verdict: THE definition
    is_verified(verdict) -> bool        the same rule for one row
    verified_clause()                   ... and in SQL, for queries over Verdict
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from app.models import Claim, Verdict, VerdictStatus


def pending(claim: Claim) -> Verdict | None:
    return next((v for v in reversed(claim.verdicts) if v.status is VerdictStatus.PROPOSED), None)


def standing(claim: Claim) -> Verdict | None:
    """The approved verdict in force, stale or not (superseded ones no longer count)."""
    return next((v for v in reversed(claim.verdicts) if v.status is VerdictStatus.APPROVED), None)


def is_verified(verdict: Verdict) -> bool:
    return verdict.status is VerdictStatus.APPROVED and not verdict.stale


def verified(claim: Claim) -> Verdict | None:
    """The verdict that makes the claim verified (publishable), if one does."""
    current = standing(claim)
    return current if current is not None and is_verified(current) else None


def verified_clause() -> ColumnElement[bool]:
    """SQL: this Verdict row makes its claim verified (the SQL twin of ``is_verified``)."""
    return and_(Verdict.status == VerdictStatus.APPROVED, Verdict.stale.is_(False))
