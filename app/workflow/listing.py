"""The queue as the desk's list shows it: the caller's leased claims first, then every other
claim in the order ``queue/next`` hands them out, with what a row needs (cluster size, age,
assignee, verdict status).

Public interface::

    VERDICT_FILTERS                          the choices of the "Has verdict" filter
    QueueFilters(state, tag, document_id, verdict, q)
    QueueRow(claim, cluster_size, age, assignee, lease_running, verdict)
    QueuePage(mine, rows, next_cursor)
    held_by(user, now) -> ColumnElement[bool]     SQL: the user holds an unexpired lease
    not_held_by(user, now) -> ColumnElement[bool] SQL: its negation (NULL-safe)
    has_tag(dialect, tag) -> ColumnElement[bool]  SQL: the claim carries the tag
    queue_page(session, user, filters, *, cursor, limit) -> QueuePage
    queue_rows(session, claims, now=None) -> list[QueueRow]

The order is ``app.workflow.queue.QUEUE_ORDER`` and paging uses the queue's keyset cursor
(``encode_cursor``/``decode_cursor``), so a page never shifts when claims are taken meanwhile.
By default (``verdict="open"``) the list holds the open claims, exactly those ``queue/next``
may hand out (``queue.is_open``), whether or not somebody holds them at the moment. Closed
claims (rejected or withdrawn) appear only under ``verdict="closed"``, so an editor can find
one to reopen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, and_, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.models import Claim, ClaimState, User, Verdict, VerdictStatus
from app.workflow.queue import QUEUE_ORDER, is_open, keyset_page, mentions

VerdictFilter = Literal["open", "all", "none", "proposed", "approved", "stale", "closed"]
VERDICT_FILTERS: dict[str, str] = {
    "open": "Open (the queue)",
    "all": "Any",
    "none": "No verdict",
    "proposed": "Proposed, awaiting an editor",
    "approved": "Approved",
    "stale": "Approved but stale",
    "closed": "Closed (rejected or withdrawn)",
}


@dataclass(frozen=True)
class QueueFilters:
    state: ClaimState | None = None
    tag: str | None = None
    document_id: int | None = None
    verdict: VerdictFilter = "open"
    q: str | None = None


@dataclass(frozen=True)
class QueueRow:
    claim: Claim
    cluster_size: int
    age: timedelta
    assignee: User | None
    lease_running: bool
    verdict: str | None  # proposed | approved | stale | None


@dataclass(frozen=True)
class QueuePage:
    mine: list[QueueRow]  # the caller's leased claims (first page only)
    rows: list[QueueRow]
    next_cursor: str | None


def held_by(user: User, now: datetime) -> ColumnElement[bool]:
    return and_(
        Claim.assignee_id == user.id,
        or_(Claim.lease_expires_at.is_(None), Claim.lease_expires_at > now),
    )


def not_held_by(user: User, now: datetime) -> ColumnElement[bool]:
    # Spelled out rather than ``~held_by``: NOT over a NULL assignee would be NULL, not true.
    return or_(
        Claim.assignee_id.is_(None),
        Claim.assignee_id != user.id,
        and_(Claim.lease_expires_at.is_not(None), Claim.lease_expires_at <= now),
    )


def has_tag(dialect: str, tag: str) -> ColumnElement[bool]:
    """Tags are a JSON list: Postgres asks ``@>``, SQLite walks it with ``json_each``."""
    if dialect == "postgresql":
        return cast(Claim.tags, JSONB).contains([tag])
    each = func.json_each(Claim.tags).table_valued("value")
    return exists(select(each.c.value).where(each.c.value == tag))


def _verdict_clause(choice: VerdictFilter) -> ColumnElement[bool]:
    """Closed claims are out of every choice but "closed" (the queue never hands them out)."""
    if choice == "open":
        return is_open()
    if choice == "closed":
        return Claim.closed_as.is_not(None)
    live = Verdict.status.in_([VerdictStatus.PROPOSED, VerdictStatus.APPROVED])
    clauses = {
        "all": None,
        "none": ~exists().where(Verdict.claim_id == Claim.id, live),
        "proposed": exists().where(
            Verdict.claim_id == Claim.id, Verdict.status == VerdictStatus.PROPOSED
        ),
        "approved": exists().where(
            Verdict.claim_id == Claim.id,
            Verdict.status == VerdictStatus.APPROVED,
            Verdict.stale.is_(False),
        ),
        "stale": exists().where(
            Verdict.claim_id == Claim.id,
            Verdict.status == VerdictStatus.APPROVED,
            Verdict.stale.is_(True),
        ),
    }
    not_closed = Claim.closed_as.is_(None)
    clause = clauses[choice]
    return not_closed if clause is None else and_(not_closed, clause)


def queue_rows(
    session: Session, claims: list[Claim], now: datetime | None = None
) -> list[QueueRow]:
    """What the list shows beside each claim, in two queries for the whole page."""
    now = now or utcnow()
    if not claims:
        return []
    clusters = {c.cluster_id or c.id for c in claims}
    sizes = dict(
        session.execute(
            select(Claim.cluster_id, func.count())
            .where(Claim.cluster_id.in_(clusters))
            .group_by(Claim.cluster_id)
        ).all()
    )
    verdicts: dict[int, str] = {}
    for claim_id, status, stale in session.execute(
        select(Verdict.claim_id, Verdict.status, Verdict.stale)
        .where(
            Verdict.claim_id.in_([c.id for c in claims]),
            Verdict.status.in_([VerdictStatus.PROPOSED, VerdictStatus.APPROVED]),
        )
        .order_by(Verdict.id)
    ):
        verdicts[claim_id] = "stale" if stale else status.value  # the latest one wins
    return [
        QueueRow(
            claim=c,
            cluster_size=max(1, sizes.get(c.cluster_id or c.id, 1)),
            age=now - c.created_at,
            assignee=c.assignee,
            lease_running=c.assignee_id is not None
            and (c.lease_expires_at is None or c.lease_expires_at > now),
            verdict=verdicts.get(c.id),
        )
        for c in claims
    ]


def queue_page(
    session: Session, user: User, filters: QueueFilters, *, cursor: str | None, limit: int
) -> QueuePage:
    now = utcnow()
    dialect = session.get_bind().dialect.name
    mine: list[Claim] = []
    if cursor is None:
        mine = list(
            session.scalars(
                select(Claim)
                .where(held_by(user, now))
                .options(selectinload(Claim.assignee))
                .order_by(*QUEUE_ORDER)
            )
        )
    query = select(Claim).where(not_held_by(user, now)).options(selectinload(Claim.assignee))
    if filters.state is not None:
        query = query.where(Claim.state == filters.state)
    if filters.tag:
        query = query.where(has_tag(dialect, filters.tag))
    if filters.document_id is not None:
        query = query.where(Claim.document_id == filters.document_id)
    query = query.where(_verdict_clause(filters.verdict))
    if filters.q:
        query = query.where(mentions(filters.q))
    page, next_cursor = keyset_page(session, query, cursor=cursor, limit=limit)
    return QueuePage(
        mine=queue_rows(session, mine, now),
        rows=queue_rows(session, page, now),
        next_cursor=next_cursor,
    )
