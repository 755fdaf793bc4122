"""Enqueue after commit: tasks are rows first, broker messages second.

``enqueue`` adds an outbox row in the caller's transaction. When that transaction commits, the
rows it added are sent at once, from what the transaction wrote (no second read); a row the
broker refused (it was down) stays, with its attempts and error, and the beat sweeper
(``workers.tasks.maintenance.drain_outbox``) sends it later. A rolled-back transaction leaves
no row, so it sends nothing. Delivery is at least once: every task is idempotent.

A sent row is deleted by a background thread of the process (``OutboxJanitor``), in batches,
so a request that cites a source does not pay a second transaction (on Postgres five round
trips and a WAL flush) to tidy up. A row the janitor has not deleted yet is still a row: if the
process dies first, the sweeper sends it again after ``DRAIN_MIN_AGE`` seconds, a duplicate
that the idempotent task shrugs off.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import Celery
from flask import Flask
from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from app.db import Database, utcnow
from app.models import OutboxMessage

log = logging.getLogger(__name__)

_PENDING_KEY = "claimdesk.outbox_pending"

# Task names the workers register (``workers/tasks``) and the app enqueues by name, since the
# app never imports the workers.
CAPTURE_TASK = "archive.capture"
CLUSTER_TASK = "claims.assign_cluster"
ARCHIVE_QUEUE = "archive"
# Re-checks of cited sources: a queue of their own, so a day's re-checks never delay a new
# citation (every worker of the desk consumes it; see workers.celery_app).
RECHECK_QUEUE = "recheck"
# The sweeper leaves rows younger than this to the process that wrote them.
DRAIN_MIN_AGE = 5.0


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


def enqueue_capture(
    session: Session, capture_id: int, *, queue: str = ARCHIVE_QUEUE
) -> OutboxMessage:
    """Queue the archive task for a capture; sent when the transaction commits."""
    return enqueue(session, CAPTURE_TASK, capture_id, queue=queue)


@dataclass(frozen=True)
class Outgoing:
    """One outbox row as its transaction wrote it: enough to send it without reading it."""

    id: int
    task: str
    args: list[Any]
    queue: str
    available_at: datetime

    @classmethod
    def of(cls, message: OutboxMessage) -> Outgoing:
        return cls(
            message.id, message.task, list(message.args), message.queue, message.available_at
        )


def _send(celery: Celery, message: Outgoing | OutboxMessage) -> None:
    delay = max(0.0, (message.available_at - utcnow()).total_seconds())
    celery.send_task(
        message.task,
        args=message.args,
        queue=message.queue,
        countdown=delay or None,
        retry=False,  # never block a request on a dead broker; the sweeper retries
    )


def _failure(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _count_failure(s: Session, message_id: int, error: str) -> None:
    s.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(attempts=OutboxMessage.attempts + 1, last_error=error)
    )


def dispatch(
    db: Database, celery: Celery, ids: list[int] | None = None, *, min_age: float = 0
) -> int:
    """Send outbox rows (the given ids, or every row at least ``min_age`` seconds old), as the
    sweeper does. Returns how many were sent. A row is deleted only after the broker took it.
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
        done: list[int] = []
        for message in messages:
            try:
                _send(celery, message)
            except Exception as exc:  # broker down: keep the row for the sweeper
                _count_failure(s, message.id, _failure(exc))
                log.warning("outbox send failed", extra={"task": message.task, "error": str(exc)})
                break  # the broker is unreachable; the rest would fail the same way
            done.append(message.id)
        if done:
            s.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(done)))
            sent = len(done)
        s.commit()
    return sent


def send_committed(db: Database, celery: Celery, outgoing: list[Outgoing]) -> int:
    """Send the rows a transaction has just committed; the janitor deletes those sent.

    On the first refusal the broker is taken to be down: that row counts a failed attempt (in
    a transaction of its own, so the caller sees it at once) and the rest wait, untouched, for
    the sweeper. Returns how many were sent.
    """
    sent: list[int] = []
    for message in outgoing:
        try:
            _send(celery, message)
        except Exception as exc:
            log.warning("outbox send failed", extra={"task": message.task, "error": str(exc)})
            with db.factory() as s:
                _count_failure(s, message.id, _failure(exc))
                s.commit()
            break
        sent.append(message.id)
    if sent:
        janitor(db).discard(sent)
    return len(sent)


