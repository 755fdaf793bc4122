"""Retrying a failed capture by hand (the Retry button of archive health).

Captures are never overwritten: a retry is a new ``pending`` capture of the same source, queued
through the outbox like any other, and an event on every claim that cites the source says who
asked. Only the latest capture of a source can be retried, and only when it failed: a newer
capture already answers the question.

Public interface::

    retry_capture(session, capture, actor) -> Capture     the new pending capture
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.models import Capture, CaptureStatus, User
from app.outbox import enqueue_capture
from app.workflow import events
from app.workflow.recording import citing


def retry_capture(session: Session, failed: Capture, actor: User | None) -> Capture:
    # Two people pressing Retry at once: the second waits here and then sees the first's capture.
    session.execute(select(Capture.id).where(Capture.id == failed.id).with_for_update())
    if failed.status is not CaptureStatus.FAILED:
        raise Conflict(
            f"Capture {failed.id} is {failed.status.value}; only a failed capture can be retried."
        )
    newer = session.scalar(
        select(Capture)
        .where(Capture.source_id == failed.source_id, Capture.id > failed.id)
        .order_by(Capture.id.desc())
        .limit(1)
    )
    if newer is not None:
        raise Conflict(
            f"Source {failed.source_id} has a newer capture ({newer.id}, {newer.status.value}); "
            "there is nothing to retry."
        )
    capture = Capture(source_id=failed.source_id, purpose=failed.purpose)
    session.add(capture)
    session.flush()
    enqueue_capture(session, capture.id)
    claims, _ = citing(session, failed.source_id)
    for claim in claims:
        events.record(
            session,
            claim,
            "capture_retried",
            actor=actor,
            failed_capture_id=failed.id,
            capture_id=capture.id,
            reason=failed.error_reason,
        )
    return capture
