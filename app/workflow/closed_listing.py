"""Closed claims (rejected or withdrawn by an editor) for the queue's "Closed" filter.

Closed claims are out of the queue: ``queue/next`` never hands them out and the open queue
does not list them. The desk shows them only when asked, with the same rows, order and
cursor as the queue's list (``app.workflow.listing``), so an editor can find one to reopen.

Public interface::

    closed_page(session, filters, *, cursor, limit) -> QueuePage
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import Claim
from app.workflow.listing import QueueFilters, QueuePage, has_tag, queue_rows
from app.workflow.queue import QUEUE_ORDER, decode_cursor, encode_cursor


def closed_page(
    session: Session, filters: QueueFilters, *, cursor: str | None, limit: int
) -> QueuePage:
    """A page of closed claims matching ``filters`` (their ``verdict`` choice is ignored: a
    closed claim has no verdict in play). Invalid for a cursor this desk never gave out."""
    query = select(Claim).where(Claim.closed_as.is_not(None)).options(selectinload(Claim.assignee))
    if filters.state is not None:
        query = query.where(Claim.state == filters.state)
    if filters.tag:
        query = query.where(has_tag(session.get_bind().dialect.name, filters.tag))
    if filters.document_id is not None:
        query = query.where(Claim.document_id == filters.document_id)
    if filters.q:
        words = filters.q.lower()
        query = query.where(
            or_(
                func.lower(Claim.text).contains(words, autoescape=True),
                func.lower(func.coalesce(Claim.speaker, "")).contains(words, autoescape=True),
            )
        )
    if cursor:
        priority, last_id = decode_cursor(cursor)
        query = query.where(
            or_(Claim.priority < priority, and_(Claim.priority == priority, Claim.id > last_id))
        )
    found = list(session.scalars(query.order_by(*QUEUE_ORDER).limit(limit + 1)))
    page = found[:limit]
    return QueuePage(
        mine=[],
        rows=queue_rows(session, page),
        next_cursor=encode_cursor(page[-1]) if len(found) > limit else None,
    )
