"""The review queue (SPEC §5): which claims are open, in what order, and who holds which.

Public interface::

    is_open() -> ColumnElement[bool]            SQL: not closed, no verdict awaiting review or
                                                standing
    is_free(now) -> ColumnElement[bool]         SQL: nobody holds an unexpired lease on it
    QUEUE_ORDER                                 priority first, then the oldest claim
    holds_lease(claim, user, now=None) -> bool
    take_next(session, user) -> Claim | None    lease the best open, free claim to ``user``
    renew(session, claim, user) -> Claim
    release(session, claim, user) -> Claim
    assign(session, claim, editor, assignee) -> Claim
    ClaimFilters(...), list_claims(session, filters, cursor=, limit=) -> (claims, next_cursor)
    mentions(text) -> ColumnElement[bool]       SQL: wording or speaker contains ``text``
    keyset_page(session, query, cursor=, limit=) -> (claims, next_cursor)

A claim is *open* while it needs a fact-checker: it has no proposed verdict waiting for an
editor and no approved verdict that still stands (a stale one sends it back). Priority is the
``Claim.priority`` column (check-worthiness plus a bonus per restatement in its duplicate
cluster, kept by app.workflow.clusters); ties go to the older claim (lower id).

``take_next`` is atomic on both databases: Postgres locks the chosen row with
``FOR UPDATE SKIP LOCKED`` (concurrent callers skip to the next row instead of waiting); other
databases use a conditional ``UPDATE ... WHERE <still free>`` and move on when it matched no row
(SQLite's ``BEGIN IMMEDIATE`` already serialises writers, the condition keeps it correct
without relying on that).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid
from app.models import Claim, ClaimState, User, Verdict, VerdictStatus
from app.workflow import events
from app.workflow.leases import ensure_may_write, holds_lease, lease_length
from app.workflow.verified import verified_clause

QUEUE_ORDER = (Claim.priority.desc(), Claim.id.asc())
_CANDIDATES = 8  # rows tried per take on the conditional-update path


def is_open() -> ColumnElement[bool]:
    blocking = exists().where(
        Verdict.claim_id == Claim.id,
        or_(Verdict.status == VerdictStatus.PROPOSED, verified_clause()),
    )
    return and_(~blocking, Claim.closed_as.is_(None))


def is_free(now: datetime) -> ColumnElement[bool]:
    return or_(Claim.assignee_id.is_(None), Claim.lease_expires_at < now)


def _lease_state(claim: Claim) -> dict[str, object]:
    expires = claim.lease_expires_at
    return {"assignee_id": claim.assignee_id, "lease_expires_at": expires and expires.isoformat()}


def take_next(session: Session, user: User) -> Claim | None:
    """Lease the best open claim nobody holds to ``user``; None when the queue is empty."""
    now = utcnow()
    expires = now + lease_length()
    query = select(Claim).where(is_open(), is_free(now)).order_by(*QUEUE_ORDER)
    if session.get_bind().dialect.name == "postgresql":
        claim = session.scalars(query.limit(1).with_for_update(skip_locked=True, of=Claim)).first()
        if claim is None:
            return None
        before = _lease_state(claim)
        claim.assignee_id = user.id
        claim.lease_expires_at = expires
    else:
        claim = None
        ids = session.scalars(query.with_only_columns(Claim.id).limit(_CANDIDATES)).all()
        for claim_id in ids:
            taken = session.execute(
                update(Claim)
                .where(Claim.id == claim_id, is_free(now), is_open())
                .values(
                    assignee_id=user.id,
                    lease_expires_at=expires,
                    version=Claim.version + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if getattr(taken, "rowcount", 0) == 1:
                claim = session.get(Claim, claim_id)
                break
        if claim is None:
            return None
        session.refresh(claim)
        before = {"assignee_id": None, "lease_expires_at": None}
    events.record(session, claim, "leased", actor=user, before=before, after=_lease_state(claim))
    session.flush()
    return claim


def renew(session: Session, claim: Claim, user: User) -> Claim:
    """Extend the caller's lease by LEASE_MINUTES from now."""
    if claim.assignee_id != user.id:
        raise Conflict(
            f"You do not hold claim {claim.id}"
            + (f"; user {claim.assignee_id} does." if claim.assignee_id else ".")
            + " Take a claim with POST /api/v1/queue/next.",
        )
    if not holds_lease(claim, user) and not session.scalar(
        select(is_open()).where(Claim.id == claim.id)
    ):
        raise Conflict(f"Claim {claim.id} is no longer in the queue; nothing to renew.")
    before = _lease_state(claim)
    claim.lease_expires_at = utcnow() + lease_length()
    events.record(
        session, claim, "lease_renewed", actor=user, before=before, after=_lease_state(claim)
    )
    session.flush()
    return claim


