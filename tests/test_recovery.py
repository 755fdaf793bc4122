"""Recovering what a crashed embedded desk left in flight (both backends)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Capture, CaptureStatus, OutboxMessage, Source
from app.outbox import CAPTURE_TASK
from app.workflow.recovery import PROCESSING_MARGIN_SECONDS, recover_orphaned_captures, stuck_after
from config import load_settings


def _capture(db: Session, status: CaptureStatus, attempts: int, n: int) -> Capture:
    source = Source(url=f"https://site{n}.example/a", host=f"site{n}.example", publisher="x")
    capture = Capture(source=source, status=status, attempts=attempts)
    db.add(capture)
    db.flush()
    return capture


def test_orphans_go_back_to_pending_and_are_dispatched(app: Flask, db: Session) -> None:
    max_attempts = app.config["SETTINGS"].ARCHIVE_MAX_ATTEMPTS
    orphan = _capture(db, CaptureStatus.FETCHING, 2, 1)
    exhausted = _capture(db, CaptureStatus.FETCHING, max_attempts, 2)
    pending = _capture(db, CaptureStatus.PENDING, 0, 3)
    archived = _capture(db, CaptureStatus.ARCHIVED, 1, 4)
    with app.app_context():
        ids = recover_orphaned_captures(db)
    assert ids == [orphan.id]
    db.refresh(orphan)
    assert orphan.status is CaptureStatus.PENDING
    assert orphan.attempts == 2  # the cut-off attempt was counted when claimed; no more
    assert orphan.next_attempt_at is not None and orphan.error_reason == "worker-lost"
    # One at its last attempt is left for the sweeper to fail with a reason.
    assert db.get(Capture, exhausted.id).status is CaptureStatus.FETCHING  # type: ignore[union-attr]
    assert db.get(Capture, pending.id).status is CaptureStatus.PENDING  # type: ignore[union-attr]
    assert db.get(Capture, archived.id).status is CaptureStatus.ARCHIVED  # type: ignore[union-attr]
    messages = db.scalars(select(OutboxMessage)).all()
    assert [(m.task, m.args, m.queue) for m in messages] == [(CAPTURE_TASK, [orphan.id], "archive")]


def test_nothing_to_recover(app: Flask, db: Session) -> None:
    _capture(db, CaptureStatus.ARCHIVED, 1, 5)
    with app.app_context():
        assert recover_orphaned_captures(db) == []
    assert db.scalars(select(OutboxMessage)).all() == []


def test_stuck_threshold_follows_the_fetch_deadline(config: dict[str, Any]) -> None:
    derived = load_settings({"FETCH_DEADLINE": 30.0})
    assert derived.ARCHIVE_STUCK_SECONDS is None
    assert stuck_after(derived) == 30.0 + PROCESSING_MARGIN_SECONDS
    assert stuck_after(load_settings({"FETCH_DEADLINE": 5.0})) == 5.0 + PROCESSING_MARGIN_SECONDS
    assert stuck_after(load_settings({"ARCHIVE_STUCK_SECONDS": 600})) == 600.0
    from app import create_app
    from app.outbox import CAPTURE_TASK

    # The archive task is stopped before the sweeper may take its capture for lost.
    app = create_app(config)
    limits = app.extensions["celery"].conf.task_annotations[CAPTURE_TASK]
    threshold = stuck_after(app.config["SETTINGS"])
    assert threshold == config["FETCH_DEADLINE"] + PROCESSING_MARGIN_SECONDS
    assert limits["soft_time_limit"] < limits["time_limit"] < threshold
