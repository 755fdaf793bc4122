"""Work left in flight by a desk that stopped without warning (a crash, an OOM kill, a power cut).

Two ways back, both bounded by the fetch deadline rather than a fixed ten minutes:

- ``stuck_after``: how long a capture may sit in ``fetching`` before the sweeper may assume
  its worker is gone. No fetch outlives FETCH_DEADLINE, so that plus time to extract and
  store is enough.
- ``recover_orphaned_captures``: at the start of the embedded desk (``claimdesk run``), which
  runs the only worker, every ``fetching`` capture is an orphan of the previous run and can be
  handed out again at once. Never call it where other workers may be running.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.models import Capture, CaptureStatus
from app.outbox import enqueue_capture
from config import Settings, settings

log = logging.getLogger(__name__)

# Extraction, the WARC and the database write after a fetch: generous on a slow disk.
PROCESSING_MARGIN_SECONDS = 30.0


def longest_capture(config: Settings) -> float:
    """The longest a healthy archive task runs: the fetch (requisites included) and storing."""
    return config.FETCH_DEADLINE + PROCESSING_MARGIN_SECONDS


def stuck_after(config: Settings) -> float:
    """Seconds after which a ``fetching`` capture is taken to have lost its worker."""
    if config.ARCHIVE_STUCK_SECONDS is not None:
        return float(config.ARCHIVE_STUCK_SECONDS)
    return longest_capture(config)


def recover_orphaned_captures(session: Session) -> list[int]:
    """Put captures left ``fetching`` back to ``pending`` and dispatch them; their ids.

    The interrupted attempt was counted when it was claimed, so nothing is added here; the
    next claim counts the next attempt. A capture already out of attempts is left for the
    sweeper, which fails it with the reason. The caller commits (the tasks go out then).
    """
    max_attempts = settings().ARCHIVE_MAX_ATTEMPTS
    orphans = session.scalars(
        select(Capture)
        .where(Capture.status == CaptureStatus.FETCHING, Capture.attempts < max_attempts)
        .order_by(Capture.id)
    ).all()
    now = utcnow()
    for capture in orphans:
        capture.status = CaptureStatus.PENDING
        capture.next_attempt_at = now
        capture.error_reason = "worker-lost"
        capture.error_detail = "the desk stopped while this was being fetched; sent again at start"
        enqueue_capture(session, capture.id)
    session.flush()
    ids = [c.id for c in orphans]
    if ids:
        log.info("re-dispatched captures orphaned by the last run", extra={"captures": ids})
    return ids
