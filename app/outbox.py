"""Enqueue after commit: tasks are rows first, broker messages second.

``enqueue`` adds an outbox row in the caller's transaction. When that transaction commits, the
rows it added are sent at once; a row the broker refused (it was down) stays and the beat
sweeper (``workers.tasks.maintenance.drain_outbox``) sends it later. A rolled-back transaction
leaves no row, so it sends nothing. Delivery is at least once: every task is idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Celery
from flask import Flask
from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session

from app.db import Database, utcnow
from app.models import OutboxMessage

log = logging.getLogger(__name__)

_PENDING_KEY = "claimdesk.outbox_ids"

# Task names the workers register (``workers/tasks``) and the app enqueues by name, since the
# app never imports the workers.
CAPTURE_TASK = "archive.capture"
CLUSTER_TASK = "claims.assign_cluster"
ARCHIVE_QUEUE = "archive"


def enqueue(
    session: Session, task: str, *args: Any, queue: str = "default", countdown: float = 0.0
) -> OutboxMessage:
    message = OutboxMessage(
        task=task,
        args=list(args),
        queue=queue,
        countdown=countdown,
        available_at=utcnow() + timedelta(seconds=countdown),
    )
    session.add(message)
    return message


def enqueue_capture(session: Session, capture_id: int) -> OutboxMessage:
    """Queue the archive task for a capture; sent when the transaction commits."""
    return enqueue(session, CAPTURE_TASK, capture_id, queue=ARCHIVE_QUEUE)


def _send(celery: Celery, message: OutboxMessage) -> None:
    delay = max(0.0, (message.available_at - utcnow()).total_seconds())
    celery.send_task(
        message.task,
        args=message.args,
        queue=message.queue,
        countdown=delay or None,
        retry=False,  # never block a request on a dead broker; the sweeper retries
    )


def dispatch(
    db: Database, celery: Celery, ids: list[int] | None = None, *, min_age: float = 0
) -> int:
    """Send outbox rows (the given ids, or every row at least ``min_age`` seconds old).

    Returns how many were sent. A row is deleted only after the broker accepted it.
    """
    sent = 0
    with db.factory() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id).limit(500)
        if ids is not None:
            query = query.where(OutboxMessage.id.in_(ids))
        else:
            query = query.where(OutboxMessage.created_at <= utcnow() - timedelta(seconds=min_age))
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        messages = list(s.scalars(query))
        failed: dict[int, str] = {}
        done: list[int] = []
        for message in messages:
            try:
                _send(celery, message)
            except Exception as exc:  # broker down: keep the row for the sweeper
                failed[message.id] = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("outbox send failed", extra={"task": message.task, "error": str(exc)})
                break  # the broker is unreachable; the rest would fail the same way
            done.append(message.id)
        if done:
            s.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(done)))
            sent = len(done)
        for mid, error in failed.items():
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == mid)
                .values(attempts=OutboxMessage.attempts + 1, last_error=error)
            )
        s.commit()
    return sent


def init_outbox(app: Flask, db: Database) -> None:
    """Send each transaction's outbox rows right after it commits."""

    @event.listens_for(db.factory, "after_flush")
    def _remember(session: Session, _ctx: Any) -> None:
        ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
        if ids:
            session.info.setdefault(_PENDING_KEY, []).extend(ids)

    @event.listens_for(db.factory, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint was released; the real commit is still to come
        ids = session.info.pop(_PENDING_KEY, None)
        if ids and app.config.get("OUTBOX_SEND_ON_COMMIT", True):
            try:
                dispatch(db, app.extensions["celery"], ids)
            except Exception:  # the commit stands; the sweeper will send
                log.exception("outbox dispatch after commit failed")

    @event.listens_for(db.factory, "after_rollback")
    def _after_rollback(session: Session) -> None:
        if not session.in_nested_transaction():
            session.info.pop(_PENDING_KEY, None)