def release(session: Session, claim: Claim, user: User, *, as_editor: bool = False) -> Claim:
    """Give the claim back to the queue (its holder, or an editor for anyone)."""
    if claim.assignee_id is None:
        raise Conflict(f"Claim {claim.id} is not leased to anybody.")
    if claim.assignee_id != user.id and not as_editor:
        raise Forbidden(
            f"Claim {claim.id} is leased to user {claim.assignee_id}; only they or an editor "
            "may release it.",
        )
    ensure_may_write(session, claim, user, action="release", as_editor=as_editor)
    before = _lease_state(claim)
    claim.assignee_id = None
    claim.lease_expires_at = None
    events.record(
        session, claim, "lease_released", actor=user, before=before, after=_lease_state(claim)
    )
    session.flush()
    return claim


def assign(session: Session, claim: Claim, editor: User, assignee: User | None) -> Claim:
    """An editor hands the claim to ``assignee`` under a fresh lease (None: unassign)."""
    if assignee is not None and not assignee.is_active:
        raise Invalid(
            f"User {assignee.id} is deactivated and cannot be assigned claims.", field="user_id"
        )
    before = _lease_state(claim)
    claim.assignee_id = assignee.id if assignee else None
    claim.lease_expires_at = utcnow() + lease_length() if assignee else None
    events.record(
        session, claim, "assigned", actor=editor, before=before, after=_lease_state(claim)
    )
    session.flush()
    return claim


# --- listing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFilters:
    state: ClaimState | None = None
    assignee: int | Literal["none"] | None = None
    document_id: int | None = None
    has_verdict: bool | None = None
    verdict: Literal["proposed", "approved", "stale"] | None = None
    q: str | None = None


def encode_cursor(claim: Claim) -> str:
    raw = json.dumps([repr(float(claim.priority)), claim.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        priority, claim_id = json.loads(raw)
        priority, claim_id = float(priority), int(claim_id)
        if not (math.isfinite(priority) and 0 <= claim_id < 2**31):
            raise ValueError("out of range")
        return priority, claim_id
    except (ValueError, TypeError, binascii.Error):
        message = "not a cursor this API gave out; use next_cursor of the previous page"
        raise Invalid(f"cursor: {message}.", field="cursor") from None


def _verdict_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Verdict.claim_id == Claim.id, *conditions)


def mentions(text: str) -> ColumnElement[bool]:
    """SQL: the claim's wording or speaker contains ``text`` (any case, no wildcards)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(
        func.lower(Claim.text).like(pattern, escape="\\"),
        func.lower(func.coalesce(Claim.speaker, "")).like(pattern, escape="\\"),
    )


def keyset_page(
    session: Session, query: Select[Claim], *, cursor: str | None, limit: int
) -> tuple[list[Claim], str | None]:
    """One page of ``query`` in queue order after ``cursor``, and the cursor of the next page."""
    if cursor:
        priority, last_id = decode_cursor(cursor)
        query = query.where(
            or_(Claim.priority < priority, and_(Claim.priority == priority, Claim.id > last_id))
        )
    rows = list(session.scalars(query.order_by(*QUEUE_ORDER).limit(limit + 1)))
    page = rows[:limit]
    return page, encode_cursor(page[-1]) if len(rows) > limit else None


def list_claims(
    session: Session, filters: ClaimFilters, *, cursor: str | None, limit: int
) -> tuple[list[Claim], str | None]:
    """One page in queue order; the cursor is the last row's (priority, id): keyset paging,
    so rows added or leased meanwhile never shift a page."""
    query = select(Claim)
    if filters.state is not None:
        query = query.where(Claim.state == filters.state)
    if filters.assignee == "none":
        query = query.where(Claim.assignee_id.is_(None))
    elif filters.assignee is not None:
        query = query.where(Claim.assignee_id == filters.assignee)
    if filters.document_id is not None:
        query = query.where(Claim.document_id == filters.document_id)
    live = Verdict.status.in_([VerdictStatus.PROPOSED, VerdictStatus.APPROVED])
    if filters.has_verdict is not None:
        has = _verdict_exists(live)
        query = query.where(has if filters.has_verdict else ~has)
    if filters.verdict == "proposed":
        query = query.where(_verdict_exists(Verdict.status == VerdictStatus.PROPOSED))
    elif filters.verdict is not None:
        stale = filters.verdict == "stale"
        query = query.where(
            _verdict_exists(Verdict.status == VerdictStatus.APPROVED, Verdict.stale.is_(stale))
        )
    if filters.q:
        query = query.where(mentions(filters.q))
    return keyset_page(session, query, cursor=cursor, limit=limit)