class OutboxJanitor:
    """Deletes sent rows in the background, a batch per transaction, one thread per process.

    ``discard`` never blocks on the database. Ids that could not be deleted (the database
    was unreachable) are tried again a second later; at exit what is left is deleted once
    more. Whatever is never deleted the sweeper sends again, which is harmless.
    """

    RETRY_SECONDS = 1.0
    IDLE_SECONDS = 10.0  # the thread ends after this long with nothing to do; a new one starts

    def __init__(self, db: Database) -> None:
        self.db = db
        self._reset()
        me = weakref.ref(self)  # the hooks must not keep a dropped janitor (and its db) alive

        def reset_in_child() -> None:
            # A forked child has no thread of ours and may have forked with the lock held.
            janitor = me()
            if janitor is not None:
                janitor._reset()

        def flush_at_exit() -> None:
            janitor = me()
            if janitor is not None:
                janitor.flush()

        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=reset_in_child)
        atexit.register(flush_at_exit)

    def _reset(self) -> None:
        self._ids: set[int] = set()
        self._wakeup = threading.Condition()
        self._thread: threading.Thread | None = None

    def discard(self, ids: list[int]) -> None:
        with self._wakeup:
            self._ids.update(ids)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="outbox-janitor", daemon=True
                )
                self._thread.start()
            self._wakeup.notify()

    def pending(self) -> int:
        with self._wakeup:
            return len(self._ids)

    def _run(self) -> None:
        while True:
            with self._wakeup:
                if not self._wakeup.wait_for(lambda: self._ids, timeout=self.IDLE_SECONDS):
                    self._thread = None
                    return
                batch = sorted(self._ids)[:500]
            if self._delete(batch):
                with self._wakeup:
                    self._ids.difference_update(batch)
                    self._wakeup.notify_all()
            else:
                time.sleep(self.RETRY_SECONDS)

    def _delete(self, batch: list[int]) -> bool:
        try:
            with self.db.factory() as s:
                s.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(batch)))
                s.commit()
            return True
        except Exception:
            log.warning("could not delete sent outbox rows; retrying", exc_info=True)
            return False

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every id given so far is deleted (or ``timeout``); True if none is left."""
        with self._wakeup:
            return self._wakeup.wait_for(lambda: not self._ids, timeout=timeout)


_JANITORS_LOCK = threading.Lock()


def janitor(db: Database) -> OutboxJanitor:
    """The janitor of ``db`` in this process (kept on the database object, so it goes with it)."""
    with _JANITORS_LOCK:
        found: OutboxJanitor | None = getattr(db, "_outbox_janitor", None)
        if found is None:
            found = OutboxJanitor(db)
            db._outbox_janitor = found  # type: ignore[attr-defined]
        return found


def _committed(message: OutboxMessage) -> bool:
    state = inspect(message)
    return not (state.transient or state.was_deleted)


def init_outbox(app: Flask, db: Database) -> None:
    """Send each transaction's outbox rows right after it commits."""

    @event.listens_for(db.factory, "after_flush")
    def _remember(session: Session, _ctx: Any) -> None:
        # What each new row says, read now (after commit, reading an attribute could query).
        rows = [(o, Outgoing.of(o)) for o in session.new if isinstance(o, OutboxMessage)]
        if rows:
            session.info.setdefault(_PENDING_KEY, []).extend(rows)

    @event.listens_for(db.factory, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint was released; the real commit is still to come
        rows = session.info.pop(_PENDING_KEY, None) or []
        # A row added inside a savepoint that was rolled back is transient again: never sent.
        outgoing = [out for obj, out in rows if _committed(obj)]
        if outgoing and app.config.get("OUTBOX_SEND_ON_COMMIT", True):
            try:
                send_committed(db, app.extensions["celery"], outgoing)
            except Exception:  # the commit stands; the sweeper will send
                log.exception("outbox dispatch after commit failed")

    @event.listens_for(db.factory, "after_rollback")
    def _after_rollback(session: Session) -> None:
        if not session.in_nested_transaction():
            session.info.pop(_PENDING_KEY, None)
